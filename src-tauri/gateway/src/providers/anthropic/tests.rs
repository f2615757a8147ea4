//! Anthropic adapter tests against a real local HTTP server replaying Messages API transcripts.

use super::*;
use crate::config::ProviderKind;
use crate::conversation::{Opaque, Usage};
use crate::providers::testing::{self, named_events, Reply};
use crate::providers::{StopReason, StreamEvent};
use proptest::prelude::*;
use serde_json::json;

fn text_transcript() -> String {
    named_events(&[
        (
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_1", "type": "message",
                "role": "assistant", "content": [], "model": "claude-sonnet-4-5",
                "usage": {"input_tokens": 10, "cache_read_input_tokens": 5,
                          "cache_creation_input_tokens": 2, "output_tokens": 1}}}),
        ),
        ("ping", json!({"type": "ping"})),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
                   "content_block": {"type": "text", "text": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "text_delta", "text": "Héllo"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "text_delta", "text": " wörld 🌍"}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn",
                   "stop_sequence": null}, "usage": {"output_tokens": 7}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ])
}

fn text_events() -> Vec<StreamEvent> {
    vec![
        StreamEvent::TextDelta("Héllo".into()),
        StreamEvent::TextDelta(" wörld 🌍".into()),
        StreamEvent::Usage(Usage {
            input_tokens: 17,
            output_tokens: 7,
            cached_input_tokens: 5,
            reasoning_tokens: 0,
        }),
        StreamEvent::Done(StopReason::EndTurn),
    ]
}

#[tokio::test]
async fn streams_text_and_usage_and_sends_the_documented_request() {
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::Anthropic, "claude", &server.base_url);
    let stream = provider
        .stream(
            testing::simple_request("claude-sonnet-4-5"),
            Some(Secret::new("sk-ant-test")),
        )
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(events, text_events());

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.headers["x-api-key"], "sk-ant-test");
    assert_eq!(request.headers["anthropic-version"], "2023-06-01");
    assert!(request.headers.get("authorization").is_none());
    let body = &request.body;
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert_eq!(body["stream"], true);
    assert_eq!(body["max_tokens"], 8192);
    assert_eq!(body["system"], "be brief");
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": [{"type": "text", "text": "hello"}]}])
    );
    assert_eq!(body["tools"][0]["name"], "files__read");
    assert_eq!(body["tools"][0]["input_schema"]["type"], "object");
}

