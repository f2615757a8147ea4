//! Test helpers shared by the adapter tests (and the agent-loop tests): a real axum HTTP server
//! on `127.0.0.1:0` that records each request and answers with scripted replies (SSE bodies,
//! error statuses, mid-stream disconnects, hanging streams), plus small builders.

use super::{EventStream, ProviderError, StreamEvent};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// One request the fake server received.
#[derive(Debug, Clone)]
pub(crate) struct Captured {
    /// Path and query, e.g. `/v1/messages`.
    pub path: String,
    /// Request headers.
    pub headers: HeaderMap,
    /// The body as JSON (a JSON string when it was not JSON).
    pub body: serde_json::Value,
}

/// How the fake server answers one request.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// `200 text/event-stream` with these chunks, then a clean end.
    Sse(Vec<Bytes>),
    /// These chunks, then the connection is aborted mid-body.
    SseThenDisconnect(Vec<Bytes>),
    /// These chunks, then keep-alive comments forever (until the client goes away).
    SseThenHang(Vec<Bytes>),
    /// An error status with extra headers and a body.
    Status {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
}

impl Reply {
    /// An SSE reply with the whole body as one chunk.
    pub fn sse(body: impl Into<String>) -> Reply {
        Reply::Sse(vec![Bytes::from(body.into())])
    }

    /// An error reply with a JSON (or any) body and no extra headers.
    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply::Status {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }
}

#[derive(Clone)]
struct ServerState {
    replies: Arc<Mutex<Vec<Reply>>>,
    requests: Arc<Mutex<Vec<Captured>>>,
    closed: Arc<watch::Sender<bool>>,
}

/// A running fake provider server; it stops when dropped.
pub(crate) struct FakeServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    requests: Arc<Mutex<Vec<Captured>>>,
    closed: watch::Receiver<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeServer {
    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Captured> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Waits until a hanging stream notices its client went away; false on timeout.
    pub async fn wait_client_gone(&self, limit: Duration) -> bool {
        let mut closed = self.closed.clone();
        let gone = tokio::time::timeout(limit, closed.wait_for(|gone| *gone)).await;
        gone.is_ok()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server answering requests with `replies` in order (the last one repeats).
pub(crate) async fn serve(replies: Vec<Reply>) -> FakeServer {
    let (closed_tx, closed_rx) = watch::channel(false);
    let mut replies = replies;
    replies.reverse();
    let state = ServerState {
        replies: Arc::new(Mutex::new(replies)),
        requests: Arc::new(Mutex::new(Vec::new())),
        closed: Arc::new(closed_tx),
    };
    let requests = state.requests.clone();
    let app = axum::Router::new().fallback(answer).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    FakeServer {
        base_url,
        requests,
        closed: closed_rx,
        task,
    }
}

/// Starts a server answering every request with one SSE body made of `chunks`.
pub(crate) async fn serve_sse(chunks: Vec<String>) -> FakeServer {
    serve(vec![Reply::Sse(
        chunks.into_iter().map(Bytes::from).collect(),
    )])
    .await
}

/// Sends `true` on the watch channel when dropped (the server dropped the body stream).
struct DropSignal(Arc<watch::Sender<bool>>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send(true);
    }
}

async fn answer(
    State(state): State<ServerState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = serde_json::from_slice(&body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into()));
    let path = uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    state.requests.lock().unwrap().push(Captured {
        path,
        headers,
        body,
    });
    let reply = {
        let mut replies = state.replies.lock().unwrap();
        if replies.len() > 1 {
            replies.pop().unwrap()
        } else {
            replies.last().cloned().unwrap()
        }
    };
    let ok = |body: Body| {
        Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "text/event-stream")
            .body(body)
            .unwrap()
    };
    match reply {
        Reply::Sse(chunks) => ok(Body::from_stream(futures::stream::iter(
            chunks.into_iter().map(Ok::<_, std::io::Error>),
        ))),
        Reply::SseThenDisconnect(chunks) => {
            let broken = futures::stream::iter(chunks.into_iter().map(Ok)).chain(
                futures::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Err(std::io::Error::other("server aborted the stream"))
                }),
            );
            ok(Body::from_stream(broken))
        }
        Reply::SseThenHang(chunks) => {
            let signal = DropSignal(state.closed.clone());
            let heartbeat = futures::stream::unfold(signal, |signal| async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                Some((Ok(Bytes::from_static(b": keep-alive\n\n")), signal))
            });
            ok(Body::from_stream(
                futures::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>))
                    .chain(heartbeat),
            ))
        }
        Reply::Status {
            status,
            headers,
            body,
        } => {
            let mut response = Response::builder()
                .status(status)
                .header("content-type", "application/json");
            for (name, value) in headers {
                response = response.header(name, value);
            }
            response.body(Body::from(body)).unwrap()
        }
    }
}

