// GENERATED from the Rust types in src-tauri/src/desktop by ts-rs — do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p hearth --bin hearth bindings
// (`cargo test -p hearth --bin hearth bindings` fails when this file is stale.)

/** Arbitrary JSON (serde_json::Value). */
export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/** Who wrote a message. */
export type Role = "system" | "user" | "assistant" | "tool";

/** Provider-specific data sent back verbatim (never shown). */
export type Opaque = { 
/**
 * The provider *kind* that produced the data (`anthropic`, `openai`, `gemini`, ...).
 */
provider_kind: string, 
/**
 * The configured provider id that produced it.
 */
provider_id: string, 
/**
 * What the data is, in the provider's terms (`signature`, `redacted_thinking`,
 * `encrypted_content`, `thought_signature`, ...).
 */
kind: string, 
/**
 * The data itself, verbatim.
 */
data: string, 
/**
 * The provider's own item id, when its API needs it echoed back.
 */
item_id?: string, };

/** One piece of a message. */
export type Block = { "type": "text", text: string, } | { "type": "tool_call", 
/**
 * Hearth's id for this call; adapters map it to and from each provider's id format.
 */
id: string, 
/**
 * The registry name of the tool (`files.read`, `shell.run`, `server.tool`).
 */
name: string, 
/**
 * The arguments as JSON (an object). Kept as received if the model produced invalid JSON
 * (then a string), so nothing is lost.
 */
arguments: JsonValue, 
/**
 * Provider opaque data attached to the call (e.g. a Gemini thought signature).
 */
opaque?: Opaque, } | { "type": "tool_result", 
/**
 * The [`Block::ToolCall::id`] this answers.
 */
call_id: string, 
/**
 * The result as text shown to the model.
 */
content: string, 
/**
 * Whether the tool failed or was refused.
 */
is_error: boolean, } | { "type": "reasoning", 
/**
 * Human-readable reasoning text or summary (may be empty when only opaque data exists).
 */
text: string, 
/**
 * Round-trip data, sent back only to the same provider.
 */
opaque?: Opaque, };

/** Token counts for one model call. */
export type Usage = { 
/**
 * Input (prompt) tokens, including cached ones.
 */
input_tokens: number, 
/**
 * Output (completion) tokens, including reasoning tokens.
 */
output_tokens: number, 
/**
 * Input tokens served from the provider's cache.
 */
cached_input_tokens: number, 
/**
 * Output tokens spent on reasoning, when the provider reports them.
 */
reasoning_tokens: number, };

/** Where a message stands in its life. */
export type MessageStatus = "complete" | "streaming" | "interrupted" | "error" | "cancelled";

/** One message of a conversation. */
export type Message = { 
/**
 * Unique id (UUID v7).
 */
id: string, 
/**
 * The message this one follows in the conversation tree (`None` for a root).
 */
parent_id: string | null, 
/**
 * Who wrote it.
 */
role: Role, 
/**
 * Its content, in order.
 */
blocks: Array<Block>, 
/**
 * The configured provider id that produced it (assistant messages).
 */
provider: string | null, 
/**
 * The model that produced it (assistant messages).
 */
model: string | null, 
/**
 * Tokens spent producing it.
 */
usage: Usage | null, 
/**
 * Cost in US dollars, from the price table, when known.
 */
cost_usd: number | null, 
/**
 * Where it stands.
 */
status: MessageStatus, 
/**
 * A short error description when `status` is `error` (already redacted).
 */
error?: string, 
/**
 * When it was created.
 */
created_at: number, };

/** A conversation's metadata. */
export type Conversation = { 
/**
 * Unique id (UUID v7).
 */
id: string, 
/**
 * Title, set by the user or derived from the first exchange.
 */
title: string, 
/**
 * When it was created.
 */
created_at: number, 
/**
 * When a message was last added or it was last changed.
 */
updated_at: number, 
/**
 * Shown first in lists.
 */
pinned: boolean, 
/**
 * Hidden from the default list.
 */
archived: boolean, 
/**
 * The id of the message at the tip of the branch being shown.
 */
current_leaf: string | null, };

/** Which conversations a list shows. */
export type ListScope = "active" | "archived" | "all" | "trash";

/** A page of the conversation list (every field has a default). */
export type ListQuery = { 
/**
 * Which conversations.
 */
scope?: ListScope, 
/**
 * Pinned conversations first (then newest first).
 */
pinned_first?: boolean, 
/**
 * Page size.
 */
limit?: number, 
/**
 * Conversations to skip.
 */
offset?: number, };

