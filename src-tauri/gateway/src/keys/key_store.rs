//! [`KeyStore`]: the one way the rest of Hearth stores, reads and releases provider keys. It
//! combines the OS [`Keychain`] (the key), [`KeyMetadata`] (non-secret facts, including the
//! origin the key is bound to) and the shared [`Redactor`] (every key read or stored is
//! registered so it is masked everywhere).
//!
//! Invariant: [`KeyStore::key_for`] releases a keychain key only to the origin it was stored
//! for; after a base-URL change it fails with [`KeyError::HostChanged`] until the user confirms.

use super::binding::origin_of;
use super::key_cache::KeyCache;
use super::metadata::{KeyMetadata, KeyRecord, FILE_NAME};
use super::redact::Redactor;
use super::validate::{validate_key_text, KeyValidator, Validation};
use super::{KeyError, Keychain, Secret};
use crate::config::{Config, ProviderConfig};
use crate::paths::DataDir;
use serde::Serialize;
use time::OffsetDateTime;

/// Where a provider's key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// The OS keychain.
    Keychain,
    /// An environment variable (`key_env`): less safe, visible to every process of the user.
    Env,
}

/// What may be shown about one provider's key (never the key).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyStatus {
    /// The provider id.
    pub provider: String,
    /// Where the key is read from.
    pub source: KeySource,
    /// Whether a key is there.
    pub present: bool,
    /// Whether the provider's kind needs a key at all.
    pub requires_key: bool,
    /// The key's last four characters.
    pub last_four: Option<String>,
    /// When a real call last accepted the key.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_validated: Option<OffsetDateTime>,
    /// When the key was stored.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub stored_at: Option<OffsetDateTime>,
    /// The origin the key is bound to.
    pub bound_origin: Option<String>,
    /// The origin the provider points at now.
    pub current_origin: Option<String>,
    /// Whether the key may be sent to the current origin without a confirmation.
    pub host_confirmed: bool,
    /// Flagged when the source is an environment variable.
    pub less_safe: bool,
    /// Why the status is incomplete (keychain unavailable...), already redacted.
    pub error: Option<String>,
}

/// Provider keys: keychain + metadata + redactor. Cheap to clone.
#[derive(Debug, Clone)]
pub struct KeyStore {
    keychain: Keychain,
    metadata: KeyMetadata,
    redactor: Redactor,
    /// Keys read recently by [`KeyStore::key_for`].
    recent: KeyCache,
}

impl KeyStore {
    /// Hearth's keys: the `hearth` keychain service and `keys.json` in the data dir.
    pub fn open(data_dir: &DataDir, redactor: Redactor) -> Self {
        KeyStore::with_parts(
            Keychain::default(),
            KeyMetadata::at(data_dir.root().join(FILE_NAME)),
            redactor,
        )
    }

    /// A store from explicit parts (tests use their own keychain service).
    pub fn with_parts(keychain: Keychain, metadata: KeyMetadata, redactor: Redactor) -> Self {
        KeyStore {
            keychain,
            metadata,
            redactor,
            recent: KeyCache::default(),
        }
    }

    /// The redactor every key is registered with.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Stores or replaces the key of `provider_id` without validating it, binding it to the
    /// provider's current origin. `validated` records that a real call just accepted it.
    pub async fn set(
        &self,
        provider_id: &str,
        provider: &ProviderConfig,
        key: Secret,
        validated: bool,
    ) -> Result<KeyStatus, KeyError> {
        if let Some(var) = &provider.key_env {
            return Err(KeyError::UsesEnv {
                provider: provider_id.to_string(),
                var: var.clone(),
            });
        }
        validate_key_text(key.expose())?;
        let origin = current_origin(provider_id, provider)?;
        self.redactor.add(&key);
        self.recent.forget(provider_id);
        self.keychain.set(provider_id, &key).await?;
        let now = OffsetDateTime::now_utc();
        self.metadata.update(provider_id, |_| {
            Some(KeyRecord {
                bound_origin: origin,
                last_four: key.last_four(),
                stored_at: now,
                last_validated: validated.then_some(now),
            })
        })?;
        tracing::info!(
            provider = provider_id,
            validated,
            "key stored in the keychain"
        );
        self.status(provider_id, provider).await
    }

