// Adding or editing a provider: kind, id, base URL, models, and (optionally) a key.
import { useState } from "react";
import type { ProviderKind, ProviderSpec } from "../ipc";

/** Sensible defaults per kind. */
export const KIND_DEFAULTS: Record<ProviderKind, { label: string; id: string; model: string; baseUrl: string; needsKey: boolean; keyHint: string }> = {
  anthropic: { label: "Anthropic", id: "anthropic", model: "claude-sonnet-4-5", baseUrl: "", needsKey: true, keyHint: "sk-ant-…" },
  openai: { label: "OpenAI", id: "openai", model: "gpt-5", baseUrl: "", needsKey: true, keyHint: "sk-…" },
  gemini: { label: "Google Gemini", id: "gemini", model: "gemini-2.5-pro", baseUrl: "", needsKey: true, keyHint: "AIza…" },
  "openai-compatible": { label: "OpenAI-compatible (Ollama, LM Studio, vLLM…)", id: "local", model: "llama3.2", baseUrl: "http://127.0.0.1:11434/v1", needsKey: false, keyHint: "optional" },
};

export interface ProviderFormValue {
  spec: ProviderSpec;
  key: string;
}

interface Props {
  initial?: ProviderSpec;
  /** The kind is fixed (onboarding picks it first). */
  fixedKind?: ProviderKind;
  submitLabel: string;
  cancelLabel?: string;
  busy?: boolean;
  error?: string | null;
  onSubmit: (v: ProviderFormValue) => void;
  onCancel?: () => void;
}

export function ProviderForm({ initial, fixedKind, submitLabel, cancelLabel = "Cancel", busy, error, onSubmit, onCancel }: Props) {
  const [kind, setKind] = useState<ProviderKind>(initial?.kind ?? fixedKind ?? "anthropic");
  const d = KIND_DEFAULTS[kind];
  const [id, setId] = useState(initial?.id ?? d.id);
  const [baseUrl, setBaseUrl] = useState(initial?.base_url ?? d.baseUrl);
  const [models, setModels] = useState((initial?.models ?? [d.model]).join(", "));
  const [key, setKey] = useState("");
  const editing = Boolean(initial);
  const changeKind = (k: ProviderKind) => {
    const nd = KIND_DEFAULTS[k];
    setKind(k);
    if (!editing) {
      setId(nd.id);
      setModels(nd.model);
    }
    setBaseUrl(nd.baseUrl);
  };
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        const list = models.split(",").map((m) => m.trim()).filter(Boolean);
        onSubmit({ spec: { id: id.trim(), kind, base_url: baseUrl.trim() || undefined, models: list }, key });
        setKey("");
      }}
    >
      {!fixedKind && (
        <label className="field">
          <span>Kind</span>
          <select className="select" value={kind} disabled={editing} aria-label="Provider kind" data-testid="provider-kind" onChange={(e) => changeKind(e.target.value as ProviderKind)}>
            {(Object.keys(KIND_DEFAULTS) as ProviderKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_DEFAULTS[k].label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field">
        <span>Name (id)</span>
        <input className="input mono" value={id} disabled={editing} aria-label="Provider id" data-testid="provider-id" onChange={(e) => setId(e.target.value)} required />
      </label>
      {(kind === "openai-compatible" || baseUrl) && (
        <label className="field">
          <span>Base URL</span>
          <input className="input mono" value={baseUrl} placeholder="https://…/v1" aria-label="Base URL" data-testid="provider-base-url" onChange={(e) => setBaseUrl(e.target.value)} required={kind === "openai-compatible"} />
        </label>
      )}
      <label className="field">
        <span>Models</span>
        <input className="input mono" value={models} aria-label="Models, comma separated" data-testid="provider-models" onChange={(e) => setModels(e.target.value)} required />
        <small className="muted">Comma-separated; the first is the default.</small>
      </label>
      <label className="field">
        <span>API key {d.needsKey ? "" : "(optional)"}</span>
        <input
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          placeholder={editing ? "Leave empty to keep the current key" : d.keyHint}
          aria-label="API key"
          data-testid="provider-key"
          onChange={(e) => setKey(e.target.value)}
        />
        <small className="muted">Stored in the system keychain. Hearth never shows it again.</small>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-buttons">
        {onCancel && (
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {cancelLabel}
          </button>
        )}
        <button type="submit" className="btn btn-primary" data-testid="provider-save" disabled={busy}>
          {busy ? "Working…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
