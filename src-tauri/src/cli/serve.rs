//! `hearth serve`: the gateway headless — no window, no GTK — with the local API on loopback.

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
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(data_dir: DataDir, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let gateway = Gateway::open(data_dir)?;
    let _logs = logging::init(&gateway.data_dir().logs_dir(), true);
    let listen = args
        .listen
        .unwrap_or_else(|| gateway.config().server.listen.clone());
    super::runtime()?.block_on(async move {
        let (listener, addr) = server::bind(&listen).await?;
        println!("listening on http://{addr}");
        std::io::stdout().flush().ok();
        tracing::info!(%addr, data_dir = %gateway.data_dir().root().display(), "serving");
        server::serve(listener, server::router(), shutdown_signal())
            .await
            .context("server failed")?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Resolves on the first SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
