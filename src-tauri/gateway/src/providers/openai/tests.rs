//! OpenAI Responses adapter tests against a real local HTTP server replaying stream transcripts.

use super::*;
use crate::config::ProviderKind;
use crate::conversation::{Message, Opaque, Usage};
use crate::providers::testing::{self, named_events, Reply};
use crate::providers::{StopReason, StreamEvent};
use proptest::prelude::*;
use serde_json::{json, Value};

fn event(data: Value) -> (&'static str, Value) {
    // The event name repeats the `type` field; the decoder reads the field.
    ("response.event", data)
}

fn completed(input: u64, cached: u64, output: u64, reasoning: u64) -> Value {
    json!({"type": "response.completed", "sequence_number": 99, "response": {
        "id": "resp_1", "status": "completed",
        "usage": {"input_tokens": input, "input_tokens_details": {"cached_tokens": cached},
                  "output_tokens": output, "output_tokens_details": {"reasoning_tokens": reasoning},
                  "total_tokens": input + output}}})
}

fn text_transcript() -> String {
    named_events(&[
        event(json!({"type": "response.created", "sequence_number": 0,
                     "response": {"id": "resp_1", "status": "in_progress"}})),
        event(
            json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
                     "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": []}}),
        ),
        event(
            json!({"type": "response.output_text.delta", "sequence_number": 2, "item_id": "msg_1",
                     "output_index": 0, "content_index": 0, "delta": "Bonjour, "}),
        ),
        event(
            json!({"type": "response.output_text.delta", "sequence_number": 3, "item_id": "msg_1",
                     "output_index": 0, "content_index": 0, "delta": "ça va ? ✓"}),
        ),
        event(
            json!({"type": "response.output_text.done", "sequence_number": 4, "item_id": "msg_1",
                     "output_index": 0, "content_index": 0, "text": "Bonjour, ça va ? ✓"}),
        ),
        event(
            json!({"type": "response.output_item.done", "sequence_number": 5, "output_index": 0,
                     "item": {"type": "message", "id": "msg_1", "role": "assistant",
                              "content": [{"type": "output_text", "text": "Bonjour, ça va ? ✓"}]}}),
        ),
        event(completed(12, 4, 6, 0)),
    ])
}

fn tool_and_reasoning_transcript() -> String {
    named_events(&[
        event(json!({"type": "response.created", "sequence_number": 0, "response": {"id": "r"}})),
        event(
            json!({"type": "response.reasoning_summary_part.added", "sequence_number": 1,
                     "item_id": "rs_1", "output_index": 0, "summary_index": 0,
                     "part": {"type": "summary_text", "text": ""}}),
        ),
        event(
            json!({"type": "response.reasoning_summary_text.delta", "sequence_number": 2,
                     "item_id": "rs_1", "output_index": 0, "summary_index": 0, "delta": "Need the file."}),
        ),
        event(
            json!({"type": "response.reasoning_summary_part.added", "sequence_number": 3,
                     "item_id": "rs_1", "output_index": 0, "summary_index": 1,
                     "part": {"type": "summary_text", "text": ""}}),
        ),
        event(
            json!({"type": "response.reasoning_summary_text.delta", "sequence_number": 4,
                     "item_id": "rs_1", "output_index": 0, "summary_index": 1, "delta": "Read it."}),
        ),
        event(
            json!({"type": "response.output_item.done", "sequence_number": 5, "output_index": 0,
                     "item": {"type": "reasoning", "id": "rs_1", "encrypted_content": "gAAAA-enc",
                              "summary": [{"type": "summary_text", "text": "Need the file."}]}}),
        ),
        event(
            json!({"type": "response.function_call_arguments.delta", "sequence_number": 6,
                     "item_id": "fc_1", "output_index": 1, "delta": "{\"path\":"}),
        ),
        event(
            json!({"type": "response.output_item.done", "sequence_number": 7, "output_index": 1,
                     "item": {"type": "function_call", "id": "fc_1", "call_id": "call_abc",
                              "name": "files__read", "arguments": "{\"path\":\"a.txt\"}",
                              "status": "completed"}}),
        ),
        event(completed(30, 0, 50, 40)),
    ])
}

