//! Redaction: removing secret values from text (error bodies, log lines) before it is stored or
//! shown anywhere.

use super::Secret;

/// What replaces a removed secret.
pub const MASK: &str = "[redacted]";

/// Replaces every occurrence of `secret` in `text` with [`MASK`].
pub fn scrub(text: &str, secret: Option<&Secret>) -> String {
    match secret {
        Some(secret) if !secret.expose().is_empty() => text.replace(secret.expose(), MASK),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_the_secret_everywhere() {
        let key = Secret::new("sk-live-XYZ");
        let out = scrub("bad key sk-live-XYZ (sk-live-XYZ)", Some(&key));
        assert_eq!(out, "bad key [redacted] ([redacted])");
        assert_eq!(scrub("plain", None), "plain");
    }
}
