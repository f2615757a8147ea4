//! Decoding the Messages API stream: `message_start`, then per content block
//! `content_block_start` / `_delta` / `_stop`, then `message_delta` (stop reason, usage) and
//! `message_stop`; `ping` is ignored and `error` ends the stream with a typed error.

use super::wire::{BlockDelta, StartedBlock, StreamMessage, WireUsage};
use super::KIND;
use crate::conversation::{Opaque, Usage};
use crate::keys::Secret;
use crate::providers::error_body;
use crate::providers::portable::{self, ToolNames};
use crate::providers::sse::{parse_data, Decoder};
use crate::providers::{ProviderError, StopReason, StreamEvent};
use eventsource_stream2::Event;
use std::collections::{HashMap, VecDeque};

/// What is being accumulated for one open content block.
enum OpenBlock {
    Text,
    Tool {
        id: String,
        name: String,
        json: String,
        /// The input given whole in `content_block_start`, used when no delta follows.
        initial: Option<serde_json::Value>,
    },
    Thinking {
        signature: String,
    },
    Redacted {
        data: String,
    },
    Other,
}

/// The Anthropic stream state machine.
pub(crate) struct StreamDecoder {
    provider: String,
    names: ToolNames,
    key: Option<Secret>,
    blocks: HashMap<usize, OpenBlock>,
    usage: WireUsage,
    stop_reason: Option<String>,
    done: bool,
}

impl StreamDecoder {
    /// A decoder for one answer from `provider`, mapping tool names through `names`.
    pub fn new(provider: &str, names: ToolNames) -> Self {
        StreamDecoder {
            provider: provider.to_string(),
            names,
            key: None,
            blocks: HashMap::new(),
            usage: WireUsage::default(),
            stop_reason: None,
            done: false,
        }
    }

    /// The key to scrub from mid-stream error messages.
    pub fn with_key(mut self, key: Option<Secret>) -> Self {
        self.key = key;
        self
    }

    fn opaque(&self, kind: &str, data: String) -> Opaque {
        Opaque {
            provider_kind: KIND.into(),
            provider_id: self.provider.clone(),
            kind: kind.into(),
            data,
            item_id: None,
        }
    }

    fn merge_usage(&mut self, usage: WireUsage) {
        let keep = |new: Option<u64>, old: Option<u64>| new.or(old);
        self.usage = WireUsage {
            input_tokens: keep(usage.input_tokens, self.usage.input_tokens),
            output_tokens: keep(usage.output_tokens, self.usage.output_tokens),
            cache_read_input_tokens: keep(
                usage.cache_read_input_tokens,
                self.usage.cache_read_input_tokens,
            ),
            cache_creation_input_tokens: keep(
                usage.cache_creation_input_tokens,
                self.usage.cache_creation_input_tokens,
            ),
        };
    }

    fn shared_usage(&self) -> Usage {
        let cached = self.usage.cache_read_input_tokens.unwrap_or(0);
        Usage {
            input_tokens: self.usage.input_tokens.unwrap_or(0)
                + cached
                + self.usage.cache_creation_input_tokens.unwrap_or(0),
            output_tokens: self.usage.output_tokens.unwrap_or(0),
            cached_input_tokens: cached,
            reasoning_tokens: 0,
        }
    }

    fn start_block(&mut self, index: usize, block: StartedBlock, out: &mut VecDeque<StreamEvent>) {
        let open = match block {
            StartedBlock::Text { text } => {
                if !text.is_empty() {
                    out.push_back(StreamEvent::TextDelta(text));
                }
                OpenBlock::Text
            }
            StartedBlock::ToolUse { id, name, input } => OpenBlock::Tool {
                id,
                name: self.names.hearth(&name),
                json: String::new(),
                initial: input.filter(|v| v.as_object().is_some_and(|o| !o.is_empty())),
            },
            StartedBlock::Thinking {
                thinking,
                signature,
            } => {
                if !thinking.is_empty() {
                    out.push_back(StreamEvent::ReasoningDelta(thinking));
                }
                OpenBlock::Thinking { signature }
            }
            StartedBlock::RedactedThinking { data } => OpenBlock::Redacted { data },
            StartedBlock::Unknown => OpenBlock::Other,
        };
        self.blocks.insert(index, open);
    }

