//! `[mcp]` in `config.toml`: when servers start, their timeouts, and `[mcp.servers.NAME]`, each
//! either a local command (stdio) or a URL (Streamable HTTP).
//!
//! Secret values never live here: `secret_env` and `secret_headers` only *name* variables and
//! headers whose values are in the OS keychain (entry `mcp:SERVER:NAME`, see
//! [`super::secrets`]).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Names a server may not take: the built-in tool groups (`files.*`, `shell.*`, `web.*`).
pub const RESERVED_SERVER_NAMES: &[&str] = &["files", "shell", "web", "mcp", "hearth"];

/// The longest server name.
pub const MAX_SERVER_NAME_LEN: usize = 32;

/// When enabled servers start.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartMode {
    /// When Hearth starts (in the background; startup never waits for them).
    #[default]
    Launch,
    /// When their tools are first needed: the first agent turn, or a CLI/UI request.
    FirstUse,
}

/// `[mcp]`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct McpConfig {
    /// When enabled servers start.
    pub start: StartMode,
    /// Seconds a server has to start and answer `initialize` and `tools/list`.
    pub start_timeout_secs: u64,
    /// Seconds one tool call may take before it is cancelled.
    pub call_timeout_secs: u64,
    /// Largest tool result kept, in bytes (longer results are cut, with a note).
    pub result_cap_bytes: usize,
    /// The servers, by name (the `SERVER` in `SERVER.TOOL`).
    pub servers: BTreeMap<String, McpServerConfig>,
}

impl Default for McpConfig {
    fn default() -> Self {
        McpConfig {
            start: StartMode::Launch,
            start_timeout_secs: 30,
            call_timeout_secs: 300,
            result_cap_bytes: 256 * 1024,
            servers: BTreeMap::new(),
        }
    }
}

/// `[mcp.servers.NAME]`: a command (stdio) or a URL (Streamable HTTP).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpServerConfig {
    /// Whether the server runs. Servers added by `hearth mcp import` start disabled.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// The program to run (stdio transport).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Its arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Extra environment variables (non-secret values).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Environment variables whose values are read from the keychain (`mcp:SERVER:VAR`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_env: Vec<String>,
    /// Working directory (`~` is expanded); default: Hearth's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// The Streamable HTTP endpoint (instead of a command).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Extra HTTP headers (non-secret values).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// HTTP headers whose values are read from the keychain (`mcp:SERVER:HEADER`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_headers: Vec<String>,
}

fn enabled_by_default() -> bool {
    true
}

/// How Hearth talks to a server.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    /// A child process speaking JSON-RPC on stdin/stdout.
    Stdio,
    /// Streamable HTTP.
    Http,
}

impl McpServerConfig {
    /// A stdio server running `command` with `args`, enabled.
    pub fn stdio(command: impl Into<String>, args: Vec<String>) -> Self {
        McpServerConfig {
            enabled: true,
            command: Some(command.into()),
            args,
            env: BTreeMap::new(),
            secret_env: Vec::new(),
            cwd: None,
            url: None,
            headers: BTreeMap::new(),
            secret_headers: Vec::new(),
        }
    }

    /// A Streamable HTTP server at `url`, enabled.
    pub fn http(url: impl Into<String>) -> Self {
        McpServerConfig {
            command: None,
            url: Some(url.into()),
            ..McpServerConfig::stdio("", Vec::new())
        }
    }

    /// The transport in use.
    pub fn transport(&self) -> TransportKind {
        if self.url.is_some() {
            TransportKind::Http
        } else {
            TransportKind::Stdio
        }
    }

    /// What runs, for people: the command line (arguments quoted where needed) or the URL.
    pub fn target(&self) -> String {
        if let Some(url) = &self.url {
            return url.clone();
        }
        let mut parts = vec![quote(self.command.as_deref().unwrap_or(""))];
        parts.extend(self.args.iter().map(|a| quote(a)));
        parts.join(" ")
    }

    /// The keychain-held names of this server (secret env vars and secret headers).
    pub fn secret_names(&self) -> impl Iterator<Item = &str> {
        self.secret_env
            .iter()
            .chain(self.secret_headers.iter())
            .map(String::as_str)
    }

    /// Checks the server `name` and its settings; the message names the server.
    pub fn validate(&self, name: &str) -> Result<(), String> {
        validate_server_name(name)?;
        let at = format!("mcp.servers.{name}");
        match (&self.command, &self.url) {
            (Some(_), Some(_)) => {
                return Err(format!("{at}: set either command or url, not both"));
            }
            (None, None) => return Err(format!("{at}: set command (stdio) or url (HTTP)")),
            (Some(command), None) if command.trim().is_empty() => {
                return Err(format!("{at}.command is empty"));
            }
            (None, Some(url)) => {
                let lower = url.to_ascii_lowercase();
                if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                    return Err(format!(
                        "{at}.url must start with http:// or https://, got '{url}'"
                    ));
                }
                if !self.args.is_empty() || !self.env.is_empty() || !self.secret_env.is_empty() {
                    return Err(format!("{at}: args and env only apply to a command"));
                }
            }
            _ => {
                if !self.headers.is_empty() || !self.secret_headers.is_empty() {
                    return Err(format!("{at}: headers only apply to a url"));
                }
            }
        }
        for var in &self.secret_env {
            if self.env.contains_key(var) {
                return Err(format!(
                    "{at}: {var} is in both env and secret_env; keep it in secret_env only"
                ));
            }
        }
        for header in &self.secret_headers {
            if self.headers.keys().any(|h| h.eq_ignore_ascii_case(header)) {
                return Err(format!(
                    "{at}: header {header} is in both headers and secret_headers"
                ));
            }
        }
        for name in self.secret_names() {
            if name.is_empty() || name.contains(':') {
                return Err(format!("{at}: invalid secret name '{name}'"));
            }
        }
        Ok(())
    }
}

