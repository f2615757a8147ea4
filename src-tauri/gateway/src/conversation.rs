//! The one conversation model that every part of Hearth shares.
//!
//! Provider adapters translate to and from it at the edge, the store persists it, the permission
//! gate reads tool calls from it and the UI renders it. Pure types: no I/O lives here.
//!
//! The serialised form is versioned by [`MODEL_VERSION`]; the JSON shape of [`Block`] is what the
//! store keeps in `messages.blocks` and what exports contain, so change it only with a migration.

use serde::{Deserialize, Serialize};

/// Version of the serialised conversation model (blocks, messages). Bump with a migration.
pub const MODEL_VERSION: u32 = 1;

/// Milliseconds since the Unix epoch, UTC.
pub type Timestamp = i64;

/// The current time as a [`Timestamp`].
pub fn now_ms() -> Timestamp {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.as_millis() as i64
}

/// A fresh, time-ordered identifier (UUID v7) for conversations and messages.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Instructions for the model; usually carried separately as the system prompt.
    System,
    /// The person at the keyboard (or a local API client speaking for them).
    User,
    /// The model.
    Assistant,
    /// Results of tool calls, answering the assistant message before it.
    Tool,
}

/// Provider-specific opaque data that must be sent back verbatim, and only to the provider that
/// produced it (Anthropic thinking signatures, OpenAI encrypted reasoning, Gemini thought
/// signatures). Another provider never sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Opaque {
    /// The provider *kind* that produced the data (`anthropic`, `openai`, `gemini`, ...).
    pub provider_kind: String,
    /// The configured provider id that produced it.
    pub provider_id: String,
    /// What the data is, in the provider's terms (`signature`, `redacted_thinking`,
    /// `encrypted_content`, `thought_signature`, ...).
    pub kind: String,
    /// The data itself, verbatim.
    pub data: String,
    /// The provider's own item id, when its API needs it echoed back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub item_id: Option<String>,
}

/// One piece of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Plain text (Markdown when written by a model).
    Text { text: String },
    /// The model asks to run a tool.
    ToolCall {
        /// Hearth's id for this call; adapters map it to and from each provider's id format.
        id: String,
        /// The registry name of the tool (`files.read`, `shell.run`, `server.tool`).
        name: String,
        /// The arguments as JSON (an object). Kept as received if the model produced invalid JSON
        /// (then a string), so nothing is lost.
        arguments: serde_json::Value,
        /// Provider opaque data attached to the call (e.g. a Gemini thought signature).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        opaque: Option<Opaque>,
    },
    /// The result of a tool call.
    ToolResult {
        /// The [`Block::ToolCall::id`] this answers.
        call_id: String,
        /// The result as text shown to the model.
        content: String,
        /// Whether the tool failed or was refused.
        #[serde(default)]
        is_error: bool,
    },
    /// The model's visible reasoning (thinking) and the opaque data needed to round-trip it.
    Reasoning {
        /// Human-readable reasoning text or summary (may be empty when only opaque data exists).
        #[serde(default)]
        text: String,
        /// Round-trip data, sent back only to the same provider.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        opaque: Option<Opaque>,
    },
}

impl Block {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Block::Text { text: text.into() }
    }

    /// The text this block contributes to a plain-text view (search, titles, Markdown).
    pub fn plain_text(&self) -> Option<&str> {
        match self {
            Block::Text { text } => Some(text),
            Block::Reasoning { text, .. } if !text.is_empty() => Some(text),
            Block::ToolResult { content, .. } => Some(content),
            _ => None,
        }
    }
}

/// Token counts for one model call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Usage {
    /// Input (prompt) tokens, including cached ones.
    #[serde(default)]
    pub input_tokens: u64,
    /// Output (completion) tokens, including reasoning tokens.
    #[serde(default)]
    pub output_tokens: u64,
    /// Input tokens served from the provider's cache.
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Output tokens spent on reasoning, when the provider reports them.
    #[serde(default)]
    pub reasoning_tokens: u64,
}

impl Usage {
    /// Adds another call's usage to this one.
    pub fn add(&mut self, other: &Usage) {
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cached_input_tokens += other.cached_input_tokens;
        self.reasoning_tokens += other.reasoning_tokens;
    }
}

/// Where a message stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Finished normally.
    Complete,
    /// Being written right now (an assistant answer mid-stream).
    Streaming,
    /// The process died mid-stream; the text so far is kept.
    Interrupted,
    /// The provider failed; partial content is kept.
    Error,
    /// The user stopped it; partial content is kept.
    Cancelled,
}

