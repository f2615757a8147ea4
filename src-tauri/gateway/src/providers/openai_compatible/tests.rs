//! Chat Completions adapter tests against a real local HTTP server replaying stream transcripts
//! in the shapes Ollama, llama.cpp, vLLM and OpenRouter send.

use super::*;
use crate::config::ProviderKind;
use crate::conversation::{Message, Usage};
use crate::providers::testing::{self, data_events, Reply};
use crate::providers::{StopReason, StreamEvent};
use proptest::prelude::*;
use serde_json::{json, Value};

fn chunk(delta: Value, finish: Value) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "llama3.2",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

fn usage_chunk() -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [],
           "usage": {"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16,
                     "prompt_tokens_details": {"cached_tokens": 2},
                     "completion_tokens_details": {"reasoning_tokens": 3}}})
}

fn text_transcript() -> String {
    let mut body = data_events(&[
        chunk(json!({"role": "assistant", "content": ""}), Value::Null),
        chunk(json!({"reasoning_content": "hmm, "}), Value::Null),
        chunk(json!({"reasoning": "greet"}), Value::Null),
        chunk(json!({"content": "Hola"}), Value::Null),
        chunk(json!({"content": " ¿qué tal?"}), Value::Null),
        chunk(json!({}), json!("stop")),
        usage_chunk(),
    ]);
    body.push_str("data: [DONE]\n\n");
    body
}

fn tool_transcript() -> String {
    let mut body = data_events(&[
        chunk(
            json!({"role": "assistant", "content": null, "tool_calls": [
            {"index": 0, "id": "call_1", "type": "function",
             "function": {"name": "files__read", "arguments": ""}}]}),
            Value::Null,
        ),
        chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"path\": "}}]}),
            Value::Null,
        ),
        chunk(
            json!({"tool_calls": [
            {"index": 1, "id": "call_2", "type": "function",
             "function": {"name": "files__read", "arguments": "{\"path\": \"b\"}"}}]}),
            Value::Null,
        ),
        chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"a\"}"}}]}),
            Value::Null,
        ),
        chunk(json!({}), json!("tool_calls")),
    ]);
    body.push_str("data: [DONE]\n\n");
    body
}

#[tokio::test]
async fn streams_reasoning_text_and_usage_and_sends_the_documented_request() {
    // Chunked at arbitrary points, as a slow local server would send it.
    let body = text_transcript();
    let (a, b) = body.split_at(body.len() / 3);
    let server = testing::serve_sse(vec![a.to_string(), b.to_string()]).await;
    let provider = testing::provider(ProviderKind::OpenAiCompatible, "local", &server.base_url);
    let stream = provider
        .stream(testing::simple_request("llama3.2"), None)
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        vec![
            StreamEvent::ReasoningDelta("hmm, ".into()),
            StreamEvent::ReasoningDelta("greet".into()),
            StreamEvent::ReasoningDone(None),
            StreamEvent::TextDelta("Hola".into()),
            StreamEvent::TextDelta(" ¿qué tal?".into()),
            StreamEvent::Usage(Usage {
                input_tokens: 11,
                output_tokens: 5,
                cached_input_tokens: 2,
                reasoning_tokens: 3,
            }),
            StreamEvent::Done(StopReason::EndTurn),
        ]
    );
    let request = &server.requests()[0];
    assert_eq!(request.path, "/chat/completions");
    assert!(request.headers.get("authorization").is_none());
    let body = &request.body;
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(
        body["messages"],
        json!([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}])
    );
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "files__read");
}

#[tokio::test]
async fn accumulates_tool_call_deltas_by_index_and_sends_the_bearer_key() {
    let server = testing::serve(vec![Reply::sse(tool_transcript())]).await;
    let provider = testing::provider(ProviderKind::OpenAiCompatible, "or", &server.base_url);
    let stream = provider
        .stream(
            testing::simple_request("openai/gpt-4o"),
            Some(Secret::new("sk-or-test")),
        )
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        vec![
            StreamEvent::ToolCall {
                id: "call_1".into(),
                name: "files.read".into(),
                arguments: json!({"path": "a"}),
                opaque: None,
            },
            StreamEvent::ToolCall {
                id: "call_2".into(),
                name: "files.read".into(),
                arguments: json!({"path": "b"}),
                opaque: None,
            },
            StreamEvent::Done(StopReason::ToolUse),
        ]
    );
    assert_eq!(
        server.requests()[0].headers["authorization"],
        "Bearer sk-or-test"
    );
}

