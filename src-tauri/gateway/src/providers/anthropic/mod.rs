//! The Anthropic Messages API adapter: `POST {base}/v1/messages` with `x-api-key` and
//! `anthropic-version`, streamed as server-sent events (see [`stream`]).
//!
//! Mapping: the system prompt goes in `system`; tool results become `tool_result` blocks in a
//! `user` message and same-role runs are merged (the API requires alternation); this
//! provider's own thinking is sent back as `thinking` (with its signature) or
//! `redacted_thinking` blocks, anyone else's is dropped. Requested reasoning becomes
//! `thinking` ([`thinking`]).

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
use http::header::{HeaderMap, HeaderName, HeaderValue};
use wire::{ContentBlock, MessagesRequest, ThinkingConfig, WireMessage, WireTool};

/// The provider kind name recorded in [`crate::conversation::Opaque::provider_kind`].
pub(crate) const KIND: &str = "anthropic";
/// The API version header value.
const API_VERSION: &str = "2023-06-01";
/// Output limit when neither the request nor the config sets one (the API requires one).
const DEFAULT_MAX_TOKENS: u32 = 8192;
/// The smallest thinking budget the API accepts.
const MIN_THINKING_BUDGET: u32 = 1024;

/// A configured Anthropic provider.
pub(crate) struct AnthropicProvider {
    transport: Transport,
    /// `POST` target of every call.
    endpoint: Endpoint,
    max_tokens: Option<u32>,
}

impl AnthropicProvider {
    /// An adapter sending to `base_url` (without `/v1`).
    pub fn new(transport: Transport, base_url: String, max_tokens: Option<u32>) -> Self {
        AnthropicProvider {
            transport,
            endpoint: Endpoint::new(format!("{base_url}/v1/messages")),
            max_tokens,
        }
    }

    /// The request body for `request`.
    fn body(&self, request: &ChatRequest, names: &ToolNames) -> MessagesRequest {
        let (system, messages) = portable::prepare(
            request.system.as_deref(),
            &request.messages,
            KIND,
            self.id(),
        );
        let runs = portable::merge_runs(messages, |role| match role {
            Role::Assistant => "assistant",
            _ => "user",
        });
        let messages: Vec<WireMessage> = runs
            .into_iter()
            .map(|(role, blocks)| WireMessage {
                role,
                content: tidy_thinking(
                    blocks
                        .into_iter()
                        .filter_map(|b| content_block(b, names))
                        .collect(),
                ),
            })
            .filter(|m| !m.content.is_empty())
            .fold(Vec::new(), |mut merged: Vec<WireMessage>, message| {
                // A message emptied above may leave two of the same role side by side.
                match merged.last_mut() {
                    Some(last) if last.role == message.role => last.content.extend(message.content),
                    _ => merged.push(message),
                }
                merged
            });
        let (thinking, max_tokens) =
            thinking(request.reasoning, request.max_tokens.or(self.max_tokens));
        let thinks = matches!(thinking, Some(ThinkingConfig::Enabled { .. }));
        MessagesRequest {
            model: request.model.clone(),
            max_tokens,
            system,
            messages,
            tools: request
                .tools
                .iter()
                .map(|t| WireTool {
                    name: names.wire(&t.name),
                    description: t.description.clone(),
                    input_schema: portable::parameters_schema(&t.parameters),
                })
                .collect(),
            // The API takes no temperature with thinking on (only its default, 1).
            temperature: request.temperature.filter(|_| !thinks),
            thinking,
            stream: true,
        }
    }
}

