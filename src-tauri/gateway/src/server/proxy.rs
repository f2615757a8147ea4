//! The proxy path every API family shares: route → action-log entry (before) → key from the
//! keychain (never from the client) → provider adapter → [`StreamEvent`]s, and back: collected
//! into one answer ([`UpstreamCall::collect`]) or streamed as SSE in the caller's event shapes
//! through a [`Translate`] implementation ([`sse`]). Hearth's agent loop and tools do not run
//! here: tool calls go back to the client, which runs them.

use super::coalesce::Coalesce;
use super::error::{ApiError, ApiFormat, ErrorKind};
use super::reasoning::Thoughts;
use super::request_log::{CallRecord, RequestLog};
use super::state::ServerState;
use super::tokens::Client;
use crate::agent::ModelRef;
use crate::audit::{KeyUseDetail, NewEntry, Outcome};
use crate::conversation::{Block, Message, Role, Usage};
use crate::providers::{ChatRequest, EventStream, ProviderError, StopReason, StreamEvent};
use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::StreamExt;
use std::collections::VecDeque;
use std::convert::Infallible;

/// The answer so far, in the shared model's terms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collected {
    /// Visible text.
    pub text: String,
    /// Reasoning, block by block.
    pub reasoning: Thoughts,
    /// Tool calls: id, name, arguments.
    pub tool_calls: Vec<(String, String, serde_json::Value)>,
    /// Token usage (the last reported).
    pub usage: Usage,
    /// Why the model stopped.
    pub stop: Option<StopReason>,
}

impl Collected {
    /// Adds one event.
    pub fn apply(&mut self, event: &StreamEvent) {
        self.reasoning.apply(event);
        match event {
            StreamEvent::TextDelta(text) => self.text.push_str(text),
            StreamEvent::ReasoningDelta(_) | StreamEvent::ReasoningDone(_) => {}
            StreamEvent::ToolCall {
                id,
                name,
                arguments,
                ..
            } => self
                .tool_calls
                .push((id.clone(), name.clone(), arguments.clone())),
            StreamEvent::Usage(usage) => self.usage = *usage,
            StreamEvent::Done(reason) => self.stop = Some(*reason),
        }
    }

    /// The stop reason, inferred when the provider gave none.
    pub fn stop_reason(&self) -> StopReason {
        self.stop.unwrap_or(if self.tool_calls.is_empty() {
            StopReason::EndTurn
        } else {
            StopReason::ToolUse
        })
    }
}

/// One forwarded model call, started and logged.
pub struct UpstreamCall {
    first: Option<Result<StreamEvent, ProviderError>>,
    stream: EventStream,
    record: Option<CallRecord>,
    format: ApiFormat,
    recording: Option<Recording>,
    /// The model the request was routed to.
    pub model: ModelRef,
}

/// What to keep as a conversation when the client's token asks for it.
struct Recording {
    gateway: crate::Gateway,
    request: ChatRequest,
}

/// Starts the upstream call for `client`: writes the action-log entry first, then reads the
/// key and opens the stream. Errors before the first event come back as an [`ApiError`] (the
/// HTTP answer), already logged.
pub async fn open(
    state: &ServerState,
    log: &RequestLog,
    client: &Client,
    model: ModelRef,
    mut request: ChatRequest,
    stream: bool,
    format: ApiFormat,
) -> Result<UpstreamCall, ApiError> {
    let config = state.gateway.config();
    let (Some(provider_config), Some(provider)) = (
        config.providers.get(&model.provider),
        state.providers.get(&config, &model.provider),
    ) else {
        return Err(ApiError::new(
            ErrorKind::NotFound,
            format,
            format!("no provider '{}' is configured", model.provider),
        ));
    };
    let mut record = log.begin(&model, stream).await.map_err(|error| {
        // Invariant: nothing is forwarded without its action-log entry written first.
        ApiError::new(
            ErrorKind::Internal,
            format,
            format!("the action log is unavailable ({error}), so the request was not forwarded"),
        )
    })?;
    let key = match state
        .gateway
        .keys()
        .key_for(&model.provider, provider_config)
        .await
    {
        Ok(key) => key,
        Err(error) => {
            let error = ApiError::new(ErrorKind::Upstream, format, error.to_string());
            record
                .finish(error.status.as_u16(), Some(&error.message))
                .await;
            return Err(error);
        }
    };
    if key.is_some() {
        let entry = NewEntry::key_use(
            None,
            KeyUseDetail {
                provider: model.provider.clone(),
                origin: provider_config.effective_base_url().unwrap_or_default(),
                source: if provider_config.key_env.is_some() {
                    "env"
                } else {
                    "keychain"
                }
                .into(),
            },
        );
        let logged = state
            .gateway
            .audit()
            .record_journaled(
                entry,
                Outcome::ok("key sent as the auth header", serde_json::json!({})),
            )
            .await;
        if let Err(error) = logged {
            let error = ApiError::new(
                ErrorKind::Internal,
                format,
                format!("the action log is unavailable ({error}), so the key was not used"),
            );
            record.finish(500, Some(&error.message)).await;
            return Err(error);
        }
    }
    request.model = model.model.clone();
    if request.max_tokens.is_none() {
        request.max_tokens = provider_config.max_tokens;
    }
    let recording = client.record.then(|| Recording {
        gateway: state.gateway.clone(),
        request: request.clone(),
    });
    let opened = provider.stream(request, key).await;
    let mut stream = match opened {
        Ok(stream) => stream,
        Err(error) => return Err(fail(record, &error, format).await),
    };
    // Wait for the first event so an upstream refusal becomes a proper HTTP error, not a
    // stream that breaks at once.
    let first = stream.next().await;
    if let Some(Err(error)) = &first {
        return Err(fail(record, error, format).await);
    }
    record.first_token();
    Ok(UpstreamCall {
        first,
        stream,
        record: Some(record),
        format,
        recording,
        model,
    })
}

