//! The Gemini `generateContent` wire format as the local API receives and answers it (proto3
//! JSON mapping: camelCase, with the proto's snake_case names accepted too, as Google's own
//! server does). The subset Hearth translates: text, `functionCall` and `functionResponse`
//! parts, function declarations, `systemInstruction`, the generation limits and
//! `thinkingConfig`; answers carry thoughts as parts with `thought: true`.

use serde::{Deserialize, Serialize};

/// `POST /v1beta/models/{model}:generateContent` (and `:streamGenerateContent`) body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateContentRequest {
    /// The conversation, oldest first.
    #[serde(default)]
    pub contents: Vec<Content>,
    /// The system prompt.
    #[serde(default, alias = "system_instruction")]
    pub system_instruction: Option<Content>,
    /// Tools the model may call.
    #[serde(default)]
    pub tools: Vec<Tool>,
    /// Output limits and sampling.
    #[serde(default, alias = "generation_config")]
    pub generation_config: Option<GenerationConfig>,
    /// A cached context on Google's side (refused: Hearth keeps no provider-side state).
    #[serde(default, alias = "cached_content")]
    pub cached_content: Option<String>,
}

/// A turn: `user` or `model` (no role in `systemInstruction`).
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Content {
    /// `user`, `model` (or the older `function`); absent means `user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The parts of the turn.
    #[serde(default)]
    pub parts: Vec<Part>,
}

/// One part of a turn. Exactly one data field is set.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Part {
    /// Text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A call the model made.
    #[serde(
        default,
        alias = "function_call",
        skip_serializing_if = "Option::is_none"
    )]
    pub function_call: Option<FunctionCall>,
    /// The client's answer to a call.
    #[serde(
        default,
        alias = "function_response",
        skip_serializing_if = "Option::is_none"
    )]
    pub function_response: Option<FunctionResponse>,
    /// Whether this part is the model's thinking.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub thought: bool,
    /// Inline bytes (images, audio…): refused.
    #[serde(default, alias = "inline_data", skip_serializing)]
    pub inline_data: Option<serde_json::Value>,
    /// A file reference: refused.
    #[serde(default, alias = "file_data", skip_serializing)]
    pub file_data: Option<serde_json::Value>,
    /// Code the model ran on Google's side: refused.
    #[serde(default, alias = "executable_code", skip_serializing)]
    pub executable_code: Option<serde_json::Value>,
    /// Its result: refused.
    #[serde(default, alias = "code_execution_result", skip_serializing)]
    pub code_execution_result: Option<serde_json::Value>,
}

impl Part {
    /// Whether the part carries a kind of data Hearth does not translate.
    pub fn is_unsupported(&self) -> bool {
        self.inline_data.is_some()
            || self.file_data.is_some()
            || self.executable_code.is_some()
            || self.code_execution_result.is_some()
    }
}

/// `FunctionCall`: the model asks the client to run a function.
#[derive(Debug, Deserialize, Serialize)]
pub struct FunctionCall {
    /// The call's id (optional on the wire; Hearth always sends one back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The function's name.
    pub name: String,
    /// The arguments object.
    #[serde(default)]
    pub args: Option<serde_json::Value>,
}

/// `FunctionResponse`: the client's result of a call, matched by id or else by name.
#[derive(Debug, Deserialize, Serialize)]
pub struct FunctionResponse {
    /// The id of the call answered, when the client echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The function's name.
    pub name: String,
    /// The result object (`{"result": …}`, `{"output": …}`, `{"error": …}` or any object).
    #[serde(default)]
    pub response: serde_json::Value,
}

/// A tool: function declarations. Google's built-in tools (search, code execution…) run on
/// Google's side and are refused.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    /// The functions.
    #[serde(default, alias = "function_declarations")]
    pub function_declarations: Vec<FunctionDeclaration>,
    /// Any other tool kind, by name.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// One function the model may call.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionDeclaration {
    /// Its name.
    pub name: String,
    /// What it does.
    #[serde(default)]
    pub description: Option<String>,
    /// Parameters as a Gemini `Schema` (an OpenAPI subset, upper-case type names).
    #[serde(default)]
    pub parameters: Option<serde_json::Value>,
    /// Parameters as JSON Schema.
    #[serde(default, alias = "parameters_json_schema")]
    pub parameters_json_schema: Option<serde_json::Value>,
}

/// `generationConfig`: the fields Hearth forwards or checks.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationConfig {
    /// Output token limit.
    #[serde(default, alias = "max_output_tokens")]
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(default)]
    pub temperature: Option<f32>,
    /// Number of candidates (only 1 is supported).
    #[serde(default, alias = "candidate_count")]
    pub candidate_count: Option<u32>,
    /// Thinking: budget or level, and whether thoughts come back.
    #[serde(default, alias = "thinking_config")]
    pub thinking_config: Option<ThinkingConfig>,
}

/// `thinkingConfig`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThinkingConfig {
    /// Return thoughts as `thought` parts.
    #[serde(default, alias = "include_thoughts")]
    pub include_thoughts: Option<bool>,
    /// Thinking tokens: 0 off, -1 the model decides.
    #[serde(default, alias = "thinking_budget")]
    pub thinking_budget: Option<i64>,
    /// `minimal`, `low`, `medium` or `high` (any case), the newer alternative to a budget.
    #[serde(default, alias = "thinking_level")]
    pub thinking_level: Option<String>,
}

/// A `GenerateContentResponse` (the whole answer, or one streamed chunk).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateContentResponse {
    /// The one candidate.
    pub candidates: Vec<Candidate>,
    /// Token counts (on the whole answer and on a stream's last chunk).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_metadata: Option<UsageMetadata>,
    /// The model name the client asked for.
    pub model_version: String,
    /// The answer's id (the same on every chunk of a stream).
    pub response_id: String,
}

/// One candidate answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// The model turn (or this chunk of it).
    pub content: Content,
    /// Why the model stopped (on the whole answer and on a stream's last chunk).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<&'static str>,
    /// Always 0.
    pub index: u32,
}

/// `usageMetadata`: `candidatesTokenCount` excludes thoughts, counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageMetadata {
    /// Input tokens (cached ones included).
    pub prompt_token_count: u64,
    /// Answer tokens, thoughts excluded.
    pub candidates_token_count: u64,
    /// Input plus output.
    pub total_token_count: u64,
    /// Input tokens served from the provider's cache.
    #[serde(skip_serializing_if = "is_zero")]
    pub cached_content_token_count: u64,
    /// Thinking tokens.
    #[serde(skip_serializing_if = "is_zero")]
    pub thoughts_token_count: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
