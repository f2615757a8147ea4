//! `POST /v1/chat/completions` (OpenAI Chat Completions): the request is translated into the
//! shared [`ChatRequest`] (system/developer messages → system prompt, tool calls and tool
//! results → blocks, function tools → [`ToolSpec`]s) and the answer back into a
//! `chat.completion` object or `chat.completion.chunk` SSE frames ending with `data: [DONE]`.
//! `reasoning_effort` asks for reasoning; the upstream's reasoning comes back as
//! `reasoning_content` on the message and on chunk deltas (DeepSeek's, vLLM's convention).

use super::auth::Authenticated;
use super::body_limit::ApiBody;
use super::error::{ApiError, ApiFormat, ErrorKind};
use super::proxy::{self, Collected, Frame, Translate};
use super::request_log::RequestLog;
use super::routing;
use super::state::ServerState;
use crate::conversation::{now_ms, Block, Message, Role};
use crate::providers::{ChatRequest, Reasoning, StopReason, StreamEvent, ToolSpec};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

const FORMAT: ApiFormat = ApiFormat::OpenAi;

/// The request body (the fields Hearth uses; others are ignored).
#[derive(Debug, Deserialize)]
pub struct ChatCompletionRequest {
    /// `PROVIDER_ID/MODEL`, an alias, or a model name.
    pub model: String,
    /// The conversation.
    pub messages: Vec<ChatMessage>,
    /// Function tools.
    #[serde(default)]
    pub tools: Vec<ChatTool>,
    /// Stream the answer.
    #[serde(default)]
    pub stream: bool,
    /// Streaming options (`include_usage`).
    #[serde(default)]
    pub stream_options: Option<StreamOptions>,
    /// Output token limit (legacy name).
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// Output token limit.
    #[serde(default)]
    pub max_completion_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(default)]
    pub temperature: Option<f32>,
    /// `none`, `minimal`, `low`, `medium` or `high`.
    #[serde(default)]
    pub reasoning_effort: Option<String>,
}

/// `stream_options`.
#[derive(Debug, Deserialize)]
pub struct StreamOptions {
    /// Send a final chunk with usage.
    #[serde(default)]
    pub include_usage: bool,
}

/// One message of the request.
#[derive(Debug, Deserialize)]
pub struct ChatMessage {
    /// `system`, `developer`, `user`, `assistant` or `tool`.
    pub role: String,
    /// Text or text parts.
    #[serde(default)]
    pub content: Option<Content>,
    /// The assistant's tool calls.
    #[serde(default)]
    pub tool_calls: Vec<ToolCallIn>,
    /// For `tool` messages: the call answered.
    #[serde(default)]
    pub tool_call_id: Option<String>,
}

/// Message content: a string or an array of parts.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Content {
    /// Plain text.
    Text(String),
    /// Content parts (only `text` parts are supported).
    Parts(Vec<ContentPart>),
}

/// One content part.
#[derive(Debug, Deserialize)]
pub struct ContentPart {
    /// `text` (others are refused).
    #[serde(rename = "type")]
    pub kind: String,
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
}

impl Content {
    /// The text of the content; non-text parts are an error.
    pub fn text(&self) -> Result<String, ApiError> {
        match self {
            Content::Text(text) => Ok(text.clone()),
            Content::Parts(parts) => {
                let mut out = String::new();
                for part in parts {
                    match (part.kind.as_str(), &part.text) {
                        ("text" | "input_text" | "output_text", Some(text)) => out.push_str(text),
                        (kind, _) => {
                            return Err(ApiError::new(
                                ErrorKind::InvalidRequest,
                                FORMAT,
                                format!(
                                    "content parts of type '{kind}' are not supported; send text"
                                ),
                            ))
                        }
                    }
                }
                Ok(out)
            }
        }
    }
}

/// A tool call in an assistant message.
#[derive(Debug, Deserialize)]
pub struct ToolCallIn {
    /// Call id.
    pub id: String,
    /// The function called.
    pub function: FunctionCallIn,
}

/// The function of a tool call.
#[derive(Debug, Deserialize)]
pub struct FunctionCallIn {
    /// Function name.
    pub name: String,
    /// Arguments as a JSON string.
    #[serde(default)]
    pub arguments: String,
}