impl McpConfig {
    /// Checks every server.
    pub fn validate(&self) -> Result<(), String> {
        if self.start_timeout_secs == 0 || self.call_timeout_secs == 0 {
            return Err("mcp.start_timeout_secs and mcp.call_timeout_secs must be above 0".into());
        }
        for (name, server) in &self.servers {
            server.validate(name)?;
        }
        Ok(())
    }
}

/// A server name is 1–32 characters of `a-z A-Z 0-9 _ -`, not a built-in tool group.
pub fn validate_server_name(name: &str) -> Result<(), String> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if name.is_empty() || name.len() > MAX_SERVER_NAME_LEN || !valid_chars {
        return Err(format!(
            "invalid MCP server name '{name}': use 1-{MAX_SERVER_NAME_LEN} letters, digits, '_' or '-'"
        ));
    }
    if RESERVED_SERVER_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "'{name}' is reserved for Hearth's own tools; choose another server name"
        ));
    }
    Ok(())
}

/// `arg` as a shell would need it typed (single-quoted when it holds anything unusual).
fn quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@,+%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::path::Path;

    #[test]
    fn servers_parse_with_defaults() {
        let config = Config::parse(
            r#"
[mcp]
start = "first_use"

[mcp.servers.time]
command = "python3"
args = ["-m", "mcp_server_time"]
env = { TZ = "UTC" }
secret_env = ["API_TOKEN"]

[mcp.servers.remote]
url = "https://example.com/mcp"
headers = { "X-Client" = "hearth" }
secret_headers = ["Authorization"]
enabled = false
"#,
            Path::new("c"),
        )
        .unwrap();
        assert_eq!(config.mcp.start, StartMode::FirstUse);
        assert_eq!(config.mcp.call_timeout_secs, 300);
        let time = &config.mcp.servers["time"];
        assert!(
            time.enabled,
            "hand-written servers are enabled unless said otherwise"
        );
        assert_eq!(time.transport(), TransportKind::Stdio);
        assert_eq!(time.target(), "python3 -m mcp_server_time");
        assert_eq!(time.secret_env, ["API_TOKEN"]);
        let remote = &config.mcp.servers["remote"];
        assert!(!remote.enabled);
        assert_eq!(remote.transport(), TransportKind::Http);
        assert_eq!(remote.secret_names().collect::<Vec<_>>(), ["Authorization"]);
    }

    #[test]
    fn bad_servers_are_rejected_with_their_name() {
        let cases = [
            ("[mcp.servers.x]\n", "set command"),
            (
                "[mcp.servers.x]\ncommand = \"a\"\nurl = \"http://h\"\n",
                "not both",
            ),
            ("[mcp.servers.x]\nurl = \"ftp://h\"\n", "http://"),
            ("[mcp.servers.files]\ncommand = \"a\"\n", "reserved"),
            (
                "[mcp.servers.\"a.b\"]\ncommand = \"a\"\n",
                "invalid MCP server name",
            ),
            (
                "[mcp.servers.x]\ncommand = \"a\"\nsurprise = 1\n",
                "surprise",
            ),
            (
                "[mcp.servers.x]\ncommand = \"a\"\nenv = { T = \"1\" }\nsecret_env = [\"T\"]\n",
                "both env and secret_env",
            ),
            ("[mcp]\nstart = \"sometimes\"\n", "sometimes"),
        ];
        for (text, expected) in cases {
            let err = Config::parse(text, Path::new("c")).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn the_config_round_trips_through_toml() {
        let mut config = McpConfig::default();
        let mut server = McpServerConfig::stdio("npx", vec!["-y".into(), "a b".into()]);
        server.env.insert("TZ".into(), "UTC".into());
        server.secret_env.push("GITHUB_TOKEN".into());
        server.enabled = false;
        config.servers.insert("gh".into(), server);
        config.servers.insert(
            "web-api".into(),
            McpServerConfig::http("http://127.0.0.1:9/mcp"),
        );
        let text = toml::to_string(&config).unwrap();
        let back: McpConfig = toml::from_str(&text).unwrap();
        assert_eq!(back, config);
        assert_eq!(config.servers["gh"].target(), "npx -y 'a b'");
    }
}
