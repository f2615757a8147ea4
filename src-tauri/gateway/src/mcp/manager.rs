//! [`McpManager`]: the enabled servers, each run by its own [`Supervisor`] task, their status,
//! and following config changes (a server enabled, disabled, edited or removed).
//!
//! Starting never blocks the caller longer than the start timeout, and servers start
//! concurrently: a hanging or crashing server only ever delays or hides itself.

use super::config::{McpServerConfig, StartMode, TransportKind};
use super::supervisor::{Runtime, Supervisor};
pub use super::supervisor::{ServerState, ToolSummary};
use super::{McpError, McpSecrets};
use crate::config::LiveConfig;
use crate::events::Event;
use crate::tools::ToolRegistry;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Extra time allowed on top of the start timeout before a waiter gives up.
const WAIT_SLACK: Duration = Duration::from_secs(2);

/// One server as the CLI and the UI show it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerStatus {
    /// The name (`SERVER` in `SERVER.TOOL`).
    pub name: String,
    /// Whether it is switched on.
    pub enabled: bool,
    /// stdio or http.
    pub transport: TransportKind,
    /// What runs: the command line or the URL.
    pub target: String,
    /// Where it is in its life.
    #[serde(flatten)]
    pub state: ServerState,
    /// The server's own name and version, once running.
    pub server_info: Option<String>,
    /// Its tools, once running.
    pub tools: Vec<ToolSummary>,
}

/// The MCP servers Hearth runs. Cheap to clone; every clone manages the same servers.
#[derive(Clone)]
pub struct McpManager {
    inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) live: LiveConfig,
    registry: ToolRegistry,
    pub(super) secrets: McpSecrets,
    /// Set once servers should run (launch, first use, or an explicit start).
    wanted: AtomicBool,
    /// Bumped after every status change of any server.
    changed: Arc<watch::Sender<u64>>,
    running: Mutex<BTreeMap<String, Running>>,
}

/// A server with a supervisor task.
struct Running {
    config: McpServerConfig,
    stop: CancellationToken,
    runtime: watch::Receiver<Runtime>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for McpManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpManager")
            .field("running", &self.running_names())
            .finish_non_exhaustive()
    }
}

impl McpManager {
    /// A manager that starts nothing until asked ([`McpManager::ensure_started`],
    /// [`McpManager::start_server`]).
    pub fn new(live: LiveConfig, registry: ToolRegistry, secrets: McpSecrets) -> Self {
        McpManager {
            inner: Arc::new(Inner {
                live,
                registry,
                secrets,
                wanted: AtomicBool::new(false),
                changed: Arc::new(watch::channel(0).0),
                running: Mutex::new(BTreeMap::new()),
            }),
        }
    }

    /// The manager the app runs: follows config changes, and with `start = "launch"` starts
    /// every enabled server in the background (returns at once). Needs a Tokio runtime.
    pub fn start(live: LiveConfig, registry: ToolRegistry, secrets: McpSecrets) -> Self {
        let manager = McpManager::new(live, registry, secrets);
        if tokio::runtime::Handle::try_current().is_err() {
            tracing::error!("MCP servers not started: no async runtime");
            return manager;
        }
        manager.follow_config();
        if manager.inner.live.current().mcp.start == StartMode::Launch {
            let launcher = manager.clone();
            tokio::spawn(async move { launcher.ensure_started().await });
        }
        manager
    }

    /// Starts every enabled server that is not running and waits (at most the start timeout,
    /// all servers at once) until each has either come up or failed. Returns at once when they
    /// have: call it before each agent turn so the model sees the tools (with `start =
    /// "first_use"` this is what starts them).
    pub async fn ensure_started(&self) {
        self.inner.wanted.store(true, Ordering::SeqCst);
        self.reconcile().await;
        let waiters: Vec<_> = self.lock().values().map(|r| r.runtime.clone()).collect();
        let limit = self.start_timeout() + WAIT_SLACK;
        futures::future::join_all(waiters.into_iter().map(|rx| wait_settled(rx, limit))).await;
    }

    /// Starts one enabled server (if not running) and waits until it is up or has failed.
    pub async fn start_server(&self, name: &str) -> Result<ServerStatus, McpError> {
        let config = self.server_config(name)?;
        if !config.enabled {
            return Err(McpError::Disabled(name.to_string()));
        }
        let rx = {
            let mut running = self.lock();
            if !running.contains_key(name) {
                running.insert(name.to_string(), self.spawn(name, config));
            }
            running.get(name).map(|r| r.runtime.clone())
        };
        if let Some(rx) = rx {
            wait_settled(rx, self.start_timeout() * 2 + WAIT_SLACK).await;
        }
        self.status(name)
            .ok_or_else(|| McpError::UnknownServer(name.to_string()))
    }

    /// Stops server `name` (if running) and starts it again; returns its status once it is up
    /// or has failed.
    pub async fn restart(&self, name: &str) -> Result<ServerStatus, McpError> {
        self.server_config(name)?;
        self.stop_server(name).await;
        self.start_server(name).await
    }

    /// Stops server `name` if it runs (its tools leave the registry).
    pub async fn stop_server(&self, name: &str) {
        let running = self.lock().remove(name);
        if let Some(running) = running {
            stop(running).await;
        }
    }

