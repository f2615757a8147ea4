//! Each adapter's reasoning field, as sent on the wire: Anthropic `thinking`, OpenAI
//! `reasoning`, OpenAI-compatible `reasoning_effort`, Gemini `generationConfig.thinkingConfig`;
//! and nothing new at all when no reasoning is asked for.

use super::testing::{self, Reply};
use super::{Reasoning, ReasoningEffort};
use crate::config::ProviderKind;
use serde_json::{json, Value};

/// The JSON body `kind`'s adapter sends for `model` with `reasoning` (and `max_tokens`,
/// `temperature` 0.5).
async fn sent(
    kind: ProviderKind,
    model: &str,
    reasoning: Option<Reasoning>,
    max_tokens: Option<u32>,
) -> Value {
    let server = testing::serve(vec![Reply::status(400, "{}")]).await;
    let provider = testing::provider(kind, "p", &server.base_url);
    let mut request = testing::simple_request(model);
    request.reasoning = reasoning;
    request.max_tokens = max_tokens;
    request.temperature = Some(0.5);
    let _ = provider.stream(request, None).await;
    server.requests()[0].body.clone()
}

const HIGH: Option<Reasoning> = Some(Reasoning::Effort(ReasoningEffort::High));

#[tokio::test]
async fn anthropic_gets_a_thinking_budget_below_max_tokens_and_no_temperature() {
    let kind = || ProviderKind::Anthropic;
    let unset = sent(kind(), "claude-x", None, Some(4000)).await;
    assert!(unset.get("thinking").is_none());
    assert_eq!(
        (unset["max_tokens"].clone(), unset["temperature"].clone()),
        (json!(4000), json!(0.5))
    );

    let budget = sent(
        kind(),
        "claude-x",
        Some(Reasoning::Budget(2048)),
        Some(4000),
    )
    .await;
    assert_eq!(
        budget["thinking"],
        json!({"type": "enabled", "budget_tokens": 2048})
    );
    assert_eq!(budget["max_tokens"], 4000);
    assert!(budget.get("temperature").is_none());

    // A high effort is capped below the client's limit...
    let capped = sent(kind(), "claude-x", HIGH, Some(4000)).await;
    assert_eq!(capped["thinking"]["budget_tokens"], 3999);
    // ...or gets room of its own when nobody set a limit.
    let roomy = sent(kind(), "claude-x", HIGH, None).await;
    assert_eq!(roomy["thinking"]["budget_tokens"], 24_576);
    assert_eq!(roomy["max_tokens"], 24_576 + 8192);
    // The API's least budget is 1024; a limit below it grows.
    let small = sent(kind(), "claude-x", Some(Reasoning::Budget(100)), Some(500)).await;
    assert_eq!(small["thinking"]["budget_tokens"], 1024);
    assert_eq!(small["max_tokens"], 1524);

    let off = sent(kind(), "claude-x", Some(Reasoning::Off), Some(4000)).await;
    assert_eq!(off["thinking"], json!({"type": "disabled"}));
    assert_eq!(off["temperature"], 0.5);
}

#[tokio::test]
async fn openai_gets_reasoning_effort_with_a_summary_on_reasoning_models_only() {
    let kind = || ProviderKind::OpenAi;
    assert!(sent(kind(), "gpt-5", None, None)
        .await
        .get("reasoning")
        .is_none());
    assert_eq!(
        sent(kind(), "gpt-5", HIGH, None).await["reasoning"],
        json!({"effort": "high", "summary": "auto"})
    );
    assert_eq!(
        sent(kind(), "o3", Some(Reasoning::Budget(2000)), None).await["reasoning"],
        json!({"effort": "low", "summary": "auto"})
    );
    assert_eq!(
        sent(kind(), "gpt-5", Some(Reasoning::Auto), None).await["reasoning"],
        json!({"summary": "auto"})
    );
    assert_eq!(
        sent(kind(), "gpt-5", Some(Reasoning::Off), None).await["reasoning"],
        json!({"effort": "low"})
    );
    // A model that cannot reason would refuse the field.
    assert!(sent(kind(), "gpt-4.1", HIGH, None)
        .await
        .get("reasoning")
        .is_none());
}

#[tokio::test]
async fn openai_compatible_servers_get_reasoning_effort() {
    let kind = || ProviderKind::OpenAiCompatible;
    assert!(sent(kind(), "m", None, None)
        .await
        .get("reasoning_effort")
        .is_none());
    assert_eq!(
        sent(kind(), "m", HIGH, None).await["reasoning_effort"],
        "high"
    );
    assert_eq!(
        sent(kind(), "m", Some(Reasoning::Budget(8192)), None).await["reasoning_effort"],
        "medium"
    );
    assert_eq!(
        sent(kind(), "m", Some(Reasoning::Off), None).await["reasoning_effort"],
        "none"
    );
}

#[tokio::test]
async fn gemini_gets_a_thinking_config_that_includes_thoughts() {
    let kind = || ProviderKind::Gemini;
    let unset = sent(kind(), "gemini-2.5-flash", None, None).await;
    assert_eq!(unset["generationConfig"], json!({"temperature": 0.5}));
    let high = sent(kind(), "gemini-2.5-flash", HIGH, Some(100)).await;
    assert_eq!(
        high["generationConfig"],
        json!({"maxOutputTokens": 100, "temperature": 0.5,
               "thinkingConfig": {"includeThoughts": true, "thinkingBudget": 24576}})
    );
    let auto = sent(kind(), "gemini-2.5-flash", Some(Reasoning::Auto), None).await;
    assert_eq!(
        auto["generationConfig"]["thinkingConfig"],
        json!({"includeThoughts": true})
    );
    let off = sent(kind(), "gemini-2.5-flash", Some(Reasoning::Off), None).await;
    assert_eq!(
        off["generationConfig"]["thinkingConfig"],
        json!({"thinkingBudget": 0})
    );
}
