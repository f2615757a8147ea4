// TypeScript mirrors of the Rust types that cross the IPC boundary.
//
// Field names are snake_case exactly as serde writes them; enums tagged with `type` mirror
// `#[serde(tag = "type", rename_all = "snake_case")]`. Sources:
//   src-tauri/gateway/src/conversation.rs  (Role, Opaque, Block, Usage, MessageStatus, Message, Conversation)
//   src-tauri/gateway/src/events.rs        (Event)
//   src-tauri/gateway/src/store/{conversations,search,export}.rs (ListQuery, ConversationEntry,
//                                          SearchQuery, SearchHit, SnippetPart, ImportReport)
//   src-tauri/gateway/src/policy/approvals.rs (ApprovalRequest, ApprovalAnswer — tagged by `kind`)
//   src-tauri/gateway/src/audit/{entry,query}.rs (LogEntry, EntryKind, EntryStatus, Actor)
//   src-tauri/gateway/src/agent/model_ref.rs (ModelRef), config/providers.rs (ProviderKind)
//   src-tauri/gateway/src/keys/key_store.rs (KeyStatus), policy/overview.rs (ToolInfo, ToolRule)
// Types marked "UI contract" have no Rust type yet: the Rust side must serialise exactly these shapes.
//
// The desktop's own IPC types are GENERATED from Rust (ts-rs) into ./bindings.ts and re-exported
// here; the gateway's types below are still mirrored by hand (sources named above).

export type {
  AppInfo,
  Appearance,
  CommandName,
  ContextFile,
  ErrorKind,
  ExportFormat,
  ExportResult,
  IpcError,
  LocalApi,
  ModelInfo,
  OpenConversation,
  ProviderInfo,
  ProviderTestResult,
  Settings,
  SettingsPatch,
  TurnHandle,
} from "./bindings";

/** Milliseconds since the Unix epoch, UTC. */
export type Timestamp = number;

/** Who wrote a message. */
export type Role = "system" | "user" | "assistant" | "tool";

/** Provider-specific data that must be sent back verbatim (never shown). */
export interface Opaque {
  provider_kind: string;
  provider_id: string;
  kind: string;
  data: string;
  item_id?: string;
}

/** Arbitrary JSON (serde_json::Value). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface TextBlock {
  type: "text";
  text: string;
}
export interface ToolCallBlock {
  type: "tool_call";
  id: string;
  name: string;
  arguments: Json;
  opaque?: Opaque;
}
export interface ToolResultBlock {
  type: "tool_result";
  call_id: string;
  content: string;
  is_error: boolean;
}
export interface ReasoningBlock {
  type: "reasoning";
  text: string;
  opaque?: Opaque;
}
/** One piece of a message. */
export type Block = TextBlock | ToolCallBlock | ToolResultBlock | ReasoningBlock;

/** Token counts for one model call. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  reasoning_tokens: number;
}

/** Where a message stands in its life. */
export type MessageStatus = "complete" | "streaming" | "interrupted" | "error" | "cancelled";

/** One message of a conversation. */
export interface Message {
  id: string;
  parent_id: string | null;
  role: Role;
  blocks: Block[];
  provider: string | null;
  model: string | null;
  usage: Usage | null;
  cost_usd: number | null;
  status: MessageStatus;
  error?: string;
  created_at: Timestamp;
}

/** A conversation's metadata. */
export interface Conversation {
  id: string;
  title: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  pinned: boolean;
  archived: boolean;
  current_leaf: string | null;
}

// ---------------------------------------------------------------------------------------------
// Command payloads (UI contract)

/** Which conversations a list shows (store::ListScope). */
export type ListScope = "active" | "archived" | "all" | "trash";

/** `list_conversations` query (store::ListQuery). */
export interface ListQuery {
  scope?: ListScope;
  pinned_first?: boolean;
  limit?: number;
  offset?: number;
}

/** A conversation as listed (store::ConversationEntry: the conversation flattened in). */
export interface ConversationEntry extends Conversation {
  deleted_at?: Timestamp;
  message_count: number;
}