#[tokio::test]
async fn history_maps_to_assistant_tool_calls_and_tool_messages() {
    use crate::conversation::{Block, Role};
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::OpenAiCompatible, "local", &server.base_url);
    let mut request = testing::simple_request("qwen3");
    request.messages.push(Message::new(
        Role::Assistant,
        vec![
            Block::Reasoning {
                text: "local thoughts".into(),
                opaque: None,
            },
            Block::text("Reading."),
            Block::ToolCall {
                id: "call_1".into(),
                name: "files.read".into(),
                arguments: json!({"path": "a"}),
                opaque: None,
            },
        ],
    ));
    request.messages.push(Message::new(
        Role::Tool,
        vec![Block::ToolResult {
            call_id: "call_1".into(),
            content: "A".into(),
            is_error: false,
        }],
    ));
    let stream = provider.stream(request, None).await.unwrap();
    testing::collect(stream).await;
    assert_eq!(
        server.requests()[0].body["messages"],
        json!([
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hello"},
            {"role": "assistant", "content": "Reading.", "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "files__read", "arguments": "{\"path\":\"a\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "A"}
        ])
    );
}

#[tokio::test]
async fn error_bodies_of_each_server_family_become_typed_errors() {
    let cases = [
        (
            401,
            json!({"error": {"message": "No auth credentials found", "code": 401}}),
            "auth",
        ),
        (
            429,
            json!({"error": {"message": "Rate limit exceeded", "code": 429}}),
            "rate_limited",
        ),
        (
            404,
            json!({"error": "model \"nope\" not found, try pulling it first"}),
            "invalid_request",
        ),
        (
            400,
            json!({"error": {"code": 400, "message": "the request exceeds the available context size",
                             "type": "exceed_context_size_error"}}),
            "context_too_long",
        ),
        (
            400,
            json!({"object": "error", "message": "This model's maximum context length is 4096 tokens",
                   "type": "BadRequestError", "param": null, "code": 400}),
            "invalid_request",
        ),
        (
            502,
            json!({"error": {"message": "upstream failed", "code": 502}}),
            "server",
        ),
        (
            503,
            json!({"error": {"message": "loading model", "code": 503}}),
            "overloaded",
        ),
    ];
    for (status, body, expected) in cases {
        let server = testing::serve(vec![Reply::status(status, body.to_string())]).await;
        let provider = testing::provider(ProviderKind::OpenAiCompatible, "local", &server.base_url);
        let error = provider
            .stream(testing::simple_request("m"), None)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), expected, "{status}: {error}");
    }
}

#[tokio::test]
async fn mid_stream_error_objects_and_missing_done() {
    let failing = data_events(&[
        chunk(json!({"content": "Hi"}), Value::Null),
        json!({"error": {"message": "Provider returned error", "code": 502}}),
    ]);
    let (events, error) = testing::decode_chunks(
        vec![failing.into()],
        StreamDecoder::new("or", ToolNames::default()),
    )
    .await;
    assert_eq!(testing::text_of(&events), "Hi");
    let error = error.unwrap();
    assert_eq!(error.kind(), "server");
    assert!(error.to_string().contains("Provider returned error"));

    // A finish reason without [DONE] still completes (some servers omit it).
    let no_done = data_events(&[
        chunk(json!({"content": "Hi"}), Value::Null),
        chunk(json!({}), json!("length")),
    ]);
    let (events, error) = testing::decode_chunks(
        vec![no_done.into()],
        StreamDecoder::new("local", ToolNames::default()),
    )
    .await;
    assert_eq!(error, None);
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Done(StopReason::MaxTokens))
    );
}

async fn decode_split(body: &str, cuts: &[usize]) -> (Vec<StreamEvent>, Option<ProviderError>) {
    let names = ToolNames::new(&testing::simple_request("m").tools);
    testing::decode_chunks(
        testing::split_at(body.as_bytes(), cuts),
        StreamDecoder::new("local", names),
    )
    .await
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_byte_split_decodes_the_same(cuts in proptest::collection::vec(0usize..3000, 0..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for body in [text_transcript(), tool_transcript()] {
            let whole = runtime.block_on(decode_split(&body, &[]));
            let split = runtime.block_on(decode_split(&body, &cuts));
            prop_assert_eq!(&split, &whole);
            prop_assert_eq!(whole.1, None);
        }
    }
}