impl MessageStatus {
    /// The stable lower-case name used in the database and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Complete => "complete",
            MessageStatus::Streaming => "streaming",
            MessageStatus::Interrupted => "interrupted",
            MessageStatus::Error => "error",
            MessageStatus::Cancelled => "cancelled",
        }
    }
}

impl std::str::FromStr for MessageStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "complete" => MessageStatus::Complete,
            "streaming" => MessageStatus::Streaming,
            "interrupted" => MessageStatus::Interrupted,
            "error" => MessageStatus::Error,
            "cancelled" => MessageStatus::Cancelled,
            other => return Err(format!("unknown message status '{other}'")),
        })
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Message {
    /// Unique id (UUID v7).
    pub id: String,
    /// The message this one follows in the conversation tree (`None` for a root).
    #[serde(default)]
    pub parent_id: Option<String>,
    /// Who wrote it.
    pub role: Role,
    /// Its content, in order.
    pub blocks: Vec<Block>,
    /// The configured provider id that produced it (assistant messages).
    #[serde(default)]
    pub provider: Option<String>,
    /// The model that produced it (assistant messages).
    #[serde(default)]
    pub model: Option<String>,
    /// Tokens spent producing it.
    #[serde(default)]
    pub usage: Option<Usage>,
    /// Cost in US dollars, from the price table, when known.
    #[serde(default)]
    pub cost_usd: Option<f64>,
    /// Where it stands.
    pub status: MessageStatus,
    /// A short error description when `status` is `error` (already redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
}

impl Message {
    /// A new, complete message with a fresh id.
    pub fn new(role: Role, blocks: Vec<Block>) -> Self {
        Message {
            id: new_id(),
            parent_id: None,
            role,
            blocks,
            provider: None,
            model: None,
            usage: None,
            cost_usd: None,
            status: MessageStatus::Complete,
            error: None,
            created_at: now_ms(),
        }
    }

    /// A user message holding one text block.
    pub fn user(text: impl Into<String>) -> Self {
        Self::new(Role::User, vec![Block::text(text)])
    }

    /// The concatenated text blocks of this message.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            if let Block::Text { text } = block {
                out.push_str(text);
            }
        }
        out
    }

    /// The tool calls this message makes, in order.
    pub fn tool_calls(&self) -> impl Iterator<Item = (&str, &str, &serde_json::Value)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::ToolCall {
                id,
                name,
                arguments,
                ..
            } => Some((id.as_str(), name.as_str(), arguments)),
            _ => None,
        })
    }
}

/// A conversation's metadata; its messages live in the store as a tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conversation {
    /// Unique id (UUID v7).
    pub id: String,
    /// Title, set by the user or derived from the first exchange.
    pub title: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When a message was last added or it was last changed.
    pub updated_at: Timestamp,
    /// Shown first in lists.
    #[serde(default)]
    pub pinned: bool,
    /// Hidden from the default list.
    #[serde(default)]
    pub archived: bool,
    /// The id of the message at the tip of the branch being shown.
    #[serde(default)]
    pub current_leaf: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_serialise_with_a_type_tag() {
        let block = Block::ToolCall {
            id: "c1".into(),
            name: "files.read".into(),
            arguments: serde_json::json!({"path": "a.txt"}),
            opaque: None,
        };
        let json = serde_json::to_value(&block).unwrap();
        assert_eq!(json["type"], "tool_call");
        assert_eq!(json["arguments"]["path"], "a.txt");
        assert!(json.get("opaque").is_none());
        let back: Block = serde_json::from_value(json).unwrap();
        assert_eq!(back, block);
    }

    #[test]
    fn message_round_trips_through_json() {
        let mut msg = Message::new(
            Role::Assistant,
            vec![
                Block::Reasoning {
                    text: "thinking".into(),
                    opaque: Some(Opaque {
                        provider_kind: "anthropic".into(),
                        provider_id: "claude".into(),
                        kind: "signature".into(),
                        data: "sig".into(),
                        item_id: None,
                    }),
                },
                Block::text("hello"),
            ],
        );
        msg.usage = Some(Usage {
            input_tokens: 3,
            output_tokens: 4,
            ..Default::default()
        });
        let json = serde_json::to_string(&msg).unwrap();
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, msg);
        assert_eq!(back.text(), "hello");
    }

    #[test]
    fn status_names_are_stable() {
        for status in [
            MessageStatus::Complete,
            MessageStatus::Streaming,
            MessageStatus::Interrupted,
            MessageStatus::Error,
            MessageStatus::Cancelled,
        ] {
            assert_eq!(status.as_str().parse::<MessageStatus>().unwrap(), status);
        }
        assert!("bogus".parse::<MessageStatus>().is_err());
    }
}
