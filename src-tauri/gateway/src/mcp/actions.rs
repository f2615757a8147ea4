//! What the CLI and the UI do to servers, each in one call: add (with secrets to the keychain),
//! remove (with its secrets), enable / disable, and import from Claude Desktop. Config edits go
//! through [`super::settings`]; the running servers follow at once.

use super::import::{claude_desktop_config_path, read_import_file, ImportCandidate};
use super::{settings, McpError, McpManager, McpServerConfig};
use crate::keys::Secret;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

impl McpManager {
    /// Adds server `name`: stores `secret_values` (by secret env var or header name) in the
    /// keychain first, then writes the config. Every secret name the server lists must have a
    /// value here.
    pub async fn add_server(
        &self,
        name: &str,
        server: &McpServerConfig,
        secret_values: &BTreeMap<String, Secret>,
    ) -> Result<(), McpError> {
        server
            .validate(name)
            .map_err(crate::config::ConfigError::Rejected)?;
        if self.inner().live.current().mcp.servers.contains_key(name) {
            return Err(McpError::Exists(name.to_string()));
        }
        for secret_name in server.secret_names() {
            let value = secret_values
                .get(secret_name)
                .ok_or_else(|| McpError::MissingSecret {
                    server: name.to_string(),
                    name: secret_name.to_string(),
                })?;
            self.inner().secrets.set(name, secret_name, value).await?;
        }
        settings::add_server(&self.inner().live, name, server)?;
        self.reconcile().await;
        Ok(())
    }

    /// Removes server `name` (it stops) and deletes its keychain secrets.
    pub async fn remove_server(&self, name: &str) -> Result<(), McpError> {
        let old = settings::remove_server(&self.inner().live, name)?;
        self.reconcile().await;
        self.inner()
            .secrets
            .delete_all(name, old.secret_names())
            .await
    }

    /// Switches server `name` on (it starts when servers are running) or off (it stops).
    pub async fn set_enabled(&self, name: &str, enabled: bool) -> Result<(), McpError> {
        settings::set_enabled(&self.inner().live, name, enabled)?;
        self.reconcile().await;
        Ok(())
    }

    /// The file an import reads: `file`, else Claude Desktop's config for this OS.
    pub fn import_path(file: Option<&Path>) -> Result<PathBuf, McpError> {
        match file {
            Some(path) => Ok(path.to_path_buf()),
            None => claude_desktop_config_path().ok_or_else(|| McpError::ImportRead {
                path: PathBuf::from("claude_desktop_config.json"),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no user config folder on this system; name the file",
                ),
            }),
        }
    }

    /// What importing `path` would add (and skip), without changing anything.
    pub fn import_preview(&self, path: &Path) -> Result<Vec<ImportCandidate>, McpError> {
        let existing: Vec<String> = self
            .inner()
            .live
            .current()
            .mcp
            .servers
            .keys()
            .cloned()
            .collect();
        read_import_file(path, &existing)
    }

    /// Imports `candidates` (from [`McpManager::import_preview`]): their secrets go to the
    /// keychain, then all of them are added, disabled, in one config edit. Returns the names
    /// added.
    pub async fn import(&self, candidates: &[ImportCandidate]) -> Result<Vec<String>, McpError> {
        let to_add: Vec<&ImportCandidate> =
            candidates.iter().filter(|c| c.skipped.is_none()).collect();
        for candidate in &to_add {
            for (secret_name, value) in &candidate.secrets {
                self.inner()
                    .secrets
                    .set(&candidate.name, secret_name, value)
                    .await?;
            }
        }
        let servers: Vec<(String, McpServerConfig)> = to_add
            .iter()
            .map(|c| {
                let mut server = c.server.clone();
                server.enabled = false;
                (c.name.clone(), server)
            })
            .collect();
        if !servers.is_empty() {
            settings::add_servers(&self.inner().live, &servers)?;
        }
        Ok(servers.into_iter().map(|(name, _)| name).collect())
    }
}
