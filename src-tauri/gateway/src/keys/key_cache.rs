//! [`KeyCache`]: keys recently read from the keychain, so a burst of requests to a provider
//! does not make a Secret Service (D-Bus) round trip each.
//!
//! Invariant: a cached key is used only while the provider's metadata record is the one it was
//! read under (same `stored_at` and bound origin: `hearth key set`, `delete` or a host
//! confirmation in any process changes or removes the record) and for at most [`KEY_CACHE_TTL`]
//! (a change made in the keychain by another tool is seen within that time). Keys live only in
//! memory, zeroised when dropped.

use super::{KeyRecord, Secret};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// How long a key read from the keychain is reused.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(60);

/// Keys by provider id. Cheap to clone; clones share the entries.
#[derive(Clone, Default)]
pub struct KeyCache {
    entries: Arc<Mutex<HashMap<String, Cached>>>,
}

struct Cached {
    stored_at: OffsetDateTime,
    bound_origin: String,
    key: Secret,
    read_at: Instant,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("providers", &self.lock().len())
            .finish()
    }
}

impl KeyCache {
    /// The key of `provider` read under `record` less than [`KEY_CACHE_TTL`] ago, if any.
    pub fn get(&self, provider: &str, record: &KeyRecord) -> Option<Secret> {
        let mut entries = self.lock();
        let fresh = entries.get(provider).is_some_and(|c| {
            c.stored_at == record.stored_at
                && c.bound_origin == record.bound_origin
                && c.read_at.elapsed() < KEY_CACHE_TTL
        });
        if !fresh {
            entries.remove(provider);
            return None;
        }
        entries.get(provider).map(|c| c.key.clone())
    }

    /// Remembers `key`, just read from the keychain under `record`.
    pub fn put(&self, provider: &str, record: &KeyRecord, key: &Secret) {
        self.lock().insert(
            provider.to_string(),
            Cached {
                stored_at: record.stored_at,
                bound_origin: record.bound_origin.clone(),
                key: key.clone(),
                read_at: Instant::now(),
            },
        );
    }

    /// Forgets the key of `provider` (stored, deleted or re-bound).
    pub fn forget(&self, provider: &str) {
        self.lock().remove(provider);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(origin: &str, stored_at: i64) -> KeyRecord {
        KeyRecord {
            bound_origin: origin.into(),
            last_four: "fake".into(),
            stored_at: OffsetDateTime::from_unix_timestamp(stored_at).unwrap(),
            last_validated: None,
        }
    }

    #[test]
    fn a_key_is_reused_only_under_the_record_it_was_read_with() {
        let cache = KeyCache::default();
        let first = record("https://api.example.com", 1);
        assert!(cache.get("p", &first).is_none());
        cache.put("p", &first, &Secret::new("test-key-one-fake"));
        assert_eq!(
            cache.get("p", &first).unwrap().expose(),
            "test-key-one-fake"
        );
        // Stored again (`hearth key set` in another process): a new record, read again.
        assert!(cache
            .get("p", &record("https://api.example.com", 2))
            .is_none());
        cache.put("p", &first, &Secret::new("test-key-one-fake"));
        // Re-bound to another origin.
        assert!(cache
            .get("p", &record("https://other.example.com", 1))
            .is_none());
        cache.put("p", &first, &Secret::new("test-key-one-fake"));
        cache.forget("p");
        assert!(cache.get("p", &first).is_none());
    }
}
