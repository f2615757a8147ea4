//! `hearth mcp import`: servers from Claude Desktop's `claude_desktop_config.json` (or any file
//! of the same `{"mcpServers": {...}}` shape), turned into `[mcp.servers.NAME]` entries that
//! start **disabled**. Values that look secret (by the variable or header name, or by the value)
//! are moved to the keychain instead of `config.toml`.

use super::config::{
    validate_server_name, McpServerConfig, MAX_SERVER_NAME_LEN, RESERVED_SERVER_NAMES,
};
use super::McpError;
use crate::keys::Secret;
use crate::tools::shell::env::is_secret_name;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Claude Desktop's config file in its standard location for this OS (Linux
/// `~/.config/Claude/…`, macOS `~/Library/Application Support/Claude/…`, Windows `%APPDATA%`).
pub fn claude_desktop_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("Claude").join("claude_desktop_config.json"))
}

/// The file's shape (other keys are ignored).
#[derive(Debug, Deserialize)]
struct ImportFile {
    #[serde(rename = "mcpServers", default)]
    mcp_servers: BTreeMap<String, ImportedEntry>,
}

/// One entry of `mcpServers` (Claude Desktop, Cursor and others share it).
#[derive(Debug, Deserialize)]
struct ImportedEntry {
    command: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    cwd: Option<PathBuf>,
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

/// One server found in the file, as it would be added.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ImportCandidate {
    /// The Hearth server name (the file's name, cleaned to `a-z A-Z 0-9 _ -`).
    pub name: String,
    /// The name in the file.
    pub original_name: String,
    /// What would be written to `config.toml` (disabled; secrets only by name).
    pub server: McpServerConfig,
    /// What runs: the command line or the URL.
    pub target: String,
    /// Why it is not imported, when it is not.
    pub skipped: Option<String>,
    /// The values moved to the keychain, by variable or header name. Never serialised.
    #[serde(skip)]
    pub secrets: BTreeMap<String, Secret>,
}

/// Reads and parses `path` into candidates; `existing` are the configured server names (those
/// are skipped, not overwritten).
pub fn read_import_file(
    path: &Path,
    existing: &[String],
) -> Result<Vec<ImportCandidate>, McpError> {
    let text = std::fs::read_to_string(path).map_err(|source| McpError::ImportRead {
        path: path.to_path_buf(),
        source,
    })?;
    parse_import(&text, existing).map_err(|message| McpError::ImportParse {
        path: path.to_path_buf(),
        message,
    })
}

/// Parses the text of an `mcpServers` file into candidates.
pub fn parse_import(text: &str, existing: &[String]) -> Result<Vec<ImportCandidate>, String> {
    let file: ImportFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut taken: Vec<String> = existing.to_vec();
    let mut candidates = Vec::new();
    for (original_name, entry) in file.mcp_servers {
        let name = clean_name(&original_name);
        let (server, secrets) = convert(entry);
        let mut skipped = None;
        if taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
            skipped = Some(format!("a server named '{name}' is already configured"));
        } else if let Err(problem) = server.validate(&name) {
            skipped = Some(problem);
        }
        if skipped.is_none() {
            taken.push(name.clone());
        }
        candidates.push(ImportCandidate {
            target: server.target(),
            name,
            original_name,
            server,
            skipped,
            secrets,
        });
    }
    Ok(candidates)
}

/// The entry as a disabled server, with secret-looking values taken out.
fn convert(entry: ImportedEntry) -> (McpServerConfig, BTreeMap<String, Secret>) {
    let mut secrets = BTreeMap::new();
    let mut env = BTreeMap::new();
    let mut secret_env = Vec::new();
    for (var, value) in entry.env {
        if is_secret_name(&var, &[]) || looks_like_a_token(&value) {
            secrets.insert(var.clone(), Secret::new(value));
            secret_env.push(var);
        } else {
            env.insert(var, value);
        }
    }
    let mut headers = BTreeMap::new();
    let mut secret_headers = Vec::new();
    for (header, value) in entry.headers {
        if is_secret_header(&header) || looks_like_a_token(&value) {
            secrets.insert(header.clone(), Secret::new(value));
            secret_headers.push(header);
        } else {
            headers.insert(header, value);
        }
    }
    let server = McpServerConfig {
        enabled: false,
        command: entry.command,
        args: entry.args,
        env,
        secret_env,
        cwd: entry.cwd,
        url: entry.url,
        headers,
        secret_headers,
    };
    (server, secrets)
}

