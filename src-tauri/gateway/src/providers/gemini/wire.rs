//! The Gemini `generateContent` wire format (proto3 JSON mapping, camelCase), the subset Hearth
//! speaks, as typed serde structs.

use serde::{Deserialize, Serialize};

/// `POST /models/{model}:streamGenerateContent?alt=sse` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GenerateRequest {
    pub contents: Vec<Content>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_instruction: Option<Content>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation_config: Option<GenerationConfig>,
}

/// A turn: `user` or `model` (no role for the system instruction).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Content {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default)]
    pub parts: Vec<Part>,
}

/// One part of a turn.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Part {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_call: Option<FunctionCall>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_response: Option<FunctionResponse>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub thought: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thought_signature: Option<String>,
}

/// `FunctionCall` (the model asks; the optional id is kept when given).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct FunctionCall {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub args: Option<serde_json::Value>,
}

/// `FunctionResponse` (answered by name, in call order).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct FunctionResponse {
    pub name: String,
    pub response: serde_json::Value,
}

/// Tools: function declarations with full JSON Schema parameters.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Tool {
    pub function_declarations: Vec<FunctionDeclaration>,
}

/// One function declaration.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FunctionDeclaration {
    pub name: String,
    pub description: String,
    pub parameters_json_schema: serde_json::Value,
}

/// `generationConfig`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GenerationConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_config: Option<ThinkingConfig>,
}

/// `thinkingConfig`: whether thoughts come back, and the thinking budget (0 = off).
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ThinkingConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_thoughts: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_budget: Option<u32>,
}

/// One streamed `GenerateContentResponse` (or an error object sent mid-stream).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StreamChunk {
    #[serde(default)]
    pub candidates: Vec<Candidate>,
    #[serde(default)]
    pub usage_metadata: Option<UsageMetadata>,
    #[serde(default)]
    pub prompt_feedback: Option<PromptFeedback>,
    #[serde(default)]
    pub error: Option<ErrorObject>,
}

/// A candidate answer (Hearth asks for one).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Candidate {
    #[serde(default)]
    pub content: Option<Content>,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// `promptFeedback`: set when the prompt itself was blocked.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PromptFeedback {
    #[serde(default)]
    pub block_reason: Option<String>,
}

/// `usageMetadata`: `promptTokenCount` includes cached tokens; thoughts are counted apart from
/// `candidatesTokenCount`.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UsageMetadata {
    #[serde(default)]
    pub prompt_token_count: u64,
    #[serde(default)]
    pub cached_content_token_count: u64,
    #[serde(default)]
    pub candidates_token_count: u64,
    #[serde(default)]
    pub thoughts_token_count: u64,
}

/// An error body: `{"error": {"code": 429, "message": ..., "status": ..., "details": [...]}}`.
#[derive(Debug, Deserialize)]
pub(super) struct ErrorEnvelope {
    pub error: ErrorObject,
}

/// `google.rpc.Status`.
#[derive(Debug, Deserialize)]
pub(super) struct ErrorObject {
    #[serde(default)]
    pub code: u16,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub details: Vec<ErrorDetail>,
}

/// One `details` entry; `google.rpc.RetryInfo` and `google.rpc.ErrorInfo` are read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ErrorDetail {
    #[serde(default)]
    pub retry_delay: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}
