// An in-memory backend with the same command surface as the Rust core, for a plain browser
// (`npm run dev`) and for tests. Streaming is real: timers emit text_delta events; tool calls go
// through a tiny policy (allow / ask / deny, rules, pause) with approvals that wait for an answer.
import type * as T from "./types";
import type { Transport } from "./transport";
import { EVENT_CHANNEL, OPEN_CONVERSATION_CHANNEL } from "./events";
import { seedDemo, seedLong } from "./fakeSeed";

/** Options of the fake backend. */
export interface FakeOptions {
  /** "demo": a lived-in history with a pending approval; "empty": first run, no provider;
   * "ready": one provider, no conversations. */
  seed?: "demo" | "empty" | "ready" | "long";
  /** Milliseconds between streamed chunks (0 = as fast as timers go). */
  tokenDelayMs?: number;
  /** Characters per streamed chunk. */
  chunkChars?: number;
}

interface ToolDef {
  name: string;
  description: string;
  risk: T.Risk;
}

const TOOLS: ToolDef[] = [
  { name: "files.read", description: "Read a file inside your roots", risk: "read" },
  { name: "files.list", description: "List a folder inside your roots", risk: "read" },
  { name: "files.write", description: "Create or change a file inside your roots", risk: "write" },
  { name: "shell.run", description: "Run a command in a root folder", risk: "execute" },
  { name: "web.fetch", description: "Fetch a web page", risk: "network" },
  { name: "calendar.list_events", description: "List calendar events in a range", risk: "read" },
  { name: "calendar.create_event", description: "Create a calendar event", risk: "write" },
  { name: "mail.search", description: "Search your mailboxes", risk: "read" },
  { name: "mail.send", description: "Send an email", risk: "send" },
];

const PRICES: Record<string, [number, number]> = {
  // $ per million tokens: input, output
  "claude-sonnet-4-5": [3, 15],
  "claude-haiku-4-5": [1, 5],
  "gpt-5": [1.25, 10],
  "gpt-5-mini": [0.25, 2],
};

class FakeError extends Error {
  constructor(
    public kind: string,
    message: string,
  ) {
    super(message);
  }
  toJSON(): T.IpcError {
    return { kind: this.kind, message: this.message };
  }
}

function fail(kind: string, message: string): never {
  throw { kind, message } satisfies T.IpcError;
}

