//! Validating a key before it is stored: the [`KeyValidator`] hook (the provider layer makes one
//! tiny real call), its [`Validation`] verdict, and the checks on the key text itself.

use super::{KeyError, Secret};
use crate::config::ProviderConfig;
use crate::providers::ProviderError;

/// What one validation call found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    /// The provider accepted the key.
    Valid,
    /// The provider refused the key (401/403): it is not stored.
    Rejected {
        /// The provider's (redacted) reason.
        reason: String,
    },
    /// The provider could not be reached or gave no verdict: stored only if the user confirms.
    Inconclusive {
        /// Why (redacted).
        reason: String,
    },
    /// No validation was attempted.
    Skipped,
}

impl Validation {
    /// The verdict implied by the outcome of a tiny real call. Auth errors reject the key;
    /// anything else that failed (network, timeout, overload, bad request) is inconclusive.
    pub fn from_call(result: Result<(), &ProviderError>) -> Validation {
        match result {
            Ok(()) => Validation::Valid,
            Err(error @ ProviderError::Auth { .. }) => Validation::Rejected {
                reason: error.to_string(),
            },
            Err(error) => Validation::Inconclusive {
                reason: error.to_string(),
            },
        }
    }
}

/// Checks a key with its provider. Implemented by the provider layer (one tiny real call, e.g.
/// listing models); the CLI and the UI pass it to [`super::KeyStore::set_checked`].
#[async_trait::async_trait]
pub trait KeyValidator: Send + Sync {
    /// Tries `key` against `provider` (at its configured base URL).
    async fn validate(
        &self,
        provider_id: &str,
        provider: &ProviderConfig,
        key: &Secret,
    ) -> Validation;
}

/// A validator that validates nothing (`--no-validate`, or before a provider layer exists).
#[derive(Debug, Clone, Copy, Default)]
pub struct SkipValidation;

#[async_trait::async_trait]
impl KeyValidator for SkipValidation {
    async fn validate(&self, _: &str, _: &ProviderConfig, _: &Secret) -> Validation {
        Validation::Skipped
    }
}

/// Refuses text that cannot be an API key: empty, too short or long, or containing whitespace
/// or control characters (a pasted line break, two keys at once).
pub fn validate_key_text(text: &str) -> Result<(), KeyError> {
    let length = text.chars().count();
    if length == 0 {
        return Err(KeyError::Malformed("it is empty"));
    }
    if length < super::redact::MIN_SECRET_LEN {
        return Err(KeyError::Malformed(
            "it is shorter than 8 characters, too short to be an API key",
        ));
    }
    if length > 4096 {
        return Err(KeyError::Malformed("it is longer than 4096 characters"));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(KeyError::Malformed(
            "it contains spaces, line breaks or control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_text_checks() {
        assert!(validate_key_text("sk-abcdefgh1234").is_ok());
        for bad in ["", "short", "two keys", "line\nbreak", "tab\tkey12345"] {
            assert!(
                matches!(validate_key_text(bad), Err(KeyError::Malformed(_))),
                "{bad:?}"
            );
        }
        assert!(validate_key_text(&"x".repeat(5000)).is_err());
    }

    #[test]
    fn auth_errors_reject_and_others_are_inconclusive() {
        let auth = ProviderError::Auth {
            provider: "p".into(),
            status: 401,
            message: "bad key".into(),
        };
        assert!(matches!(
            Validation::from_call(Err(&auth)),
            Validation::Rejected { .. }
        ));
        let network = ProviderError::Network {
            provider: "p".into(),
            message: "refused".into(),
        };
        assert!(matches!(
            Validation::from_call(Err(&network)),
            Validation::Inconclusive { .. }
        ));
        assert_eq!(Validation::from_call(Ok(())), Validation::Valid);
    }
}
