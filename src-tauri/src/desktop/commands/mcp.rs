//! Settings → MCP servers: each server's status, the enable switch, restart, add (stdio),
//! remove, and import from Claude Desktop (preview, then import; the core re-reads the file so
//! secret values never pass through the webview).

use super::{gateway, ipc, Redacted};
use crate::desktop::error::{ErrorKind, IpcError};
use crate::desktop::AppState;
use hearth_gateway::config::ConfigError;
use hearth_gateway::mcp::{McpError, McpManager, McpServerConfig, ServerStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tauri::State;

impl From<McpError> for IpcError {
    fn from(error: McpError) -> Self {
        let kind = match &error {
            McpError::Config(ConfigError::Rejected(_)) => ErrorKind::InvalidInput,
            McpError::Config(_) => ErrorKind::Config,
            McpError::UnknownServer(_) => ErrorKind::NotFound,
            McpError::Exists(_)
            | McpError::Disabled(_)
            | McpError::InvalidHeader(_)
            | McpError::ImportRead { .. }
            | McpError::ImportParse { .. } => ErrorKind::InvalidInput,
            McpError::Keychain { .. } | McpError::MissingSecret { .. } => ErrorKind::Keychain,
            _ => ErrorKind::Internal,
        };
        IpcError::new(kind, error.to_string())
    }
}

/// One server an import would add, or skip and why (secret values are never included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct McpImportItem {
    /// The Hearth server name.
    pub name: String,
    /// The name in the imported file.
    pub original_name: String,
    /// What would run: the command line or the URL.
    pub target: String,
    /// Why it is not imported, when it is not.
    pub skipped: Option<String>,
    /// Names of the environment variables and headers whose values go to the keychain.
    pub secret_names: Vec<String>,
}

/// `mcp_import_preview` result: the file read and what importing it would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct McpImportPreview {
    /// The file read (the given path, or Claude Desktop's config).
    pub path: String,
    /// One entry per server in the file.
    pub servers: Vec<McpImportItem>,
}

/// The stdio server `mcp_add` writes: enabled, started on first use of one of its tools.
pub fn stdio_server(
    command: &str,
    args: Vec<String>,
    env: BTreeMap<String, String>,
) -> Result<McpServerConfig, IpcError> {
    let command = command.trim();
    if command.is_empty() {
        return Err(IpcError::invalid("Name the program to run."));
    }
    Ok(McpServerConfig {
        enabled: true,
        command: Some(command.to_string()),
        args,
        env,
        secret_env: Vec::new(),
        cwd: None,
        url: None,
        headers: BTreeMap::new(),
        secret_headers: Vec::new(),
    })
}

fn import_path(path: Option<String>) -> Result<PathBuf, IpcError> {
    let path = path
        .map(|p| PathBuf::from(p.trim()))
        .filter(|p| !p.as_os_str().is_empty());
    Ok(McpManager::import_path(path.as_deref())?)
}

/// `mcp_statuses`: every configured server and where it stands.
#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_statuses(
    state: State<'_, AppState>,
) -> Result<Redacted<Vec<ServerStatus>>, IpcError> {
    let gateway = gateway(&state);
    Redacted::new(gateway, &gateway.mcp().statuses())
}

/// `mcp_restart` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct McpRestartArgs {
    /// The configured server.
    pub name: String,
}

/// `mcp_restart`: stops and starts server `name`.
#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_restart(
    state: State<'_, AppState>,
    args: McpRestartArgs,
) -> Result<Redacted<ServerStatus>, IpcError> {
    let McpRestartArgs { name } = args;
    let gateway = gateway(&state);
    let status = gateway.mcp().restart(&name).await.map_err(ipc(gateway))?;
    Redacted::new(gateway, &status)
}

/// `mcp_set_enabled` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct McpSetEnabledArgs {
    /// The configured server.
    pub name: String,
    /// On (starts) or off (stops).
    pub enabled: bool,
}

