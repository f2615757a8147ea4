//! Client tokens of the local API, stored hashed in `hearth.db` (`api_tokens`).
//!
//! A token is `hth_` followed by 64 hex digits (32 random bytes). It is shown once, at
//! creation; only its SHA-256 is stored. A presented token is hashed and compared with every
//! stored hash in constant time ([`subtle`]), so timing reveals nothing about stored tokens.
//! Each token may be limited to model patterns (globs over `PROVIDER_ID/MODEL`) and may ask
//! for its requests to be recorded as conversations.
//!
//! The server keeps the table in memory for [`CACHE_TTL`] (a database read per request would be
//! most of the proxy's overhead): an unknown token reloads it at once, so a new token works
//! immediately; a token revoked by another process (`hearth token revoke`) stops working
//! within [`CACHE_TTL`], one revoked through this store at once.

use crate::conversation::{now_ms, Timestamp};
use crate::store::{Store, StoreError};
use rand::RngCore;
use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// How long the server trusts its in-memory copy of the token table.
pub const CACHE_TTL: Duration = Duration::from_secs(1);

/// The prefix every Hearth client token starts with (recognisable in configs and leaks).
pub const TOKEN_PREFIX: &str = "hth_";

/// Characters of a token kept to recognise it in `hearth token list`.
const SHOWN_PREFIX_LEN: usize = 10;

