//! `POST /v1/messages` (Anthropic Messages): the request is translated into the shared
//! [`ChatRequest`] (`system` → system prompt, `tool_use` / `tool_result` blocks → tool call and
//! result blocks, tools → [`ToolSpec`]s) and the answer back into a `message` object or the
//! Messages SSE events (`message_start`, `content_block_*`, `message_delta`, `message_stop`).

use super::auth::Authenticated;
use super::body_limit::ApiBody;
use super::error::{ApiError, ApiFormat, ErrorKind};
use super::proxy::{self, Collected, Frame, Translate};
use super::request_log::RequestLog;
use super::routing;
use super::state::ServerState;
use crate::conversation::{Block, Message, Role};
use crate::providers::{ChatRequest, StopReason, StreamEvent, ToolSpec};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

const FORMAT: ApiFormat = ApiFormat::Anthropic;

/// The request body (the fields Hearth uses).
#[derive(Debug, Deserialize)]
pub struct MessagesRequest {
    /// `PROVIDER_ID/MODEL`, an alias, or a model name.
    pub model: String,
    /// Output token limit (required by the API).
    pub max_tokens: u32,
    /// System prompt: text or text blocks.
    #[serde(default)]
    pub system: Option<TextOrBlocks>,
    /// The conversation.
    pub messages: Vec<InMessage>,
    /// Tools.
    #[serde(default)]
    pub tools: Vec<InTool>,
    /// Stream the answer.
    #[serde(default)]
    pub stream: bool,
    /// Sampling temperature.
    #[serde(default)]
    pub temperature: Option<f32>,
}

/// Text or an array of content blocks.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TextOrBlocks {
    /// Plain text.
    Text(String),
    /// Blocks.
    Blocks(Vec<InBlock>),
}

/// A message of the request.
#[derive(Debug, Deserialize)]
pub struct InMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// Its content.
    pub content: TextOrBlocks,
}

/// A content block of the request.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InBlock {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// A tool call the model made earlier.
    ToolUse {
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
        /// Arguments.
        input: serde_json::Value,
    },
    /// A tool result from the client.
    ToolResult {
        /// The call answered.
        tool_use_id: String,
        /// Text or text blocks.
        #[serde(default)]
        content: Option<TextOrBlocks>,
        /// Whether the tool failed.
        #[serde(default)]
        is_error: bool,
    },
    /// Thinking from an earlier answer (dropped: it is only valid for the provider that made it).
    Thinking {},
    /// Redacted thinking (dropped likewise).
    RedactedThinking {},
    /// Anything else (images, documents): refused.
    #[serde(other)]
    Unsupported,
}

/// A tool offered to the model.
#[derive(Debug, Deserialize)]
pub struct InTool {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// JSON Schema of the input.
    #[serde(default)]
    pub input_schema: Option<serde_json::Value>,
}

fn flat_text(content: &TextOrBlocks) -> Result<String, ApiError> {
    match content {
        TextOrBlocks::Text(text) => Ok(text.clone()),
        TextOrBlocks::Blocks(blocks) => {
            let mut out = Vec::new();
            for block in blocks {
                match block {
                    InBlock::Text { text } => out.push(text.as_str()),
                    _ => return Err(unsupported()),
                }
            }
            Ok(out.join("\n"))
        }
    }
}

fn unsupported() -> ApiError {
    ApiError::new(
        ErrorKind::InvalidRequest,
        FORMAT,
        "only text, tool_use and tool_result content blocks are supported",
    )
}