    /// Stops every server (before exit).
    pub async fn shutdown(&self) {
        self.inner.wanted.store(false, Ordering::SeqCst);
        let all: Vec<Running> = std::mem::take(&mut *self.lock()).into_values().collect();
        futures::future::join_all(all.into_iter().map(stop)).await;
    }

    /// A receiver that sees a change after every status change of any server, and after config
    /// changes that start or stop one: the desktop re-reads [`McpManager::statuses`] and sends
    /// them to the UI.
    pub fn watch_changes(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    /// Every configured server with its status, by name.
    pub fn statuses(&self) -> Vec<ServerStatus> {
        let config = self.inner.live.current();
        config
            .mcp
            .servers
            .iter()
            .map(|(name, server)| self.status_of(name, server))
            .collect()
    }

    /// The status of server `name`.
    pub fn status(&self, name: &str) -> Option<ServerStatus> {
        let config = self.inner.live.current();
        config
            .mcp
            .servers
            .get(name)
            .map(|server| self.status_of(name, server))
    }

    /// Brings the running servers in line with the config: stops removed, disabled and changed
    /// ones; starts enabled ones when servers are wanted.
    pub async fn reconcile(&self) {
        let config = self.inner.live.current();
        let wanted = self.inner.wanted.load(Ordering::SeqCst);
        let outdated: Vec<Running> = {
            let mut running = self.lock();
            let names: Vec<String> = running
                .iter()
                .filter(|(name, r)| {
                    let current = config.mcp.servers.get(*name);
                    !matches!(current, Some(now) if now.enabled && *now == r.config)
                })
                .map(|(name, _)| name.clone())
                .collect();
            names
                .into_iter()
                .filter_map(|name| running.remove(&name))
                .collect()
        };
        let stopped = !outdated.is_empty();
        futures::future::join_all(outdated.into_iter().map(stop)).await;
        if stopped {
            self.inner.changed.send_modify(|n| *n = n.wrapping_add(1));
        }
        if !wanted {
            return;
        }
        let mut running = self.lock();
        for (name, server) in &config.mcp.servers {
            if server.enabled && !running.contains_key(name) {
                running.insert(name.clone(), self.spawn(name, server.clone()));
            }
        }
    }

    fn status_of(&self, name: &str, server: &McpServerConfig) -> ServerStatus {
        let runtime = self.lock().get(name).map(|r| r.runtime.borrow().clone());
        let (state, server_info, tools) = match (server.enabled, runtime) {
            (false, _) => (ServerState::Disabled, None, Vec::new()),
            (true, None) => (ServerState::Stopped, None, Vec::new()),
            (true, Some(rt)) => (rt.state, rt.server_info, rt.tools),
        };
        ServerStatus {
            name: name.to_string(),
            enabled: server.enabled,
            transport: server.transport(),
            target: server.target(),
            state,
            server_info,
            tools,
        }
    }

    fn spawn(&self, name: &str, config: McpServerConfig) -> Running {
        let settings = self.inner.live.current().mcp.clone();
        let (tx, rx) = Supervisor::channel();
        let stop = CancellationToken::new();
        let supervisor = Supervisor {
            name: name.to_string(),
            config: config.clone(),
            registry: self.inner.registry.clone(),
            secrets: self.inner.secrets.clone(),
            start_timeout: Duration::from_secs(settings.start_timeout_secs),
            call_timeout: Duration::from_secs(settings.call_timeout_secs),
            result_cap: settings.result_cap_bytes,
            stop: stop.clone(),
            runtime: tx,
            changed: self.inner.changed.clone(),
        };
        tracing::info!(target: "hearth::mcp", server = %name, target = %config.target(), "starting MCP server");
        Running {
            config,
            stop,
            runtime: rx,
            task: tokio::spawn(supervisor.run()),
        }
    }

    /// Reconciles after every accepted config change, for as long as the manager lives.
    fn follow_config(&self) {
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let mut events = self.inner.live.bus().subscribe_config_reloads();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(Event::ConfigReloaded { error: None })
                    | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let Some(inner) = weak.upgrade() else { return };
                        McpManager { inner }.reconcile().await;
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }

    pub(super) fn inner(&self) -> &Inner {
        &self.inner
    }

    fn server_config(&self, name: &str) -> Result<McpServerConfig, McpError> {
        self.inner
            .live
            .current()
            .mcp
            .servers
            .get(name)
            .cloned()
            .ok_or_else(|| McpError::UnknownServer(name.to_string()))
    }

    fn start_timeout(&self) -> Duration {
        Duration::from_secs(self.inner.live.current().mcp.start_timeout_secs)
    }

    fn running_names(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Running>> {
        self.inner.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Waits until the server is no longer starting (or `limit` passes).
async fn wait_settled(mut rx: watch::Receiver<Runtime>, limit: Duration) {
    let settled = rx.wait_for(|rt| rt.state != ServerState::Starting);
    let _ = tokio::time::timeout(limit, settled).await;
}

/// Stops a supervisor and waits for it (its tools leave the registry, its process ends).
async fn stop(running: Running) {
    running.stop.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(10), running.task).await;
}

#[cfg(test)]
#[path = "manager_tests.rs"]
mod tests;
