//! Portability helpers shared by every adapter, so that any conversation continues on any
//! provider:
//! - tool names: Hearth's registry names contain dots (`files.read`); the wire allows only
//!   `[a-zA-Z0-9_-]{1,64}`, so `.` becomes `__` on the way out and is mapped back through the
//!   request's tool list on the way in ([`ToolNames`]);
//! - call ids: another provider's ids are mapped to `[a-zA-Z0-9_-]{1,64}` ([`wire_call_id`]),
//!   the same way for a call and its result;
//! - history clean-up ([`prepare`]): reasoning produced by another provider (or without round-trip
//!   data) is dropped, foreign opaque data is stripped from tool calls, empty blocks and
//!   messages are removed, every tool call gets a result, and orphan or duplicate results are
//!   dropped;
//! - role runs merged where an API requires alternation ([`merge_runs`]).

use super::ToolSpec;
use crate::conversation::{Block, Message, Opaque, Role};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// The longest tool name or call id the strictest API accepts.
const MAX_WIRE_LEN: usize = 64;

/// What a tool result says when the conversation holds a call without one (an interrupted turn).
pub(crate) const MISSING_RESULT: &str = "No result: the tool call was interrupted.";

/// Maps registry tool names to wire names and back, for one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct ToolNames {
    to_wire: HashMap<String, String>,
    from_wire: HashMap<String, String>,
}

impl ToolNames {
    /// The mapping for the tools offered in a request (collisions get a numeric suffix).
    pub fn new(tools: &[ToolSpec]) -> Self {
        let mut names = ToolNames::default();
        for tool in tools {
            if names.to_wire.contains_key(&tool.name) {
                continue;
            }
            let base = encode_name(&tool.name);
            let mut wire = base.clone();
            let mut n = 2;
            while names.from_wire.contains_key(&wire) {
                let suffix = format!("_{n}");
                let keep = base.len().min(MAX_WIRE_LEN - suffix.len());
                wire = format!("{}{suffix}", &base[..keep]);
                n += 1;
            }
            names.to_wire.insert(tool.name.clone(), wire.clone());
            names.from_wire.insert(wire, tool.name.clone());
        }
        names
    }

    /// The wire name for a registry name (tools not offered are encoded the same way).
    pub fn wire(&self, name: &str) -> String {
        self.to_wire
            .get(name)
            .cloned()
            .unwrap_or_else(|| encode_name(name))
    }

    /// The registry name for a wire name the model used.
    pub fn hearth(&self, wire: &str) -> String {
        self.from_wire
            .get(wire)
            .cloned()
            .unwrap_or_else(|| wire.replace("__", "."))
    }
}

/// `files.read` → `files__read`; other disallowed characters → `_`; long names cut + hashed.
fn encode_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        match c {
            '.' => out.push_str("__"),
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => out.push(c),
            _ => out.push('_'),
        }
    }
    if out.is_empty() {
        out.push_str("tool");
    }
    fit(out, name)
}

/// A call id the strictest API accepts (`^[a-zA-Z0-9_-]{1,64}$`). Ids that already fit are
/// kept; others are cleaned and suffixed with a hash of the original so distinct ids stay
/// distinct. Deterministic, so a call and its result map to the same id.
pub(crate) fn wire_call_id(id: &str) -> String {
    let fits = !id.is_empty()
        && id.len() <= MAX_WIRE_LEN
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if fits {
        return id.to_string();
    }
    let cleaned: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = short_hash(id);
    let keep = cleaned.len().min(MAX_WIRE_LEN - hash.len() - 1);
    format!("{}_{hash}", &cleaned[..keep])
}

/// Cuts `wire` to [`MAX_WIRE_LEN`], keeping it unique with a hash of `original`.
fn fit(wire: String, original: &str) -> String {
    if wire.len() <= MAX_WIRE_LEN {
        return wire;
    }
    let hash = short_hash(original);
    format!("{}_{hash}", &wire[..MAX_WIRE_LEN - hash.len() - 1])
}