let idCounter = 0;
/** A fresh id, time-ordered like UUID v7. */
export function fakeId(prefix = "m"): string {
  idCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${idCounter.toString(36)}`;
}

function primaryArg(args: T.Json): string {
  if (args && typeof args === "object" && !Array.isArray(args)) {
    for (const key of ["command", "path", "url", "to", "range", "query"]) {
      const v = (args as Record<string, T.Json>)[key];
      if (typeof v === "string") return v;
    }
  }
  return JSON.stringify(args);
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    "^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$",
  );
  return re.test(text);
}

function ruleMatches(rule: string, tool: string, args: T.Json): boolean {
  const m = /^([\w.-]+)(?:\((.*)\))?$/.exec(rule.trim());
  if (!m) return false;
  const [, name, pattern] = m;
  if (name !== tool && !(tool.startsWith(name + ".") && name.indexOf(".") < 0)) return false;
  return pattern === undefined || globMatch(pattern, primaryArg(args));
}

function emptyUsage(): T.Usage {
  return { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 };
}

/** One scripted step of a fake answer. */
export type Step =
  | { kind: "text"; text: string }
  | { kind: "tool"; name: string; arguments: T.Json; result: string; is_error?: boolean };

interface Turn {
  cancelled: boolean;
  wake: (() => void) | null;
}

/** The in-memory backend. `transport()` plugs it into the IPC module. */
export class FakeBackend {
  providers: T.ProviderInfo[] = [];
  keys = new Map<string, string>();
  conversations = new Map<string, T.Conversation>();
  messages = new Map<string, T.Message & { conversation_id: string }>();
  trash = new Set<string>();
  decisions = new Map<string, T.Decision>();
  rules: T.ToolRule[] = [{ rule: "shell.run(git log*)", effect: "allow" }];
  approvals = new Map<string, { request: T.ApprovalRequest; answer: (a: T.ApprovalAnswer) => void }>();
  log: T.ActionLogEntry[] = [];
  turns = new Map<string, Turn>();
  listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** Every command call, for tests. */
  calls: { command: string; args: Record<string, unknown> }[] = [];
  settings: T.Settings = {
    roots: ["~/code", "~/notes"],
    context_folder: "~/.local/share/hearth/context",
    context_budget_bytes: 32 * 1024,
    context_files: [
      { path: "about-me.md", bytes: 1840 },
      { path: "writing-style.md", bytes: 960 },
    ],
    appearance: "system",
    close_to_tray: true,
    paused: false,
    local_api: { enabled: true, address: "127.0.0.1:8765" },
    data_dir: "~/.local/share/hearth",
  };
  /** Scripted answers for the next turns (tests); otherwise answers follow the prompt. */
  script: Step[][] = [];
  tokenDelayMs: number;
  chunkChars: number;
  private logId = 0;
  private onWatched: (() => void)[] = [];

  /** Runs `start` shortly after a window first listens for events (demo turns start "live"). */
  whenWatched(start: () => void): void {
    this.onWatched.push(start);
  }

  constructor(options: FakeOptions = {}) {
    this.tokenDelayMs = options.tokenDelayMs ?? 18;
    this.chunkChars = options.chunkChars ?? 6;
    const seed = options.seed ?? "demo";
    if (seed !== "empty") {
      this.providers.push(
        { id: "anthropic", kind: "anthropic", base_url: null, models: ["claude-sonnet-4-5", "claude-haiku-4-5"] },
        { id: "openai", kind: "openai", base_url: null, models: ["gpt-5", "gpt-5-mini"] },
        { id: "local", kind: "openai-compatible", base_url: "http://127.0.0.1:11434/v1", models: ["llama3.2"] },
      );
      this.keys.set("anthropic", "x7Qa");
      this.keys.set("openai", "90fd");
    }
    if (seed === "demo") seedDemo(this);
    if (seed === "long") seedLong(this, 5000);
  }

  // --- plumbing ----------------------------------------------------------------------------------

  /** A transport that routes commands and events to this backend. */
  transport(): Transport {
    return {
      native: false,
      invoke: async <R,>(command: string, args?: Record<string, unknown>) => {
        // Behave like IPC: asynchronous, and results are copies.
        await Promise.resolve();
        const result = this.handle(command, args ?? {});
        return (result === undefined ? null : structuredClone(result)) as R;
      },
      listen: (channel, handler) => {
        let set = this.listeners.get(channel);
        if (!set) this.listeners.set(channel, (set = new Set()));
        set.add(handler);
        if (channel === EVENT_CHANNEL && this.onWatched.length) {
          const starts = this.onWatched.splice(0);
          setTimeout(() => starts.forEach((f) => f()), 700);
        }
        return () => set!.delete(handler);
      },
    };
  }

  emit(event: T.Event): void {
    this.emitOn(EVENT_CHANNEL, event);
  }

  emitOn(channel: string, payload: unknown): void {
    for (const handler of this.listeners.get(channel) ?? []) handler(structuredClone(payload));
  }

  handle(command: string, a: Record<string, unknown>): unknown {
    this.calls.push({ command, args: a });
    const s = (k: string) => a[k] as string;
    switch (command) {
      case "app_info":
        return { version: "0.1.0-dev", data_dir: this.settings.data_dir } satisfies T.AppInfo;
      case "list_conversations":
        return this.listConversations((a.query as T.ListQuery | null) ?? null);
      case "get_conversation":
        return this.view(s("id"));
      case "create_conversation":
        return this.createConversation("New chat");
      case "rename_conversation":
        return this.patchConversation(s("id"), { title: s("title").trim() || "Untitled" });
      case "set_pinned":
        return this.patchConversation(s("id"), { pinned: Boolean(a.pinned) });
      case "set_archived":
        return this.patchConversation(s("id"), { archived: Boolean(a.archived) });
      case "delete_conversation":
        this.conversationOr404(s("id"));
        this.trash.add(s("id"));
        return null;
      case "restore_conversation":
        this.trash.delete(s("id"));
        return this.conversationOr404(s("id"));
      case "search_history":
        return this.search((a.query as T.SearchQuery).text);
      case "send_message":
        return this.send(a.conversation_id as string | null, s("text"), a.model as T.ModelRef | null);
      case "stop_turn": {
        const turn = this.turns.get(s("conversation_id"));
        if (turn) {
          turn.cancelled = true;
          turn.wake?.();
        }
        return null;
      }
      case "regenerate":
        return this.regenerate(s("message_id"), a.model as T.ModelRef | null);
      case "edit_message":
        return this.edit(s("message_id"), s("text"));
      case "switch_branch":
        return this.switchBranch(s("message_id"));
      case "list_models":
        return this.providers.flatMap((p) =>
          p.models.map((m) => ({ provider: p.id, model: m, label: m })),
        ) satisfies T.ModelInfo[];
      case "list_providers":
        return this.providers;
      case "add_provider":
        return this.addProvider(a as unknown as T.ProviderSpec);
      case "remove_provider":
        this.providers = this.providers.filter((p) => p.id !== s("id"));
        this.keys.delete(s("id"));
        return null;
      case "test_provider":
        return this.testProvider(s("id"));
      case "key_status":
        return this.providers.map((p) => this.keyStatus(p.id));
      case "set_key": {
        const key = s("key").trim();
        if (key.length < 8) fail("invalid_key", "That key looks too short. Paste the whole key.");
        this.keys.set(s("provider_id"), key.slice(-4));
        this.logDone({ kind: "config_change", actor: "user", summary: `key for ${s("provider_id")} set via ui`, detail: { setting: `keys.${s("provider_id")}`, via: "ui", provider: s("provider_id") } });
        return this.keyStatus(s("provider_id"));
      }
      case "delete_key":
        this.keys.delete(s("provider_id"));
        return this.keyStatus(s("provider_id"));
      case "list_tools":
        return TOOLS.map((t) => this.toolInfo(t));
      case "set_tool_decision": {
        const tool = TOOLS.find((t) => t.name === s("tool")) ?? fail("not_found", `No tool named ${s("tool")}.`);
        this.decisions.set(tool.name, a.decision as T.Decision);
        this.logDone({ kind: "config_change", actor: "user", summary: `permissions.tools.${tool.name} changed via ui`, detail: { setting: `permissions.tools.${tool.name}`, to: a.decision as string, via: "ui", tool: tool.name } });
        return this.toolInfo(tool);
      }
      case "add_rule": {
        const rule = s("rule").trim();
        if (!/^[\w.-]+(\(.+\))?$/.test(rule)) {
          fail("invalid_rule", `“${rule}” is not a rule. Write it like shell.run(git status*).`);
        }
        if (!this.rules.some((r) => r.rule === rule && r.effect === a.effect)) {
          this.rules.push({ rule, effect: a.effect as T.RuleEffect });
        }
        this.logDone({ kind: "config_change", actor: "user", summary: `permissions.${a.effect as string} changed via ui`, detail: { setting: `permissions.${a.effect as string}`, to: rule, via: "ui" } });
        return null;
      }
      case "remove_rule":
        this.rules = this.rules.filter((r) => !(r.rule === s("rule") && r.effect === a.effect));
        return null;
      case "set_paused":
        this.settings.paused = Boolean(a.paused);
        this.emit({ type: "agent_paused", paused: this.settings.paused });
        this.logDone({ kind: "config_change", actor: "user", summary: `permissions.paused changed via ui`, detail: { setting: "permissions.paused", to: String(this.settings.paused), via: "ui" } });
        return null;
      case "pending_approvals":
        return [...this.approvals.values()].map((p) => p.request);
      case "answer_approval": {
        const pending = this.approvals.get(s("id")) ?? fail("not_found", "That approval is no longer pending.");
        pending.answer(a.answer as T.ApprovalAnswer);
        return null;
      }
      case "action_log":
        return this.actionLog(a as unknown as T.LogQuery);
      case "get_settings":
        return this.settings;
      case "set_settings": {
        const patch = a.patch as T.SettingsPatch;
        const { local_api_enabled, ...rest } = patch;
        Object.assign(this.settings, rest);
        if (local_api_enabled !== undefined) this.settings.local_api.enabled = local_api_enabled;
        return this.settings;
      }
      case "export_history":
        return {
          path: `${this.settings.data_dir}/exports/hearth-${new Date().toISOString().slice(0, 10)}.${a.format === "markdown" ? "md" : "json"}`,
          conversations: a.id ? 1 : this.conversations.size,
        } satisfies T.ExportResult;
      case "import_history":
        if (!s("path")) fail("invalid_path", "Choose a file to import.");
        return { imported: [], skipped_existing: [] } satisfies T.ImportReport;
      case "hide_quick_ask":
        return null;
      case "open_in_main":
        this.emitOn(OPEN_CONVERSATION_CHANNEL, { conversation_id: s("conversation_id") });
        return null;
      case "open_external":
        if (typeof window !== "undefined" && /^(https?:|mailto:)/.test(s("url"))) {
          window.open(s("url"), "_blank", "noopener");
        }
        return null;
      default:
        throw new FakeError("unknown_command", `The fake backend has no command ${command}.`).toJSON();
    }
  }

  // --- conversations -----------------------------------------------------------------------------

  createConversation(title: string, at = Date.now()): T.Conversation {
    const c: T.Conversation = {
      id: fakeId("c"),
      title,
      created_at: at,
      updated_at: at,
      pinned: false,
      archived: false,
      current_leaf: null,
    };
    this.conversations.set(c.id, c);
    return c;
  }

  conversationOr404(id: string): T.Conversation {
    const c = this.conversations.get(id);
    if (!c || this.trash.has(id)) fail("not_found", "That conversation no longer exists.");
    return c;
  }

  patchConversation(id: string, patch: Partial<T.Conversation>): T.Conversation {
    const c = this.conversationOr404(id);
    Object.assign(c, patch);
    return c;
  }

  listConversations(query: T.ListQuery | null): T.Conversation[] {
    const all = [...this.conversations.values()]
      .filter((c) => !this.trash.has(c.id) && (query?.scope === "all" || (query?.scope === "archived") === c.archived))
      .sort((x, y) => Number(y.pinned) - Number(x.pinned) || y.updated_at - x.updated_at);
    const offset = query?.offset ?? 0;
    return all.slice(offset, offset + (query?.limit ?? 200));
  }

  path(conversation: T.Conversation): T.Message[] {
    const out: T.Message[] = [];
    let id = conversation.current_leaf;
    while (id) {
      const m = this.messages.get(id);
      if (!m) break;
      out.push(m);
      id = m.parent_id;
    }
    return out.reverse();
  }

  siblingsOf(m: T.Message & { conversation_id: string }): string[] {
    return [...this.messages.values()]
      .filter((x) => x.conversation_id === m.conversation_id && x.parent_id === m.parent_id)
      .sort((x, y) => x.created_at - y.created_at)
      .map((x) => x.id);
  }

  view(id: string): T.ConversationView {
    const conversation = this.conversationOr404(id);
    const messages = this.path(conversation);
    const byParent = new Map<string | null, (T.Message & { conversation_id: string })[]>();
    for (const m of this.messages.values()) {
      if (m.conversation_id !== id) continue;
      const list = byParent.get(m.parent_id) ?? [];
      list.push(m);
      byParent.set(m.parent_id, list);
    }
    const siblings: Record<string, string[]> = {};
    for (const m of messages) {
      siblings[m.id] = (byParent.get(m.parent_id) ?? [])
        .slice()
        .sort((x, y) => x.created_at - y.created_at)
        .map((x) => x.id);
    }
    return {
      conversation,
      messages: messages.map(({ ...m }) => {
        delete (m as { conversation_id?: string }).conversation_id;
        return m;
      }),
      siblings,
    };
  }

  addMessage(conversationId: string, m: Partial<T.Message> & Pick<T.Message, "role" | "blocks">): T.Message & { conversation_id: string } {
    const message = {
      id: fakeId("m"),
      parent_id: null,
      provider: null,
      model: null,
      usage: null,
      cost_usd: null,
      status: "complete" as T.MessageStatus,
      created_at: Date.now(),
      ...m,
      conversation_id: conversationId,
    };
    this.messages.set(message.id, message);
    const c = this.conversations.get(conversationId)!;
    c.current_leaf = message.id;
    c.updated_at = Math.max(c.updated_at, message.created_at);
    return message;
  }

  search(query: string): T.SearchHit[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const hits: T.SearchHit[] = [];
    for (const m of this.messages.values()) {
      const c = this.conversations.get(m.conversation_id);
      if (!c || this.trash.has(c.id)) continue;
      const text = m.blocks.map((b) => (b.type === "text" ? b.text : "")).join(" ").replace(/\s+/g, " ");
      const at = text.toLowerCase().indexOf(q);
      const inTitle = c.title.toLowerCase().includes(q);
      if (at < 0 && !inTitle) continue;
      let snippet: string;
      if (at >= 0) {
        const start = Math.max(0, at - 40);
        const end = Math.min(text.length, at + q.length + 60);
        snippet =
          (start > 0 ? "…" : "") +
          text.slice(start, at) +
          "<mark>" +
          text.slice(at, at + q.length) +
          "</mark>" +
          text.slice(at + q.length, end) +
          (end < text.length ? "…" : "");
      } else {
        snippet = text.slice(0, 100);
      }
      hits.push({ conversation_id: c.id, conversation_title: c.title, message_id: m.id, role: m.role, provider: m.provider, model: m.model, snippet, created_at: m.created_at, score: -1 });
    }
    return hits.sort((x, y) => y.created_at - x.created_at).slice(0, 30);
  }

  // --- turns -------------------------------------------------------------------------------------

  defaultModel(): T.ModelRef {
    const p = this.providers[0] ?? fail("no_provider", "Add a provider in Settings → Providers first.");
    return { provider: p.id, model: p.models[0] ?? "default" };
  }

  busy(conversationId: string): void {
    if (this.turns.has(conversationId)) {
      fail("busy", "An answer is still being written here. Stop it first (Esc).");
    }
  }

  send(conversationId: string | null, text: string, model: T.ModelRef | null): T.TurnHandle {
    if (!text.trim()) fail("empty_message", "Type a message first.");
    const ref = model ?? this.defaultModel();
    let c: T.Conversation;
    if (conversationId) {
      c = this.conversationOr404(conversationId);
      this.busy(c.id);
    } else {
      c = this.createConversation(text.trim().split("\n")[0].slice(0, 48));
    }
    const user = this.addMessage(c.id, {
      role: "user",
      blocks: [{ type: "text", text }],
      parent_id: c.current_leaf,
    });
    this.startTurn(c.id, user.id, ref, text);
    return { conversation_id: c.id, message_id: user.id };
  }

  regenerate(messageId: string, model: T.ModelRef | null): T.TurnHandle {
    const old = this.messages.get(messageId) ?? fail("not_found", "That message no longer exists.");
    this.busy(old.conversation_id);
    const parent = old.parent_id ? this.messages.get(old.parent_id) : undefined;
    const prompt = parent?.blocks.map((b) => (b.type === "text" ? b.text : "")).join("") ?? "";
    const ref = model ?? (old.provider && old.model ? { provider: old.provider, model: old.model } : this.defaultModel());
    const id = this.startTurn(old.conversation_id, old.parent_id, ref, prompt);
    return { conversation_id: old.conversation_id, message_id: id };
  }

  edit(messageId: string, text: string): T.TurnHandle {
    const old = this.messages.get(messageId) ?? fail("not_found", "That message no longer exists.");
    this.busy(old.conversation_id);
    const user = this.addMessage(old.conversation_id, { role: "user", blocks: [{ type: "text", text }], parent_id: old.parent_id });
    this.startTurn(old.conversation_id, user.id, this.defaultModel(), text);
    return { conversation_id: old.conversation_id, message_id: user.id };
  }

  switchBranch(messageId: string): T.ConversationView {
    let m = this.messages.get(messageId) ?? fail("not_found", "That message no longer exists.");
    for (;;) {
      const children = [...this.messages.values()]
        .filter((x) => x.parent_id === m.id)
        .sort((x, y) => y.created_at - x.created_at);
      if (!children.length) break;
      m = children[0];
    }
    this.conversations.get(m.conversation_id)!.current_leaf = m.id;
    return this.view(m.conversation_id);
  }

  /** The answer to a prompt, as steps. */
  answerFor(prompt: string): Step[] {
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const p = prompt.toLowerCase();
    if (p.includes("fail")) return [{ kind: "text", text: "Let me try…" }, { kind: "text", text: "\u0000fail" }];
    if (p.includes("git") || p.includes("status")) {
      return [
        { kind: "text", text: "I'll check the repository state for you." },
        {
          kind: "tool",
          name: "shell.run",
          arguments: { command: "git status --short", cwd: "~/code/hearth" },
          result: " M src-tauri/gateway/src/agent.rs\n M ui/src/App.tsx\n?? ui/src/ipc/",
        },
        {
          kind: "text",
          text: "\n\nYou have **two modified files** and one new folder:\n\n| File | State |\n|---|---|\n| `src-tauri/gateway/src/agent.rs` | modified |\n| `ui/src/App.tsx` | modified |\n| `ui/src/ipc/` | untracked |\n\nNothing is staged yet. Want me to draft a commit message?",
        },
      ];
    }
    if (p.includes("calendar") || p.includes("evening") || p.includes("week")) {
      return [
        { kind: "text", text: "Let me look at your calendar." },
        {
          kind: "tool",
          name: "calendar.list_events",
          arguments: { range: "Mon–Sun next week", calendar: "personal" },
          result: "Mon 19:00 Climbing\nTue 18:30 Book club\nThu 20:00 Call with Ana",
        },
        {
          kind: "text",
          text: "\n\n**Wednesday** and **Friday** evenings are free. Wednesday looks calmest — nothing before or after. Shall I hold 19:30 on Wednesday?",
        },
      ];
    }
    return [
      {
        kind: "text",
        text:
          "Here is a small example in Rust that keeps the borrow short:\n\n```rust\nfn longest<'a>(x: &'a str, y: &'a str) -> &'a str {\n    if x.len() >= y.len() { x } else { y }\n}\n\nfn main() {\n    let a = String::from(\"hearth\");\n    let b = \"fire\";\n    println!(\"{}\", longest(&a, b));\n}\n```\n\nThe lifetime `'a` says the result lives **no longer than the shorter** of the two inputs. A few rules of thumb:\n\n1. Borrow for as short a time as you can.\n2. Return owned data (`String`) when the caller should keep it.\n3. Reach for `Rc`/`Arc` only when ownership really is shared.\n\nSee [the Rust book](https://doc.rust-lang.org/book/ch10-03-lifetime-syntax.html) for more.",
      },
    ];
  }

  startTurn(conversationId: string, parentId: string | null, ref: T.ModelRef, prompt: string): string {
    const assistant = this.addMessage(conversationId, {
      role: "assistant",
      blocks: [],
      parent_id: parentId,
      provider: ref.provider,
      model: ref.model,
      status: "streaming",
    });
    const turn: Turn = { cancelled: false, wake: null };
    this.turns.set(conversationId, turn);
    this.emit({ type: "turn_started", conversation_id: conversationId, message_id: assistant.id, provider: ref.provider, model: ref.model });
    void this.runTurn(conversationId, assistant, turn, this.answerFor(prompt), prompt);
    return assistant.id;
  }

  sleep(turn: Turn, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        turn.wake = null;
        resolve();
      }, ms);
      turn.wake = () => {
        clearTimeout(timer);
        turn.wake = null;
        resolve();
      };
    });
  }

  async runTurn(conversationId: string, m: T.Message, turn: Turn, steps: Step[], prompt: string): Promise<void> {
    const ids = { conversation_id: conversationId, message_id: m.id };
    const started = Date.now();
    const call = this.logBegin({ kind: "model_call", actor: "agent", summary: `${m.provider}/${m.model}`, conversation_id: conversationId, detail: { provider: m.provider, model: m.model, message_id: m.id } });
    if (m.provider !== "local") {
      this.logDone({ kind: "key_use", actor: "system", conversation_id: conversationId, summary: `key for ${m.provider} sent to api.${m.provider}.com`, detail: { provider: m.provider, origin: `https://api.${m.provider}.com`, source: "keychain" } });
    }
    let outputChars = 0;
    let status: T.MessageStatus = "complete";
    let error: string | undefined;
    try {
      for (const step of steps) {
        if (turn.cancelled) break;
        if (step.kind === "text") {
          if (step.text === "\u0000fail") {
            status = "error";
            error =
              m.provider === "anthropic"
                ? "Anthropic rejected the key (401). Replace it in Settings → Providers."
                : `${m.provider} could not be reached (connection refused). Check the base URL in Settings → Providers.`;
            break;
          }
          for (let i = 0; i < step.text.length && !turn.cancelled; i += this.chunkChars) {
            const text = step.text.slice(i, i + this.chunkChars);
            const last = m.blocks[m.blocks.length - 1];
            if (last && last.type === "text") last.text += text;
            else m.blocks.push({ type: "text", text });
            outputChars += text.length;
            this.emit({ type: "text_delta", ...ids, text });
            await this.sleep(turn, this.tokenDelayMs);
          }
        } else {
          await this.runTool(conversationId, m, turn, step);
        }
      }
    } finally {
      if (turn.cancelled && status === "complete") status = "cancelled";
      const usage: T.Usage = { ...emptyUsage(), input_tokens: 420 + prompt.length * 2, output_tokens: Math.ceil(outputChars / 4) };
      const price = PRICES[m.model ?? ""];
      const cost = price ? (usage.input_tokens * price[0] + usage.output_tokens * price[1]) / 1e6 : null;
      m.usage = usage;
      m.cost_usd = cost;
      m.status = status;
      if (error) m.error = error;
      this.emit({ type: "usage", ...ids, usage, cost_usd: cost });
      if (error) this.emit({ type: "error", conversation_id: conversationId, message: error });
      this.turns.delete(conversationId);
      this.emit({ type: "done", ...ids, status });
      this.logEnd(call, status === "complete" ? "ok" : status === "cancelled" ? "cancelled" : "error", error ?? `${usage.input_tokens} in · ${usage.output_tokens} out`, {
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        cost_usd: cost,
        first_token_ms: 180,
        stop_reason: status === "complete" ? "end_turn" : status,
      }, Date.now() - started);
    }
  }

  decisionFor(tool: ToolDef, args: T.Json): { decision: T.Decision; reason: string; by: string } {
    if (this.rules.some((r) => r.effect === "deny" && ruleMatches(r.rule, tool.name, args))) {
      return { decision: "deny", reason: "A deny rule matches.", by: "rule" };
    }
    const explicit = this.decisions.get(tool.name);
    if (explicit === "deny") return { decision: "deny", reason: `${tool.name} is set to deny.`, by: "setting" };
    if (this.rules.some((r) => r.effect === "allow" && ruleMatches(r.rule, tool.name, args))) {
      return { decision: "allow", reason: "An allow rule matches.", by: "rule" };
    }
    const d = explicit ?? (tool.risk === "read" ? "allow" : "ask");
    return {
      decision: d,
      reason: explicit ? `${tool.name} is set to ${d}.` : `${tool.risk} tools ask by default.`,
      by: explicit ? "setting" : "default",
    };
  }

  async runTool(conversationId: string, m: T.Message, turn: Turn, step: Extract<Step, { kind: "tool" }>): Promise<void> {
    const ids = { conversation_id: conversationId, message_id: m.id };
    const tool = TOOLS.find((t) => t.name === step.name) ?? { name: step.name, description: "", risk: "execute" as T.Risk };
    const call: T.ToolCallBlock = { type: "tool_call", id: fakeId("call"), name: step.name, arguments: step.arguments };
    m.blocks.push(call);
    this.emit({ type: "tool_call", ...ids, call });
    const preview = tool.name === "shell.run" ? `$ ${primaryArg(call.arguments)}` : `${tool.name} ${primaryArg(call.arguments)}`;
    const entry = this.logBegin({ kind: "tool_call", actor: "agent", summary: `${step.name}: ${preview}`, conversation_id: conversationId, detail: { tool: step.name, call_id: call.id, arguments: step.arguments, preview } });
    let { decision, reason, by } = this.decisionFor(tool, step.arguments);
    if (this.settings.paused) {
      decision = "deny";
      reason = "The agent is paused.";
      by = "pause";
    }
    let note: string | undefined;
    if (decision === "ask") {
      const answer = await this.ask(conversationId, call, tool, reason, turn);
      if (answer === null) {
        decision = "deny";
        by = "cancelled";
      } else {
        decision = answer.kind === "deny" ? "deny" : "allow";
        by = "user";
        if (answer.kind === "deny") note = answer.note ?? undefined;
        if (answer.kind === "always_allow") {
          const rule = `${tool.name}(${primaryArg(step.arguments)})`;
          this.rules.push({ rule, effect: "allow" });
        }
      }
    }
    const finish = (content: string, is_error: boolean) => {
      const result: T.ToolResultBlock = { type: "tool_result", call_id: call.id, content, is_error };
      m.blocks.push(result);
      this.emit({ type: "tool_result", ...ids, result });
    };
    if (decision === "deny") {
      finish(note ? `Denied by the user: ${note}` : `Denied (${by}).`, true);
      this.logStage(entry, "decided", by === "rule" ? { rule: "deny rule" } : by === "user" ? "user" : "system", `deny (${by})`, { decision: "deny", reason: by, note: note ?? null });
      this.logEnd(entry, "denied", note ? `denied: ${note}` : "denied", {}, 0);
      return;
    }
    this.logStage(entry, "decided", by === "user" ? "user" : by === "rule" ? { rule: "allow rule" } : "system", `allow (${by})`, { decision: "allow", reason: by });
    this.logStage(entry, "started", "system", "started", {});
    const started = Date.now();
    await this.sleep(turn, Math.max(this.tokenDelayMs * 20, 10));
    if (turn.cancelled) {
      finish("Stopped by the user.", true);
      this.logEnd(entry, "cancelled", "stopped by the user", {}, Date.now() - started);
      return;
    }
    finish(step.result, Boolean(step.is_error));
    this.logEnd(entry, step.is_error ? "error" : "ok", step.is_error ? "failed" : "exit 0", { exit_status: 0, output_bytes: step.result.length, truncated: false }, Date.now() - started);
  }

  ask(conversationId: string, call: T.ToolCallBlock, tool: ToolDef, reason: string, turn: Turn): Promise<T.ApprovalAnswer | null> {
    const request: T.ApprovalRequest = {
      id: fakeId("ap"),
      conversation_id: conversationId,
      call_id: call.id,
      tool: tool.name,
      risk: tool.risk,
      arguments: call.arguments,
      preview: tool.name === "shell.run" ? `$ ${primaryArg(call.arguments)}` : `${tool.name} ${JSON.stringify(call.arguments)}`,
      reason,
      rule: null,
      taint: [],
      suggested_rule: `${tool.name}(${primaryArg(call.arguments)})`,
      requested_at: new Date().toISOString(),
      timeout_secs: 300,
    };
    const logged = this.logBegin({ kind: "approval", actor: "agent", summary: `approve ${tool.name}: ${request.preview}?`, conversation_id: conversationId, detail: { tool: tool.name, call_id: call.id, preview: request.preview } });
    return new Promise((resolve) => {
      const settle = (answer: T.ApprovalAnswer | null, outcome: string) => {
        if (!this.approvals.delete(request.id)) return;
        turn.wake = null;
        this.emit({ type: "approval_resolved", id: request.id, outcome });
        this.logEnd(logged, answer && answer.kind !== "deny" ? "ok" : "denied", outcome.replace(/_/g, " "), {
          decision: answer?.kind ?? "deny",
          reason: answer ? "user" : "cancelled",
        }, Date.now() - Date.parse(request.requested_at));
        resolve(answer);
      };
      const outcomes = { allow_once: "allowed_once", always_allow: "always_allowed", deny: "denied" } as const;
      this.approvals.set(request.id, { request, answer: (a) => settle(a, outcomes[a.kind]) });
      turn.wake = () => settle(null, "cancelled");
      this.emit({ type: "approval_requested", request });
    });
  }

  // --- providers ---------------------------------------------------------------------------------

  addProvider(spec: T.ProviderSpec): T.ProviderInfo {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(spec.id ?? "")) {
      fail("invalid_id", "Use lower-case letters, digits, - or _ for the provider id.");
    }
    if (spec.kind === "openai-compatible" && !spec.base_url) {
      fail("invalid_base_url", "An OpenAI-compatible provider needs a base URL, e.g. http://127.0.0.1:11434/v1.");
    }
    const info: T.ProviderInfo = { id: spec.id, kind: spec.kind, base_url: spec.base_url ?? null, models: spec.models.filter(Boolean) };
    const at = this.providers.findIndex((p) => p.id === spec.id);
    if (at >= 0) this.providers[at] = info;
    else this.providers.push(info);
    this.logDone({ kind: "config_change", actor: "user", summary: `providers.${spec.id} changed via ui`, detail: { setting: `providers.${spec.id}`, via: "ui", provider: spec.id } });
    return info;
  }

  testProvider(id: string): T.ProviderTestResult {
    const p = this.providers.find((x) => x.id === id) ?? fail("not_found", `No provider named ${id}.`);
    if (p.kind !== "openai-compatible" && !this.keys.has(id)) {
      return { ok: false, message: `No key for ${id}. Set one below.`, latency_ms: null };
    }
    this.logDone({ kind: "key_use", actor: "system", summary: `key for ${id} sent to api.${id}.com`, detail: { provider: id, origin: `https://api.${id}.com`, source: "keychain" } });
    return { ok: true, message: `${p.models[0] ?? "The model"} answered.`, latency_ms: 412 };
  }

  keyStatus(id: string): T.KeyStatus {
    const last = this.keys.get(id);
    return { provider_id: id, present: last !== undefined, last_four: last ?? null, source: last ? "keychain" : "none" };
  }

  // --- tools and the action log ------------------------------------------------------------------

  toolInfo(t: ToolDef): T.ToolInfo {
    return {
      name: t.name,
      description: t.description,
      risk: t.risk,
      decision: this.decisions.get(t.name) ?? (t.risk === "read" ? "allow" : "ask"),
      rules: this.rules.filter((r) => r.rule === t.name || r.rule.startsWith(t.name + "(")),
    };
  }

  /** Writes an entry before an action (status pending) and publishes it. */
  logBegin(e: Pick<T.ActionLogEntry, "kind" | "actor" | "summary"> & Partial<T.ActionLogEntry>, at = Date.now()): T.ActionLogEntry {
    this.logId += 1;
    const entry: T.ActionLogEntry = {
      id: `log-${this.logId}`,
      seq: this.logId,
      conversation_id: null,
      detail: {},
      started_at_ms: at,
      status: "pending",
      stages: [],
      outcome: null,
      ...e,
    };
    this.log.push(entry);
    this.emit({ type: "action_logged", entry });
    return entry;
  }

  /** Records a stage of a running action. */
  logStage(entry: T.ActionLogEntry, name: string, actor: T.Actor, summary: string, detail: T.Json): void {
    entry.stages.push({ at_ms: Date.now(), name, actor, summary, detail });
    this.emit({ type: "action_logged", entry });
  }

  /** Completes an action. */
  logEnd(entry: T.ActionLogEntry, status: T.LogStatus, summary: string, detail: T.Json, durationMs: number | null): void {
    entry.status = status;
    entry.outcome = { at_ms: Date.now(), status, summary, detail, duration_ms: durationMs };
    this.emit({ type: "action_logged", entry });
  }

  /** An instantaneous action: begun and completed at once. */
  logDone(e: Pick<T.ActionLogEntry, "kind" | "actor" | "summary"> & Partial<T.ActionLogEntry>, outcome: T.Json = {}, at = Date.now()): T.ActionLogEntry {
    const entry = this.logBegin(e, at);
    this.logEnd(entry, "ok", "done", outcome, 0);
    entry.outcome!.at_ms = at;
    return entry;
  }

  actionLog(q: T.LogQuery): T.ActionLogEntry[] {
    const d = (e: T.ActionLogEntry, k: string) => (e.detail && typeof e.detail === "object" && !Array.isArray(e.detail) ? (e.detail as Record<string, T.Json>)[k] : undefined);
    return this.log
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
