//! The command line (clap): the headless face of the same gateway core. One file per
//! subcommand group.

mod chat;
mod doctor;
mod history;
mod key;
mod log;
mod mcp;
mod provider;
mod serve;
mod token;
mod tool;

use clap::{Parser, Subcommand};
use hearth_gateway::paths::DataDir;
use std::path::PathBuf;
use std::process::ExitCode;

/// Hearth: own the agent layer, rent the intelligence.
#[derive(Debug, Parser)]
#[command(name = "hearth", version, about, long_about = None)]
pub struct Cli {
    /// Data directory (default: $HEARTH_HOME, else the OS app-data dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands; none opens the desktop app.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway headless with the local API on loopback.
    Serve(serve::ServeArgs),
    /// Local API client tokens: create, list, revoke.
    Token(token::TokenArgs),
    /// Check the installation for unsafe settings and explain each finding.
    Doctor(doctor::DoctorArgs),
    /// Provider keys in the OS keychain: set, status, delete, confirm-host.
    Key(key::KeyArgs),
    /// The action log: list, follow, verify.
    Log(log::LogArgs),
    /// Conversation history: list, show, search, export, import, delete.
    History(history::HistoryArgs),
    /// Chat from the terminal: one agent turn, streamed to stdout.
    Chat(chat::ChatArgs),
    /// Model providers: add, list, remove, test.
    Provider(provider::ProviderArgs),
    /// Tools and their permissions: list, set, rule add/remove, pause, resume.
    Tool(tool::ToolArgs),
    /// MCP servers as tool sources: list, add, remove, enable, disable, import, tools.
    Mcp(mcp::McpArgs),
}

/// Parses the command line and runs it; errors become one clear line on stderr.
pub fn main() -> ExitCode {
    // Everything Hearth writes (database, logs, exports) is private to the user.
    #[cfg(unix)]
    unsafe {
        libc::umask(0o077);
    }
    let cli = Cli::parse();
    let data_dir = match DataDir::resolve(cli.data_dir.as_deref()) {
        Ok(dir) => dir,
        Err(e) => return fail(&e.into()),
    };
    let result = match cli.command {
        None => open_desktop(data_dir),
        Some(Command::Serve(args)) => serve::run(data_dir, args),
        Some(Command::Token(args)) => token::run(data_dir, args),
        Some(Command::Doctor(args)) => doctor::run(data_dir, args),
        Some(Command::Key(args)) => key::run(data_dir, args),
        Some(Command::Log(args)) => log::run(data_dir, args),
        Some(Command::History(args)) => history::run(data_dir, args),
        Some(Command::Chat(args)) => chat::run(data_dir, args),
        Some(Command::Provider(args)) => provider::run(data_dir, args),
        Some(Command::Tool(args)) => tool::run(data_dir, args),
        Some(Command::Mcp(args)) => mcp::run(data_dir, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => fail(&e),
    }
}

/// `hearth` with no subcommand: opens the desktop app.
#[cfg(feature = "desktop")]
fn open_desktop(data_dir: DataDir) -> anyhow::Result<ExitCode> {
    crate::desktop::run(data_dir)
}

/// `hearth` with no subcommand in a headless build: says so and exits with status 2.
#[cfg(not(feature = "desktop"))]
fn open_desktop(_data_dir: DataDir) -> anyhow::Result<ExitCode> {
    eprintln!(
        "hearth: this build is headless (built without the `desktop` feature) and cannot open \
         the desktop app; use a subcommand such as `hearth serve` or `hearth chat` \
         (`hearth --help` lists them)"
    );
    Ok(ExitCode::from(2))
}

/// Prints an error (with its causes on one line) and returns the failure exit code.
fn fail(error: &anyhow::Error) -> ExitCode {
    eprintln!("hearth: {}", error_line(error));
    ExitCode::FAILURE
}

/// An error and its causes joined on one line.
pub fn error_line(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// A multi-threaded Tokio runtime for headless commands.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// A runtime on the calling thread only, for `hearth serve`: the local API is I/O bound (about
/// 0.1 ms of CPU per request), and on a desktop's few cores waking a second worker thread for
/// each hand-off between tasks costs more latency than it buys. Blocking work still goes to
/// the blocking pool (`spawn_blocking`), as it must on any runtime.
pub fn single_thread_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[cfg(not(feature = "desktop"))]
    #[test]
    fn a_headless_build_refuses_to_open_the_desktop_with_status_2() {
        let dir = tempfile::tempdir().unwrap();
        let code = open_desktop(DataDir::at(dir.path())).unwrap();
        assert_eq!(code, ExitCode::from(2));
    }

    #[test]
    fn data_dir_is_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from(["hearth", "serve", "--data-dir", "/tmp/x"]).unwrap();
        assert_eq!(
            cli.data_dir.as_deref(),
            Some(std::path::Path::new("/tmp/x"))
        );
    }
}