#[tokio::test]
async fn streams_text_and_usage_and_sends_a_stateless_request() {
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::OpenAi, "gpt", &server.base_url);
    let stream = provider
        .stream(
            {
                let mut request = testing::simple_request("gpt-5");
                request.temperature = Some(0.2);
                request
            },
            Some(Secret::new("sk-proj-test")),
        )
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        vec![
            StreamEvent::TextDelta("Bonjour, ".into()),
            StreamEvent::TextDelta("ça va ? ✓".into()),
            StreamEvent::Usage(Usage {
                input_tokens: 12,
                output_tokens: 6,
                cached_input_tokens: 4,
                reasoning_tokens: 0,
            }),
            StreamEvent::Done(StopReason::EndTurn),
        ]
    );
    let request = &server.requests()[0];
    assert_eq!(request.path, "/responses");
    assert_eq!(request.headers["authorization"], "Bearer sk-proj-test");
    let body = &request.body;
    assert_eq!(body["store"], false);
    assert_eq!(body["stream"], true);
    assert_eq!(body["include"], json!(["reasoning.encrypted_content"]));
    assert!(body.get("temperature").is_none());
    assert_eq!(body["instructions"], "be brief");
    assert_eq!(
        body["input"],
        json!([{"type": "message", "role": "user", "content": "hello"}])
    );
    assert_eq!(
        body["tools"][0],
        json!({"type": "function", "name": "files__read", "description": "Reads a file",
               "parameters": {"type": "object", "properties": {"path": {"type": "string"}}},
               "strict": false})
    );
}

fn own_reasoning() -> Opaque {
    Opaque {
        provider_kind: "openai".into(),
        provider_id: "gpt".into(),
        kind: "encrypted_content".into(),
        data: "gAAAA-enc".into(),
        item_id: Some("rs_1".into()),
    }
}

#[tokio::test]
async fn non_reasoning_models_get_no_encrypted_content_request_but_keep_temperature() {
    for (model, reasoning) in [
        ("gpt-4.1", false),
        ("gpt-4o-mini", false),
        ("gpt-5-chat-latest", false),
        ("o4-mini", true),
        ("o3", true),
        ("gpt-5.1", true),
        ("gpt-5-codex", true),
    ] {
        assert_eq!(super::is_reasoning_model(model), reasoning, "{model}");
    }
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::OpenAi, "gpt", &server.base_url);
    let mut request = testing::simple_request("gpt-4.1");
    request.temperature = Some(0.5);
    request.messages.push(Message::new(
        crate::conversation::Role::Assistant,
        vec![
            crate::conversation::Block::Reasoning {
                text: "from o4-mini".into(),
                opaque: Some(own_reasoning()),
            },
            crate::conversation::Block::text("earlier answer"),
        ],
    ));
    testing::collect(provider.stream(request, None).await.unwrap()).await;
    let body = &server.requests()[0].body;
    assert!(body.get("include").is_none());
    assert!(!body.to_string().contains("gAAAA-enc"));
    assert_eq!(body["temperature"], 0.5);
}

#[tokio::test]
async fn decodes_reasoning_summaries_and_function_calls() {
    let server = testing::serve(vec![Reply::sse(tool_and_reasoning_transcript())]).await;
    let provider = testing::provider(ProviderKind::OpenAi, "gpt", &server.base_url);
    let stream = provider
        .stream(testing::simple_request("o4-mini"), None)
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        vec![
            StreamEvent::ReasoningDelta("Need the file.".into()),
            StreamEvent::ReasoningDelta("\n\n".into()),
            StreamEvent::ReasoningDelta("Read it.".into()),
            StreamEvent::ReasoningDone(Some(own_reasoning())),
            StreamEvent::ToolCall {
                id: "call_abc".into(),
                name: "files.read".into(),
                arguments: json!({"path": "a.txt"}),
                opaque: None,
            },
            StreamEvent::Usage(Usage {
                input_tokens: 30,
                output_tokens: 50,
                cached_input_tokens: 0,
                reasoning_tokens: 40,
            }),
            StreamEvent::Done(StopReason::ToolUse),
        ]
    );
}

#[tokio::test]
async fn round_trips_reasoning_items_calls_and_outputs() {
    use crate::conversation::{Block, Role};
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::OpenAi, "gpt", &server.base_url);
    let mut request = testing::simple_request("o4-mini");
    request.messages.push(Message::new(
        Role::Assistant,
        vec![
            Block::Reasoning {
                text: "Need the file.".into(),
                opaque: Some(own_reasoning()),
            },
            Block::ToolCall {
                id: "call_abc".into(),
                name: "files.read".into(),
                arguments: json!({"path": "a.txt"}),
                opaque: None,
            },
        ],
    ));
    request.messages.push(Message::new(
        Role::Tool,
        vec![Block::ToolResult {
            call_id: "call_abc".into(),
            content: "no such file".into(),
            is_error: true,
        }],
    ));
    // Cancelled right after reasoning: nothing follows it, so it is not sent.
    let mut unfollowed = own_reasoning();
    unfollowed.item_id = Some("rs_2".into());
    request.messages.push(Message::new(
        Role::Assistant,
        vec![Block::Reasoning {
            text: String::new(),
            opaque: Some(unfollowed),
        }],
    ));
    let stream = provider.stream(request, None).await.unwrap();
    testing::collect(stream).await;
    let body = &server.requests()[0].body;
    assert_eq!(
        body["input"],
        json!([
            {"type": "message", "role": "user", "content": "hello"},
            {"type": "reasoning", "id": "rs_1", "encrypted_content": "gAAAA-enc",
             "summary": [{"type": "summary_text", "text": "Need the file."}]},
            {"type": "function_call", "call_id": "call_abc", "name": "files__read",
             "arguments": "{\"path\":\"a.txt\"}"},
            {"type": "function_call_output", "call_id": "call_abc", "output": "Error: no such file"}
        ])
    );
}