    /// Validates `key` with `validator`, then stores it. A rejected key is never stored; when
    /// validation is inconclusive (provider unreachable), the key is stored only if
    /// `store_unverified(reason)` says yes (a terminal prompt, `--force`, a UI dialog).
    pub async fn set_checked(
        &self,
        provider_id: &str,
        provider: &ProviderConfig,
        key: Secret,
        validator: &dyn KeyValidator,
        store_unverified: impl FnOnce(&str) -> bool,
    ) -> Result<KeyStatus, KeyError> {
        validate_key_text(key.expose())?;
        self.redactor.add(&key);
        match validator.validate(provider_id, provider, &key).await {
            Validation::Valid => self.set(provider_id, provider, key, true).await,
            Validation::Skipped => self.set(provider_id, provider, key, false).await,
            Validation::Rejected { reason } => Err(KeyError::Rejected {
                provider: provider_id.to_string(),
                reason: self.redactor.scrub_string(reason),
            }),
            Validation::Inconclusive { reason } => {
                let reason = self.redactor.scrub_string(reason);
                if store_unverified(&reason) {
                    self.set(provider_id, provider, key, false).await
                } else {
                    Err(KeyError::NotConfirmed {
                        provider: provider_id.to_string(),
                        reason,
                    })
                }
            }
        }
    }

    /// The key of `provider_id` for the request about to be sent to `provider`'s base URL:
    /// from `key_env` if configured, else from the keychain — but only if the key is bound to
    /// the provider's current origin ([`KeyError::HostChanged`] / [`KeyError::HostUnconfirmed`]
    /// otherwise). `Ok(None)` when no key is stored. Read it at request time and drop it after.
    pub async fn key_for(
        &self,
        provider_id: &str,
        provider: &ProviderConfig,
    ) -> Result<Option<Secret>, KeyError> {
        if let Some(var) = &provider.key_env {
            return env_key(provider_id, var).map(|key| {
                self.redactor.add(&key);
                Some(key)
            });
        }
        let now = current_origin(provider_id, provider)?;
        match self.metadata.get(provider_id)? {
            Some(record) if record.bound_origin != now => Err(KeyError::HostChanged {
                provider: provider_id.to_string(),
                bound: record.bound_origin,
                now,
            }),
            Some(record) => {
                // A burst of requests reads the keychain once (see [`KeyCache`]).
                if let Some(key) = self.recent.get(provider_id, &record) {
                    return Ok(Some(key));
                }
                let key = self.get(provider_id).await?;
                if let Some(key) = &key {
                    self.recent.put(provider_id, &record, key);
                }
                Ok(key)
            }
            // Local servers usually need no key: do not touch the keychain for them.
            None if !provider.kind.requires_key() => Ok(None),
            None => match self.get(provider_id).await? {
                Some(_) => Err(KeyError::HostUnconfirmed {
                    provider: provider_id.to_string(),
                    now,
                }),
                None => Ok(None),
            },
        }
    }

    /// The stored key with no host check — for validating or re-binding it, never for sending.
    pub async fn get(&self, provider_id: &str) -> Result<Option<Secret>, KeyError> {
        let key = self.keychain.get(provider_id).await?;
        if let Some(key) = &key {
            self.redactor.add(key);
        }
        Ok(key)
    }

    /// Binds the stored key of `provider_id` to the provider's current origin (after the user
    /// confirmed a base-URL change). Returns the new origin.
    pub async fn confirm_host(
        &self,
        provider_id: &str,
        provider: &ProviderConfig,
    ) -> Result<String, KeyError> {
        let origin = current_origin(provider_id, provider)?;
        self.recent.forget(provider_id);
        let Some(key) = self.get(provider_id).await? else {
            return Err(KeyError::Keychain {
                provider: provider_id.to_string(),
                detail: format!("no key stored; set one with `hearth key set {provider_id}`"),
            });
        };
        let now = OffsetDateTime::now_utc();
        let bound = origin.clone();
        self.metadata.update(provider_id, move |record| {
            Some(match record {
                Some(record) => KeyRecord {
                    bound_origin: bound,
                    ..record
                },
                None => KeyRecord {
                    bound_origin: bound,
                    last_four: key.last_four(),
                    stored_at: now,
                    last_validated: None,
                },
            })
        })?;
        tracing::info!(provider = provider_id, origin = %origin, "key host confirmed");
        Ok(origin)
    }

    /// Records that a real call just accepted the key of `provider_id`.
    pub fn mark_validated(&self, provider_id: &str) -> Result<(), KeyError> {
        let now = OffsetDateTime::now_utc();
        self.metadata.update(provider_id, |record| {
            record.map(|r| KeyRecord {
                last_validated: Some(now),
                ..r
            })
        })?;
        Ok(())
    }

