//! `hearth doctor`: checks the installation for unsafe settings and explains each finding —
//! the keychain, file permissions, the local API's listen address and tokens, providers using
//! environment-variable keys, and tools allowed to execute or send without asking. Exits
//! non-zero when something is unsafe. `--json` prints the findings as JSON.

use anyhow::Context;
use hearth_gateway::config::LiveConfig;
use hearth_gateway::events::EventBus;
use hearth_gateway::keys::Keychain;
use hearth_gateway::paths::DataDir;
use hearth_gateway::policy::{list_tools, Decision};
use hearth_gateway::server::TokenStore;
use hearth_gateway::store::Store;
use hearth_gateway::tools::{builtin_registry, Risk};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `hearth doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Fine.
    Ok,
    /// Worth knowing; not unsafe by itself.
    Warn,
    /// Unsafe: fix it (the exit status is non-zero).
    Unsafe,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What was checked.
    pub check: String,
    /// How serious.
    pub level: Level,
    /// What was found and what to do.
    pub detail: String,
}

fn finding(check: &str, level: Level, detail: impl Into<String>) -> Finding {
    Finding {
        check: check.into(),
        level,
        detail: detail.into(),
    }
}

/// Runs `hearth doctor`.
pub fn run(data_dir: DataDir, args: DoctorArgs) -> anyhow::Result<ExitCode> {
    data_dir.ensure()?;
    let live = LiveConfig::load(&data_dir.config_path(), EventBus::default())
        .context("cannot read the configuration")?;
    let store = Store::open(&data_dir.db_path()).context("cannot open the database")?;
    let runtime = super::runtime()?;
    let mut findings = Vec::new();
    findings.push(runtime.block_on(keyring()));
    findings.extend(permissions(&data_dir));
    findings.extend(server(&live));
    findings.extend(runtime.block_on(tokens(&TokenStore::new(store))));
    findings.extend(providers(&live));
    findings.extend(tools(&live));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&findings)?);
    } else {
        for f in &findings {
            let mark = match f.level {
                Level::Ok => "ok    ",
                Level::Warn => "warn  ",
                Level::Unsafe => "UNSAFE",
            };
            println!("{mark} {}: {}", f.check, f.detail);
        }
    }
    let unsafe_found = findings.iter().any(|f| f.level == Level::Unsafe);
    Ok(if unsafe_found {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn keyring() -> Finding {
    let keychain = Keychain::default().with_timeout(Duration::from_secs(5));
    match keychain.get("hearth-doctor-probe").await {
        Ok(_) => finding("keyring", Level::Ok, "the OS keychain answers"),
        Err(error) => finding(
            "keyring",
            Level::Warn,
            format!("the OS keychain is not reachable ({error}); provider keys cannot be stored or read"),
        ),
    }
}

#[cfg(unix)]
fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn mode_of(_path: &Path) -> Option<u32> {
    None
}

fn permissions(data_dir: &DataDir) -> Vec<Finding> {
    let root = data_dir.root();
    let mut checked = vec![(root.to_path_buf(), true), (data_dir.logs_dir(), true)];
    for name in [
        "config.toml",
        "hearth.db",
        "hearth.db-wal",
        "hearth.db-shm",
        "hearth.db-actions.0",
        "hearth.db-actions.1",
        "keys.json",
    ] {
        checked.push((root.join(name), false));
    }
    let mut open = Vec::new();
    for (path, _dir) in &checked {
        if let Some(mode) = mode_of(path) {
            if mode & 0o077 != 0 {
                open.push(format!("{} is {mode:o}", path.display()));
            }
        }
    }
    if open.is_empty() {
        vec![finding(
            "file permissions",
            Level::Ok,
            format!(
                "{} and its files are private to you (0700/0600)",
                root.display()
            ),
        )]
    } else {
        vec![finding(
            "file permissions",
            Level::Unsafe,
            format!(
                "readable by other users: {}. Fix: chmod 700 on directories, chmod 600 on files",
                open.join(", ")
            ),
        )]
    }
}

fn server(live: &LiveConfig) -> Vec<Finding> {
    let config = live.current();
    let listen = &config.server.listen;
    let mut out = Vec::new();
    match listen.parse::<std::net::SocketAddr>() {
        Ok(addr) if addr.ip().is_loopback() => out.push(finding(
            "local API",
            Level::Ok,
            format!("listens on {listen} (loopback only); every request needs a token"),
        )),
        Ok(_) => out.push(finding(
            "local API",
            Level::Unsafe,
            format!(
                "server.listen = {listen} is reachable from other machines (tokens are still required). \
                 Prefer 127.0.0.1 and an authenticated tunnel (README, \"Remote access\")"
            ),
        )),
        Err(_) => out.push(finding(
            "local API",
            Level::Warn,
            format!("server.listen = '{listen}' is not IP:PORT; `hearth serve` will refuse it"),
        )),
    }
    if !config.server.cors_origins.is_empty() {
        out.push(finding(
            "CORS",
            Level::Warn,
            format!(
                "web pages from {} may call the API (with a token)",
                config.server.cors_origins.join(", ")
            ),
        ));
    }
    if !config.server.allowed_hosts.is_empty() {
        out.push(finding(
            "allowed hosts",
            Level::Warn,
            format!(
                "besides loopback, Host names {} are accepted",
                config.server.allowed_hosts.join(", ")
            ),
        ));
    }
    out
}

async fn tokens(tokens: &TokenStore) -> Vec<Finding> {
    match tokens.list().await {
        Ok(list) if list.is_empty() => vec![finding(
            "API tokens",
            Level::Ok,
            "no tokens: no app can use the local API",
        )],
        Ok(list) => {
            let unlimited: Vec<String> = list
                .iter()
                .filter(|t| t.models.is_empty())
                .map(|t| t.name.clone())
                .collect();
            if unlimited.is_empty() {
                vec![finding(
                    "API tokens",
                    Level::Ok,
                    format!("{} token(s), each limited to model patterns", list.len()),
                )]
            } else {
                vec![finding(
                    "API tokens",
                    Level::Warn,
                    format!(
                        "token(s) without model limits (may use every configured model): {}. \
                         Recreate them with --models PATTERN to limit them",
                        unlimited.join(", ")
                    ),
                )]
            }
        }
        Err(error) => vec![finding(
            "API tokens",
            Level::Warn,
            format!("cannot read tokens: {error}"),
        )],
    }
}

fn providers(live: &LiveConfig) -> Vec<Finding> {
    let config = live.current();
    let env: Vec<String> = config
        .providers
        .iter()
        .filter_map(|(id, p)| p.key_env.as_ref().map(|var| format!("{id} (${var})")))
        .collect();
    if env.is_empty() {
        vec![finding(
            "provider keys",
            Level::Ok,
            "every provider key is in the OS keychain (or none is needed)",
        )]
    } else {
        vec![finding(
            "provider keys",
            Level::Warn,
            format!(
                "keys read from environment variables, visible to every process you run: {}. \
                 Prefer `hearth key set ID` (keychain)",
                env.join(", ")
            ),
        )]
    }
}

fn tools(live: &LiveConfig) -> Vec<Finding> {
    let registry = builtin_registry(live);
    let risky: Vec<String> = list_tools(live, &registry)
        .into_iter()
        .filter(|t| t.decision == Decision::Allow && matches!(t.risk, Risk::Execute | Risk::Send))
        .map(|t| format!("{} ({}: {})", t.name, t.risk.as_str(), t.reason))
        .collect();
    if risky.is_empty() {
        vec![finding(
            "tool permissions",
            Level::Ok,
            "no tool that runs programs or sends on your behalf is allowed without asking",
        )]
    } else {
        vec![finding(
            "tool permissions",
            Level::Unsafe,
            format!(
                "allowed without asking although they run programs or send on your behalf: {}. \
                 Fix: `hearth tool set NAME ask`",
                risky.join(", ")
            ),
        )]
    }
}