fn short_hash(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..4])
}

/// Whether `opaque` was produced by this very provider (kind and configured id), and so may be
/// sent back to it.
pub(crate) fn is_own(opaque: &Opaque, kind: &str, provider_id: &str) -> bool {
    opaque.provider_kind == kind && opaque.provider_id == provider_id
}

/// The conversation cleaned for one provider: see the module docs. System-role messages are
/// appended to the system prompt, which is returned alongside.
pub(crate) fn prepare(
    system: Option<&str>,
    messages: &[Message],
    kind: &str,
    provider_id: &str,
) -> (Option<String>, Vec<Message>) {
    let mut system_parts: Vec<String> = system
        .filter(|s| !s.trim().is_empty())
        .map(|s| vec![s.to_string()])
        .unwrap_or_default();
    let mut out: Vec<Message> = Vec::with_capacity(messages.len());
    // Calls of the last assistant message still waiting for a result.
    let mut open_calls: Vec<String> = Vec::new();
    let mut known_calls: HashSet<String> = HashSet::new();
    let mut answered: HashSet<String> = HashSet::new();
    for message in messages {
        if message.role == Role::System {
            let text = message.text();
            if !text.trim().is_empty() {
                system_parts.push(text);
            }
            continue;
        }
        if message.role == Role::Assistant {
            close_open_calls(&mut out, &mut open_calls);
        }
        let mut blocks = Vec::with_capacity(message.blocks.len());
        for block in &message.blocks {
            match block {
                Block::Text { text } if text.is_empty() => {}
                Block::Reasoning { opaque, .. } => {
                    if opaque
                        .as_ref()
                        .is_some_and(|o| is_own(o, kind, provider_id))
                    {
                        blocks.push(block.clone());
                    }
                }
                Block::ToolCall {
                    id,
                    name,
                    arguments,
                    opaque,
                } => {
                    known_calls.insert(id.clone());
                    open_calls.push(id.clone());
                    blocks.push(Block::ToolCall {
                        id: id.clone(),
                        name: name.clone(),
                        arguments: arguments.clone(),
                        opaque: opaque.clone().filter(|o| is_own(o, kind, provider_id)),
                    });
                }
                Block::ToolResult { call_id, .. } => {
                    // A result answers a call made earlier, once.
                    if known_calls.contains(call_id) && answered.insert(call_id.clone()) {
                        open_calls.retain(|c| c != call_id);
                        blocks.push(block.clone());
                    }
                }
                other => blocks.push(other.clone()),
            }
        }
        if message.role == Role::User {
            close_open_calls(&mut out, &mut open_calls);
        }
        if blocks.is_empty() {
            continue;
        }
        let mut cleaned = message.clone();
        cleaned.blocks = blocks;
        out.push(cleaned);
    }
    close_open_calls(&mut out, &mut open_calls);
    let system = (!system_parts.is_empty()).then(|| system_parts.join("\n\n"));
    (system, out)
}

/// Adds an error result for every call still waiting for one.
fn close_open_calls(out: &mut Vec<Message>, open_calls: &mut Vec<String>) {
    if open_calls.is_empty() {
        return;
    }
    let results = open_calls
        .drain(..)
        .map(|call_id| Block::ToolResult {
            call_id,
            content: MISSING_RESULT.into(),
            is_error: true,
        })
        .collect();
    out.push(Message::new(Role::Tool, results));
}

/// Merges consecutive messages whose `wire_role` is the same (e.g. tool results and user text
/// both become one Anthropic `user` message). Blocks keep their order.
pub(crate) fn merge_runs<R: PartialEq + Copy>(
    messages: Vec<Message>,
    wire_role: impl Fn(Role) -> R,
) -> Vec<(R, Vec<Block>)> {
    let mut out: Vec<(R, Vec<Block>)> = Vec::with_capacity(messages.len());
    for message in messages {
        let role = wire_role(message.role);
        match out.last_mut() {
            Some((last, blocks)) if *last == role => blocks.extend(message.blocks),
            _ => out.push((role, message.blocks)),
        }
    }
    out
}

