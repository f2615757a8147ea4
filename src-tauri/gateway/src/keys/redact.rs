//! Redaction: removing secret values from text (provider error bodies, log lines, action-log
//! entries, anything sent to the UI) before it is stored or shown anywhere.
//!
//! A [`Redactor`] knows every key Hearth has read or stored (exact values) and also masks the
//! common key shapes (`sk-…`, `sk-ant-…`, `AIza…`, bearer tokens, `x-api-key: …`, `?key=…`) so
//! that a key Hearth never saw — one pasted into a prompt, or echoed by a server — is caught too.

use super::Secret;
use std::borrow::Cow;
use std::sync::{Arc, LazyLock, RwLock};

/// What replaces a removed secret.
pub const MASK: &str = "[redacted]";

/// Known values shorter than this are not registered (they would mask ordinary words); keys
/// that short are refused when stored (see [`super::validate_key_text`]).
pub const MIN_SECRET_LEN: usize = 8;

/// Replaces every occurrence of `secret` in `text` with [`MASK`].
pub fn scrub(text: &str, secret: Option<&Secret>) -> String {
    match secret {
        Some(secret) if !secret.expose().is_empty() => text.replace(secret.expose(), MASK),
        _ => text.to_string(),
    }
}

/// Key shapes masked even when the value is unknown: `(pattern, replacement)`; `$1` keeps a
/// label such as `Bearer ` or `x-api-key: `.
static SHAPES: LazyLock<Vec<(regex::Regex, &'static str)>> = LazyLock::new(|| {
    SHAPE_PATTERNS
        .iter()
        .filter_map(|(pattern, replacement)| {
            // The patterns are constants covered by tests; a bad one is skipped, never a panic.
            regex::Regex::new(pattern).ok().map(|re| (re, *replacement))
        })
        .collect()
});

/// All of [`SHAPES`] at once: one pass over a text tells whether any shape is in it (the usual
/// answer is no).
static ANY_SHAPE: LazyLock<Option<regex::RegexSet>> =
    LazyLock::new(|| regex::RegexSet::new(SHAPES.iter().map(|(re, _)| re.as_str())).ok());

/// Every shape needs at least this many characters.
const SHORTEST_SHAPE: usize = 8;

const LABEL_AND_VALUE: &str = "${1}[redacted]";

/// The patterns of [`SHAPES`].
const SHAPE_PATTERNS: [(&str, &str); 9] = [
    (r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}", LABEL_AND_VALUE),
    (
        r#"(?i)\b((?:x-api-key|x-goog-api-key|api[_-]?key|access[_-]?token)["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/=\-]{8,}"#,
        LABEL_AND_VALUE,
    ),
    (r#"([?&](?:api_?)?key=)[^&\s"'<>]{8,}"#, LABEL_AND_VALUE),
    (r"\bsk-ant-[A-Za-z0-9_\-]{8,}", MASK),
    (r"\bsk-[A-Za-z0-9_\-]{16,}", MASK),
    (r"\bAIza[0-9A-Za-z_\-]{30,}", MASK),
    (r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}", MASK),
    (r"\bgithub_pat_[A-Za-z0-9_]{30,}", MASK),
    (r"\bxox[abposr]-[A-Za-z0-9\-]{10,}", MASK),
];

/// Removes known secret values and common key shapes from text. Cheap to clone; every clone
/// shares the same set of known values, so a key registered anywhere is masked everywhere.
#[derive(Clone, Default)]
pub struct Redactor {
    known: Arc<RwLock<Vec<Secret>>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("known", &self.read().len())
            .finish()
    }
}

impl Redactor {
    /// A redactor that knows no values yet (it still masks key shapes).
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Registers a secret value so it is masked from now on (values shorter than
    /// [`MIN_SECRET_LEN`] are ignored).
    pub fn add(&self, secret: &Secret) {
        let value = secret.expose();
        if value.chars().count() < MIN_SECRET_LEN {
            return;
        }
        let mut known = self
            .known
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if known.iter().any(|k| k.expose() == value) {
            return;
        }
        known.push(secret.clone());
        // Longest first, so a key containing another is masked whole.
        known.sort_by_key(|k| std::cmp::Reverse(k.expose().len()));
    }

    /// How many values are registered.
    pub fn known_count(&self) -> usize {
        self.read().len()
    }

    /// `text` with every known value and key shape replaced by [`MASK`].
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out: Cow<'a, str> = Cow::Borrowed(text);
        for secret in self.read().iter() {
            if out.contains(secret.expose()) {
                out = Cow::Owned(out.replace(secret.expose(), MASK));
            }
        }
        if out.len() < SHORTEST_SHAPE {
            return out;
        }
        let matched: Vec<usize> = match ANY_SHAPE.as_ref() {
            // `is_match` stops at the first hit (usually there is none); only then which ones.
            Some(set) if !set.is_match(&out) => return out,
            Some(set) => set.matches(&out).into_iter().collect(),
            None => (0..SHAPES.len()).collect(),
        };
        for index in matched {
            let (pattern, replacement) = &SHAPES[index];
            if pattern.is_match(&out) {
                out = Cow::Owned(pattern.replace_all(&out, *replacement).into_owned());
            }
        }
        out
    }

