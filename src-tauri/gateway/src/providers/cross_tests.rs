//! Portability across providers: a conversation with tool calls and reasoning started on one
//! provider continues on each of the others. Each adapter must turn it into a valid request for
//! its API (checked on the JSON the local server receives): call ids mapped to what the API
//! accepts, the same id on a call and its result, foreign reasoning dropped, own reasoning
//! kept, roles merged where alternation is required, and the answer decoded.

use super::testing::{self, data_events, named_events, Reply};
use crate::config::ProviderKind;
use crate::conversation::{Block, Message, Opaque, Role};
use serde_json::{json, Value};

fn opaque(kind: &str, id: &str, what: &str, data: &str, item: Option<&str>) -> Opaque {
    Opaque {
        provider_kind: kind.into(),
        provider_id: id.into(),
        kind: what.into(),
        data: data.into(),
        item_id: item.map(String::from),
    }
}

/// Started on Anthropic (`claude`), continued on OpenAI (`gpt`), now moving on.
fn conversation() -> Vec<Message> {
    vec![
        Message::user("What is in a.txt?"),
        Message::new(
            Role::Assistant,
            vec![
                Block::Reasoning {
                    text: "I should read it.".into(),
                    opaque: Some(opaque(
                        "anthropic",
                        "claude",
                        "signature",
                        "ANTHROPIC-SIG",
                        None,
                    )),
                },
                Block::text("Let me look."),
                Block::ToolCall {
                    id: "toolu_01A".into(),
                    name: "files.read".into(),
                    arguments: json!({"path": "a.txt"}),
                    opaque: None,
                },
            ],
        ),
        Message::new(
            Role::Tool,
            vec![Block::ToolResult {
                call_id: "toolu_01A".into(),
                content: "hello world".into(),
                is_error: false,
            }],
        ),
        Message::user("And list the folder."),
        Message::new(
            Role::Assistant,
            vec![
                Block::Reasoning {
                    text: "Listing.".into(),
                    opaque: Some(opaque(
                        "openai",
                        "gpt",
                        "encrypted_content",
                        "OPENAI-ENC",
                        Some("rs_9"),
                    )),
                },
                Block::ToolCall {
                    id: "call|weird.id/7".into(),
                    name: "shell.run".into(),
                    arguments: json!({"cmd": "ls"}),
                    opaque: None,
                },
            ],
        ),
        Message::new(
            Role::Tool,
            vec![Block::ToolResult {
                call_id: "call|weird.id/7".into(),
                content: "a.txt".into(),
                is_error: false,
            }],
        ),
    ]
}

fn answer(kind: ProviderKind) -> String {
    match kind {
        ProviderKind::Anthropic => named_events(&[
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0,
                       "content_block": {"type": "text", "text": "Done."}}),
            ),
            (
                "message_delta",
                json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}}),
            ),
            ("message_stop", json!({"type": "message_stop"})),
        ]),
        ProviderKind::OpenAi => named_events(&[
            (
                "x",
                json!({"type": "response.output_text.delta", "delta": "Done."}),
            ),
            ("x", json!({"type": "response.completed", "response": {}})),
        ]),
        ProviderKind::Gemini => data_events(&[json!({"candidates": [
            {"content": {"role": "model", "parts": [{"text": "Done."}]}, "finishReason": "STOP"}]})]),
        ProviderKind::OpenAiCompatible => {
            data_events(&[
                json!({"choices": [{"index": 0, "delta": {"content": "Done."},
                                   "finish_reason": "stop"}]}),
            ]) + "data: [DONE]\n\n"
        }
    }
}

/// Sends the conversation to provider `id` of `kind`; returns the request body it received.
async fn continue_on(kind: ProviderKind, id: &str) -> Value {
    continue_on_model(kind, id, "model").await
}

/// [`continue_on`] with a given model name.
async fn continue_on_model(kind: ProviderKind, id: &str, model: &str) -> Value {
    let server = testing::serve(vec![Reply::sse(answer(kind))]).await;
    let provider = testing::provider(kind, id, &server.base_url);
    let mut request = testing::simple_request(model);
    request.messages = conversation();
    request.messages.push(Message::user("Thanks, summarise."));
    let stream = provider.stream(request, None).await.unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None, "{kind}");
    assert_eq!(testing::text_of(&events), "Done.", "{kind}");
    server.requests().remove(0).body
}

fn is_valid_wire_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[tokio::test]
async fn continues_on_anthropic_with_merged_roles_and_mapped_ids() {
    // The same provider id that produced the thinking gets it back...
    let body = continue_on(ProviderKind::Anthropic, "claude").await;
    let messages = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant", "user"]);
    assert_eq!(
        messages[1]["content"][0],
        json!({"type": "thinking", "thinking": "I should read it.", "signature": "ANTHROPIC-SIG"})
    );
    assert_eq!(messages[1]["content"][2]["name"], "files__read");
    assert_eq!(
        messages[2]["content"],
        json!([
            {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "hello world"},
            {"type": "text", "text": "And list the folder."}
        ])
    );
    // ...but not OpenAI's reasoning, and the odd call id is mapped consistently.
    let second = &messages[3]["content"];
    assert_eq!(second.as_array().unwrap().len(), 1);
    let call_id = second[0]["id"].as_str().unwrap();
    assert!(is_valid_wire_id(call_id), "{call_id}");
    assert_eq!(messages[4]["content"][0]["tool_use_id"], call_id);
    assert_eq!(messages[4]["content"][1]["text"], "Thanks, summarise.");

    // Another Anthropic provider id never sees the signature.
    let body = continue_on(ProviderKind::Anthropic, "claude-work").await;
    assert!(!body.to_string().contains("ANTHROPIC-SIG"));
    assert!(!body.to_string().contains("thinking"));
}

