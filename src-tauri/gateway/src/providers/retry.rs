//! Resilience: [`ResilientProvider`] wraps an adapter with retries (exponential backoff with
//! full jitter, honouring the provider's retry-after) and the first-token timeout.
//!
//! Invariant: a call is retried only before its first event, so no answer is ever duplicated;
//! once an event has been returned, errors pass straight through to the caller.

use super::{
    ChatRequest, EventStream, Provider, ProviderError, StreamEvent, TimeoutKind, Timeouts,
};
use crate::keys::Secret;
use futures::StreamExt;
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;

/// How failed calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The backoff cap of the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// The largest backoff cap.
    pub max_delay: Duration,
    /// A provider asking to wait longer than this is not retried (the error is returned).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` after `error` on attempt `attempt` (1-based), or
    /// `None` when the call must not be retried.
    pub fn delay(&self, attempt: u32, error: &ProviderError) -> Option<Duration> {
        if attempt >= self.max_attempts || !error.is_retryable() {
            return None;
        }
        if let ProviderError::RateLimited {
            retry_after: Some(wait),
            ..
        } = error
        {
            return (*wait <= self.max_retry_after).then_some(*wait);
        }
        let exponent = attempt.saturating_sub(1).min(20);
        let cap = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let millis = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
        Some(Duration::from_millis(
            rand::thread_rng().gen_range(0..=millis),
        ))
    }
}

/// A provider with retries before the first event and the first-token timeout.
pub struct ResilientProvider {
    inner: Arc<dyn Provider>,
    policy: RetryPolicy,
    timeouts: Timeouts,
}

impl ResilientProvider {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Provider>, policy: RetryPolicy, timeouts: Timeouts) -> Self {
        ResilientProvider {
            inner,
            policy,
            timeouts,
        }
    }

    /// One attempt: start the call and wait for its first event.
    async fn first_event(
        &self,
        request: ChatRequest,
        key: Option<Secret>,
    ) -> Result<(StreamEvent, EventStream), ProviderError> {
        let mut stream = self.inner.stream(request, key).await?;
        match stream.next().await {
            Some(Ok(event)) => Ok((event, stream)),
            Some(Err(error)) => Err(error),
            None => Err(ProviderError::Protocol {
                provider: self.inner.id().to_string(),
                message: "the answer ended without any event".into(),
            }),
        }
    }
}

#[async_trait::async_trait]
impl Provider for ResilientProvider {
    fn id(&self) -> &str {
        self.inner.id()
    }

    async fn stream(
        &self,
        request: ChatRequest,
        key: Option<Secret>,
    ) -> Result<EventStream, ProviderError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = tokio::time::timeout(
                self.timeouts.first_token,
                self.first_event(request.clone(), key.clone()),
            )
            .await;
            let error = match started {
                Ok(Ok((first, rest))) => {
                    return Ok(futures::stream::once(async move { Ok(first) })
                        .chain(rest)
                        .boxed())
                }
                Ok(Err(error)) => error,
                Err(_) => ProviderError::Timeout {
                    provider: self.inner.id().to_string(),
                    kind: TimeoutKind::FirstToken,
                },
            };
            let Some(wait) = self.policy.delay(attempt, &error) else {
                return Err(error);
            };
            tracing::warn!(
                provider = self.inner.id(),
                attempt,
                kind = error.kind(),
                wait_ms = wait.as_millis() as u64,
                "model call failed before answering; retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;

    fn overloaded() -> ProviderError {
        ProviderError::Overloaded {
            provider: "p".into(),
            message: "busy".into(),
        }
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            ..Default::default()
        };
        for attempt in 1..9 {
            let wait = policy.delay(attempt, &overloaded()).unwrap();
            let cap = 100u64 << (attempt - 1).min(20);
            assert!(wait.as_millis() as u64 <= cap.min(300));
        }
        assert_eq!(policy.delay(10, &overloaded()), None);
        let auth = ProviderError::Auth {
            provider: "p".into(),
            status: 401,
            message: "no".into(),
        };
        assert_eq!(policy.delay(1, &auth), None);
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_limit() {
        let policy = RetryPolicy::default();
        let limited = |secs| ProviderError::RateLimited {
            provider: "p".into(),
            retry_after: Some(Duration::from_secs(secs)),
            message: "slow".into(),
        };
        assert_eq!(policy.delay(1, &limited(3)), Some(Duration::from_secs(3)));
        assert_eq!(policy.delay(1, &limited(3600)), None);
    }

    /// Fails with the scripted errors, then answers.
    struct Flaky {
        calls: AtomicU32,
        errors: Mutex<Vec<ProviderError>>,
        first_delay: Duration,
    }

    #[async_trait::async_trait]
    impl Provider for Flaky {
        fn id(&self) -> &str {
            "flaky"
        }
        async fn stream(
            &self,
            _request: ChatRequest,
            _key: Option<Secret>,
        ) -> Result<EventStream, ProviderError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if let Some(error) = self.errors.lock().unwrap().pop() {
                return Err(error);
            }
            let delay = self.first_delay;
            Ok(futures::stream::once(async move {
                tokio::time::sleep(delay).await;
                Ok(StreamEvent::TextDelta("hi".into()))
            })
            .chain(futures::stream::iter([Ok(StreamEvent::Done(
                super::super::StopReason::EndTurn,
            ))]))
            .boxed())
        }
    }

