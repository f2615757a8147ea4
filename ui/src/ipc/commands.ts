// Every command the UI calls, one typed wrapper each. Argument objects are passed as-is to Tauri's
// `invoke`, so their keys are the Rust command's parameter names (snake_case, declared with
// `#[tauri::command(rename_all = "snake_case")]`). Every command rejects with an `IpcError`.
import type * as T from "./types";
import { transport } from "./transport";

/** Calls a command the core registers (`CommandName` is generated from the Rust handler list). */
function call<R>(command: T.CommandName, args?: Record<string, unknown>): Promise<R> {
  return transport().invoke<R>(command, args);
}

export const commands = {
  // --- app -------------------------------------------------------------------------------------
  /** `app_info()` → AppInfo */
  appInfo: () => call<T.AppInfo>("app_info"),

  // --- conversations ---------------------------------------------------------------------------
  /** `list_conversations({query?: store::ListQuery})` → ConversationEntry[] (pinned first, then
   * by updated_at desc). */
  listConversations: (query?: T.ListQuery) =>
    call<T.ConversationEntry[]>("list_conversations", { query: query ?? null }),
  /** `get_conversation({id})` → ConversationView */
  getConversation: (id: string) => call<T.ConversationView>("get_conversation", { id }),
  /** `create_conversation()` → Conversation (an empty one; `send_message` without id also creates). */
  createConversation: () => call<T.Conversation>("create_conversation"),
  /** `rename_conversation({id, title})` → Conversation */
  renameConversation: (id: string, title: string) =>
    call<T.Conversation>("rename_conversation", { id, title }),
  /** `set_pinned({id, pinned})` → Conversation */
  setPinned: (id: string, pinned: boolean) => call<T.Conversation>("set_pinned", { id, pinned }),
  /** `set_archived({id, archived})` → Conversation */
  setArchived: (id: string, archived: boolean) =>
    call<T.Conversation>("set_archived", { id, archived }),
  /** `delete_conversation({id})` → null (moves it to the trash; `restore_conversation` undoes). */
  deleteConversation: (id: string) => call<null>("delete_conversation", { id }),
  /** `restore_conversation({id})` → Conversation */
  restoreConversation: (id: string) => call<T.Conversation>("restore_conversation", { id }),
  /** `search_history({query: store::SearchQuery})` → SearchHit[] (best first). */
  searchHistory: (query: T.SearchQuery) => call<T.SearchHit[]>("search_history", { query }),

  // --- turns -----------------------------------------------------------------------------------
  /** `send_message({conversation_id?, text, model?})` → TurnHandle. Creates the conversation when
   * `conversation_id` is null. `message_id` is the new user message; the assistant answer then
   * streams as events (turn_started … done). */
  sendMessage: (text: string, conversationId?: string | null, model?: T.ModelRef | null) =>
    call<T.TurnHandle>("send_message", {
      conversation_id: conversationId ?? null,
      text,
      model: model ?? null,
    }),
  /** `stop_turn({conversation_id})` → null. The partial answer is kept with status `cancelled`. */
  stopTurn: (conversationId: string) => call<null>("stop_turn", { conversation_id: conversationId }),
  /** `regenerate({message_id, model?})` → TurnHandle. `message_id` is an assistant message; a new
   * sibling answer streams (message_id in the result = the new assistant message). */
  regenerate: (messageId: string, model?: T.ModelRef | null) =>
    call<T.TurnHandle>("regenerate", { message_id: messageId, model: model ?? null }),
  /** `edit_message({message_id, text})` → TurnHandle. Creates a sibling of the user message with the
   * new text (a new branch), makes it current, and starts a turn from it. */
  editMessage: (messageId: string, text: string) =>
    call<T.TurnHandle>("edit_message", { message_id: messageId, text }),
  /** `switch_branch({message_id})` → ConversationView. Makes the newest leaf under `message_id` the
   * conversation's current leaf and returns the new path. */
  switchBranch: (messageId: string) =>
    call<T.ConversationView>("switch_branch", { message_id: messageId }),
  /** `list_models()` → ModelInfo[] (every configured provider's models; the first is the default). */
  listModels: () => call<T.ModelInfo[]>("list_models"),

  // --- providers and keys ----------------------------------------------------------------------
  /** `list_providers()` → ProviderInfo[] */
  listProviders: () => call<T.ProviderInfo[]>("list_providers"),
  /** `add_provider({id, kind, base_url?, models})` → ProviderInfo (replaces one with the same id). */
  addProvider: (spec: T.ProviderSpec) =>
    call<T.ProviderInfo>("add_provider", {
      id: spec.id,
      kind: spec.kind,
      base_url: spec.base_url ?? null,
      models: spec.models,
    }),
  /** `remove_provider({id})` → null */
  removeProvider: (id: string) => call<null>("remove_provider", { id }),
  /** `test_provider({id})` → ProviderTestResult (one tiny real call). */
  testProvider: (id: string) => call<T.ProviderTestResult>("test_provider", { id }),
  /** `key_status()` → KeyStatus[] (never the key). */
  keyStatus: () => call<T.KeyStatus[]>("key_status"),
  /** `set_key({provider_id, key})` → KeyStatus. The only time a key crosses the boundary, inward. */
  setKey: (providerId: string, key: string) =>
    call<T.KeyStatus>("set_key", { provider_id: providerId, key }),
  /** `delete_key({provider_id})` → KeyStatus */
  deleteKey: (providerId: string) => call<T.KeyStatus>("delete_key", { provider_id: providerId }),

  // --- tools, permissions, approvals -----------------------------------------------------------
  /** `list_tools()` → ToolInfo[] */
  listTools: () => call<T.ToolInfo[]>("list_tools"),
  /** `set_tool_decision({tool, decision})` → ToolInfo */
  setToolDecision: (tool: string, decision: T.Decision) =>
    call<T.ToolInfo>("set_tool_decision", { tool, decision }),
  /** `add_rule({rule, effect})` → null. `rule` like `shell.run(git status*)`; invalid → IpcError. */
  addRule: (rule: string, effect: T.RuleEffect) => call<null>("add_rule", { rule, effect }),
  /** `remove_rule({rule, effect})` → null */
  removeRule: (rule: string, effect: T.RuleEffect) => call<null>("remove_rule", { rule, effect }),
  /** `set_paused({paused})` → null (publishes `agent_paused`). */
  setPaused: (paused: boolean) => call<null>("set_paused", { paused }),
  /** `pending_approvals()` → ApprovalRequest[] (oldest first). */
  pendingApprovals: () => call<T.ApprovalRequest[]>("pending_approvals"),
  /** `answer_approval({id, answer: policy::ApprovalAnswer})` → null (publishes `approval_resolved`). */
  answerApproval: (id: string, answer: T.ApprovalAnswer) =>
    call<null>("answer_approval", { id, answer }),
  /** `action_log({limit, before?, kind?, tool?, provider?})` → ActionLogEntry[] (newest first).
   * `before` is a seq; `tool` matches `detail.tool`, `provider` matches `detail.provider`. */
  actionLog: (query: T.LogQuery) =>
    call<T.ActionLogEntry[]>("action_log", {
      limit: query.limit,
      before: query.before ?? null,
      kind: query.kind ?? null,
      tool: query.tool ?? null,
      provider: query.provider ?? null,
    }),

  // --- MCP servers ---------------------------------------------------------------------------
  /** `mcp_statuses()` → ServerStatus[] (every configured server and its state). */
  mcpStatuses: () => call<T.ServerStatus[]>("mcp_statuses"),
  /** `mcp_restart({name})` → ServerStatus */
  mcpRestart: (name: string) => call<T.ServerStatus>("mcp_restart", { name }),
  /** `mcp_set_enabled({name, enabled})` → null (written to config.toml; the server starts/stops). */
  mcpSetEnabled: (name: string, enabled: boolean) => call<null>("mcp_set_enabled", { name, enabled }),
  /** `mcp_add({name, command, args, env})` → null (a stdio server; `env` values are not secret). */
  mcpAdd: (name: string, command: string, args: string[], env: Record<string, string> = {}) =>
    call<null>("mcp_add", { name, command, args, env }),
  /** `mcp_remove({name})` → null (and its keychain secrets). */
  mcpRemove: (name: string) => call<null>("mcp_remove", { name }),
  /** `mcp_import_preview({path})` → McpImportPreview (`path` null = Claude Desktop's config). */
  mcpImportPreview: (path?: string | null) =>
    call<T.McpImportPreview>("mcp_import_preview", { path: path ?? null }),
  /** `mcp_import({path})` → string[] (names added, disabled); the core re-reads the file. */
  mcpImport: (path?: string | null) => call<string[]>("mcp_import", { path: path ?? null }),

  // --- calendar & mail -----------------------------------------------------------------------
  /** `get_personal_settings()` → PersonalSettings (never the SMTP password: only `password_stored`). */
  getPersonalSettings: () => call<T.PersonalSettings>("get_personal_settings"),
  /** `set_personal_settings({patch})` → PersonalSettings; "" removes an optional setting. */
  setPersonalSettings: (patch: T.PersonalPatch) =>
    call<T.PersonalSettings>("set_personal_settings", { patch }),
  /** `set_smtp_password({password})` → PersonalSettings. The password crosses once, inward. */
  setSmtpPassword: (password: string) =>
    call<T.PersonalSettings>("set_smtp_password", { password }),
  /** `delete_smtp_password()` → PersonalSettings */
  deleteSmtpPassword: () => call<T.PersonalSettings>("delete_smtp_password"),

  // --- settings and data -----------------------------------------------------------------------
  /** `get_settings()` → Settings */
  getSettings: () => call<T.Settings>("get_settings"),
  /** `set_settings({patch})` → Settings */
  setSettings: (patch: T.SettingsPatch) => call<T.Settings>("set_settings", { patch }),
  /** `export_history({id?, format})` → ExportResult (one conversation, or all when id is null). */
  exportHistory: (format: T.ExportFormat, id?: string | null) =>
    call<T.ExportResult>("export_history", { id: id ?? null, format }),
  /** `import_history({path})` → ImportReport */
  importHistory: (path: string) => call<T.ImportReport>("import_history", { path }),

  // --- windows ---------------------------------------------------------------------------------
  /** `hide_quick_ask()` → null */
  hideQuickAsk: () => call<null>("hide_quick_ask"),
  /** `open_in_main({conversation_id})` → null: shows the main window and emits
   * `hearth://open-conversation` with `{conversation_id}`. */
  openInMain: (conversationId: string) =>
    call<null>("open_in_main", { conversation_id: conversationId }),
  /** `open_external({url})` → null: opens an http(s)/mailto link in the system browser (shell plugin). */
  openExternal: (url: string) => call<null>("open_external", { url }),
};

/** The command surface (what the fake backend implements too). */
export type Commands = typeof commands;
