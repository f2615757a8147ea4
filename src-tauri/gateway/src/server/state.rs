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
    /// The providers built from the current configuration, all sending through one HTTP
    /// client ([`crate::providers::http_client`]).
    pub providers: Arc<ProviderCache>,
}

impl ServerState {
    /// The state for `gateway`.
    pub fn new(gateway: Gateway) -> Self {
        ServerState {
            tokens: gateway.tokens().clone(),
            limiter: RateLimiter::default(),
            providers: Arc::new(ProviderCache::new(crate::providers::http_client())),
            gateway,
        }
    }
}