fn tool_transcript() -> String {
    named_events(&[
        (
            "message_start",
            json!({"type": "message_start", "message": {"usage": {"input_tokens": 20, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
                   "content_block": {"type": "text", "text": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "text_delta", "text": "Reading."}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 1, "content_block":
                   {"type": "tool_use", "id": "toolu_01X", "name": "files__read", "input": {}}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1,
                   "delta": {"type": "input_json_delta", "partial_json": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1,
                   "delta": {"type": "input_json_delta", "partial_json": "{\"pa"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1,
                   "delta": {"type": "input_json_delta", "partial_json": "th\": \"a.txt\"}"}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 1}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"},
                   "usage": {"output_tokens": 30}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ])
}

#[tokio::test]
async fn accumulates_tool_input_json_and_maps_the_name_back() {
    let server = testing::serve(vec![Reply::sse(tool_transcript())]).await;
    let provider = testing::provider(ProviderKind::Anthropic, "claude", &server.base_url);
    let stream = provider
        .stream(testing::simple_request("claude-sonnet-4-5"), None)
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        vec![
            StreamEvent::TextDelta("Reading.".into()),
            StreamEvent::ToolCall {
                id: "toolu_01X".into(),
                name: "files.read".into(),
                arguments: json!({"path": "a.txt"}),
                opaque: None,
            },
            StreamEvent::Usage(Usage {
                input_tokens: 20,
                output_tokens: 30,
                ..Default::default()
            }),
            StreamEvent::Done(StopReason::ToolUse),
        ]
    );
    assert!(server.requests()[0].headers.get("x-api-key").is_none());
}

fn thinking_transcript() -> String {
    named_events(&[
        (
            "message_start",
            json!({"type": "message_start", "message": {"usage": {"input_tokens": 3, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
                   "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "thinking_delta", "thinking": "Let me think"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "signature_delta", "signature": "EqQBCgIYAh"}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 1,
                   "content_block": {"type": "redacted_thinking", "data": "ENCRYPTED=="}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 1}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 2,
                   "content_block": {"type": "text", "text": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 2,
                   "delta": {"type": "text_delta", "text": "42"}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 2}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "max_tokens"},
                   "usage": {"output_tokens": 9}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ])
}

fn opaque(kind: &str, data: &str) -> Opaque {
    Opaque {
        provider_kind: "anthropic".into(),
        provider_id: "claude".into(),
        kind: kind.into(),
        data: data.into(),
        item_id: None,
    }
}

#[tokio::test]
async fn thinking_keeps_its_signature_and_redacted_thinking_its_data() {
    let server = testing::serve(vec![Reply::sse(thinking_transcript())]).await;
    let provider = testing::provider(ProviderKind::Anthropic, "claude", &server.base_url);
    let stream = provider
        .stream(testing::simple_request("claude-opus-4-5"), None)
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        vec![
            StreamEvent::ReasoningDelta("Let me think".into()),
            StreamEvent::ReasoningDone(Some(opaque("signature", "EqQBCgIYAh"))),
            StreamEvent::ReasoningDone(Some(opaque("redacted_thinking", "ENCRYPTED=="))),
            StreamEvent::TextDelta("42".into()),
            StreamEvent::Usage(Usage {
                input_tokens: 3,
                output_tokens: 9,
                ..Default::default()
            }),
            StreamEvent::Done(StopReason::MaxTokens),
        ]
    );
}

#[tokio::test]
async fn own_thinking_is_sent_back_with_its_signature() {
    use crate::conversation::{Block, Message, Role};
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::Anthropic, "claude", &server.base_url);
    let mut request = testing::simple_request("claude-opus-4-5");
    request.messages.push(Message::new(
        Role::Assistant,
        vec![
            Block::Reasoning {
                text: "Let me think".into(),
                opaque: Some(opaque("signature", "SIG")),
            },
            Block::Reasoning {
                text: String::new(),
                opaque: Some(opaque("redacted_thinking", "RED")),
            },
            Block::text("42"),
        ],
    ));
    request.messages.push(Message::user("and?"));
    let stream = provider.stream(request, None).await.unwrap();
    testing::collect(stream).await;
    let body = &server.requests()[0].body;
    assert_eq!(
        body["messages"][1]["content"],
        json!([
            {"type": "thinking", "thinking": "Let me think", "signature": "SIG"},
            {"type": "redacted_thinking", "data": "RED"},
            {"type": "text", "text": "42"}
        ])
    );
}

#[tokio::test]
async fn thinking_the_api_would_reject_is_left_out() {
    use crate::conversation::{Block, Message, Role};
    let server = testing::serve(vec![Reply::sse(text_transcript())]).await;
    let provider = testing::provider(ProviderKind::Anthropic, "claude", &server.base_url);
    let thinking = |text: &str, sig: &str| Block::Reasoning {
        text: text.into(),
        opaque: Some(opaque("signature", sig)),
    };
    let mut request = testing::simple_request("claude-opus-4-5");
    request.messages.extend([
        // A cancelled answer: thinking only, no text after it.
        Message::new(Role::Assistant, vec![thinking("half a thought", "S0")]),
        Message::user("again"),
        // Thinking after text, and a thinking block without text.
        Message::new(
            Role::Assistant,
            vec![
                thinking("", "S1"),
                thinking("first", "S2"),
                Block::text("answer"),
                thinking("late", "S3"),
            ],
        ),
        Message::user("and?"),
    ]);
    testing::collect(provider.stream(request, None).await.unwrap()).await;
    let body = &server.requests()[0].body;
    let messages = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
    assert_eq!(
        messages[0]["content"],
        json!([{"type": "text", "text": "hello"}, {"type": "text", "text": "again"}])
    );
    assert_eq!(
        messages[1]["content"],
        json!([
            {"type": "thinking", "thinking": "first", "signature": "S2"},
            {"type": "text", "text": "answer"}
        ])
    );
}

fn error_body(kind: &str, message: &str) -> String {
    json!({"type": "error", "error": {"type": kind, "message": message}}).to_string()
}

#[tokio::test]
async fn error_bodies_become_typed_errors() {
    let cases = [
        (401, "authentication_error", "invalid x-api-key", "auth"),
        (403, "permission_error", "no access", "auth"),
        (429, "rate_limit_error", "slow down", "rate_limited"),
        (529, "overloaded_error", "Overloaded", "overloaded"),
        (
            400,
            "invalid_request_error",
            "prompt is too long: 210000 tokens > 200000 maximum",
            "context_too_long",
        ),
        (413, "request_too_large", "too big", "context_too_long"),
        (
            400,
            "invalid_request_error",
            "messages: roles must alternate",
            "invalid_request",
        ),
        (404, "not_found_error", "model: nope", "invalid_request"),
        (500, "api_error", "Internal server error", "server"),
    ];
    for (status, kind, message, expected) in cases {
        let server = testing::serve(vec![Reply::Status {
            status,
            headers: vec![("retry-after", "3".into())],
            body: error_body(kind, message),
        }])
        .await;
        let provider = testing::provider(ProviderKind::Anthropic, "claude", &server.base_url);
        let error = provider
            .stream(testing::simple_request("m"), None)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), expected, "{status} {kind}");
        assert!(error.to_string().contains(message), "{error}");
        if let ProviderError::RateLimited { retry_after, .. } = error {
            assert_eq!(retry_after, Some(std::time::Duration::from_secs(3)));
        }
    }
}

#[tokio::test]
async fn a_mid_stream_error_event_ends_the_stream_with_a_typed_error() {
    let mut body = text_transcript();
    let cut = body.find("event: message_delta").unwrap();
    body.truncate(cut);
    body.push_str(&named_events(&[(
        "error",
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    )]));
    let server = testing::serve(vec![Reply::sse(body)]).await;
    let provider = testing::provider(ProviderKind::Anthropic, "claude", &server.base_url);
    let stream = provider
        .stream(testing::simple_request("m"), None)
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(testing::text_of(&events), "Héllo wörld 🌍");
    assert_eq!(error.unwrap().kind(), "overloaded");
}

#[tokio::test]
async fn garbage_lines_are_ignored_but_undecodable_data_is_a_protocol_error() {
    let mut body = String::from("garbage line without colon\n: a comment\n\n");
    body.push_str("event: future\ndata: {\"type\": \"future_event\", \"x\": 1}\n\n");
    body.push_str(&text_transcript());
    let server = testing::serve(vec![Reply::sse(body)]).await;
    let provider = testing::provider(ProviderKind::Anthropic, "claude", &server.base_url);
    let stream = provider
        .stream(testing::simple_request("m"), None)
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(events, text_events());

    let broken = format!(
        "{}event: content_block_delta\ndata: {{not json\n\n",
        &text_transcript()[..text_transcript().find("event: content_block_stop").unwrap()]
    );
    let (events, error) = testing::decode_chunks(
        vec![broken.into()],
        StreamDecoder::new("test", ToolNames::default()),
    )
    .await;
    assert_eq!(events.len(), 2);
    assert_eq!(error.unwrap().kind(), "protocol");
}

#[tokio::test]
async fn tool_input_given_whole_at_block_start_is_kept() {
    let body = named_events(&[
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block":
                   {"type": "tool_use", "id": "toolu_2", "name": "shell__run", "input": {"cmd": "ls"}}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ]);
    let (events, error) = testing::decode_chunks(
        vec![body.into()],
        StreamDecoder::new("claude", ToolNames::default()),
    )
    .await;
    assert_eq!(error, None);
    assert_eq!(
        events[0],
        StreamEvent::ToolCall {
            id: "toolu_2".into(),
            name: "shell.run".into(),
            arguments: json!({"cmd": "ls"}),
            opaque: None,
        }
    );
}

async fn decode_split(body: &str, cuts: &[usize]) -> (Vec<StreamEvent>, Option<ProviderError>) {
    let names = ToolNames::new(&testing::simple_request("m").tools);
    testing::decode_chunks(
        testing::split_at(body.as_bytes(), cuts),
        StreamDecoder::new("claude", names),
    )
    .await
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_byte_split_decodes_the_same(cuts in proptest::collection::vec(0usize..4000, 0..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for body in [text_transcript(), tool_transcript(), thinking_transcript()] {
            let whole = runtime.block_on(decode_split(&body, &[]));
            let split = runtime.block_on(decode_split(&body, &cuts));
            prop_assert_eq!(&split, &whole);
            prop_assert_eq!(whole.1, None);
        }
    }
}
