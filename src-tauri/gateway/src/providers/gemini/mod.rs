//! The Gemini adapter: `POST {base}/models/{model}:streamGenerateContent?alt=sse` with the key
//! in `x-goog-api-key`, streamed as server-sent events (see [`stream`]).
//!
//! Mapping: the system prompt goes in `systemInstruction`; turns are `user` / `model` with
//! same-role runs merged; tool calls are `functionCall` parts and results `functionResponse`
//! parts in a user turn, answered by name in call order (Gemini has no call ids, so ids are
//! generated on the way in). This provider's own thought signatures go back on the part they
//! came with (thought parts, function calls); anyone else's are dropped. A model turn whose
//! calls came from another provider gets Gemini's documented placeholder signature on Gemini 3
//! and later, which reject unsigned calls. Thought signatures on plain text parts are not kept
//! (optional per the API). Requested reasoning becomes `generationConfig.thinkingConfig`
//! ([`thinking_config`]).

mod stream;
#[cfg(test)]
mod tests;
mod wire;

pub(crate) use stream::StreamDecoder;

use super::error_body::{ErrorDetails, Hint};
use super::http::{Endpoint, Transport};
use super::portable::{self, ToolNames};
use super::{sse, ChatRequest, EventStream, Provider, ProviderError, Reasoning};
use crate::conversation::{Block, Role};
use crate::keys::Secret;
use http::header::{HeaderMap, HeaderName};
use std::collections::HashMap;
use std::time::Duration;
use wire::{
    Content, FunctionCall, FunctionDeclaration, FunctionResponse, GenerateRequest,
    GenerationConfig, Part, ThinkingConfig, Tool,
};

/// The provider kind name recorded in [`crate::conversation::Opaque::provider_kind`].
pub(crate) const KIND: &str = "gemini";

/// A configured Gemini provider.
pub(crate) struct GeminiProvider {
    transport: Transport,
    base_url: String,
    max_tokens: Option<u32>,
}

impl GeminiProvider {
    /// An adapter sending to `base_url` (which includes `/v1beta`).
    pub fn new(transport: Transport, base_url: String, max_tokens: Option<u32>) -> Self {
        GeminiProvider {
            transport,
            base_url,
            max_tokens,
        }
    }

    /// The request body for `request`.
    fn body(&self, request: &ChatRequest, names: &ToolNames) -> GenerateRequest {
        let (system, messages) = portable::prepare(
            request.system.as_deref(),
            &request.messages,
            KIND,
            self.id(),
        );
        let call_names = portable::call_names(&messages);
        let call_order: HashMap<String, usize> = messages
            .iter()
            .flat_map(|m| m.tool_calls())
            .enumerate()
            .map(|(n, (id, _, _))| (id.to_string(), n))
            .collect();
        let runs = portable::merge_runs(messages, |role| match role {
            Role::Assistant => "model",
            _ => "user",
        });
        let contents = runs
            .into_iter()
            .map(|(role, blocks)| {
                let mut results: Vec<(usize, Part)> = Vec::new();
                let mut parts = Vec::new();
                for block in blocks {
                    if let Block::ToolResult { call_id, .. } = &block {
                        let order = call_order.get(call_id).copied().unwrap_or(usize::MAX);
                        results.extend(part(block, names, &call_names).map(|p| (order, p)));
                    } else {
                        parts.extend(part(block, names, &call_names));
                    }
                }
                results.sort_by_key(|(order, _)| *order);
                let mut all: Vec<Part> = results.into_iter().map(|(_, p)| p).collect();
                all.extend(parts);
                if role == "model" && requires_call_signatures(&request.model) {
                    sign_first_call(&mut all);
                }
                Content {
                    role: Some(role.to_string()),
                    parts: all,
                }
            })
            .filter(|c| !c.parts.is_empty())
            .collect();
        let tools = if request.tools.is_empty() {
            Vec::new()
        } else {
            vec![Tool {
                function_declarations: request
                    .tools
                    .iter()
                    .map(|t| FunctionDeclaration {
                        name: names.wire(&t.name),
                        description: t.description.clone(),
                        parameters_json_schema: portable::parameters_schema(&t.parameters),
                    })
                    .collect(),
            }]
        };
        let max_output_tokens = request.max_tokens.or(self.max_tokens);
        let thinking_config = request.reasoning.map(thinking_config);
        let generation_config = (max_output_tokens.is_some()
            || request.temperature.is_some()
            || thinking_config.is_some())
        .then_some(GenerationConfig {
            max_output_tokens,
            temperature: request.temperature,
            thinking_config,
        });
        GenerateRequest {
            contents,
            system_instruction: system.map(|text| Content {
                role: None,
                parts: vec![Part {
                    text: Some(text),
                    ..Part::default()
                }],
            }),
            tools,
            generation_config,
        }
    }
}

/// `thinkingConfig` for the requested reasoning: on, thoughts are included and the budget is
/// the requested one (none for `Auto`: the model decides); off is a budget of 0.
fn thinking_config(reasoning: Reasoning) -> ThinkingConfig {
    match reasoning {
        Reasoning::Off => ThinkingConfig {
            include_thoughts: None,
            thinking_budget: Some(0),
        },
        Reasoning::Auto => ThinkingConfig {
            include_thoughts: Some(true),
            thinking_budget: None,
        },
        other => ThinkingConfig {
            include_thoughts: Some(true),
            thinking_budget: Some(other.budget_tokens()),
        },
    }
}

