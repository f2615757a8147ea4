// Settings: Providers, Tools & folders, MCP servers, Calendar & mail, Personal context, Local API, Data, Appearance, About.
import { useEffect, useState } from "react";
import { commands, errorMessage, type Appearance, type ConversationEntry, type ExportFormat } from "../ipc";
import { bytes } from "../lib/format";
import { useApp, type SettingsSection } from "../state/app";
import { Dialog } from "./Dialog";
import { SettingsApiTokens } from "./SettingsApiTokens";
import { SettingsMcp } from "./SettingsMcp";
import { SettingsPersonal } from "./SettingsPersonal";
import { SettingsProviders } from "./SettingsProviders";
import { XIcon } from "./icons";

const SECTIONS: { id: SettingsSection; label: string }[] = [
  { id: "providers", label: "Providers" },
  { id: "tools", label: "Tools & folders" },
  { id: "mcp", label: "MCP servers" },
  { id: "mail", label: "Calendar & mail" },
  { id: "context", label: "Personal context" },
  { id: "api", label: "Local API" },
  { id: "data", label: "Data" },
  { id: "appearance", label: "Appearance" },
  { id: "about", label: "About" },
];

function PathList({ paths, onChange }: { paths: string[]; onChange: (p: string[]) => void }) {
  const [draft, setDraft] = useState("");
  return (
    <div>
      <ul className="path-list">
        {paths.map((p) => (
          <li key={p}>
            <span className="mono">{p}</span>
            <button type="button" className="icon-btn" aria-label={`Remove ${p}`} onClick={() => onChange(paths.filter((x) => x !== p))}>
              <XIcon size={12} />
            </button>
          </li>
        ))}
        {paths.length === 0 && <li className="muted">No folders yet: file and shell tools cannot act anywhere.</li>}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const p = draft.trim();
          if (p && !paths.includes(p)) onChange([...paths, p]);
          setDraft("");
        }}
      >
        <input className="input mono" value={draft} placeholder="~/code" aria-label="Folder to add" data-testid="root-input" onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="btn btn-small" disabled={!draft.trim()}>
          Add folder
        </button>
      </form>
    </div>
  );
}

function Shelf({ scope, onChanged }: { scope: "archived" | "trash"; onChanged: () => void }) {
  const app = useApp();
  const [list, setList] = useState<ConversationEntry[] | null>(null);
  const load = () => commands.listConversations({ scope, limit: 200 }).then(setList, () => setList([]));
  useEffect(() => {
    void load();
  }, [scope]);
  const restore = (c: ConversationEntry) =>
    (scope === "trash" ? commands.restoreConversation(c.id) : commands.setArchived(c.id, false)).then(
      () => {
        void load();
        onChanged();
      },
      (e) => app.toast({ text: errorMessage(e), tone: "error" }),
    );
  return (
    <ul className="path-list" data-testid={`shelf-${scope}`}>
      {list?.map((c) => (
        <li key={c.id}>
          <span>{c.title || "Untitled"}</span>
          <button type="button" className="btn btn-small" onClick={() => void restore(c)}>
            {scope === "trash" ? "Restore" : "Unarchive"}
          </button>
        </li>
      ))}
      {list?.length === 0 && <li className="muted">{scope === "trash" ? "The trash is empty. Deleted conversations stay here for 30 days." : "Nothing archived."}</li>}
    </ul>
  );
}

function Data() {
  const app = useApp();
  const [format, setFormat] = useState<ExportFormat>("json");
  const [importPath, setImportPath] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  return (
    <div className="settings-section">
      <h2>Data</h2>
      <div className="setting-row">
        <span>Location</span>
        <span className="mono">{app.settings?.data_dir ?? app.info?.data_dir}</span>
      </div>
      <h3>Export</h3>
      <div className="inline-form">
        <select className="select" aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
          <option value="json">JSON (complete, re-importable)</option>
          <option value="markdown">Markdown (readable)</option>
        </select>
        <button
          type="button"
          className="btn"
          data-testid="export"
          onClick={() =>
            commands.exportHistory(format).then(
              (r) => setStatus(`Exported ${r.conversations} conversations to ${r.path}`),
              (e) => setStatus(errorMessage(e)),
            )
          }
        >
          Export all conversations
        </button>
      </div>
      <h3>Import</h3>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          commands.importHistory(importPath.trim()).then(
            (r) => setStatus(`Imported ${r.imported.length} conversations${r.skipped_existing.length ? `; ${r.skipped_existing.length} were already here` : ""}.`),
            (err) => setStatus(errorMessage(err)),
          );
        }}
      >
        <input className="input mono" value={importPath} placeholder="~/Downloads/hearth-export.json" aria-label="File to import" onChange={(e) => setImportPath(e.target.value)} />
        <button type="submit" className="btn" disabled={!importPath.trim()}>
          Import
        </button>
      </form>
      {status && (
        <p className="muted" role="status">
          {status}
        </p>
      )}
      <h3>Archived</h3>
      <Shelf scope="archived" onChanged={app.notifyConversationsChanged} />
      <h3>Trash</h3>
      <Shelf scope="trash" onChanged={app.notifyConversationsChanged} />
    </div>
  );
}