/// `mcp_set_enabled`: switches server `name` on or off (written to config.toml).
#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_set_enabled(
    state: State<'_, AppState>,
    args: McpSetEnabledArgs,
) -> Result<(), IpcError> {
    let McpSetEnabledArgs { name, enabled } = args;
    let gateway = gateway(&state);
    gateway
        .mcp()
        .set_enabled(&name, enabled)
        .await
        .map_err(ipc(gateway))
}

/// `mcp_add` arguments: a stdio server.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct McpAddArgs {
    /// A new server name (letters, digits, `_`, `-`).
    pub name: String,
    /// The program to run.
    pub command: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment variables (not secret: written to config.toml).
    pub env: BTreeMap<String, String>,
}

/// `mcp_add`: adds a stdio server (`env` values are not secret; they go to config.toml).
#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_add(state: State<'_, AppState>, args: McpAddArgs) -> Result<(), IpcError> {
    let McpAddArgs {
        name,
        command,
        args,
        env,
    } = args;
    let gateway = gateway(&state);
    let server = stdio_server(&command, args, env)?;
    gateway
        .mcp()
        .add_server(name.trim(), &server, &BTreeMap::new())
        .await
        .map_err(ipc(gateway))
}

/// `mcp_remove` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct McpRemoveArgs {
    /// The server (its keychain secrets go too).
    pub name: String,
}

/// `mcp_remove`: removes server `name` and its keychain secrets.
#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_remove(state: State<'_, AppState>, args: McpRemoveArgs) -> Result<(), IpcError> {
    let McpRemoveArgs { name } = args;
    let gateway = gateway(&state);
    gateway
        .mcp()
        .remove_server(&name)
        .await
        .map_err(ipc(gateway))
}

/// `mcp_import_preview` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct McpImportPreviewArgs {
    /// The file to read; `null` = Claude Desktop's config for this OS.
    pub path: Option<String>,
}

/// `mcp_import_preview`: what importing `path` (default: Claude Desktop's config) would add.
#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_import_preview(
    state: State<'_, AppState>,
    args: McpImportPreviewArgs,
) -> Result<Redacted<McpImportPreview>, IpcError> {
    let McpImportPreviewArgs { path } = args;
    let gateway = gateway(&state);
    let path = import_path(path).map_err(|e| e.redacted(gateway.keys().redactor()))?;
    let candidates = gateway.mcp().import_preview(&path).map_err(ipc(gateway))?;
    let preview = McpImportPreview {
        path: path.display().to_string(),
        servers: candidates
            .into_iter()
            .map(|c| McpImportItem {
                secret_names: c.server.secret_names().map(str::to_string).collect(),
                name: c.name,
                original_name: c.original_name,
                target: c.target,
                skipped: c.skipped,
            })
            .collect(),
    };
    Redacted::new(gateway, &preview)
}

/// `mcp_import` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct McpImportArgs {
    /// The file to read; `null` = Claude Desktop's config for this OS.
    pub path: Option<String>,
}

/// `mcp_import`: re-reads `path` and imports every server not skipped (disabled; secrets to
/// the keychain). Returns the names added.
#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_import(
    state: State<'_, AppState>,
    args: McpImportArgs,
) -> Result<Vec<String>, IpcError> {
    let McpImportArgs { path } = args;
    let gateway = gateway(&state);
    let path = import_path(path).map_err(|e| e.redacted(gateway.keys().redactor()))?;
    let candidates = gateway.mcp().import_preview(&path).map_err(ipc(gateway))?;
    gateway
        .mcp()
        .import(&candidates)
        .await
        .map_err(ipc(gateway))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdio_server_keeps_command_args_and_env() {
        let env = BTreeMap::from([("ROOT".to_string(), "/tmp".to_string())]);
        let server = stdio_server(" npx ", vec!["-y".into(), "pkg".into()], env).unwrap();
        assert_eq!(server.command.as_deref(), Some("npx"));
        assert_eq!(server.args, vec!["-y", "pkg"]);
        assert_eq!(server.env.get("ROOT").map(String::as_str), Some("/tmp"));
        assert!(server.enabled);
        assert_eq!(server.validate("everything"), Ok(()));
    }

    #[test]
    fn stdio_server_needs_a_command() {
        let err = stdio_server("  ", vec![], BTreeMap::new()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }
}
