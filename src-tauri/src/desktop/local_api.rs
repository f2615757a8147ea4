//! The local API inside the desktop app (the same server as `hearth serve`, loopback only). It
//! follows the configuration live: when `server.enabled` or `server.listen` change (from the
//! settings window, the CLI or a hand edit of `config.toml`), the running server is shut down
//! gracefully and started again on the new address, or not at all. The other `[server]` settings
//! are read per request and need no restart.

use hearth_gateway::config::Config;
use hearth_gateway::events::Event;
use hearth_gateway::server;
use hearth_gateway::Gateway;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long in-flight requests (a streamed answer, say) may run on after a shutdown before their
/// connections are cut so the new server can start.
const GRACE: Duration = Duration::from_secs(5);

/// Runs the local API in the background for as long as the app runs, following the
/// configuration. A failure (port taken, bad address) is logged and shown in the window; the app
/// keeps running, and the next change of the setting tries again.
pub fn start_if_enabled(gateway: &Gateway) {
    tauri::async_runtime::spawn(follow_config(gateway.clone()));
}

/// The address the local API should listen on, or `None` when it is off.
fn wanted_address(config: &Config) -> Option<String> {
    config.server.enabled.then(|| config.server.listen.clone())
}

/// A server started by [`start`].
struct Running {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// Keeps the local API in the state the configuration asks for until the bus closes.
pub async fn follow_config(gateway: Gateway) {
    // Subscribed before the first look at the configuration, so no change is missed.
    let mut events = gateway.bus().subscribe_config_reloads();
    let mut in_force: Option<String> = None;
    let mut running: Option<Running> = None;
    loop {
        let wanted = wanted_address(&gateway.config());
        if wanted != in_force {
            if let Some(server) = running.take() {
                stop(server).await;
            }
            running = match &wanted {
                Some(address) => start(&gateway, address).await,
                None => None,
            };
            in_force = wanted;
        }
        loop {
            match events.recv().await {
                Ok(Event::ConfigReloaded { error: None }) | Err(RecvError::Lagged(_)) => break,
                Ok(_) => {}
                Err(RecvError::Closed) => {
                    if let Some(server) = running.take() {
                        stop(server).await;
                    }
                    return;
                }
            }
        }
    }
}

/// Binds `address` and serves on it in a task; on failure reports it and returns `None`.
async fn start(gateway: &Gateway, address: &str) -> Option<Running> {
    let (listener, bound) = match server::bind(address, false).await {
        Ok(bound) => bound,
        Err(error) => {
            report(gateway, &error);
            return None;
        }
    };
    tracing::info!(addr = %bound, "local API listening");
    let (shutdown, signal) = oneshot::channel::<()>();
    let serving = gateway.clone();
    let task = tokio::spawn(async move {
        let stopped = async move {
            // A dropped sender stops the server too.
            let _ = signal.await;
        };
        if let Err(error) = server::run(serving.clone(), listener, stopped).await {
            report(&serving, &error);
        }
    });
    Some(Running { shutdown, task })
}

/// Stops a server: no new connections at once, in-flight requests get [`GRACE`] to finish.
async fn stop(server: Running) {
    let Running { shutdown, mut task } = server;
    let _ = shutdown.send(());
    if tokio::time::timeout(GRACE, &mut task).await.is_err() {
        tracing::warn!("the local API's open requests were cut to apply the new setting");
        task.abort();
        let _ = task.await;
    }
    tracing::info!("local API stopped");
}

fn report(gateway: &Gateway, error: &server::ServerError) {
    tracing::error!(%error, "the local API is not running");
    gateway.bus().publish(Event::Error {
        conversation_id: None,
        message: format!("The local API is not running: {error}"),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_gateway::paths::DataDir;

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    async fn healthy(port: u16) -> bool {
        let client = reqwest::Client::new();
        match client
            .get(format!("http://127.0.0.1:{port}/health"))
            .timeout(Duration::from_secs(2))
            .send()
            .await
        {
            Ok(response) => response.status().is_success(),
            Err(_) => false,
        }
    }

    async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while !check().await {
            assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn set_server(gateway: &Gateway, enabled: bool, port: u16) {
        gateway
            .live_config()
            .edit(|doc| {
                doc["server"]["enabled"] = toml_edit::value(enabled);
                doc["server"]["listen"] = toml_edit::value(format!("127.0.0.1:{port}"));
                Ok(())
            })
            .unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_server_follows_the_setting_without_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let gateway = Gateway::open(DataDir::at(&dir.path().join("h"))).unwrap();
        let (first, second) = (free_port(), free_port());
        let follower = tokio::spawn(follow_config(gateway.clone()));

        set_server(&gateway, true, first);
        eventually("the API up on the first port", async || {
            healthy(first).await
        })
        .await;

        // A new address: the old listener closes, the new one answers.
        set_server(&gateway, true, second);
        eventually("the API moved to the second port", async || {
            healthy(second).await && !healthy(first).await
        })
        .await;

        // Turned off: nothing listens any more.
        set_server(&gateway, false, second);
        eventually("the API stopped", async || !healthy(second).await).await;
        assert!(!healthy(first).await);
        follower.abort();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_taken_port_is_reported_and_the_next_change_tries_again() {
        let dir = tempfile::tempdir().unwrap();
        let gateway = Gateway::open(DataDir::at(&dir.path().join("h"))).unwrap();
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let taken_port = taken.local_addr().unwrap().port();
        let mut events = gateway.bus().subscribe();
        let follower = tokio::spawn(follow_config(gateway.clone()));

        set_server(&gateway, true, taken_port);
        let message = tokio::time::timeout(Duration::from_secs(15), async {
            loop {
                if let Ok(Event::Error { message, .. }) = events.recv().await {
                    return message;
                }
            }
        })
        .await
        .expect("an error event");
        assert!(
            message.starts_with("The local API is not running"),
            "{message}"
        );

        let free = free_port();
        set_server(&gateway, true, free);
        eventually("the API up on a free port", async || healthy(free).await).await;
        follower.abort();
    }
}