/// `thinking` for the requested reasoning, and the `max_tokens` to send with it. The API wants
/// a budget of at least [`MIN_THINKING_BUDGET`] and below `max_tokens`: the budget is capped
/// below the limit; an unset limit becomes the budget plus the default; a limit too small for
/// the least budget grows by it (so the answer keeps the room the client gave it).
fn thinking(reasoning: Option<Reasoning>, limit: Option<u32>) -> (Option<ThinkingConfig>, u32) {
    let reasoning = match reasoning {
        None => return (None, limit.unwrap_or(DEFAULT_MAX_TOKENS)),
        Some(Reasoning::Off) => {
            return (
                Some(ThinkingConfig::Disabled),
                limit.unwrap_or(DEFAULT_MAX_TOKENS),
            )
        }
        Some(reasoning) => reasoning,
    };
    let budget = reasoning.budget_tokens().max(MIN_THINKING_BUDGET);
    let (budget, max_tokens) = match limit {
        None => (budget, budget.saturating_add(DEFAULT_MAX_TOKENS)),
        Some(limit) if limit > MIN_THINKING_BUDGET => (budget.min(limit - 1), limit),
        Some(limit) => (MIN_THINKING_BUDGET, MIN_THINKING_BUDGET + limit),
    };
    (
        Some(ThinkingConfig::Enabled {
            budget_tokens: budget,
        }),
        max_tokens,
    )
}

/// One shared block as an Anthropic content block (already filtered by `prepare`).
fn content_block(block: Block, names: &ToolNames) -> Option<ContentBlock> {
    Some(match block {
        Block::Text { text } => ContentBlock::Text { text },
        Block::ToolCall {
            id,
            name,
            arguments,
            ..
        } => ContentBlock::ToolUse {
            id: portable::wire_call_id(&id),
            name: names.wire(&name),
            input: portable::arguments_object(&arguments),
        },
        Block::ToolResult {
            call_id,
            content,
            is_error,
        } => ContentBlock::ToolResult {
            tool_use_id: portable::wire_call_id(&call_id),
            content,
            is_error,
        },
        Block::Reasoning { text, opaque } => {
            let opaque = opaque?;
            match opaque.kind.as_str() {
                "redacted_thinking" => ContentBlock::RedactedThinking { data: opaque.data },
                _ => ContentBlock::Thinking {
                    thinking: text,
                    signature: opaque.data,
                },
            }
        }
    })
}

/// Keeps only thinking blocks the API accepts back: leading ones (it requires thinking first),
/// complete ones (non-empty text and signature), and only when an answer (text or tool use)
/// follows (a message may not end with thinking). Omitting earlier thinking is allowed.
fn tidy_thinking(content: Vec<ContentBlock>) -> Vec<ContentBlock> {
    let has_answer = content
        .iter()
        .any(|b| matches!(b, ContentBlock::Text { .. } | ContentBlock::ToolUse { .. }));
    let mut leading = true;
    content
        .into_iter()
        .filter(|block| match block {
            ContentBlock::Thinking {
                thinking,
                signature,
            } => has_answer && leading && !thinking.is_empty() && !signature.is_empty(),
            ContentBlock::RedactedThinking { data } => has_answer && leading && !data.is_empty(),
            _ => {
                leading = false;
                true
            }
        })
        .collect()
}

/// Parses an Anthropic error body.
pub(crate) fn parse_error(body: &str) -> Option<ErrorDetails> {
    let envelope: wire::ErrorEnvelope = serde_json::from_str(body).ok()?;
    Some(error_details(envelope.error))
}

/// The details of an error object (HTTP body or mid-stream `error` event).
fn error_details(error: wire::ErrorObject) -> ErrorDetails {
    let hint = match error.kind.as_str() {
        "authentication_error" | "permission_error" => Hint::Auth,
        "rate_limit_error" => Hint::RateLimited,
        "overloaded_error" => Hint::Overloaded,
        "api_error" => Hint::Server,
        // Anthropic reports an over-long prompt only through this message text.
        "invalid_request_error" if error.message.contains("prompt is too long") => {
            Hint::ContextTooLong
        }
        "request_too_large" => Hint::ContextTooLong,
        "invalid_request_error" | "not_found_error" => Hint::InvalidRequest,
        _ => Hint::None,
    };
    ErrorDetails::new(error.message, hint)
}

#[async_trait::async_trait]
impl Provider for AnthropicProvider {
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
        headers.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(API_VERSION),
        );
        self.transport.with_key(
            &mut headers,
            HeaderName::from_static("x-api-key"),
            "",
            key.as_ref(),
        )?;
        let bytes = self
            .transport
            .post_stream(&self.endpoint, headers, &body, key.as_ref(), parse_error)
            .await?;
        Ok(sse::decode(
            self.id(),
            bytes,
            StreamDecoder::new(self.id(), names).with_key(key),
        ))
    }
}