/// Header names that carry credentials.
fn is_secret_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "authorization",
        "cookie",
        "key",
        "token",
        "secret",
        "auth",
        "session",
        "password",
    ]
    .iter()
    .any(|fragment| lower.contains(fragment))
}

/// Values that look like credentials whatever their name: known token prefixes, bearer values,
/// or long unbroken runs of mixed letters and digits.
fn looks_like_a_token(value: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "sk-",
        "sk_",
        "pk_",
        "ghp_",
        "gho_",
        "ghs_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
        "xapp-",
        "AKIA",
        "AIza",
        "Bearer ",
        "Basic ",
        "ya29.",
    ];
    if PREFIXES.iter().any(|p| value.starts_with(p)) {
        return true;
    }
    let long_run = value.len() >= 32
        && !value.contains(char::is_whitespace)
        && !value.contains('/')
        && !value.contains('\\');
    let mixed =
        value.chars().any(|c| c.is_ascii_digit()) && value.chars().any(|c| c.is_ascii_alphabetic());
    long_run && mixed
}

/// A valid, unreserved server name from any text.
fn clean_name(original: &str) -> String {
    let mut name: String = original
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.truncate(MAX_SERVER_NAME_LEN);
    if name.is_empty() {
        name = "server".to_string();
    }
    if RESERVED_SERVER_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
        name.truncate(MAX_SERVER_NAME_LEN - 4);
        name.push_str("-mcp");
    }
    debug_assert!(validate_server_name(&name).is_ok(), "{name}");
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAUDE: &str = r#"{
      "globalShortcut": "Ctrl+Space",
      "mcpServers": {
        "filesystem": {
          "command": "npx",
          "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop"]
        },
        "GitHub Server": {
          "command": "docker",
          "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
          "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_abcdefabcdef0123456789", "LOG_LEVEL": "debug", "OPAQUE": "ghp_looks_like_a_token"}
        },
        "files": {"command": "x"},
        "remote": {"url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer abc", "X-Client": "hearth"}},
        "broken": {"args": ["no command"]}
      }
    }"#;

    #[test]
    fn claude_desktop_files_become_disabled_servers_with_secrets_taken_out() {
        let found = parse_import(CLAUDE, &["filesystem".to_string()]).unwrap();
        let by_name = |n: &str| found.iter().find(|c| c.name == n).unwrap();
        assert!(by_name("filesystem")
            .skipped
            .as_deref()
            .unwrap()
            .contains("already configured"));
        let gh = by_name("GitHub-Server");
        assert_eq!(gh.original_name, "GitHub Server");
        assert!(gh.skipped.is_none());
        assert!(!gh.server.enabled, "imported servers start disabled");
        assert_eq!(gh.server.env.keys().collect::<Vec<_>>(), ["LOG_LEVEL"]);
        assert_eq!(
            gh.server.secret_env,
            ["GITHUB_PERSONAL_ACCESS_TOKEN", "OPAQUE"]
        );
        assert_eq!(
            gh.secrets["GITHUB_PERSONAL_ACCESS_TOKEN"].expose(),
            "ghp_abcdefabcdef0123456789"
        );
        assert!(gh
            .target
            .starts_with("docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN"));
        assert_eq!(by_name("files-mcp").original_name, "files");
        let remote = by_name("remote");
        assert_eq!(remote.server.secret_headers, ["Authorization"]);
        assert_eq!(
            remote.server.headers.keys().collect::<Vec<_>>(),
            ["X-Client"]
        );
        assert!(by_name("broken")
            .skipped
            .as_deref()
            .unwrap()
            .contains("set command"));
        // What is shown or serialised never carries a secret value.
        let shown = serde_json::to_string(&found).unwrap();
        assert!(
            !shown.contains("ghp_abcdef") && !shown.contains("Bearer abc"),
            "{shown}"
        );
    }

    #[test]
    fn bad_files_are_clear_errors() {
        assert!(parse_import("not json", &[]).is_err());
        assert!(parse_import(r#"{"mcpServers": {"a": {"command": 5}}}"#, &[]).is_err());
        assert!(parse_import("{}", &[]).unwrap().is_empty());
    }

    #[test]
    fn token_detection() {
        assert!(looks_like_a_token("sk-proj-abc"));
        assert!(looks_like_a_token("a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6"));
        assert!(!looks_like_a_token(
            "/home/me/some/long/path/with/digits/123456"
        ));
        assert!(!looks_like_a_token("debug"));
    }
}
