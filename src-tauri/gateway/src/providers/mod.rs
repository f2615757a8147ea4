//! Model providers: the [`Provider`] trait (one I/O method, [`Provider::stream`]), the request
//! and stream-event types every adapter translates to and from, and typed errors.
//!
//! Invariant: nothing above this module sees a wire format. Each adapter maps the shared
//! [`crate::conversation`] model to its provider's JSON at the edge (tool names, call ids,
//! reasoning round-trip data, system prompt, role merging).
//!
//! Invariant: a key is sent only as its provider's auth header (marked sensitive), to the
//! configured base URL (redirects are never followed), and every error text is scrubbed of it.
//!
//! Code map:
//! - [`build()`] — config → ready provider (adapter wrapped in [`ResilientProvider`]);
//!   [`http_client`] — the one outbound client.
//! - `anthropic/`, `openai/`, `gemini/`, `openai_compatible/` — one folder per wire format:
//!   `mod.rs` (request mapping, error body), `wire.rs` (serde structs), `stream.rs` (the
//!   stream decoder, a small state machine), `tests.rs` (a local server replaying transcripts).
//! - [`sse`] — SSE framing via `eventsource-stream2` and the decoder driver; `portable` — tool
//!   names, call ids, history clean-up shared by the adapters; `http` — POST + status → typed
//!   error; `error_body` — error classification; [`retry`](RetryPolicy) and [`Timeouts`];
//!   [`pricing`] — the price table and [`cost_usd`]; `reasoning` — the provider-neutral
//!   reasoning control ([`Reasoning`]) each adapter maps to its own field.
//! - Tests across adapters: `conformance_tests` (disconnects, cancellation, redaction,
//!   timeouts, retries, redirects), `cross_tests` (a conversation moving between providers) and
//!   `reasoning_tests` (each adapter's reasoning field);
//!   `testing` holds the fake provider server, reusable by other modules' tests.

mod anthropic;
mod build;
mod cache;
#[cfg(test)]
mod conformance_tests;
#[cfg(test)]
mod cross_tests;
mod error;
mod error_body;
mod gemini;
mod http;
mod openai;
mod openai_compatible;
mod portable;
pub mod pricing;
mod reasoning;
#[cfg(test)]
mod reasoning_tests;
mod retry;
pub mod sse;
#[cfg(test)]
pub(crate) mod testing;
mod timeouts;
#[cfg(test)]
mod tls_tests;

pub use build::{build, build_with};
pub use cache::ProviderCache;
pub use error::{ProviderError, TimeoutKind};
pub use http::{http_client, HttpClient, CONNECT_TIMEOUT};
pub use pricing::cost_usd;
pub use reasoning::{Reasoning, ReasoningEffort};
pub use retry::{ResilientProvider, RetryPolicy};
pub use timeouts::Timeouts;

use crate::conversation::{Message, Opaque, Usage};
use crate::keys::Secret;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

/// A tool the model may call, as offered in a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    /// Registry name, e.g. `files.read` (adapters map it to what each API allows).
    pub name: String,
    /// What the tool does, for the model.
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: serde_json::Value,
}

/// One model call: full context every time (cloud providers keep no state).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// The model name as the provider knows it.
    pub model: String,
    /// System prompt (instructions + personal context).
    pub system: Option<String>,
    /// The conversation so far, oldest first: user, assistant and tool messages.
    pub messages: Vec<Message>,
    /// Tools the model may call.
    pub tools: Vec<ToolSpec>,
    /// Output token limit.
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Reasoning asked for; `None` sends no reasoning field (the provider's default).
    pub reasoning: Option<Reasoning>,
}

impl ChatRequest {
    /// A request for `model` with these messages and nothing else.
    pub fn new(model: impl Into<String>, messages: Vec<Message>) -> Self {
        ChatRequest {
            model: model.into(),
            system: None,
            messages,
            tools: Vec::new(),
            max_tokens: None,
            temperature: None,
            reasoning: None,
        }
    }
}

/// Why the model stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// It finished its answer.
    EndTurn,
    /// It wants tool results.
    ToolUse,
    /// It hit the output token limit.
    MaxTokens,
    /// A content filter or refusal stopped it.
    Refusal,
    /// Anything else the provider reported.
    Other,
}

/// One decoded piece of a streamed answer, in the shared model's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// Visible answer text.
    TextDelta(String),
    /// Reasoning (thinking) text or summary.
    ReasoningDelta(String),
    /// Round-trip data for the reasoning just streamed (signature, encrypted content); closes
    /// the current reasoning block.
    ReasoningDone(Option<Opaque>),
    /// A tool call, complete with its parsed arguments (adapters accumulate argument deltas).
    ToolCall {
        /// Call id (the provider's, or a generated one where it has none).
        id: String,
        /// The registry name (mapped back from the wire name).
        name: String,
        /// Arguments object (a JSON string value if the model sent invalid JSON).
        arguments: serde_json::Value,
        /// Opaque data attached to the call (e.g. a Gemini thought signature).
        opaque: Option<Opaque>,
    },
    /// Token usage (may arrive more than once; later values replace earlier ones).
    Usage(Usage),
    /// The answer is complete.
    Done(StopReason),
}

/// A stream of decoded events; dropping it closes the upstream connection.
pub type EventStream = BoxStream<'static, Result<StreamEvent, ProviderError>>;

/// A model provider. Implementations translate [`ChatRequest`] to their wire format, stream
/// the answer and decode it into [`StreamEvent`]s.
#[async_trait::async_trait]
pub trait Provider: Send + Sync {
    /// The configured provider id (`anthropic`, `ollama`, ...).
    fn id(&self) -> &str;

    /// Starts one streamed model call. `key` is sent only as this provider's auth header.
    async fn stream(
        &self,
        request: ChatRequest,
        key: Option<Secret>,
    ) -> Result<EventStream, ProviderError>;
}
