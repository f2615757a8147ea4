//! `hearth mcp list|add|remove|enable|disable|import|tools`: MCP servers as Hearth tool sources.

use anyhow::Context;
use hearth_gateway::config::LiveConfig;
use hearth_gateway::events::EventBus;
use hearth_gateway::keys::{Keychain, Redactor, Secret};
use hearth_gateway::mcp::import::ImportCandidate;
use hearth_gateway::mcp::{McpManager, McpSecrets, McpServerConfig, ServerState, ServerStatus};
use hearth_gateway::paths::DataDir;
use hearth_gateway::tools::ToolRegistry;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// `hearth mcp ...`
#[derive(Debug, clap::Args)]
pub struct McpArgs {
    #[command(subcommand)]
    command: McpCommand,
}

#[derive(Debug, clap::Subcommand)]
enum McpCommand {
    /// List the configured servers with their status. Enabled servers are started briefly (all
    /// at once, each bounded by mcp.start_timeout_secs) to report whether they run and how many
    /// tools they offer; --no-start reports from the config only.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Do not start anything: report config-only status (enabled / disabled).
        #[arg(long)]
        no_start: bool,
    },
    /// Add a server: `hearth mcp add NAME -- COMMAND [ARGS...]` or `hearth mcp add NAME --url URL`.
    Add {
        /// Its name: the SERVER in SERVER.TOOL (letters, digits, '_' or '-').
        name: String,
        /// A Streamable HTTP endpoint instead of a command.
        #[arg(long, conflicts_with = "command")]
        url: Option<String>,
        /// An environment variable for the command, NAME=VALUE (repeatable; not for secrets).
        #[arg(long = "env", value_name = "NAME=VALUE", value_parser = parse_pair)]
        env: Vec<(String, String)>,
        /// A secret environment variable: its value is taken from this shell's variable of the
        /// same name (or asked for) and kept in the keychain (repeatable).
        #[arg(long = "secret-env", value_name = "NAME")]
        secret_env: Vec<String>,
        /// An HTTP header, NAME=VALUE (repeatable; not for secrets).
        #[arg(long = "header", value_name = "NAME=VALUE", value_parser = parse_pair)]
        headers: Vec<(String, String)>,
        /// A secret HTTP header (e.g. Authorization): its value is asked for and kept in the
        /// keychain (repeatable).
        #[arg(long = "secret-header", value_name = "NAME")]
        secret_headers: Vec<String>,
        /// Working directory of the command.
        #[arg(long)]
        cwd: Option<PathBuf>,
        /// Add it switched off.
        #[arg(long)]
        disabled: bool,
        /// The command and its arguments, after `--`.
        #[arg(last = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Remove a server (and its secrets from the keychain).
    Remove {
        /// The server.
        name: String,
    },
    /// Switch a server on.
    Enable {
        /// The server.
        name: String,
    },
    /// Switch a server off.
    Disable {
        /// The server.
        name: String,
    },
    /// Import servers from Claude Desktop's claude_desktop_config.json (its standard location,
    /// or FILE of the same {"mcpServers": {...}} shape). Shows exactly what would run; servers
    /// are added DISABLED; secret-looking values go to the keychain, not config.toml.
    Import {
        /// The file (default: Claude Desktop's config for this OS).
        file: Option<PathBuf>,
        /// Only show what would be added.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Start a server and list its tools with their risk class.
    Tools {
        /// The server.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("expected NAME=VALUE, got '{text}'"))
}

/// Runs `hearth mcp ...`.
pub fn run(data_dir: DataDir, args: McpArgs) -> anyhow::Result<ExitCode> {
    data_dir.ensure()?;
    let live = LiveConfig::load(&data_dir.config_path(), EventBus::default())
        .context("cannot read the configuration")?;
    let redactor = Redactor::new();
    // Servers' stderr lines and failures go to the log files, not the terminal.
    let _logs = hearth_gateway::logging::init(&data_dir.logs_dir(), false, &redactor);
    let secrets = McpSecrets::new(Keychain::default(), redactor);
    let runtime = super::runtime()?;
    runtime.block_on(dispatch(live, secrets, args.command))
}

async fn dispatch(
    live: LiveConfig,
    secrets: McpSecrets,
    command: McpCommand,
) -> anyhow::Result<ExitCode> {
    // Not started: commands that only change settings run no server.
    let manager = McpManager::new(live, ToolRegistry::new(), secrets);
    match command {
        McpCommand::List { json, no_start } => {
            if !no_start {
                manager.ensure_started().await;
            }
            let statuses = manager.statuses();
            manager.shutdown().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&statuses)?);
            } else if statuses.is_empty() {
                println!("no MCP servers (add one with `hearth mcp add NAME -- COMMAND` or `hearth mcp import`)");
            } else {
                for status in &statuses {
                    println!(
                        "{:<20} {:<8} {}",
                        status.name,
                        enabled_word(status),
                        state_text(&status.state)
                    );
                    println!("{:<20} {}", "", status.target);
                }
            }
        }
        McpCommand::Add {
            name,
            url,
            env,
            secret_env,
            headers,
            secret_headers,
            cwd,
            disabled,
            command,
        } => {
            let mut server = match (url, command.split_first()) {
                (Some(url), _) => McpServerConfig::http(url),
                (None, Some((program, args))) => McpServerConfig::stdio(program, args.to_vec()),
                (None, None) => anyhow::bail!(
                    "give a command after `--` (hearth mcp add NAME -- COMMAND [ARGS...]) or --url URL"
                ),
            };
            server.enabled = !disabled;
            server.env = env.into_iter().collect();
            server.headers = headers.into_iter().collect();
            server.secret_env = secret_env;
            server.secret_headers = secret_headers;
            server.cwd = cwd;
            server.validate(&name).map_err(anyhow::Error::msg)?;
            let mut values = BTreeMap::new();
            for var in &server.secret_env {
                let value = match std::env::var(var) {
                    Ok(value) if !value.is_empty() => Secret::new(value),
                    _ => ask_secret(&format!("value of {var} for {name}: "))?,
                };
                values.insert(var.clone(), value);
            }
            for header in &server.secret_headers {
                let value = ask_secret(&format!("value of header {header} for {name}: "))?;
                values.insert(header.clone(), value);
            }
            manager.add_server(&name, &server, &values).await?;
            let state = if server.enabled {
                "enabled"
            } else {
                "disabled"
            };
            println!("added MCP server {name} ({state}): {}", server.target());
        }
        McpCommand::Remove { name } => {
            manager.remove_server(&name).await?;
            println!("removed MCP server {name}");
        }
        McpCommand::Enable { name } => {
            manager.set_enabled(&name, true).await?;
            println!("enabled MCP server {name}");
        }
        McpCommand::Disable { name } => {
            manager.set_enabled(&name, false).await?;
            println!("disabled MCP server {name}");
        }
        McpCommand::Import {
            file,
            dry_run,
            json,
        } => {
            let path = McpManager::import_path(file.as_deref())?;
            let candidates = manager.import_preview(&path)?;
            let addable = candidates.iter().filter(|c| c.skipped.is_none()).count();
            if json {
                println!("{}", serde_json::to_string_pretty(&candidates)?);
            } else {
                println!("from {}:", path.display());
                for candidate in &candidates {
                    print_candidate(candidate);
                }
            }
            if dry_run || addable == 0 {
                if !json {
                    println!("nothing added{}", if dry_run { " (dry run)" } else { "" });
                }
                return Ok(ExitCode::SUCCESS);
            }
            let added = manager.import(&candidates).await?;
            if !json {
                println!(
                    "added {} server(s), all disabled: review them, then `hearth mcp enable NAME`",
                    added.len()
                );
            }
        }
        McpCommand::Tools { name, json } => {
            let status = manager.start_server(&name).await;
            manager.shutdown().await;
            let status = status?;
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                print_tools(&status);
            }
            if !matches!(status.state, ServerState::Running { .. }) {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn enabled_word(status: &ServerStatus) -> &'static str {
    if status.enabled {
        "enabled"
    } else {
        "disabled"
    }
}

fn state_text(state: &ServerState) -> String {
    match state {
        ServerState::Disabled => "disabled".to_string(),
        ServerState::Stopped => "not started".to_string(),
        ServerState::Starting => "starting".to_string(),
        ServerState::Running { tool_count } => format!("running, {tool_count} tool(s)"),
        // A one-shot command retries nothing: the reason is what matters here.
        ServerState::Failed { reason, .. } => format!("failed: {reason}"),
    }
}

fn print_tools(status: &ServerStatus) {
    match &status.state {
        ServerState::Running { .. } => {
            if let Some(info) = &status.server_info {
                println!("{} ({info})", status.name);
            }
            for tool in &status.tools {
                let description = tool.description.lines().next().unwrap_or("");
                println!("{:<40} {:<8} {description}", tool.name, tool.risk.as_str());
            }
        }
        other => println!("{}: {}", status.name, state_text(other)),
    }
}

fn print_candidate(candidate: &ImportCandidate) {
    let server = &candidate.server;
    match &candidate.skipped {
        Some(reason) => println!("  {} — skipped: {reason}", candidate.original_name),
        None => println!("  {} (disabled)", candidate.name),
    }
    println!("      runs: {}", candidate.target);
    if let Some(cwd) = &server.cwd {
        println!("      in: {}", cwd.display());
    }
    if !server.env.is_empty() {
        let names: Vec<&str> = server.env.keys().map(String::as_str).collect();
        println!("      env: {}", names.join(", "));
    }
    if !server.secret_env.is_empty() {
        println!(
            "      secret env (moved to the keychain): {}",
            server.secret_env.join(", ")
        );
    }
    if !server.headers.is_empty() {
        let names: Vec<&str> = server.headers.keys().map(String::as_str).collect();
        println!("      headers: {}", names.join(", "));
    }
    if !server.secret_headers.is_empty() {
        println!(
            "      secret headers (moved to the keychain): {}",
            server.secret_headers.join(", ")
        );
    }
}

/// Reads a secret from the terminal without echo, or one line from piped stdin.
fn ask_secret(prompt: &str) -> anyhow::Result<Secret> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    anyhow::ensure!(!text.is_empty(), "no value given");
    Ok(Secret::new(text))
}
