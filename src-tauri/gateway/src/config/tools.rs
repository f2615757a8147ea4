//! `[tools]` and `[permissions]` sections. The policy module interprets them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `[tools]`: where built-in tools may act and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToolsConfig {
    /// Folders the files and shell tools may touch (`~` is expanded).
    pub roots: Vec<PathBuf>,
    /// Seconds before a shell command is killed.
    pub shell_timeout_secs: u64,
    /// Bytes of command output kept.
    pub shell_output_cap_bytes: usize,
    /// Largest file `files.read` returns, in bytes.
    pub read_cap_bytes: usize,
    /// The web fetch tool is off unless enabled here.
    pub web_fetch_enabled: bool,
}

impl Default for ToolsConfig {
    fn default() -> Self {
        ToolsConfig {
            roots: Vec::new(),
            shell_timeout_secs: 60,
            shell_output_cap_bytes: 64 * 1024,
            read_cap_bytes: 256 * 1024,
            web_fetch_enabled: false,
        }
    }
}

/// `[permissions]`: per-tool decisions and argument-scoped rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PermissionsConfig {
    /// The "pause agent" switch: no tool runs while set.
    pub paused: bool,
    /// `tool = "allow" | "ask" | "deny"`, overriding the risk-class default.
    pub tools: BTreeMap<String, String>,
    /// Rules such as `shell.run(git status*)` that allow.
    pub allow: Vec<String>,
    /// Rules that deny (deny wins).
    pub deny: Vec<String>,
}