/// The tool name of each call id in the conversation (Gemini answers results by name).
pub(crate) fn call_names(messages: &[Message]) -> HashMap<String, String> {
    messages
        .iter()
        .flat_map(|m| m.tool_calls())
        .map(|(id, name, _)| (id.to_string(), name.to_string()))
        .collect()
}

/// A tool call's arguments as a JSON object: anything else (a string kept from invalid JSON)
/// is wrapped as `{"arguments": value}`, since the APIs require objects.
pub(crate) fn arguments_object(arguments: &serde_json::Value) -> serde_json::Value {
    if arguments.is_object() {
        arguments.clone()
    } else {
        let mut map = serde_json::Map::new();
        map.insert("arguments".into(), arguments.clone());
        serde_json::Value::Object(map)
    }
}

/// A tool's parameter schema as the APIs require it: a JSON Schema object. A tool declaring
/// none (or something that is not an object) gets `{"type": "object", "properties": {}}`.
pub(crate) fn parameters_schema(parameters: &serde_json::Value) -> serde_json::Value {
    if parameters.is_object() {
        return parameters.clone();
    }
    let mut schema = serde_json::Map::new();
    schema.insert("type".into(), "object".into());
    schema.insert(
        "properties".into(),
        serde_json::Value::Object(serde_json::Map::new()),
    );
    serde_json::Value::Object(schema)
}

