//! `POST /v1/messages` (Anthropic Messages): the request is translated into the shared
//! [`ChatRequest`] (`system` → system prompt, `tool_use` / `tool_result` blocks → tool call and
//! result blocks, tools → [`ToolSpec`]s) and the answer back into a `message` object or the
//! Messages SSE events (`message_start`, `content_block_*`, `message_delta`, `message_stop`).
//! `thinking` asks for reasoning; when it is enabled the upstream's reasoning comes back as
//! `thinking` blocks before the text (streamed as `thinking_delta`s), with the upstream's
//! signature when it was Anthropic (else an empty one), as the Messages API does. Thinking
//! blocks a client sends back reach the provider they are routed to only if it is Anthropic.

use super::auth::Authenticated;
use super::body_limit::ApiBody;
use super::error::{ApiError, ApiFormat, ErrorKind};
use super::proxy::{self, Collected, Frame, Translate};
use super::reasoning::{anthropic_redacted, anthropic_signature};
use super::request_log::RequestLog;
use super::routing;
use super::state::ServerState;
use crate::conversation::{Block, Message, Opaque, Role};
use crate::providers::{ChatRequest, Reasoning, StopReason, StreamEvent, ToolSpec};
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
    /// Extended thinking.
    #[serde(default)]
    pub thinking: Option<InThinking>,
}

/// `thinking`: `{"type": "enabled", "budget_tokens": N}` or `{"type": "disabled"}`.
#[derive(Debug, Deserialize)]
pub struct InThinking {
    /// `enabled` or `disabled`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The thinking budget (required when enabled).
    #[serde(default)]
    pub budget_tokens: Option<u32>,
}

