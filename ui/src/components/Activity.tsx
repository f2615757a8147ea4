// The live action log: newest first, filters by kind / tool / provider, entries expandable.
import { memo, useEffect, useMemo, useState, type ReactNode } from "react";
import { BanIcon, CheckIcon, PauseIcon, StopIcon, XIcon } from "./icons";
import { commands, errorMessage, onEvent, type ActionLogEntry, type LogKind, type LogQuery } from "../ipc";
import { clock, money, usageLine } from "../lib/format";

const KINDS: { value: LogKind; label: string }[] = [
  { value: "model_call", label: "Model calls" },
  { value: "tool_call", label: "Tool calls" },
  { value: "approval", label: "Approvals" },
  { value: "key_use", label: "Key use" },
  { value: "config_change", label: "Config changes" },
  { value: "api_request", label: "Local API" },
];

const KIND_LABEL: Record<LogKind, string> = {
  model_call: "model call",
  tool_call: "tool",
  approval: "approval",
  key_use: "key use",
  config_change: "config",
  api_request: "local API",
};

const STATUS_ICON: Record<ActionLogEntry["status"], ReactNode> = {
  pending: <PauseIcon size={12} />,
  started: <span className="spinner" />,
  ok: <CheckIcon size={12} />,
  error: <XIcon size={12} />,
  denied: <BanIcon size={12} />,
  cancelled: <StopIcon size={10} />,
};

function matches(e: ActionLogEntry, q: Omit<LogQuery, "limit">): boolean {
  return (!q.kind || e.kind === q.kind) && (!q.tool || e.tool === q.tool) && (!q.provider || e.provider === q.provider);
}

const Entry = memo(function Entry({ e }: { e: ActionLogEntry }) {
  const [open, setOpen] = useState(false);
  return (
    <li className={`log-entry status-${e.status}`} data-testid="activity-entry" data-kind={e.kind} data-status={e.status}>
      <button type="button" className="log-head" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span className="log-time">{clock(e.ts)}</span>
        <span className="log-main">
          <span className="log-kind">{KIND_LABEL[e.kind]}</span>
          <span className="log-summary">{e.summary}</span>
        </span>
        <span className={`log-status s-${e.status}`} aria-label={e.status} title={e.status}>
          {STATUS_ICON[e.status]}
        </span>
      </button>
      {open && (
        <dl className="log-detail">
          <dt>Status</dt>
          <dd>
            {e.status}
            {e.decided_by && ` · decided by ${e.decided_by}`}
          </dd>
          {e.provider && (
            <>
              <dt>Provider</dt>
              <dd>
                {e.provider}
                {e.model && ` · ${e.model}`}
              </dd>
            </>
          )}
          {e.tool && (
            <>
              <dt>Tool</dt>
              <dd className="mono">{e.tool}</dd>
            </>
          )}
          {e.duration_ms != null && (
            <>
              <dt>Duration</dt>
              <dd>{e.duration_ms} ms</dd>
            </>
          )}
          {e.usage && (
            <>
              <dt>Tokens</dt>
              <dd>
                {usageLine(e.usage)}
                {e.cost_usd != null && ` · ${money(e.cost_usd)}`}
              </dd>
            </>
          )}
          {e.detail != null && (
            <>
              <dt>Detail</dt>
              <dd>
                <pre className="log-json">{JSON.stringify(e.detail, null, 2)}</pre>
              </dd>
            </>
          )}
          <dt>Entry</dt>
          <dd className="mono">#{e.id} · {new Date(e.ts).toLocaleString()}</dd>
        </dl>
      )}
    </li>
  );
});

export function Activity({ tools, providers }: { tools: string[]; providers: string[] }) {
  const [entries, setEntries] = useState<ActionLogEntry[]>([]);
  const [filter, setFilter] = useState<Omit<LogQuery, "limit">>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    commands.actionLog({ limit: 200, ...filter }).then(
      (list) => !stale && (setEntries(list), setError(null)),
      (e) => !stale && setError(errorMessage(e)),
    );
    const off = onEvent((ev) => {
      if (ev.type !== "action_logged" || !matches(ev.entry, filter)) return;
      setEntries((list) => {
        const at = list.findIndex((x) => x.id === ev.entry.id);
        if (at >= 0) {
          const next = list.slice();
          next[at] = ev.entry;
          return next;
        }
        return [ev.entry, ...list].slice(0, 500);
      });
    });
    return () => {
      stale = true;
      off();
    };
  }, [filter]);

  const set = (k: keyof typeof filter, v: string) => setFilter((f) => ({ ...f, [k]: v || undefined }));
  const sorted = useMemo(() => entries.slice().sort((a, b) => b.id - a.id), [entries]);

  return (
    <div className="activity">
      <div className="filters" role="group" aria-label="Filter the action log">
        <select className="select" aria-label="Filter by kind" data-testid="filter-kind" value={filter.kind ?? ""} onChange={(e) => set("kind", e.target.value)}>
          <option value="">All kinds</option>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <select className="select" aria-label="Filter by tool" data-testid="filter-tool" value={filter.tool ?? ""} onChange={(e) => set("tool", e.target.value)}>
          <option value="">All tools</option>
          {tools.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <select className="select" aria-label="Filter by provider" data-testid="filter-provider" value={filter.provider ?? ""} onChange={(e) => set("provider", e.target.value)}>
          <option value="">All providers</option>
          {providers.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </div>
      {error && <p className="muted pad">{error}</p>}
      {!error && sorted.length === 0 && <p className="muted pad">Nothing logged yet. Every model call, tool call and approval will show here as it happens.</p>}
      <ul className="log-list" aria-live="polite" aria-label="Action log, newest first">
        {sorted.map((e) => (
          <Entry key={e.id} e={e} />
        ))}
      </ul>
    </div>
  );
}
