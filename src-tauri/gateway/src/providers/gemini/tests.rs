//! Gemini adapter tests against a real local HTTP server replaying `alt=sse` transcripts.

use super::*;
use crate::config::ProviderKind;
use crate::conversation::{Message, Opaque, Usage};
use crate::providers::testing::{self, data_events, Reply};
use crate::providers::{StopReason, StreamEvent};
use proptest::prelude::*;
use serde_json::json;

fn text_transcript() -> String {
    // Gemini separates events with CRLF pairs.
    data_events(&[
        json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Guten "}]}, "index": 0}],
               "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9}, "modelVersion": "gemini-2.5-flash"}),
        json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Tag — 日本"}]}, "index": 0}]}),
        json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "!"}]},
                               "finishReason": "STOP", "index": 0}],
               "usageMetadata": {"promptTokenCount": 9, "cachedContentTokenCount": 3,
                                 "candidatesTokenCount": 4, "thoughtsTokenCount": 2, "totalTokenCount": 15}}),
    ])
    .replace("\n\n", "\r\n\r\n")
}

fn tool_transcript() -> String {
    data_events(&[
        json!({"candidates": [{"content": {"role": "model", "parts": [
            {"text": "Planning the read", "thought": true},
            {"text": " carefully.", "thought": true, "thoughtSignature": "c2lnLXRob3VnaHQ="}]}}]}),
        json!({"candidates": [{"content": {"role": "model", "parts": [
            {"functionCall": {"name": "files__read", "args": {"path": "a.txt"}},
             "thoughtSignature": "c2lnLWNhbGw="},
            {"functionCall": {"name": "files__read", "args": {"path": "b.txt"}}}]},
            "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": 20, "candidatesTokenCount": 10, "thoughtsTokenCount": 5}}),
    ])
}

fn signature(data: &str) -> Opaque {
    Opaque {
        provider_kind: "gemini".into(),
        provider_id: "g".into(),
        kind: "thought_signature".into(),
        data: data.into(),
        item_id: None,
    }
}

#[tokio::test]
async fn streams_text_and_usage_and_sends_the_documented_request() {
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::Gemini, "g", &server.base_url);
    let mut request = testing::simple_request("gemini-2.5-flash");
    request.max_tokens = Some(100);
    let stream = provider
        .stream(request, Some(Secret::new("AIza-test")))
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        vec![
            StreamEvent::TextDelta("Guten ".into()),
            StreamEvent::TextDelta("Tag — 日本".into()),
            StreamEvent::TextDelta("!".into()),
            StreamEvent::Usage(Usage {
                input_tokens: 9,
                output_tokens: 6,
                cached_input_tokens: 3,
                reasoning_tokens: 2,
            }),
            StreamEvent::Done(StopReason::EndTurn),
        ]
    );
    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        "/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(request.headers["x-goog-api-key"], "AIza-test");
    let body = &request.body;
    assert_eq!(
        body["systemInstruction"],
        json!({"parts": [{"text": "be brief"}]})
    );
    assert_eq!(
        body["contents"],
        json!([{"role": "user", "parts": [{"text": "hello"}]}])
    );
    assert_eq!(
        body["tools"][0]["functionDeclarations"][0]["name"],
        "files__read"
    );
    assert_eq!(
        body["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"]["type"],
        "object"
    );
    assert_eq!(body["generationConfig"], json!({"maxOutputTokens": 100}));
}

async fn decode_split(body: &str, cuts: &[usize]) -> (Vec<StreamEvent>, Option<ProviderError>) {
    let names = ToolNames::new(&testing::simple_request("m").tools);
    testing::decode_chunks(
        testing::split_at(body.as_bytes(), cuts),
        StreamDecoder::new("g", names).with_nonce("n"),
    )
    .await
}

