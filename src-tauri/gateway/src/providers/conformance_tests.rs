//! Behaviour every adapter must share, checked for all four wire formats against a real local
//! server: mid-stream disconnects, streams cut short, cancellation closing the connection,
//! keys never appearing in errors, unreachable hosts, idle timeouts, and retries.

use super::testing::{self, data_events, named_events, Reply};
use super::{
    build_with, http_client, ProviderError, RetryPolicy, StreamEvent, TimeoutKind, Timeouts,
};
use crate::config::{ProviderConfig, ProviderKind};
use crate::keys::Secret;
use bytes::Bytes;
use futures::StreamExt;
use serde_json::json;
use std::time::Duration;

const KINDS: [ProviderKind; 4] = [
    ProviderKind::Anthropic,
    ProviderKind::OpenAi,
    ProviderKind::Gemini,
    ProviderKind::OpenAiCompatible,
];

/// The start of an answer carrying the text "partial", with no end.
fn partial_answer(kind: ProviderKind) -> String {
    match kind {
        ProviderKind::Anthropic => named_events(&[
            (
                "message_start",
                json!({"type": "message_start", "message": {"usage": {"input_tokens": 1}}}),
            ),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0,
                       "content_block": {"type": "text", "text": ""}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0,
                       "delta": {"type": "text_delta", "text": "partial"}}),
            ),
        ]),
        ProviderKind::OpenAi => named_events(&[(
            "response.output_text.delta",
            json!({"type": "response.output_text.delta", "delta": "partial"}),
        )]),
        ProviderKind::Gemini => data_events(&[
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "partial"}]}}]}),
        ]),
        ProviderKind::OpenAiCompatible => data_events(&[
            json!({"choices": [{"index": 0, "delta": {"content": "partial"}, "finish_reason": null}]}),
        ]),
    }
}

