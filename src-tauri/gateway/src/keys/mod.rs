//! Provider credentials: the OS keychain ([`Keychain`]), the [`KeyStore`] that binds each key to
//! its provider's host, the [`Secret`] type, and the [`Redactor`].
//!
//! Invariants: a key lives only in the OS keychain (or, flagged less safe, in the environment
//! variable a provider names with `key_env`) — never in SQLite, config, logs or the action log;
//! there is no plaintext fallback; every key Hearth reads or stores is registered with the
//! shared [`Redactor`], which scrubs logs, provider error bodies, action-log entries and
//! anything sent to the UI.

mod binding;
mod error;
mod key_cache;
mod key_store;
mod keychain;
mod metadata;
pub mod redact;
mod redact_writer;
mod secret;
mod validate;

#[cfg(test)]
mod session_tests;

pub use binding::origin_of;
pub use error::{KeyError, KeychainProblem};
pub use key_cache::{KeyCache, KEY_CACHE_TTL};
pub use key_store::{KeySource, KeyStatus, KeyStore};
pub use keychain::{Keychain, SERVICE};
pub use metadata::{KeyMetadata, KeyRecord};
pub use redact::Redactor;
pub use redact_writer::{redacting_writer, RedactingMakeWriter, RedactingWriter};
pub use secret::Secret;
pub use validate::{validate_key_text, KeyValidator, SkipValidation, Validation};
