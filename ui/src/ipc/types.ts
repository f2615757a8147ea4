// The wire types of the UI ↔ core contract (ui/IPC.md).
//
// Every type of a Rust value that crosses the boundary is GENERATED from the Rust types by ts-rs
// into ./bindings.ts (`UPDATE_BINDINGS=1 cargo test -p hearth --bin hearth bindings`; the same
// test without the variable fails when bindings.ts is stale). This file re-exports them and adds
// the few shapes that exist only on this side: command argument objects, narrowed aliases.

import type {
  ActionLogEntry,
  Block,
  EntryKind,
  EntryStatus,
  Event,
  JsonValue,
  ListScope,
  ProviderKind,
  RuleList,
} from "./bindings";

export type {
  ActionLogEntry,
  Actor,
  AppInfo,
  Appearance,
  ApprovalAnswer,
  ApprovalRequest,
  Block,
  CommandName,
  ContextFile,
  Conversation,
  ConversationEntry,
  ConversationView,
  Decision,
  ErrorKind,
  Event,
  ExportFormat,
  ExportResult,
  ImportReport,
  IpcError,
  McpImportItem,
  McpImportPreview,
  PersonalPatch,
  PersonalSettings,
  SmtpSettings,
  ServerState,
  ServerStatus,
  ToolSummary,
  TransportKind,
  KeySource,
  KeyStatus,
  ListScope,
  LocalApi,
  Message,
  MessageStatus,
  ModelInfo,
  ModelRef,
  Opaque,
  OpenConversation,
  OutcomeView,
  ProviderInfo,
  ProviderKind,
  ProviderTestResult,
  Risk,
  Role,
  SearchHit,
  SearchQuery,
  Settings,
  SettingsPatch,
  SnippetPart,
  StageView,
  TaintSource,
  ToolInfo,
  ToolRule,
  TurnHandle,
  Usage,
} from "./bindings";

/** Milliseconds since the Unix epoch, UTC. */
export type Timestamp = number;

/** Arbitrary JSON (serde_json::Value). */
export type Json = JsonValue;

/** The kinds of message block, one by one. */
export type TextBlock = Extract<Block, { type: "text" }>;
export type ToolCallBlock = Extract<Block, { type: "tool_call" }>;
export type ToolResultBlock = Extract<Block, { type: "tool_result" }>;
export type ReasoningBlock = Extract<Block, { type: "reasoning" }>;

/** Action-log entry kinds (audit::EntryKind). */
export type LogKind = EntryKind;
/** How an action ended (audit::EntryStatus). */
export type LogStatus = EntryStatus;
/** A rule's effect (policy::RuleList). */
export type RuleEffect = RuleList;
/** The action-log entry carried by `action_logged`. */
export type LogEntry = ActionLogEntry;

/** `list_conversations` query (store::ListQuery; every field has a default on the Rust side). */
export interface ListQuery {
  scope?: ListScope;
  pinned_first?: boolean;
  limit?: number;
  offset?: number;
}

/** `add_provider` arguments (also used to edit: same id replaces). */
export interface ProviderSpec {
  id: string;
  kind: ProviderKind;
  base_url?: string;
  models: string[];
}

/** `action_log` arguments: the newest `limit` entries (newest first), optionally before a `seq`. */
export interface LogQuery {
  limit: number;
  /** Only entries with a lower seq (paging back). */
  before?: number;
  kind?: LogKind;
  tool?: string;
  provider?: string;
}

/** `approval_resolved.outcome` values (policy::Resolution::outcome). */
export type ApprovalOutcome = "allowed_once" | "always_allowed" | "denied" | "timed_out" | "paused";

/** The type tag of an event. */
export type EventType = Event["type"];