/// Errors managing tokens.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The name is empty, too long or has characters other than letters, digits, `-`, `_`, `.`.
    #[error("invalid token name '{0}': use 1-64 letters, digits, '-', '_' or '.'")]
    BadName(String),
    /// A model pattern is not a valid glob.
    #[error("invalid model pattern '{pattern}': {reason}")]
    BadPattern {
        /// The pattern.
        pattern: String,
        /// Why.
        reason: String,
    },
    /// A token with this name exists already.
    #[error("a token named '{0}' exists already (revoke it first: `hearth token revoke {0}`)")]
    Exists(String),
    /// No token has this name.
    #[error("no token named '{0}' (see `hearth token list`)")]
    NotFound(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What is known about a token (never the token itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenInfo {
    /// The client's name.
    pub name: String,
    /// The token's first characters, e.g. `hth_3f9a01`.
    pub prefix: String,
    /// Glob patterns over `PROVIDER_ID/MODEL` this token may use; empty = every model.
    pub models: Vec<String>,
    /// Whether its requests are also recorded as conversations.
    pub record: bool,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A newly created token: the only time the token text exists outside the client.
pub struct CreatedToken {
    /// The token to give to the client (print once, never store).
    pub token: String,
    /// What is stored about it.
    pub info: TokenInfo,
}

/// Shows the token's name and prefix only: the token must never reach a log.
impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("token", &format_args!("{}…", self.info.prefix))
            .field("info", &self.info)
            .finish()
    }
}

/// The authenticated client of a request: a stored token that matched.
#[derive(Debug, Clone)]
pub struct Client {
    /// The token's name (the actor in the action log).
    pub name: String,
    /// Compiled model patterns; `None` = every model.
    pub models: Option<globset::GlobSet>,
    /// The patterns as written.
    pub patterns: Vec<String>,
    /// Whether requests are recorded as conversations.
    pub record: bool,
}

impl Client {
    /// Whether this client may use `model` (`PROVIDER_ID/MODEL`).
    pub fn may_use(&self, model: &str) -> bool {
        self.models.as_ref().is_none_or(|set| set.is_match(model))
    }
}

/// The token store over `hearth.db`. Cheap to clone (clones share the cache).
#[derive(Debug, Clone)]
pub struct TokenStore {
    store: Store,
    cache: Arc<Mutex<Option<Cached>>>,
}

/// The token table as last read: hashes with their ready-to-use clients.
#[derive(Debug)]
struct Cached {
    clients: Arc<Vec<(String, Client)>>,
    loaded: Instant,
}

impl TokenStore {
    /// The tokens in `store`.
    pub fn new(store: Store) -> Self {
        TokenStore {
            store,
            cache: Arc::default(),
        }
    }

    fn invalidate(&self) {
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn cached(&self) -> Option<Arc<Vec<(String, Client)>>> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .as_ref()
            .filter(|c| c.loaded.elapsed() < CACHE_TTL)
            .map(|c| c.clients.clone())
    }

    async fn reload(&self) -> Result<Arc<Vec<(String, Client)>>, TokenError> {
        let rows = self.store.read(read_all).await?;
        let clients: Vec<(String, Client)> = rows
            .into_iter()
            .map(|(info, hash)| {
                // Patterns were validated at creation; an unreadable one allows nothing.
                let models = compile_patterns(&info.models)
                    .unwrap_or_else(|_| Some(globset::GlobSet::empty()));
                let client = Client {
                    name: info.name,
                    models,
                    patterns: info.models,
                    record: info.record,
                };
                (hash, client)
            })
            .collect();
        let clients = Arc::new(clients);
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()) = Some(Cached {
            clients: clients.clone(),
            loaded: Instant::now(),
        });
        Ok(clients)
    }

    /// Creates a token named `name`, limited to `models` patterns (none = every model).
    pub async fn create(
        &self,
        name: &str,
        models: &[String],
        record: bool,
    ) -> Result<CreatedToken, TokenError> {
        validate_name(name)?;
        compile_patterns(models)?;
        let token = generate();
        let info = TokenInfo {
            name: name.to_string(),
            prefix: token.chars().take(SHOWN_PREFIX_LEN).collect(),
            models: models.to_vec(),
            record,
            created_at: now_ms(),
        };
        let hash = hash_token(&token);
        let stored = info.clone();
        let inserted = self
            .store
            .write(move |tx| {
                let models = serde_json::to_string(&stored.models).unwrap_or_else(|_| "[]".into());
                let count = tx.execute(
                    "INSERT OR IGNORE INTO api_tokens (name, hash, prefix, models, record, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    rusqlite::params![
                        stored.name,
                        hash,
                        stored.prefix,
                        models,
                        stored.record,
                        stored.created_at
                    ],
                )?;
                Ok(count == 1)
            })
            .await?;
        if !inserted {
            return Err(TokenError::Exists(name.to_string()));
        }
        self.invalidate();
        Ok(CreatedToken { token, info })
    }

    /// Every token, by name.
    pub async fn list(&self) -> Result<Vec<TokenInfo>, TokenError> {
        let rows = self.store.read(read_all).await?;
        Ok(rows.into_iter().map(|(info, _)| info).collect())
    }

    /// Deletes the token `name`; its clients get 401 from the next request on.
    pub async fn revoke(&self, name: &str) -> Result<(), TokenError> {
        let owned = name.to_string();
        let deleted = self
            .store
            .write(move |tx| Ok(tx.execute("DELETE FROM api_tokens WHERE name = ?1", [&owned])?))
            .await?;
        self.invalidate();
        if deleted == 0 {
            return Err(TokenError::NotFound(name.to_string()));
        }
        Ok(())
    }

    /// The client whose token is `presented`, if any. Compares the hash against every stored
    /// hash in constant time.
    pub async fn authenticate(&self, presented: &str) -> Result<Option<Client>, TokenError> {
        let hash = hash_token(presented);
        if let Some(clients) = self.cached() {
            if let Some(client) = find(&clients, &hash) {
                return Ok(Some(client));
            }
        }
        // Unknown (maybe just created) or stale: read the table again.
        let clients = self.reload().await?;
        Ok(find(&clients, &hash))
    }

    /// Whether a token named `name` exists.
    pub async fn exists(&self, name: &str) -> Result<bool, TokenError> {
        let owned = name.to_string();
        let found = self
            .store
            .read(move |conn| {
                Ok(conn
                    .query_row("SELECT 1 FROM api_tokens WHERE name = ?1", [&owned], |_| {
                        Ok(())
                    })
                    .optional()?
                    .is_some())
            })
            .await?;
        Ok(found)
    }
}

/// The client whose stored hash equals `hash` (every entry compared, in constant time).
fn find(clients: &[(String, Client)], hash: &str) -> Option<Client> {
    let mut found = None;
    for (stored, client) in clients {
        if bool::from(stored.as_bytes().ct_eq(hash.as_bytes())) {
            found = Some(client);
        }
    }
    found.cloned()
}

