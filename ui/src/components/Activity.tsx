// The live action log: newest first, filters by kind / tool / provider, entries expandable.
import { memo, useEffect, useMemo, useState, type ReactNode } from "react";
import { commands, errorMessage, onEvent, type ActionLogEntry, type Actor, type Json, type LogKind, type LogQuery } from "../ipc";
import { clock, compact, money } from "../lib/format";
import { BanIcon, CheckIcon, PauseIcon, StopIcon, XIcon } from "./icons";

const KINDS: { value: LogKind; label: string }[] = [
  { value: "model_call", label: "Model calls" },
  { value: "tool_call", label: "Tool calls" },
  { value: "approval", label: "Approvals" },
  { value: "key_use", label: "Key use" },
  { value: "config_change", label: "Config changes" },
  { value: "api_request", label: "Local API" },
  { value: "other", label: "Other" },
];

const KIND_LABEL: Record<LogKind, string> = {
  model_call: "model call",
  tool_call: "tool",
  approval: "approval",
  key_use: "key use",
  config_change: "config",
  api_request: "local API",
  other: "other",
};

const STATUS_ICON: Record<ActionLogEntry["status"], ReactNode> = {
  pending: <span className="spinner" />,
  ok: <CheckIcon size={12} />,
  error: <XIcon size={12} />,
  denied: <BanIcon size={12} />,
  cancelled: <StopIcon size={10} />,
  interrupted: <PauseIcon size={12} />,
};

/** A string field of a JSON object, if present. */
function field(detail: Json | undefined, key: string): string | undefined {
  if (detail && typeof detail === "object" && !Array.isArray(detail)) {
    const v = detail[key];
    if (typeof v === "string") return v;
  }
  return undefined;
}

function num(detail: Json | undefined, key: string): number | undefined {
  if (detail && typeof detail === "object" && !Array.isArray(detail)) {
    const v = detail[key];
    if (typeof v === "number") return v;
  }
  return undefined;
}

/** "user", "rule shell.run(git*)", "API client vim". */
export function actorLabel(actor: Actor): string {
  if (typeof actor === "string") return actor;
  if ("api" in actor) return `API client ${actor.api}`;
  return `rule ${actor.rule}`;
}

function matches(e: ActionLogEntry, q: Omit<LogQuery, "limit">): boolean {
  return (!q.kind || e.kind === q.kind) && (!q.tool || field(e.detail, "tool") === q.tool) && (!q.provider || field(e.detail, "provider") === q.provider);
}

function tokensLine(e: ActionLogEntry): string | null {
  const d = e.outcome?.detail;
  const input = num(d, "input_tokens");
  const output = num(d, "output_tokens");
  if (input === undefined && output === undefined) return null;
  const cost = num(d, "cost_usd");
  return `${compact(input ?? 0)} in · ${compact(output ?? 0)} out${cost !== undefined ? ` · ${money(cost)}` : ""}`;
}

const Entry = memo(function Entry({ e }: { e: ActionLogEntry }) {
  const [open, setOpen] = useState(false);
  const waiting = e.kind === "approval" && e.status === "pending";
  const tokens = tokensLine(e);
  const decided = e.stages.find((s) => s.name === "decided");
  return (
    <li className={`log-entry status-${e.status} ${waiting ? "waiting" : ""}`} data-testid="activity-entry" data-kind={e.kind} data-status={e.status}>
      <button type="button" className="log-head" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span className="log-time">{clock(e.started_at_ms)}</span>
        <span className="log-main">
          <span className="log-kind">{KIND_LABEL[e.kind]}</span>
          <span className="log-summary">{e.summary}</span>
          {tokens && <span className="log-sub">{tokens}</span>}
          {!tokens && e.outcome && e.outcome.status !== "ok" && <span className="log-sub">{e.outcome.summary}</span>}
        </span>
        <span className={`log-status s-${e.status}`} role="img" aria-label={waiting ? "waiting for you" : e.status} title={waiting ? "waiting for you" : e.status}>
          {waiting ? <PauseIcon size={12} /> : STATUS_ICON[e.status]}
        </span>
      </button>
      {open && (
        <dl className="log-detail">
          <dt>Status</dt>
          <dd>
            {e.status}
            {decided && ` · ${field(decided.detail, "decision") ?? decided.summary} by ${actorLabel(decided.actor)}`}
          </dd>
          <dt>By</dt>
          <dd>{actorLabel(e.actor)}</dd>
          {e.stages.map((s, i) => (
            <StageRow key={i} name={s.name} text={`${clock(s.at_ms)} · ${s.summary} (${actorLabel(s.actor)})`} />
          ))}
          {e.outcome && (
            <>
              <dt>Result</dt>
              <dd>
                {e.outcome.summary}
                {e.outcome.duration_ms != null && ` · ${e.outcome.duration_ms} ms`}
              </dd>
            </>
          )}
          <dt>Detail</dt>
          <dd>
            <pre className="log-json">{JSON.stringify({ ...(e.detail as object), ...(e.outcome ? { outcome: e.outcome.detail } : {}) }, null, 2)}</pre>
          </dd>
          <dt>Entry</dt>
          <dd className="mono">
            #{e.seq} · {new Date(e.started_at_ms).toLocaleString()}
          </dd>
        </dl>
      )}
    </li>
  );
});

function StageRow({ name, text }: { name: string; text: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{text}</dd>
    </>
  );
}

function progress(e: ActionLogEntry): number {
  return (e.outcome ? 1000 : 0) + e.stages.length;
}

/** The union of two entry lists by id, keeping the further-along version of each. */
export function mergeEntries(a: ActionLogEntry[], b: ActionLogEntry[]): ActionLogEntry[] {
  const byId = new Map<string, ActionLogEntry>();
  for (const e of [...a, ...b]) {
    const have = byId.get(e.id);
    if (!have || progress(e) >= progress(have)) byId.set(e.id, e);
  }
  return [...byId.values()];
}

export function Activity({ tools, providers }: { tools: string[]; providers: string[] }) {
  const [entries, setEntries] = useState<ActionLogEntry[]>([]);
  const [filter, setFilter] = useState<Omit<LogQuery, "limit">>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    setEntries([]);
    commands.actionLog({ limit: 200, ...filter }).then(
      // Entries that arrived as events while the query ran are newer: keep them.
      (list) => !stale && (setEntries((live) => mergeEntries(list, live)), setError(null)),
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
  const sorted = useMemo(() => entries.slice().sort((a, b) => b.seq - a.seq), [entries]);

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