/** A conversation as listed. */
export type ConversationEntry = { 
/**
 * When it was moved to the trash, if it is there.
 */
deleted_at?: number, 
/**
 * How many messages it holds, across all branches.
 */
message_count: number, 
/**
 * Unique id (UUID v7).
 */
id: string, 
/**
 * Title, set by the user or derived from the first exchange.
 */
title: string, 
/**
 * When it was created.
 */
created_at: number, 
/**
 * When a message was last added or it was last changed.
 */
updated_at: number, 
/**
 * Shown first in lists.
 */
pinned: boolean, 
/**
 * Hidden from the default list.
 */
archived: boolean, 
/**
 * The id of the message at the tip of the branch being shown.
 */
current_leaf: string | null, };

/** `search_history` query. */
export type SearchQuery = { 
/**
 * Words to find (all must occur; the last one also matches as a prefix). FTS syntax is not
 * interpreted: quotes and operators are searched as text.
 */
text: string, 
/**
 * Only answers from this provider id.
 */
provider?: string | null, 
/**
 * Only answers from this model.
 */
model?: string | null, 
/**
 * Only messages created at or after this time.
 */
since?: number | null, 
/**
 * Only messages created before this time.
 */
until?: number | null, 
/**
 * Most hits returned (default 20).
 */
limit?: number | null, };

/** One piece of a search snippet. */
export type SnippetPart = { 
/**
 * The text.
 */
text: string, 
/**
 * Whether it matched the query.
 */
highlighted: boolean, };

/** One search result; `message_id` is null for a title match. */
export type SearchHit = { 
/**
 * The conversation.
 */
conversation_id: string, 
/**
 * Its title.
 */
conversation_title: string, 
/**
 * The matching message, or `None` for a title match.
 */
message_id: string | null, 
/**
 * Who wrote the message.
 */
role: Role | null, 
/**
 * The provider of an answer.
 */
provider: string | null, 
/**
 * The model of an answer.
 */
model: string | null, 
/**
 * When the message (or conversation) was created.
 */
created_at: number, 
/**
 * The matching text around the matches.
 */
snippet: Array<SnippetPart>, 
/**
 * bm25 score: lower is better (title matches and message matches are ranked separately;
 * title matches come first).
 */
score: number, };

/** `import_history` result. */
export type ImportReport = { 
/**
 * Ids of the conversations imported.
 */
imported: Array<string>, 
/**
 * Ids of the conversations skipped because a conversation with that id already exists.
 */
skipped_existing: Array<string>, };

/** How a model is named in `send_message` / `regenerate`. */
export type ModelRef = { 
/**
 * The configured provider id.
 */
provider: string, 
/**
 * The model name as that provider knows it.
 */
model: string, };

/** Provider wire formats. */
export type ProviderKind = "anthropic" | "openai" | "gemini" | "openai-compatible";

/** Where a key is read from. */
export type KeySource = "keychain" | "env";

/** What may be shown about a key (never the key). */
export type KeyStatus = { 
/**
 * The provider id.
 */
provider: string, 
/**
 * Where the key is read from.
 */
source: KeySource, 
/**
 * Whether a key is there.
 */
present: boolean, 
/**
 * Whether the provider's kind needs a key at all.
 */
requires_key: boolean, 
/**
 * The key's last four characters.
 */
last_four: string | null, 
/**
 * When a real call last accepted the key.
 */
last_validated: string | null, 
/**
 * When the key was stored.
 */
stored_at: string | null, 
/**
 * The origin the key is bound to.
 */
bound_origin: string | null, 
/**
 * The origin the provider points at now.
 */
current_origin: string | null, 
/**
 * Whether the key may be sent to the current origin without a confirmation.
 */
host_confirmed: boolean, 
/**
 * Flagged when the source is an environment variable.
 */
less_safe: boolean, 
/**
 * Why the status is incomplete (keychain unavailable...), already redacted.
 */
error: string | null, };

/** Risk class of a tool. */
export type Risk = "read" | "write" | "execute" | "network" | "send";

/** A permission decision. */
export type Decision = "allow" | "ask" | "deny";

/** A rule's effect (the list it is in). */
export type RuleList = "allow" | "deny";

/** An argument-scoped rule naming a tool. */
export type ToolRule = { 
/**
 * The rule text, e.g. `shell.run(git status*)`.
 */
rule: string, 
/**
 * Which list it is in.
 */
effect: RuleList, };

/** One tool: its decision in force and the rules naming it. */
export type ToolInfo = { 
/**
 * The tool name.
 */
name: string, 
/**
 * What it does.
 */
description: string, 
/**
 * Its risk class.
 */
risk: Risk, 
/**
 * The decision for calls no argument-scoped rule matches.
 */
decision: Decision, 
/**
 * Why that decision.
 */
reason: string, 
/**
 * The allow and deny rules whose tool part matches this tool.
 */
rules: Array<ToolRule>, };

/** Untrusted content seen earlier in the turn. */
export type TaintSource = { 
/**
 * The tool that returned it.
 */
tool: string, 
/**
 * What it was (`web page https://…`, `file … (untrusted folder)`).
 */
source: string, };