/// The documented placeholder for a function call whose signature is unknown (it was made by
/// another provider): Gemini 3 and later reject a model turn whose calls carry none.
const UNKNOWN_SIGNATURE: &str = "skip_thought_signature_validator";

/// Whether `model` validates thought signatures on function calls (Gemini 3 and later).
fn requires_call_signatures(model: &str) -> bool {
    let model = model.trim_start_matches("models/");
    !(model.starts_with("gemini-1") || model.starts_with("gemini-2") || model.starts_with("gemma"))
}

/// Gives the first function call of a model turn the placeholder signature when none of its
/// calls carries a real one (only the first call of a step is validated).
fn sign_first_call(parts: &mut [Part]) {
    let mut calls = parts.iter_mut().filter(|p| p.function_call.is_some());
    let Some(first) = calls.next() else { return };
    if first.thought_signature.is_none() && calls.all(|p| p.thought_signature.is_none()) {
        first.thought_signature = Some(UNKNOWN_SIGNATURE.to_string());
    }
}

/// One shared block as a Gemini part (already filtered by `prepare`).
fn part(block: Block, names: &ToolNames, call_names: &HashMap<String, String>) -> Option<Part> {
    Some(match block {
        Block::Text { text } => Part {
            text: Some(text),
            ..Part::default()
        },
        Block::ToolCall {
            name,
            arguments,
            opaque,
            ..
        } => Part {
            function_call: Some(FunctionCall {
                id: None,
                name: names.wire(&name),
                args: Some(portable::arguments_object(&arguments)),
            }),
            thought_signature: opaque.map(|o| o.data),
            ..Part::default()
        },
        Block::ToolResult {
            call_id,
            content,
            is_error,
        } => {
            let name = call_names.get(&call_id).map_or("tool", String::as_str);
            let mut response = serde_json::Map::new();
            let field = if is_error { "error" } else { "result" };
            response.insert(field.into(), serde_json::Value::String(content));
            Part {
                function_response: Some(FunctionResponse {
                    name: names.wire(name),
                    response: serde_json::Value::Object(response),
                }),
                ..Part::default()
            }
        }
        Block::Reasoning { text, opaque } => Part {
            text: Some(text),
            thought: true,
            thought_signature: Some(opaque?.data),
            ..Part::default()
        },
    })
}

/// Parses a Gemini error body.
pub(crate) fn parse_error(body: &str) -> Option<ErrorDetails> {
    // Some Gemini errors arrive wrapped in a one-element array.
    let envelope = serde_json::from_str::<wire::ErrorEnvelope>(body)
        .or_else(|_| {
            serde_json::from_str::<Vec<wire::ErrorEnvelope>>(body)?
                .pop()
                .ok_or_else(|| <serde_json::Error as serde::de::Error>::custom("empty"))
        })
        .ok()?;
    Some(error_details(envelope.error))
}

/// The details of a `google.rpc.Status` error.
fn error_details(error: wire::ErrorObject) -> ErrorDetails {
    let key_invalid = error
        .details
        .iter()
        .any(|d| d.reason.as_deref() == Some("API_KEY_INVALID"));
    let hint = match error.status.as_str() {
        _ if key_invalid => Hint::Auth,
        "UNAUTHENTICATED" | "PERMISSION_DENIED" => Hint::Auth,
        "RESOURCE_EXHAUSTED" => Hint::RateLimited,
        "UNAVAILABLE" => Hint::Overloaded,
        // Gemini reports an over-long prompt only through this message text.
        "INVALID_ARGUMENT"
            if error
                .message
                .contains("exceeds the maximum number of tokens") =>
        {
            Hint::ContextTooLong
        }
        "INVALID_ARGUMENT" | "FAILED_PRECONDITION" | "NOT_FOUND" => Hint::InvalidRequest,
        "INTERNAL" | "DEADLINE_EXCEEDED" => Hint::Server,
        _ => Hint::None,
    };
    let mut details = ErrorDetails::new(error.message, hint);
    details.retry_after = error
        .details
        .iter()
        .find_map(|d| d.retry_delay.as_deref().and_then(parse_proto_duration));
    details
}

/// A proto3 JSON duration (`"30s"`, `"1.5s"`).
fn parse_proto_duration(text: &str) -> Option<Duration> {
    let seconds: f64 = text.strip_suffix('s')?.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[async_trait::async_trait]
impl Provider for GeminiProvider {
    fn id(&self) -> &str {
        &self.transport.provider_id
    }

    async fn stream(
        &self,
        request: ChatRequest,
        key: Option<Secret>,
    ) -> Result<EventStream, ProviderError> {
        let names = ToolNames::new(&request.tools);
        let body = self.body(&request, &names);
        let mut headers = HeaderMap::new();
        self.transport.with_key(
            &mut headers,
            HeaderName::from_static("x-goog-api-key"),
            "",
            key.as_ref(),
        )?;
        let model = request.model.trim_start_matches("models/");
        let valid = !model.is_empty()
            && model
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(ProviderError::InvalidRequest {
                provider: self.id().to_string(),
                status: 0,
                message: format!("'{model}' is not a valid Gemini model name"),
            });
        }
        let url = Endpoint::new(format!(
            "{}/models/{model}:streamGenerateContent?alt=sse",
            self.base_url
        ));
        let bytes = self
            .transport
            .post_stream(&url, headers, &body, key.as_ref(), parse_error)
            .await?;
        Ok(sse::decode(
            self.id(),
            bytes,
            StreamDecoder::new(self.id(), names).with_key(key),
        ))
    }
}
