//! Changing `[mcp.servers]` from the CLI and the UI: comment-preserving, validated edits of
//! `config.toml` through [`LiveConfig::edit`] (in force at once; the manager follows).

use super::config::{validate_server_name, McpServerConfig};
use super::McpError;
use crate::config::{edit::table_mut, ConfigError, LiveConfig};
use toml_edit::{DocumentMut, Item, Table};

/// `[mcp.servers]`, created if missing.
fn servers_table(doc: &mut DocumentMut) -> &mut Table {
    let mcp = table_mut(doc, "mcp");
    let item = mcp
        .entry("servers")
        .or_insert_with(|| Item::Table(Table::new()));
    if !item.is_table() {
        *item = Item::Table(Table::new());
    }
    match item.as_table_mut() {
        Some(table) => {
            table.set_implicit(true);
            table
        }
        None => unreachable!("just made a table"),
    }
}

/// `server` as a TOML table.
fn server_table(server: &McpServerConfig) -> Result<Table, ConfigError> {
    let text = toml::to_string(server).map_err(|e| ConfigError::Rejected(e.to_string()))?;
    let doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| ConfigError::Rejected(e.to_string()))?;
    Ok(doc.as_table().clone())
}

/// Adds servers; refuses the whole change when any name is taken or invalid.
pub fn add_servers(
    live: &LiveConfig,
    servers: &[(String, McpServerConfig)],
) -> Result<(), McpError> {
    let mut tables = Vec::new();
    for (name, server) in servers {
        validate_server_name(name).map_err(ConfigError::Rejected)?;
        tables.push((name.clone(), server_table(server)?));
    }
    let current = live.current();
    if let Some((name, _)) = servers
        .iter()
        .find(|(name, _)| current.mcp.servers.contains_key(name))
    {
        return Err(McpError::Exists(name.clone()));
    }
    live.edit(|doc| {
        let table = servers_table(doc);
        for (name, server) in tables {
            if table.contains_key(&name) {
                return Err(ConfigError::Rejected(format!(
                    "an MCP server named '{name}' already exists"
                )));
            }
            table.insert(&name, Item::Table(server));
        }
        Ok(())
    })?;
    Ok(())
}

/// Adds one server.
pub fn add_server(live: &LiveConfig, name: &str, server: &McpServerConfig) -> Result<(), McpError> {
    add_servers(live, &[(name.to_string(), server.clone())])
}

/// Removes server `name`, returning its settings (so its keychain secrets can be deleted).
pub fn remove_server(live: &LiveConfig, name: &str) -> Result<McpServerConfig, McpError> {
    let old = live
        .current()
        .mcp
        .servers
        .get(name)
        .cloned()
        .ok_or_else(|| McpError::UnknownServer(name.to_string()))?;
    live.edit(|doc| {
        servers_table(doc).remove(name);
        Ok(())
    })?;
    Ok(old)
}

/// Switches server `name` on or off.
pub fn set_enabled(live: &LiveConfig, name: &str, enabled: bool) -> Result<(), McpError> {
    if !live.current().mcp.servers.contains_key(name) {
        return Err(McpError::UnknownServer(name.to_string()));
    }
    live.edit(|doc| {
        let table = servers_table(doc);
        if let Some(server) = table.get_mut(name).and_then(Item::as_table_like_mut) {
            server.insert("enabled", toml_edit::value(enabled));
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventBus;

    #[test]
    fn servers_are_added_switched_and_removed_keeping_comments() {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveConfig::load(&dir.path().join("config.toml"), EventBus::default()).unwrap();
        let mut server =
            McpServerConfig::stdio("python3", vec!["-m".into(), "mcp_server_time".into()]);
        server.env.insert("TZ".into(), "UTC".into());
        add_server(&live, "time", &server).unwrap();
        assert_eq!(live.current().mcp.servers["time"], server);
        assert!(
            matches!(add_server(&live, "time", &server), Err(McpError::Exists(n)) if n == "time")
        );
        assert!(add_server(&live, "files", &server).is_err());
        set_enabled(&live, "time", false).unwrap();
        assert!(!live.current().mcp.servers["time"].enabled);
        assert!(matches!(
            set_enabled(&live, "nope", true),
            Err(McpError::UnknownServer(_))
        ));
        let text = std::fs::read_to_string(live.path()).unwrap();
        assert!(text.contains("# Hearth configuration."), "{text}");
        assert!(text.contains("[mcp.servers.time]"), "{text}");
        let removed = remove_server(&live, "time").unwrap();
        assert_eq!(removed.command.as_deref(), Some("python3"));
        assert!(live.current().mcp.servers.is_empty());
        assert!(remove_server(&live, "time").is_err());
    }
}