/** A tool call waiting for the user. */
export type ApprovalRequest = { 
/**
 * Unique id; answer with it.
 */
id: string, 
/**
 * The tool name.
 */
tool: string, 
/**
 * The tool's risk class.
 */
risk: Risk, 
/**
 * The call's arguments.
 */
arguments: JsonValue, 
/**
 * Human-readable preview (command line, diff...).
 */
preview: string, 
/**
 * Why it asks (the verdict's reason).
 */
reason: string, 
/**
 * The rule involved, if any.
 */
rule: string | null, 
/**
 * Untrusted content seen earlier in the turn.
 */
taint: Array<TaintSource>, 
/**
 * The allow rule "always allow" adds.
 */
suggested_rule: string | null, 
/**
 * The conversation, when the caller sets it.
 */
conversation_id: string | null, 
/**
 * The model's tool call id, when the caller sets it.
 */
call_id: string | null, 
/**
 * When it was asked.
 */
requested_at: string, 
/**
 * Seconds before it counts as denied (set by [`Approvals::ask`]).
 */
timeout_secs: number, };

/** The user's answer to an approval request. */
export type ApprovalAnswer = { "kind": "allow_once" } | { "kind": "always_allow" } | { "kind": "deny", 
/**
 * Why, for the model.
 */
note: string | null, };

/** Action-log entry kinds. */
export type EntryKind = "model_call" | "tool_call" | "approval" | "key_use" | "config_change" | "api_request" | "other";

/** How an action ended; `pending` until completed. */
export type EntryStatus = "pending" | "ok" | "error" | "denied" | "cancelled" | "interrupted";

/** Who acted. */
export type Actor = "user" | "agent" | { "api": string } | { "rule": string } | "system";

/** An intermediate step of an action. */
export type StageView = { 
/**
 * When, ms since the Unix epoch.
 */
at_ms: number, 
/**
 * The step's name.
 */
name: string, 
/**
 * Who acted.
 */
actor: Actor, 
/**
 * One line for people.
 */
summary: string, 
/**
 * Structured detail.
 */
detail: JsonValue, };

/** The completion of an action. */
export type OutcomeView = { 
/**
 * When, ms since the Unix epoch.
 */
at_ms: number, 
/**
 * The result.
 */
status: EntryStatus, 
/**
 * One line for people.
 */
summary: string, 
/**
 * Structured detail.
 */
detail: JsonValue, 
/**
 * How long the action took.
 */
duration_ms: number | null, };

/** One action-log entry (re-published with the same id at each stage). */
export type ActionLogEntry = { 
/**
 * The action's id.
 */
id: string, 
/**
 * Chain position of its begin record (orders entries).
 */
seq: number, 
/**
 * What kind of action.
 */
kind: EntryKind, 
/**
 * Who initiated it.
 */
actor: Actor, 
/**
 * The conversation, if any.
 */
conversation_id: string | null, 
/**
 * One line for people.
 */
summary: string, 
/**
 * Structured detail of the request.
 */
detail: JsonValue, 
/**
 * When it began, ms since the Unix epoch.
 */
started_at_ms: number, 
/**
 * `pending` until completed.
 */
status: EntryStatus, 
/**
 * Intermediate steps, in order.
 */
stages: Array<StageView>, 
/**
 * The completion, once written.
 */
outcome: OutcomeView | null, };

/** One event on `hearth://event`. */
export type Event = { "type": "turn_started", conversation_id: string, message_id: string, provider: string, model: string, } | { "type": "text_delta", conversation_id: string, message_id: string, text: string, } | { "type": "reasoning_delta", conversation_id: string, message_id: string, text: string, } | { "type": "tool_call", conversation_id: string, message_id: string, call: Block, } | { "type": "tool_result", conversation_id: string, message_id: string, result: Block, } | { "type": "usage", conversation_id: string, message_id: string, usage: Usage, cost_usd: number | null, } | { "type": "fallback_used", conversation_id: string, from: string, to: string, reason: string, } | { "type": "error", conversation_id: string | null, message: string, } | { "type": "done", conversation_id: string, message_id: string, status: MessageStatus, } | { "type": "approval_requested", request: ApprovalRequest, } | { "type": "approval_resolved", id: string, outcome: string, } | { "type": "action_logged", entry: ActionLogEntry, } | { "type": "agent_paused", paused: boolean, } | { "type": "config_reloaded", error: string | null, };

/** `get_conversation` / `switch_branch`: the current path and each message's siblings. */
export type ConversationView = { 
/**
 * Its metadata.
 */
conversation: Conversation, 
/**
 * The current path, root first.
 */
messages: Array<Message>, 
/**
 * Message id → the ids of that message and its siblings, oldest first.
 */
siblings: { [key in string]: Array<string> }, };

