//! The Gemini endpoint's translation, piece by piece (the whole route is in `route_tests`).

use super::answer::ChunkWriter;
use super::request::{json_schema, to_chat_request};
use super::*;
use crate::conversation::{Block, Role};
use crate::providers::{StopReason, StreamEvent};
use crate::server::proxy::{Collected, Translate};
use serde_json::{json, Value};

fn body(value: Value) -> GenerateContentRequest {
    serde_json::from_value(value).unwrap()
}

#[test]
fn targets_name_a_hearth_model_and_a_method() {
    assert_eq!(
        parse_target("loc/llama-x:generateContent").unwrap(),
        ("loc/llama-x".to_string(), Method::Generate)
    );
    assert_eq!(
        parse_target("models/fast:streamGenerateContent").unwrap(),
        ("fast".to_string(), Method::Stream)
    );
    // Ollama-style names keep their own colon.
    assert_eq!(
        parse_target("loc/llama3:8b:generateContent").unwrap().0,
        "loc/llama3:8b"
    );
    assert_eq!(parse_target("loc/m:countTokens").unwrap_err().status, 404);
    assert_eq!(parse_target("loc/m").unwrap_err().status, 404);
    assert_eq!(parse_target(":generateContent").unwrap_err().status, 400);
}

#[test]
fn contents_become_the_shared_conversation() {
    let request = body(json!({
        "systemInstruction": {"parts": [{"text": "be brief"}, {"text": "and kind"}]},
        "contents": [
            {"role": "user", "parts": [{"text": "weather in Oslo and Bergen?"}]},
            {"role": "model", "parts": [
                {"text": "thinking", "thought": true},
                {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}},
                {"functionCall": {"name": "get_weather", "args": {"city": "Bergen"}}}
            ]},
            {"role": "user", "parts": [
                {"functionResponse": {"name": "get_weather", "response": {"result": "rain"}}},
                {"functionResponse": {"name": "get_weather", "response": {"error": "no station"}}},
                {"text": "and tomorrow?"}
            ]}
        ],
        "generationConfig": {"maxOutputTokens": 64, "temperature": 0.5, "topK": 3}
    }));
    let chat = to_chat_request(&request, "loc/m").unwrap();
    assert_eq!(chat.system.as_deref(), Some("be brief\nand kind"));
    assert_eq!(chat.max_tokens, Some(64));
    assert_eq!(chat.temperature, Some(0.5));
    let roles: Vec<Role> = chat.messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::User, Role::Assistant, Role::Tool, Role::User]);
    let call_ids: Vec<&str> = chat.messages[1].tool_calls().map(|(id, _, _)| id).collect();
    assert_eq!(call_ids.len(), 2, "the thought is dropped");
    assert_ne!(call_ids[0], call_ids[1]);
    // Responses are matched to calls by name, in order.
    match &chat.messages[2].blocks[..] {
        [Block::ToolResult {
            call_id: first,
            content: rain,
            is_error: false,
        }, Block::ToolResult {
            call_id: second,
            content: failure,
            is_error: true,
        }] => {
            assert_eq!((first.as_str(), rain.as_str()), (call_ids[0], "rain"));
            assert_eq!(
                (second.as_str(), failure.as_str()),
                (call_ids[1], "no station")
            );
        }
        other => panic!("unexpected tool message {other:?}"),
    }
}