    /// Scrubs an owned string (convenience for error messages).
    pub fn scrub_string(&self, text: String) -> String {
        match self.scrub(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(scrubbed) => scrubbed,
        }
    }

    /// Scrubs every string (and object key) inside a JSON value, in place.
    pub fn scrub_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                if let Cow::Owned(scrubbed) = self.scrub(text) {
                    *text = scrubbed;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            serde_json::Value::Object(map) => {
                map.values_mut().for_each(|v| self.scrub_json(v));
                let secret_keys: Vec<String> = map
                    .keys()
                    .filter(|key| matches!(self.scrub(key), Cow::Owned(_)))
                    .cloned()
                    .collect();
                for key in secret_keys {
                    if let Some(item) = map.remove(&key) {
                        map.insert(self.scrub(&key).into_owned(), item);
                    }
                }
            }
            _ => {}
        }
    }

    /// `value` serialised to JSON with every string scrubbed: the one call a shell needs before
    /// sending an event or a command result to the webview or a local API client.
    pub fn to_scrubbed_json<T: serde::Serialize>(
        &self,
        value: &T,
    ) -> Result<serde_json::Value, serde_json::Error> {
        let mut json = serde_json::to_value(value)?;
        self.scrub_json(&mut json);
        Ok(json)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Secret>> {
        self.known
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

    #[test]
    fn known_values_are_masked_in_any_context() {
        let redactor = Redactor::new();
        let key = Secret::new("hearth-FAKE-key-0123456789");
        redactor.add(&key);
        redactor.add(&key);
        assert_eq!(redactor.known_count(), 1);
        let text =
            "error: invalid key 'hearth-FAKE-key-0123456789'; got hearth-FAKE-key-0123456789!";
        let out = redactor.scrub(text);
        assert!(!out.contains("0123456789"), "{out}");
        assert_eq!(out.matches(MASK).count(), 2);
    }

    #[test]
    fn a_clone_sees_values_added_later() {
        let redactor = Redactor::new();
        let clone = redactor.clone();
        redactor.add(&Secret::new("zz-unusual-value-42"));
        assert_eq!(clone.scrub("x zz-unusual-value-42 y"), "x [redacted] y");
    }

    #[test]
    fn short_values_are_not_registered() {
        let redactor = Redactor::new();
        redactor.add(&Secret::new("abc"));
        assert_eq!(redactor.known_count(), 0);
        assert_eq!(redactor.scrub("abc abc"), "abc abc");
    }

    #[test]
    fn common_key_shapes_are_masked_without_knowing_them() {
        let redactor = Redactor::new();
        let cases = [
            ("key sk-proj-AbCdEfGhIjKlMnOpQrSt123", "AbCdEfGh"),
            ("key sk-ant-api03-AbCdEfGhIjKlMn_opq", "AbCdEfGh"),
            ("key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv", "SyA1b2"),
            (
                "Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.abc",
                "eyJhbGci",
            ),
            ("x-api-key: abcdef0123456789", "abcdef0123"),
            (r#"{"x-api-key":"abcdef0123456789"}"#, "abcdef0123"),
            ("GET /v1beta/models?key=AbCdEf012345&alt=sse", "AbCdEf0123"),
            (
                "token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                "abcdefghijkl",
            ),
        ];
        for (text, secret_part) in cases {
            let out = redactor.scrub(text);
            assert!(!out.contains(secret_part), "{text} -> {out}");
            assert!(out.contains(MASK), "{text} -> {out}");
        }
        let out = redactor.scrub("Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.abc");
        assert_eq!(out, "Authorization: Bearer [redacted]");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let redactor = Redactor::new();
        for text in [
            "the task-runner finished",
            "ask the bearer of news",
            "api key missing",
            "sk-short",
        ] {
            assert!(matches!(redactor.scrub(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn events_are_scrubbed_on_their_way_out() {
        let redactor = Redactor::new();
        redactor.add(&Secret::new("event-secret-value-77"));
        let event = crate::events::Event::Error {
            conversation_id: None,
            message: "provider echoed event-secret-value-77".into(),
        };
        let json = redactor.to_scrubbed_json(&event).unwrap();
        assert_eq!(json["message"], "provider echoed [redacted]");
        assert_eq!(json["type"], "error");
    }

    #[test]
    fn json_strings_and_keys_are_scrubbed() {
        let redactor = Redactor::new();
        redactor.add(&Secret::new("my-very-secret-value"));
        let mut value = serde_json::json!({
            "body": "echo my-very-secret-value",
            "list": ["a", "my-very-secret-value"],
            "my-very-secret-value": 1,
            "n": 3
        });
        redactor.scrub_json(&mut value);
        let text = value.to_string();
        assert!(!text.contains("my-very-secret-value"), "{text}");
        assert_eq!(value["n"], 3);
    }
}