/// The shared request for a Messages body.
pub fn to_chat_request(body: &MessagesRequest) -> Result<ChatRequest, ApiError> {
    let system = body.system.as_ref().map(flat_text).transpose()?;
    let mut messages = Vec::new();
    for message in &body.messages {
        let role = match message.role.as_str() {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            other => {
                return Err(ApiError::new(
                    ErrorKind::InvalidRequest,
                    FORMAT,
                    format!("unknown message role '{other}'"),
                ))
            }
        };
        let blocks = match &message.content {
            TextOrBlocks::Text(text) => vec![InBlock::Text { text: text.clone() }],
            TextOrBlocks::Blocks(_) => Vec::new(),
        };
        let in_blocks: Vec<&InBlock> = match &message.content {
            TextOrBlocks::Text(_) => blocks.iter().collect(),
            TextOrBlocks::Blocks(b) => b.iter().collect(),
        };
        // Tool results travel in user messages; in the shared model they are a tool message
        // before the user's own text.
        let mut results = Vec::new();
        let mut own = Vec::new();
        for block in in_blocks {
            match block {
                InBlock::Text { text } => own.push(Block::text(text.clone())),
                InBlock::ToolUse { id, name, input } => own.push(Block::ToolCall {
                    id: id.clone(),
                    name: name.clone(),
                    arguments: input.clone(),
                    opaque: None,
                }),
                InBlock::ToolResult {
                    tool_use_id,
                    content,
                    is_error,
                } => results.push(Block::ToolResult {
                    call_id: tool_use_id.clone(),
                    content: content
                        .as_ref()
                        .map(flat_text)
                        .transpose()?
                        .unwrap_or_default(),
                    is_error: *is_error,
                }),
                InBlock::Thinking {} | InBlock::RedactedThinking {} => {}
                InBlock::Unsupported => return Err(unsupported()),
            }
        }
        if !results.is_empty() {
            messages.push(Message::new(Role::Tool, results));
        }
        if !own.is_empty() {
            messages.push(Message::new(role, own));
        }
    }
    Ok(ChatRequest {
        model: body.model.clone(),
        system,
        messages,
        tools: body
            .tools
            .iter()
            .map(|t| ToolSpec {
                name: t.name.clone(),
                description: t.description.clone().unwrap_or_default(),
                parameters: t
                    .input_schema
                    .clone()
                    .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}})),
            })
            .collect(),
        max_tokens: Some(body.max_tokens),
        temperature: body.temperature,
    })
}

/// Anthropic's `stop_reason`.
pub fn stop_reason(stop: StopReason) -> &'static str {
    match stop {
        StopReason::EndTurn | StopReason::Other => "end_turn",
        StopReason::ToolUse => "tool_use",
        StopReason::MaxTokens => "max_tokens",
        StopReason::Refusal => "refusal",
    }
}

/// The `message` object.
#[derive(Debug, Serialize)]
pub struct MessageOut {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    role: &'static str,
    model: String,
    content: Vec<OutBlock>,
    stop_reason: Option<&'static str>,
    stop_sequence: Option<String>,
    usage: UsageOut,
}

/// A content block of the answer.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum OutBlock {
    Text {
        text: String,
    },
    ToolUse {
        id: String,
        name: String,
        input: serde_json::Value,
    },
}

#[derive(Debug, Clone, Copy, Serialize)]
struct UsageOut {
    input_tokens: u64,
    output_tokens: u64,
}

fn tool_input(arguments: &serde_json::Value) -> serde_json::Value {
    match arguments {
        serde_json::Value::Object(_) => arguments.clone(),
        other => serde_json::json!({ "value": other }),
    }
}

/// The `message` object for a collected answer.
pub fn message(model: String, answer: &Collected) -> MessageOut {
    let mut content = Vec::new();
    if !answer.text.is_empty() {
        content.push(OutBlock::Text {
            text: answer.text.clone(),
        });
    }
    for (id, name, arguments) in &answer.tool_calls {
        content.push(OutBlock::ToolUse {
            id: id.clone(),
            name: name.clone(),
            input: tool_input(arguments),
        });
    }
    MessageOut {
        id: new_message_id(),
        kind: "message",
        role: "assistant",
        model,
        content,
        stop_reason: Some(stop_reason(answer.stop_reason())),
        stop_sequence: None,
        usage: UsageOut {
            input_tokens: answer.usage.input_tokens,
            output_tokens: answer.usage.output_tokens,
        },
    }
}

fn new_message_id() -> String {
    format!("msg_{}", uuid::Uuid::now_v7().simple())
}

