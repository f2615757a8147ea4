//! The environment a shell command gets: the user's, minus anything that looks like a secret.

use std::ffi::OsString;

/// Names always kept, whatever they look like.
const KEEP: &[&str] = &[
    "PATH", "HOME", "LANG", "LANGUAGE", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR", "TZ",
    "EDITOR", "PAGER",
];

/// Name fragments that mark a secret (checked on the upper-cased name).
const SECRET_FRAGMENTS: &[&str] = &[
    "KEY",
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "CREDENTIAL",
    "PRIVATE",
    "AUTH",
    "COOKIE",
    "SESSION",
];

/// Name prefixes that mark a secret (cloud credentials, Hearth's own settings).
const SECRET_PREFIXES: &[&str] = &["AWS_", "AZURE_", "GCP_", "GOOGLE_", "HEARTH_"];

/// Whole names that carry credentials without saying so.
const SECRET_NAMES: &[&str] = &["DATABASE_URL", "PGPASS", "NETRC"];

/// Whether the variable `name` is removed. `extra` are configured names (exact match).
pub fn is_secret_name(name: &str, extra: &[String]) -> bool {
    if extra.iter().any(|e| e == name) {
        return true;
    }
    let upper = name.to_ascii_uppercase();
    if KEEP.contains(&upper.as_str()) || upper.starts_with("LC_") {
        return false;
    }
    SECRET_FRAGMENTS.iter().any(|f| upper.contains(f))
        || SECRET_PREFIXES.iter().any(|p| upper.starts_with(p))
        || SECRET_NAMES.contains(&upper.as_str())
}

/// `vars` without the secret-looking ones. Names that are not valid UTF-8 are dropped too.
pub fn stripped_env(
    vars: impl IntoIterator<Item = (OsString, OsString)>,
    extra: &[String],
) -> Vec<(OsString, OsString)> {
    vars.into_iter()
        .filter(|(name, _)| name.to_str().is_some_and(|n| !is_secret_name(n, extra)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_removed_and_basics_kept() {
        let extra = vec!["MY_LLM".to_string()];
        for name in [
            "OPENAI_API_KEY",
            "ANTHROPIC_API_KEY",
            "GITHUB_TOKEN",
            "GH_TOKEN",
            "DB_PASSWORD",
            "AWS_ACCESS_KEY_ID",
            "AWS_REGION",
            "CLIENT_SECRET",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "SSH_AUTH_SOCK",
            "npm_config__authToken",
            "DATABASE_URL",
            "HEARTH_HOME",
            "MY_LLM",
        ] {
            assert!(is_secret_name(name, &extra), "{name} kept");
        }
        for name in [
            "PATH",
            "HOME",
            "LANG",
            "LC_ALL",
            "TERM",
            "USER",
            "EDITOR",
            "CARGO_HOME",
        ] {
            assert!(!is_secret_name(name, &extra), "{name} removed");
        }
    }
}