/// Every stored token with its hash.
fn read_all(conn: &rusqlite::Connection) -> Result<Vec<(TokenInfo, String)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT name, prefix, models, record, created_at, hash FROM api_tokens ORDER BY name",
    )?;
    let rows = statement.query_map([], |row| {
        let models: String = row.get(2)?;
        Ok((
            TokenInfo {
                name: row.get(0)?,
                prefix: row.get(1)?,
                models: serde_json::from_str(&models).unwrap_or_default(),
                record: row.get(3)?,
                created_at: row.get(4)?,
            },
            row.get::<_, String>(5)?,
        ))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A fresh token: the prefix and 32 random bytes in hex.
fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// Hex SHA-256 of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn validate_name(name: &str) -> Result<(), TokenError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(TokenError::BadName(name.to_string()))
    }
}

/// The compiled patterns; `None` when there are none (every model allowed).
fn compile_patterns(patterns: &[String]) -> Result<Option<globset::GlobSet>, TokenError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let glob = globset::Glob::new(pattern).map_err(|e| TokenError::BadPattern {
            pattern: pattern.clone(),
            reason: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| TokenError::BadPattern {
            pattern: patterns.join(", "),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn tokens() -> (tempfile::TempDir, TokenStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hearth.db")).unwrap();
        (dir, TokenStore::new(store))
    }

    #[tokio::test]
    async fn a_created_token_authenticates_until_revoked() {
        let (_dir, tokens) = tokens().await;
        let created = tokens.create("editor", &[], false).await.unwrap();
        assert!(created.token.starts_with("hth_"));
        assert_eq!(created.token.len(), 4 + 64);
        let client = tokens.authenticate(&created.token).await.unwrap().unwrap();
        assert_eq!(client.name, "editor");
        assert!(client.may_use("anything/at-all"));
        assert!(tokens.authenticate("hth_wrong").await.unwrap().is_none());
        tokens.revoke("editor").await.unwrap();
        assert!(tokens.authenticate(&created.token).await.unwrap().is_none());
        assert!(matches!(
            tokens.revoke("editor").await,
            Err(TokenError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn only_the_hash_is_stored() {
        let (dir, tokens) = tokens().await;
        let created = tokens
            .create("ci", &["anthropic/*".into()], true)
            .await
            .unwrap();
        drop(tokens);
        let bytes = std::fs::read(dir.path().join("hearth.db")).unwrap();
        let secret = &created.token.as_bytes()[4..];
        assert!(!bytes.windows(secret.len()).any(|w| w == secret));
    }

    #[tokio::test]
    async fn model_patterns_limit_the_client() {
        let (_dir, tokens) = tokens().await;
        let created = tokens
            .create(
                "limited",
                &["anthropic/*".into(), "local/llama-?".into()],
                true,
            )
            .await
            .unwrap();
        let client = tokens.authenticate(&created.token).await.unwrap().unwrap();
        assert!(client.record);
        assert!(client.may_use("anthropic/claude-sonnet-4-5"));
        assert!(client.may_use("local/llama-3"));
        assert!(!client.may_use("openai/gpt-5"));
        let listed = tokens.list().await.unwrap();
        assert_eq!(listed[0].models, vec!["anthropic/*", "local/llama-?"]);
        assert_eq!(listed[0].prefix, created.token[..10]);
    }

    #[tokio::test]
    async fn bad_names_patterns_and_duplicates_are_refused() {
        let (_dir, tokens) = tokens().await;
        assert!(matches!(
            tokens.create("a b", &[], false).await,
            Err(TokenError::BadName(_))
        ));
        assert!(matches!(
            tokens.create("x", &["[".into()], false).await,
            Err(TokenError::BadPattern { .. })
        ));
        tokens.create("x", &[], false).await.unwrap();
        assert!(matches!(
            tokens.create("x", &[], false).await,
            Err(TokenError::Exists(_))
        ));
        assert!(tokens.exists("x").await.unwrap());
    }
}