    fn delta(&mut self, index: usize, delta: BlockDelta, out: &mut VecDeque<StreamEvent>) {
        match (self.blocks.get_mut(&index), delta) {
            (_, BlockDelta::TextDelta { text }) => out.push_back(StreamEvent::TextDelta(text)),
            (_, BlockDelta::ThinkingDelta { thinking }) => {
                out.push_back(StreamEvent::ReasoningDelta(thinking))
            }
            (Some(OpenBlock::Tool { json, .. }), BlockDelta::InputJsonDelta { partial_json }) => {
                json.push_str(&partial_json)
            }
            (
                Some(OpenBlock::Thinking { signature }),
                BlockDelta::SignatureDelta { signature: s },
            ) => signature.push_str(&s),
            _ => {}
        }
    }

    fn stop_block(&mut self, index: usize, out: &mut VecDeque<StreamEvent>) {
        match self.blocks.remove(&index) {
            Some(OpenBlock::Tool {
                id,
                name,
                json,
                initial,
            }) => {
                let arguments = match initial {
                    Some(input) if json.trim().is_empty() => input,
                    _ => portable::parse_arguments(&json),
                };
                out.push_back(StreamEvent::ToolCall {
                    id,
                    name,
                    arguments,
                    opaque: None,
                })
            }
            Some(OpenBlock::Thinking { signature }) => {
                let opaque = (!signature.is_empty()).then(|| self.opaque("signature", signature));
                out.push_back(StreamEvent::ReasoningDone(opaque));
            }
            Some(OpenBlock::Redacted { data }) => out.push_back(StreamEvent::ReasoningDone(Some(
                self.opaque("redacted_thinking", data),
            ))),
            Some(OpenBlock::Text | OpenBlock::Other) | None => {}
        }
    }
}

/// The shared stop reason for an Anthropic `stop_reason`.
fn stop_reason(reason: Option<&str>) -> StopReason {
    match reason {
        Some("end_turn" | "stop_sequence") | None => StopReason::EndTurn,
        Some("tool_use") => StopReason::ToolUse,
        Some("max_tokens" | "model_context_window_exceeded") => StopReason::MaxTokens,
        Some("refusal") => StopReason::Refusal,
        Some(_) => StopReason::Other,
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
            StreamMessage::MessageStart { message } => {
                if let Some(usage) = message.usage {
                    self.merge_usage(usage);
                }
            }
            StreamMessage::ContentBlockStart {
                index,
                content_block,
            } => self.start_block(index, content_block, out),
            StreamMessage::ContentBlockDelta { index, delta } => self.delta(index, delta, out),
            StreamMessage::ContentBlockStop { index } => self.stop_block(index, out),
            StreamMessage::MessageDelta { delta, usage } => {
                if let Some(usage) = usage {
                    self.merge_usage(usage);
                }
                self.stop_reason = delta.stop_reason;
                out.push_back(StreamEvent::Usage(self.shared_usage()));
            }
            StreamMessage::MessageStop => {
                let indexes: Vec<usize> = self.blocks.keys().copied().collect();
                for index in indexes {
                    self.stop_block(index, out);
                }
                out.push_back(StreamEvent::Done(stop_reason(self.stop_reason.as_deref())));
                self.done = true;
            }
            StreamMessage::Error { error } => {
                let details = super::error_details(error);
                return Err(error_body::classify(
                    &self.provider,
                    0,
                    None,
                    details,
                    self.key.as_ref(),
                ));
            }
            StreamMessage::Ping | StreamMessage::Unknown => {}
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
