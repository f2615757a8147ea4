// Small pure formatting helpers.
import type { Conversation, Usage } from "../ipc";

/** Time groups of the sidebar, in display order. */
export type Group = "Pinned" | "Today" | "Yesterday" | "Last 7 days" | "Older";

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Which group a conversation belongs in, relative to `now`. */
export function groupOf(c: Conversation, now: number): Group {
  if (c.pinned) return "Pinned";
  const today = startOfDay(now);
  if (c.updated_at >= today) return "Today";
  if (c.updated_at >= today - 86_400_000) return "Yesterday";
  if (c.updated_at >= today - 7 * 86_400_000) return "Last 7 days";
  return "Older";
}

/** Conversations grouped: pinned first, then by recency; inside a group newest first. */
export function groupConversations(list: Conversation[], now: number): [Group, Conversation[]][] {
  const order: Group[] = ["Pinned", "Today", "Yesterday", "Last 7 days", "Older"];
  const groups = new Map<Group, Conversation[]>();
  for (const c of list) {
    const g = groupOf(c, now);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(c);
  }
  return order
    .filter((g) => groups.has(g))
    .map((g) => [g, groups.get(g)!.sort((a, b) => b.updated_at - a.updated_at)]);
}

/** 1234 → "1.2k". */
export function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return (n / 1000).toFixed(1).replace(/\.0$/, "") + "k";
  if (n < 1_000_000) return Math.round(n / 1000) + "k";
  return (n / 1_000_000).toFixed(1) + "M";
}

/** A cost in dollars, with enough digits to be meaningful. */
export function money(usd: number): string {
  if (usd === 0) return "$0";
  if (usd < 0.01) return "$" + usd.toFixed(4);
  return "$" + usd.toFixed(2);
}

/** "1.2k in · 340 out". */
export function usageLine(u: Usage): string {
  const parts = [`${compact(u.input_tokens)} in`, `${compact(u.output_tokens)} out`];
  if (u.cached_input_tokens) parts.push(`${compact(u.cached_input_tokens)} cached`);
  if (u.reasoning_tokens) parts.push(`${compact(u.reasoning_tokens)} reasoning`);
  return parts.join(" · ");
}

/** "12:01". */
export function clock(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
}

/** "12:01" today, "Mon 12:01" this week, else a date. */
export function when(t: number, now = Date.now()): string {
  if (t >= startOfDay(now)) return clock(t);
  if (t >= startOfDay(now) - 6 * 86_400_000) {
    return new Date(t).toLocaleDateString([], { weekday: "short" }) + " " + clock(t);
  }
  return new Date(t).toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" });
}

/** Tool arguments on one line: `command: git status · cwd: ~/code`. */
export function argsLine(args: unknown): string {
  if (args && typeof args === "object" && !Array.isArray(args)) {
    return Object.entries(args as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" · ");
  }
  return typeof args === "string" ? args : JSON.stringify(args);
}

/** 2048 → "2 KB" (1024-based, one decimal under 10). */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1).replace(/\.0$/, "") : Math.round(v)} ${units[u]}`;
}