/// A tool offered to the model.
#[derive(Debug, Deserialize)]
pub struct ChatTool {
    /// `function`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The function.
    pub function: FunctionDef,
}

/// A function definition.
#[derive(Debug, Deserialize)]
pub struct FunctionDef {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// JSON Schema of the arguments.
    #[serde(default)]
    pub parameters: Option<serde_json::Value>,
}

/// Parses tool-call arguments; invalid JSON is kept as a string, so nothing is lost.
pub fn parse_arguments(text: &str) -> serde_json::Value {
    if text.trim().is_empty() {
        return serde_json::json!({});
    }
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

/// Arguments as the JSON string OpenAI's formats carry.
pub fn arguments_text(arguments: &serde_json::Value) -> String {
    match arguments {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The shared request for a Chat Completions body.
pub fn to_chat_request(body: &ChatCompletionRequest) -> Result<ChatRequest, ApiError> {
    let mut system: Vec<String> = Vec::new();
    let mut messages: Vec<Message> = Vec::new();
    for message in &body.messages {
        let text = match &message.content {
            Some(content) => content.text()?,
            None => String::new(),
        };
        match message.role.as_str() {
            "system" | "developer" => system.push(text),
            "user" => messages.push(Message::new(Role::User, vec![Block::text(text)])),
            "assistant" => {
                let mut blocks = Vec::new();
                if !text.is_empty() {
                    blocks.push(Block::text(text));
                }
                for call in &message.tool_calls {
                    blocks.push(Block::ToolCall {
                        id: call.id.clone(),
                        name: call.function.name.clone(),
                        arguments: parse_arguments(&call.function.arguments),
                        opaque: None,
                    });
                }
                messages.push(Message::new(Role::Assistant, blocks));
            }
            "tool" => {
                let call_id = message.tool_call_id.clone().ok_or_else(|| {
                    ApiError::new(
                        ErrorKind::InvalidRequest,
                        FORMAT,
                        "a tool message needs tool_call_id",
                    )
                })?;
                let block = Block::ToolResult {
                    call_id,
                    content: text,
                    is_error: false,
                };
                // Consecutive results answer the same assistant message.
                match messages.last_mut() {
                    Some(last) if last.role == Role::Tool => last.blocks.push(block),
                    _ => messages.push(Message::new(Role::Tool, vec![block])),
                }
            }
            other => {
                return Err(ApiError::new(
                    ErrorKind::InvalidRequest,
                    FORMAT,
                    format!("unknown message role '{other}'"),
                ))
            }
        }
    }
    let tools = body
        .tools
        .iter()
        .filter(|t| t.kind == "function")
        .map(|t| ToolSpec {
            name: t.function.name.clone(),
            description: t.function.description.clone().unwrap_or_default(),
            parameters: t
                .function
                .parameters
                .clone()
                .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}})),
        })
        .collect();
    Ok(ChatRequest {
        model: body.model.clone(),
        system: (!system.is_empty()).then(|| system.join("\n\n")),
        messages,
        tools,
        max_tokens: body.max_completion_tokens.or(body.max_tokens),
        temperature: body.temperature,
        reasoning: body
            .reasoning_effort
            .as_deref()
            .map(reasoning_effort)
            .transpose()?,
    })
}

/// The reasoning asked for by a `reasoning_effort` value (OpenAI's names).
pub fn reasoning_effort(name: &str) -> Result<Reasoning, ApiError> {
    Reasoning::from_effort_name(name).ok_or_else(|| {
        ApiError::new(
            ErrorKind::InvalidRequest,
            FORMAT,
            format!(
                "reasoning effort '{name}' is not supported: use none, minimal, low, medium or high"
            ),
        )
    })
}

/// OpenAI's `finish_reason`.
pub fn finish_reason(stop: StopReason) -> &'static str {
    match stop {
        StopReason::EndTurn | StopReason::Other => "stop",
        StopReason::ToolUse => "tool_calls",
        StopReason::MaxTokens => "length",
        StopReason::Refusal => "content_filter",
    }
}

