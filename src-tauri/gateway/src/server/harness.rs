//! Test harness for the local API over a real bound listener: a real [`Gateway`] in a temp data
//! dir, an `openai-compatible` provider `loc` (model `m`) pointing at a fake upstream on
//! 127.0.0.1, a client token, and a real HTTP client. Shared by the route tests.

use super::{bind, router, ServerState};
use crate::audit::{EntryKind, EntryStatus, LogEntry, LogQuery};
use crate::paths::DataDir;
use crate::providers::testing::{data_events, serve, FakeServer, Reply};
use crate::Gateway;
use serde_json::{json, Value};
use std::time::Duration;

/// A running local API and its upstream; dropping it stops the server.
pub struct Harness {
    _dir: tempfile::TempDir,
    /// The gateway behind the server.
    pub gateway: Gateway,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client token without model limits.
    pub token: String,
    /// A client with a 20 s timeout.
    pub http: reqwest::Client,
    /// The fake upstream (what it was sent: `fake.requests()`).
    pub fake: FakeServer,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Starts a server whose `[server]` section holds `server_settings` (TOML lines, possibly
/// followed by sub-tables such as `[server.aliases]`), with a token named `token_name`, in front
/// of an upstream answering `replies` in turn.
pub async fn start(server_settings: &str, token_name: &str, replies: Vec<Reply>) -> Harness {
    let fake = serve(replies).await;
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(&dir.path().join("h"));
    data.ensure().unwrap();
    std::fs::write(
        data.config_path(),
        format!(
            "[server]\n{server_settings}\n\
             [providers.loc]\nkind = \"openai-compatible\"\nbase_url = \"{}\"\nmodels = [\"m\"]\n",
            fake.base_url
        ),
    )
    .unwrap();
    let gateway = Gateway::open(data).unwrap();
    let state = ServerState::new(gateway.clone());
    let token = state
        .tokens
        .create(token_name, &[], false)
        .await
        .unwrap()
        .token;
    let (listener, addr) = bind("127.0.0.1:0", false).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = super::serve(listener, router(state), async {
            let _ = stopped.await;
        })
        .await;
    });
    Harness {
        _dir: dir,
        gateway,
        base: format!("http://{addr}"),
        token,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
        fake,
        _stop: stop,
    }
}

impl Harness {
    /// A POST of `body` to `path` with the token as a Bearer credential.
    pub fn post(&self, path: &str, body: Value) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
    }

    /// A POST of `body` to `path` with the token in the header `header` (`x-api-key`,
    /// `x-goog-api-key`).
    pub fn post_with_key_header(
        &self,
        path: &str,
        body: Value,
        header: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header(header, &self.token)
            .json(&body)
    }

    /// The action log's API request entries, once none is pending (completions are written in
    /// the background after the answer).
    pub async fn api_entries(&self) -> Vec<LogEntry> {
        for _ in 0..100 {
            let entries = self
                .gateway
                .audit()
                .entries(LogQuery::default())
                .await
                .unwrap();
            let api: Vec<_> = entries
                .into_iter()
                .filter(|e| e.kind == EntryKind::ApiRequest)
                .collect();
            // A journaled begin reaches the table with the next group commit.
            if !api.is_empty() && api.iter().all(|e| e.status != EntryStatus::Pending) {
                return api;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no API entries, or they stayed pending");
    }
}

/// One Chat Completions stream chunk with one choice.
pub fn compat_chunk(delta: Value, finish: Value) -> Value {
    json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

/// The final Chat Completions chunk carrying usage (5 in, 2 out).
pub fn compat_usage() -> Value {
    json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
           "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}})
}

/// A streamed Chat Completions answer of `text`, with usage and `[DONE]`.
pub fn compat_text_reply(text: &str) -> Reply {
    compat_stream(vec![
        compat_chunk(json!({"role": "assistant", "content": text}), Value::Null),
        compat_chunk(json!({}), json!("stop")),
        compat_usage(),
    ])
}

/// A Chat Completions stream of `events` ending in `[DONE]`.
pub fn compat_stream(events: Vec<Value>) -> Reply {
    Reply::sse(data_events(&events) + "data: [DONE]\n\n")
}

/// Sends a request built by the harness and reads its answer, failing the test on a transport
/// error.
pub trait Answer {
    /// The answer's body as JSON.
    fn json_body(self) -> impl std::future::Future<Output = Value> + Send;
    /// The answer's body as text (an SSE stream, read to its end).
    fn text_body(self) -> impl std::future::Future<Output = String> + Send;
}

impl Answer for reqwest::RequestBuilder {
    async fn json_body(self) -> Value {
        self.send().await.unwrap().json().await.unwrap()
    }

    async fn text_body(self) -> String {
        self.send().await.unwrap().text().await.unwrap()
    }
}