#[tokio::test]
async fn thoughts_and_function_calls_get_signatures_and_generated_ids() {
    let (events, error) = decode_split(&tool_transcript(), &[]).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        vec![
            StreamEvent::ReasoningDelta("Planning the read".into()),
            StreamEvent::ReasoningDelta(" carefully.".into()),
            StreamEvent::ReasoningDone(Some(signature("c2lnLXRob3VnaHQ="))),
            StreamEvent::ToolCall {
                id: "call_n_1".into(),
                name: "files.read".into(),
                arguments: json!({"path": "a.txt"}),
                opaque: Some(signature("c2lnLWNhbGw=")),
            },
            StreamEvent::ToolCall {
                id: "call_n_2".into(),
                name: "files.read".into(),
                arguments: json!({"path": "b.txt"}),
                opaque: None,
            },
            StreamEvent::Usage(Usage {
                input_tokens: 20,
                output_tokens: 15,
                cached_input_tokens: 0,
                reasoning_tokens: 5,
            }),
            StreamEvent::Done(StopReason::ToolUse),
        ]
    );
    // Live, each answer gets its own id prefix.
    let server = testing::serve(vec![Reply::sse(tool_transcript())]).await;
    let provider = testing::provider(ProviderKind::Gemini, "g", &server.base_url);
    let ids = |events: Vec<StreamEvent>| -> Vec<String> {
        events
            .into_iter()
            .filter_map(|e| match e {
                StreamEvent::ToolCall { id, .. } => Some(id),
                _ => None,
            })
            .collect()
    };
    let first = testing::collect(
        provider
            .stream(testing::simple_request("m"), None)
            .await
            .unwrap(),
    )
    .await;
    let second = testing::collect(
        provider
            .stream(testing::simple_request("m"), None)
            .await
            .unwrap(),
    )
    .await;
    let (first, second) = (ids(first.0), ids(second.0));
    assert_eq!(first.len(), 2);
    assert_ne!(first[0], first[1]);
    assert!(first.iter().all(|id| !second.contains(id)));
}

#[tokio::test]
async fn results_go_back_by_name_in_call_order_with_signatures() {
    use crate::conversation::{Block, Role};
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::Gemini, "g", &server.base_url);
    let mut request = testing::simple_request("gemini-2.5-pro");
    request.messages.push(Message::new(
        Role::Assistant,
        vec![
            Block::Reasoning {
                text: "Planning".into(),
                opaque: Some(signature("T1")),
            },
            Block::ToolCall {
                id: "call_n_1".into(),
                name: "files.read".into(),
                arguments: json!({"path": "a.txt"}),
                opaque: Some(signature("S1")),
            },
            Block::ToolCall {
                id: "call_n_2".into(),
                name: "shell.run".into(),
                arguments: json!({"cmd": "ls"}),
                opaque: None,
            },
        ],
    ));
    // Results arrive out of order; Gemini needs them in call order.
    request.messages.push(Message::new(
        Role::Tool,
        vec![
            Block::ToolResult {
                call_id: "call_n_2".into(),
                content: "denied".into(),
                is_error: true,
            },
            Block::ToolResult {
                call_id: "call_n_1".into(),
                content: "A".into(),
                is_error: false,
            },
        ],
    ));
    request.messages.push(Message::user("thanks"));
    let stream = provider.stream(request, None).await.unwrap();
    testing::collect(stream).await;
    let body = &server.requests()[0].body;
    assert_eq!(
        body["contents"],
        json!([
            {"role": "user", "parts": [{"text": "hello"}]},
            {"role": "model", "parts": [
                {"text": "Planning", "thought": true, "thoughtSignature": "T1"},
                {"functionCall": {"name": "files__read", "args": {"path": "a.txt"}}, "thoughtSignature": "S1"},
                {"functionCall": {"name": "shell__run", "args": {"cmd": "ls"}}}
            ]},
            {"role": "user", "parts": [
                {"functionResponse": {"name": "files__read", "response": {"result": "A"}}},
                {"functionResponse": {"name": "shell__run", "response": {"error": "denied"}}},
                {"text": "thanks"}
            ]}
        ])
    );
}

