//! Per-token rate limit (`server.rate_limit_per_minute`, 0 = none): a GCRA bucket per client
//! that allows a burst of the whole minute's budget, then one request per `60 s / limit`.
//! Over the limit: 429 in the caller's format with `retry-after`.

use super::error::{ApiError, ApiFormat, ErrorKind};
use super::state::ServerState;
use super::tokens::Client;
use crate::config::Config;
use axum::extract::Request;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Buckets by client name. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct RateLimiter {
    /// Per client: the theoretical arrival time of the next request (GCRA).
    buckets: Arc<Mutex<HashMap<String, Instant>>>,
}

impl RateLimiter {
    /// Takes one request from `client`'s budget of `per_minute`; `Err(wait)` when over it.
    pub fn check(&self, client: &str, per_minute: u32, now: Instant) -> Result<(), Duration> {
        if per_minute == 0 {
            return Ok(());
        }
        let interval = Duration::from_secs(60) / per_minute;
        let burst = Duration::from_secs(60).saturating_sub(interval);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let tat = buckets.get(client).copied().unwrap_or(now).max(now);
        let allowed_at = tat.checked_sub(burst).unwrap_or(now);
        if allowed_at > now {
            return Err(allowed_at - now);
        }
        buckets.insert(client.to_string(), tat + interval);
        Ok(())
    }
}

/// Refuses (429, with the wait) a request of a client over its budget; run after
/// [`super::auth::check`], which names the client.
pub fn check(
    state: &ServerState,
    config: &Config,
    request: &Request,
    format: ApiFormat,
) -> Result<(), ApiError> {
    let per_minute = config.server.rate_limit_per_minute;
    let Some(client) = request.extensions().get::<Client>() else {
        return Ok(());
    };
    state
        .limiter
        .check(&client.name, per_minute, Instant::now())
        .map_err(|wait| {
            let mut error = ApiError::new(
                ErrorKind::RateLimited,
                format,
                format!(
                    "token '{}' is over its limit of {per_minute} requests per minute (server.rate_limit_per_minute)",
                    client.name
                ),
            );
            error.retry_after = Some(wait);
            error
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_budget_passes_then_requests_wait() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for _ in 0..3 {
            limiter.check("a", 3, start).unwrap();
        }
        let wait = limiter.check("a", 3, start).unwrap_err();
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        // Other clients have their own budget.
        limiter.check("b", 3, start).unwrap();
        // After one interval, one more request passes.
        limiter
            .check("a", 3, start + Duration::from_secs(20))
            .unwrap();
        assert!(limiter
            .check("a", 3, start + Duration::from_secs(20))
            .is_err());
    }

    #[test]
    fn zero_means_no_limit() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        for _ in 0..1000 {
            limiter.check("a", 0, now).unwrap();
        }
    }
}
