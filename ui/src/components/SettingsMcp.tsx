// Settings → MCP servers: each server's status (refreshed while open), enable switch, restart,
// remove, an Add form (stdio), and import from Claude Desktop (preview, then confirm).
import { useEffect, useState } from "react";
import { commands, errorMessage, type McpImportPreview, type ServerStatus } from "../ipc";

/** How often the list is refreshed while the section is open. */
const REFRESH_MS = 3000;

/** The status line of one server. */
export function mcpStatusText(s: ServerStatus): string {
  switch (s.state) {
    case "running":
      return `running · ${s.tool_count} ${s.tool_count === 1 ? "tool" : "tools"}`;
    case "failed":
      return `failed · ${s.reason}`;
    case "disabled":
      return "disabled";
    case "starting":
      return "starting";
    case "stopped":
      return "starts on first use";
  }
}

/** Splits an argument line on spaces, keeping "quoted parts" together. */
export function splitArgs(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function ServerRow({ server, onChanged, onError }: { server: ServerStatus; onChanged: () => void; onError: (text: string) => void }) {
  const run = (p: Promise<unknown>) => p.then(onChanged, (e) => onError(errorMessage(e)));
  const tone = server.state === "running" ? "present" : server.state === "failed" ? "absent" : "";
  return (
    <li className="provider-card" data-testid={`mcp-server-${server.name}`} data-state={server.state}>
      <div className="provider-head">
        <strong>{server.name}</strong>
        <span className="muted small">{server.transport}</span>
        <span style={{ flex: 1 }} />
        <input
          type="checkbox"
          role="switch"
          className="switch"
          aria-label={`${server.name} enabled`}
          data-testid={`mcp-enabled-${server.name}`}
          checked={server.enabled}
          onChange={(e) => void run(commands.mcpSetEnabled(server.name, e.target.checked))}
        />
      </div>
      <div className="provider-meta">
        <span className="mono">{server.target}</span>
        {server.server_info && <span>{server.server_info}</span>}
      </div>
      <div className="key-line">
        <span className={`key-status ${tone}`} role="status" data-testid={`mcp-status-${server.name}`}>
          {mcpStatusText(server)}
        </span>
        <button type="button" className="btn btn-small" data-testid={`mcp-restart-${server.name}`} disabled={!server.enabled} onClick={() => void run(commands.mcpRestart(server.name))}>
          Restart
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost-danger"
          data-testid={`mcp-remove-${server.name}`}
          onClick={() => {
            if (!window.confirm(`Remove the MCP server ${server.name} (and its keychain secrets)?`)) return;
            void run(commands.mcpRemove(server.name));
          }}
        >
          Remove
        </button>
      </div>
    </li>
  );
}

function AddServer({ onAdded }: { onAdded: () => void }) {
  const [name, setName] = useState("");
  const [command, setCommand] = useState("");
  const [args, setArgs] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="form"
      data-testid="mcp-add-form"
      onSubmit={(e) => {
        e.preventDefault();
        commands.mcpAdd(name.trim(), command.trim(), splitArgs(args)).then(
          () => {
            setName("");
            setCommand("");
            setArgs("");
            setError(null);
            onAdded();
          },
          (err) => setError(errorMessage(err)),
        );
      }}
    >
      <label className="field">
        <span>Name</span>
        <input className="input mono" value={name} placeholder="notes" data-testid="mcp-add-name" onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span>Command</span>
        <input className="input mono" value={command} placeholder="npx" data-testid="mcp-add-command" onChange={(e) => setCommand(e.target.value)} />
      </label>
      <label className="field">
        <span>Arguments</span>
        <input className="input mono" value={args} placeholder="-y @modelcontextprotocol/server-filesystem ~/notes" data-testid="mcp-add-args" onChange={(e) => setArgs(e.target.value)} />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-buttons">
        <button type="submit" className="btn btn-primary" data-testid="mcp-add" disabled={!name.trim() || !command.trim()}>
          Add server
        </button>
      </div>
    </form>
  );
}

function ImportServers({ onImported }: { onImported: () => void }) {
  const [path, setPath] = useState("");
  const [preview, setPreview] = useState<McpImportPreview | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const chosen = path.trim() || null;
  const toAdd = preview?.servers.filter((s) => !s.skipped) ?? [];
  return (
    <div className="form">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setStatus(null);
          commands.mcpImportPreview(chosen).then(setPreview, (err) => (setPreview(null), setStatus(errorMessage(err))));
        }}
      >
        <input className="input mono" value={path} placeholder="Claude Desktop's config (default)" aria-label="File to import MCP servers from" data-testid="mcp-import-path" onChange={(e) => (setPath(e.target.value), setPreview(null))} />
        <button type="submit" className="btn" data-testid="mcp-import">
          Import from Claude Desktop…
        </button>
      </form>
      {preview && (
        <div data-testid="mcp-import-preview">
          <p className="muted small">
            From <span className="mono">{preview.path}</span>. Imported servers start disabled; secret values go to the keychain.
          </p>
          <ul className="path-list">
            {preview.servers.map((s) => (
              <li key={s.name} data-testid={`mcp-import-item-${s.name}`}>
                <span>
                  <strong>{s.name}</strong> <span className="mono">{s.target}</span>
                  {s.secret_names.length > 0 && <span className="muted small"> · secrets: {s.secret_names.join(", ")}</span>}
                </span>
                <span className="muted small">{s.skipped ? `skipped: ${s.skipped}` : "will be added"}</span>
              </li>
            ))}
            {preview.servers.length === 0 && <li className="muted">No MCP servers in that file.</li>}
          </ul>
          <div className="form-buttons">
            <button type="button" className="btn btn-ghost" onClick={() => setPreview(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="mcp-import-confirm"
              disabled={toAdd.length === 0}
              onClick={() =>
                commands.mcpImport(chosen).then(
                  (names) => {
                    setPreview(null);
                    setStatus(names.length ? `Imported ${names.join(", ")} (disabled: switch them on to run them).` : "Nothing new to import.");
                    onImported();
                  },
                  (err) => setStatus(errorMessage(err)),
                )
              }
            >
              Import {toAdd.length} {toAdd.length === 1 ? "server" : "servers"}
            </button>
          </div>
        </div>
      )}
      {status && (
        <p className="muted" role="status" data-testid="mcp-import-status">
          {status}
        </p>
      )}
    </div>
  );
}

export function SettingsMcp() {
  const [servers, setServers] = useState<ServerStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    commands.mcpStatuses().then(
      (list) => (setServers(list), setError(null)),
      (e) => setError(errorMessage(e)),
    );
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <div className="settings-section">
      <h2>MCP servers</h2>
      <p className="muted">Tools from MCP servers appear as SERVER.TOOL and follow the same permissions as every other tool.</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <ul className="provider-list">
        {servers?.map((s) => <ServerRow key={s.name} server={s} onChanged={() => void load()} onError={setError} />)}
        {servers?.length === 0 && <li className="muted">No MCP servers yet.</li>}
      </ul>
      <h3>Add a server</h3>
      <AddServer onAdded={() => void load()} />
      <h3>Import</h3>
      <ImportServers onImported={() => void load()} />
    </div>
  );
}
