// An in-memory backend with the same command surface as the Rust core, for a plain browser
// (`npm run dev`) and for tests. Streaming is real: timers emit text_delta events; tool calls go
// through a tiny policy (allow / ask / deny, rules, pause) with approvals that wait for an answer.
import type * as T from "./types";
import type { Transport } from "./transport";
import { EVENT_CHANNEL } from "./events";
import { dispatch } from "./fakeCommands";
import { fail } from "./fakeErrors";
import { FakeLog } from "./fakeLog";
import { seedDemo, seedLong } from "./fakeSeed";
import { cannedAnswer, emptyUsage, PRICES, primaryArg, ruleMatches, TOOLS, type Step, type ToolDef } from "./fakeWorld";

export type { Step } from "./fakeWorld";

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

let idCounter = 0;
/** A fresh id, time-ordered like UUID v7. */
export function fakeId(prefix = "m"): string {
  idCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${idCounter.toString(36)}`;
}

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
  audit = new FakeLog((entry) => this.emit({ type: "action_logged", entry }));
  turns = new Map<string, Turn>();
  listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** Configured MCP servers (Settings → MCP servers). */
  mcp: T.ServerStatus[] = [
    { name: "filesystem", enabled: true, transport: "stdio", target: "npx -y @modelcontextprotocol/server-filesystem ~/notes", state: "running", tool_count: 2, server_info: "filesystem 0.6.2", tools: [] },
    { name: "github", enabled: true, transport: "stdio", target: "github-mcp-server stdio", state: "failed", reason: "exited with status 1: GITHUB_TOKEN is not set", attempts: 3, retry_in_secs: 40, server_info: null, tools: [] },
    { name: "weather", enabled: false, transport: "http", target: "http://127.0.0.1:9001/mcp", state: "disabled", server_info: null, tools: [] },
  ];
  /** What the fake Claude Desktop config holds (`mcp_import_preview` / `mcp_import`). */
  mcpImportFile: T.McpImportItem[] = [
    { name: "memory", original_name: "memory", target: "npx -y @modelcontextprotocol/server-memory", skipped: null, secret_names: [] },
    { name: "brave-search", original_name: "brave-search", target: "npx -y @modelcontextprotocol/server-brave-search", skipped: null, secret_names: ["BRAVE_API_KEY"] },
  ];
  /** Local API client tokens (what is stored: never the token). */
  apiTokens: T.TokenInfo[] = [];

  /** Calendar & mail settings; the fake keeps the SMTP password only as "stored". */
  personal: T.PersonalSettings = {
    calendar_paths: ["~/.calendars/personal"],
    timezone: null,
    maildirs: ["~/Mail/personal"],
    drafts: null,
    from: "Ada Lovelace <ada@example.org>",
    send_via: "smtp",
    smtp: { host: "smtp.example.org", port: 587, security: "starttls", username: "ada", password_stored: false, keychain_error: null },
  };
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
      invoke: async <R,>(command: string, payload?: Record<string, unknown>) => {
        // Behave like IPC: asynchronous, and results are copies. Like the core, a command's
        // argument struct arrives as `{ args }` (nothing for a command without arguments).
        await Promise.resolve();
        const result = this.handle(command, payload?.args ?? null);
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

  handle(command: string, a: unknown): unknown {
    return dispatch(this, command, a);
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

  listConversations(query: T.ListQuery | null): T.ConversationEntry[] {
    const all = [...this.conversations.values()]
      .filter((c) => {
        const scope = query?.scope ?? "active";
        if (scope === "trash") return this.trash.has(c.id);
        if (this.trash.has(c.id)) return false;
        return scope === "all" || (scope === "archived") === c.archived;
      })
      .sort((x, y) => Number(y.pinned) - Number(x.pinned) || y.updated_at - x.updated_at);
    const offset = query?.offset ?? 0;
    const counts = new Map<string, number>();
    for (const m of this.messages.values()) counts.set(m.conversation_id, (counts.get(m.conversation_id) ?? 0) + 1);
    return all.slice(offset, offset + (query?.limit ?? 200)).map((c) => ({ ...c, message_count: counts.get(c.id) ?? 0 }));
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
      // Structured like store::SnippetPart (what the core sends).
      let snippet: T.SnippetPart[];
      if (at >= 0) {
        const start = Math.max(0, at - 40);
        const end = Math.min(text.length, at + q.length + 60);
        snippet = [
          { text: (start > 0 ? "…" : "") + text.slice(start, at), highlighted: false },
          { text: text.slice(at, at + q.length), highlighted: true },
          { text: text.slice(at + q.length, end) + (end < text.length ? "…" : ""), highlighted: false },
        ];
      } else {
        snippet = [{ text: text.slice(0, 100), highlighted: false }];
      }
      hits.push({ conversation_id: c.id, conversation_title: c.title, message_id: m.id, role: m.role, provider: m.provider, model: m.model, snippet, created_at: m.created_at, score: -1 });
    }
    return hits.sort((x, y) => y.created_at - x.created_at).slice(0, 30);
  }

  // --- turns -------------------------------------------------------------------------------------

  /** The answer to a prompt: the next scripted one (tests), else a canned one. */
  answerFor(prompt: string): Step[] {
    return this.script.shift() ?? cannedAnswer(prompt);
  }

  defaultModel(): T.ModelRef {
    const p = this.providers[0] ?? fail("no_model", "Add a provider in Settings → Providers first.");
    return { provider: p.id, model: p.models[0] ?? "default" };
  }

  busy(conversationId: string): void {
    if (this.turns.has(conversationId)) {
      fail("busy", "An answer is still being written here. Stop it first (Esc).");
    }
  }

  send(conversationId: string | null, text: string, model: T.ModelRef | null): T.TurnHandle {
    if (!text.trim()) fail("invalid_input", "Type a message first.");
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
        if (step.kind === "reasoning") {
          for (let i = 0; i < step.text.length && !turn.cancelled; i += this.chunkChars) {
            const text = step.text.slice(i, i + this.chunkChars);
            const last = m.blocks[m.blocks.length - 1];
            if (last && last.type === "reasoning") last.text += text;
            else m.blocks.push({ type: "reasoning", text });
            this.emit({ type: "reasoning_delta", ...ids, text });
            await this.sleep(turn, this.tokenDelayMs);
          }
        } else if (step.kind === "text") {
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
      fail("invalid_input", "Use lower-case letters, digits, - or _ for the provider id.");
    }
    if (spec.kind === "openai-compatible" && !spec.base_url) {
      fail("invalid_input", "An OpenAI-compatible provider needs a base URL, e.g. http://127.0.0.1:11434/v1.");
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
    const p = this.providers.find((x) => x.id === id);
    const origin = p?.base_url ? new URL(p.base_url).origin : `https://api.${id}.com`;
    return {
      provider: id,
      source: "keychain",
      present: last !== undefined,
      requires_key: p?.kind !== "openai-compatible",
      last_four: last ?? null,
      last_validated: last ? new Date(Date.now() - 3_600_000).toISOString() : null,
      stored_at: last ? new Date(Date.now() - 9 * 86_400_000).toISOString() : null,
      bound_origin: last ? origin : null,
      current_origin: origin,
      host_confirmed: true,
      less_safe: false,
      error: null,
    };
  }

  // --- tools and the action log ------------------------------------------------------------------

  toolInfo(t: ToolDef): T.ToolInfo {
    return {
      name: t.name,
      description: t.description,
      risk: t.risk,
      decision: this.decisions.get(t.name) ?? (t.risk === "read" ? "allow" : "ask"),
      reason: this.decisions.has(t.name) ? "set in Permissions" : `default for ${t.risk} tools`,
      rules: this.rules.filter((r) => r.rule === t.name || r.rule.startsWith(t.name + "(")),
    };
  }

  /** Writes an entry before an action (status pending). */
  logBegin(e: Pick<T.ActionLogEntry, "kind" | "actor" | "summary"> & Partial<T.ActionLogEntry>, at = Date.now()): T.ActionLogEntry {
    return this.audit.begin(e, at);
  }

  /** Records a stage of a running action. */
  logStage(entry: T.ActionLogEntry, name: string, actor: T.Actor, summary: string, detail: T.Json): void {
    this.audit.stage(entry, name, actor, summary, detail);
  }

  /** Completes an action. */
  logEnd(entry: T.ActionLogEntry, status: T.LogStatus, summary: string, detail: T.Json, durationMs: number | null): void {
    this.audit.end(entry, status, summary, detail, durationMs);
  }

  /** An instantaneous action: begun and completed at once. */
  logDone(e: Pick<T.ActionLogEntry, "kind" | "actor" | "summary"> & Partial<T.ActionLogEntry>, outcome: T.Json = {}, at = Date.now()): T.ActionLogEntry {
    return this.audit.done(e, outcome, at);
  }
}