    /// Deletes the key of `provider_id` and its metadata; `false` when there was no key.
    pub async fn delete(&self, provider_id: &str) -> Result<bool, KeyError> {
        self.recent.forget(provider_id);
        let existed = self.keychain.delete(provider_id).await?;
        self.metadata.update(provider_id, |_| None)?;
        tracing::info!(
            provider = provider_id,
            existed,
            "key deleted from the keychain"
        );
        Ok(existed)
    }

    /// What may be shown about the key of `provider_id` (reads the keychain to check presence).
    pub async fn status(
        &self,
        provider_id: &str,
        provider: &ProviderConfig,
    ) -> Result<KeyStatus, KeyError> {
        let current_origin = current_origin(provider_id, provider).ok();
        let mut status = KeyStatus {
            provider: provider_id.to_string(),
            source: KeySource::Keychain,
            present: false,
            requires_key: provider.kind.requires_key(),
            last_four: None,
            last_validated: None,
            stored_at: None,
            bound_origin: None,
            current_origin: current_origin.clone(),
            host_confirmed: false,
            less_safe: false,
            error: None,
        };
        if let Some(var) = &provider.key_env {
            status.source = KeySource::Env;
            status.less_safe = true;
            status.host_confirmed = true;
            match env_key(provider_id, var) {
                Ok(key) => {
                    self.redactor.add(&key);
                    status.present = true;
                    status.last_four = Some(key.last_four());
                }
                Err(e) => status.error = Some(e.to_string()),
            }
            return Ok(status);
        }
        let record = self.metadata.get(provider_id)?;
        // Like `key_for`: a provider that needs no key and has none recorded is not looked up,
        // so a headless machine without a keychain can still list its local providers.
        if record.is_none() && !provider.kind.requires_key() {
            return Ok(status);
        }
        let key = self.get(provider_id).await?;
        status.present = key.is_some();
        if let Some(record) = record.filter(|_| key.is_some()) {
            status.host_confirmed = current_origin.as_deref() == Some(&record.bound_origin);
            status.last_four = Some(record.last_four);
            status.last_validated = record.last_validated;
            status.stored_at = Some(record.stored_at);
            status.bound_origin = Some(record.bound_origin);
        } else if let Some(key) = key {
            status.last_four = Some(key.last_four());
        }
        Ok(status)
    }

    /// The status of every configured provider; a keychain failure is reported in each
    /// status's `error` rather than failing the whole listing.
    pub async fn status_all(&self, config: &Config) -> Vec<KeyStatus> {
        let mut all = Vec::new();
        for (id, provider) in &config.providers {
            let status = match self.status(id, provider).await {
                Ok(status) => status,
                Err(error) => KeyStatus {
                    provider: id.clone(),
                    source: KeySource::Keychain,
                    present: false,
                    requires_key: provider.kind.requires_key(),
                    last_four: None,
                    last_validated: None,
                    stored_at: None,
                    bound_origin: None,
                    current_origin: current_origin(id, provider).ok(),
                    host_confirmed: false,
                    less_safe: false,
                    error: Some(self.redactor.scrub_string(error.to_string())),
                },
            };
            all.push(status);
        }
        all
    }

    /// Reads every configured key once so the redactor knows them all (call at start-up).
    /// Returns the providers whose keys could not be read, with why.
    pub async fn preload(&self, config: &Config) -> Vec<(String, KeyError)> {
        let mut failures = Vec::new();
        for (id, provider) in &config.providers {
            let result = match &provider.key_env {
                Some(var) => env_key(id, var).map(|key| self.redactor.add(&key)),
                None if self.metadata.get(id).ok().flatten().is_none() => Ok(()),
                None => self.get(id).await.map(|_| ()),
            };
            if let Err(error) = result {
                failures.push((id.clone(), error));
            }
        }
        failures
    }
}

/// The origin `provider` points at now.
fn current_origin(provider_id: &str, provider: &ProviderConfig) -> Result<String, KeyError> {
    let url = provider
        .effective_base_url()
        .ok_or_else(|| KeyError::BadBaseUrl {
            provider: provider_id.to_string(),
            detail: "no base_url".into(),
        })?;
    origin_of(provider_id, &url)
}

/// The key in environment variable `var`.
fn env_key(provider_id: &str, var: &str) -> Result<Secret, KeyError> {
    match std::env::var(var).map(zeroize::Zeroizing::new) {
        Ok(value) if !value.trim().is_empty() => Ok(Secret::new(value.trim())),
        _ => Err(KeyError::EnvMissing {
            provider: provider_id.to_string(),
            var: var.to_string(),
        }),
    }
}
