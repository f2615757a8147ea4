//! Host binding: a key belongs to the origin (scheme, host, port) of its provider's base URL at
//! the time it was stored, so editing `config.toml` to point a provider elsewhere cannot send
//! the key to a new host without the user's say-so.

use super::KeyError;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// The origin a key is bound to, e.g. `https://api.openai.com` or `http://127.0.0.1:11434`.
///
/// Scheme and port are part of it: a downgrade to `http://` or a different local port is a
/// different place.
pub fn origin_of(provider: &str, base_url: &str) -> Result<String, KeyError> {
    if let Some(origin) = known_origins().get(base_url) {
        return Ok(origin.clone());
    }
    let origin = parse_origin(provider, base_url)?;
    let mut known = known_origins();
    if known.len() >= MAX_KNOWN_ORIGINS {
        known.clear();
    }
    known.insert(base_url.to_string(), origin.clone());
    Ok(origin)
}

/// Base URLs whose origin was already worked out (every request to a keyed provider asks).
static KNOWN_ORIGINS: LazyLock<Mutex<HashMap<String, String>>> = LazyLock::new(Mutex::default);

/// More base URLs than a configuration ever has: past it the memo starts afresh.
const MAX_KNOWN_ORIGINS: usize = 64;

fn known_origins() -> std::sync::MutexGuard<'static, HashMap<String, String>> {
    KNOWN_ORIGINS.lock().unwrap_or_else(|p| p.into_inner())
}

fn parse_origin(provider: &str, base_url: &str) -> Result<String, KeyError> {
    let bad = |detail: String| KeyError::BadBaseUrl {
        provider: provider.to_string(),
        detail,
    };
    let url = reqwest::Url::parse(base_url).map_err(|e| bad(format!("{base_url}: {e}")))?;
    if url.host_str().is_none() {
        return Err(bad(format!("{base_url} has no host")));
    }
    let origin = url.origin();
    if !origin.is_tuple() {
        return Err(bad(format!("{base_url} has no network origin")));
    }
    Ok(origin.ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_keep_scheme_host_and_non_default_port() {
        assert_eq!(
            origin_of("p", "https://api.openai.com/v1").unwrap(),
            "https://api.openai.com"
        );
        assert_eq!(
            origin_of("p", "https://API.openai.com:443/v1/").unwrap(),
            "https://api.openai.com"
        );
        assert_eq!(
            origin_of("p", "http://127.0.0.1:11434/v1").unwrap(),
            "http://127.0.0.1:11434"
        );
    }

    #[test]
    fn a_different_host_scheme_or_port_is_a_different_origin() {
        let bound = origin_of("p", "https://api.openai.com/v1").unwrap();
        for other in [
            "https://api.openai.com.evil.example/v1",
            "http://api.openai.com/v1",
            "https://api.openai.com:8443/v1",
            "https://user@evil.example/v1",
        ] {
            assert_ne!(origin_of("p", other).unwrap(), bound, "{other}");
        }
    }

    #[test]
    fn urls_without_a_host_are_refused() {
        assert!(matches!(
            origin_of("p", "not a url"),
            Err(KeyError::BadBaseUrl { .. })
        ));
        assert!(origin_of("p", "file:///etc/passwd").is_err());
    }
}
