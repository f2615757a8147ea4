//! Server-sent events → [`StreamEvent`]s. The byte stream is framed by `eventsource-stream2`
//! (the maintained fork of `eventsource-stream`, with a `memchr` line scanner instead of a
//! `nom` parser; correct whatever byte boundaries the chunks have, UTF-8 included); each
//! adapter supplies a `Decoder` that turns one SSE event into zero or more shared events.
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
use bytes::{Bytes, BytesMut};
use eventsource_stream2::{Event, Eventsource};
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

type SseStream = eventsource_stream2::EventStream<ByteStream>;

/// The longest SSE line accepted (a server sending an endless line must not exhaust memory).
pub(crate) const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

/// Re-cuts the body at line ends, so the SSE parser only ever sees whole lines (it copies what
/// follows each line it takes: with whole lines that stays linear however long a line is);
/// fails with a protocol error once a line grows past [`MAX_LINE_BYTES`]. Each byte is
/// scanned once.
fn whole_lines(bytes: ByteStream, provider: String) -> ByteStream {
    let state = (Some(bytes), BytesMut::new());
    futures::stream::unfold(state, move |(upstream, mut partial)| {
        let provider = provider.clone();
        async move {
            let mut upstream = upstream?;
            loop {
                match upstream.next().await {
                    Some(Ok(chunk)) => {
                        match chunk.iter().rposition(|b| *b == b'\n' || *b == b'\r') {
                            Some(last) => {
                                partial.extend_from_slice(&chunk[..=last]);
                                let lines = partial.split().freeze();
                                partial.extend_from_slice(&chunk[last + 1..]);
                                return Some((Ok(lines), (Some(upstream), partial)));
                            }
                            None => partial.extend_from_slice(&chunk),
                        }
                        if partial.len() > MAX_LINE_BYTES {
                            let error = error_body::protocol(
                                &provider,
                                format!(
                                    "a line of the stream is longer than {MAX_LINE_BYTES} bytes"
                                ),
                            );
                            return Some((Err(error), (None, BytesMut::new())));
                        }
                    }
                    Some(Err(error)) => return Some((Err(error), (None, BytesMut::new()))),
                    None if partial.is_empty() => return None,
                    None => {
                        let rest = partial.split().freeze();
                        return Some((Ok(rest), (None, BytesMut::new())));
                    }
                }
            }
        }
    })
    .boxed()
}

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
        sse: Some(whole_lines(bytes, provider.to_string()).eventsource()),
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
                // The parser accepts any line (the SSE spec ignores what it does not know): the
                // only errors are the transport's and text that is not UTF-8.
                Some(Err(error)) => Err(match error.as_utf8().copied() {
                    Some(e) => {
                        error_body::protocol(&st.provider, format!("the stream is not UTF-8: {e}"))
                    }
                    None => error.into_transport().unwrap_or_else(|| {
                        error_body::protocol(&st.provider, "the stream could not be read")
                    }),
                }),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::testing;

    fn body_split_at_cr() -> Vec<Bytes> {
        let first =
            r#"data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}"#;
        let second =
            r#"data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}"#;
        [
            format!("{first}\r"),
            "\n\r".into(),
            format!("\n{second}\r"),
            "\n\r".into(),
            "\ndata: [DONE]\r\n\r\n".into(),
        ]
        .into_iter()
        .map(Bytes::from)
        .collect()
    }

    #[tokio::test]
    async fn crlf_split_between_cr_and_lf_is_one_line_end() {
        let decoder = openai_compatible::StreamDecoder::new("p", ToolNames::default());
        let (events, error) = testing::decode_chunks(body_split_at_cr(), decoder).await;
        assert_eq!(error, None);
        assert_eq!(testing::text_of(&events), "ab");
        assert_eq!(events.len(), 3);
    }

    #[tokio::test]
    async fn comments_unknown_fields_and_lines_without_a_colon_are_ignored() {
        // OpenRouter sends `: OPENROUTER PROCESSING` comments; the SSE spec ignores unknown
        // fields and treats a line without a colon as a field with an empty value.
        let body = concat!(
            ": OPENROUTER PROCESSING\n\n",
            "retry: 3000\n",
            "x-custom: anything\n",
            "oddline\n",
            r#"data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}"#,
            "\n\n",
            r#"data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}"#,
            "\n\ndata: [DONE]\n\n",
        );
        let decoder = openai_compatible::StreamDecoder::new("p", ToolNames::default());
        let (events, error) = testing::decode_chunks(vec![Bytes::from(body)], decoder).await;
        assert_eq!(error, None);
        assert_eq!(testing::text_of(&events), "ab");
    }

    #[tokio::test]
    async fn bytes_that_are_not_utf8_are_a_clear_protocol_error() {
        let mut body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"".to_vec();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice(b"\"},\"finish_reason\":null}]}\n\n");
        let decoder = openai_compatible::StreamDecoder::new("p", ToolNames::default());
        let (events, error) = testing::decode_chunks(vec![Bytes::from(body)], decoder).await;
        assert!(events.is_empty(), "{events:?}");
        match error {
            Some(ProviderError::Protocol { message, .. }) => {
                assert!(message.contains("not UTF-8"), "{message}")
            }
            other => panic!("expected a protocol error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn whole_lines_recuts_at_line_ends_and_keeps_every_byte() {
        let input: Vec<Bytes> = ["da", "ta: x", "\nda", "ta: y\n", "\n", "tail"]
            .into_iter()
            .map(|s| Bytes::from_static(s.as_bytes()))
            .collect();
        let upstream: ByteStream = futures::stream::iter(input.into_iter().map(Ok)).boxed();
        let out: Vec<Bytes> = whole_lines(upstream, "p".into())
            .map(|chunk| chunk.unwrap())
            .collect()
            .await;
        assert_eq!(
            out,
            vec![
                Bytes::from_static(b"data: x\n"),
                Bytes::from_static(b"data: y\n"),
                Bytes::from_static(b"\n"),
                Bytes::from_static(b"tail"),
            ]
        );
    }
}