/** The stable categories of IpcError.kind. */
export type ErrorKind = "not_found" | "invalid_input" | "busy" | "no_model" | "keychain" | "config" | "storage" | "provider" | "window" | "internal";

/** What every command rejects with (message already redacted). */
export type IpcError = { 
/**
 * Machine-readable category.
 */
kind: ErrorKind, 
/**
 * Human-readable, actionable message (already redacted).
 */
message: string, };

/** `app_info` result. */
export type AppInfo = { 
/**
 * Hearth's version.
 */
version: string, 
/**
 * The data directory in use.
 */
data_dir: string, };

/** Payload of `hearth://open-conversation`. */
export type OpenConversation = { 
/**
 * The conversation to show.
 */
conversation_id: string, };

/** A model to pick (`list_models`); the first is the default. */
export type ModelInfo = { 
/**
 * The provider id.
 */
provider: string, 
/**
 * The model name.
 */
model: string, 
/**
 * `provider/model`, for people.
 */
label: string, };

/** `send_message` / `regenerate` / `edit_message` result. */
export type TurnHandle = { 
/**
 * The conversation the turn runs in (new when none was given).
 */
conversation_id: string, 
/**
 * `send_message` / `edit_message`: the user message; `regenerate`: the new answer.
 */
message_id: string, };

/** One configured provider (`list_providers`). */
export type ProviderInfo = { 
/**
 * Its id (used in `PROVIDER/MODEL` names and for its key).
 */
id: string, 
/**
 * Its wire format: anthropic, openai, gemini or openai-compatible.
 */
kind: ProviderKind, 
/**
 * The base URL in force (configured or the kind's official one).
 */
base_url: string | null, 
/**
 * The models it offers; the first is its default.
 */
models: Array<string>, 
/**
 * The environment variable its key is read from, instead of the keychain.
 */
key_env?: string | null, };

/** `test_provider` result. */
export type ProviderTestResult = { 
/**
 * Whether the provider answered.
 */
ok: boolean, 
/**
 * What it said, or why it failed.
 */
message: string, 
/**
 * Time to the end of the answer, when it answered.
 */
latency_ms: number | null, };

/** Appearance preference. */
export type Appearance = "system" | "light" | "dark";

/** A file loaded from the personal context folder. */
export type ContextFile = { 
/**
 * Its path relative to the folder.
 */
path: string, 
/**
 * Its size on disk.
 */
bytes: number, };

/** The local API (read-only). */
export type LocalApi = { 
/**
 * Whether `hearth serve` starts with the app.
 */
enabled: boolean, 
/**
 * Where it listens.
 */
address: string, };

/** A local API client token as stored (never the token). */
export type TokenInfo = { 
/**
 * The client's name.
 */
name: string, 
/**
 * The token's first characters, e.g. `hth_3f9a01`.
 */
prefix: string, 
/**
 * Glob patterns over `PROVIDER_ID/MODEL` this token may use; empty = every model.
 */
models: Array<string>, 
/**
 * Whether its requests are also recorded as conversations.
 */
record: boolean, 
/**
 * When it was created.
 */
created_at: number, };

/** `create_api_token` result: the token, shown once. */
export type NewApiToken = { 
/**
 * The token to give to the client.
 */
token: string, 
/**
 * What is stored about it.
 */
info: TokenInfo, };

/** `get_settings` / `set_settings` result. */
export type Settings = { 
/**
 * Folders the files and shell tools may touch.
 */
roots: Array<string>, 
/**
 * The personal context folder (every `*.md` is loaded).
 */
context_folder: string, 
/**
 * Size budget of the personal context, in bytes.
 */
context_budget_bytes: number, 
/**
 * Files currently loaded from the context folder.
 */
context_files: Array<ContextFile>, 
/**
 * Light, dark or system.
 */
appearance: Appearance, 
/**
 * Keep running in the tray when the main window closes.
 */
close_to_tray: boolean, 
/**
 * The "pause agent" switch.
 */
paused: boolean, 
/**
 * The local API (read-only).
 */
local_api: LocalApi, 
/**
 * Where data lives (read-only).
 */
data_dir: string, };

/** `set_settings` patch: only the fields present change. */
export type SettingsPatch = { 
/**
 * New roots.
 */
roots?: Array<string>, 
/**
 * New context folder.
 */
context_folder?: string, 
/**
 * New context budget.
 */
context_budget_bytes?: number, 
/**
 * New appearance.
 */
appearance?: Appearance, 
/**
 * Keep running in the tray on close.
 */
close_to_tray?: boolean, 
/**
 * Start the local API with the app.
 */
local_api_enabled?: boolean, };

/** How Hearth talks to an MCP server. */
export type TransportKind = "stdio" | "http";