#[tokio::test]
async fn error_bodies_become_typed_errors() {
    let body = |code: u16, status: &str, message: &str, details: serde_json::Value| {
        json!({"error": {"code": code, "message": message, "status": status, "details": details}})
            .to_string()
    };
    let cases = [
        (
            400,
            body(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                 json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}])),
            "auth",
        ),
        (403, body(403, "PERMISSION_DENIED", "denied", json!([])), "auth"),
        (
            429,
            body(429, "RESOURCE_EXHAUSTED", "quota", json!([
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "17s"}])),
            "rate_limited",
        ),
        (503, body(503, "UNAVAILABLE", "The model is overloaded.", json!([])), "overloaded"),
        (
            400,
            body(400, "INVALID_ARGUMENT",
                 "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
                 json!([])),
            "context_too_long",
        ),
        (400, body(400, "INVALID_ARGUMENT", "bad schema", json!([])), "invalid_request"),
        (404, body(404, "NOT_FOUND", "models/x is not found", json!([])), "invalid_request"),
        (500, body(500, "INTERNAL", "internal", json!([])), "server"),
    ];
    for (status, body, expected) in cases {
        let server = testing::serve(vec![Reply::status(status, body)]).await;
        let provider = testing::provider(ProviderKind::Gemini, "g", &server.base_url);
        let error = provider
            .stream(testing::simple_request("m"), None)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), expected, "{status}: {error}");
        if let ProviderError::RateLimited { retry_after, .. } = error {
            assert_eq!(retry_after, Some(std::time::Duration::from_secs(17)));
        }
    }
}

#[tokio::test]
async fn blocked_prompts_and_mid_stream_errors() {
    let blocked = data_events(&[json!({"promptFeedback": {"blockReason": "SAFETY"}})]);
    let (events, error) = decode_split(&blocked, &[]).await;
    assert_eq!(error, None);
    assert_eq!(events, vec![StreamEvent::Done(StopReason::Refusal)]);

    let failing = data_events(&[
        json!({"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]}),
        json!({"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}),
    ]);
    let (events, error) = decode_split(&failing, &[]).await;
    assert_eq!(testing::text_of(&events), "Hi");
    assert_eq!(error.unwrap().kind(), "overloaded");
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

#[tokio::test]
async fn a_model_name_that_would_change_the_url_is_refused() {
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::Gemini, "g", &server.base_url);
    for model in ["", "../files/x", "gemini?alt=json", "a b"] {
        let error = provider
            .stream(testing::simple_request(model), None)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), "invalid_request", "{model}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn calls_from_another_provider_get_the_placeholder_signature_on_gemini_3() {
    use crate::conversation::{Block, Role};
    let history = vec![
        Message::user("hello"),
        Message::new(
            Role::Assistant,
            vec![Block::ToolCall {
                id: "toolu_1".into(),
                name: "files.read".into(),
                arguments: json!({"path": "a"}),
                opaque: None,
            }],
        ),
        Message::new(
            Role::Tool,
            vec![Block::ToolResult {
                call_id: "toolu_1".into(),
                content: "A".into(),
                is_error: false,
            }],
        ),
    ];
    for (model, expected) in [
        (
            "gemini-3-pro-preview",
            json!("skip_thought_signature_validator"),
        ),
        ("gemini-2.5-flash", serde_json::Value::Null),
    ] {
        let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
        let provider = testing::provider(ProviderKind::Gemini, "g", &server.base_url);
        let mut request = testing::simple_request(model);
        request.messages = history.clone();
        testing::collect(provider.stream(request, None).await.unwrap()).await;
        let body = &server.requests()[0].body;
        assert_eq!(
            body["contents"][1]["parts"][0]["thoughtSignature"], expected,
            "{model}"
        );
    }
}
