// GENERATED from the Rust types in src-tauri/src/desktop by ts-rs — do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p hearth --bin hearth bindings
// (`cargo test -p hearth --bin hearth bindings` fails when this file is stale.)
import type { ProviderKind } from "./types";

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

/** Every command the core registers (ui/IPC.md). */
export const COMMAND_NAMES = [
  "app_info",
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
  "pending_approvals",
  "answer_approval",
  "action_log",
  "get_settings",
  "set_settings",
  "export_history",
  "import_history",
  "hide_quick_ask",
  "open_in_main",
  "open_external",
] as const;

/** A command name. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The channel every core event arrives on. */
export const EVENT_CHANNEL = "hearth://event";
/** The channel the core asks the main window to show a conversation on. */
export const OPEN_CONVERSATION_CHANNEL = "hearth://open-conversation";