/** One tool of an MCP server. */
export type ToolSummary = { 
/**
 * The registry name, `SERVER.TOOL`.
 */
name: string, 
/**
 * The name on the server.
 */
remote_name: string, 
/**
 * What it does.
 */
description: string, 
/**
 * Its risk class (from its annotations).
 */
risk: Risk, };

/** Where an MCP server is in its life. */
export type ServerState = { "state": "disabled" } | { "state": "stopped" } | { "state": "starting" } | { "state": "running", 
/**
 * Tools registered.
 */
tool_count: number, } | { "state": "failed", 
/**
 * Why (the error, with the last stderr line when there is one).
 */
reason: string, 
/**
 * Failed attempts in a row.
 */
attempts: number, 
/**
 * Seconds until the next attempt.
 */
retry_in_secs: number, };

/** `mcp_statuses`: one MCP server. */
export type ServerStatus = { 
/**
 * The name (`SERVER` in `SERVER.TOOL`).
 */
name: string, 
/**
 * Whether it is switched on.
 */
enabled: boolean, 
/**
 * stdio or http.
 */
transport: TransportKind, 
/**
 * What runs: the command line or the URL.
 */
target: string, 
/**
 * The server's own name and version, once running.
 */
server_info: string | null, 
/**
 * Its tools, once running.
 */
tools: Array<ToolSummary>, } & ({ "state": "disabled" } | { "state": "stopped" } | { "state": "starting" } | { "state": "running", 
/**
 * Tools registered.
 */
tool_count: number, } | { "state": "failed", 
/**
 * Why (the error, with the last stderr line when there is one).
 */
reason: string, 
/**
 * Failed attempts in a row.
 */
attempts: number, 
/**
 * Seconds until the next attempt.
 */
retry_in_secs: number, });

/** One server an MCP import would add or skip. */
export type McpImportItem = { 
/**
 * The Hearth server name.
 */
name: string, 
/**
 * The name in the imported file.
 */
original_name: string, 
/**
 * What would run: the command line or the URL.
 */
target: string, 
/**
 * Why it is not imported, when it is not.
 */
skipped: string | null, 
/**
 * Names of the environment variables and headers whose values go to the keychain.
 */
secret_names: Array<string>, };

/** `mcp_import_preview` result. */
export type McpImportPreview = { 
/**
 * The file read (the given path, or Claude Desktop's config).
 */
path: string, 
/**
 * One entry per server in the file.
 */
servers: Array<McpImportItem>, };

/** How mail is sent. */
export type SendViaName = "smtp" | "sendmail";

/** SMTP connection security. */
export type SmtpSecurityName = "starttls" | "tls" | "plain";

/** The outgoing mail server (never the password). */
export type SmtpSettings = { 
/**
 * The server host name ("" = not set).
 */
host: string, 
/**
 * The port.
 */
port: number, 
/**
 * The connection security.
 */
security: "starttls" | "tls" | "plain", 
/**
 * The login; no authentication when null.
 */
username: string | null, 
/**
 * Whether the keychain holds a password for `username@host`.
 */
password_stored: boolean, 
/**
 * Why the keychain could not be asked (then `password_stored` is false).
 */
keychain_error: string | null, };

/** `get_personal_settings` result: calendars and mail. */
export type PersonalSettings = { 
/**
 * Calendars: vdir folders, folders of them, or `.ics` files.
 */
calendar_paths: Array<string>, 
/**
 * The IANA time zone; the system's when null.
 */
timezone: string | null, 
/**
 * Maildir roots.
 */
maildirs: Array<string>, 
/**
 * The drafts maildir; the default when null.
 */
drafts: string | null, 
/**
 * The sender address.
 */
from: string | null, 
/**
 * How mail is sent.
 */
send_via: "smtp" | "sendmail", 
/**
 * The outgoing server.
 */
smtp: SmtpSettings, };

/** `set_personal_settings` patch: only the fields present change. */
export type PersonalPatch = { 
/**
 * New calendar paths (blank lines dropped).
 */
calendar_paths?: Array<string>, 
/**
 * New time zone ("" = the system's).
 */
timezone?: string, 
/**
 * New maildir roots (blank lines dropped).
 */
maildirs?: Array<string>, 
/**
 * New drafts maildir ("" = the default).
 */
drafts?: string, 
/**
 * New sender address ("" = none).
 */
from?: string, 
/**
 * New way of sending.
 */
send_via?: SendViaName, 
/**
 * New SMTP host ("" = none).
 */
smtp_host?: string, 
/**
 * New SMTP port.
 */
smtp_port?: number, 
/**
 * New SMTP security.
 */
smtp_security?: SmtpSecurityName, 
/**
 * New SMTP login ("" = no authentication).
 */
smtp_username?: string, };

/** Export formats. */
export type ExportFormat = "json" | "markdown";