    fn fast_policy(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(1),
        }
    }

    #[tokio::test]
    async fn retries_before_the_first_event_then_streams() {
        let flaky = Arc::new(Flaky {
            calls: AtomicU32::new(0),
            errors: Mutex::new(vec![overloaded(), overloaded()]),
            first_delay: Duration::ZERO,
        });
        let provider = ResilientProvider::new(flaky.clone(), fast_policy(3), Timeouts::default());
        let events: Vec<_> = provider
            .stream(ChatRequest::new("m", vec![]), None)
            .await
            .unwrap()
            .collect()
            .await;
        assert_eq!(flaky.calls.load(Ordering::SeqCst), 3);
        assert_eq!(events[0], Ok(StreamEvent::TextDelta("hi".into())));
        assert_eq!(events.len(), 2);
    }

    /// Answers one event, then fails.
    struct BreaksMidway {
        calls: AtomicU32,
    }

    #[async_trait::async_trait]
    impl Provider for BreaksMidway {
        fn id(&self) -> &str {
            "midway"
        }
        async fn stream(
            &self,
            _request: ChatRequest,
            _key: Option<Secret>,
        ) -> Result<EventStream, ProviderError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Ok(futures::stream::iter([
                Ok(StreamEvent::TextDelta("half".into())),
                Err(overloaded()),
            ])
            .boxed())
        }
    }

    #[tokio::test]
    async fn errors_after_the_first_event_are_never_retried() {
        let inner = Arc::new(BreaksMidway {
            calls: AtomicU32::new(0),
        });
        let provider = ResilientProvider::new(inner.clone(), fast_policy(5), Timeouts::default());
        let events: Vec<_> = provider
            .stream(ChatRequest::new("m", vec![]), None)
            .await
            .unwrap()
            .collect()
            .await;
        assert_eq!(
            events,
            vec![Ok(StreamEvent::TextDelta("half".into())), Err(overloaded())]
        );
        assert_eq!(inner.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn gives_up_after_the_last_attempt() {
        let flaky = Arc::new(Flaky {
            calls: AtomicU32::new(0),
            errors: Mutex::new(vec![overloaded(), overloaded(), overloaded()]),
            first_delay: Duration::ZERO,
        });
        let provider = ResilientProvider::new(flaky.clone(), fast_policy(2), Timeouts::default());
        let error = provider
            .stream(ChatRequest::new("m", vec![]), None)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), "overloaded");
        assert_eq!(flaky.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_slow_first_event_times_out() {
        let flaky = Arc::new(Flaky {
            calls: AtomicU32::new(0),
            errors: Mutex::new(vec![]),
            first_delay: Duration::from_secs(5),
        });
        let timeouts = Timeouts {
            first_token: Duration::from_millis(30),
            idle: Duration::from_secs(1),
        };
        let provider = ResilientProvider::new(flaky.clone(), fast_policy(2), timeouts);
        let error = provider
            .stream(ChatRequest::new("m", vec![]), None)
            .await
            .err()
            .unwrap();
        assert_eq!(
            error,
            ProviderError::Timeout {
                provider: "flaky".into(),
                kind: TimeoutKind::FirstToken
            }
        );
        assert_eq!(flaky.calls.load(Ordering::SeqCst), 2);
    }
}