#[derive(Serialize)]
struct MessageStart {
    #[serde(rename = "type")]
    kind: &'static str,
    message: MessageOut,
}

#[derive(Serialize)]
struct BlockStart {
    #[serde(rename = "type")]
    kind: &'static str,
    index: usize,
    content_block: serde_json::Value,
}

#[derive(Serialize)]
struct BlockDelta {
    #[serde(rename = "type")]
    kind: &'static str,
    index: usize,
    delta: serde_json::Value,
}

#[derive(Serialize)]
struct BlockStop {
    #[serde(rename = "type")]
    kind: &'static str,
    index: usize,
}

#[derive(Serialize)]
struct MessageDelta {
    #[serde(rename = "type")]
    kind: &'static str,
    delta: StopDelta,
    usage: UsageOut,
}

#[derive(Serialize)]
struct StopDelta {
    stop_reason: &'static str,
    stop_sequence: Option<String>,
}

#[derive(Serialize)]
struct TypeOnly {
    #[serde(rename = "type")]
    kind: &'static str,
}

/// Stream events → Messages SSE events.
pub struct EventWriter {
    model: String,
    /// Index of the next block.
    next_index: usize,
    /// The open text block, if any.
    open_text: Option<usize>,
}

impl EventWriter {
    /// A writer for one answer.
    pub fn new(model: String) -> Self {
        EventWriter {
            model,
            next_index: 0,
            open_text: None,
        }
    }

    fn close_text(&mut self, frames: &mut Vec<Frame>) {
        if let Some(index) = self.open_text.take() {
            frames.push(Frame::named(
                "content_block_stop",
                &BlockStop {
                    kind: "content_block_stop",
                    index,
                },
            ));
        }
    }
}

impl Translate for EventWriter {
    fn start(&mut self) -> Vec<Frame> {
        let mut message = message(self.model.clone(), &Collected::default());
        message.stop_reason = None;
        vec![Frame::named(
            "message_start",
            &MessageStart {
                kind: "message_start",
                message,
            },
        )]
    }

    fn event(&mut self, event: &StreamEvent) -> Vec<Frame> {
        let mut frames = Vec::new();
        match event {
            StreamEvent::TextDelta(text) if !text.is_empty() => {
                let index = match self.open_text {
                    Some(index) => index,
                    None => {
                        let index = self.next_index;
                        self.next_index += 1;
                        self.open_text = Some(index);
                        frames.push(Frame::named(
                            "content_block_start",
                            &BlockStart {
                                kind: "content_block_start",
                                index,
                                content_block: serde_json::json!({"type": "text", "text": ""}),
                            },
                        ));
                        index
                    }
                };
                frames.push(Frame::named(
                    "content_block_delta",
                    &BlockDelta {
                        kind: "content_block_delta",
                        index,
                        delta: serde_json::json!({"type": "text_delta", "text": text}),
                    },
                ));
            }
            StreamEvent::ToolCall {
                id,
                name,
                arguments,
                ..
            } => {
                self.close_text(&mut frames);
                let index = self.next_index;
                self.next_index += 1;
                frames.push(Frame::named(
                    "content_block_start",
                    &BlockStart {
                        kind: "content_block_start",
                        index,
                        content_block: serde_json::json!({"type": "tool_use", "id": id, "name": name, "input": {}}),
                    },
                ));
                frames.push(Frame::named(
                    "content_block_delta",
                    &BlockDelta {
                        kind: "content_block_delta",
                        index,
                        delta: serde_json::json!({"type": "input_json_delta", "partial_json": tool_input(arguments).to_string()}),
                    },
                ));
                frames.push(Frame::named(
                    "content_block_stop",
                    &BlockStop {
                        kind: "content_block_stop",
                        index,
                    },
                ));
            }
            _ => {}
        }
        frames
    }