/** `export_history` result. */
export type ExportResult = { 
/**
 * The file written.
 */
path: string, 
/**
 * How many conversations it holds.
 */
conversations: number, };

// --- Command arguments (one struct per command that takes any) ---

/**
 * `list_conversations` arguments.
 */
export type ListConversationsArgs = { 
/**
 * The page to list; `null` = the active conversations, pinned first, the first page.
 */
query: ListQuery | null, };

/**
 * `get_conversation` arguments.
 */
export type GetConversationArgs = { 
/**
 * The conversation (a unique id prefix is accepted).
 */
id: string, };

/**
 * `rename_conversation` arguments.
 */
export type RenameConversationArgs = { 
/**
 * The conversation.
 */
id: string, 
/**
 * The new title (not blank; trimmed).
 */
title: string, };

/**
 * `set_pinned` arguments.
 */
export type SetPinnedArgs = { 
/**
 * The conversation.
 */
id: string, 
/**
 * Pinned (listed first) or not.
 */
pinned: boolean, };

/**
 * `set_archived` arguments.
 */
export type SetArchivedArgs = { 
/**
 * The conversation.
 */
id: string, 
/**
 * Archived (out of the active list) or not.
 */
archived: boolean, };

/**
 * `delete_conversation` arguments.
 */
export type DeleteConversationArgs = { 
/**
 * The conversation to move to the trash.
 */
id: string, };

/**
 * `restore_conversation` arguments.
 */
export type RestoreConversationArgs = { 
/**
 * The conversation to take out of the trash.
 */
id: string, };

/**
 * `search_history` arguments.
 */
export type SearchHistoryArgs = { 
/**
 * What to search for, and the filters.
 */
query: SearchQuery, };

/**
 * `switch_branch` arguments.
 */
export type SwitchBranchArgs = { 
/**
 * A message; the newest branch through it becomes current.
 */
message_id: string, };

/**
 * `send_message` arguments.
 */
export type SendMessageArgs = { 
/**
 * The conversation to continue; `null` creates one.
 */
conversation_id: string | null, 
/**
 * The user's message (not blank).
 */
text: string, 
/**
 * The model to answer with; `null` = the conversation's (or the default) model.
 */
model: ModelRef | null, };

/**
 * `stop_turn` arguments.
 */
export type StopTurnArgs = { 
/**
 * The conversation whose turn stops.
 */
conversation_id: string, };

/**
 * `regenerate` arguments.
 */
export type RegenerateArgs = { 
/**
 * The assistant message to answer again.
 */
message_id: string, 
/**
 * The model for the new answer; `null` = the model that wrote `message_id`.
 */
model: ModelRef | null, };

/**
 * `edit_message` arguments.
 */
export type EditMessageArgs = { 
/**
 * The user message to edit (it stays, as a sibling).
 */
message_id: string, 
/**
 * The new text (not blank).
 */
text: string, };

/**
 * `add_provider` arguments (the same `id` replaces: Edit).
 */
export type AddProviderArgs = { 
/**
 * The provider id (trimmed).
 */
id: string, 
/**
 * Its wire format.
 */
kind: ProviderKind, 
/**
 * Its endpoint; `null` = the kind's default.
 */
base_url: string | null, 
/**
 * The models offered from it.
 */
models: Array<string>, };

/**
 * `remove_provider` arguments.
 */
export type RemoveProviderArgs = { 
/**
 * The provider (its keychain entry goes too).
 */
id: string, };

/**
 * `test_provider` arguments.
 */
export type TestProviderArgs = { 
/**
 * The provider to probe with one tiny real call.
 */
id: string, };

/**
 * `set_key` arguments: the only time a key crosses the boundary (inward).
 */
export type SetKeyArgs = { 
/**
 * The configured provider.
 */
provider_id: string, 
/**
 * The API key (trimmed; never sent back).
 */
key: string, };

/**
 * `delete_key` arguments.
 */
export type DeleteKeyArgs = { 
/**
 * The provider whose key leaves the keychain.
 */
provider_id: string, };

/**
 * `set_tool_decision` arguments.
 */
export type SetToolDecisionArgs = { 
/**
 * The tool name, such as `shell.run`.
 */
tool: string, 
/**
 * What happens to calls no rule matches.
 */
decision: Decision, };

/**
 * `add_rule` arguments.
 */
export type AddRuleArgs = { 
/**
 * The rule, such as `shell.run(git status*)`.
 */
rule: string, 
/**
 * The list it goes into.
 */
effect: RuleList, };

/**
 * `remove_rule` arguments.
 */
export type RemoveRuleArgs = { 
/**
 * The rule as listed.
 */
rule: string, 
/**
 * The list it is in.
 */
effect: RuleList, };

/**
 * `set_paused` arguments.
 */