/// Parses accumulated argument JSON: an object (empty text → `{}`), or the text kept as a
/// JSON string when it is not valid JSON, so nothing is lost.
pub(crate) fn parse_arguments(text: &str) -> serde_json::Value {
    if text.trim().is_empty() {
        return serde_json::Value::Object(serde_json::Map::new());
    }
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str) -> ToolSpec {
        ToolSpec {
            name: name.into(),
            description: String::new(),
            parameters: serde_json::Value::Null,
        }
    }

    #[test]
    fn tool_names_map_dots_and_back() {
        let names = ToolNames::new(&[tool("files.read"), tool("shell.run"), tool("files__read")]);
        assert_eq!(names.wire("files.read"), "files__read");
        assert_eq!(names.hearth("files__read"), "files.read");
        let other = names.wire("files__read");
        assert_ne!(other, "files__read");
        assert_eq!(names.hearth(&other), "files__read");
        assert_eq!(names.hearth("unknown__tool"), "unknown.tool");
        let long = "a.".repeat(60);
        let wire = names.wire(&long);
        assert!(wire.len() <= 64);
        assert!(wire
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    }

    #[test]
    fn call_ids_are_cleaned_deterministically_and_stay_distinct() {
        assert_eq!(wire_call_id("toolu_01AbC"), "toolu_01AbC");
        let a = wire_call_id("call:1/x");
        let b = wire_call_id("call:1.x");
        assert_ne!(a, b);
        assert_eq!(a, wire_call_id("call:1/x"));
        assert!(a.starts_with("call_1_x_"));
        let long = wire_call_id(&"x".repeat(100));
        assert_eq!(long.len(), 64);
        assert!(!wire_call_id("").is_empty());
    }

    fn opaque(kind: &str, id: &str) -> Opaque {
        Opaque {
            provider_kind: kind.into(),
            provider_id: id.into(),
            kind: "signature".into(),
            data: "sig".into(),
            item_id: None,
        }
    }

    #[test]
    fn prepare_drops_foreign_reasoning_orphans_and_duplicates() {
        let messages = vec![
            Message::new(Role::System, vec![Block::text("be brief")]),
            Message::user("hi"),
            Message::new(
                Role::Assistant,
                vec![
                    Block::Reasoning {
                        text: "mine".into(),
                        opaque: Some(opaque("anthropic", "claude")),
                    },
                    Block::Reasoning {
                        text: "theirs".into(),
                        opaque: Some(opaque("openai", "gpt")),
                    },
                    Block::text(""),
                    Block::ToolCall {
                        id: "c1".into(),
                        name: "files.read".into(),
                        arguments: serde_json::json!({}),
                        opaque: Some(opaque("gemini", "g")),
                    },
                ],
            ),
            Message::new(
                Role::Tool,
                vec![Block::ToolResult {
                    call_id: "orphan".into(),
                    content: "x".into(),
                    is_error: false,
                }],
            ),
            Message::new(
                Role::Tool,
                vec![
                    Block::ToolResult {
                        call_id: "c1".into(),
                        content: "late".into(),
                        is_error: false,
                    },
                    Block::ToolResult {
                        call_id: "c1".into(),
                        content: "twice".into(),
                        is_error: false,
                    },
                ],
            ),
            Message::user("next"),
        ];
        let (system, out) = prepare(Some("sys"), &messages, "anthropic", "claude");
        assert_eq!(system.as_deref(), Some("sys\n\nbe brief"));
        assert_eq!(out.len(), 4);
        assert_eq!(out[1].blocks.len(), 2);
        assert!(matches!(&out[1].blocks[0], Block::Reasoning { text, .. } if text == "mine"));
        assert!(matches!(
            &out[1].blocks[1],
            Block::ToolCall { opaque: None, .. }
        ));
        assert_eq!(out[2].role, Role::Tool);
        assert_eq!(out[2].blocks.len(), 1, "the duplicate result is dropped");
        assert!(matches!(
            &out[2].blocks[0],
            Block::ToolResult { call_id, content, .. } if call_id == "c1" && content == "late"
        ));
        assert_eq!(out[3].text(), "next");
    }

    #[test]
    fn a_call_left_without_result_gets_an_error_result_before_the_next_user_turn() {
        let messages = vec![
            Message::new(
                Role::Assistant,
                vec![Block::ToolCall {
                    id: "c9".into(),
                    name: "shell.run".into(),
                    arguments: serde_json::json!({}),
                    opaque: None,
                }],
            ),
            Message::user("stop"),
        ];
        let (_, out) = prepare(None, &messages, "openai", "gpt");
        assert_eq!(out.len(), 3);
        assert_eq!(out[1].role, Role::Tool);
        assert!(matches!(
            &out[1].blocks[0],
            Block::ToolResult { call_id, is_error: true, content }
                if call_id == "c9" && content == MISSING_RESULT
        ));
        assert_eq!(out[2].text(), "stop");
    }

    #[test]
    fn merge_runs_joins_same_wire_roles() {
        let messages = vec![
            Message::new(
                Role::Tool,
                vec![Block::ToolResult {
                    call_id: "c".into(),
                    content: "r".into(),
                    is_error: false,
                }],
            ),
            Message::user("a"),
            Message::user("b"),
            Message::new(Role::Assistant, vec![Block::text("c")]),
        ];
        let merged = merge_runs(messages, |r| r == Role::Assistant);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].1.len(), 3);
    }

    #[test]
    fn schemas_are_objects() {
        let given = serde_json::json!({"type": "object", "required": ["a"]});
        assert_eq!(parameters_schema(&given), given);
        assert_eq!(
            parameters_schema(&serde_json::Value::Null),
            serde_json::json!({"type": "object", "properties": {}})
        );
    }

    #[test]
    fn arguments_are_objects() {
        assert_eq!(parse_arguments(""), serde_json::json!({}));
        assert_eq!(parse_arguments("{\"a\":1}"), serde_json::json!({"a": 1}));
        assert_eq!(parse_arguments("{oops"), serde_json::json!("{oops"));
        assert_eq!(
            arguments_object(&serde_json::json!("{oops")),
            serde_json::json!({"arguments": "{oops"})
        );
    }
}
