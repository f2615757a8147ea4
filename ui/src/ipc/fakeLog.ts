// The fake backend's action log: entries written before an action, stages, completion; each
// change published as an `action_logged` event, like the core's audit module.
import type * as T from "./types";

/** An in-memory action log. */
export class FakeLog {
  entries: T.ActionLogEntry[] = [];
  private seq = 0;

  constructor(private publish: (entry: T.ActionLogEntry) => void) {}

  /** Writes an entry before an action (status pending) and publishes it. */
  begin(e: Pick<T.ActionLogEntry, "kind" | "actor" | "summary"> & Partial<T.ActionLogEntry>, at = Date.now()): T.ActionLogEntry {
    this.seq += 1;
    const entry: T.ActionLogEntry = {
      id: `log-${this.seq}`,
      seq: this.seq,
      conversation_id: null,
      detail: {},
      started_at_ms: at,
      status: "pending",
      stages: [],
      outcome: null,
      ...e,
    };
    this.entries.push(entry);
    this.publish(entry);
    return entry;
  }

  /** Records a stage of a running action. */
  stage(entry: T.ActionLogEntry, name: string, actor: T.Actor, summary: string, detail: T.Json): void {
    entry.stages.push({ at_ms: Date.now(), name, actor, summary, detail });
    this.publish(entry);
  }

  /** Completes an action. */
  end(entry: T.ActionLogEntry, status: T.LogStatus, summary: string, detail: T.Json, durationMs: number | null): void {
    entry.status = status;
    entry.outcome = { at_ms: Date.now(), status, summary, detail, duration_ms: durationMs };
    this.publish(entry);
  }

  /** An instantaneous action: begun and completed at once. */
  done(e: Pick<T.ActionLogEntry, "kind" | "actor" | "summary"> & Partial<T.ActionLogEntry>, outcome: T.Json = {}, at = Date.now()): T.ActionLogEntry {
    const entry = this.begin(e, at);
    this.end(entry, "ok", "done", outcome, 0);
    entry.outcome!.at_ms = at;
    return entry;
  }

  query(q: T.LogQuery): T.ActionLogEntry[] {
    const d = (e: T.ActionLogEntry, k: string) => (e.detail && typeof e.detail === "object" && !Array.isArray(e.detail) ? (e.detail as Record<string, T.Json>)[k] : undefined);
    return this.entries
      .filter(
        (e) =>
          (q.before == null || e.seq < q.before) &&
          (!q.kind || e.kind === q.kind) &&
          (!q.tool || d(e, "tool") === q.tool) &&
          (!q.provider || d(e, "provider") === q.provider),
      )
      .sort((x, y) => y.seq - x.seq)
      .slice(0, q.limit);
  }
}
