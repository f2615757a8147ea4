//! One server's life, in its own task: connect (bounded by the start timeout), list its tools
//! into the registry, follow `tools/list_changed`, and when it dies or fails to start, take its
//! tools out and try again after an exponential backoff (1 s, 2 s, 4 s … at most 5 min).

use super::client::{connect, Connection, Handler, ServerOutput};
use super::config::McpServerConfig;
use super::tool::McpTool;
use super::{McpError, McpSecrets};
use crate::tools::{Risk, Tool, ToolRegistry};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// The longest wait between restarts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// A server that stayed up this long starts its backoff afresh when it dies.
const STABLE_AFTER: Duration = Duration::from_secs(60);

/// Where a server is in its life.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ServerState {
    /// Switched off in config.
    Disabled,
    /// Enabled but not started yet (`start = "first_use"`, or a config-only listing).
    Stopped,
    /// Starting: process launched or URL contacted, handshake under way.
    Starting,
    /// Up, with this many tools in the registry.
    Running {
        /// Tools registered.
        tool_count: usize,
    },
    /// Not running, with the reason; retried after `retry_in_secs`.
    Failed {
        /// Why (the error, with the last stderr line when there is one).
        reason: String,
        /// Failed attempts in a row.
        attempts: u32,
        /// Seconds until the next attempt.
        retry_in_secs: u64,
    },
}

/// One MCP tool as the CLI and UI list it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolSummary {
    /// The registry name, `SERVER.TOOL`.
    pub name: String,
    /// The name on the server.
    pub remote_name: String,
    /// What it does.
    pub description: String,
    /// Its risk class (from its annotations).
    pub risk: Risk,
}

/// What a running supervisor publishes.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// The state.
    pub state: ServerState,
    /// The tools registered now.
    pub tools: Vec<ToolSummary>,
    /// The server's own name and version, from the handshake.
    pub server_info: Option<String>,
}

impl Runtime {
    fn starting() -> Self {
        Runtime {
            state: ServerState::Starting,
            tools: Vec::new(),
            server_info: None,
        }
    }
}

/// Everything one supervisor needs.
pub struct Supervisor {
    /// The server name.
    pub name: String,
    /// Its settings.
    pub config: McpServerConfig,
    /// The shared tool registry.
    pub registry: ToolRegistry,
    /// Keychain access for its secrets.
    pub secrets: McpSecrets,
    /// Bound on start (spawn + initialize) and on `tools/list`.
    pub start_timeout: Duration,
    /// Bound on each tool call.
    pub call_timeout: Duration,
    /// Largest result kept.
    pub result_cap: usize,
    /// Cancelled to stop the server for good.
    pub stop: CancellationToken,
    /// Where the state is published.
    pub runtime: watch::Sender<Runtime>,
    /// Told after every state change (for shells that show statuses live).
    pub changed: Arc<watch::Sender<u64>>,
}

/// The delay before attempt `attempts + 1`: 1 s doubling, at most [`MAX_BACKOFF`].
pub fn backoff(attempts: u32) -> Duration {
    let secs = 1u64 << attempts.saturating_sub(1).min(16);
    Duration::from_secs(secs).min(MAX_BACKOFF)
}

impl Supervisor {
    /// A fresh runtime channel for a supervisor.
    pub fn channel() -> (watch::Sender<Runtime>, watch::Receiver<Runtime>) {
        watch::channel(Runtime::starting())
    }