#[tokio::test]
async fn continues_on_openai_with_its_own_reasoning_only() {
    let body = continue_on_model(ProviderKind::OpenAi, "gpt", "o4-mini").await;
    let input = body["input"].as_array().unwrap();
    let types: Vec<&str> = input.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "message",
            "message",
            "function_call",
            "function_call_output",
            "message",
            "reasoning",
            "function_call",
            "function_call_output",
            "message"
        ]
    );
    assert!(!body.to_string().contains("ANTHROPIC-SIG"));
    assert_eq!(input[5]["id"], "rs_9");
    assert_eq!(input[5]["encrypted_content"], "OPENAI-ENC");
    assert_eq!(input[2]["call_id"], input[3]["call_id"]);
    assert_eq!(input[6]["call_id"], input[7]["call_id"]);
    assert!(is_valid_wire_id(input[6]["call_id"].as_str().unwrap()));
    assert_eq!(input[6]["name"], "shell__run");

    let other = continue_on_model(ProviderKind::OpenAi, "azure-ish", "o4-mini").await;
    assert!(!other.to_string().contains("OPENAI-ENC"));
}

#[tokio::test]
async fn continues_on_gemini_with_alternating_turns_and_named_results() {
    let body = continue_on(ProviderKind::Gemini, "g").await;
    let contents = body["contents"].as_array().unwrap();
    let roles: Vec<&str> = contents
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "model", "user", "model", "user"]);
    assert!(!body.to_string().contains("ANTHROPIC-SIG"));
    assert!(!body.to_string().contains("OPENAI-ENC"));
    assert!(!body.to_string().contains("\"thought\""));
    // Calls made elsewhere carry Gemini's documented placeholder signature (Gemini 3+
    // rejects unsigned calls; "model" is not a 1.x/2.x name).
    assert_eq!(
        contents[1]["parts"],
        json!([
            {"text": "Let me look."},
            {"functionCall": {"name": "files__read", "args": {"path": "a.txt"}},
             "thoughtSignature": "skip_thought_signature_validator"}
        ])
    );
    assert_eq!(
        contents[2]["parts"][0],
        json!({"functionResponse": {"name": "files__read", "response": {"result": "hello world"}}})
    );
    assert_eq!(
        contents[4]["parts"][0]["functionResponse"]["name"],
        "shell__run"
    );
    assert_eq!(body["systemInstruction"]["parts"][0]["text"], "be brief");
}

#[tokio::test]
async fn continues_on_an_openai_compatible_server_without_any_reasoning() {
    let body = continue_on(ProviderKind::OpenAiCompatible, "local").await;
    let messages = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "system",
            "user",
            "assistant",
            "tool",
            "user",
            "assistant",
            "tool",
            "user"
        ]
    );
    assert!(!body.to_string().contains("ANTHROPIC-SIG"));
    assert!(!body.to_string().contains("OPENAI-ENC"));
    assert!(!body.to_string().contains("I should read it."));
    assert_eq!(messages[2]["content"], "Let me look.");
    assert_eq!(messages[2]["tool_calls"][0]["id"], "toolu_01A");
    assert_eq!(messages[3]["tool_call_id"], "toolu_01A");
    assert_eq!(messages[5]["content"], Value::Null);
    let odd = messages[5]["tool_calls"][0]["id"].as_str().unwrap();
    assert!(is_valid_wire_id(odd));
    assert_eq!(messages[6]["tool_call_id"], odd);
}

#[tokio::test]
async fn an_interrupted_tool_call_gets_an_error_result_everywhere() {
    for kind in [
        ProviderKind::Anthropic,
        ProviderKind::OpenAi,
        ProviderKind::Gemini,
        ProviderKind::OpenAiCompatible,
    ] {
        let server = testing::serve(vec![Reply::sse(answer(kind))]).await;
        let provider = testing::provider(kind, "p", &server.base_url);
        let mut request = testing::simple_request("model");
        request.messages.push(Message::new(
            Role::Assistant,
            vec![Block::ToolCall {
                id: "c1".into(),
                name: "files.read".into(),
                arguments: json!({}),
                opaque: None,
            }],
        ));
        request.messages.push(Message::user("never mind"));
        let stream = provider.stream(request, None).await.unwrap();
        let (_, error) = testing::collect(stream).await;
        assert_eq!(error, None);
        let body = server.requests().remove(0).body.to_string();
        assert!(
            body.contains(super::portable::MISSING_RESULT),
            "{kind}: {body}"
        );
    }
}
