//! SSE parse-and-dispatch throughput: long streamed answers decoded into shared
//! `StreamEvent`s, in memory (the decoder alone, each wire format) and over loopback HTTP (the
//! whole adapter: reqwest + SSE framing + JSON + dispatch).
//!
//! Run: `cargo bench -p hearth-gateway --bench sse`
//! Size: `HEARTH_BENCH_EVENTS=50000` (text deltas per answer, default 50,000).

use bytes::Bytes;
use futures::StreamExt;
use hearth_gateway::config::{ProviderConfig, ProviderKind};
use hearth_gateway::conversation::Message;
use hearth_gateway::providers::sse::decode_recorded;
use hearth_gateway::providers::{build, http_client, ChatRequest, StreamEvent};
use serde_json::json;
use std::time::{Duration, Instant};

/// Chunk size of the simulated network reads (a typical TLS record is ≤ 16 KiB; pick less).
const CHUNK: usize = 4096;
/// Timed runs per measurement (the best is reported, after one warm-up).
const RUNS: usize = 5;

fn delta_text(i: usize) -> String {
    // ~20 bytes of mixed text, like a real token or two, with some non-ASCII.
    format!("tok{} héllo ", i % 1000)
}

/// A long answer in `kind`'s wire format with `n` text deltas.
fn transcript(kind: ProviderKind, n: usize) -> String {
    let mut out = String::with_capacity(n * 200);
    let mut push = |name: Option<&str>, data: serde_json::Value| {
        if let Some(name) = name {
            out.push_str("event: ");
            out.push_str(name);
            out.push('\n');
        }
        out.push_str("data: ");
        out.push_str(&data.to_string());
        out.push_str("\n\n");
    };
    match kind {
        ProviderKind::Anthropic => {
            push(
                Some("message_start"),
                json!({"type": "message_start", "message": {"id": "msg_1", "type": "message",
                       "role": "assistant", "model": "claude-sonnet-4-5", "content": [],
                       "usage": {"input_tokens": 100, "output_tokens": 1}}}),
            );
            push(
                Some("content_block_start"),
                json!({"type": "content_block_start", "index": 0,
                       "content_block": {"type": "text", "text": ""}}),
            );
            for i in 0..n {
                push(
                    Some("content_block_delta"),
                    json!({"type": "content_block_delta", "index": 0,
                           "delta": {"type": "text_delta", "text": delta_text(i)}}),
                );
            }
            push(
                Some("content_block_stop"),
                json!({"type": "content_block_stop", "index": 0}),
            );
            push(
                Some("message_delta"),
                json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                       "usage": {"output_tokens": n}}),
            );
            push(Some("message_stop"), json!({"type": "message_stop"}));
        }
        ProviderKind::OpenAi => {
            for i in 0..n {
                push(
                    Some("response.output_text.delta"),
                    json!({"type": "response.output_text.delta", "sequence_number": i,
                           "item_id": "msg_1", "output_index": 0, "content_index": 0,
                           "delta": delta_text(i)}),
                );
            }
            push(
                Some("response.completed"),
                json!({"type": "response.completed", "response": {"usage": {
                    "input_tokens": 100, "output_tokens": n}}}),
            );
        }
        ProviderKind::Gemini => {
            for i in 0..n {
                let mut candidate = json!({"content": {"role": "model",
                                           "parts": [{"text": delta_text(i)}]}, "index": 0});
                if i + 1 == n {
                    candidate["finishReason"] = json!("STOP");
                }
                push(
                    None,
                    json!({"candidates": [candidate], "modelVersion": "gemini-2.5-flash"}),
                );
            }
        }
        ProviderKind::OpenAiCompatible => {
            for i in 0..n {
                push(
                    None,
                    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
                           "model": "llama3.2", "choices": [{"index": 0,
                           "delta": {"content": delta_text(i)}, "finish_reason": null}]}),
                );
            }
            push(
                None,
                json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [
                    {"index": 0, "delta": {}, "finish_reason": "stop"}]}),
            );
            out.push_str("data: [DONE]\n\n");
        }
    }
    out
}

fn chunks(body: &str) -> Vec<Bytes> {
    body.as_bytes()
        .chunks(CHUNK)
        .map(Bytes::copy_from_slice)
        .collect()
}

/// Counts text events and checks the answer completed.
async fn drain(mut stream: hearth_gateway::providers::EventStream) -> usize {
    let mut texts = 0;
    let mut done = false;
    while let Some(event) = stream.next().await {
        match event {
            Ok(StreamEvent::TextDelta(_)) => texts += 1,
            Ok(StreamEvent::Done(_)) => done = true,
            Ok(_) => {}
            Err(error) => panic!("decode failed: {error}"),
        }
    }
    assert!(done, "the answer did not complete");
    texts
}

fn report(label: &str, bytes: usize, events: usize, best: Duration) {
    let secs = best.as_secs_f64();
    println!(
        "{label:<34} {:>8.1} MB/s  {:>7.3} µs/event  ({events} events, {:.1} MB, best of {RUNS}: {:.1} ms)",
        bytes as f64 / secs / 1e6,
        secs * 1e6 / events as f64,
        bytes as f64 / 1e6,
        secs * 1e3,
    );
}

async fn bench_in_memory(kind: ProviderKind, n: usize) {
    let body = transcript(kind, n);
    let request = ChatRequest::new("model", vec![Message::user("hi")]);
    let mut best = Duration::MAX;
    for run in 0..=RUNS {
        let input = futures::stream::iter(chunks(&body));
        let started = Instant::now();
        let texts = drain(decode_recorded(kind, "bench", &request, input)).await;
        let elapsed = started.elapsed();
        assert_eq!(texts, n);
        if run > 0 {
            best = best.min(elapsed);
        }
    }
    report(&format!("in memory, {kind}"), body.len(), n, best);
}

async fn bench_loopback(n: usize) {
    let kind = ProviderKind::Anthropic;
    let body = Bytes::from(transcript(kind, n));
    let served = body.clone();
    let app = axum::Router::new().fallback(move || {
        let body = served.clone();
        async move {
            let stream = futures::stream::iter(
                body.chunks(CHUNK)
                    .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
                    .collect::<Vec<_>>(),
            );
            axum::response::Response::builder()
                .header("content-type", "text/event-stream")
                .body(axum::body::Body::from_stream(stream))
                .unwrap_or_default()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let config = ProviderConfig {
        kind,
        base_url: Some(base_url),
        models: vec!["claude-sonnet-4-5".into()],
        key_env: None,
        fallback: vec![],
        max_tokens: None,
    };
    let provider = build("bench", &config, http_client());
    let mut best = Duration::MAX;
    for run in 0..=RUNS {
        let request = ChatRequest::new("claude-sonnet-4-5", vec![Message::user("hi")]);
        let started = Instant::now();
        let stream = provider.stream(request, None).await.unwrap();
        let texts = drain(stream).await;
        let elapsed = started.elapsed();
        assert_eq!(texts, n);
        if run > 0 {
            best = best.min(elapsed);
        }
    }
    server.abort();
    report("loopback HTTP, anthropic adapter", body.len(), n, best);
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let n = std::env::var("HEARTH_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("SSE parse-and-dispatch, {n} text deltas per answer, {CHUNK}-byte chunks");
    runtime.block_on(async {
        for kind in [
            ProviderKind::Anthropic,
            ProviderKind::OpenAi,
            ProviderKind::Gemini,
            ProviderKind::OpenAiCompatible,
        ] {
            bench_in_memory(kind, n).await;
        }
        bench_loopback(n).await;
    });
}
