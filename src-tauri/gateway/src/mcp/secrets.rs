//! Secret values of MCP servers (API tokens passed as environment variables, auth headers) in
//! the OS keychain: one entry per value, user `mcp:SERVER:NAME` under Hearth's service.
//!
//! Every value read or stored is registered with the shared [`Redactor`], so it is masked in
//! logs, errors and the action log like a provider key.

use super::McpError;
use crate::keys::{Keychain, Redactor, Secret};
use std::collections::BTreeMap;

/// Keychain access for MCP server secrets. Cheap to clone.
#[derive(Debug, Clone)]
pub struct McpSecrets {
    keychain: Keychain,
    redactor: Redactor,
}

/// The keychain user of one secret: `mcp:SERVER:NAME`.
pub fn entry_name(server: &str, name: &str) -> String {
    format!("mcp:{server}:{name}")
}

impl McpSecrets {
    /// Secrets in `keychain`, registered with `redactor`.
    pub fn new(keychain: Keychain, redactor: Redactor) -> Self {
        McpSecrets { keychain, redactor }
    }

    /// The redactor values are registered with.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Stores `value` as secret `name` of `server`.
    pub async fn set(&self, server: &str, name: &str, value: &Secret) -> Result<(), McpError> {
        self.redactor.add(value);
        self.keychain
            .set(&entry_name(server, name), value)
            .await
            .map_err(|source| McpError::Keychain {
                server: server.to_string(),
                name: name.to_string(),
                source,
            })
    }

    /// Secret `name` of `server`; an error when it is missing, naming the entry to create.
    pub async fn get(&self, server: &str, name: &str) -> Result<Secret, McpError> {
        let found = self
            .keychain
            .get(&entry_name(server, name))
            .await
            .map_err(|source| McpError::Keychain {
                server: server.to_string(),
                name: name.to_string(),
                source,
            })?;
        let secret = found.ok_or_else(|| McpError::MissingSecret {
            server: server.to_string(),
            name: name.to_string(),
        })?;
        self.redactor.add(&secret);
        Ok(secret)
    }

    /// Every secret in `names` of `server`, by name.
    pub async fn get_all<'a>(
        &self,
        server: &str,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<BTreeMap<String, Secret>, McpError> {
        let mut values = BTreeMap::new();
        for name in names {
            values.insert(name.to_string(), self.get(server, name).await?);
        }
        Ok(values)
    }

    /// Deletes the secrets in `names` of `server` (missing ones are fine).
    pub async fn delete_all<'a>(
        &self,
        server: &str,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), McpError> {
        for name in names {
            self.keychain
                .delete(&entry_name(server, name))
                .await
                .map_err(|source| McpError::Keychain {
                    server: server.to_string(),
                    name: name.to_string(),
                    source,
                })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_namespaced_by_server() {
        assert_eq!(
            entry_name("github", "GITHUB_TOKEN"),
            "mcp:github:GITHUB_TOKEN"
        );
    }
}