export type SetPausedArgs = { 
/**
 * The agent is paused (no tool runs) or not.
 */
paused: boolean, };

/**
 * `mcp_restart` arguments.
 */
export type McpRestartArgs = { 
/**
 * The configured server.
 */
name: string, };

/**
 * `mcp_set_enabled` arguments.
 */
export type McpSetEnabledArgs = { 
/**
 * The configured server.
 */
name: string, 
/**
 * On (starts) or off (stops).
 */
enabled: boolean, };

/**
 * `mcp_add` arguments: a stdio server.
 */
export type McpAddArgs = { 
/**
 * A new server name (letters, digits, `_`, `-`).
 */
name: string, 
/**
 * The program to run.
 */
command: string, 
/**
 * Its arguments.
 */
args: Array<string>, 
/**
 * Extra environment variables (not secret: written to config.toml).
 */
env: { [key in string]: string }, };

/**
 * `mcp_remove` arguments.
 */
export type McpRemoveArgs = { 
/**
 * The server (its keychain secrets go too).
 */
name: string, };

/**
 * `mcp_import_preview` arguments.
 */
export type McpImportPreviewArgs = { 
/**
 * The file to read; `null` = Claude Desktop's config for this OS.
 */
path: string | null, };

/**
 * `mcp_import` arguments.
 */
export type McpImportArgs = { 
/**
 * The file to read; `null` = Claude Desktop's config for this OS.
 */
path: string | null, };

/**
 * `answer_approval` arguments.
 */
export type AnswerApprovalArgs = { 
/**
 * The pending approval request.
 */
id: string, 
/**
 * Allow once, always allow, or deny (with an optional note).
 */
answer: ApprovalAnswer, };

/**
 * `action_log` arguments: one page of the action log, newest first.
 */
export type ActionLogArgs = { 
/**
 * Most entries to return (1 to 1000).
 */
limit: number, 
/**
 * Only entries with a lower `seq` (paging back); `null` = from the newest.
 */
before: number | null, 
/**
 * Only entries of this kind.
 */
kind: EntryKind | null, 
/**
 * Only entries whose `detail.tool` is this tool.
 */
tool: string | null, 
/**
 * Only entries whose `detail.provider` is this provider.
 */
provider: string | null, };

/**
 * `set_settings` arguments.
 */
export type SetSettingsArgs = { 
/**
 * The fields to change.
 */
patch: SettingsPatch, };

/**
 * `set_personal_settings` arguments.
 */
export type SetPersonalSettingsArgs = { 
/**
 * The fields to change (`""` removes an optional setting).
 */
patch: PersonalPatch, };

/**
 * `set_smtp_password` arguments: the password crosses once, inward.
 */
export type SetSmtpPasswordArgs = { 
/**
 * The SMTP password (stored in the keychain as `smtp:USER@HOST`).
 */
password: string, };

/**
 * `create_api_token` arguments.
 */
export type CreateApiTokenArgs = { 
/**
 * The client's name (letters, digits, `-`, `_`, `.`): the actor of its requests in the log.
 */
name: string, 
/**
 * Glob patterns over `PROVIDER_ID/MODEL` it may use; empty = every model.
 */
models: Array<string>, 
/**
 * Whether its requests are also recorded as conversations.
 */
record: boolean, };

/**
 * `revoke_api_token` arguments.
 */
export type RevokeApiTokenArgs = { 
/**
 * The token's name.
 */
name: string, };

/**
 * `export_history` arguments.
 */
export type ExportHistoryArgs = { 
/**
 * One conversation; `null` = all of them.
 */
id: string | null, 
/**
 * The file format.
 */
format: ExportFormat, };

/**
 * `import_history` arguments.
 */
export type ImportHistoryArgs = { 
/**
 * A Hearth JSON export on this machine.
 */
path: string, };

/**
 * `open_in_main` arguments.
 */
export type OpenInMainArgs = { 
/**
 * The conversation the main window shows.
 */
conversation_id: string, };

/**
 * `open_external` arguments.
 */
export type OpenExternalArgs = { 
/**
 * An http(s) or mailto link.
 */
url: string, };

