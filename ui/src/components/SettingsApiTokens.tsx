// Settings → Local API → Tokens: the apps that may use the local API. A token is shown once, when
// it is created (only its hash is kept), with how to point an OpenAI or Anthropic SDK at Hearth;
// afterwards only its name, first characters and model limits are shown. Revoking cuts its app off
// at the next request. The core validates names and patterns and logs every change.
import { useEffect, useState } from "react";
import { commands, errorMessage, type NewApiToken, type TokenInfo } from "../ipc";
import { when } from "../lib/format";

/** Model patterns as typed: separated by commas, spaces or new lines. */
const patterns = (text: string) => text.split(/[\s,]+/).filter(Boolean);

function CreatedToken({ created, address, onDone }: { created: NewApiToken; address: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="token-created" role="status" data-testid="api-token-created">
      <p className="token-created-title">
        Token for <strong>{created.info.name}</strong>. Copy it now: it is not shown again.
      </p>
      <div className="key-line">
        <code className="mono token-text" data-testid="api-token-text">
          {created.token}
        </code>
        <button
          type="button"
          className="btn btn-small"
          data-testid="api-token-copy"
          onClick={() => void navigator.clipboard?.writeText(created.token).then(() => setCopied(true), () => setCopied(false))}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <p className="muted small">
        In the app: base URL <span className="mono">http://{address}/v1</span> (OpenAI) or{" "}
        <span className="mono">http://{address}</span> (Anthropic), and this token as its API key.
      </p>
      <div className="form-buttons">
        <button type="button" className="btn btn-small btn-primary" data-testid="api-token-done" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

/** The token list and the form that creates one. `address` is where the local API listens. */
export function SettingsApiTokens({ address }: { address: string }) {
  const [tokens, setTokens] = useState<TokenInfo[] | null>(null);
  const [name, setName] = useState("");
  const [models, setModels] = useState("");
  const [record, setRecord] = useState(false);
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    commands.listApiTokens().then(setTokens, (e) => setError(errorMessage(e)));
  }, []);

  const create = () =>
    commands.createApiToken(name.trim(), patterns(models), record).then(
      (made) => {
        setCreated(made);
        setTokens((list) => [...(list ?? []), made.info]);
        setName("");
        setModels("");
        setRecord(false);
        setError(null);
      },
      (e) => setError(errorMessage(e)),
    );

  const revoke = (token: TokenInfo) => {
    if (!window.confirm(`Revoke the token "${token.name}"? The app using it is cut off at its next request.`)) return;
    commands.revokeApiToken(token.name).then(
      (left) => {
        setTokens(left);
        setError(null);
      },
      (e) => setError(errorMessage(e)),
    );
  };

  return (
    <div className="api-tokens">
      <h3>Tokens</h3>
      <p className="muted small">Each app gets its own token, so its requests are named in the action log and it can be cut off alone.</p>
      {created && <CreatedToken created={created} address={address} onDone={() => setCreated(null)} />}
      <ul className="path-list" data-testid="api-token-list" aria-label="API tokens">
        {tokens?.map((t) => (
          <li key={t.name} data-testid={`api-token-${t.name}`}>
            <span className="token-line">
              <strong>{t.name}</strong> <span className="mono muted">{t.prefix}…</span>{" "}
              <span className="muted">
                · {t.models.length ? t.models.join(", ") : "every model"}
                {t.record ? " · recorded as conversations" : ""} · created {when(t.created_at)}
              </span>
            </span>
            <button type="button" className="btn btn-small btn-ghost-danger" data-testid={`api-token-revoke-${t.name}`} onClick={() => revoke(t)}>
              Revoke
            </button>
          </li>
        ))}
        {tokens?.length === 0 && <li className="muted">No tokens yet: no app can use the local API.</li>}
      </ul>
      <form
        className="form api-token-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <div className="inline-form">
          <input className="input" placeholder="App name, e.g. editor" aria-label="Token name" data-testid="api-token-name" value={name} onChange={(e) => setName(e.target.value)} />
          <input className="input mono" placeholder="Models (optional), e.g. ollama/*" aria-label="Model patterns" data-testid="api-token-models" value={models} onChange={(e) => setModels(e.target.value)} />
        </div>
        <div className="key-line">
          <label className="check-label">
            <input type="checkbox" data-testid="api-token-record" checked={record} onChange={(e) => setRecord(e.target.checked)} /> Also record its requests as conversations
          </label>
          <button type="submit" className="btn btn-small btn-primary" data-testid="api-token-create" disabled={!name.trim()}>
            Create token
          </button>
        </div>
        {error && (
          <p className="form-error" role="alert" data-testid="api-token-error">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}