/** `get_conversation` result: the conversation, the messages on its current path (root first), and
 * for every message on that path the ids of it and its siblings (same parent), oldest first. */
export interface ConversationView {
  conversation: Conversation;
  messages: Message[];
  siblings: Record<string, string[]>;
}

/** `search_history` query (store::SearchQuery). */
export interface SearchQuery {
  text: string;
  provider?: string | null;
  model?: string | null;
  since?: Timestamp | null;
  until?: Timestamp | null;
  limit?: number | null;
}

/** One piece of a snippet (store::SnippetPart). */
export interface SnippetPart {
  text: string;
  highlighted: boolean;
}

/** One search result (store::SearchHit); `message_id` is null for a title match. The snippet is
 * structured parts; a plain string in which only `<mark>…</mark>` is markup is accepted too (the
 * UI escapes everything else). */
export interface SearchHit {
  conversation_id: string;
  conversation_title: string;
  message_id: string | null;
  role: Role | null;
  provider: string | null;
  model: string | null;
  created_at: Timestamp;
  snippet: SnippetPart[] | string;
  score: number;
}

/** How the UI names a model in `send_message` / `regenerate` (agent::ModelRef). */
export interface ModelRef {
  provider: string;
  model: string;
}

/** Provider wire formats. */
export type ProviderKind = "anthropic" | "openai" | "gemini" | "openai-compatible";

/** `add_provider` arguments (also used to edit: same id replaces). */
export interface ProviderSpec {
  id: string;
  kind: ProviderKind;
  base_url?: string;
  models: string[];
}

/** One entry of `key_status` (keys::KeyStatus). The key itself never crosses to the webview. */
export interface KeyStatus {
  provider: string;
  /** Where the key is read from. */
  source: "keychain" | "env";
  present: boolean;
  /** Whether the provider's kind needs a key at all. */
  requires_key: boolean;
  /** The last four characters, for recognition, when present. */
  last_four: string | null;
  /** RFC 3339: when a real call last accepted the key. */
  last_validated: string | null;
  /** RFC 3339: when the key was stored. */
  stored_at: string | null;
  /** The origin the key is bound to. */
  bound_origin: string | null;
  /** The origin the provider points at now. */
  current_origin: string | null;
  /** Whether the key may be sent to the current origin without a confirmation. */
  host_confirmed: boolean;
  /** The source is an environment variable. */
  less_safe: boolean;
  /** Why the status is incomplete (keychain unavailable…), already redacted. */
  error: string | null;
}

/** Risk class of a tool. */
export type Risk = "read" | "write" | "execute" | "network" | "send";
/** A permission decision. */
export type Decision = "allow" | "ask" | "deny";
/** A rule's effect. */
export type RuleEffect = "allow" | "deny";

/** An argument-scoped rule such as `shell.run(git status*)` (policy::ToolRule). */
export interface ToolRule {
  rule: string;
  effect: RuleEffect;
}

/** One tool (policy::ToolInfo, `list_tools`): its effective decision and the rules that name it. */
export interface ToolInfo {
  name: string;
  description: string;
  risk: Risk;
  /** The decision for calls no argument-scoped rule matches. */
  decision: Decision;
  /** Why that decision ("read tools are allowed by default", "set in config"…). */
  reason: string;
  rules: ToolRule[];
}

/** Untrusted content seen earlier in the turn (policy::TaintSource). */
export interface TaintSource {
  tool: string;
  source: string;
}

/** A tool call waiting for the user (policy::ApprovalRequest; `pending_approvals`,
 * `approval_requested`). */
export interface ApprovalRequest {
  id: string;
  tool: string;
  risk: Risk;
  arguments: Json;
  /** A human-readable preview of what will happen (a command line, a diff, an email). */
  preview: string;
  /** Why it asks (the rule, the risk default, or taint by untrusted content). */
  reason: string;
  /** The rule involved, if any. */
  rule: string | null;
  /** Untrusted content seen earlier in the turn. */
  taint: TaintSource[];
  /** The allow rule "always allow" adds. */
  suggested_rule: string | null;
  conversation_id: string | null;
  /** The tool call block id this approval gates. */
  call_id: string | null;
  /** RFC 3339. */
  requested_at: string;
  /** Seconds before it counts as denied. */
  timeout_secs: number;
}

