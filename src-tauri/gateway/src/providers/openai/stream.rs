//! Decoding the Responses API stream: text and reasoning-summary deltas, finished output items
//! (function calls, reasoning with its encrypted content), then `response.completed` (usage),
//! `response.incomplete` or `response.failed`; an `error` event ends the stream with a typed
//! error.

use super::wire::{OutputItem, ResponseObject, StreamMessage, WireUsage};
use super::KIND;
use crate::conversation::{Opaque, Usage};
use crate::keys::Secret;
use crate::providers::error_body::{self, ErrorDetails};
use crate::providers::portable::{self, ToolNames};
use crate::providers::sse::{parse_data, Decoder};
use crate::providers::{ProviderError, StopReason, StreamEvent};
use eventsource_stream2::Event;
use std::collections::VecDeque;

/// The Responses stream state machine.
pub(crate) struct StreamDecoder {
    provider: String,
    names: ToolNames,
    key: Option<Secret>,
    saw_tool_call: bool,
    done: bool,
}

impl StreamDecoder {
    /// A decoder for one answer from `provider`, mapping tool names through `names`.
    pub fn new(provider: &str, names: ToolNames) -> Self {
        StreamDecoder {
            provider: provider.to_string(),
            names,
            key: None,
            saw_tool_call: false,
            done: false,
        }
    }

    /// The key to scrub from mid-stream error messages.
    pub fn with_key(mut self, key: Option<Secret>) -> Self {
        self.key = key;
        self
    }

    fn item_done(&mut self, item: OutputItem, out: &mut VecDeque<StreamEvent>) {
        match item {
            OutputItem::FunctionCall {
                call_id,
                name,
                arguments,
            } => {
                self.saw_tool_call = true;
                out.push_back(StreamEvent::ToolCall {
                    id: call_id,
                    name: self.names.hearth(&name),
                    arguments: portable::parse_arguments(&arguments),
                    opaque: None,
                });
            }
            OutputItem::Reasoning {
                id,
                encrypted_content,
            } => {
                let opaque = encrypted_content.map(|data| Opaque {
                    provider_kind: KIND.into(),
                    provider_id: self.provider.clone(),
                    kind: "encrypted_content".into(),
                    data,
                    item_id: Some(id),
                });
                out.push_back(StreamEvent::ReasoningDone(opaque));
            }
            OutputItem::Other => {}
        }
    }

    fn finish_response(
        &mut self,
        response: ResponseObject,
        stop: StopReason,
        out: &mut VecDeque<StreamEvent>,
    ) {
        if let Some(usage) = response.usage {
            out.push_back(StreamEvent::Usage(shared_usage(&usage)));
        }
        let stop = if stop == StopReason::EndTurn && self.saw_tool_call {
            StopReason::ToolUse
        } else {
            stop
        };
        out.push_back(StreamEvent::Done(stop));
        self.done = true;
    }

    fn error(&self, code: Option<&str>, message: String) -> ProviderError {
        let details = ErrorDetails::new(message, super::hint(None, code));
        error_body::classify(&self.provider, 0, None, details, self.key.as_ref())
    }
}

fn shared_usage(usage: &WireUsage) -> Usage {
    Usage {
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        cached_input_tokens: usage
            .input_tokens_details
            .as_ref()
            .map_or(0, |d| d.cached_tokens),
        reasoning_tokens: usage
            .output_tokens_details
            .as_ref()
            .map_or(0, |d| d.reasoning_tokens),
    }
}

impl Decoder for StreamDecoder {
    fn event(
        &mut self,
        event: &Event,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ProviderError> {
        let message: StreamMessage = parse_data(&self.provider, event, self.key.as_ref())?;
        match message {
            StreamMessage::OutputTextDelta { delta } | StreamMessage::RefusalDelta { delta } => {
                out.push_back(StreamEvent::TextDelta(delta))
            }
            StreamMessage::ReasoningSummaryDelta { delta }
            | StreamMessage::ReasoningTextDelta { delta } => {
                out.push_back(StreamEvent::ReasoningDelta(delta))
            }
            StreamMessage::ReasoningSummaryPartAdded { summary_index } if summary_index > 0 => {
                out.push_back(StreamEvent::ReasoningDelta("\n\n".into()))
            }
            StreamMessage::OutputItemDone { item } => self.item_done(item, out),
            StreamMessage::Completed { response } => {
                self.finish_response(response, StopReason::EndTurn, out)
            }
            StreamMessage::Incomplete { response } => {
                let stop = match response
                    .incomplete_details
                    .as_ref()
                    .and_then(|d| d.reason.as_deref())
                {
                    Some("max_output_tokens") => StopReason::MaxTokens,
                    Some("content_filter") => StopReason::Refusal,
                    _ => StopReason::Other,
                };
                self.finish_response(response, stop, out)
            }
            StreamMessage::Failed { response } => {
                let (code, message) = match response.error {
                    Some(e) => (e.code, e.message),
                    None => (None, "the response failed".to_string()),
                };
                return Err(self.error(code.as_deref(), message));
            }
            StreamMessage::Error { code, message } => {
                return Err(self.error(code.as_deref(), message))
            }
            StreamMessage::ReasoningSummaryPartAdded { .. } | StreamMessage::Unknown => {}
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut VecDeque<StreamEvent>) -> Result<(), ProviderError> {
        if self.done {
            Ok(())
        } else {
            Err(error_body::cut_short(&self.provider))
        }
    }

    fn is_done(&self) -> bool {
        self.done
    }
}
