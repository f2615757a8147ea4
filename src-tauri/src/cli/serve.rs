//! `hearth serve`: the gateway headless — no window, no GTK — with the local API
//! (OpenAI- and Anthropic-compatible, token-authenticated) on loopback. A non-loopback
//! `--listen` is refused unless `--allow-remote` is also given; auth is never off.

use anyhow::Context;
use hearth_gateway::paths::DataDir;
use hearth_gateway::{logging, server, Gateway};
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `hearth serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port). Default: `server.listen` from
    /// config.toml (127.0.0.1:8765).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Allow a non-loopback --listen address (other machines can then reach the API; tokens
    /// are still required). Prefer an authenticated tunnel: see README, "Remote access".
    #[arg(long)]
    pub allow_remote: bool,
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(data_dir: DataDir, args: ServeArgs) -> anyhow::Result<ExitCode> {
    // The gateway starts background tasks (MCP servers, maintenance): open it in the runtime.
    let runtime = super::single_thread_runtime()?;
    let _context = runtime.enter();
    let gateway = Gateway::open(data_dir)?;
    gateway.start_maintenance();
    let _logs = logging::init(
        &gateway.data_dir().logs_dir(),
        true,
        gateway.keys().redactor(),
    );
    let listen = args
        .listen
        .unwrap_or_else(|| gateway.config().server.listen.clone());
    runtime.block_on(async move {
        // Register the signal handlers before announcing readiness, so a signal sent right
        // after the "listening" line still shuts down cleanly.
        let shutdown = shutdown_signal()?;
        let (listener, addr) = server::bind(&listen, args.allow_remote).await?;
        if !addr.ip().is_loopback() {
            eprintln!(
                "hearth: warning: listening on {addr}, reachable from other machines (tokens are still required)"
            );
        }
        println!("listening on http://{addr}");
        std::io::stdout().flush().ok();
        tracing::info!(%addr, data_dir = %gateway.data_dir().root().display(), "serving");
        server::run(gateway, listener, shutdown)
            .await
            .context("server failed")?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// A future resolving on the first SIGINT or SIGTERM; the handlers are installed at once.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}

/// A future resolving on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
