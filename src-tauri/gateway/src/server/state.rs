//! [`ServerState`]: what every handler and middleware of the local API shares.

use super::rate_limit::RateLimiter;
use super::tokens::TokenStore;
use crate::providers::ProviderCache;
use crate::Gateway;
use std::sync::Arc;

/// Shared state of the local API. Cheap to clone.
#[derive(Clone)]
pub struct ServerState {
    /// The gateway core (live config, keys, action log, store).
    pub gateway: Gateway,
    /// Client tokens.
    pub tokens: TokenStore,
    /// Per-token request budget.
    pub limiter: RateLimiter,
    /// The one outbound HTTP client.
    pub http: reqwest::Client,
    /// The providers built from the current configuration (through `http`).
    pub providers: Arc<ProviderCache>,
}

impl ServerState {
    /// The state for `gateway`.
    pub fn new(gateway: Gateway) -> Self {
        let http = crate::providers::http_client();
        ServerState {
            tokens: TokenStore::new(gateway.store().clone()),
            limiter: RateLimiter::default(),
            providers: Arc::new(ProviderCache::new(http.clone())),
            http,
            gateway,
        }
    }
}