/// A complete answer saying "ok".
fn full_answer(kind: ProviderKind) -> String {
    match kind {
        ProviderKind::Anthropic => named_events(&[
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0,
                       "content_block": {"type": "text", "text": "ok"}}),
            ),
            (
                "message_delta",
                json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}}),
            ),
            ("message_stop", json!({"type": "message_stop"})),
        ]),
        ProviderKind::OpenAi => named_events(&[
            (
                "response.output_text.delta",
                json!({"type": "response.output_text.delta", "delta": "ok"}),
            ),
            (
                "response.completed",
                json!({"type": "response.completed", "response": {}}),
            ),
        ]),
        ProviderKind::Gemini => data_events(&[json!({"candidates": [
            {"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}]})]),
        ProviderKind::OpenAiCompatible => {
            data_events(
                &[json!({"choices": [{"index": 0, "delta": {"content": "ok"},
                                   "finish_reason": "stop"}]})],
            ) + "data: [DONE]\n\n"
        }
    }
}

/// A 401 body in the provider's shape that echoes the key back.
fn echoing_auth_error(kind: ProviderKind, key: &str) -> String {
    let message = format!("Incorrect API key provided: {key}");
    match kind {
        ProviderKind::Anthropic => {
            json!({"type": "error", "error": {"type": "authentication_error", "message": message}})
        }
        ProviderKind::Gemini => {
            json!({"error": {"code": 401, "message": message, "status": "UNAUTHENTICATED"}})
        }
        _ => json!({"error": {"message": message, "type": "invalid_request_error",
                              "code": "invalid_api_key"}}),
    }
    .to_string()
}

#[tokio::test]
async fn a_mid_stream_disconnect_keeps_the_partial_text_and_ends_with_a_network_error() {
    for kind in KINDS {
        let server = testing::serve(vec![Reply::SseThenDisconnect(vec![Bytes::from(
            partial_answer(kind),
        )])])
        .await;
        let provider = testing::provider(kind, "p", &server.base_url);
        let stream = provider
            .stream(testing::simple_request("m"), None)
            .await
            .unwrap();
        let (events, error) = testing::collect(stream).await;
        assert_eq!(testing::text_of(&events), "partial", "{kind}");
        assert_eq!(error.map(|e| e.kind()), Some("network"), "{kind}");
    }
}

#[tokio::test]
async fn a_body_that_ends_before_the_answer_is_complete_is_an_error() {
    for kind in KINDS {
        let server = testing::serve(vec![Reply::sse(partial_answer(kind))]).await;
        let provider = testing::provider(kind, "p", &server.base_url);
        let stream = provider
            .stream(testing::simple_request("m"), None)
            .await
            .unwrap();
        let (events, error) = testing::collect(stream).await;
        assert_eq!(testing::text_of(&events), "partial", "{kind}");
        assert_eq!(error.map(|e| e.kind()), Some("network"), "{kind}");
    }
}

#[tokio::test]
async fn a_complete_answer_ends_cleanly() {
    for kind in KINDS {
        let server = testing::serve(vec![Reply::sse(full_answer(kind))]).await;
        let provider = testing::provider(kind, "p", &server.base_url);
        let stream = provider
            .stream(testing::simple_request("m"), None)
            .await
            .unwrap();
        let (events, error) = testing::collect(stream).await;
        assert_eq!(error, None, "{kind}");
        assert_eq!(testing::text_of(&events), "ok", "{kind}");
        assert!(
            matches!(events.last(), Some(StreamEvent::Done(_))),
            "{kind}"
        );
    }
}

#[tokio::test]
async fn dropping_the_stream_closes_the_upstream_connection() {
    for kind in KINDS {
        let server = testing::serve(vec![Reply::SseThenHang(vec![Bytes::from(partial_answer(
            kind,
        ))])])
        .await;
        let provider = testing::provider(kind, "p", &server.base_url);
        let mut stream = provider
            .stream(testing::simple_request("m"), None)
            .await
            .unwrap();
        let first = stream.next().await.unwrap().unwrap();
        assert_eq!(first, StreamEvent::TextDelta("partial".into()), "{kind}");
        assert!(
            !server.wait_client_gone(Duration::from_millis(100)).await,
            "{kind}: the server saw the client leave too early"
        );
        drop(stream);
        assert!(
            server.wait_client_gone(Duration::from_secs(3)).await,
            "{kind}: the connection stayed open after the stream was dropped"
        );
    }
}

#[tokio::test]
async fn a_key_echoed_in_an_error_body_never_reaches_the_error_text() {
    let key = "sk-very-secret-key-0123456789";
    for kind in KINDS {
        let server = testing::serve(vec![Reply::status(401, echoing_auth_error(kind, key))]).await;
        let provider = testing::provider(kind, "p", &server.base_url);
        let error = provider
            .stream(testing::simple_request("m"), Some(Secret::new(key)))
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), "auth", "{kind}");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(key), "{kind}: {shown}");
        assert!(shown.contains("[redacted]"), "{kind}: {shown}");
    }
}

#[tokio::test]
async fn an_unreachable_host_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    for kind in KINDS {
        let provider = testing::provider(kind, "p", &base_url);
        let error = provider
            .stream(testing::simple_request("m"), Some(Secret::new("sk-x")))
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), "network", "{kind}: {error}");
        assert!(!error.to_string().contains("sk-x"));
    }
}

fn config(kind: ProviderKind, base_url: &str) -> ProviderConfig {
    ProviderConfig {
        kind,
        base_url: Some(base_url.to_string()),
        models: vec![],
        key_env: None,
        fallback: vec![],
        max_tokens: None,
    }
}

