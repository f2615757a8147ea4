//! [`Secret`]: a credential in memory. It cannot be serialised, redacts itself when printed and
//! is zeroised on drop.

use zeroize::Zeroizing;

/// A credential (API key, password). Read from the keychain at the moment of use, passed to the
/// code that authenticates, dropped right after.
///
/// Invariant: there is no `Serialize` impl, and `Debug`/`Display` print `[redacted]`, so a
/// `Secret` cannot reach a log line, the database, an IPC payload or an error by accident.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The value, for the one place that must send it (an auth header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, for status displays.
    pub fn last_four(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let secret = Secret::new("sk-test-abcdef123456");
        assert!(!format!("{secret:?}").contains("abcdef"));
        assert!(!format!("{secret}").contains("abcdef"));
        assert_eq!(secret.expose(), "sk-test-abcdef123456");
        assert_eq!(secret.last_four(), "3456");
    }
}
