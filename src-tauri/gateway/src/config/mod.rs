//! `config.toml`: typed settings with defaults, the commented template written on first run, and
//! comment-preserving edits (see [`edit`]).
//!
//! Each domain owns its section type in its own file here; this file only assembles them.

pub mod edit;
mod live;
mod personal;
mod providers;
mod template;
mod tools;
pub mod watch;

pub use live::LiveConfig;
pub use personal::{CalendarConfig, EmailConfig, SendVia, SmtpConfig, SmtpSecurity};
pub use providers::{Price, ProviderConfig, ProviderKind};
pub use tools::{PermissionsConfig, ToolsConfig};
pub use watch::ConfigWatcher;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Errors loading or saving the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Reading or writing the file failed.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not match the expected shape.
    #[error("{path} is invalid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column where known.
        message: String,
    },
    /// A requested change is not allowed.
    #[error("{0}")]
    Rejected(String),
}

/// The whole configuration. Every field has a default, so an empty file is valid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// General behaviour.
    pub general: GeneralConfig,
    /// The local API server.
    pub server: ServerConfig,
    /// The personal context folder.
    pub context: ContextConfig,
    /// Configured providers, by id.
    pub providers: BTreeMap<String, ProviderConfig>,
    /// Price table overrides, by model name (USD per million tokens).
    pub prices: BTreeMap<String, Price>,
    /// Tool settings (roots, timeouts, which optional tools are enabled).
    pub tools: ToolsConfig,
    /// Per-tool permissions and argument-scoped rules.
    pub permissions: PermissionsConfig,
    /// MCP servers (`[mcp]`, `[mcp.servers.NAME]`).
    pub mcp: crate::mcp::McpConfig,
    /// The user's calendars (`calendar.*` tools).
    pub calendar: CalendarConfig,
    /// The user's mail folders and outgoing account (`email.*` tools).
    pub email: EmailConfig,
    /// Sections owned by later features (mcp), kept verbatim until parsed.
    #[serde(flatten)]
    pub extra: BTreeMap<String, toml::Value>,
}

/// `[general]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeneralConfig {
    /// The model used when none is named, as `PROVIDER_ID/MODEL`.
    pub default_model: Option<String>,
    /// System prompt placed before the personal context.
    pub system_prompt: Option<String>,
    /// Maximum model calls in one agent turn.
    pub max_steps: u32,
    /// Seconds an approval request waits before it counts as denied.
    pub approval_timeout_secs: u64,
    /// Closing the main window keeps Hearth running in the tray.
    pub close_to_tray: bool,
    /// Days the action log is kept (0 = forever).
    pub log_retention_days: u32,
}

impl Default for GeneralConfig {
    fn default() -> Self {
        GeneralConfig {
            default_model: None,
            system_prompt: None,
            max_steps: 16,
            approval_timeout_secs: 300,
            close_to_tray: true,
            log_retention_days: 365,
        }
    }
}

/// `[server]`: the local OpenAI/Anthropic-compatible API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Whether the desktop app also runs the local API.
    pub enabled: bool,
    /// Address to listen on.
    pub listen: String,
    /// Extra Host header names accepted besides loopback ones (DNS-rebinding defence).
    pub allowed_hosts: Vec<String>,
    /// Origins allowed by CORS (none by default: no CORS).
    pub cors_origins: Vec<String>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Requests per minute per token.
    pub rate_limit_per_minute: u32,
    /// Model aliases: `alias = "PROVIDER_ID/MODEL"`.
    pub aliases: BTreeMap<String, String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            enabled: false,
            listen: "127.0.0.1:8765".into(),
            allowed_hosts: Vec::new(),
            cors_origins: Vec::new(),
            max_body_bytes: 8 * 1024 * 1024,
            rate_limit_per_minute: 600,
            aliases: BTreeMap::new(),
        }
    }
}

/// `[context]`: personal context loaded into every system prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContextConfig {
    /// The folder of `*.md` files (default: `<data dir>/context`).
    pub folder: Option<PathBuf>,
    /// The most bytes of context added to a system prompt.
    pub budget_bytes: usize,
}

impl Default for ContextConfig {
    fn default() -> Self {
        ContextConfig {
            folder: None,
            budget_bytes: 32 * 1024,
        }
    }
}

impl Config {
    /// Parses configuration text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string().trim().to_string(),
        })?;
        config.validate().map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(config)
    }

    /// Loads `path`, first writing the commented default template (0600) if it does not exist.
    pub fn load_or_init(path: &Path) -> Result<Config, ConfigError> {
        let io = |source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        };
        if !path.exists() {
            crate::paths::write_private_atomic(path, template::DEFAULT_CONFIG.as_bytes())
                .map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Config::parse(&text, path)
    }

    /// Checks cross-field rules that serde cannot express.
    fn validate(&self) -> Result<(), String> {
        for (id, provider) in &self.providers {
            providers::validate_id(id)?;
            provider.validate(id)?;
        }
        self.calendar.validate()?;
        self.email.validate()?;
        self.mcp.validate()?;
        if let Some(model) = &self.general.default_model {
            if !model.contains('/') {
                return Err(format!(
                    "general.default_model must be PROVIDER_ID/MODEL, got '{model}'"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_to_the_defaults() {
        let config = Config::parse(template::DEFAULT_CONFIG, Path::new("config.toml")).unwrap();
        assert_eq!(config.server, ServerConfig::default());
        assert_eq!(config.general, GeneralConfig::default());
        assert!(config.providers.is_empty());
    }

    #[test]
    fn first_load_writes_a_private_commented_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let config = Config::load_or_init(&path).unwrap();
        assert_eq!(config.server.listen, "127.0.0.1:8765");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# "), "template should be commented");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let err = Config::parse("[server]\nlisten = 5\n", Path::new("/x/config.toml")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/x/config.toml"), "{text}");
        assert!(text.contains("listen"), "{text}");
    }

    #[test]
    fn unknown_keys_in_known_sections_are_rejected() {
        assert!(Config::parse("[server]\nlisen = \"x\"\n", Path::new("c")).is_err());
    }

    #[test]
    fn providers_parse() {
        let config = Config::parse(
            "[providers.local]\nkind = \"openai-compatible\"\nbase_url = \"http://127.0.0.1:11434/v1\"\nmodels = [\"llama3\"]\n",
            Path::new("c"),
        )
        .unwrap();
        let local = &config.providers["local"];
        assert_eq!(local.kind, ProviderKind::OpenAiCompatible);
        assert_eq!(local.models, vec!["llama3".to_string()]);
    }
}
