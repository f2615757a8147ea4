//! The whole Gemini route over a real bound listener: a real [`Gateway`] in a temp data dir, an
//! `openai-compatible` provider pointing at a fake upstream on 127.0.0.1, a real HTTP client.

use crate::audit::EntryStatus;
use crate::providers::testing::Reply;
use crate::server::harness::{
    self, compat_chunk, compat_stream, compat_text_reply as text_reply, compat_usage, Harness,
};
use serde_json::{json, Value};

fn tool_reply() -> Reply {
    let call = json!({"tool_calls": [{"index": 0, "id": "call_9", "type": "function",
        "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]});
    compat_stream(vec![
        compat_chunk(call, Value::Null),
        compat_chunk(json!({}), json!("tool_calls")),
        compat_usage(),
    ])
}

/// A server with no rate limit and the alias `fast` = `loc/m`.
async fn harness(replies: Vec<Reply>) -> Harness {
    let settings = "rate_limit_per_minute = 0\n[server.aliases]\nfast = \"loc/m\"";
    harness::start(settings, "gem", replies).await
}

/// A POST with the token as Gemini's `x-goog-api-key`.
fn post(h: &Harness, path: &str, body: Value) -> reqwest::RequestBuilder {
    h.post_with_key_header(path, body, "x-goog-api-key")
}

fn hello() -> Value {
    json!({"contents": [{"role": "user", "parts": [{"text": "Say hi"}]}],
           "systemInstruction": {"parts": [{"text": "be brief"}]}})
}

#[tokio::test]
async fn generate_content_is_proxied_and_logged() {
    let h = harness(vec![text_reply("Hello there")]).await;
    let response = post(&h, "/v1beta/models/loc/m:generateContent", hello())
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
        let response = post(&h, path, hello()).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    assert_eq!(h.fake.requests().len(), 3);
}

#[tokio::test]
async fn stream_generate_content_sends_sse_chunks() {
    let h = harness(vec![text_reply("Hi"), text_reply("Hi")]).await;
    let text = post(
        &h,
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
    let array: Value = post(&h, "/v1beta/models/loc/m:streamGenerateContent", hello())
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
    let asked: Value = post(
        &h,
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
    let answered = post(&h,
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
    let unknown: Value = post(&h, "/v1beta/models/nope/x:generateContent", hello())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unknown["error"]["status"], "NOT_FOUND");
    let malformed = post(
        &h,
        "/v1beta/models/loc/m:generateContent",
        json!({"contents": "x"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    let upstream = post(
        &h,
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

#[tokio::test]
async fn gemini_clients_list_the_models_in_geminis_shape() {
    let h = harness(vec![]).await;
    for path in ["/v1beta/models", "/v1/models"] {
        let response = h
            .http
            .get(format!("{}{path}", h.base))
            .header("x-goog-api-key", &h.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body: Value = response.json().await.unwrap();
        let names: Vec<&str> = body["models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["models/loc/m", "models/fast"], "{path}");
        assert_eq!(
            body["models"][0]["supportedGenerationMethods"],
            json!(["generateContent", "streamGenerateContent"])
        );
    }
    // Without a token: Gemini's 401.
    let refused = h
        .http
        .get(format!("{}/v1beta/models", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_token_in_the_key_query_parameter_is_accepted_on_gemini_routes_only() {
    let h = harness(vec![text_reply("by query")]).await;
    let url = format!(
        "{}/v1beta/models/loc/m:generateContent?key={}",
        h.base, h.token
    );
    let response = h.http.post(url).json(&hello()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["candidates"][0]["content"]["parts"][0]["text"],
        "by query"
    );
    // Logged by path, without the query (and so without the token).
    let entries = h.api_entries().await;
    assert!(!serde_json::to_string(&entries).unwrap().contains(&h.token));
    // Not on the other families' routes.
    let openai = h
        .http
        .get(format!("{}/v1/models?key={}", h.base, h.token))
        .send()
        .await
        .unwrap();
    assert_eq!(openai.status(), 401);
}