export function SettingsDialog() {
  const app = useApp();
  const section = app.settingsOpen ?? "providers";
  const s = app.settings;
  const close = () => app.openSettings(null);
  let body: React.ReactNode = null;
  switch (section) {
    case "providers":
      body = <SettingsProviders />;
      break;
    case "tools":
      body = (
        <div className="settings-section">
          <h2>Tools & folders</h2>
          <p className="muted">File and shell tools act only inside these folders. Everything else is refused.</p>
          {s && <PathList paths={s.roots} onChange={(roots) => void app.updateSettings({ roots })} />}
          <h3>Window</h3>
          <label className="setting-row check">
            <span>Keep Hearth in the tray when the window closes</span>
            <input type="checkbox" role="switch" className="switch" aria-label="Keep running in the tray" checked={s?.close_to_tray ?? true} onChange={(e) => void app.updateSettings({ close_to_tray: e.target.checked })} />
          </label>
        </div>
      );
      break;
    case "mcp":
      body = <SettingsMcp />;
      break;
    case "mail":
      body = <SettingsPersonal />;
      break;
    case "context":
      body = (
        <div className="settings-section">
          <h2>Personal context</h2>
          <p className="muted">Every Markdown file in this folder is given to the model with each conversation — who you are, how you like answers. Edits are picked up automatically.</p>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const v = new FormData(e.currentTarget).get("folder");
              void app.updateSettings({ context_folder: String(v ?? "").trim() });
            }}
          >
            <input key={s?.context_folder} name="folder" className="input mono" defaultValue={s?.context_folder} aria-label="Personal context folder" data-testid="context-folder" />
            <button type="submit" className="btn btn-small">
              Save
            </button>
          </form>
          {s && (
            <>
              <h3>
                Loaded: {bytes(s.context_files.reduce((n, f) => n + f.bytes, 0))} of a {bytes(s.context_budget_bytes)} budget
              </h3>
              <ul className="path-list">
                {s.context_files.map((f) => (
                  <li key={f.path}>
                    <span className="mono">{f.path}</span>
                    <span className="muted">{bytes(f.bytes)}</span>
                  </li>
                ))}
                {s.context_files.length === 0 && <li className="muted">No Markdown files yet.</li>}
              </ul>
            </>
          )}
        </div>
      );
      break;
    case "api":
      body = (
        <div className="settings-section">
          <h2>Local API</h2>
          <p className="muted">Other apps on this machine can use Hearth as their AI endpoint (OpenAI- and Anthropic-compatible), with their own tokens. Every request lands in the action log.</p>
          <label className="setting-row check">
            <span>Enabled</span>
            <input type="checkbox" role="switch" className="switch" aria-label="Local API enabled" checked={s?.local_api.enabled ?? false} onChange={(e) => void app.updateSettings({ local_api_enabled: e.target.checked })} />
          </label>
          <div className="setting-row">
            <span>Address</span>
            <span className="mono" data-testid="api-address">
              http://{s?.local_api.address}
            </span>
          </div>
          <SettingsApiTokens address={s?.local_api.address ?? "127.0.0.1:8765"} />
          <p className="muted small">
            Also from a terminal: <span className="mono">hearth token create NAME</span>, <span className="mono">hearth token list</span>, <span className="mono">hearth token revoke NAME</span>.
          </p>
        </div>
      );
      break;
    case "data":
      body = <Data />;
      break;
    case "appearance":
      body = (
        <div className="settings-section">
          <h2>Appearance</h2>
          <div className="segmented wide" role="radiogroup" aria-label="Theme">
            {(["system", "light", "dark"] as Appearance[]).map((a) => (
              <button key={a} type="button" role="radio" aria-checked={(s?.appearance ?? "system") === a} data-testid={`theme-${a}`} className={`seg ${(s?.appearance ?? "system") === a ? "on" : ""}`} onClick={() => void app.updateSettings({ appearance: a })}>
                {a === "system" ? "Follow system" : a === "light" ? "Light" : "Dark"}
              </button>
            ))}
          </div>
        </div>
      );
      break;
    case "about":
      body = (
        <div className="settings-section">
          <h2>About Hearth</h2>
          <div className="setting-row">
            <span>Version</span>
            <span className="mono" data-testid="about-version">
              {app.info?.version}
            </span>
          </div>
          <div className="setting-row">
            <span>Data</span>
            <span className="mono">{app.info?.data_dir}</span>
          </div>
          <p className="muted">A local-first AI gateway. Your keys stay in the keychain; nothing leaves this machine unasked; every action is logged.</p>
        </div>
      );
      break;
  }
  return (
    <Dialog label="Settings" onClose={close} className="settings" testId="settings">
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings sections">
          <h1>Settings</h1>
          {SECTIONS.map((x) => (
            <button key={x.id} type="button" className={`settings-tab ${section === x.id ? "on" : ""}`} aria-current={section === x.id ? "page" : undefined} data-testid={`settings-${x.id}`} onClick={() => app.openSettings(x.id)}>
              {x.label}
            </button>
          ))}
        </nav>
        <div className="settings-body">
          <button type="button" className="icon-btn settings-close" aria-label="Close settings" onClick={close}>
            <XIcon />
          </button>
          {body}
        </div>
      </div>
    </Dialog>
  );
}