/// `chat.completion`.
#[derive(Debug, Serialize)]
pub struct ChatCompletion {
    id: String,
    object: &'static str,
    created: i64,
    model: String,
    choices: Vec<Choice>,
    usage: UsageOut,
}

#[derive(Debug, Serialize)]
struct Choice {
    index: u32,
    message: AssistantOut,
    finish_reason: &'static str,
    logprobs: Option<()>,
}

#[derive(Debug, Serialize)]
struct AssistantOut {
    role: &'static str,
    content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_content: Option<String>,
    refusal: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<ToolCallOut>,
}

#[derive(Debug, Serialize)]
struct ToolCallOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    function: FunctionOut,
}

#[derive(Debug, Serialize)]
struct FunctionOut {
    name: String,
    arguments: String,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct UsageOut {
    prompt_tokens: u64,
    completion_tokens: u64,
    total_tokens: u64,
}

impl UsageOut {
    fn of(answer: &Collected) -> Self {
        UsageOut {
            prompt_tokens: answer.usage.input_tokens,
            completion_tokens: answer.usage.output_tokens,
            total_tokens: answer.usage.input_tokens + answer.usage.output_tokens,
        }
    }
}

/// The `chat.completion` object for a collected answer.
pub fn completion(id: String, model: String, answer: &Collected) -> ChatCompletion {
    ChatCompletion {
        id,
        object: "chat.completion",
        created: now_ms() / 1000,
        model,
        choices: vec![Choice {
            index: 0,
            message: AssistantOut {
                role: "assistant",
                content: (!answer.text.is_empty() || answer.tool_calls.is_empty())
                    .then(|| answer.text.clone()),
                reasoning_content: Some(answer.reasoning.text()).filter(|t| !t.is_empty()),
                refusal: None,
                tool_calls: answer
                    .tool_calls
                    .iter()
                    .map(|(id, name, arguments)| ToolCallOut {
                        index: None,
                        id: id.clone(),
                        kind: "function",
                        function: FunctionOut {
                            name: name.clone(),
                            arguments: arguments_text(arguments),
                        },
                    })
                    .collect(),
            },
            finish_reason: finish_reason(answer.stop_reason()),
            logprobs: None,
        }],
        usage: UsageOut::of(answer),
    }
}

/// `chat.completion.chunk`.
#[derive(Debug, Serialize)]
struct Chunk<'a> {
    id: &'a str,
    object: &'static str,
    created: i64,
    model: &'a str,
    choices: Vec<ChunkChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<UsageOut>,
}

#[derive(Debug, Serialize)]
struct ChunkChoice {
    index: u32,
    delta: Delta,
    finish_reason: Option<&'static str>,
    logprobs: Option<()>,
}

#[derive(Debug, Default, Serialize)]
struct Delta {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_content: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<ToolCallOut>,
}

/// Stream events → chunks.
pub struct ChunkWriter {
    id: String,
    model: String,
    created: i64,
    include_usage: bool,
    tool_calls: usize,
}

impl ChunkWriter {
    /// A writer for one answer.
    pub fn new(model: String, include_usage: bool) -> Self {
        ChunkWriter {
            id: format!("chatcmpl-{}", uuid::Uuid::now_v7().simple()),
            model,
            created: now_ms() / 1000,
            include_usage,
            tool_calls: 0,
        }
    }

    fn chunk(&self, delta: Delta, finish: Option<&'static str>) -> Frame {
        Frame::data(&Chunk {
            id: &self.id,
            object: "chat.completion.chunk",
            created: self.created,
            model: &self.model,
            choices: vec![ChunkChoice {
                index: 0,
                delta,
                finish_reason: finish,
                logprobs: None,
            }],
            usage: None,
        })
    }
}

impl Translate for ChunkWriter {
    fn start(&mut self) -> Vec<Frame> {
        vec![self.chunk(
            Delta {
                role: Some("assistant"),
                content: Some(String::new()),
                ..Default::default()
            },
            None,
        )]
    }

