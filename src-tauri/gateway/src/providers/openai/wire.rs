//! The OpenAI Responses API wire format (the subset Hearth speaks), as typed serde structs.

use serde::{Deserialize, Serialize};

/// `POST /responses` body. `store: false`: the cloud keeps no state, so the whole context is
/// sent every time and reasoning travels back as encrypted content.
#[derive(Debug, Serialize)]
pub(super) struct ResponsesRequest {
    pub model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    pub input: Vec<InputItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<FunctionTool>,
    pub store: bool,
    pub stream: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<ReasoningConfig>,
}

/// `reasoning`: the effort, and `summary: "auto"` to have the reasoning summarised (streamed
/// as `response.reasoning_summary_text.delta`; without it no reasoning text comes back).
#[derive(Debug, PartialEq, Eq, Serialize)]
pub(super) struct ReasoningConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'static str>,
}

/// One input item.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum InputItem {
    Message {
        role: &'static str,
        content: String,
    },
    FunctionCall {
        call_id: String,
        name: String,
        arguments: String,
    },
    FunctionCallOutput {
        call_id: String,
        output: String,
    },
    Reasoning {
        id: String,
        summary: Vec<SummaryText>,
        encrypted_content: String,
    },
}

/// A reasoning summary part (`{"type": "summary_text", "text": ...}`).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SummaryText {
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
}

/// A function tool.
#[derive(Debug, Serialize)]
pub(super) struct FunctionTool {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub description: String,
    pub parameters: serde_json::Value,
    pub strict: bool,
}

/// One streamed event (the `type` field of each SSE `data`).
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
pub(super) enum StreamMessage {
    #[serde(rename = "response.output_text.delta")]
    OutputTextDelta { delta: String },
    #[serde(rename = "response.refusal.delta")]
    RefusalDelta { delta: String },
    #[serde(rename = "response.reasoning_summary_text.delta")]
    ReasoningSummaryDelta { delta: String },
    #[serde(rename = "response.reasoning_text.delta")]
    ReasoningTextDelta { delta: String },
    #[serde(rename = "response.reasoning_summary_part.added")]
    ReasoningSummaryPartAdded {
        #[serde(default)]
        summary_index: u32,
    },
    #[serde(rename = "response.output_item.done")]
    OutputItemDone { item: OutputItem },
    #[serde(rename = "response.completed")]
    Completed { response: ResponseObject },
    #[serde(rename = "response.incomplete")]
    Incomplete { response: ResponseObject },
    #[serde(rename = "response.failed")]
    Failed { response: ResponseObject },
    #[serde(rename = "error")]
    Error {
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: String,
    },
    #[serde(other)]
    Unknown,
}

/// A finished output item.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum OutputItem {
    FunctionCall {
        call_id: String,
        name: String,
        #[serde(default)]
        arguments: String,
    },
    Reasoning {
        id: String,
        #[serde(default)]
        encrypted_content: Option<String>,
    },
    #[serde(other)]
    Other,
}

/// The response object carried by `response.completed` / `.incomplete` / `.failed`.
#[derive(Debug, Deserialize)]
pub(super) struct ResponseObject {
    #[serde(default)]
    pub usage: Option<WireUsage>,
    #[serde(default)]
    pub error: Option<ResponseError>,
    #[serde(default)]
    pub incomplete_details: Option<IncompleteDetails>,
}

/// `response.error`.
#[derive(Debug, Deserialize)]
pub(super) struct ResponseError {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: String,
}

/// `response.incomplete_details`.
#[derive(Debug, Deserialize)]
pub(super) struct IncompleteDetails {
    #[serde(default)]
    pub reason: Option<String>,
}

/// `ResponseUsage`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct WireUsage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub input_tokens_details: Option<InputDetails>,
    #[serde(default)]
    pub output_tokens_details: Option<OutputDetails>,
}

/// `input_tokens_details`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct InputDetails {
    #[serde(default)]
    pub cached_tokens: u64,
}

/// `output_tokens_details`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct OutputDetails {
    #[serde(default)]
    pub reasoning_tokens: u64,
}
