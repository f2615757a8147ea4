//! `POST /v1/responses` (OpenAI Responses), stateless: `input` items (messages, function
//! calls, function call outputs) and `instructions` are translated into the shared
//! [`ChatRequest`]; the answer comes back as a `response` object or the typed Responses SSE
//! events (`response.created`, `response.output_item.added`, `response.output_text.delta`, …,
//! `response.completed`). `previous_response_id` is refused: Hearth keeps no server-side state
//! for API clients, so send the whole input each time. `reasoning.effort` asks for reasoning;
//! the upstream's reasoning comes back as `reasoning` items with a `summary_text` summary
//! (streamed as `response.reasoning_summary_part.*` / `response.reasoning_summary_text.*`).

use super::auth::Authenticated;
use super::body_limit::ApiBody;
use super::error::{ApiError, ApiFormat, ErrorKind};
use super::openai_chat::{arguments_text, parse_arguments, reasoning_effort, Content};
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

/// The request body (the fields Hearth uses).
#[derive(Debug, Deserialize)]
pub struct ResponsesRequest {
    /// `PROVIDER_ID/MODEL`, an alias, or a model name.
    pub model: String,
    /// Text or input items.
    pub input: Input,
    /// System instructions.
    #[serde(default)]
    pub instructions: Option<String>,
    /// Function tools.
    #[serde(default)]
    pub tools: Vec<InTool>,
    /// Stream the answer.
    #[serde(default)]
    pub stream: bool,
    /// Output token limit.
    #[serde(default)]
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(default)]
    pub temperature: Option<f32>,
    /// Refused: Hearth is stateless for API clients.
    #[serde(default)]
    pub previous_response_id: Option<String>,
    /// Reasoning effort and summary.
    #[serde(default)]
    pub reasoning: Option<InReasoning>,
}

/// `reasoning`.
#[derive(Debug, Deserialize)]
pub struct InReasoning {
    /// `none`, `minimal`, `low`, `medium` or `high`.
    #[serde(default)]
    pub effort: Option<String>,
    /// `auto`, `concise` or `detailed` (a summary alone asks for the model's default effort).
    #[serde(default)]
    pub summary: Option<String>,
}

impl InReasoning {
    /// The reasoning asked for, if any.
    fn reasoning(&self) -> Result<Option<Reasoning>, ApiError> {
        match (&self.effort, &self.summary) {
            (Some(effort), _) => reasoning_effort(effort).map(Some),
            (None, Some(_)) => Ok(Some(Reasoning::Auto)),
            (None, None) => Ok(None),
        }
    }
}

/// `input`: text or items.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Input {
    /// One user message.
    Text(String),
    /// Items.
    Items(Vec<InItem>),
}

/// An input item (messages may omit `type`).
#[derive(Debug, Deserialize)]
pub struct InItem {
    /// `message` (default), `function_call`, `function_call_output`, `reasoning`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Message role.
    #[serde(default)]
    pub role: Option<String>,
    /// Message content.
    #[serde(default)]
    pub content: Option<Content>,
    /// Function call / output: the call id.
    #[serde(default)]
    pub call_id: Option<String>,
    /// Function call: the name.
    #[serde(default)]
    pub name: Option<String>,
    /// Function call: arguments (JSON text).
    #[serde(default)]
    pub arguments: Option<String>,
    /// Function call output.
    #[serde(default)]
    pub output: Option<serde_json::Value>,
}

/// A function tool (Responses puts name and schema at the top level).
#[derive(Debug, Deserialize)]
pub struct InTool {
    /// `function` (others are ignored).
    #[serde(rename = "type")]
    pub kind: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// JSON Schema.
    #[serde(default)]
    pub parameters: Option<serde_json::Value>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::InvalidRequest, FORMAT, message)
}

