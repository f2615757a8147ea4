//! [`Keychain`]: the OS keychain (macOS Keychain, Linux Secret Service over D-Bus) through the
//! `keyring` crate. One entry per provider: service `hearth`, user = the provider id.
//!
//! Keychain calls block (D-Bus round trips, unlock prompts), so each runs on Tokio's blocking
//! pool under a timeout. Invariant: there is no plaintext fallback — if the keychain cannot be
//! used, the call fails with [`KeyError::Unavailable`].

use super::{KeyError, KeychainProblem, Secret};
use std::time::Duration;

/// The keychain service name Hearth's entries live under.
pub const SERVICE: &str = "hearth";

/// How long a keychain call may take before it counts as unavailable (long enough for a person
/// to answer an unlock prompt).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Access to Hearth's entries in the OS keychain.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
    timeout: Duration,
}

impl Default for Keychain {
    fn default() -> Self {
        Keychain::new(SERVICE)
    }
}

impl Keychain {
    /// Entries under `service` (Hearth uses [`SERVICE`]; tests use their own).
    pub fn new(service: impl Into<String>) -> Self {
        Keychain {
            service: service.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same keychain with another per-call timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The service name in use.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Stores or replaces the key of `provider`.
    pub async fn set(&self, provider: &str, key: &Secret) -> Result<(), KeyError> {
        let key = key.clone();
        self.run(provider, move |entry| entry.set_password(key.expose()))
            .await
    }

    /// The key of `provider`, or `None` when there is none.
    pub async fn get(&self, provider: &str) -> Result<Option<Secret>, KeyError> {
        let found = self
            .run(provider, |entry| match entry.get_password() {
                Ok(value) => Ok(Some(Secret::new(value))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e),
            })
            .await?;
        Ok(found)
    }

    /// Deletes the key of `provider`; `false` when there was none.
    pub async fn delete(&self, provider: &str) -> Result<bool, KeyError> {
        self.run(provider, |entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e),
        })
        .await
    }

    /// Runs one blocking keychain operation on the blocking pool, under the timeout.
    async fn run<T, F>(&self, provider: &str, operation: F) -> Result<T, KeyError>
    where
        T: Send + 'static,
        F: FnOnce(&keyring::Entry) -> Result<T, keyring::Error> + Send + 'static,
    {
        let service = self.service.clone();
        let user = provider.to_string();
        let task = tokio::task::spawn_blocking(move || {
            let entry = keyring::Entry::new(&service, &user)?;
            operation(&entry)
        });
        match tokio::time::timeout(self.timeout, task).await {
            Err(_) => Err(KeyError::Unavailable {
                problem: KeychainProblem::TimedOut,
                detail: format!("no answer within {} s", self.timeout.as_secs()),
            }),
            Ok(Err(join)) => Err(KeyError::Task(join.to_string())),
            Ok(Ok(result)) => result.map_err(|e| KeyError::from_keyring(provider, e)),
        }
    }
}
