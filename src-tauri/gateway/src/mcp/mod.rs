//! MCP: any Model Context Protocol server becomes a source of Hearth tools, under Hearth's
//! permissions and action log. Built on the official Rust SDK (`rmcp`).
//!
//! - [`config`] — `[mcp]` and `[mcp.servers.NAME]` (command + args + env + cwd, or url + headers;
//!   secret values only by name, in the keychain via [`secrets`]);
//! - [`client`] — connecting: stdio child processes (stderr captured line by line into the logs)
//!   and Streamable HTTP; initialization and protocol negotiation are rmcp's;
//! - [`tool`] — [`McpTool`]: one server tool as a Hearth [`crate::tools::Tool`] named
//!   `SERVER.TOOL`, its [`crate::tools::Risk`] from its annotations ([`naming`]), its results
//!   turned into text ([`content`]) and always marked untrusted (they taint the turn);
//! - [`manager`] — [`McpManager`]: starts enabled servers concurrently (at launch or on first
//!   use), keeps their tools in the shared registry, refreshes them on
//!   `notifications/tools/list_changed`, restarts dead servers with exponential backoff, and
//!   reports each server's [`ServerStatus`];
//! - [`settings`] — add / remove / enable / disable servers in `config.toml`; `actions.rs`
//!   wraps them as [`McpManager`] methods that also handle keychain secrets and the running set;
//! - [`import`] — Claude Desktop's `claude_desktop_config.json` → disabled servers.
//!
//! Invariant: one failing server never hides another's tools nor blocks startup — every server
//! runs in its own task and every start is bounded by `mcp.start_timeout_secs`.

mod actions;
pub mod client;
pub mod config;
pub mod content;
pub mod import;
pub mod manager;
pub mod naming;
pub mod secrets;
pub mod settings;
mod supervisor;
pub mod tool;

pub use config::{McpConfig, McpServerConfig, StartMode, TransportKind};
pub use manager::{McpManager, ServerState, ServerStatus, ToolSummary};
pub use secrets::McpSecrets;
pub use tool::McpTool;

use std::path::PathBuf;

/// Errors of the MCP client, its settings and imports.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    /// Reading or changing `config.toml` failed.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// No server of that name is configured.
    #[error("no MCP server named '{0}' (see `hearth mcp list`)")]
    UnknownServer(String),
    /// A server of that name is already configured.
    #[error("an MCP server named '{0}' already exists: remove it first")]
    Exists(String),
    /// The server is switched off.
    #[error("MCP server '{0}' is disabled: enable it first (`hearth mcp enable {0}`)")]
    Disabled(String),
    /// A keychain operation for a server secret failed.
    #[error("keychain entry mcp:{server}:{name}: {source}")]
    Keychain {
        /// The server.
        server: String,
        /// The variable or header.
        name: String,
        /// The keychain error.
        source: crate::keys::KeyError,
    },
    /// A secret named in the config is not in the keychain.
    #[error("the keychain has no value for {name} of MCP server '{server}' (keychain entry mcp:{server}:{name})")]
    MissingSecret {
        /// The server.
        server: String,
        /// The variable or header.
        name: String,
    },
    /// The command could not be started.
    #[error("cannot start `{command}`: {source}")]
    Spawn {
        /// The command.
        command: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A header name or value is not valid HTTP.
    #[error("invalid HTTP header '{0}'")]
    InvalidHeader(String),
    /// The server did not complete the MCP handshake.
    #[error("initialization failed: {0}")]
    Initialize(String),
    /// A request to the server failed.
    #[error("{what} failed: {message}")]
    Request {
        /// What was asked (`tools/list`).
        what: &'static str,
        /// The error.
        message: String,
    },
    /// The server did not answer in time.
    #[error("no answer to {what} within {secs} s")]
    Timeout {
        /// What was asked (`initialize`, `tools/list`).
        what: &'static str,
        /// The limit.
        secs: u64,
    },
    /// The import file could not be read.
    #[error("cannot read {path}: {source}")]
    ImportRead {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The import file is not an `mcpServers` JSON file.
    #[error("{path} is not a valid MCP servers file: {message}")]
    ImportParse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

#[cfg(test)]
mod agent_tests;
