//! Server-sent events → [`StreamEvent`]s. The byte stream is framed by the maintained
//! `eventsource-stream` parser (correct whatever byte boundaries the chunks have, UTF-8
//! included); each adapter supplies a [`Decoder`] that turns one SSE event into zero or more
//! shared events.
//!
//! Once the decoder reports the answer complete, the upstream body is dropped at once, which
//! closes the connection; dropping the returned stream does the same.

use super::http::ByteStream;
use super::portable::ToolNames;
use super::{anthropic, error_body, gemini, openai, openai_compatible};
use super::{ChatRequest, EventStream, ProviderError, StreamEvent};
use crate::config::ProviderKind;
use crate::keys::redact::scrub;
use crate::keys::Secret;
use bytes::Bytes;
use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures::{Stream, StreamExt};
use std::collections::VecDeque;

/// A provider's stream decoder: a small state machine fed one SSE event at a time.
pub(crate) trait Decoder: Send + 'static {
    /// Handles one SSE event, pushing decoded events onto `out`.
    fn event(
        &mut self,
        event: &Event,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ProviderError>;

    /// The body ended: flush what is pending, or fail if the answer was cut short.
    fn finish(&mut self, out: &mut VecDeque<StreamEvent>) -> Result<(), ProviderError>;

    /// Whether the answer is complete (nothing more needs to be read).
    fn is_done(&self) -> bool;
}

type SseStream = eventsource_stream::EventStream<ByteStream>;

struct State<D> {
    provider: String,
    sse: Option<SseStream>,
    decoder: D,
    queue: VecDeque<StreamEvent>,
    error: Option<ProviderError>,
}

/// Decodes `bytes` (an SSE body) with `decoder` into a stream of shared events. The stream
/// ends after [`StreamEvent::Done`] or after the first error.
pub(crate) fn decode<D: Decoder>(provider: &str, bytes: ByteStream, decoder: D) -> EventStream {
    let state = State {
        provider: provider.to_string(),
        sse: Some(bytes.eventsource()),
        decoder,
        queue: VecDeque::new(),
        error: None,
    };
    futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(event) = st.queue.pop_front() {
                return Some((Ok(event), st));
            }
            if let Some(error) = st.error.take() {
                st.sse = None;
                return Some((Err(error), st));
            }
            let sse = st.sse.as_mut()?;
            let step = match sse.next().await {
                Some(Ok(event)) => st.decoder.event(&event, &mut st.queue),
                Some(Err(EventStreamError::Transport(error))) => Err(error),
                Some(Err(EventStreamError::Utf8(e))) => Err(error_body::protocol(
                    &st.provider,
                    format!("the stream is not UTF-8: {e}"),
                )),
                Some(Err(EventStreamError::Parser(e))) => Err(error_body::protocol(
                    &st.provider,
                    format!("the stream is not server-sent events: {e}"),
                )),
                None => {
                    st.sse = None;
                    st.decoder.finish(&mut st.queue)
                }
            };
            if let Err(error) = step {
                st.error = Some(error);
            }
            if st.decoder.is_done() {
                // The answer is complete: close the connection now.
                st.sse = None;
            }
        }
    })
    .boxed()
}

/// Parses the JSON `data` of an SSE event into `T`, as a protocol error when it does not fit.
/// The message is scrubbed of `key` (serde may quote the data it could not decode).
pub(crate) fn parse_data<T: serde::de::DeserializeOwned>(
    provider: &str,
    event: &Event,
    key: Option<&Secret>,
) -> Result<T, ProviderError> {
    serde_json::from_str(&event.data).map_err(|e| {
        let message = format!("undecodable event '{}': {e}", event.event);
        error_body::protocol(provider, scrub(&message, key))
    })
}

/// Decodes a recorded response body (for example a saved transcript, or a benchmark) exactly
/// as a live answer from a provider of `kind` would be decoded for `request`.
pub fn decode_recorded<S>(
    kind: ProviderKind,
    provider_id: &str,
    request: &ChatRequest,
    chunks: S,
) -> EventStream
where
    S: Stream<Item = Bytes> + Send + 'static,
{
    let bytes: ByteStream = chunks.map(Ok).boxed();
    let names = ToolNames::new(&request.tools);
    match kind {
        ProviderKind::Anthropic => decode(
            provider_id,
            bytes,
            anthropic::StreamDecoder::new(provider_id, names),
        ),
        ProviderKind::OpenAi => decode(
            provider_id,
            bytes,
            openai::StreamDecoder::new(provider_id, names),
        ),
        ProviderKind::Gemini => decode(
            provider_id,
            bytes,
            gemini::StreamDecoder::new(provider_id, names),
        ),
        ProviderKind::OpenAiCompatible => decode(
            provider_id,
            bytes,
            openai_compatible::StreamDecoder::new(provider_id, names),
        ),
    }
}
