//! The answer in Gemini's shape: one `GenerateContentResponse` for `generateContent`, or one
//! per upstream text delta / tool call for `streamGenerateContent?alt=sse` (`data:` lines only,
//! no `event:` names, as Google sends them), the last one carrying `finishReason` and
//! `usageMetadata`. A failure mid-stream is a `data: {"error": …}` line, which the SDK raises.
//! When the client asked for thoughts (`includeThoughts`), the upstream's reasoning comes first
//! as parts with `thought: true` (one per reasoning delta when streamed).

use super::wire::{Candidate, Content, FunctionCall, GenerateContentResponse, Part, UsageMetadata};
use crate::conversation::Usage;
use crate::providers::{StopReason, StreamEvent};
use crate::server::error::ApiError;
use crate::server::proxy::{Collected, Frame, Translate};

/// Gemini's `finishReason` (function calls end with `STOP`, as Gemini's own do).
pub fn finish_reason(stop: StopReason) -> &'static str {
    match stop {
        StopReason::EndTurn | StopReason::ToolUse => "STOP",
        StopReason::MaxTokens => "MAX_TOKENS",
        StopReason::Refusal => "SAFETY",
        StopReason::Other => "OTHER",
    }
}

/// `usageMetadata` for the shared usage (whose output count includes thoughts).
pub fn usage_metadata(usage: &Usage) -> UsageMetadata {
    UsageMetadata {
        prompt_token_count: usage.input_tokens,
        candidates_token_count: usage.output_tokens.saturating_sub(usage.reasoning_tokens),
        total_token_count: usage.input_tokens + usage.output_tokens,
        cached_content_token_count: usage.cached_input_tokens,
        thoughts_token_count: usage.reasoning_tokens,
    }
}

/// A new response id (the same on every chunk of one stream).
pub fn new_response_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

fn text_part(text: String) -> Part {
    Part {
        text: Some(text),
        ..Part::default()
    }
}

fn thought_part(text: String) -> Part {
    Part {
        text: Some(text),
        thought: true,
        ..Part::default()
    }
}

fn call_part(id: &str, name: &str, arguments: &serde_json::Value) -> Part {
    let args = match arguments {
        serde_json::Value::Object(_) => arguments.clone(),
        other => serde_json::json!({ "value": other }),
    };
    Part {
        function_call: Some(FunctionCall {
            id: Some(id.to_string()),
            name: name.to_string(),
            args: Some(args),
        }),
        ..Part::default()
    }
}

fn model_content(parts: Vec<Part>) -> Content {
    Content {
        role: Some("model".into()),
        parts,
    }
}

/// The whole answer of `generateContent`, with its thoughts first when `thoughts`.
pub fn response(
    model: &str,
    response_id: String,
    answer: &Collected,
    thoughts: bool,
) -> GenerateContentResponse {
    let mut parts: Vec<Part> = answer
        .reasoning
        .blocks()
        .iter()
        .filter(|t| thoughts && !t.text.is_empty())
        .map(|t| thought_part(t.text.clone()))
        .collect();
    if !answer.text.is_empty() {
        parts.push(text_part(answer.text.clone()));
    }
    for (id, name, arguments) in &answer.tool_calls {
        parts.push(call_part(id, name, arguments));
    }
    GenerateContentResponse {
        candidates: vec![Candidate {
            content: model_content(parts),
            finish_reason: Some(finish_reason(answer.stop_reason())),
            index: 0,
        }],
        usage_metadata: Some(usage_metadata(&answer.usage)),
        model_version: model.to_string(),
        response_id,
    }
}

/// Stream events → `streamGenerateContent` chunks.
pub struct ChunkWriter {
    model: String,
    response_id: String,
    thoughts: bool,
}

impl ChunkWriter {
    /// A writer for one answer to a request for `model`; `thoughts`: stream reasoning as
    /// thought parts.
    pub fn new(model: String, thoughts: bool) -> Self {
        ChunkWriter {
            model,
            response_id: new_response_id(),
            thoughts,
        }
    }

    fn chunk(&self, part: Part) -> Frame {
        Frame::data(&GenerateContentResponse {
            candidates: vec![Candidate {
                content: model_content(vec![part]),
                finish_reason: None,
                index: 0,
            }],
            usage_metadata: None,
            model_version: self.model.clone(),
            response_id: self.response_id.clone(),
        })
    }
}

impl Translate for ChunkWriter {
    fn start(&mut self) -> Vec<Frame> {
        Vec::new()
    }

    fn event(&mut self, event: &StreamEvent) -> Vec<Frame> {
        match event {
            StreamEvent::TextDelta(text) if !text.is_empty() => {
                vec![self.chunk(text_part(text.clone()))]
            }
            StreamEvent::ReasoningDelta(text) if self.thoughts && !text.is_empty() => {
                vec![self.chunk(thought_part(text.clone()))]
            }
            StreamEvent::ToolCall {
                id,
                name,
                arguments,
                ..
            } => vec![self.chunk(call_part(id, name, arguments))],
            _ => Vec::new(),
        }
    }

    fn finish(&mut self, answer: &Collected) -> Vec<Frame> {
        // Like Gemini's last chunk: an empty text part, the finish reason and the usage.
        vec![Frame::data(&GenerateContentResponse {
            candidates: vec![Candidate {
                content: model_content(vec![text_part(String::new())]),
                finish_reason: Some(finish_reason(answer.stop_reason())),
                index: 0,
            }],
            usage_metadata: Some(usage_metadata(&answer.usage)),
            model_version: self.model.clone(),
            response_id: self.response_id.clone(),
        })]
    }

    fn error(&mut self, error: &ApiError) -> Vec<Frame> {
        vec![Frame {
            event: None,
            data: error.body_json(),
        }]
    }
}