#[test]
fn responses_with_ids_answer_their_own_call() {
    let request = body(json!({"contents": [
        {"role": "user", "parts": [{"text": "x"}]},
        {"role": "model", "parts": [
            {"functionCall": {"id": "a", "name": "f", "args": {}}},
            {"functionCall": {"id": "b", "name": "f"}}
        ]},
        {"role": "user", "parts": [
            {"functionResponse": {"id": "b", "name": "f", "response": {"n": 2}}},
            {"functionResponse": {"id": "a", "name": "f", "response": {"output": "one"}}}
        ]}
    ]}));
    let chat = to_chat_request(&request, "m").unwrap();
    let results: Vec<(&str, &str)> = chat.messages[2]
        .blocks
        .iter()
        .map(|b| match b {
            Block::ToolResult {
                call_id, content, ..
            } => (call_id.as_str(), content.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(results, [("b", r#"{"n":2}"#), ("a", "one")]);
}

#[test]
fn unsupported_input_is_a_clear_400() {
    let cases = [
        json!({"contents": []}),
        json!({"contents": [{"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": "AA=="}}]}]}),
        json!({"contents": [{"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {}}}]}]}),
        json!({"contents": [{"role": "user", "parts": [{"functionCall": {"name": "f"}}]}]}),
        json!({"contents": [{"role": "system", "parts": [{"text": "x"}]}]}),
        json!({"contents": [{"parts": [{"text": "x"}]}], "tools": [{"googleSearch": {}}]}),
        json!({"contents": [{"parts": [{"text": "x"}]}], "generationConfig": {"candidateCount": 2}}),
        json!({"contents": [{"parts": [{"text": "x"}]}], "cachedContent": "cachedContents/1"}),
    ];
    for case in cases {
        let error = to_chat_request(&body(case.clone()), "m").unwrap_err();
        assert_eq!(error.status, 400, "{case}");
        assert_eq!(error.format, ApiFormat::Gemini);
    }
}

#[test]
fn gemini_schemas_become_json_schema() {
    let request = body(json!({
        "contents": [{"parts": [{"text": "x"}]}],
        "tools": [{"function_declarations": [
            {"name": "get_weather", "description": "Weather", "parameters": {
                "type": "OBJECT",
                "properties": {
                    "city": {"type": "STRING", "description": "City"},
                    "days": {"type": "INTEGER", "nullable": true},
                    "tags": {"type": "ARRAY", "items": {"type": "STRING"}}
                },
                "required": ["city"],
                "propertyOrdering": ["city", "days", "tags"]
            }},
            {"name": "raw", "parametersJsonSchema": {"type": "object", "properties": {"q": {"type": "string"}}}},
            {"name": "bare"}
        ]}]
    }));
    let chat = to_chat_request(&request, "m").unwrap();
    assert_eq!(
        chat.tools[0].parameters,
        json!({
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City"},
                "days": {"type": ["integer", "null"]},
                "tags": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["city"]
        })
    );
    assert_eq!(chat.tools[0].description, "Weather");
    assert_eq!(
        chat.tools[1].parameters["properties"]["q"]["type"],
        "string"
    );
    assert_eq!(chat.tools[2].parameters["type"], "object");
    assert_eq!(json_schema(&json!("x")), json!("x"));
}

#[test]
fn stream_chunks_are_data_only_and_end_with_the_reason_and_usage() {
    let mut writer = ChunkWriter::new("loc/m".into(), false);
    assert!(writer.start().is_empty());
    let mut frames = writer.event(&StreamEvent::TextDelta("Hi".into()));
    frames.extend(writer.event(&StreamEvent::ToolCall {
        id: "c1".into(),
        name: "f".into(),
        arguments: json!({"x": 1}),
        opaque: None,
    }));
    let mut answer = Collected::default();
    for event in [
        StreamEvent::Usage(crate::conversation::Usage {
            input_tokens: 5,
            output_tokens: 9,
            cached_input_tokens: 0,
            reasoning_tokens: 4,
        }),
        StreamEvent::Done(StopReason::ToolUse),
    ] {
        answer.apply(&event);
        assert!(writer.event(&event).is_empty());
    }
    frames.extend(writer.finish(&answer));
    assert!(frames.iter().all(|f| f.event.is_none()));
    let chunks: Vec<Value> = frames
        .iter()
        .map(|f| serde_json::from_str(&f.data).unwrap())
        .collect();
    assert_eq!(
        chunks[0]["candidates"][0]["content"]["parts"][0]["text"],
        "Hi"
    );
    assert_eq!(
        chunks[1]["candidates"][0]["content"]["parts"][0]["functionCall"],
        json!({"id": "c1", "name": "f", "args": {"x": 1}})
    );
    let last = &chunks[2];
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    assert_eq!(
        last["usageMetadata"],
        json!({"promptTokenCount": 5, "candidatesTokenCount": 5, "totalTokenCount": 14, "thoughtsTokenCount": 4})
    );
    let ids: Vec<&Value> = chunks.iter().map(|c| &c["responseId"]).collect();
    assert!(ids.iter().all(|id| *id == ids[0]));
}

#[test]
fn thinking_config_asks_for_reasoning() {
    use crate::providers::{Reasoning, ReasoningEffort};
    let reasoning = |thinking: Value| {
        let request = body(json!({
            "contents": [{"role": "user", "parts": [{"text": "x"}]}],
            "generationConfig": {"thinkingConfig": thinking}
        }));
        (
            to_chat_request(&request, "loc/m").map(|c| c.reasoning),
            request::include_thoughts(&request),
        )
    };
    assert_eq!(
        reasoning(json!({"includeThoughts": true, "thinkingBudget": 2048})),
        (Ok(Some(Reasoning::Budget(2048))), true)
    );
    assert_eq!(
        reasoning(json!({"thinking_budget": 0})),
        (Ok(Some(Reasoning::Off)), false)
    );
    assert_eq!(
        reasoning(json!({"thinkingBudget": -1})),
        (Ok(Some(Reasoning::Auto)), false)
    );
    assert_eq!(
        reasoning(json!({"thinkingLevel": "HIGH", "includeThoughts": true})),
        (Ok(Some(Reasoning::Effort(ReasoningEffort::High))), true)
    );
    assert_eq!(
        reasoning(json!({"includeThoughts": true})),
        (Ok(Some(Reasoning::Auto)), true)
    );
    assert_eq!(reasoning(json!({})), (Ok(None), false));
    let (bad_budget, _) = reasoning(json!({"thinkingBudget": -5}));
    assert_eq!(bad_budget.unwrap_err().status, 400);
    let (bad_level, _) = reasoning(json!({"thinkingLevel": "EXTREME"}));
    assert!(bad_level.unwrap_err().message.contains("EXTREME"));
}

#[test]
fn thoughts_come_first_as_thought_parts_when_asked_for() {
    let events = [
        StreamEvent::ReasoningDelta("Plan".into()),
        StreamEvent::ReasoningDone(None),
        StreamEvent::TextDelta("Hi".into()),
        StreamEvent::Done(StopReason::EndTurn),
    ];
    let mut answer = Collected::default();
    for event in &events {
        answer.apply(event);
    }
    let whole = serde_json::to_value(answer::response("loc/m", "r".into(), &answer, true)).unwrap();
    assert_eq!(
        whole["candidates"][0]["content"]["parts"],
        json!([{"text": "Plan", "thought": true}, {"text": "Hi"}])
    );
    let plain =
        serde_json::to_value(answer::response("loc/m", "r".into(), &answer, false)).unwrap();
    assert_eq!(
        plain["candidates"][0]["content"]["parts"],
        json!([{"text": "Hi"}])
    );

    let mut writer = ChunkWriter::new("loc/m".into(), true);
    let parts: Vec<Value> = events
        .iter()
        .flat_map(|e| writer.event(e))
        .map(|f| serde_json::from_str::<Value>(&f.data).unwrap())
        .map(|c| c["candidates"][0]["content"]["parts"][0].clone())
        .collect();
    assert_eq!(
        parts,
        [
            json!({"text": "Plan", "thought": true}),
            json!({"text": "Hi"})
        ]
    );
    let mut hidden = ChunkWriter::new("loc/m".into(), false);
    assert!(hidden.event(&events[0]).is_empty());
}