    fn event(&mut self, event: &StreamEvent) -> Vec<Frame> {
        match event {
            StreamEvent::TextDelta(text) if !text.is_empty() => vec![self.chunk(
                Delta {
                    content: Some(text.clone()),
                    ..Default::default()
                },
                None,
            )],
            StreamEvent::ReasoningDelta(text) if !text.is_empty() => vec![self.chunk(
                Delta {
                    reasoning_content: Some(text.clone()),
                    ..Default::default()
                },
                None,
            )],
            StreamEvent::ToolCall {
                id,
                name,
                arguments,
                ..
            } => {
                let index = self.tool_calls;
                self.tool_calls += 1;
                vec![self.chunk(
                    Delta {
                        tool_calls: vec![ToolCallOut {
                            index: Some(index),
                            id: id.clone(),
                            kind: "function",
                            function: FunctionOut {
                                name: name.clone(),
                                arguments: arguments_text(arguments),
                            },
                        }],
                        ..Default::default()
                    },
                    None,
                )]
            }
            _ => Vec::new(),
        }
    }

    fn finish(&mut self, answer: &Collected) -> Vec<Frame> {
        let mut frames =
            vec![self.chunk(Delta::default(), Some(finish_reason(answer.stop_reason())))];
        if self.include_usage {
            frames.push(Frame::data(&Chunk {
                id: &self.id,
                object: "chat.completion.chunk",
                created: self.created,
                model: &self.model,
                choices: Vec::new(),
                usage: Some(UsageOut::of(answer)),
            }));
        }
        frames.push(Frame {
            event: None,
            data: "[DONE]".into(),
        });
        frames
    }

    fn error(&mut self, error: &ApiError) -> Vec<Frame> {
        vec![Frame {
            event: None,
            data: error.body_json(),
        }]
    }
}