/// An SSE body of named events: `event: NAME\ndata: JSON\n\n` each.
pub(crate) fn named_events(events: &[(&str, serde_json::Value)]) -> String {
    events
        .iter()
        .map(|(name, data)| format!("event: {name}\ndata: {data}\n\n"))
        .collect()
}

/// An SSE body of unnamed `data: JSON\n\n` events.
pub(crate) fn data_events(events: &[serde_json::Value]) -> String {
    events
        .iter()
        .map(|data| format!("data: {data}\n\n"))
        .collect()
}

/// Drains a stream (bounded by a timeout): the events, and the error that ended it, if any.
pub(crate) async fn collect(stream: EventStream) -> (Vec<StreamEvent>, Option<ProviderError>) {
    let drained = tokio::time::timeout(Duration::from_secs(10), async move {
        let mut events = Vec::new();
        let mut stream = stream;
        while let Some(item) = stream.next().await {
            match item {
                Ok(event) => events.push(event),
                Err(error) => return (events, Some(error)),
            }
        }
        (events, None)
    })
    .await;
    drained.expect("the stream did not end within 10 s")
}

/// Splits `body` into chunks at the given byte offsets (any offsets, even inside a UTF-8
/// character), as a network would.
pub(crate) fn split_at(body: &[u8], cuts: &[usize]) -> Vec<Bytes> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (body.len() + 1)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts {
        chunks.push(Bytes::copy_from_slice(&body[start..cut]));
        start = cut;
    }
    chunks.push(Bytes::copy_from_slice(&body[start..]));
    chunks
}

/// Concatenates the text deltas of a decoded answer.
pub(crate) fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

/// The provider `id` of `kind` at `base_url`, built as in production but without retries and
/// with short timeouts, so tests see each error as it is.
pub(crate) fn provider(
    kind: crate::config::ProviderKind,
    id: &str,
    base_url: &str,
) -> std::sync::Arc<dyn super::Provider> {
    provider_with_client(kind, id, base_url, super::http_client())
}

/// [`provider`] over a given HTTP client (e.g. one trusting a test certificate).
pub(crate) fn provider_with_client(
    kind: crate::config::ProviderKind,
    id: &str,
    base_url: &str,
    http: super::HttpClient,
) -> std::sync::Arc<dyn super::Provider> {
    let config = crate::config::ProviderConfig {
        kind,
        base_url: Some(base_url.to_string()),
        models: vec![],
        key_env: None,
        fallback: vec![],
        max_tokens: None,
    };
    let retry = super::RetryPolicy {
        max_attempts: 1,
        ..Default::default()
    };
    let timeouts = super::Timeouts {
        first_token: Duration::from_secs(5),
        idle: Duration::from_secs(5),
    };
    super::build_with(id, &config, http, retry, timeouts)
}

/// A request for `model` with one user message and one tool, `files.read`.
pub(crate) fn simple_request(model: &str) -> super::ChatRequest {
    let mut request =
        super::ChatRequest::new(model, vec![crate::conversation::Message::user("hello")]);
    request.system = Some("be brief".into());
    request.tools = vec![super::ToolSpec {
        name: "files.read".into(),
        description: "Reads a file".into(),
        parameters: serde_json::json!({"type": "object", "properties": {"path": {"type": "string"}}}),
    }];
    request
}

/// Decodes `chunks` in memory with `decoder` (no network): the events and the final error.
pub(crate) async fn decode_chunks<D: super::sse::Decoder>(
    chunks: Vec<Bytes>,
    decoder: D,
) -> (Vec<StreamEvent>, Option<ProviderError>) {
    let bytes: super::http::ByteStream = futures::stream::iter(chunks.into_iter().map(Ok)).boxed();
    collect(super::sse::decode("test", bytes, decoder)).await
}
