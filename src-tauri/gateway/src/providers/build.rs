//! Building a ready-to-use provider from its `[providers.ID]` config: the adapter for its wire
//! format, wrapped in [`ResilientProvider`] (retries, first-token timeout).

use super::anthropic::AnthropicProvider;
use super::gemini::GeminiProvider;
use super::http::Transport;
use super::openai::OpenAiProvider;
use super::openai_compatible::OpenAiCompatibleProvider;
use super::{
    ChatRequest, EventStream, Provider, ProviderError, ResilientProvider, RetryPolicy, Timeouts,
};
use crate::config::{ProviderConfig, ProviderKind};
use crate::keys::Secret;
use std::sync::Arc;

/// The provider `id` configured by `config`, sending through `http` (use
/// [`super::http_client`]), with the default [`RetryPolicy`] and [`Timeouts`].
pub fn build(id: &str, config: &ProviderConfig, http: super::HttpClient) -> Arc<dyn Provider> {
    build_with(
        id,
        config,
        http,
        RetryPolicy::default(),
        Timeouts::default(),
    )
}

/// [`build`] with an explicit retry policy and timeouts.
pub fn build_with(
    id: &str,
    config: &ProviderConfig,
    http: super::HttpClient,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> Arc<dyn Provider> {
    let transport = Transport {
        provider_id: id.to_string(),
        http,
        idle_timeout: timeouts.idle,
    };
    let Some(base_url) = config.effective_base_url() else {
        return Arc::new(Unconfigured { id: id.to_string() });
    };
    let max_tokens = config.max_tokens;
    let adapter: Arc<dyn Provider> = match config.kind {
        ProviderKind::Anthropic => {
            Arc::new(AnthropicProvider::new(transport, base_url, max_tokens))
        }
        ProviderKind::OpenAi => Arc::new(OpenAiProvider::new(transport, base_url, max_tokens)),
        ProviderKind::Gemini => Arc::new(GeminiProvider::new(transport, base_url, max_tokens)),
        ProviderKind::OpenAiCompatible => Arc::new(OpenAiCompatibleProvider::new(
            transport, base_url, max_tokens,
        )),
    };
    Arc::new(ResilientProvider::new(adapter, retry, timeouts))
}

/// A provider whose config lacks a base URL: every call fails with a clear error.
struct Unconfigured {
    id: String,
}

#[async_trait::async_trait]
impl Provider for Unconfigured {
    fn id(&self) -> &str {
        &self.id
    }

    async fn stream(
        &self,
        _request: ChatRequest,
        _key: Option<Secret>,
    ) -> Result<EventStream, ProviderError> {
        Err(ProviderError::InvalidRequest {
            provider: self.id.clone(),
            status: 0,
            message: "no base_url is configured for this provider".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_provider_without_base_url_fails_clearly() {
        let config = ProviderConfig {
            kind: ProviderKind::OpenAiCompatible,
            base_url: None,
            models: vec![],
            key_env: None,
            fallback: vec![],
            max_tokens: None,
        };
        let provider = build("local", &config, super::super::http_client());
        assert_eq!(provider.id(), "local");
        let error = provider
            .stream(ChatRequest::new("m", vec![]), None)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), "invalid_request");
    }
}
