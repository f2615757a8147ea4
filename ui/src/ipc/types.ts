// The wire types of the UI ↔ core contract (ui/IPC.md).
//
// Every type of a Rust value that crosses the boundary is GENERATED from the Rust types by ts-rs
// into ./bindings.ts (`UPDATE_BINDINGS=1 cargo test -p hearth --bin hearth bindings`; the same
// test without the variable fails when bindings.ts is stale) — including each command's argument
// struct and the `Commands` map. This file re-exports them and adds a few aliases derived from
// them (nothing here restates a wire shape by hand).

import type { ActionLogArgs, ActionLogEntry, AddProviderArgs, Block, EntryKind, EntryStatus, Event, JsonValue, RuleList } from "./bindings";

// Every generated type: the wire types, each command's `<Command>Args` and the `Commands` map.
export type * from "./bindings";

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

/** `T` with its nullable fields optional (left out = `null`): the friendly form of a generated
 * argument struct, for the wrappers in commands.ts (which send the `null`s). */
export type NullableOptional<T> = {
  [K in keyof T as null extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as null extends T[K] ? K : never]?: T[K];
};

/** `add_provider` arguments (also used to edit: same id replaces); `base_url` may be left out. */
export type ProviderSpec = NullableOptional<AddProviderArgs>;

/** `action_log` arguments: the newest `limit` entries (newest first), optionally before a `seq`;
 * the filters may be left out. */
export type LogQuery = NullableOptional<ActionLogArgs>;

/** `approval_resolved.outcome` values (policy::Resolution::outcome). */
export type ApprovalOutcome = "allowed_once" | "always_allowed" | "denied" | "timed_out" | "paused";

/** The type tag of an event. */
export type EventType = Event["type"];