/// The shared request for a Responses body.
pub fn to_chat_request(body: &ResponsesRequest) -> Result<ChatRequest, ApiError> {
    if body.previous_response_id.is_some() {
        return Err(invalid(
            "previous_response_id is not supported: Hearth keeps no state for API clients; send the whole conversation as input",
        ));
    }
    let mut system: Vec<String> = body.instructions.iter().cloned().collect();
    let mut messages: Vec<Message> = Vec::new();
    let items = match &body.input {
        Input::Text(text) => {
            messages.push(Message::user(text.clone()));
            &[][..]
        }
        Input::Items(items) => &items[..],
    };
    for item in items {
        match item.kind.as_deref().unwrap_or("message") {
            "message" => {
                let text = match &item.content {
                    Some(content) => content.text()?,
                    None => String::new(),
                };
                match item.role.as_deref().unwrap_or("user") {
                    "system" | "developer" => system.push(text),
                    "user" => messages.push(Message::user(text)),
                    "assistant" => push_assistant(&mut messages, Block::text(text)),
                    other => return Err(invalid(format!("unknown message role '{other}'"))),
                }
            }
            "function_call" => {
                let (Some(call_id), Some(name)) = (&item.call_id, &item.name) else {
                    return Err(invalid("a function_call item needs call_id and name"));
                };
                push_assistant(
                    &mut messages,
                    Block::ToolCall {
                        id: call_id.clone(),
                        name: name.clone(),
                        arguments: parse_arguments(item.arguments.as_deref().unwrap_or("")),
                        opaque: None,
                    },
                );
            }
            "function_call_output" => {
                let Some(call_id) = &item.call_id else {
                    return Err(invalid("a function_call_output item needs call_id"));
                };
                let content = match &item.output {
                    Some(serde_json::Value::String(text)) => text.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                let block = Block::ToolResult {
                    call_id: call_id.clone(),
                    content,
                    is_error: false,
                };
                match messages.last_mut() {
                    Some(last) if last.role == Role::Tool => last.blocks.push(block),
                    _ => messages.push(Message::new(Role::Tool, vec![block])),
                }
            }
            // Reasoning items are only valid for the provider that produced them.
            "reasoning" => {}
            other => {
                return Err(invalid(format!(
                    "input items of type '{other}' are not supported"
                )))
            }
        }
    }
    let tools = body
        .tools
        .iter()
        .filter(|t| t.kind == "function")
        .filter_map(|t| {
            Some(ToolSpec {
                name: t.name.clone()?,
                description: t.description.clone().unwrap_or_default(),
                parameters: t
                    .parameters
                    .clone()
                    .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}})),
            })
        })
        .collect();
    Ok(ChatRequest {
        model: body.model.clone(),
        system: (!system.is_empty()).then(|| system.join("\n\n")),
        messages,
        tools,
        max_tokens: body.max_output_tokens,
        temperature: body.temperature,
        reasoning: match &body.reasoning {
            Some(reasoning) => reasoning.reasoning()?,
            None => None,
        },
    })
}

/// Consecutive assistant items (text, calls) form one assistant message.
fn push_assistant(messages: &mut Vec<Message>, block: Block) {
    match messages.last_mut() {
        Some(last) if last.role == Role::Assistant => last.blocks.push(block),
        _ => messages.push(Message::new(Role::Assistant, vec![block])),
    }
}

/// The `response` object.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseOut {
    id: String,
    object: &'static str,
    created_at: i64,
    status: &'static str,
    model: String,
    output: Vec<OutItem>,
    output_text: String,
    usage: Option<UsageOut>,
    error: Option<serde_json::Value>,
    incomplete_details: Option<IncompleteDetails>,
    instructions: Option<String>,
    parallel_tool_calls: bool,
    tool_choice: &'static str,
    tools: Vec<serde_json::Value>,
    store: bool,
    metadata: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
struct IncompleteDetails {
    reason: &'static str,
}

/// An output item.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum OutItem {
    Message {
        id: String,
        status: &'static str,
        role: &'static str,
        content: Vec<OutputText>,
    },
    FunctionCall {
        id: String,
        call_id: String,
        name: String,
        arguments: String,
        status: &'static str,
    },
    Reasoning {
        id: String,
        summary: Vec<SummaryText>,
    },
}

