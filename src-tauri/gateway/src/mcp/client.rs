//! Connecting to one server: a stdio child process or a Streamable HTTP endpoint, then the MCP
//! handshake (rmcp negotiates the protocol version). The child's stderr is read line by line
//! into the logs, tagged with the server name, and its last lines are kept to explain failures.

use super::config::{McpServerConfig, TransportKind};
use super::{McpError, McpSecrets};
use crate::tools::roots::expand_tilde;
use crate::tools::shell::env::stripped_env;
use process_wrap::tokio::{CommandWrap, KillOnDrop, ProcessGroup};
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

/// How many stderr lines are kept to explain a failure.
const STDERR_TAIL_LINES: usize = 20;

/// A running connection to a server.
pub type Connection = RunningService<RoleClient, Handler>;

/// Hearth's side of a connection: announces itself and reports `tools/list_changed`.
#[derive(Debug)]
pub struct Handler {
    tools_changed: mpsc::UnboundedSender<()>,
}

impl Handler {
    /// A handler that sends `()` on `tools_changed` for every `notifications/tools/list_changed`.
    pub fn new(tools_changed: mpsc::UnboundedSender<()>) -> Self {
        Handler { tools_changed }
    }
}

impl ClientHandler for Handler {
    fn on_tool_list_changed(
        &self,
        _context: NotificationContext<RoleClient>,
    ) -> impl std::future::Future<Output = ()> + Send + '_ {
        // The receiver is gone only when the connection is being dropped.
        let _ = self.tools_changed.send(());
        std::future::ready(())
    }

    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("hearth", crate::VERSION),
        )
    }
}

/// The last lines a child wrote to stderr. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct StderrTail(Arc<Mutex<VecDeque<String>>>);

impl StderrTail {
    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if lines.len() == STDERR_TAIL_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// The last non-empty line, if any.
    pub fn last(&self) -> Option<String> {
        let lines = self.0.lock().unwrap_or_else(|p| p.into_inner());
        lines.iter().rev().find(|l| !l.trim().is_empty()).cloned()
    }

    /// Forgets what was kept (before a restart).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// Starts server `name` and completes the MCP handshake. The caller bounds the time.
pub async fn connect(
    name: &str,
    server: &McpServerConfig,
    secrets: &McpSecrets,
    handler: Handler,
    stderr: StderrTail,
) -> Result<Connection, McpError> {
    let secret_values = secrets.get_all(name, server.secret_names()).await?;
    match server.transport() {
        TransportKind::Stdio => {
            let command = server.command.clone().unwrap_or_default();
            let mut cmd =
                tokio::process::Command::new(expand_tilde(std::path::Path::new(&command)));
            cmd.args(&server.args)
                .env_clear()
                .envs(stripped_env(std::env::vars_os(), &[]))
                .envs(&server.env);
            for var in &server.secret_env {
                if let Some(value) = secret_values.get(var) {
                    cmd.env(var, value.expose());
                }
            }
            if let Some(cwd) = &server.cwd {
                cmd.current_dir(expand_tilde(cwd));
            }
            let mut wrapped = CommandWrap::from(cmd);
            wrapped.wrap(ProcessGroup::leader()).wrap(KillOnDrop);
            let (transport, child_stderr) = TokioChildProcess::builder(wrapped)
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|source| McpError::Spawn {
                    command: server.target(),
                    source,
                })?;
            if let Some(child_stderr) = child_stderr {
                let server_name = name.to_string();
                let redactor = secrets.redactor().clone();
                tokio::spawn(async move {
                    let mut lines = BufReader::new(child_stderr).lines();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let line = redactor.scrub_string(line);
                        tracing::info!(target: "hearth::mcp", server = %server_name, "stderr: {line}");
                        stderr.push(line);
                    }
                });
            }
            handler
                .serve(transport)
                .await
                .map_err(|e| McpError::Initialize(secrets.redactor().scrub_string(e.to_string())))
        }
        TransportKind::Http => {
            let url = server.url.clone().unwrap_or_default();
            let mut headers = HashMap::new();
            for (header, value) in &server.headers {
                headers.insert(header_name(header)?, header_value(header, value)?);
            }
            for header in &server.secret_headers {
                if let Some(value) = secret_values.get(header) {
                    let mut value = header_value(header, value.expose())?;
                    value.set_sensitive(true);
                    headers.insert(header_name(header)?, value);
                }
            }
            install_crypto_provider();
            let config = StreamableHttpClientTransportConfig::with_uri(url).custom_headers(headers);
            let transport = StreamableHttpClientTransport::from_config(config);
            handler
                .serve(transport)
                .await
                .map_err(|e| McpError::Initialize(secrets.redactor().scrub_string(e.to_string())))
        }
    }
}

fn header_name(name: &str) -> Result<http::HeaderName, McpError> {
    http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| McpError::InvalidHeader(name.to_string()))
}

fn header_value(name: &str, value: &str) -> Result<http::HeaderValue, McpError> {
    http::HeaderValue::from_str(value).map_err(|_| McpError::InvalidHeader(name.to_string()))
}

/// The HTTP transport's TLS stack (rustls) needs a process-wide crypto provider; Hearth uses
/// `ring`, like its provider client. Installing twice is harmless.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
