//! Turning a provider's error answer (HTTP status, headers, body, or a mid-stream `error` event)
//! into a typed [`ProviderError`]. Each adapter parses its own body shape into
//! [`ErrorDetails`] (with a [`Hint`] read from the provider's type/code fields); [`classify`]
//! decides the variant and scrubs the key from the message.

use super::ProviderError;
use crate::keys::redact::scrub;
use crate::keys::Secret;
use std::time::Duration;

/// The longest provider message kept in an error.
const MAX_MESSAGE_CHARS: usize = 600;

/// What the provider's own type/code fields say the error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Hint {
    /// Nothing specific: decide by status.
    #[default]
    None,
    /// Authentication or permission.
    Auth,
    /// Rate limited.
    RateLimited,
    /// Overloaded or unavailable.
    Overloaded,
    /// The prompt does not fit the context window.
    ContextTooLong,
    /// Malformed request.
    InvalidRequest,
    /// Server-side failure.
    Server,
}

/// A provider error body, decoded.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ErrorDetails {
    /// The provider's human-readable message (not yet scrubbed).
    pub message: String,
    /// What its type/code fields say.
    pub hint: Hint,
    /// A retry delay given in the body (Gemini's `RetryInfo`).
    pub retry_after: Option<Duration>,
    /// An HTTP status given in the body (used for mid-stream errors, which have none).
    pub status: Option<u16>,
}

impl ErrorDetails {
    /// Details with a message and a hint.
    pub fn new(message: impl Into<String>, hint: Hint) -> Self {
        ErrorDetails {
            message: message.into(),
            hint,
            retry_after: None,
            status: None,
        }
    }

    /// Details for a body that is not the documented shape: its (trimmed) text.
    pub fn raw(body: &str) -> Self {
        let text = body.trim();
        let message = if text.is_empty() {
            "no details given".to_string()
        } else {
            text.to_string()
        };
        ErrorDetails::new(message, Hint::None)
    }
}

/// The typed error for an answer with `status` (0 for a mid-stream error event).
pub(crate) fn classify(
    provider: &str,
    status: u16,
    retry_after_header: Option<Duration>,
    details: ErrorDetails,
    key: Option<&Secret>,
) -> ProviderError {
    let provider = provider.to_string();
    let status = match (status, details.status) {
        (0, Some(body_status)) => body_status,
        _ => status,
    };
    let message = shorten(&scrub(&details.message, key));
    let hint = match (details.hint, status) {
        (Hint::None, 401 | 403) => Hint::Auth,
        (Hint::None, 429) => Hint::RateLimited,
        (Hint::None, 503 | 529) => Hint::Overloaded,
        (Hint::None, 400..=499) => Hint::InvalidRequest,
        (Hint::None, _) => Hint::Server,
        (Hint::Server, 503 | 529) => Hint::Overloaded,
        (hint, _) => hint,
    };
    match hint {
        Hint::Auth => ProviderError::Auth {
            provider,
            status,
            message,
        },
        Hint::RateLimited => ProviderError::RateLimited {
            provider,
            retry_after: retry_after_header.or(details.retry_after),
            message,
        },
        Hint::Overloaded => ProviderError::Overloaded { provider, message },
        Hint::ContextTooLong => ProviderError::ContextTooLong { provider, message },
        Hint::InvalidRequest => ProviderError::InvalidRequest {
            provider,
            status,
            message,
        },
        Hint::Server | Hint::None => ProviderError::Server {
            provider,
            status,
            message,
        },
    }
}

/// A protocol error: the provider sent something that is not its documented format.
pub(crate) fn protocol(provider: &str, message: impl Into<String>) -> ProviderError {
    ProviderError::Protocol {
        provider: provider.to_string(),
        message: shorten(&message.into()),
    }
}

/// The stream ended before the provider said the answer was complete.
pub(crate) fn cut_short(provider: &str) -> ProviderError {
    ProviderError::Network {
        provider: provider.to_string(),
        message: "the connection closed before the answer was complete".into(),
    }
}

/// Cuts a message to [`MAX_MESSAGE_CHARS`] characters.
fn shorten(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_decides_when_the_body_gives_no_hint() {
        let kind = |status| classify("p", status, None, ErrorDetails::raw("x"), None).kind();
        assert_eq!(kind(401), "auth");
        assert_eq!(kind(403), "auth");
        assert_eq!(kind(429), "rate_limited");
        assert_eq!(kind(529), "overloaded");
        assert_eq!(kind(503), "overloaded");
        assert_eq!(kind(400), "invalid_request");
        assert_eq!(kind(404), "invalid_request");
        assert_eq!(kind(500), "server");
    }

    #[test]
    fn the_hint_wins_and_the_key_is_scrubbed() {
        let key = Secret::new("sk-secret-123");
        let details = ErrorDetails::new("too long for sk-secret-123", Hint::ContextTooLong);
        let error = classify("p", 400, None, details, Some(&key));
        assert_eq!(error.kind(), "context_too_long");
        assert!(!error.to_string().contains("sk-secret-123"));
    }

    #[test]
    fn the_header_delay_is_preferred_over_the_body_delay() {
        let mut details = ErrorDetails::raw("slow down");
        details.retry_after = Some(Duration::from_secs(9));
        let error = classify(
            "p",
            429,
            Some(Duration::from_secs(2)),
            details.clone(),
            None,
        );
        assert!(
            matches!(error, ProviderError::RateLimited { retry_after: Some(d), .. } if d.as_secs() == 2)
        );
        let error = classify("p", 429, None, details, None);
        assert!(
            matches!(error, ProviderError::RateLimited { retry_after: Some(d), .. } if d.as_secs() == 9)
        );
    }

    #[test]
    fn long_messages_are_shortened() {
        let error = protocol("p", "x".repeat(5000));
        assert!(error.to_string().len() < 700);
    }
}
