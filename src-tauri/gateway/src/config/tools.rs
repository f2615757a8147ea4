//! `[tools]` and `[permissions]` sections. The policy module interprets them; the rule and
//! decision types are [`crate::policy`]'s, so an invalid rule is rejected when the file is parsed.

use crate::policy::{Decision, Rule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `[tools]`: where built-in tools may act and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToolsConfig {
    /// Folders the files and shell tools may touch (`~` is expanded). Relative tool paths are
    /// taken from the first one.
    pub roots: Vec<PathBuf>,
    /// Folders the tools may also touch whose content is not the user's own (downloads, cloned
    /// repositories, mail attachments): anything read from them marks the turn untrusted.
    pub untrusted_roots: Vec<PathBuf>,
    /// Seconds before a shell command is killed.
    pub shell_timeout_secs: u64,
    /// Bytes of command output kept (stdout and stderr each).
    pub shell_output_cap_bytes: usize,
    /// Extra environment variable names removed before running a command (besides the built-in
    /// secret-looking names and every provider's `key_env`).
    pub shell_strip_env: Vec<String>,
    /// Largest file `files.read` returns, in bytes (longer files are cut, with a note).
    pub read_cap_bytes: usize,
    /// Most matching lines `files.search` returns.
    pub search_max_results: usize,
    /// The web fetch tool is off unless enabled here.
    pub web_fetch_enabled: bool,
    /// Seconds a web fetch may take in total.
    pub web_fetch_timeout_secs: u64,
    /// Largest response body web fetch reads, in bytes.
    pub web_fetch_cap_bytes: usize,
    /// Let web fetch reach loopback and private-network addresses (off: only public hosts).
    pub web_fetch_allow_private: bool,
}

impl Default for ToolsConfig {
    fn default() -> Self {
        ToolsConfig {
            roots: Vec::new(),
            untrusted_roots: Vec::new(),
            shell_timeout_secs: 60,
            shell_output_cap_bytes: 64 * 1024,
            shell_strip_env: Vec::new(),
            read_cap_bytes: 256 * 1024,
            search_max_results: 200,
            web_fetch_enabled: false,
            web_fetch_timeout_secs: 30,
            web_fetch_cap_bytes: 2 * 1024 * 1024,
            web_fetch_allow_private: false,
        }
    }
}

/// `[permissions]`: per-tool decisions and argument-scoped rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PermissionsConfig {
    /// The "pause agent" switch: no tool runs while set.
    pub paused: bool,
    /// `"tool.name" = "allow" | "ask" | "deny"`, overriding the risk-class default.
    pub tools: BTreeMap<String, Decision>,
    /// Rules such as `shell.run(git status*)` that allow.
    pub allow: Vec<Rule>,
    /// Rules that deny (deny wins).
    pub deny: Vec<Rule>,
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::policy::Decision;
    use std::path::Path;

    #[test]
    fn permissions_parse_to_typed_rules_and_decisions() {
        let config = Config::parse(
            "[permissions]\nallow = [\"shell.run(git status*)\"]\ndeny = [\"files.*\"]\n[permissions.tools]\n\"web.fetch\" = \"deny\"\n",
            Path::new("c"),
        )
        .unwrap();
        assert_eq!(
            config.permissions.allow[0].to_string(),
            "shell.run(git status*)"
        );
        assert_eq!(config.permissions.deny[0].to_string(), "files.*");
        assert_eq!(config.permissions.tools["web.fetch"], Decision::Deny);
    }

    #[test]
    fn a_bad_rule_or_decision_is_rejected_with_its_text() {
        let err = Config::parse("[permissions]\nallow = [\"shell.run(\"]\n", Path::new("c"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("shell.run("), "{err}");
        let err = Config::parse(
            "[permissions.tools]\n\"shell.run\" = \"sometimes\"\n",
            Path::new("c"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("sometimes"), "{err}");
    }
}