impl InThinking {
    /// The reasoning asked for.
    fn reasoning(&self) -> Result<Reasoning, ApiError> {
        let invalid = |message: String| ApiError::new(ErrorKind::InvalidRequest, FORMAT, message);
        match (self.kind.as_str(), self.budget_tokens) {
            ("enabled", Some(budget)) => Ok(Reasoning::from_budget(budget)),
            ("enabled", None) => Err(invalid(
                "thinking.budget_tokens: Field required when thinking is enabled".into(),
            )),
            ("disabled", _) => Ok(Reasoning::Off),
            (other, _) => Err(invalid(format!(
                "thinking type '{other}' is not supported: use enabled or disabled"
            ))),
        }
    }
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
    /// Thinking from an earlier answer: sent back only to an Anthropic provider, with its
    /// signature (the API needs it with tool use); dropped for others.
    Thinking {
        /// The thinking text.
        #[serde(default)]
        thinking: String,
        /// Its signature.
        #[serde(default)]
        signature: String,
    },
    /// Redacted thinking (treated likewise).
    RedactedThinking {
        /// The encrypted thinking.
        #[serde(default)]
        data: String,
    },
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

/// Round-trip data of a thinking block a client sent back, claimed for `provider` (the
/// provider the request is routed to, which gets it only if it is an Anthropic one).
fn thinking_opaque(provider: &str, kind: &str, data: &str) -> Option<Opaque> {
    (!data.is_empty()).then(|| Opaque {
        provider_kind: "anthropic".into(),
        provider_id: provider.to_string(),
        kind: kind.into(),
        data: data.to_string(),
        item_id: None,
    })
}

/// The shared request for a Messages body routed to `provider` (a configured provider id).
pub fn to_chat_request(body: &MessagesRequest, provider: &str) -> Result<ChatRequest, ApiError> {
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
                InBlock::Thinking {
                    thinking,
                    signature,
                } => own.push(Block::Reasoning {
                    text: thinking.clone(),
                    opaque: thinking_opaque(provider, "signature", signature),
                }),
                InBlock::RedactedThinking { data } => own.push(Block::Reasoning {
                    text: String::new(),
                    opaque: thinking_opaque(provider, "redacted_thinking", data),
                }),
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
        reasoning: body
            .thinking
            .as_ref()
            .map(InThinking::reasoning)
            .transpose()?,
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
    Thinking {
        thinking: String,
        signature: String,
    },
    RedactedThinking {
        data: String,
    },
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

/// The `message` object for a collected answer; its reasoning comes first as thinking blocks
/// when `thinking` (the client enabled thinking).
pub fn message(model: String, answer: &Collected, thinking: bool) -> MessageOut {
    let mut content = Vec::new();
    for thought in answer.reasoning.blocks().iter().filter(|_| thinking) {
        let opaque = thought.opaque.as_ref();
        if let Some(data) = anthropic_redacted(opaque) {
            content.push(OutBlock::RedactedThinking { data: data.into() });
        } else if !thought.text.is_empty() {
            content.push(OutBlock::Thinking {
                thinking: thought.text.clone(),
                signature: anthropic_signature(opaque).unwrap_or_default().into(),
            });
        }
    }
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
    /// Whether reasoning is shown (the client enabled thinking).
    thinking: bool,
    /// Index of the next block.
    next_index: usize,
    /// The open text block, if any.
    open_text: Option<usize>,
    /// The open thinking block, if any.
    open_thinking: Option<usize>,
}

impl EventWriter {
    /// A writer for one answer; `thinking`: show reasoning as thinking blocks.
    pub fn new(model: String, thinking: bool) -> Self {
        EventWriter {
            model,
            thinking,
            next_index: 0,
            open_text: None,
            open_thinking: None,
        }
    }

    fn start_block(&mut self, content_block: serde_json::Value, frames: &mut Vec<Frame>) -> usize {
        let index = self.next_index;
        self.next_index += 1;
        frames.push(Frame::named(
            "content_block_start",
            &BlockStart {
                kind: "content_block_start",
                index,
                content_block,
            },
        ));
        index
    }

    fn delta(index: usize, delta: serde_json::Value) -> Frame {
        Frame::named(
            "content_block_delta",
            &BlockDelta {
                kind: "content_block_delta",
                index,
                delta,
            },
        )
    }

    fn stop(index: usize) -> Frame {
        Frame::named(
            "content_block_stop",
            &BlockStop {
                kind: "content_block_stop",
                index,
            },
        )
    }

    fn close_text(&mut self, frames: &mut Vec<Frame>) {
        if let Some(index) = self.open_text.take() {
            frames.push(Self::stop(index));
        }
    }

    /// Closes the open thinking block, with the upstream's signature when it has one.
    fn close_thinking(&mut self, opaque: Option<&Opaque>, frames: &mut Vec<Frame>) {
        let Some(index) = self.open_thinking.take() else {
            return;
        };
        if let Some(signature) = anthropic_signature(opaque) {
            frames.push(Self::delta(
                index,
                serde_json::json!({"type": "signature_delta", "signature": signature}),
            ));
        }
        frames.push(Self::stop(index));
    }

    /// Thinking frames for one reasoning event.
    fn reasoning(&mut self, event: &StreamEvent, frames: &mut Vec<Frame>) {
        match event {
            StreamEvent::ReasoningDelta(text) if !text.is_empty() => {
                self.close_text(frames);
                let index = match self.open_thinking {
                    Some(index) => index,
                    None => {
                        let block = serde_json::json!({"type": "thinking", "thinking": "", "signature": ""});
                        let index = self.start_block(block, frames);
                        self.open_thinking = Some(index);
                        index
                    }
                };
                frames.push(Self::delta(
                    index,
                    serde_json::json!({"type": "thinking_delta", "thinking": text}),
                ));
            }
            StreamEvent::ReasoningDone(opaque) if self.open_thinking.is_some() => {
                self.close_thinking(opaque.as_ref(), frames)
            }
            StreamEvent::ReasoningDone(opaque) => {
                if let Some(data) = anthropic_redacted(opaque.as_ref()) {
                    self.close_text(frames);
                    let block = serde_json::json!({"type": "redacted_thinking", "data": data});
                    let index = self.start_block(block, frames);
                    frames.push(Self::stop(index));
                }
            }
            _ => {}
        }
    }
}

impl Translate for EventWriter {
    fn start(&mut self) -> Vec<Frame> {
        let mut message = message(self.model.clone(), &Collected::default(), false);
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
        if matches!(
            event,
            StreamEvent::TextDelta(_) | StreamEvent::ToolCall { .. }
        ) {
            self.close_thinking(None, &mut frames);
        }
        match event {
            StreamEvent::ReasoningDelta(_) | StreamEvent::ReasoningDone(_) if self.thinking => {
                self.reasoning(event, &mut frames)
            }
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
        self.close_thinking(None, &mut frames);
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
    let request = to_chat_request(&body, &model.provider)?;
    let thinking = request.reasoning.is_some_and(Reasoning::is_on);
    let call = proxy::open(&state, &log, &client, model, request, body.stream, FORMAT).await?;
    if body.stream {
        return Ok(proxy::sse(call, EventWriter::new(body.model.clone(), thinking)).await);
    }
    let answer = call.collect().await?;
    Ok(Json(message(body.model, &answer, thinking)).into_response())
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
        let chat = to_chat_request(&body, "anth").unwrap();
        assert_eq!(chat.system.as_deref(), Some("be brief"));
        let roles: Vec<Role> = chat.messages.iter().map(|m| m.role).collect();
        assert_eq!(roles, [Role::User, Role::Assistant, Role::Tool, Role::User]);
        // Thinking is kept for the provider the request goes to (dropped by non-Anthropic ones).
        match &chat.messages[1].blocks[0] {
            Block::Reasoning {
                text,
                opaque: Some(opaque),
            } => {
                assert_eq!(text, "hm");
                assert_eq!(
                    (opaque.provider_kind.as_str(), opaque.provider_id.as_str()),
                    ("anthropic", "anth")
                );
                assert_eq!(
                    (opaque.kind.as_str(), opaque.data.as_str()),
                    ("signature", "s")
                );
            }
            other => panic!("unexpected block {other:?}"),
        }
        assert!(matches!(chat.messages[1].blocks[1], Block::ToolCall { .. }));
        assert_eq!(chat.reasoning, None);
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
        assert_eq!(
            to_chat_request(&body, "m").unwrap_err().status.as_u16(),
            400
        );
    }

    #[test]
    fn events_follow_the_messages_stream_shape() {
        let mut writer = EventWriter::new("m".into(), false);
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

    fn signature(data: &str) -> Option<Opaque> {
        Some(Opaque {
            provider_kind: "anthropic".into(),
            provider_id: "anth".into(),
            kind: "signature".into(),
            data: data.into(),
            item_id: None,
        })
    }

    fn with_thinking(thinking: serde_json::Value) -> Result<ChatRequest, ApiError> {
        let body: MessagesRequest = serde_json::from_value(serde_json::json!({
            "model": "m", "max_tokens": 4000, "thinking": thinking,
            "messages": [{"role": "user", "content": "x"}]
        }))
        .unwrap();
        to_chat_request(&body, "anth")
    }

    #[test]
    fn thinking_asks_for_reasoning() {
        let enabled = with_thinking(serde_json::json!({"type": "enabled", "budget_tokens": 2048}));
        assert_eq!(enabled.unwrap().reasoning, Some(Reasoning::Budget(2048)));
        let disabled = with_thinking(serde_json::json!({"type": "disabled"}));
        assert_eq!(disabled.unwrap().reasoning, Some(Reasoning::Off));
        let no_budget = with_thinking(serde_json::json!({"type": "enabled"})).unwrap_err();
        assert_eq!(no_budget.status.as_u16(), 400);
        assert!(
            no_budget.message.contains("budget_tokens"),
            "{}",
            no_budget.message
        );
        let unknown = with_thinking(serde_json::json!({"type": "sometimes"})).unwrap_err();
        assert!(
            unknown.message.contains("'sometimes'"),
            "{}",
            unknown.message
        );
    }

    fn thinking_answer() -> Collected {
        let mut answer = Collected::default();
        for event in [
            StreamEvent::ReasoningDelta("Plan".into()),
            StreamEvent::ReasoningDelta(" it".into()),
            StreamEvent::ReasoningDone(signature("sig")),
            StreamEvent::TextDelta("Hi".into()),
            StreamEvent::ToolCall {
                id: "t1".into(),
                name: "f".into(),
                arguments: serde_json::json!({"x": 1}),
                opaque: None,
            },
            StreamEvent::Done(StopReason::ToolUse),
        ] {
            answer.apply(&event);
        }
        answer
    }

    #[test]
    fn thinking_blocks_come_first_with_the_upstream_signature() {
        let json = serde_json::to_value(message("m".into(), &thinking_answer(), true)).unwrap();
        let content = json["content"].as_array().unwrap();
        let kinds: Vec<&str> = content
            .iter()
            .map(|b| b["type"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["thinking", "text", "tool_use"]);
        assert_eq!(
            content[0],
            serde_json::json!({"type": "thinking", "thinking": "Plan it", "signature": "sig"})
        );
        // Without thinking enabled the answer looks as before.
        let plain = serde_json::to_value(message("m".into(), &thinking_answer(), false)).unwrap();
        assert_eq!(plain["content"][0]["type"], "text");
        // Reasoning from another kind of provider has no signature to give.
        let mut other = Collected::default();
        other.apply(&StreamEvent::ReasoningDelta("hmm".into()));
        other.apply(&StreamEvent::ReasoningDone(None));
        other.apply(&StreamEvent::TextDelta("ok".into()));
        let json = serde_json::to_value(message("m".into(), &other, true)).unwrap();
        assert_eq!(
            json["content"][0],
            serde_json::json!({"type": "thinking", "thinking": "hmm", "signature": ""})
        );
    }

    fn frames_json(frames: &[Frame]) -> Vec<(&'static str, serde_json::Value)> {
        frames
            .iter()
            .map(|f| (f.event.unwrap(), serde_json::from_str(&f.data).unwrap()))
            .collect()
    }

    #[test]
    fn streamed_thinking_precedes_text_and_tool_blocks_with_their_own_indexes() {
        let mut writer = EventWriter::new("m".into(), true);
        let mut frames = writer.start();
        let events = [
            StreamEvent::ReasoningDelta("Plan".into()),
            StreamEvent::ReasoningDelta(" it".into()),
            StreamEvent::ReasoningDone(signature("sig")),
            StreamEvent::TextDelta("Hi".into()),
            StreamEvent::ToolCall {
                id: "t1".into(),
                name: "f".into(),
                arguments: serde_json::json!({"x": 1}),
                opaque: None,
            },
            StreamEvent::ReasoningDone(Some(Opaque {
                kind: "redacted_thinking".into(),
                ..signature("secret").unwrap()
            })),
        ];
        for event in &events {
            frames.extend(writer.event(event));
        }
        frames.extend(writer.finish(&thinking_answer()));
        let frames = frames_json(&frames);
        let shape: Vec<(&str, Option<u64>, &str)> = frames
            .iter()
            .map(|(name, body)| {
                let kind = body["content_block"]["type"]
                    .as_str()
                    .or(body["delta"]["type"].as_str())
                    .unwrap_or("");
                (*name, body["index"].as_u64(), kind)
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("message_start", None, ""),
                ("content_block_start", Some(0), "thinking"),
                ("content_block_delta", Some(0), "thinking_delta"),
                ("content_block_delta", Some(0), "thinking_delta"),
                ("content_block_delta", Some(0), "signature_delta"),
                ("content_block_stop", Some(0), ""),
                ("content_block_start", Some(1), "text"),
                ("content_block_delta", Some(1), "text_delta"),
                ("content_block_stop", Some(1), ""),
                ("content_block_start", Some(2), "tool_use"),
                ("content_block_delta", Some(2), "input_json_delta"),
                ("content_block_stop", Some(2), ""),
                ("content_block_start", Some(3), "redacted_thinking"),
                ("content_block_stop", Some(3), ""),
                ("message_delta", None, ""),
                ("message_stop", None, ""),
            ]
        );
        assert_eq!(frames[2].1["delta"]["thinking"], "Plan");
        assert_eq!(frames[4].1["delta"]["signature"], "sig");
        assert_eq!(frames[12].1["content_block"]["data"], "secret");

        // Thinking not enabled: reasoning is not streamed.
        let mut plain = EventWriter::new("m".into(), false);
        assert!(plain.event(&events[0]).is_empty());
        assert!(plain.event(&events[2]).is_empty());
        let text = frames_json(&plain.event(&events[3]));
        assert_eq!(text[0].1["index"], 0);
    }
}