    fn finish(&mut self, answer: &Collected) -> Vec<Frame> {
        let mut frames = Vec::new();
        self.close_text(&mut frames);
        frames.push(Frame::named(
            "message_delta",
            &MessageDelta {
                kind: "message_delta",
                delta: StopDelta {
                    stop_reason: stop_reason(answer.stop_reason()),
                    stop_sequence: None,
                },
                usage: UsageOut {
                    input_tokens: answer.usage.input_tokens,
                    output_tokens: answer.usage.output_tokens,
                },
            },
        ));
        frames.push(Frame::named(
            "message_stop",
            &TypeOnly {
                kind: "message_stop",
            },
        ));
        frames
    }

    fn error(&mut self, error: &ApiError) -> Vec<Frame> {
        vec![Frame {
            event: Some("error"),
            data: error.body_json(),
        }]
    }
}

/// Handler for `POST /v1/messages`.
pub async fn messages(
    State(state): State<ServerState>,
    Extension(log): Extension<RequestLog>,
    Authenticated(client): Authenticated,
    ApiBody(body): ApiBody<MessagesRequest>,
) -> Result<Response, ApiError> {
    let model = routing::route(&state.gateway.config(), &client, &body.model, FORMAT)?;
    let request = to_chat_request(&body)?;
    let call = proxy::open(&state, &log, &client, model, request, body.stream, FORMAT).await?;
    if body.stream {
        return Ok(proxy::sse(call, EventWriter::new(body.model.clone())));
    }
    let answer = call.collect().await?;
    Ok(Json(message(body.model, &answer)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_results_become_a_tool_message_before_the_user_text() {
        let body: MessagesRequest = serde_json::from_value(serde_json::json!({
            "model": "anth/x", "max_tokens": 100,
            "system": [{"type": "text", "text": "be brief"}],
            "messages": [
                {"role": "user", "content": "weather?"},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "hm", "signature": "s"},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Oslo"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "rain"}]},
                    {"type": "text", "text": "and tomorrow?"}
                ]}
            ],
            "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}]
        }))
        .unwrap();
        let chat = to_chat_request(&body).unwrap();
        assert_eq!(chat.system.as_deref(), Some("be brief"));
        let roles: Vec<Role> = chat.messages.iter().map(|m| m.role).collect();
        assert_eq!(roles, [Role::User, Role::Assistant, Role::Tool, Role::User]);
        assert_eq!(chat.messages[1].blocks.len(), 1, "thinking is dropped");
        assert!(
            matches!(&chat.messages[2].blocks[0], Block::ToolResult { content, .. } if content == "rain")
        );
        assert_eq!(chat.max_tokens, Some(100));
        assert_eq!(chat.tools[0].name, "get_weather");
    }

    #[test]
    fn images_are_refused() {
        let body: MessagesRequest = serde_json::from_value(serde_json::json!({
            "model": "m", "max_tokens": 1,
            "messages": [{"role": "user", "content": [{"type": "image", "source": {}}]}]
        }))
        .unwrap();
        assert_eq!(to_chat_request(&body).unwrap_err().status.as_u16(), 400);
    }

    #[test]
    fn events_follow_the_messages_stream_shape() {
        let mut writer = EventWriter::new("m".into());
        let mut names: Vec<&str> = writer.start().iter().filter_map(|f| f.event).collect();
        for event in [
            StreamEvent::TextDelta("a".into()),
            StreamEvent::TextDelta("b".into()),
            StreamEvent::ToolCall {
                id: "t1".into(),
                name: "f".into(),
                arguments: serde_json::json!({"x": 1}),
                opaque: None,
            },
        ] {
            names.extend(writer.event(&event).iter().filter_map(|f| f.event));
        }
        let mut answer = Collected::default();
        answer.apply(&StreamEvent::Done(StopReason::ToolUse));
        let end = writer.finish(&answer);
        names.extend(end.iter().filter_map(|f| f.event));
        assert_eq!(
            names,
            [
                "message_start",
                "content_block_start",
                "content_block_delta",
                "content_block_delta",
                "content_block_stop",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop"
            ]
        );
        let delta: serde_json::Value = serde_json::from_str(&end[0].data).unwrap();
        assert_eq!(delta["delta"]["stop_reason"], "tool_use");
    }
}