async fn fail(record: CallRecord, error: &ProviderError, format: ApiFormat) -> ApiError {
    let error = ApiError::from_provider(error, format);
    record
        .finish(error.status.as_u16(), Some(&error.message))
        .await;
    error
}

impl UpstreamCall {
    async fn next(&mut self) -> Option<Result<StreamEvent, ProviderError>> {
        match self.first.take() {
            Some(first) => Some(first),
            None => self.stream.next().await,
        }
    }

    fn observe(&mut self, event: &StreamEvent) {
        let Some(record) = self.record.as_mut() else {
            return;
        };
        match event {
            StreamEvent::Usage(usage) => record.usage(usage),
            StreamEvent::Done(reason) => record.stop(*reason),
            _ => {}
        }
    }

    /// Reads the whole answer (non-streaming requests) and completes the log entry.
    pub async fn collect(mut self) -> Result<Collected, ApiError> {
        let mut answer = Collected::default();
        while let Some(next) = self.next().await {
            match next {
                Ok(event) => {
                    self.observe(&event);
                    answer.apply(&event);
                }
                Err(error) => {
                    let error = ApiError::from_provider(&error, self.format);
                    if let Some(record) = self.record.take() {
                        record
                            .finish(error.status.as_u16(), Some(&error.message))
                            .await;
                    }
                    return Err(error);
                }
            }
        }
        finish_stream(&mut self, &answer, None);
        Ok(answer)
    }
}

/// One SSE frame: an optional `event:` name and its `data:` JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The `event:` line (Anthropic, Responses) or none (Chat Completions).
    pub event: Option<&'static str>,
    /// The `data:` line.
    pub data: String,
}

impl Frame {
    /// A frame with an event name and a serialisable body.
    pub fn named(event: &'static str, body: &impl serde::Serialize) -> Frame {
        Frame {
            event: Some(event),
            data: serde_json::to_string(body).unwrap_or_else(|_| "{}".into()),
        }
    }

    /// A frame with only data.
    pub fn data(body: &impl serde::Serialize) -> Frame {
        Frame {
            event: None,
            data: serde_json::to_string(body).unwrap_or_else(|_| "{}".into()),
        }
    }

    /// The frame on the wire: `event:` (if named), one `data:` line per line of data, a
    /// blank line.
    pub fn to_bytes(&self) -> Bytes {
        let mut out = String::with_capacity(self.data.len() + 32);
        if let Some(name) = self.event {
            out.push_str("event: ");
            out.push_str(name);
            out.push('\n');
        }
        for line in self.data.split('\n') {
            out.push_str("data: ");
            out.push_str(line.strip_suffix('\r').unwrap_or(line));
            out.push('\n');
        }
        out.push('\n');
        Bytes::from(out)
    }
}

/// Turns the shared stream events into one API family's SSE frames.
pub trait Translate: Send + 'static {
    /// Frames sent before any event (e.g. `message_start`).
    fn start(&mut self) -> Vec<Frame>;
    /// Frames for one upstream event.
    fn event(&mut self, event: &StreamEvent) -> Vec<Frame>;
    /// Frames closing a complete answer (stop reason, usage, terminator).
    fn finish(&mut self, answer: &Collected) -> Vec<Frame>;
    /// Frames reporting a failure mid-stream.
    fn error(&mut self, error: &ApiError) -> Vec<Frame>;
}

