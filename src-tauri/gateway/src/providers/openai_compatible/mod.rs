//! The Chat Completions adapter for OpenAI-compatible servers (Ollama, llama.cpp, LM Studio,
//! OpenRouter, vLLM...): `POST {base}/chat/completions` with `stream: true` and
//! `stream_options.include_usage`; the key is optional (`Authorization: Bearer`).
//!
//! Mapping: the system prompt is a `system` message; tool calls are `tool_calls` on the
//! assistant message and results are `tool` messages; reasoning is never sent back (the format
//! has no round-trip field for it). Requested reasoning becomes `reasoning_effort` (off is
//! `none`).

mod stream;
#[cfg(test)]
mod tests;
mod wire;

pub(crate) use stream::StreamDecoder;

use super::http::{Endpoint, Transport};
use super::openai::parse_error;
use super::portable::{self, ToolNames};
use super::{sse, ChatRequest, EventStream, Provider, ProviderError};
use crate::conversation::{Block, Message, Role};
use crate::keys::Secret;
use http::header::{HeaderMap, AUTHORIZATION};
use wire::{
    ChatFunction, ChatFunctionCall, ChatMessage, ChatTool, ChatToolCall, CompletionRequest,
    StreamOptions,
};

/// The provider kind name (reasoning from these servers carries no round-trip data).
pub(crate) const KIND: &str = "openai-compatible";

/// A configured OpenAI-compatible provider.
pub(crate) struct OpenAiCompatibleProvider {
    transport: Transport,
    /// `POST` target of every call.
    endpoint: Endpoint,
    max_tokens: Option<u32>,
}

impl OpenAiCompatibleProvider {
    /// An adapter sending to `base_url` (usually ending in `/v1`).
    pub fn new(transport: Transport, base_url: String, max_tokens: Option<u32>) -> Self {
        OpenAiCompatibleProvider {
            transport,
            endpoint: Endpoint::new(format!("{base_url}/chat/completions")),
            max_tokens,
        }
    }

    /// The request body for `request`.
    fn body(&self, request: &ChatRequest, names: &ToolNames) -> CompletionRequest {
        let (system, messages) = portable::prepare(
            request.system.as_deref(),
            &request.messages,
            KIND,
            self.id(),
        );
        let mut wire_messages: Vec<ChatMessage> = system
            .map(|content| ChatMessage::System { content })
            .into_iter()
            .collect();
        for message in messages {
            wire_messages.extend(chat_messages(message, names));
        }
        CompletionRequest {
            model: request.model.clone(),
            messages: wire_messages,
            tools: request
                .tools
                .iter()
                .map(|t| ChatTool {
                    kind: "function",
                    function: ChatFunction {
                        name: names.wire(&t.name),
                        description: t.description.clone(),
                        parameters: portable::parameters_schema(&t.parameters),
                    },
                })
                .collect(),
            stream: true,
            stream_options: StreamOptions {
                include_usage: true,
            },
            max_tokens: request.max_tokens.or(self.max_tokens),
            temperature: request.temperature,
            reasoning_effort: request
                .reasoning
                .map(|r| r.effort().map_or("none", |e| e.as_str())),
        }
    }
}

/// One shared message as Chat Completions messages: an assistant message carries its text and
/// tool calls together; each tool result is its own `tool` message.
fn chat_messages(message: Message, names: &ToolNames) -> Vec<ChatMessage> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut tool_calls = Vec::new();
    for block in message.blocks {
        match block {
            Block::Text { text: t } => {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&t);
            }
            Block::ToolCall {
                id,
                name,
                arguments,
                ..
            } => tool_calls.push(ChatToolCall {
                id: portable::wire_call_id(&id),
                kind: "function",
                function: ChatFunctionCall {
                    name: names.wire(&name),
                    arguments: portable::arguments_object(&arguments).to_string(),
                },
            }),
            Block::ToolResult {
                call_id,
                content,
                is_error,
            } => out.push(ChatMessage::Tool {
                tool_call_id: portable::wire_call_id(&call_id),
                content: if is_error {
                    format!("Error: {content}")
                } else {
                    content
                },
            }),
            Block::Reasoning { .. } => {}
        }
    }
    match message.role {
        Role::Assistant if !text.is_empty() || !tool_calls.is_empty() => {
            out.push(ChatMessage::Assistant {
                content: (!text.is_empty()).then_some(text),
                tool_calls,
            })
        }
        Role::User | Role::Tool | Role::System if !text.is_empty() => {
            out.push(ChatMessage::User { content: text })
        }
        _ => {}
    }
    out
}

#[async_trait::async_trait]
impl Provider for OpenAiCompatibleProvider {
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
