//! Reasoning through the whole local API, both ways, in every API family: the client's
//! reasoning control reaches the upstream (here an `openai-compatible` fake, so as
//! `reasoning_effort`), and the upstream's reasoning (`reasoning_content` deltas) comes back
//! in the client's shape, streamed and not.

use super::harness::{self, compat_chunk, compat_stream, compat_usage, Answer, Harness};
use crate::providers::testing::Reply;
use serde_json::{json, Value};

/// An upstream answer that reasons ("Let me think.") before it answers ("Hi").
fn reasoning_reply() -> Reply {
    compat_stream(vec![
        compat_chunk(
            json!({"role": "assistant", "reasoning_content": "Let me "}),
            Value::Null,
        ),
        compat_chunk(json!({"reasoning_content": "think."}), Value::Null),
        compat_chunk(json!({"content": "Hi"}), Value::Null),
        compat_chunk(json!({}), json!("stop")),
        compat_usage(),
    ])
}

async fn harness(replies: usize) -> Harness {
    let replies = (0..replies).map(|_| reasoning_reply()).collect();
    harness::start("rate_limit_per_minute = 0", "reason", replies).await
}

/// The `data:` JSON of each SSE event, with its `event:` name if any.
fn frames(text: &str) -> Vec<(Option<String>, Value)> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut event = None;
        let mut data = None;
        for line in block.lines() {
            if let Some(name) = line.strip_prefix("event: ") {
                event = Some(name.to_string());
            } else if let Some(body) = line.strip_prefix("data: ") {
                data = Some(body);
            }
        }
        if let Some(data) = data.filter(|d| *d != "[DONE]") {
            out.push((event, serde_json::from_str(data).unwrap()));
        }
    }
    out
}

/// What the upstream was sent as `reasoning_effort`, request by request.
fn sent_efforts(h: &Harness) -> Vec<Value> {
    h.fake
        .requests()
        .iter()
        .map(|r| {
            r.body
                .get("reasoning_effort")
                .cloned()
                .unwrap_or(Value::Null)
        })
        .collect()
}