/** Every command the core registers: what it takes (`args`, sent as `{ args }`; `null` = none) and what it resolves to (`result`). It rejects with `IpcError`. */
export type Commands = {
  app_info: { args: null; result: AppInfo };
  startup_painted: { args: null; result: null };
  list_conversations: { args: ListConversationsArgs; result: Array<ConversationEntry> };
  get_conversation: { args: GetConversationArgs; result: ConversationView };
  create_conversation: { args: null; result: Conversation };
  rename_conversation: { args: RenameConversationArgs; result: Conversation };
  set_pinned: { args: SetPinnedArgs; result: Conversation };
  set_archived: { args: SetArchivedArgs; result: Conversation };
  delete_conversation: { args: DeleteConversationArgs; result: null };
  restore_conversation: { args: RestoreConversationArgs; result: Conversation };
  search_history: { args: SearchHistoryArgs; result: Array<SearchHit> };
  switch_branch: { args: SwitchBranchArgs; result: ConversationView };
  send_message: { args: SendMessageArgs; result: TurnHandle };
  stop_turn: { args: StopTurnArgs; result: null };
  regenerate: { args: RegenerateArgs; result: TurnHandle };
  edit_message: { args: EditMessageArgs; result: TurnHandle };
  list_models: { args: null; result: Array<ModelInfo> };
  list_providers: { args: null; result: Array<ProviderInfo> };
  add_provider: { args: AddProviderArgs; result: ProviderInfo };
  remove_provider: { args: RemoveProviderArgs; result: null };
  test_provider: { args: TestProviderArgs; result: ProviderTestResult };
  key_status: { args: null; result: Array<KeyStatus> };
  set_key: { args: SetKeyArgs; result: KeyStatus };
  delete_key: { args: DeleteKeyArgs; result: KeyStatus };
  list_tools: { args: null; result: Array<ToolInfo> };
  set_tool_decision: { args: SetToolDecisionArgs; result: ToolInfo };
  add_rule: { args: AddRuleArgs; result: null };
  remove_rule: { args: RemoveRuleArgs; result: null };
  set_paused: { args: SetPausedArgs; result: null };
  mcp_statuses: { args: null; result: Array<ServerStatus> };
  mcp_restart: { args: McpRestartArgs; result: ServerStatus };
  mcp_set_enabled: { args: McpSetEnabledArgs; result: null };
  mcp_add: { args: McpAddArgs; result: null };
  mcp_remove: { args: McpRemoveArgs; result: null };
  mcp_import_preview: { args: McpImportPreviewArgs; result: McpImportPreview };
  mcp_import: { args: McpImportArgs; result: Array<string> };
  pending_approvals: { args: null; result: Array<ApprovalRequest> };
  answer_approval: { args: AnswerApprovalArgs; result: null };
  action_log: { args: ActionLogArgs; result: Array<ActionLogEntry> };
  get_settings: { args: null; result: Settings };
  set_settings: { args: SetSettingsArgs; result: Settings };
  get_personal_settings: { args: null; result: PersonalSettings };
  set_personal_settings: { args: SetPersonalSettingsArgs; result: PersonalSettings };
  set_smtp_password: { args: SetSmtpPasswordArgs; result: PersonalSettings };
  delete_smtp_password: { args: null; result: PersonalSettings };
  list_api_tokens: { args: null; result: Array<TokenInfo> };
  create_api_token: { args: CreateApiTokenArgs; result: NewApiToken };
  revoke_api_token: { args: RevokeApiTokenArgs; result: Array<TokenInfo> };
  export_history: { args: ExportHistoryArgs; result: ExportResult };
  import_history: { args: ImportHistoryArgs; result: ImportReport };
  hide_quick_ask: { args: null; result: null };
  open_in_main: { args: OpenInMainArgs; result: null };
  open_external: { args: OpenExternalArgs; result: null };
};

/** Every command the core registers (ui/IPC.md), in registration order. */
export const COMMAND_NAMES = [
  "app_info",
  "startup_painted",
  "list_conversations",
  "get_conversation",
  "create_conversation",
  "rename_conversation",
  "set_pinned",
  "set_archived",
  "delete_conversation",
  "restore_conversation",
  "search_history",
  "switch_branch",
  "send_message",
  "stop_turn",
  "regenerate",
  "edit_message",
  "list_models",
  "list_providers",
  "add_provider",
  "remove_provider",
  "test_provider",
  "key_status",
  "set_key",
  "delete_key",
  "list_tools",
  "set_tool_decision",
  "add_rule",
  "remove_rule",
  "set_paused",
  "mcp_statuses",
  "mcp_restart",
  "mcp_set_enabled",
  "mcp_add",
  "mcp_remove",
  "mcp_import_preview",
  "mcp_import",
  "pending_approvals",
  "answer_approval",
  "action_log",
  "get_settings",
  "set_settings",
  "get_personal_settings",
  "set_personal_settings",
  "set_smtp_password",
  "delete_smtp_password",
  "list_api_tokens",
  "create_api_token",
  "revoke_api_token",
  "export_history",
  "import_history",
  "hide_quick_ask",
  "open_in_main",
  "open_external",
] as const satisfies readonly (keyof Commands)[];

/** A command name. */
export type CommandName = keyof Commands;

/** The channel every core event arrives on. */
export const EVENT_CHANNEL = "hearth://event";
/** The channel the core asks the main window to show a conversation on. */
export const OPEN_CONVERSATION_CHANNEL = "hearth://open-conversation";
