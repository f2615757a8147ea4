//! Decoding the Chat Completions stream: `choices[0].delta` carries text, reasoning
//! (`reasoning_content` or `reasoning`) and tool-call pieces keyed by `index`; `finish_reason`
//! closes the choice; a final chunk with empty `choices` carries usage; `data: [DONE]` ends it.

use super::wire::{Chunk, ToolCallDelta, WireUsage};
use crate::conversation::Usage;
use crate::keys::Secret;
use crate::providers::error_body::{self, ErrorDetails};
use crate::providers::portable::{self, ToolNames};
use crate::providers::sse::{parse_data, Decoder};
use crate::providers::{ProviderError, StopReason, StreamEvent};
use eventsource_stream2::Event;
use std::collections::{BTreeMap, VecDeque};

/// A tool call being assembled from deltas.
#[derive(Default)]
struct PartialCall {
    id: String,
    name: String,
    arguments: String,
}

/// The Chat Completions stream state machine.
pub(crate) struct StreamDecoder {
    provider: String,
    names: ToolNames,
    key: Option<Secret>,
    nonce: String,
    calls: BTreeMap<usize, PartialCall>,
    in_reasoning: bool,
    finish_reason: Option<String>,
    usage: Option<WireUsage>,
    done: bool,
}

impl StreamDecoder {
    /// A decoder for one answer from `provider`, mapping tool names through `names`.
    pub fn new(provider: &str, names: ToolNames) -> Self {
        let nonce = crate::conversation::new_id().replace('-', "");
        StreamDecoder {
            provider: provider.to_string(),
            names,
            key: None,
            nonce: nonce[nonce.len().saturating_sub(12)..].to_string(),
            calls: BTreeMap::new(),
            in_reasoning: false,
            finish_reason: None,
            usage: None,
            done: false,
        }
    }

    /// The key to scrub from mid-stream error messages.
    pub fn with_key(mut self, key: Option<Secret>) -> Self {
        self.key = key;
        self
    }

    fn close_reasoning(&mut self, out: &mut VecDeque<StreamEvent>) {
        if self.in_reasoning {
            self.in_reasoning = false;
            out.push_back(StreamEvent::ReasoningDone(None));
        }
    }

    fn tool_delta(&mut self, delta: ToolCallDelta) {
        let index = delta.index.unwrap_or(self.calls.len());
        let call = self.calls.entry(index).or_default();
        if let Some(id) = delta.id.filter(|id| !id.is_empty()) {
            call.id = id;
        }
        if let Some(function) = delta.function {
            if let Some(name) = function.name {
                call.name.push_str(&name);
            }
            if let Some(arguments) = function.arguments {
                call.arguments.push_str(&arguments);
            }
        }
    }

    fn flush_calls(&mut self, out: &mut VecDeque<StreamEvent>) {
        for (index, call) in std::mem::take(&mut self.calls) {
            let id = if call.id.is_empty() {
                format!("call_{}_{index}", self.nonce)
            } else {
                call.id
            };
            out.push_back(StreamEvent::ToolCall {
                id,
                name: self.names.hearth(&call.name),
                arguments: portable::parse_arguments(&call.arguments),
                opaque: None,
            });
        }
    }

    fn complete(&mut self, out: &mut VecDeque<StreamEvent>) {
        self.close_reasoning(out);
        let had_calls = !self.calls.is_empty();
        self.flush_calls(out);
        if let Some(usage) = &self.usage {
            out.push_back(StreamEvent::Usage(shared_usage(usage)));
        }
        let stop = match self.finish_reason.as_deref() {
            Some("tool_calls" | "function_call") => StopReason::ToolUse,
            _ if had_calls => StopReason::ToolUse,
            Some("stop") | None => StopReason::EndTurn,
            Some("length") => StopReason::MaxTokens,
            Some("content_filter") => StopReason::Refusal,
            Some(_) => StopReason::Other,
        };
        out.push_back(StreamEvent::Done(stop));
        self.done = true;
    }

    fn error(&self, error: serde_json::Value) -> ProviderError {
        let wrapped = format!("{{\"error\":{error}}}");
        let details =
            super::parse_error(&wrapped).unwrap_or_else(|| ErrorDetails::raw(&error.to_string()));
        error_body::classify(&self.provider, 0, None, details, self.key.as_ref())
    }
}

fn shared_usage(usage: &WireUsage) -> Usage {
    Usage {
        input_tokens: usage.prompt_tokens,
        output_tokens: usage.completion_tokens,
        cached_input_tokens: usage
            .prompt_tokens_details
            .and_then(|d| d.cached_tokens)
            .unwrap_or(0),
        reasoning_tokens: usage
            .completion_tokens_details
            .and_then(|d| d.reasoning_tokens)
            .unwrap_or(0),
    }
}

impl Decoder for StreamDecoder {
    fn event(
        &mut self,
        event: &Event,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ProviderError> {
        if event.data.trim() == "[DONE]" {
            self.complete(out);
            return Ok(());
        }
        let chunk: Chunk = parse_data(&self.provider, event, self.key.as_ref())?;
        if let Some(error) = chunk.error {
            return Err(self.error(error));
        }
        if chunk.usage.is_some() {
            self.usage = chunk.usage;
        }
        for choice in chunk.choices.into_iter().take(1) {
            let delta = choice.delta.unwrap_or_default();
            let reasoning = delta.reasoning_content.or(delta.reasoning);
            if let Some(text) = reasoning.filter(|t| !t.is_empty()) {
                self.in_reasoning = true;
                out.push_back(StreamEvent::ReasoningDelta(text));
            }
            if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                self.close_reasoning(out);
                out.push_back(StreamEvent::TextDelta(text));
            }
            if !delta.tool_calls.is_empty() {
                self.close_reasoning(out);
            }
            for call in delta.tool_calls {
                self.tool_delta(call);
            }
            if choice.finish_reason.is_some() {
                self.finish_reason = choice.finish_reason;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut VecDeque<StreamEvent>) -> Result<(), ProviderError> {
        if self.done {
            return Ok(());
        }
        // Some servers end without `[DONE]`; a finish reason means the answer was complete.
        if self.finish_reason.is_some() {
            self.complete(out);
            Ok(())
        } else {
            Err(error_body::cut_short(&self.provider))
        }
    }

    fn is_done(&self) -> bool {
        self.done
    }
}