/// Handler for `POST /v1/chat/completions`.
pub async fn chat_completions(
    State(state): State<ServerState>,
    Extension(log): Extension<RequestLog>,
    Authenticated(client): Authenticated,
    ApiBody(body): ApiBody<ChatCompletionRequest>,
) -> Result<Response, ApiError> {
    let model = routing::route(&state.gateway.config(), &client, &body.model, FORMAT)?;
    let request = to_chat_request(&body)?;
    let call = proxy::open(&state, &log, &client, model, request, body.stream, FORMAT).await?;
    if body.stream {
        let include_usage = body
            .stream_options
            .as_ref()
            .is_some_and(|o| o.include_usage);
        return Ok(proxy::sse(call, ChunkWriter::new(body.model.clone(), include_usage)).await);
    }
    let answer = call.collect().await?;
    let id = format!("chatcmpl-{}", uuid::Uuid::now_v7().simple());
    Ok(Json(completion(id, body.model, &answer)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: serde_json::Value) -> ChatCompletionRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn messages_tools_and_results_translate_to_the_shared_model() {
        let body = request(serde_json::json!({
            "model": "loc/m",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": [{"type": "text", "text": "weather?"}]},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "rain"}
            ],
            "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
            "max_completion_tokens": 50
        }));
        let chat = to_chat_request(&body).unwrap();
        assert_eq!(chat.system.as_deref(), Some("be brief"));
        assert_eq!(chat.messages.len(), 3);
        assert_eq!(chat.messages[0].text(), "weather?");
        let calls: Vec<_> = chat.messages[1].tool_calls().collect();
        assert_eq!(calls[0].1, "get_weather");
        assert_eq!(calls[0].2["city"], "Oslo");
        assert!(
            matches!(&chat.messages[2].blocks[0], Block::ToolResult { call_id, content, .. } if call_id == "call_1" && content == "rain")
        );
        assert_eq!(chat.tools[0].name, "get_weather");
        assert_eq!(chat.max_tokens, Some(50));
    }

    #[test]
    fn image_parts_are_refused_clearly() {
        let body = request(serde_json::json!({
            "model": "m", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]
        }));
        let error = to_chat_request(&body).unwrap_err();
        assert_eq!(error.status.as_u16(), 400);
        assert!(error.message.contains("image_url"));
    }

    #[test]
    fn answers_become_completions_and_chunks() {
        let mut answer = Collected::default();
        for event in [
            StreamEvent::TextDelta("Hi".into()),
            StreamEvent::ToolCall {
                id: "call_9".into(),
                name: "f".into(),
                arguments: serde_json::json!({"a": 1}),
                opaque: None,
            },
            StreamEvent::Usage(crate::conversation::Usage {
                input_tokens: 3,
                output_tokens: 4,
                ..Default::default()
            }),
            StreamEvent::Done(StopReason::ToolUse),
        ] {
            answer.apply(&event);
        }
        let json = serde_json::to_value(completion("id".into(), "m".into(), &answer)).unwrap();
        assert_eq!(json["choices"][0]["message"]["content"], "Hi");
        assert_eq!(
            json["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"],
            "{\"a\":1}"
        );
        assert_eq!(json["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(json["usage"]["total_tokens"], 7);

        let mut writer = ChunkWriter::new("m".into(), true);
        let start: serde_json::Value = serde_json::from_str(&writer.start()[0].data).unwrap();
        assert_eq!(start["choices"][0]["delta"]["role"], "assistant");
        let text: serde_json::Value =
            serde_json::from_str(&writer.event(&StreamEvent::TextDelta("Hi".into()))[0].data)
                .unwrap();
        assert_eq!(text["choices"][0]["delta"]["content"], "Hi");
        let end = writer.finish(&answer);
        assert_eq!(end.len(), 3);
        assert_eq!(end[2].data, "[DONE]");
        let usage: serde_json::Value = serde_json::from_str(&end[1].data).unwrap();
        assert_eq!(usage["usage"]["prompt_tokens"], 3);
    }

    #[test]
    fn reasoning_effort_is_parsed_and_bad_values_are_refused() {
        let chat = |effort: serde_json::Value| {
            to_chat_request(&request(serde_json::json!({
                "model": "m", "reasoning_effort": effort,
                "messages": [{"role": "user", "content": "x"}]
            })))
        };
        assert_eq!(
            chat(serde_json::json!("high")).unwrap().reasoning,
            Some(Reasoning::Effort(crate::providers::ReasoningEffort::High))
        );
        assert_eq!(
            chat(serde_json::json!("none")).unwrap().reasoning,
            Some(Reasoning::Off)
        );
        assert_eq!(chat(serde_json::Value::Null).unwrap().reasoning, None);
        let error = chat(serde_json::json!("lots")).unwrap_err();
        assert_eq!(error.status.as_u16(), 400);
        assert!(error.message.contains("'lots'"), "{}", error.message);
    }

    #[test]
    fn reasoning_comes_back_as_reasoning_content() {
        let mut answer = Collected::default();
        for event in [
            StreamEvent::ReasoningDelta("Think".into()),
            StreamEvent::ReasoningDelta("ing".into()),
            StreamEvent::ReasoningDone(None),
            StreamEvent::TextDelta("Answer".into()),
        ] {
            answer.apply(&event);
        }
        let json = serde_json::to_value(completion("id".into(), "m".into(), &answer)).unwrap();
        assert_eq!(
            json["choices"][0]["message"]["reasoning_content"],
            "Thinking"
        );
        assert_eq!(json["choices"][0]["message"]["content"], "Answer");
        // No reasoning: no field.
        let plain =
            serde_json::to_value(completion("id".into(), "m".into(), &Collected::default()))
                .unwrap();
        assert!(plain["choices"][0]["message"]
            .get("reasoning_content")
            .is_none());

        let mut writer = ChunkWriter::new("m".into(), false);
        let delta = |frames: Vec<Frame>| -> serde_json::Value {
            let chunk: serde_json::Value = serde_json::from_str(&frames[0].data).unwrap();
            chunk["choices"][0]["delta"].clone()
        };
        assert_eq!(
            delta(writer.event(&StreamEvent::ReasoningDelta("Think".into()))),
            serde_json::json!({"reasoning_content": "Think"})
        );
        assert!(writer.event(&StreamEvent::ReasoningDone(None)).is_empty());
        assert!(writer
            .event(&StreamEvent::ReasoningDelta(String::new()))
            .is_empty());
        assert_eq!(
            delta(writer.event(&StreamEvent::TextDelta("Answer".into()))),
            serde_json::json!({"content": "Answer"})
        );
    }
}
