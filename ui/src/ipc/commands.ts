// Every command the UI calls, one friendly wrapper each, over one typed `call`. What each command
// takes and returns is GENERATED from the Rust command functions (`Commands` in ./bindings.ts:
// `{ args: <Command>Args | null; result: R }`), so a change of a command's parameters or result
// type in Rust fails this file's type check instead of failing at runtime. On the wire the
// argument struct travels as `invoke(name, { args })` (no arguments: `invoke(name)`). Every
// command rejects with an `IpcError`.
import type * as T from "./types";
import type { CommandName, Commands as CommandMap } from "./bindings";
import { transport } from "./transport";

/** What command `K` takes (generated). */
export type ArgsOf<K extends CommandName> = CommandMap[K]["args"];
/** What command `K` resolves to (generated). */
export type ResultOf<K extends CommandName> = CommandMap[K]["result"];

/** Calls command `K` with its argument struct (none for a command that takes none). */
function call<K extends CommandName>(
  command: K,
  ...args: ArgsOf<K> extends null ? [] : [args: ArgsOf<K>]
): Promise<ResultOf<K>> {
  const payload = args.length ? { args: args[0] } : undefined;
  return transport().invoke<ResultOf<K>>(command, payload);
}

export const commands = {
  // --- app -------------------------------------------------------------------------------------
  /** `app_info()` → AppInfo */
  appInfo: () => call("app_info"),

  // --- conversations ---------------------------------------------------------------------------
  /** `list_conversations({query?: store::ListQuery})` → ConversationEntry[] (pinned first, then
   * by updated_at desc). */
  listConversations: (query?: T.ListQuery) =>
    call("list_conversations", { query: query ?? null }),
  /** `get_conversation({id})` → ConversationView */
  getConversation: (id: string) => call("get_conversation", { id }),
  /** `create_conversation()` → Conversation (an empty one; `send_message` without id also creates). */
  createConversation: () => call("create_conversation"),
  /** `rename_conversation({id, title})` → Conversation */
  renameConversation: (id: string, title: string) =>
    call("rename_conversation", { id, title }),
  /** `set_pinned({id, pinned})` → Conversation */
  setPinned: (id: string, pinned: boolean) => call("set_pinned", { id, pinned }),
  /** `set_archived({id, archived})` → Conversation */
  setArchived: (id: string, archived: boolean) =>
    call("set_archived", { id, archived }),
  /** `delete_conversation({id})` → null (moves it to the trash; `restore_conversation` undoes). */
  deleteConversation: (id: string) => call("delete_conversation", { id }),
  /** `restore_conversation({id})` → Conversation */
  restoreConversation: (id: string) => call("restore_conversation", { id }),
  /** `search_history({query: store::SearchQuery})` → SearchHit[] (best first). */
  searchHistory: (query: T.SearchQuery) => call("search_history", { query }),

  // --- turns -----------------------------------------------------------------------------------
  /** `send_message({conversation_id?, text, model?})` → TurnHandle. Creates the conversation when
   * `conversation_id` is null. `message_id` is the new user message; the assistant answer then
   * streams as events (turn_started … done). */
  sendMessage: (text: string, conversationId?: string | null, model?: T.ModelRef | null) =>
    call("send_message", {
      conversation_id: conversationId ?? null,
      text,
      model: model ?? null,
    }),
  /** `stop_turn({conversation_id})` → null. The partial answer is kept with status `cancelled`. */
  stopTurn: (conversationId: string) => call("stop_turn", { conversation_id: conversationId }),
  /** `regenerate({message_id, model?})` → TurnHandle. `message_id` is an assistant message; a new
   * sibling answer streams (message_id in the result = the new assistant message). */
  regenerate: (messageId: string, model?: T.ModelRef | null) =>
    call("regenerate", { message_id: messageId, model: model ?? null }),
  /** `edit_message({message_id, text})` → TurnHandle. Creates a sibling of the user message with the
   * new text (a new branch), makes it current, and starts a turn from it. */
  editMessage: (messageId: string, text: string) =>
    call("edit_message", { message_id: messageId, text }),
  /** `switch_branch({message_id})` → ConversationView. Makes the newest leaf under `message_id` the
   * conversation's current leaf and returns the new path. */
  switchBranch: (messageId: string) =>
    call("switch_branch", { message_id: messageId }),
  /** `list_models()` → ModelInfo[] (every configured provider's models; the first is the default). */
  listModels: () => call("list_models"),

  // --- providers and keys ----------------------------------------------------------------------
  /** `list_providers()` → ProviderInfo[] */
  listProviders: () => call("list_providers"),
  /** `add_provider({id, kind, base_url?, models})` → ProviderInfo (replaces one with the same id). */
  addProvider: (spec: T.ProviderSpec) =>
    call("add_provider", {
      id: spec.id,
      kind: spec.kind,
      base_url: spec.base_url ?? null,
      models: spec.models,
    }),
  /** `remove_provider({id})` → null */
  removeProvider: (id: string) => call("remove_provider", { id }),
  /** `test_provider({id})` → ProviderTestResult (one tiny real call). */
  testProvider: (id: string) => call("test_provider", { id }),
  /** `key_status()` → KeyStatus[] (never the key). */
  keyStatus: () => call("key_status"),
  /** `set_key({provider_id, key})` → KeyStatus. The only time a key crosses the boundary, inward. */
  setKey: (providerId: string, key: string) =>
    call("set_key", { provider_id: providerId, key }),
  /** `delete_key({provider_id})` → KeyStatus */
  deleteKey: (providerId: string) => call("delete_key", { provider_id: providerId }),

  // --- local API client tokens -----------------------------------------------------------------
  /** `list_api_tokens()` → TokenInfo[] (never the tokens). */
  listApiTokens: () => call("list_api_tokens"),
  /** `create_api_token({name, models, record})` → NewApiToken: the only time a token crosses the
   * boundary (outward), to be copied once. */
  createApiToken: (name: string, models: string[], record: boolean) =>
    call("create_api_token", { name, models, record }),
  /** `revoke_api_token({name})` → TokenInfo[] (the tokens left). */
  revokeApiToken: (name: string) => call("revoke_api_token", { name }),

  // --- tools, permissions, approvals -----------------------------------------------------------
  /** `list_tools()` → ToolInfo[] */
  listTools: () => call("list_tools"),
  /** `set_tool_decision({tool, decision})` → ToolInfo */
  setToolDecision: (tool: string, decision: T.Decision) =>
    call("set_tool_decision", { tool, decision }),
  /** `add_rule({rule, effect})` → null. `rule` like `shell.run(git status*)`; invalid → IpcError. */
  addRule: (rule: string, effect: T.RuleEffect) => call("add_rule", { rule, effect }),
  /** `remove_rule({rule, effect})` → null */
  removeRule: (rule: string, effect: T.RuleEffect) => call("remove_rule", { rule, effect }),
  /** `set_paused({paused})` → null (publishes `agent_paused`). */
  setPaused: (paused: boolean) => call("set_paused", { paused }),
  /** `pending_approvals()` → ApprovalRequest[] (oldest first). */
  pendingApprovals: () => call("pending_approvals"),
  /** `answer_approval({id, answer: policy::ApprovalAnswer})` → null (publishes `approval_resolved`). */
  answerApproval: (id: string, answer: T.ApprovalAnswer) =>
    call("answer_approval", { id, answer }),
  /** `action_log({limit, before?, kind?, tool?, provider?})` → ActionLogEntry[] (newest first).
   * `before` is a seq; `tool` matches `detail.tool`, `provider` matches `detail.provider`. */
  actionLog: (query: T.LogQuery) =>
    call("action_log", {
      limit: query.limit,
      before: query.before ?? null,
      kind: query.kind ?? null,
      tool: query.tool ?? null,
      provider: query.provider ?? null,
    }),

  // --- MCP servers ---------------------------------------------------------------------------
  /** `mcp_statuses()` → ServerStatus[] (every configured server and its state). */
  mcpStatuses: () => call("mcp_statuses"),
  /** `mcp_restart({name})` → ServerStatus */
  mcpRestart: (name: string) => call("mcp_restart", { name }),
  /** `mcp_set_enabled({name, enabled})` → null (written to config.toml; the server starts/stops). */
  mcpSetEnabled: (name: string, enabled: boolean) => call("mcp_set_enabled", { name, enabled }),
  /** `mcp_add({name, command, args, env})` → null (a stdio server; `env` values are not secret). */
  mcpAdd: (name: string, command: string, args: string[], env: Record<string, string> = {}) =>
    call("mcp_add", { name, command, args, env }),
  /** `mcp_remove({name})` → null (and its keychain secrets). */
  mcpRemove: (name: string) => call("mcp_remove", { name }),
  /** `mcp_import_preview({path})` → McpImportPreview (`path` null = Claude Desktop's config). */
  mcpImportPreview: (path?: string | null) =>
    call("mcp_import_preview", { path: path ?? null }),
  /** `mcp_import({path})` → string[] (names added, disabled); the core re-reads the file. */
  mcpImport: (path?: string | null) => call("mcp_import", { path: path ?? null }),

  // --- calendar & mail -----------------------------------------------------------------------
  /** `get_personal_settings()` → PersonalSettings (never the SMTP password: only `password_stored`). */
  getPersonalSettings: () => call("get_personal_settings"),
  /** `set_personal_settings({patch})` → PersonalSettings; "" removes an optional setting. */
  setPersonalSettings: (patch: T.PersonalPatch) =>
    call("set_personal_settings", { patch }),
  /** `set_smtp_password({password})` → PersonalSettings. The password crosses once, inward. */
  setSmtpPassword: (password: string) =>
    call("set_smtp_password", { password }),
  /** `delete_smtp_password()` → PersonalSettings */
  deleteSmtpPassword: () => call("delete_smtp_password"),

  // --- settings and data -----------------------------------------------------------------------
  /** `get_settings()` → Settings */
  getSettings: () => call("get_settings"),
  /** `set_settings({patch})` → Settings */
  setSettings: (patch: T.SettingsPatch) => call("set_settings", { patch }),
  /** `export_history({id?, format})` → ExportResult (one conversation, or all when id is null). */
  exportHistory: (format: T.ExportFormat, id?: string | null) =>
    call("export_history", { id: id ?? null, format }),
  /** `import_history({path})` → ImportReport */
  importHistory: (path: string) => call("import_history", { path }),

  // --- windows ---------------------------------------------------------------------------------
  /** `hide_quick_ask()` → null */
  hideQuickAsk: () => call("hide_quick_ask"),
  /** `open_in_main({conversation_id})` → null: shows the main window and emits
   * `hearth://open-conversation` with `{conversation_id}`. */
  openInMain: (conversationId: string) =>
    call("open_in_main", { conversation_id: conversationId }),
  /** `open_external({url})` → null: opens an http(s)/mailto link in the system browser (shell plugin). */
  openExternal: (url: string) => call("open_external", { url }),
};

/** The friendly command surface. */
export type CommandWrappers = typeof commands;