#[tokio::test]
async fn chat_completions_carry_reasoning_effort_and_reasoning_content() {
    let h = harness(3).await;
    let ask = |extra: Value| {
        let mut body = json!({"model": "loc/m", "messages": [{"role": "user", "content": "x"}]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        h.post("/v1/chat/completions", body)
    };
    let done: Value = ask(json!({"reasoning_effort": "high"})).json_body().await;
    let message = &done["choices"][0]["message"];
    assert_eq!(message["reasoning_content"], "Let me think.");
    assert_eq!(message["content"], "Hi");
    let streamed = ask(json!({"stream": true})).text_body().await;
    let deltas: Vec<Value> = frames(&streamed)
        .into_iter()
        .map(|(_, chunk)| chunk["choices"][0]["delta"].clone())
        .collect();
    let reasoning: String = deltas
        .iter()
        .filter_map(|d| d["reasoning_content"].as_str())
        .collect();
    assert_eq!(reasoning, "Let me think.");
    let first_text = deltas.iter().position(|d| d["content"] == "Hi").unwrap();
    let last_reasoning = deltas
        .iter()
        .rposition(|d| d.get("reasoning_content").is_some())
        .unwrap();
    assert!(last_reasoning < first_text, "{streamed}");
    let refused = ask(json!({"reasoning_effort": "enormous"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    // Unset: no reasoning field upstream, as before.
    assert_eq!(sent_efforts(&h), [json!("high"), Value::Null]);
}

#[tokio::test]
async fn responses_carry_reasoning_effort_and_reasoning_items() {
    let h = harness(2).await;
    let done: Value = h
        .post(
            "/v1/responses",
            json!({"model": "loc/m", "input": "x", "reasoning": {"effort": "low", "summary": "auto"}}),
        )
        .json_body()
        .await;
    assert_eq!(done["output"][0]["type"], "reasoning");
    assert_eq!(
        done["output"][0]["summary"],
        json!([{"type": "summary_text", "text": "Let me think."}])
    );
    assert_eq!(done["output"][1]["type"], "message");
    assert_eq!(done["output_text"], "Hi");
    let streamed = h
        .post(
            "/v1/responses",
            json!({"model": "loc/m", "input": "x", "stream": true}),
        )
        .text_body()
        .await;
    let events = frames(&streamed);
    let names: Vec<&str> = events.iter().filter_map(|(e, _)| e.as_deref()).collect();
    let delta = names
        .iter()
        .position(|n| *n == "response.reasoning_summary_text.delta")
        .unwrap();
    let done_at = names
        .iter()
        .position(|n| *n == "response.reasoning_summary_text.done")
        .unwrap();
    let text_at = names
        .iter()
        .position(|n| *n == "response.output_text.delta")
        .unwrap();
    assert!(delta < done_at && done_at < text_at, "{names:?}");
    assert_eq!(events[done_at].1["text"], "Let me think.");
    let completed = &events.last().unwrap().1["response"];
    assert_eq!(completed["output"][0]["type"], "reasoning");
    assert_eq!(sent_efforts(&h), [json!("low"), Value::Null]);
}

#[tokio::test]
async fn anthropic_thinking_is_asked_for_and_comes_back_as_thinking_blocks() {
    let h = harness(3).await;
    let ask = |thinking: Value, stream: bool| {
        h.post_with_key_header(
            "/v1/messages",
            json!({"model": "loc/m", "max_tokens": 4000, "stream": stream, "thinking": thinking,
                   "messages": [{"role": "user", "content": "x"}]}),
            "x-api-key",
        )
    };
    let enabled = json!({"type": "enabled", "budget_tokens": 2048});
    let done: Value = ask(enabled.clone(), false).json_body().await;
    assert_eq!(
        done["content"],
        json!([{"type": "thinking", "thinking": "Let me think.", "signature": ""},
               {"type": "text", "text": "Hi"}])
    );
    let streamed = ask(enabled, true).text_body().await;
    let events = frames(&streamed);
    let starts: Vec<(u64, &str)> = events
        .iter()
        .filter(|(e, _)| e.as_deref() == Some("content_block_start"))
        .map(|(_, b)| {
            (
                b["index"].as_u64().unwrap(),
                b["content_block"]["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(starts, [(0, "thinking"), (1, "text")], "{streamed}");
    let thinking: String = events
        .iter()
        .filter(|(_, b)| b["delta"]["type"] == "thinking_delta")
        .map(|(_, b)| b["delta"]["thinking"].as_str().unwrap())
        .collect();
    assert_eq!(thinking, "Let me think.");
    // Disabled: the upstream is told so and no thinking block comes back.
    let off: Value = ask(json!({"type": "disabled"}), false).json_body().await;
    assert_eq!(off["content"], json!([{"type": "text", "text": "Hi"}]));
    assert_eq!(
        sent_efforts(&h),
        [json!("low"), json!("low"), json!("none")]
    );
}

#[tokio::test]
async fn gemini_thinking_config_is_asked_for_and_thoughts_come_back_as_thought_parts() {
    let h = harness(3).await;
    let ask = |config: Value, path: &str| {
        h.post_with_key_header(
            path,
            json!({"contents": [{"role": "user", "parts": [{"text": "x"}]}],
                   "generationConfig": config}),
            "x-goog-api-key",
        )
    };
    let thinking = json!({"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 24576}});
    let done: Value = ask(thinking.clone(), "/v1beta/models/loc/m:generateContent")
        .json_body()
        .await;
    assert_eq!(
        done["candidates"][0]["content"]["parts"],
        json!([{"text": "Let me think.", "thought": true}, {"text": "Hi"}])
    );
    let streamed = ask(
        thinking,
        "/v1beta/models/loc/m:streamGenerateContent?alt=sse",
    )
    .text_body()
    .await;
    let parts: Vec<Value> = frames(&streamed)
        .into_iter()
        .map(|(_, c)| c["candidates"][0]["content"]["parts"][0].clone())
        .collect();
    assert_eq!(parts[0], json!({"text": "Let me ", "thought": true}));
    assert_eq!(parts[1], json!({"text": "think.", "thought": true}));
    assert_eq!(parts[2], json!({"text": "Hi"}));
    // Thoughts not asked for: none come back (Gemini's own behaviour).
    let plain: Value = ask(json!({}), "/v1beta/models/loc/m:generateContent")
        .json_body()
        .await;
    assert_eq!(
        plain["candidates"][0]["content"]["parts"],
        json!([{"text": "Hi"}])
    );
    assert_eq!(
        sent_efforts(&h),
        [json!("high"), json!("high"), Value::Null]
    );
}
