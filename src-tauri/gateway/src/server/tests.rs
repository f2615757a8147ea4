//! The whole local API over a real bound listener: a real [`Gateway`] in a temp data dir, an
//! `openai-compatible` provider pointing at the fake provider server, real HTTP clients.

use super::harness::{self, compat_text_reply as compat_reply, Harness};
use super::*;
use crate::providers::testing::Reply;
use serde_json::json;

/// A server with a low rate limit (5 a minute) and body limit (4096 bytes), plus `config_extra`.
async fn harness(config_extra: &str, replies: Vec<Reply>) -> Harness {
    let settings = format!("rate_limit_per_minute = 5\nmax_body_bytes = 4096\n{config_extra}");
    harness::start(&settings, "test", replies).await
}

#[tokio::test]
async fn chat_completion_is_proxied_and_logged() {
    let h = harness("", vec![compat_reply("Hello there")]).await;
    let response = h
        .post(
            "/v1/chat/completions",
            json!({"model": "loc/m", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "Hello there");
    assert_eq!(body["usage"]["prompt_tokens"], 5);
    let entries = h.api_entries().await;
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.actor, crate::audit::Actor::Api("test".into()));
    assert_eq!(entry.status, crate::audit::EntryStatus::Ok);
    let text = serde_json::to_string(&entry).unwrap();
    assert!(text.contains("loc/m"), "{text}");
    assert!(text.contains("\"output_tokens\":2"), "{text}");
}

#[tokio::test]
async fn streams_arrive_in_each_format() {
    let h = harness(
        "",
        vec![compat_reply("Hi"), compat_reply("Hi"), compat_reply("Hi")],
    )
    .await;
    let chat = h
        .post(
            "/v1/chat/completions",
            json!({"model": "loc/m", "stream": true, "messages": [{"role": "user", "content": "x"}]}),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(chat.contains("\"content\":\"Hi\""), "{chat}");
    assert!(chat.trim_end().ends_with("data: [DONE]"), "{chat}");
    let anthropic = h
        .http
        .post(format!("{}/v1/messages", h.base))
        .header("x-api-key", &h.token)
        .json(&json!({"model": "loc/m", "max_tokens": 10, "stream": true, "messages": [{"role": "user", "content": "x"}]}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(anthropic.contains("event: message_start"), "{anthropic}");
    assert!(anthropic.contains("event: message_stop"), "{anthropic}");
    let responses = h
        .post(
            "/v1/responses",
            json!({"model": "loc/m", "stream": true, "input": "x"}),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        responses.contains("event: response.completed"),
        "{responses}"
    );
}

#[tokio::test]
async fn auth_failures_answer_401_in_the_callers_format() {
    let h = harness("", vec![]).await;
    let openai = h
        .http
        .post(format!("{}/v1/chat/completions", h.base))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(openai.status(), 401);
    let body: serde_json::Value = openai.json().await.unwrap();
    assert_eq!(body["error"]["type"], "authentication_error");
    let anthropic = h
        .http
        .post(format!("{}/v1/messages", h.base))
        .header("x-api-key", "hth_wrong")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(anthropic.status(), 401);
    let body: serde_json::Value = anthropic.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "authentication_error");
    // Refused requests are in the action log too.
    let entries = h.api_entries().await;
    assert_eq!(entries.len(), 2);
    assert!(entries
        .iter()
        .all(|e| e.status == crate::audit::EntryStatus::Denied));
}

#[tokio::test]
async fn lock_down_refuses_foreign_hosts_origins_big_bodies_and_floods() {
    let h = harness("", (0..5).map(|_| compat_reply("ok")).collect()).await;
    let models = format!("{}/v1/models", h.base);
    let host = h
        .http
        .get(&models)
        .bearer_auth(&h.token)
        .header("host", "attacker.example:8765")
        .send()
        .await
        .unwrap();
    assert_eq!(host.status(), 421);
    let origin = h
        .http
        .get(&models)
        .bearer_auth(&h.token)
        .header("origin", "https://attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(origin.status(), 403);
    let big = h
        .post(
            "/v1/chat/completions",
            json!({"model": "loc/m", "messages": [{"role": "user", "content": "x".repeat(5000)}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), 413);
    // The limit is 5 a minute: the 413 above did not count (it was refused before auth).
    for _ in 0..5 {
        let ok = h
            .http
            .get(&models)
            .bearer_auth(&h.token)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
    }
    let limited = h
        .http
        .get(&models)
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn configured_origins_get_cors_headers() {
    let h = harness("cors_origins = [\"http://localhost:5173\"]", vec![]).await;
    let preflight = h
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/v1/models", h.base))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
}

#[tokio::test]
async fn upstream_errors_keep_their_meaning() {
    let h = harness(
        "",
        vec![Reply::status(
            400,
            r#"{"error":{"message":"bad things","type":"invalid_request_error"}}"#,
        )],
    )
    .await;
    let response = h
        .post(
            "/v1/messages",
            json!({"model": "loc/m", "max_tokens": 5, "stream": true, "messages": [{"role": "user", "content": "x"}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("bad things"));
}

#[tokio::test]
async fn unknown_models_are_404_and_models_are_listed() {
    let h = harness("[server.aliases]\nfast = \"loc/m\"", vec![]).await;
    let response = h
        .post(
            "/v1/chat/completions",
            json!({"model": "nope/x", "messages": [{"role": "user", "content": "x"}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let listed: serde_json::Value = h
        .http
        .get(format!("{}/v1/models", h.base))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["loc/m", "fast"]);
}

#[test]
fn non_loopback_listen_needs_allow_remote() {
    assert!(matches!(
        check_listen("0.0.0.0:1", false),
        Err(ServerError::NotLoopback(_))
    ));
    assert!(check_listen("0.0.0.0:1", true).is_ok());
    assert!(check_listen("127.0.0.1:1", false).is_ok());
    assert!(check_listen("[::1]:1", false).is_ok());
    assert!(matches!(
        check_listen("localhost", false),
        Err(ServerError::BadAddress(_))
    ));
}

#[tokio::test]
async fn recorded_tokens_keep_the_exchange_as_a_conversation() {
    let h = harness("", vec![compat_reply("Kept answer")]).await;
    let tokens = TokenStore::new(h.gateway.store().clone());
    let recorded = tokens.create("rec", &[], true).await.unwrap().token;
    let response = h
        .http
        .post(format!("{}/v1/chat/completions", h.base))
        .bearer_auth(&recorded)
        .json(&json!({"model": "loc/m", "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "keep me"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let store = h.gateway.store();
    for _ in 0..100 {
        let listed = store
            .list_conversations(crate::store::ListQuery::default())
            .await
            .unwrap();
        if let Some(entry) = listed.first().filter(|e| e.message_count == 3) {
            let path = store.current_path(&entry.conversation.id).await.unwrap();
            assert_eq!(path[1].text(), "keep me");
            assert_eq!(path[2].text(), "Kept answer");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the exchange was not recorded");
}

#[tokio::test]
async fn health_needs_no_token_but_a_local_host() {
    let h = harness("", vec![]).await;
    let ok = h
        .http
        .get(format!("{}/health", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let foreign = h
        .http
        .get(format!("{}/health", h.base))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 421);
}
