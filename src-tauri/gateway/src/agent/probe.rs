//! `hearth provider test`: one tiny real call to check that a provider answers with its key.

use crate::config::ProviderConfig;
use crate::conversation::Message;
use crate::keys::KeyStore;
use crate::providers::{self, ChatRequest, StreamEvent};
use futures::StreamExt;
use serde::Serialize;
use std::time::{Duration, Instant};

/// How long a probe may take in all.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// A successful probe.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    /// The provider id.
    pub provider: String,
    /// The model asked.
    pub model: String,
    /// Time to the end of the answer.
    pub latency_ms: u64,
    /// The start of what the model said.
    pub reply: String,
}

/// Why a probe failed (already redacted).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct ProbeError(pub String);

/// Asks `model` (default: the provider's first model) for a one-word reply.
pub async fn probe(
    provider_id: &str,
    config: &ProviderConfig,
    model: Option<&str>,
    keys: &KeyStore,
    http: crate::providers::HttpClient,
) -> Result<ProbeReport, ProbeError> {
    let model = model
        .map(str::to_string)
        .or_else(|| config.models.first().cloned())
        .ok_or_else(|| {
            ProbeError(format!(
                "provider '{provider_id}' lists no model: add one with --model"
            ))
        })?;
    let key = keys
        .key_for(provider_id, config)
        .await
        .map_err(|e| ProbeError(e.to_string()))?;
    let provider = providers::build(provider_id, config, http);
    let mut request = ChatRequest::new(
        model.clone(),
        vec![Message::user("Reply with the single word: ok")],
    );
    request.max_tokens = Some(16);
    let started = Instant::now();
    let redact = |text: String| keys.redactor().scrub_string(text);
    let run = async {
        let mut stream = provider
            .stream(request, key)
            .await
            .map_err(|e| ProbeError(redact(e.to_string())))?;
        let mut reply = String::new();
        while let Some(event) = stream.next().await {
            match event.map_err(|e| ProbeError(redact(e.to_string())))? {
                StreamEvent::TextDelta(text) => reply.push_str(&text),
                StreamEvent::Done(_) => break,
                _ => {}
            }
        }
        Ok::<_, ProbeError>(reply)
    };
    let reply = tokio::time::timeout(PROBE_TIMEOUT, run)
        .await
        .map_err(|_| ProbeError(format!("{provider_id} did not answer within 30 s")))??;
    Ok(ProbeReport {
        provider: provider_id.to_string(),
        model,
        latency_ms: started.elapsed().as_millis() as u64,
        reply: reply.chars().take(80).collect(),
    })
}
