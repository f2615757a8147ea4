//! [`ServerState`]: what every handler and middleware of the local API shares.

use super::rate_limit::RateLimiter;
use super::tokens::TokenStore;
use crate::Gateway;

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
}

impl ServerState {
    /// The state for `gateway`.
    pub fn new(gateway: Gateway) -> Self {
        ServerState {
            tokens: TokenStore::new(gateway.store().clone()),
            limiter: RateLimiter::default(),
            http: crate::providers::http_client(),
            gateway,
        }
    }
}