/// A reasoning summary part.
#[derive(Debug, Clone, Serialize)]
struct SummaryText {
    #[serde(rename = "type")]
    kind: &'static str,
    text: String,
}

fn reasoning_item(id: &str, text: &str) -> OutItem {
    OutItem::Reasoning {
        id: id.to_string(),
        summary: if text.is_empty() {
            Vec::new()
        } else {
            vec![SummaryText {
                kind: "summary_text",
                text: text.to_string(),
            }]
        },
    }
}

#[derive(Debug, Clone, Serialize)]
struct OutputText {
    #[serde(rename = "type")]
    kind: &'static str,
    text: String,
    annotations: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct UsageOut {
    input_tokens: u64,
    input_tokens_details: CachedTokens,
    output_tokens: u64,
    output_tokens_details: ReasoningTokens,
    total_tokens: u64,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct CachedTokens {
    cached_tokens: u64,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct ReasoningTokens {
    reasoning_tokens: u64,
}

fn usage(answer: &Collected) -> UsageOut {
    let u = answer.usage;
    UsageOut {
        input_tokens: u.input_tokens,
        input_tokens_details: CachedTokens {
            cached_tokens: u.cached_input_tokens,
        },
        output_tokens: u.output_tokens,
        output_tokens_details: ReasoningTokens {
            reasoning_tokens: u.reasoning_tokens,
        },
        total_tokens: u.input_tokens + u.output_tokens,
    }
}

fn text_item(id: &str, text: &str, status: &'static str) -> OutItem {
    OutItem::Message {
        id: id.to_string(),
        status,
        role: "assistant",
        content: if status == "in_progress" {
            Vec::new()
        } else {
            vec![OutputText {
                kind: "output_text",
                text: text.to_string(),
                annotations: Vec::new(),
            }]
        },
    }
}

fn call_item(index: usize, id: &str, name: &str, arguments: &serde_json::Value) -> OutItem {
    OutItem::FunctionCall {
        id: format!("fc_{index}_{}", short(id)),
        call_id: id.to_string(),
        name: name.to_string(),
        arguments: arguments_text(arguments),
        status: "completed",
    }
}

fn short(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(24)
        .collect()
}

/// Ids of one response and its message and reasoning items.
struct Ids {
    response: String,
    message: String,
    base: String,
}

impl Ids {
    fn new() -> Self {
        let id = uuid::Uuid::now_v7().simple().to_string();
        Ids {
            response: format!("resp_{id}"),
            message: format!("msg_{id}"),
            base: id,
        }
    }

    /// The id of the answer's `n`th reasoning item.
    fn reasoning(&self, n: usize) -> String {
        format!("rs_{}_{n}", self.base)
    }
}

fn response_object(ids: &Ids, model: &str, answer: Option<&Collected>) -> ResponseOut {
    let (status, output, output_text, usage_out, incomplete) = match answer {
        None => ("in_progress", Vec::new(), String::new(), None, None),
        Some(answer) => {
            let mut output: Vec<OutItem> = answer
                .reasoning
                .blocks()
                .iter()
                .filter(|t| !t.text.is_empty())
                .enumerate()
                .map(|(n, t)| reasoning_item(&ids.reasoning(n), &t.text))
                .collect();
            if !answer.text.is_empty() {
                output.push(text_item(&ids.message, &answer.text, "completed"));
            }
            for (index, (id, name, arguments)) in answer.tool_calls.iter().enumerate() {
                output.push(call_item(index, id, name, arguments));
            }
            let incomplete =
                (answer.stop_reason() == StopReason::MaxTokens).then_some(IncompleteDetails {
                    reason: "max_output_tokens",
                });
            let status = if incomplete.is_some() {
                "incomplete"
            } else {
                "completed"
            };
            (
                status,
                output,
                answer.text.clone(),
                Some(usage(answer)),
                incomplete,
            )
        }
    };
    ResponseOut {
        id: ids.response.clone(),
        object: "response",
        created_at: now_ms() / 1000,
        status,
        model: model.to_string(),
        output,
        output_text,
        usage: usage_out,
        error: None,
        incomplete_details: incomplete,
        instructions: None,
        parallel_tool_calls: true,
        tool_choice: "auto",
        tools: Vec::new(),
        store: false,
        metadata: serde_json::json!({}),
    }
}

/// The `response` object for a collected answer.
pub fn response(model: &str, answer: &Collected) -> ResponseOut {
    response_object(&Ids::new(), model, Some(answer))
}

/// Stream events → Responses SSE events.
pub struct EventWriter {
    ids: Ids,
    model: String,
    sequence: u64,
    next_output: usize,
    /// Output index of the open message item, and its text so far.
    open_text: Option<(usize, String)>,
    /// Output index and id of the open reasoning item, and its summary so far.
    open_reasoning: Option<(usize, String, String)>,
    reasoning_items: usize,
    calls: usize,
}

impl EventWriter {
    /// A writer for one answer.
    pub fn new(model: String) -> Self {
        EventWriter {
            ids: Ids::new(),
            model,
            sequence: 0,
            next_output: 0,
            open_text: None,
            open_reasoning: None,
            reasoning_items: 0,
            calls: 0,
        }
    }

    /// Streams a reasoning summary delta, opening a reasoning item (and its summary part) first
    /// when none is open.
    fn reasoning_delta(&mut self, delta: &str, frames: &mut Vec<Frame>) {
        if self.open_reasoning.is_none() {
            self.close_text(frames);
            let index = self.next_output;
            self.next_output += 1;
            let id = self.ids.reasoning(self.reasoning_items);
            self.reasoning_items += 1;
            let item = Self::item(&reasoning_item(&id, ""));
            frames.push(self.frame(
                "response.output_item.added",
                serde_json::json!({"output_index": index, "item": item}),
            ));
            frames.push(self.frame(
                "response.reasoning_summary_part.added",
                serde_json::json!({"item_id": id, "output_index": index, "summary_index": 0,
                    "part": {"type": "summary_text", "text": ""}}),
            ));
            self.open_reasoning = Some((index, id, String::new()));
        }
        let Some((index, id, text)) = &mut self.open_reasoning else {
            return;
        };
        text.push_str(delta);
        let body = serde_json::json!({"item_id": id, "output_index": index, "summary_index": 0,
            "delta": delta});
        frames.push(self.frame("response.reasoning_summary_text.delta", body));
    }

    fn close_reasoning(&mut self, frames: &mut Vec<Frame>) {
        let Some((index, id, text)) = self.open_reasoning.take() else {
            return;
        };
        frames.push(self.frame(
            "response.reasoning_summary_text.done",
            serde_json::json!({"item_id": id, "output_index": index, "summary_index": 0, "text": text}),
        ));
        frames.push(self.frame(
            "response.reasoning_summary_part.done",
            serde_json::json!({"item_id": id, "output_index": index, "summary_index": 0,
                "part": {"type": "summary_text", "text": text}}),
        ));
        let item = Self::item(&reasoning_item(&id, &text));
        frames.push(self.frame(
            "response.output_item.done",
            serde_json::json!({"output_index": index, "item": item}),
        ));
    }

    fn frame(&mut self, kind: &'static str, mut body: serde_json::Value) -> Frame {
        if let serde_json::Value::Object(map) = &mut body {
            map.insert("type".into(), kind.into());
            map.insert("sequence_number".into(), self.sequence.into());
        }
        self.sequence += 1;
        Frame::named(kind, &body)
    }

    fn item(item: &OutItem) -> serde_json::Value {
        serde_json::to_value(item).unwrap_or_default()
    }

    fn close_text(&mut self, frames: &mut Vec<Frame>) {
        let Some((index, text)) = self.open_text.take() else {
            return;
        };
        let id = self.ids.message.clone();
        let part = serde_json::json!({"type": "output_text", "text": text, "annotations": []});
        frames.push(self.frame(
            "response.output_text.done",
            serde_json::json!({"item_id": id, "output_index": index, "content_index": 0, "text": text, "logprobs": []}),
        ));
        frames.push(self.frame(
            "response.content_part.done",
            serde_json::json!({"item_id": id, "output_index": index, "content_index": 0, "part": part}),
        ));
        let item = Self::item(&text_item(&id, &text, "completed"));
        frames.push(self.frame(
            "response.output_item.done",
            serde_json::json!({"output_index": index, "item": item}),
        ));
    }
}

impl Translate for EventWriter {
    fn start(&mut self) -> Vec<Frame> {
        let response =
            serde_json::to_value(response_object(&self.ids, &self.model, None)).unwrap_or_default();
        vec![
            self.frame(
                "response.created",
                serde_json::json!({"response": response}),
            ),
            self.frame(
                "response.in_progress",
                serde_json::json!({"response": response}),
            ),
        ]
    }

    fn event(&mut self, event: &StreamEvent) -> Vec<Frame> {
        let mut frames = Vec::new();
        if matches!(
            event,
            StreamEvent::TextDelta(_)
                | StreamEvent::ToolCall { .. }
                | StreamEvent::ReasoningDone(_)
        ) {
            self.close_reasoning(&mut frames);
        }
        match event {
            StreamEvent::ReasoningDelta(delta) if !delta.is_empty() => {
                self.reasoning_delta(delta, &mut frames);
            }
            StreamEvent::TextDelta(delta) if !delta.is_empty() => {
                let id = self.ids.message.clone();
                let index = match &mut self.open_text {
                    Some((index, text)) => {
                        text.push_str(delta);
                        *index
                    }
                    None => {
                        let index = self.next_output;
                        self.next_output += 1;
                        self.open_text = Some((index, delta.clone()));
                        let item = Self::item(&text_item(&id, "", "in_progress"));
                        frames.push(self.frame(
                            "response.output_item.added",
                            serde_json::json!({"output_index": index, "item": item}),
                        ));
                        frames.push(self.frame(
                            "response.content_part.added",
                            serde_json::json!({"item_id": id, "output_index": index, "content_index": 0,
                                "part": {"type": "output_text", "text": "", "annotations": []}}),
                        ));
                        index
                    }
                };
                frames.push(self.frame(
                    "response.output_text.delta",
                    serde_json::json!({"item_id": id, "output_index": index, "content_index": 0, "delta": delta, "logprobs": []}),
                ));
            }
            StreamEvent::ToolCall {
                id,
                name,
                arguments,
                ..
            } => {
                self.close_text(&mut frames);
                let index = self.next_output;
                self.next_output += 1;
                let item = call_item(self.calls, id, name, arguments);
                self.calls += 1;
                let done = Self::item(&item);
                let mut added = done.clone();
                added["arguments"] = "".into();
                added["status"] = "in_progress".into();
                let item_id = done["id"].clone();
                let args = done["arguments"].clone();
                frames.push(self.frame(
                    "response.output_item.added",
                    serde_json::json!({"output_index": index, "item": added}),
                ));
                frames.push(self.frame(
                    "response.function_call_arguments.delta",
                    serde_json::json!({"item_id": item_id, "output_index": index, "delta": args}),
                ));
                frames.push(self.frame(
                    "response.function_call_arguments.done",
                    serde_json::json!({"item_id": item_id, "output_index": index, "arguments": args}),
                ));
                frames.push(self.frame(
                    "response.output_item.done",
                    serde_json::json!({"output_index": index, "item": done}),
                ));
            }
            _ => {}
        }
        frames
    }

    fn finish(&mut self, answer: &Collected) -> Vec<Frame> {
        let mut frames = Vec::new();
        self.close_reasoning(&mut frames);
        self.close_text(&mut frames);
        let response = response_object(&self.ids, &self.model, Some(answer));
        let kind = if response.status == "incomplete" {
            "response.incomplete"
        } else {
            "response.completed"
        };
        let body = serde_json::to_value(response).unwrap_or_default();
        frames.push(self.frame(kind, serde_json::json!({"response": body})));
        frames
    }

    fn error(&mut self, error: &ApiError) -> Vec<Frame> {
        let code = error.type_name();
        vec![self.frame(
            "error",
            serde_json::json!({"code": code, "message": error.message, "param": null}),
        )]
    }
}

/// Handler for `POST /v1/responses`.
pub async fn responses(
    State(state): State<ServerState>,
    Extension(log): Extension<RequestLog>,
    Authenticated(client): Authenticated,
    ApiBody(body): ApiBody<ResponsesRequest>,
) -> Result<Response, ApiError> {
    let model = routing::route(&state.gateway.config(), &client, &body.model, FORMAT)?;
    let request = to_chat_request(&body)?;
    let call = proxy::open(&state, &log, &client, model, request, body.stream, FORMAT).await?;
    if body.stream {
        return Ok(proxy::sse(call, EventWriter::new(body.model.clone())).await);
    }
    let answer = call.collect().await?;
    Ok(Json(response(&body.model, &answer)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_translate_to_the_shared_model() {
        let body: ResponsesRequest = serde_json::from_value(serde_json::json!({
            "model": "m", "instructions": "be brief",
            "input": [
                {"role": "user", "content": "weather?"},
                {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "rain"},
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "tomorrow?"}]}
            ],
            "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}}]
        }))
        .unwrap();
        let chat = to_chat_request(&body).unwrap();
        assert_eq!(chat.system.as_deref(), Some("be brief"));
        let roles: Vec<Role> = chat.messages.iter().map(|m| m.role).collect();
        assert_eq!(roles, [Role::User, Role::Assistant, Role::Tool, Role::User]);
        assert_eq!(chat.tools[0].name, "get_weather");
    }

    #[test]
    fn previous_response_id_is_refused() {
        let body: ResponsesRequest = serde_json::from_value(
            serde_json::json!({"model": "m", "input": "hi", "previous_response_id": "resp_1"}),
        )
        .unwrap();
        assert_eq!(to_chat_request(&body).unwrap_err().status.as_u16(), 400);
    }

    #[test]
    fn stream_events_have_types_and_sequence_numbers() {
        let mut writer = EventWriter::new("m".into());
        let mut frames = writer.start();
        frames.extend(writer.event(&StreamEvent::TextDelta("Hi".into())));
        let mut answer = Collected::default();
        answer.apply(&StreamEvent::TextDelta("Hi".into()));
        frames.extend(writer.finish(&answer));
        let names: Vec<&str> = frames.iter().filter_map(|f| f.event).collect();
        assert_eq!(names.first(), Some(&"response.created"));
        assert!(names.contains(&"response.output_text.delta"));
        assert_eq!(names.last(), Some(&"response.completed"));
        let last: serde_json::Value = serde_json::from_str(&frames.last().unwrap().data).unwrap();
        assert_eq!(last["response"]["output"][0]["content"][0]["text"], "Hi");
        assert_eq!(last["sequence_number"], (frames.len() - 1) as u64);
    }

    #[test]
    fn reasoning_effort_and_summary_ask_for_reasoning() {
        let chat = |reasoning: serde_json::Value| {
            let body: ResponsesRequest = serde_json::from_value(
                serde_json::json!({"model": "m", "input": "hi", "reasoning": reasoning}),
            )
            .unwrap();
            to_chat_request(&body)
        };
        assert_eq!(
            chat(serde_json::json!({"effort": "low", "summary": "auto"}))
                .unwrap()
                .reasoning,
            Some(Reasoning::Effort(crate::providers::ReasoningEffort::Low))
        );
        assert_eq!(
            chat(serde_json::json!({"summary": "detailed"}))
                .unwrap()
                .reasoning,
            Some(Reasoning::Auto)
        );
        assert_eq!(chat(serde_json::json!({})).unwrap().reasoning, None);
        assert_eq!(chat(serde_json::Value::Null).unwrap().reasoning, None);
        assert_eq!(
            chat(serde_json::json!({"effort": "huge"}))
                .unwrap_err()
                .status
                .as_u16(),
            400
        );
    }

    fn reasoning_events() -> Vec<StreamEvent> {
        vec![
            StreamEvent::ReasoningDelta("Plan".into()),
            StreamEvent::ReasoningDelta(" it".into()),
            StreamEvent::ReasoningDone(None),
            StreamEvent::TextDelta("Hi".into()),
            StreamEvent::ToolCall {
                id: "call_1".into(),
                name: "f".into(),
                arguments: serde_json::json!({}),
                opaque: None,
            },
            StreamEvent::Done(StopReason::ToolUse),
        ]
    }

    #[test]
    fn reasoning_is_a_reasoning_item_with_a_summary_before_the_message() {
        let mut answer = Collected::default();
        for event in reasoning_events() {
            answer.apply(&event);
        }
        let json = serde_json::to_value(response("m", &answer)).unwrap();
        let output = json["output"].as_array().unwrap();
        let kinds: Vec<&str> = output.iter().map(|i| i["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["reasoning", "message", "function_call"]);
        assert_eq!(
            output[0]["summary"],
            serde_json::json!([{"type": "summary_text", "text": "Plan it"}])
        );
        assert!(output[0]["id"].as_str().unwrap().starts_with("rs_"));
        assert_eq!(json["output_text"], "Hi");
    }

    #[test]
    fn streamed_reasoning_follows_the_summary_event_sequence() {
        let mut writer = EventWriter::new("m".into());
        let mut frames = writer.start();
        let mut answer = Collected::default();
        for event in reasoning_events() {
            answer.apply(&event);
            frames.extend(writer.event(&event));
        }
        frames.extend(writer.finish(&answer));
        let bodies: Vec<serde_json::Value> = frames
            .iter()
            .map(|f| serde_json::from_str(&f.data).unwrap())
            .collect();
        let shape: Vec<(&str, Option<u64>)> = frames
            .iter()
            .zip(&bodies)
            .map(|(f, b)| (f.event.unwrap(), b["output_index"].as_u64()))
            .collect();
        assert_eq!(
            shape,
            [
                ("response.created", None),
                ("response.in_progress", None),
                ("response.output_item.added", Some(0)),
                ("response.reasoning_summary_part.added", Some(0)),
                ("response.reasoning_summary_text.delta", Some(0)),
                ("response.reasoning_summary_text.delta", Some(0)),
                ("response.reasoning_summary_text.done", Some(0)),
                ("response.reasoning_summary_part.done", Some(0)),
                ("response.output_item.done", Some(0)),
                ("response.output_item.added", Some(1)),
                ("response.content_part.added", Some(1)),
                ("response.output_text.delta", Some(1)),
                ("response.output_text.done", Some(1)),
                ("response.content_part.done", Some(1)),
                ("response.output_item.done", Some(1)),
                ("response.output_item.added", Some(2)),
                ("response.function_call_arguments.delta", Some(2)),
                ("response.function_call_arguments.done", Some(2)),
                ("response.output_item.done", Some(2)),
                ("response.completed", None),
            ]
        );
        let item_id = bodies[2]["item"]["id"].clone();
        assert_eq!(bodies[2]["item"]["type"], "reasoning");
        assert_eq!(bodies[2]["item"]["summary"], serde_json::json!([]));
        assert_eq!(bodies[4]["item_id"], item_id);
        assert_eq!(bodies[4]["summary_index"], 0);
        assert_eq!(bodies[4]["delta"], "Plan");
        assert_eq!(bodies[6]["text"], "Plan it");
        assert_eq!(bodies[7]["part"]["text"], "Plan it");
        assert_eq!(bodies[8]["item"]["summary"][0]["text"], "Plan it");
        // The completed response names the same reasoning item.
        let completed = &bodies.last().unwrap()["response"];
        assert_eq!(completed["output"][0]["id"], item_id);
        let sequence: Vec<u64> = bodies
            .iter()
            .map(|b| b["sequence_number"].as_u64().unwrap())
            .collect();
        assert!(sequence.windows(2).all(|w| w[1] == w[0] + 1));
    }
}
