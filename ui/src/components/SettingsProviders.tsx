// Settings → Providers: list, add, edit, test, and keys (set / replace / remove; never shown).
import { useEffect, useState } from "react";
import { commands, errorMessage, type KeyStatus, type ProviderInfo, type ProviderTestResult } from "../ipc";
import { useApp } from "../state/app";
import { KIND_DEFAULTS, ProviderForm, type ProviderFormValue } from "./ProviderForm";

function KeyControl({ provider, status, onChanged }: { provider: ProviderInfo; status: KeyStatus | undefined; onChanged: () => void }) {
  const app = useApp();
  const [editing, setEditing] = useState(false);
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const present = status?.present;
  if (editing) {
    return (
      <form
        className="key-form"
        onSubmit={(e) => {
          e.preventDefault();
          const k = key.trim();
          setKey("");
          commands.setKey(provider.id, k).then(
            () => {
              setEditing(false);
              setError(null);
              onChanged();
            },
            (err) => setError(errorMessage(err)),
          );
        }}
      >
        <input
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={key}
          placeholder={KIND_DEFAULTS[provider.kind].keyHint}
          aria-label={`API key for ${provider.id}`}
          data-testid={`key-input-${provider.id}`}
          onChange={(e) => setKey(e.target.value)}
        />
        <button type="submit" className="btn btn-small btn-primary" data-testid={`key-save-${provider.id}`} disabled={!key.trim()}>
          Save key
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => (setEditing(false), setKey(""))}>
          Cancel
        </button>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
    );
  }
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString([], { day: "numeric", month: "short" }) : null);
  const needsKey = status?.requires_key ?? KIND_DEFAULTS[provider.kind].needsKey;
  const moved = status?.present && status.bound_origin && status.current_origin && status.bound_origin !== status.current_origin && !status.host_confirmed;
  return (
    <div className="key-block">
      <div className="key-line">
        <span className={`key-status ${present || !needsKey ? "present" : "absent"}`} data-testid={`key-status-${provider.id}`}>
          {present ? (
            <>
              Key <span className="mono">••••{status?.last_four ?? ""}</span>
              <span className="muted">
                {" "}
                · {status?.source === "env" ? `from ${provider.key_env ?? "an environment variable"} (less safe)` : "in keychain"}
                {status?.last_validated ? ` · worked ${when(status.last_validated)}` : status?.stored_at ? ` · stored ${when(status.stored_at)}` : ""}
              </span>
            </>
          ) : needsKey ? (
            "No key yet"
          ) : (
            "No key (not needed for most local servers)"
          )}
        </span>
        <button type="button" className="btn btn-small" data-testid={`key-set-${provider.id}`} onClick={() => setEditing(true)}>
          {present ? "Replace key" : "Set key"}
        </button>
        {present && status?.source !== "env" && (
          <button
            type="button"
            className="btn btn-small btn-ghost-danger"
            data-testid={`key-delete-${provider.id}`}
            onClick={() => {
              if (!window.confirm(`Remove the ${provider.id} key from the keychain?`)) return;
              commands.deleteKey(provider.id).then(onChanged, (e) => app.toast({ text: errorMessage(e), tone: "error" }));
            }}
          >
            Remove key
          </button>
        )}
      </div>
      {moved && (
        <p className="key-warning" role="note">
          This key was stored for {status!.bound_origin}, but {provider.id} now points at {status!.current_origin}. Hearth will not send it there until you confirm.
        </p>
      )}
      {status?.error && (
        <p className="key-warning" role="alert">
          {status.error}
        </p>
      )}
    </div>
  );
}

export function SettingsProviders() {
  const app = useApp();
  const [keys, setKeys] = useState<KeyStatus[]>([]);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, ProviderTestResult | "running">>({});
  const loadKeys = () => commands.keyStatus().then(setKeys, () => {});
  useEffect(() => {
    void loadKeys();
  }, []);
  const providers = app.providers ?? [];

  const save = async ({ spec, key }: ProviderFormValue) => {
    setBusy(true);
    setError(null);
    try {
      await commands.addProvider(spec);
      if (key.trim()) await commands.setKey(spec.id, key.trim());
      await Promise.all([app.reloadProviders(), loadKeys()]);
      setEditing(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const test = (id: string) => {
    setTests((t) => ({ ...t, [id]: "running" }));
    commands.testProvider(id).then(
      (r) => setTests((t) => ({ ...t, [id]: r })),
      (e) => setTests((t) => ({ ...t, [id]: { ok: false, message: errorMessage(e), latency_ms: null } })),
    );
  };

  return (
    <div className="settings-section">
      <h2>Providers</h2>
      <p className="muted">The AI services Hearth may call. Keys live in the system keychain; Hearth never shows them again.</p>
      {providers.length === 0 && editing !== "new" && <p className="empty-inline">No provider yet. Add one to start chatting.</p>}
      <ul className="provider-list">
        {providers.map((p) => {
          const t = tests[p.id];
          return (
            <li key={p.id} className="provider-card" data-testid={`provider-${p.id}`}>
              {editing === p.id ? (
                <ProviderForm initial={{ id: p.id, kind: p.kind, base_url: p.base_url ?? undefined, models: p.models }} submitLabel="Save" busy={busy} error={error} onSubmit={save} onCancel={() => setEditing(null)} />
              ) : (
                <>
                  <div className="provider-head">
                    <strong className="mono">{p.id}</strong>
                    <span className="muted">{KIND_DEFAULTS[p.kind].label}</span>
                    <span className="spacer" />
                    <button type="button" className="btn btn-small" data-testid={`provider-test-${p.id}`} disabled={t === "running"} onClick={() => test(p.id)}>
                      {t === "running" ? "Testing…" : "Test"}
                    </button>
                    <button type="button" className="btn btn-small" aria-label={`Edit ${p.id}`} onClick={() => (setError(null), setEditing(p.id))}>
                      Edit
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost-danger"
                      aria-label={`Remove provider ${p.id}`}
                      onClick={() => {
                        if (!window.confirm(`Remove ${p.id}? Its key is removed from the keychain too.`)) return;
                        commands.removeProvider(p.id).then(
                          () => void Promise.all([app.reloadProviders(), loadKeys()]),
                          (e) => app.toast({ text: errorMessage(e), tone: "error" }),
                        );
                      }}
                    >
                      Remove
                    </button>
                  </div>
                  <div className="provider-meta mono">
                    {p.base_url && <span>{p.base_url}</span>}
                    <span>{p.models.join(", ")}</span>
                  </div>
                  <KeyControl provider={p} status={keys.find((k) => k.provider === p.id)} onChanged={() => void loadKeys()} />
                  {t && t !== "running" && (
                    <p className={`test-result ${t.ok ? "ok" : "bad"}`} role="status" data-testid={`provider-test-result-${p.id}`}>
                      {t.ok ? "✓ " : "✕ "}
                      {t.message}
                      {t.latency_ms != null && ` · ${t.latency_ms} ms`}
                    </p>
                  )}
                </>
              )}
            </li>
          );
        })}
      </ul>
      {editing === "new" ? (
        <div className="provider-card">
          <ProviderForm submitLabel="Add provider" busy={busy} error={error} onSubmit={save} onCancel={() => setEditing(null)} />
        </div>
      ) : (
        <button type="button" className="btn" data-testid="add-provider" onClick={() => (setError(null), setEditing("new"))}>
          + Add provider
        </button>
      )}
    </div>
  );
}