/** `answer_approval` answer (policy::ApprovalAnswer, tagged by `kind`). */
export type ApprovalAnswer =
  | { kind: "allow_once" }
  | { kind: "always_allow" }
  | { kind: "deny"; note: string | null };

/** `approval_resolved.outcome` values. */
export type ApprovalOutcome = "allowed_once" | "always_allowed" | "denied" | "timed_out" | "paused";

/** Action-log entry kinds (audit::EntryKind). */
export type LogKind =
  | "model_call"
  | "tool_call"
  | "approval"
  | "key_use"
  | "config_change"
  | "api_request"
  | "other";

/** How an action ended (audit::EntryStatus); `pending` until completed. */
export type LogStatus = "pending" | "ok" | "error" | "denied" | "cancelled" | "interrupted";

/** Who acted (audit::Actor, serde's external tagging). */
export type Actor = "user" | "agent" | "system" | { api: string } | { rule: string };

/** An intermediate step (audit::StageView): `decided`, `started`… */
export interface StageView {
  at_ms: Timestamp;
  name: string;
  actor: Actor;
  summary: string;
  detail: Json;
}

/** A completion (audit::OutcomeView). */
export interface OutcomeView {
  at_ms: Timestamp;
  status: LogStatus;
  summary: string;
  detail: Json;
  duration_ms: number | null;
}

/** One action-log entry (audit::LogEntry; `action_log`, `action_logged`). Re-published with the
 * same id at each stage and at completion. Kind-specific fields live in `detail` (provider, model,
 * tool, call_id, preview…) and `outcome.detail` (input_tokens, output_tokens, cost_usd, exit_status…). */
export interface ActionLogEntry {
  id: string;
  /** Chain position; orders entries. */
  seq: number;
  kind: LogKind;
  actor: Actor;
  conversation_id: string | null;
  summary: string;
  detail: Json;
  started_at_ms: Timestamp;
  status: LogStatus;
  stages: StageView[];
  outcome: OutcomeView | null;
}

/** `action_log` query: the newest `limit` entries (newest first), optionally before a `seq`. */
export interface LogQuery {
  limit: number;
  /** Only entries with a lower seq (paging back). */
  before?: number;
  kind?: LogKind;
  tool?: string;
  provider?: string;
}

/** `import_history` result (store::ImportReport). */
export interface ImportReport {
  imported: string[];
  skipped_existing: string[];
}

// ---------------------------------------------------------------------------------------------
// Events (channel `hearth://event`), mirroring gateway/src/events.rs

export type Event =
  | { type: "turn_started"; conversation_id: string; message_id: string; provider: string; model: string }
  | { type: "text_delta"; conversation_id: string; message_id: string; text: string }
  | { type: "reasoning_delta"; conversation_id: string; message_id: string; text: string }
  | { type: "tool_call"; conversation_id: string; message_id: string; call: Block }
  | { type: "tool_result"; conversation_id: string; message_id: string; result: Block }
  | {
      type: "usage";
      conversation_id: string;
      message_id: string;
      usage: Usage;
      cost_usd: number | null;
    }
  | { type: "fallback_used"; conversation_id: string; from: string; to: string; reason: string }
  | { type: "error"; conversation_id: string | null; message: string }
  | { type: "done"; conversation_id: string; message_id: string; status: MessageStatus }
  | { type: "approval_requested"; request: ApprovalRequest }
  | { type: "approval_resolved"; id: string; outcome: ApprovalOutcome | string }
  | { type: "action_logged"; entry: ActionLogEntry }
  | { type: "agent_paused"; paused: boolean }
  | { type: "config_reloaded"; error: string | null };

/** The type tag of an event. */
export type EventType = Event["type"];

