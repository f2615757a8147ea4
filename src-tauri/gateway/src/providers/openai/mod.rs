//! The OpenAI Responses API adapter: `POST {base}/responses` with `store: false`,
//! `stream: true` and `include: ["reasoning.encrypted_content"]`, streamed as typed events
//! (see [`stream`]).
//!
//! Mapping: the system prompt goes in `instructions`; messages become `message` items, tool
//! calls `function_call` items, tool results `function_call_output` items; this provider's own
//! reasoning goes back as `reasoning` items (id + encrypted content), anyone else's is dropped.
//! Requested reasoning becomes `reasoning: {effort, summary}` on reasoning models only
//! ([`reasoning_config`]).

mod error;
mod stream;
#[cfg(test)]
mod tests;
mod wire;

pub(crate) use error::{hint, parse_error};
pub(crate) use stream::StreamDecoder;

use super::http::{Endpoint, Transport};
use super::portable::{self, ToolNames};
use super::{sse, ChatRequest, EventStream, Provider, ProviderError, Reasoning};
use crate::conversation::{Block, Role};
use crate::keys::Secret;
use http::header::{HeaderMap, AUTHORIZATION};
use wire::{FunctionTool, InputItem, ReasoningConfig, ResponsesRequest, SummaryText};

/// The provider kind name recorded in [`crate::conversation::Opaque::provider_kind`].
pub(crate) const KIND: &str = "openai";

/// A configured OpenAI provider.
pub(crate) struct OpenAiProvider {
    transport: Transport,
    /// `POST` target of every call.
    endpoint: Endpoint,
    max_tokens: Option<u32>,
}

impl OpenAiProvider {
    /// An adapter sending to `base_url` (which includes `/v1`).
    pub fn new(transport: Transport, base_url: String, max_tokens: Option<u32>) -> Self {
        OpenAiProvider {
            transport,
            endpoint: Endpoint::new(format!("{base_url}/responses")),
            max_tokens,
        }
    }

    /// The request body for `request`.
    fn body(&self, request: &ChatRequest, names: &ToolNames) -> ResponsesRequest {
        let reasoning = is_reasoning_model(&request.model);
        let (instructions, messages) = portable::prepare(
            request.system.as_deref(),
            &request.messages,
            KIND,
            self.id(),
        );
        let mut input = Vec::new();
        for message in messages {
            let role = match message.role {
                Role::Assistant => "assistant",
                _ => "user",
            };
            // The API rejects a reasoning item "without its required following item" (an
            // answer cancelled right after reasoning): keep only reasoning that is followed.
            let mut followed = false;
            let mut items: Vec<InputItem> = message
                .blocks
                .into_iter()
                .rev()
                .filter_map(|block| input_item(role, block, names))
                // Reasoning goes back only to reasoning models (a model switch within the
                // provider may land on one that cannot read it).
                .filter(|item| reasoning || !matches!(item, InputItem::Reasoning { .. }))
                .filter(|item| {
                    let keep = followed || !matches!(item, InputItem::Reasoning { .. });
                    followed |= !matches!(item, InputItem::Reasoning { .. });
                    keep
                })
                .collect();
            items.reverse();
            input.extend(items);
        }
        ResponsesRequest {
            model: request.model.clone(),
            instructions,
            input,
            tools: request
                .tools
                .iter()
                .map(|t| FunctionTool {
                    kind: "function",
                    name: names.wire(&t.name),
                    description: t.description.clone(),
                    parameters: portable::parameters_schema(&t.parameters),
                    strict: false,
                })
                .collect(),
            store: false,
            stream: true,
            // Only reasoning models accept this (others answer 400 "Encrypted content is not
            // supported with this model").
            include: if reasoning {
                vec!["reasoning.encrypted_content"]
            } else {
                Vec::new()
            },
            max_output_tokens: request.max_tokens.or(self.max_tokens),
            // Reasoning models reject sampling parameters.
            temperature: request.temperature.filter(|_| !reasoning),
            reasoning: request
                .reasoning
                .filter(|_| reasoning)
                .map(reasoning_config),
        }
    }
}

/// `reasoning` for the requested reasoning (sent to reasoning models only: others answer 400).
/// These models cannot stop reasoning; off is `low`, the least effort every one of them
/// accepts, with no summary. On, the reasoning is summarised (`auto`) so it can be shown.
fn reasoning_config(requested: Reasoning) -> ReasoningConfig {
    match requested.effort() {
        None => ReasoningConfig {
            effort: Some("low"),
            summary: None,
        },
        Some(effort) => ReasoningConfig {
            // `Auto` leaves the effort to the model.
            effort: (requested != Reasoning::Auto).then_some(effort.as_str()),
            summary: Some("auto"),
        },
    }
}

/// Whether `model` is a reasoning model (o-series, GPT-5 except its chat variants, gpt-oss,
/// codex): those stream encrypted reasoning and take no temperature.
fn is_reasoning_model(model: &str) -> bool {
    let model = model.rsplit('/').next().unwrap_or(model);
    let o_series = model.len() > 1
        && model.starts_with('o')
        && model[1..].starts_with(|c: char| c.is_ascii_digit());
    o_series
        || (model.starts_with("gpt-5") && !model.contains("-chat"))
        || model.starts_with("gpt-oss")
        || model.contains("codex")
}

/// One shared block as a Responses input item (already filtered by `prepare`).
fn input_item(role: &'static str, block: Block, names: &ToolNames) -> Option<InputItem> {
    Some(match block {
        Block::Text { text } => InputItem::Message {
            role,
            content: text,
        },
        Block::ToolCall {
            id,
            name,
            arguments,
            ..
        } => InputItem::FunctionCall {
            call_id: portable::wire_call_id(&id),
            name: names.wire(&name),
            arguments: portable::arguments_object(&arguments).to_string(),
        },
        Block::ToolResult {
            call_id,
            content,
            is_error,
        } => InputItem::FunctionCallOutput {
            call_id: portable::wire_call_id(&call_id),
            output: if is_error {
                format!("Error: {content}")
            } else {
                content
            },
        },
        Block::Reasoning { text, opaque } => {
            let opaque = opaque?;
            InputItem::Reasoning {
                id: opaque.item_id?,
                summary: if text.is_empty() {
                    Vec::new()
                } else {
                    vec![SummaryText {
                        kind: "summary_text".into(),
                        text,
                    }]
                },
                encrypted_content: opaque.data,
            }
        }
    })
}

#[async_trait::async_trait]
impl Provider for OpenAiProvider {
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
        self.transport
            .with_key(&mut headers, AUTHORIZATION, "Bearer ", key.as_ref())?;
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
