//! [`ProviderError`]: every way a model call fails, typed so callers branch on kinds, never on
//! strings. Messages are already redacted (no key can appear in them).

use std::time::Duration;

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Connecting to the provider.
    Connect,
    /// Waiting for the first event of the answer.
    FirstToken,
    /// Waiting between two chunks of the answer.
    Idle,
}

/// A failed model call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The key is missing, wrong or lacks permission (401/403).
    #[error("{provider} rejected the key ({status}): {message}")]
    Auth {
        provider: String,
        status: u16,
        message: String,
    },
    /// Too many requests (429); `retry_after` from the provider when given.
    #[error("{provider} is rate limiting requests: {message}")]
    RateLimited {
        provider: String,
        retry_after: Option<Duration>,
        message: String,
    },
    /// The provider is overloaded or temporarily unavailable (529, 503).
    #[error("{provider} is overloaded: {message}")]
    Overloaded { provider: String, message: String },
    /// The conversation no longer fits the model's context window.
    #[error("the conversation is too long for this model: {message}")]
    ContextTooLong { provider: String, message: String },
    /// The provider refused the request as malformed (400, 404, 422...).
    #[error("{provider} rejected the request ({status}): {message}")]
    InvalidRequest {
        provider: String,
        status: u16,
        message: String,
    },
    /// A server-side failure (5xx) not covered above.
    #[error("{provider} failed ({status}): {message}")]
    Server {
        provider: String,
        status: u16,
        message: String,
    },
    /// The connection failed or broke.
    #[error("cannot reach {provider}: {message}")]
    Network { provider: String, message: String },
    /// A timeout fired.
    #[error("{provider} timed out ({kind:?})")]
    Timeout { provider: String, kind: TimeoutKind },
    /// The provider sent something that is not its documented format.
    #[error("{provider} sent an unexpected response: {message}")]
    Protocol { provider: String, message: String },
    /// The call was cancelled by the user.
    #[error("cancelled")]
    Cancelled,
}

impl ProviderError {
    /// Whether trying the same call again may succeed (before any token was received).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Overloaded { .. }
                | ProviderError::Server { .. }
                | ProviderError::Network { .. }
                | ProviderError::Timeout { .. }
        )
    }

    /// A short stable name of the kind, for logs and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderError::Auth { .. } => "auth",
            ProviderError::RateLimited { .. } => "rate_limited",
            ProviderError::Overloaded { .. } => "overloaded",
            ProviderError::ContextTooLong { .. } => "context_too_long",
            ProviderError::InvalidRequest { .. } => "invalid_request",
            ProviderError::Server { .. } => "server",
            ProviderError::Network { .. } => "network",
            ProviderError::Timeout { .. } => "timeout",
            ProviderError::Protocol { .. } => "protocol",
            ProviderError::Cancelled => "cancelled",
        }
    }
}