struct Driver<T> {
    call: UpstreamCall,
    translator: T,
    pending: VecDeque<Frame>,
    answer: Collected,
    done: bool,
}

/// Streams `call` to the client as SSE through `translator`; completes the log entry when the
/// answer ends (or as cancelled if the client goes away first). The frames of one upstream
/// burst go out together ([`Coalesce`]); the first chunk is ready before the response is
/// returned, so it leaves in the same write as the headers.
pub async fn sse<T: Translate>(call: UpstreamCall, mut translator: T) -> Response {
    let pending: VecDeque<Frame> = translator.start().into();
    let driver = Driver {
        call,
        translator,
        pending,
        answer: Collected::default(),
        done: false,
    };
    let frames = futures::stream::unfold(Some(driver), |state| async move {
        let mut d = state?;
        loop {
            if let Some(frame) = d.pending.pop_front() {
                return Some((frame.to_bytes(), Some(d)));
            }
            if d.done {
                return None;
            }
            match d.call.next().await {
                Some(Ok(event)) => {
                    d.call.observe(&event);
                    d.answer.apply(&event);
                    let frames = d.translator.event(&event);
                    d.pending.extend(frames);
                }
                Some(Err(error)) => {
                    let error = ApiError::from_provider(&error, d.call.format);
                    let frames = d.translator.error(&error);
                    d.pending.extend(frames);
                    d.done = true;
                    finish_stream(&mut d.call, &d.answer, Some(error.message));
                }
                None => {
                    let frames = d.translator.finish(&d.answer);
                    d.pending.extend(frames);
                    d.done = true;
                    finish_stream(&mut d.call, &d.answer, None);
                }
            }
        }
    });
    let mut chunks = Coalesce::new(Box::pin(frames));
    let first = chunks.next().await;
    let body = futures::stream::iter(first)
        .chain(chunks)
        .map(Ok::<_, Infallible>);
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

/// Completes the log entry in the background (the last frames are not held up by it) and
/// keeps the exchange when asked.
fn finish_stream(call: &mut UpstreamCall, answer: &Collected, error: Option<String>) {
    if error.is_none() {
        save_recording(call.recording.take(), answer);
    }
    if let Some(record) = call.record.take() {
        record.finish_in_background(200, error);
    }
}

/// Keeps the exchange as a conversation (tokens created with `--record`).
fn save_recording(recording: Option<Recording>, answer: &Collected) {
    let Some(Recording { gateway, request }) = recording else {
        return;
    };
    let mut blocks = answer.reasoning.to_blocks();
    if !answer.text.is_empty() {
        blocks.push(Block::text(answer.text.clone()));
    }
    for (id, name, arguments) in &answer.tool_calls {
        blocks.push(Block::ToolCall {
            id: id.clone(),
            name: name.clone(),
            arguments: arguments.clone(),
            opaque: None,
        });
    }
    let mut reply = Message::new(Role::Assistant, blocks);
    reply.usage = Some(answer.usage);
    reply.model = Some(request.model.clone());
    tokio::spawn(async move {
        let store = gateway.store();
        let result = async {
            let conversation = store.create_conversation(None).await?;
            if let Some(system) = request.system.filter(|s| !s.trim().is_empty()) {
                store
                    .append_message(
                        &conversation.id,
                        Message::new(Role::System, vec![Block::text(system)]),
                    )
                    .await?;
            }
            for message in request.messages {
                store.append_message(&conversation.id, message).await?;
            }
            store.append_message(&conversation.id, reply).await?;
            Ok::<_, crate::store::StoreError>(())
        }
        .await;
        if let Err(error) = result {
            tracing::error!(%error, "cannot record an API request as a conversation");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_written_as_server_sent_events() {
        let named = Frame::named("message_stop", &serde_json::json!({"type": "message_stop"}));
        assert_eq!(
            named.to_bytes(),
            Bytes::from("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
        );
        // Data with line breaks: one `data:` line each, so no line ends the event early.
        let lines = Frame {
            event: None,
            data: "one\r\ntwo\nthree".into(),
        };
        assert_eq!(
            lines.to_bytes(),
            Bytes::from("data: one\ndata: two\ndata: three\n\n")
        );
    }
}