#[tokio::test]
async fn incomplete_and_failed_responses() {
    let incomplete = named_events(&[
        event(json!({"type": "response.output_text.delta", "delta": "Once upon"})),
        event(
            json!({"type": "response.incomplete", "response": {"status": "incomplete",
                     "incomplete_details": {"reason": "max_output_tokens"}}}),
        ),
    ]);
    let (events, error) = testing::decode_chunks(
        vec![incomplete.into()],
        StreamDecoder::new("gpt", ToolNames::default()),
    )
    .await;
    assert_eq!(error, None);
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Done(StopReason::MaxTokens))
    );

    let failed = named_events(&[event(json!({"type": "response.failed", "response": {
        "status": "failed", "error": {"code": "rate_limit_exceeded", "message": "Slow down"}}}))]);
    let (_, error) = testing::decode_chunks(
        vec![failed.into()],
        StreamDecoder::new("gpt", ToolNames::default()),
    )
    .await;
    assert_eq!(error.unwrap().kind(), "rate_limited");

    let errored = named_events(&[
        event(json!({"type": "response.output_text.delta", "delta": "Hi"})),
        (
            "error",
            json!({"type": "error", "code": "server_error", "message": "boom", "param": null}),
        ),
    ]);
    let (events, error) = testing::decode_chunks(
        vec![errored.into()],
        StreamDecoder::new("gpt", ToolNames::default()),
    )
    .await;
    assert_eq!(testing::text_of(&events), "Hi");
    let error = error.unwrap();
    assert_eq!(error.kind(), "server");
    assert!(error.to_string().contains("boom"));
}

#[tokio::test]
async fn error_bodies_become_typed_errors() {
    let body = |kind: &str, code: &str, message: &str| {
        json!({"error": {"message": message, "type": kind, "param": null, "code": code}})
            .to_string()
    };
    let cases = [
        (
            401,
            body(
                "invalid_request_error",
                "invalid_api_key",
                "Incorrect API key",
            ),
            "auth",
        ),
        (
            429,
            body("requests", "rate_limit_exceeded", "Rate limit reached"),
            "rate_limited",
        ),
        (
            429,
            body("insufficient_quota", "insufficient_quota", "quota"),
            "auth",
        ),
        (
            400,
            body(
                "invalid_request_error",
                "context_length_exceeded",
                "maximum context length",
            ),
            "context_too_long",
        ),
        (
            400,
            body("invalid_request_error", "unknown_parameter", "bad param"),
            "invalid_request",
        ),
        (503, body("server_error", "", "unavailable"), "overloaded"),
        (500, body("server_error", "", "oops"), "server"),
        (502, "<html>Bad Gateway</html>".to_string(), "server"),
    ];
    for (status, body, expected) in cases {
        let server = testing::serve(vec![Reply::Status {
            status,
            headers: vec![("retry-after-ms", "1500".into())],
            body,
        }])
        .await;
        let provider = testing::provider(ProviderKind::OpenAi, "gpt", &server.base_url);
        let error = provider
            .stream(testing::simple_request("gpt-5"), None)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), expected, "{status}: {error}");
        if let ProviderError::RateLimited { retry_after, .. } = error {
            assert_eq!(retry_after, Some(std::time::Duration::from_millis(1500)));
        }
    }
}

async fn decode_split(body: &str, cuts: &[usize]) -> (Vec<StreamEvent>, Option<ProviderError>) {
    let names = ToolNames::new(&testing::simple_request("m").tools);
    testing::decode_chunks(
        testing::split_at(body.as_bytes(), cuts),
        StreamDecoder::new("gpt", names),
    )
    .await
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_byte_split_decodes_the_same(cuts in proptest::collection::vec(0usize..4000, 0..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for body in [text_transcript(), tool_and_reasoning_transcript()] {
            let whole = runtime.block_on(decode_split(&body, &[]));
            let split = runtime.block_on(decode_split(&body, &cuts));
            prop_assert_eq!(&split, &whole);
            prop_assert_eq!(whole.1, None);
        }
    }
}