#[tokio::test]
async fn a_silent_stream_hits_the_idle_timeout() {
    // Comments only: bytes arrive (keep-alive) so the idle timer must not fire on them...
    let server = testing::serve(vec![Reply::SseThenHang(vec![Bytes::from(partial_answer(
        ProviderKind::OpenAiCompatible,
    ))])])
    .await;
    let timeouts = Timeouts {
        first_token: Duration::from_secs(5),
        idle: Duration::from_millis(200),
    };
    let retry = RetryPolicy {
        max_attempts: 1,
        ..Default::default()
    };
    let provider = build_with(
        "p",
        &config(ProviderKind::OpenAiCompatible, &server.base_url),
        http_client(),
        retry,
        timeouts,
    );
    let mut stream = provider
        .stream(testing::simple_request("m"), None)
        .await
        .unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    let alive = tokio::time::timeout(Duration::from_millis(600), stream.next()).await;
    assert!(alive.is_err(), "keep-alive comments must count as life");

    // ...while a server that sends nothing at all does time out.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let silent = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 65536];
        let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buf).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        tokio::io::AsyncWriteExt::write_all(&mut socket, head.as_bytes())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let provider = build_with(
        "p",
        &config(ProviderKind::OpenAiCompatible, &base_url),
        http_client(),
        retry,
        Timeouts {
            first_token: Duration::from_secs(5),
            idle: Duration::from_millis(200),
        },
    );
    let error = provider
        .stream(testing::simple_request("m"), None)
        .await
        .err()
        .unwrap();
    assert_eq!(
        error,
        ProviderError::Timeout {
            provider: "p".into(),
            kind: TimeoutKind::Idle
        }
    );
    silent.abort();
}

#[tokio::test]
async fn overload_before_the_first_token_is_retried_then_answered() {
    for kind in KINDS {
        let server = testing::serve(vec![
            Reply::Status {
                status: 529,
                headers: vec![],
                body: "{}".into(),
            },
            Reply::Status {
                status: 429,
                headers: vec![("retry-after", "0".into())],
                body: "{}".into(),
            },
            Reply::sse(full_answer(kind)),
        ])
        .await;
        let retry = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(1),
        };
        let provider = build_with(
            "p",
            &config(kind, &server.base_url),
            http_client(),
            retry,
            Timeouts::default(),
        );
        let stream = provider
            .stream(testing::simple_request("m"), None)
            .await
            .unwrap();
        let (events, error) = testing::collect(stream).await;
        assert_eq!(error, None, "{kind}");
        assert_eq!(testing::text_of(&events), "ok", "{kind}");
        assert_eq!(server.requests().len(), 3, "{kind}");
    }
}

#[tokio::test]
async fn redirects_are_not_followed_so_the_key_stays_home() {
    let elsewhere = testing::serve(vec![Reply::sse(full_answer(ProviderKind::Anthropic))]).await;
    for kind in KINDS {
        let server = testing::serve(vec![Reply::Status {
            status: 307,
            headers: vec![("location", format!("{}/v1/messages", elsewhere.base_url))],
            body: String::new(),
        }])
        .await;
        let provider = testing::provider(kind, "p", &server.base_url);
        let error = provider
            .stream(testing::simple_request("m"), Some(Secret::new("sk-stay")))
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), "invalid_request", "{kind}: {error}");
        assert!(error.to_string().contains("base_url"), "{kind}: {error}");
    }
    assert!(elsewhere.requests().is_empty());
}

#[tokio::test]
async fn an_endless_line_is_a_protocol_error_not_unbounded_memory() {
    let line = Bytes::from(vec![b'x'; 1024 * 1024]);
    let mut chunks = vec![Bytes::from_static(b"data: ")];
    chunks.extend(std::iter::repeat_n(
        line,
        super::sse::MAX_LINE_BYTES / (1024 * 1024) + 2,
    ));
    let server = testing::serve(vec![Reply::Sse(chunks)]).await;
    let provider = testing::provider(ProviderKind::OpenAiCompatible, "p", &server.base_url);
    let error = provider
        .stream(testing::simple_request("m"), None)
        .await
        .err()
        .unwrap();
    assert_eq!(error.kind(), "protocol", "{error}");
}

#[tokio::test]
async fn a_page_instead_of_a_stream_is_a_protocol_error() {
    for kind in KINDS {
        // `Reply::Status` sends `content-type: application/json`.
        let server = testing::serve(vec![Reply::status(200, "{\"unexpected\": true}")]).await;
        let provider = testing::provider(kind, "p", &server.base_url);
        let error = provider
            .stream(testing::simple_request("m"), None)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), "protocol", "{kind}: {error}");
        assert!(error.to_string().contains("application/json"), "{error}");
    }
}
