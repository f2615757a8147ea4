//! The Gemini endpoint: translation units, then the whole route over a real bound listener (a
//! real [`Gateway`] in a temp data dir, an `openai-compatible` provider pointing at a fake
//! upstream on 127.0.0.1, a real HTTP client).

use super::answer::ChunkWriter;
use super::request::{json_schema, to_chat_request};
use super::*;
use crate::audit::{EntryKind, EntryStatus, LogQuery};
use crate::conversation::{Block, Role};
use crate::paths::DataDir;
use crate::providers::testing::{data_events, serve, FakeServer, Reply};
use crate::providers::{StopReason, StreamEvent};
use crate::server::proxy::{Collected, Translate};
use crate::server::{bind, router, ServerState};
use crate::Gateway;
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
    let mut writer = ChunkWriter::new("loc/m".into());
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

// --- the whole route ----------------------------------------------------------------------

struct Harness {
    _dir: tempfile::TempDir,
    gateway: Gateway,
    base: String,
    token: String,
    http: reqwest::Client,
    fake: FakeServer,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn compat_chunk(delta: Value, finish: Value) -> Value {
    json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

fn compat_usage() -> Value {
    json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
           "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}})
}

fn text_reply(text: &str) -> Reply {
    let events = [
        compat_chunk(json!({"role": "assistant", "content": text}), Value::Null),
        compat_chunk(json!({}), json!("stop")),
        compat_usage(),
    ];
    Reply::sse(data_events(&events) + "data: [DONE]\n\n")
}

fn tool_reply() -> Reply {
    let call = json!({"tool_calls": [{"index": 0, "id": "call_9", "type": "function",
        "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]});
    let events = [
        compat_chunk(call, Value::Null),
        compat_chunk(json!({}), json!("tool_calls")),
        compat_usage(),
    ];
    Reply::sse(data_events(&events) + "data: [DONE]\n\n")
}

async fn harness(replies: Vec<Reply>) -> Harness {
    let fake = serve(replies).await;
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(&dir.path().join("h"));
    data.ensure().unwrap();
    std::fs::write(
        data.config_path(),
        format!(
            "[server]\nrate_limit_per_minute = 0\n[server.aliases]\nfast = \"loc/m\"\n\
             [providers.loc]\nkind = \"openai-compatible\"\nbase_url = \"{}\"\nmodels = [\"m\"]\n",
            fake.base_url
        ),
    )
    .unwrap();
    let gateway = Gateway::open(data).unwrap();
    let state = ServerState::new(gateway.clone());
    let token = state.tokens.create("gem", &[], false).await.unwrap().token;
    let (listener, addr) = bind("127.0.0.1:0", false).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = crate::server::serve(listener, router(state), async {
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
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .unwrap(),
        fake,
        _stop: stop,
    }
}

impl Harness {
    fn post(&self, path: &str, body: Value) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("x-goog-api-key", &self.token)
            .json(&body)
    }

    async fn api_entries(&self) -> Vec<crate::audit::LogEntry> {
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
            if api.iter().all(|e| e.status != EntryStatus::Pending) {
                return api;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("API entries stayed pending");
    }
}

fn hello() -> Value {
    json!({"contents": [{"role": "user", "parts": [{"text": "Say hi"}]}],
           "systemInstruction": {"parts": [{"text": "be brief"}]}})
}

#[tokio::test]
async fn generate_content_is_proxied_and_logged() {
    let h = harness(vec![text_reply("Hello there")]).await;
    let response = h
        .post("/v1beta/models/loc/m:generateContent", hello())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let candidate = &body["candidates"][0];
    assert_eq!(candidate["content"]["role"], "model");
    assert_eq!(
        candidate["content"]["parts"],
        json!([{"text": "Hello there"}])
    );
    assert_eq!(candidate["finishReason"], "STOP");
    assert_eq!(
        body["usageMetadata"],
        json!({"promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7})
    );
    assert_eq!(body["modelVersion"], "loc/m");
    let sent = &h.fake.requests()[0];
    assert_eq!(sent.body["model"], "m");
    assert_eq!(
        sent.body["messages"][0],
        json!({"role": "system", "content": "be brief"})
    );
    assert!(!serde_json::to_string(&sent.body)
        .unwrap()
        .contains(&h.token));
    let entries = h.api_entries().await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, crate::audit::Actor::Api("gem".into()));
    assert_eq!(entries[0].status, EntryStatus::Ok);
    let text = serde_json::to_string(&entries[0]).unwrap();
    assert!(
        text.contains("loc/m") && text.contains("generateContent"),
        "{text}"
    );
}

#[tokio::test]
async fn an_encoded_slash_aliases_and_v1_route_too() {
    let h = harness(vec![text_reply("a"), text_reply("b"), text_reply("c")]).await;
    for path in [
        "/v1beta/models/loc%2Fm:generateContent",
        "/v1beta/models/fast:generateContent",
        "/v1/models/loc/m:generateContent",
    ] {
        let response = h.post(path, hello()).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    assert_eq!(h.fake.requests().len(), 3);
}

#[tokio::test]
async fn stream_generate_content_sends_sse_chunks() {
    let h = harness(vec![text_reply("Hi"), text_reply("Hi")]).await;
    let text = h
        .post(
            "/v1beta/models/loc/m:streamGenerateContent?alt=sse",
            hello(),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let chunks: Vec<Value> = text
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).unwrap())
        .collect();
    assert!(!text.contains("event:"), "{text}");
    assert_eq!(chunks.len(), 2, "{text}");
    assert_eq!(
        chunks[0]["candidates"][0]["content"]["parts"][0]["text"],
        "Hi"
    );
    assert_eq!(chunks[1]["candidates"][0]["finishReason"], "STOP");
    assert_eq!(chunks[1]["usageMetadata"]["totalTokenCount"], 7);
    // Without alt=sse: a JSON array of responses.
    let array: Value = h
        .post("/v1beta/models/loc/m:streamGenerateContent", hello())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        array[0]["candidates"][0]["content"]["parts"][0]["text"],
        "Hi"
    );
}

#[tokio::test]
async fn tool_calls_round_trip_as_function_parts() {
    let h = harness(vec![tool_reply(), text_reply("It rains.")]).await;
    let tools = json!([{"functionDeclarations": [{"name": "get_weather", "description": "Weather",
        "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]}]);
    let asked: Value = h
        .post(
            "/v1beta/models/loc/m:generateContent",
            json!({"contents": [{"role": "user", "parts": [{"text": "weather?"}]}], "tools": tools}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let call = &asked["candidates"][0]["content"]["parts"][0]["functionCall"];
    assert_eq!(
        *call,
        json!({"id": "call_9", "name": "get_weather", "args": {"city": "Oslo"}})
    );
    assert_eq!(asked["candidates"][0]["finishReason"], "STOP");
    let upstream_tools = &h.fake.requests()[0].body["tools"];
    assert_eq!(
        upstream_tools[0]["function"]["parameters"]["properties"]["city"]["type"],
        "string"
    );
    let answered = h
        .post(
            "/v1beta/models/loc/m:generateContent",
            json!({"tools": tools, "contents": [
                {"role": "user", "parts": [{"text": "weather?"}]},
                asked["candidates"][0]["content"],
                {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"result": "rain"}}}]}
            ]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    let messages = &h.fake.requests()[1].body["messages"];
    assert_eq!(messages[1]["tool_calls"][0]["id"], "call_9");
    assert_eq!(
        messages[2],
        json!({"role": "tool", "tool_call_id": "call_9", "content": "rain"})
    );
}

#[tokio::test]
async fn errors_are_in_gemini_format() {
    let h = harness(vec![Reply::status(
        400,
        r#"{"error":{"message":"bad things","type":"invalid_request_error"}}"#,
    )])
    .await;
    let url = format!("{}/v1beta/models/loc/m:generateContent", h.base);
    let missing = h.http.post(&url).json(&hello()).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], 401);
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    let wrong = h
        .http
        .post(&url)
        .header("x-goog-api-key", "hth_wrong")
        .json(&hello())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    let unknown: Value = h
        .post("/v1beta/models/nope/x:generateContent", hello())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unknown["error"]["status"], "NOT_FOUND");
    let malformed = h
        .post(
            "/v1beta/models/loc/m:generateContent",
            json!({"contents": "x"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    let upstream = h
        .post(
            "/v1beta/models/loc/m:streamGenerateContent?alt=sse",
            hello(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(upstream.status(), 400);
    let body: Value = upstream.json().await.unwrap();
    assert_eq!(body["error"]["code"], 400);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("bad things"));
}
