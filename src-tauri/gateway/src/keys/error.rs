//! [`KeyError`]: every way storing, reading or releasing a provider key fails. Messages never
//! contain a key, and the keychain ones say what to install or unlock.

use std::path::PathBuf;

/// Why the OS keychain cannot be used right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeychainProblem {
    /// No keychain service answered (on Linux: no Secret Service on the session bus).
    NoService,
    /// The keychain exists but refused access (locked, or the unlock prompt was dismissed).
    Locked,
    /// The keychain did not answer in time (often an unlock prompt nobody can see).
    TimedOut,
}

impl KeychainProblem {
    /// What the user can do about it.
    pub fn hint(self) -> &'static str {
        match (self, cfg!(target_os = "macos")) {
            (KeychainProblem::NoService, false) => {
                "no Secret Service on the session bus: install and unlock gnome-keyring or \
                 KeePassXC (with Secret Service integration enabled), or set key_env for \
                 headless use"
            }
            (KeychainProblem::NoService, true) => {
                "the macOS Keychain failed: check that the login keychain exists (Keychain \
                 Access), or set key_env for headless use"
            }
            (KeychainProblem::Locked, false) => {
                "the keyring is locked or access was refused: unlock it (log in to the \
                 desktop session, or run `gnome-keyring-daemon --unlock`), or set key_env for \
                 headless use"
            }
            (KeychainProblem::Locked, true) => {
                "the macOS Keychain is locked or access was refused: unlock the login \
                 keychain and allow Hearth access, or set key_env for headless use"
            }
            (KeychainProblem::TimedOut, _) => {
                "the keychain did not answer in time: it may be waiting for an unlock prompt; \
                 unlock it and retry, or set key_env for headless use"
            }
        }
    }
}

/// A failed key operation.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The OS keychain cannot be used. There is no plaintext fallback.
    #[error("the OS keychain is unavailable — {} ({detail})", problem.hint())]
    Unavailable {
        /// What is wrong.
        problem: KeychainProblem,
        /// The platform's own description (never contains a key).
        detail: String,
    },
    /// The keychain answered with something unexpected (duplicate entries, bad encoding...).
    #[error("the OS keychain failed for provider '{provider}': {detail}")]
    Keychain {
        /// The provider id.
        provider: String,
        /// What went wrong.
        detail: String,
    },
    /// The provider's base URL now points at another host than the one the key was stored for.
    #[error(
        "the key for '{provider}' was stored for {bound} but the provider now points at {now}; \
         it will not be sent there until you confirm with `hearth key confirm-host {provider}` \
         (or set the key again)"
    )]
    HostChanged {
        /// The provider id.
        provider: String,
        /// The origin the key is bound to.
        bound: String,
        /// The origin configured now.
        now: String,
    },
    /// A key exists in the keychain but no host binding is recorded for it.
    #[error(
        "the key for '{provider}' has no recorded host; confirm that it may be sent to {now} \
         with `hearth key confirm-host {provider}` (or set the key again)"
    )]
    HostUnconfirmed {
        /// The provider id.
        provider: String,
        /// The origin configured now.
        now: String,
    },
    /// The provider reads its key from an environment variable that is not set.
    #[error("provider '{provider}' reads its key from ${var}, which is not set")]
    EnvMissing {
        /// The provider id.
        provider: String,
        /// The variable name.
        var: String,
    },
    /// The provider's key comes from an environment variable, so the keychain is not used.
    #[error("provider '{provider}' reads its key from ${var} (key_env); unset key_env in config.toml to use the keychain")]
    UsesEnv {
        /// The provider id.
        provider: String,
        /// The variable name.
        var: String,
    },
    /// No provider with this id is configured.
    #[error("no provider '{0}' in config.toml")]
    UnknownProvider(String),
    /// The provider has no usable base URL.
    #[error("provider '{provider}' has no valid base URL ({detail})")]
    BadBaseUrl {
        /// The provider id.
        provider: String,
        /// What is wrong.
        detail: String,
    },
    /// The text given is not a plausible key.
    #[error("not a valid key: {0}")]
    Malformed(&'static str),
    /// The provider rejected the key during validation.
    #[error("the key for '{provider}' was not stored: {reason}")]
    Rejected {
        /// The provider id.
        provider: String,
        /// The provider's (redacted) reason.
        reason: String,
    },
    /// The key could not be validated and storing it anyway was not confirmed.
    #[error(
        "the key for '{provider}' could not be validated ({reason}) and was not stored; \
         confirm to store it anyway (`--force` on the command line)"
    )]
    NotConfirmed {
        /// The provider id.
        provider: String,
        /// Why validation was inconclusive.
        reason: String,
    },
    /// The key metadata file (never the key) could not be read or written.
    #[error("cannot access key metadata {path}: {detail}")]
    Metadata {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The background task running the keychain call failed.
    #[error("keychain task failed: {0}")]
    Task(String),
}

impl KeyError {
    /// Maps a `keyring` error by variant (never by its text).
    pub(crate) fn from_keyring(provider: &str, error: keyring::Error) -> KeyError {
        match error {
            keyring::Error::PlatformFailure(source) => KeyError::Unavailable {
                problem: KeychainProblem::NoService,
                detail: source.to_string(),
            },
            keyring::Error::NoStorageAccess(source) => KeyError::Unavailable {
                problem: KeychainProblem::Locked,
                detail: source.to_string(),
            },
            keyring::Error::BadEncoding(mut bytes) => {
                zeroize::Zeroize::zeroize(&mut bytes);
                KeyError::Keychain {
                    provider: provider.to_string(),
                    detail: "the stored key is not UTF-8".into(),
                }
            }
            keyring::Error::Ambiguous(items) => KeyError::Keychain {
                provider: provider.to_string(),
                detail: format!(
                    "{} keychain entries match; delete them with `hearth key delete {provider}`",
                    items.len()
                ),
            },
            other => KeyError::Keychain {
                provider: provider.to_string(),
                detail: other.to_string(),
            },
        }
    }

    /// Whether this is the "keychain unavailable" family (no service, locked, timed out).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, KeyError::Unavailable { .. })
    }
}
