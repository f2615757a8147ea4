//! [`ProviderCache`]: the providers built from the current configuration, kept until it
//! changes, so a stream of requests (the local API) does not rebuild an adapter and re-parse
//! its endpoint for each one.

use super::{build, Provider};
use crate::config::Config;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Built providers by id, valid for one configuration. Cheap to share.
pub struct ProviderCache {
    http: crate::providers::HttpClient,
    built: Mutex<Option<Built>>,
}

/// The providers built from `config` so far.
struct Built {
    config: Arc<Config>,
    providers: HashMap<String, Arc<dyn Provider>>,
}

impl ProviderCache {
    /// An empty cache whose providers send through `http` (use [`super::http_client`]).
    pub fn new(http: crate::providers::HttpClient) -> Self {
        ProviderCache {
            http,
            built: Mutex::new(None),
        }
    }

    /// Provider `id` as configured in `config` (built on first use; everything built from an
    /// older configuration is dropped), or `None` when `config` has no such provider.
    pub fn get(&self, config: &Arc<Config>, id: &str) -> Option<Arc<dyn Provider>> {
        let provider_config = config.providers.get(id)?;
        let mut built = self.built.lock().unwrap_or_else(|p| p.into_inner());
        let current = match built.take() {
            Some(b) if Arc::ptr_eq(&b.config, config) => b,
            _ => Built {
                config: config.clone(),
                providers: HashMap::new(),
            },
        };
        let built = built.insert(current);
        let provider = built
            .providers
            .entry(id.to_string())
            .or_insert_with(|| build(id, provider_config, self.http.clone()));
        Some(provider.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ProviderConfig, ProviderKind};

    fn config(base_url: &str) -> Arc<Config> {
        let mut config = Config::default();
        config.providers.insert(
            "local".into(),
            ProviderConfig {
                kind: ProviderKind::OpenAiCompatible,
                base_url: Some(base_url.into()),
                models: vec!["m".into()],
                key_env: None,
                fallback: Vec::new(),
                max_tokens: None,
            },
        );
        Arc::new(config)
    }

    #[test]
    fn a_provider_is_built_once_per_configuration() {
        let cache = ProviderCache::new(crate::providers::http_client());
        let first = config("http://127.0.0.1:1/v1");
        let a = cache.get(&first, "local").unwrap();
        let b = cache.get(&first, "local").unwrap();
        assert!(Arc::ptr_eq(&a, &b), "same configuration, same provider");
        assert!(cache.get(&first, "missing").is_none());
        let reloaded = config("http://127.0.0.1:2/v1");
        let c = cache.get(&reloaded, "local").unwrap();
        assert!(!Arc::ptr_eq(&a, &c), "a new configuration builds anew");
        assert_eq!(c.id(), "local");
    }
}