    fn publish(&self, runtime: Runtime) {
        self.runtime.send_replace(runtime);
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Runs until `stop` is cancelled.
    pub async fn run(self) {
        let output = ServerOutput::default();
        let mut attempts = 0u32;
        loop {
            self.publish(Runtime::starting());
            output.clear();
            let started = Instant::now();
            let reason = match self.serve_once(&output).await {
                Outcome::Stopped => return,
                Outcome::Ended(reason) => {
                    if started.elapsed() > STABLE_AFTER {
                        attempts = 0;
                    }
                    reason
                }
            };
            attempts += 1;
            let delay = backoff(attempts);
            tracing::warn!(target: "hearth::mcp", server = %self.name, %reason, attempts, retry_in_secs = delay.as_secs(), "MCP server is not running");
            self.publish(Runtime {
                state: ServerState::Failed {
                    reason,
                    attempts,
                    retry_in_secs: delay.as_secs(),
                },
                tools: Vec::new(),
                server_info: None,
            });
            tokio::select! {
                _ = self.stop.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// One connection, from start to end.
    async fn serve_once(&self, output: &ServerOutput) -> Outcome {
        let (changed_tx, mut changed_rx) = mpsc::unbounded_channel();
        let start = async {
            let connection = tokio::time::timeout(
                self.start_timeout,
                connect(
                    &self.name,
                    &self.config,
                    &self.secrets,
                    Handler::new(changed_tx),
                    output.clone(),
                ),
            )
            .await
            .map_err(|_| McpError::Timeout {
                what: "initialize",
                secs: self.start_timeout.as_secs(),
            })??;
            let tools = self.list_tools(&connection.0).await?;
            Ok::<_, McpError>((connection, tools))
        };
        let started = tokio::select! {
            _ = self.stop.cancelled() => return Outcome::Stopped,
            started = start => started,
        };
        let ((connection, _child_guard), tools) = match started {
            Ok(started) => started,
            Err(error) => return Outcome::Ended(output.explain(&error.to_string())),
        };
        let server_info = connection
            .peer()
            .peer_info()
            .and_then(|info| info.server_info.clone())
            .map(|i| format!("{} {}", i.name, i.version));
        let mut registered = self.register(&connection, &tools);
        self.publish_running(&registered, server_info.clone());
        tracing::info!(target: "hearth::mcp", server = %self.name, tools = registered.len(), "MCP server running");
        let close = connection.cancellation_token();
        let peer = connection.peer().clone();
        let mut waiting = Box::pin(connection.waiting());
        let peer_alive = loop {
            tokio::select! {
                _ = self.stop.cancelled() => {
                    close.cancel();
                    let _ = waiting.await;
                    self.unregister(&registered);
                    return Outcome::Stopped;
                }
                Some(()) = changed_rx.recv() => {
                    tracing::info!(target: "hearth::mcp", server = %self.name, "tool list changed");
                    // The connection is owned by `waiting`; refresh through a peer clone.
                    match tokio::time::timeout(self.start_timeout, peer.list_all_tools()).await {
                        Ok(Ok(tools)) => {
                            self.unregister(&registered);
                            registered = self.register_with(&peer, &tools);
                            self.publish_running(&registered, server_info.clone());
                        }
                        Ok(Err(error)) => tracing::warn!(target: "hearth::mcp", server = %self.name, %error, "tools/list failed after list_changed"),
                        Err(_) => tracing::warn!(target: "hearth::mcp", server = %self.name, "tools/list timed out after list_changed"),
                    }
                }
                quit = &mut waiting => break quit,
            }
        };
        self.unregister(&registered);
        let reason = match peer_alive {
            Ok(rmcp::service::QuitReason::JoinError(e)) => format!("connection task failed: {e}"),
            Err(e) => format!("connection task failed: {e}"),
            Ok(_) => "the server closed the connection (exited)".to_string(),
        };
        Outcome::Ended(output.explain(&reason))
    }

    async fn list_tools(
        &self,
        connection: &Connection,
    ) -> Result<Vec<rmcp::model::Tool>, McpError> {
        match tokio::time::timeout(self.start_timeout, connection.peer().list_all_tools()).await {
            Err(_) => Err(McpError::Timeout {
                what: "tools/list",
                secs: self.start_timeout.as_secs(),
            }),
            Ok(Err(e)) => Err(McpError::Request {
                what: "tools/list",
                message: self.secrets.redactor().scrub_string(e.to_string()),
            }),
            Ok(Ok(tools)) => Ok(tools),
        }
    }

    fn register(&self, connection: &Connection, tools: &[rmcp::model::Tool]) -> Vec<Arc<McpTool>> {
        self.register_with(connection.peer(), tools)
    }

    /// Puts `tools` in the registry; a name already taken is skipped with a warning.
    fn register_with(
        &self,
        peer: &rmcp::Peer<rmcp::RoleClient>,
        tools: &[rmcp::model::Tool],
    ) -> Vec<Arc<McpTool>> {
        let mut registered = Vec::new();
        for tool in tools {
            let tool = Arc::new(McpTool::new(
                &self.name,
                tool,
                peer.clone(),
                self.call_timeout,
                self.result_cap,
            ));
            match self.registry.register(tool.clone()) {
                Ok(()) => registered.push(tool),
                Err(error) => {
                    tracing::warn!(target: "hearth::mcp", server = %self.name, %error, "MCP tool skipped")
                }
            }
        }
        registered
    }

    fn unregister(&self, tools: &[Arc<McpTool>]) {
        for tool in tools {
            self.registry.unregister(tool.name());
        }
    }

    fn publish_running(&self, tools: &[Arc<McpTool>], server_info: Option<String>) {
        let summaries = tools
            .iter()
            .map(|t| ToolSummary {
                name: t.name().to_string(),
                remote_name: t.remote_name().to_string(),
                description: t.description().to_string(),
                risk: t.risk(),
            })
            .collect::<Vec<_>>();
        self.publish(Runtime {
            state: ServerState::Running {
                tool_count: summaries.len(),
            },
            tools: summaries,
            server_info,
        });
    }
}

/// How one connection ended.
enum Outcome {
    /// Stopped on purpose.
    Stopped,
    /// Failed or died, with the reason.
    Ended(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        let secs: Vec<u64> = (1..=10).map(|a| backoff(a).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
        assert_eq!(backoff(1000), MAX_BACKOFF);
    }
}
