//! Decoding the Gemini stream: each SSE event is a whole `GenerateContentResponse` whose
//! parts are thoughts, text or function calls; the last one carries `finishReason` and
//! `usageMetadata`, and the body simply ends. Function calls get generated ids when Gemini
//! gives none.

use super::wire::{Part, StreamChunk, UsageMetadata};
use super::KIND;
use crate::conversation::{Opaque, Usage};
use crate::keys::Secret;
use crate::providers::error_body;
use crate::providers::portable::{self, ToolNames};
use crate::providers::sse::{parse_data, Decoder};
use crate::providers::{ProviderError, StopReason, StreamEvent};
use eventsource_stream2::Event;
use std::collections::VecDeque;

/// The Gemini stream state machine.
pub(crate) struct StreamDecoder {
    provider: String,
    names: ToolNames,
    key: Option<Secret>,
    /// Prefix of generated call ids, unique per answer.
    nonce: String,
    calls: usize,
    in_thought: bool,
    thought_signature: Option<String>,
    usage: Option<UsageMetadata>,
    finish_reason: Option<String>,
    blocked: bool,
    done: bool,
}

impl StreamDecoder {
    /// A decoder for one answer from `provider`, mapping tool names through `names`.
    pub fn new(provider: &str, names: ToolNames) -> Self {
        let nonce = crate::conversation::new_id().replace('-', "");
        let nonce = nonce[nonce.len().saturating_sub(12)..].to_string();
        StreamDecoder {
            provider: provider.to_string(),
            names,
            key: None,
            nonce,
            calls: 0,
            in_thought: false,
            thought_signature: None,
            usage: None,
            finish_reason: None,
            blocked: false,
            done: false,
        }
    }

    /// The key to scrub from mid-stream error messages.
    pub fn with_key(mut self, key: Option<Secret>) -> Self {
        self.key = key;
        self
    }

    /// Uses a fixed prefix for generated call ids (tests compare decodings).
    #[cfg(test)]
    pub fn with_nonce(mut self, nonce: &str) -> Self {
        self.nonce = nonce.to_string();
        self
    }

    fn opaque(&self, data: String) -> Opaque {
        Opaque {
            provider_kind: KIND.into(),
            provider_id: self.provider.clone(),
            kind: "thought_signature".into(),
            data,
            item_id: None,
        }
    }

    fn close_thought(&mut self, out: &mut VecDeque<StreamEvent>) {
        if self.in_thought {
            self.in_thought = false;
            let opaque = self.thought_signature.take().map(|s| self.opaque(s));
            out.push_back(StreamEvent::ReasoningDone(opaque));
        }
    }

    fn part(&mut self, part: Part, out: &mut VecDeque<StreamEvent>) {
        if part.thought {
            self.in_thought = true;
            if let Some(signature) = part.thought_signature {
                self.thought_signature = Some(signature);
            }
            if let Some(text) = part.text.filter(|t| !t.is_empty()) {
                out.push_back(StreamEvent::ReasoningDelta(text));
            }
            return;
        }
        self.close_thought(out);
        if let Some(call) = part.function_call {
            self.calls += 1;
            let id = call
                .id
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| format!("call_{}_{}", self.nonce, self.calls));
            let arguments = call
                .args
                .unwrap_or_else(|| serde_json::Value::Object(serde_json::Map::new()));
            out.push_back(StreamEvent::ToolCall {
                id,
                name: self.names.hearth(&call.name),
                arguments: portable::arguments_object(&arguments),
                opaque: part.thought_signature.map(|s| self.opaque(s)),
            });
        } else if let Some(text) = part.text.filter(|t| !t.is_empty()) {
            out.push_back(StreamEvent::TextDelta(text));
        }
    }
}

fn shared_usage(usage: &UsageMetadata) -> Usage {
    Usage {
        input_tokens: usage.prompt_token_count,
        output_tokens: usage.candidates_token_count + usage.thoughts_token_count,
        cached_input_tokens: usage.cached_content_token_count,
        reasoning_tokens: usage.thoughts_token_count,
    }
}

impl Decoder for StreamDecoder {
    fn event(
        &mut self,
        event: &Event,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ProviderError> {
        let chunk: StreamChunk = parse_data(&self.provider, event, self.key.as_ref())?;
        if let Some(error) = chunk.error {
            let status = error.code;
            let details = super::error_details(error);
            return Err(error_body::classify(
                &self.provider,
                status,
                None,
                details,
                self.key.as_ref(),
            ));
        }
        if chunk.usage_metadata.is_some() {
            self.usage = chunk.usage_metadata;
        }
        if chunk
            .prompt_feedback
            .is_some_and(|f| f.block_reason.is_some())
        {
            self.blocked = true;
        }
        for candidate in chunk.candidates.into_iter().take(1) {
            for part in candidate.content.map(|c| c.parts).unwrap_or_default() {
                self.part(part, out);
            }
            if candidate.finish_reason.is_some() {
                self.finish_reason = candidate.finish_reason;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut VecDeque<StreamEvent>) -> Result<(), ProviderError> {
        if self.finish_reason.is_none() && !self.blocked {
            return Err(error_body::cut_short(&self.provider));
        }
        self.close_thought(out);
        if let Some(usage) = &self.usage {
            out.push_back(StreamEvent::Usage(shared_usage(usage)));
        }
        let stop = match self.finish_reason.as_deref() {
            _ if self.blocked => StopReason::Refusal,
            Some("STOP") if self.calls > 0 => StopReason::ToolUse,
            Some("STOP") => StopReason::EndTurn,
            Some("MAX_TOKENS") => StopReason::MaxTokens,
            Some(
                "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII"
                | "IMAGE_SAFETY",
            ) => StopReason::Refusal,
            _ => StopReason::Other,
        };
        out.push_back(StreamEvent::Done(stop));
        self.done = true;
        Ok(())
    }

    fn is_done(&self) -> bool {
        self.done
    }
}
