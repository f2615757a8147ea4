//! Connecting to one server: a stdio child process or a Streamable HTTP endpoint, then the MCP
//! handshake (rmcp negotiates the protocol version). The child's stderr is read line by line
//! into the logs, tagged with the server name, and its last lines are kept to explain failures.

use super::config::{McpServerConfig, TransportKind};
use super::{McpError, McpSecrets};
use crate::tools::roots::expand_tilde;
use crate::tools::shell::env::stripped_env;
#[cfg(unix)]
use process_wrap::tokio::ProcessGroup;
use process_wrap::tokio::{ChildWrapper, CommandWrap, KillOnDrop};
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, DropGuard};

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

/// What a child wrote besides JSON-RPC: its last stderr lines and the non-JSON lines on stdout.
/// Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct ServerOutput(Arc<Mutex<OutputInner>>);

#[derive(Debug, Default)]
struct OutputInner {
    stderr: VecDeque<String>,
    noise_lines: usize,
    first_noise: Option<String>,
}

impl ServerOutput {
    fn lock(&self) -> std::sync::MutexGuard<'_, OutputInner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push_stderr(&self, line: String) {
        let mut inner = self.lock();
        if inner.stderr.len() == STDERR_TAIL_LINES {
            inner.stderr.pop_front();
        }
        inner.stderr.push_back(line);
    }

    fn push_noise(&self, line: String) {
        let mut inner = self.lock();
        inner.noise_lines += 1;
        inner.first_noise.get_or_insert(line);
    }

    /// The last non-empty stderr line, if any.
    pub fn last_stderr(&self) -> Option<String> {
        let inner = self.lock();
        inner
            .stderr
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .cloned()
    }

    /// How many non-JSON lines the server wrote on stdout, and the first of them.
    pub fn noise(&self) -> Option<(usize, String)> {
        let inner = self.lock();
        inner
            .first_noise
            .clone()
            .map(|first| (inner.noise_lines, first))
    }

    /// `reason` with what the server wrote that explains it.
    pub fn explain(&self, reason: &str) -> String {
        let mut text = reason.to_string();
        if let Some((count, first)) = self.noise() {
            text.push_str(&format!(
                "; it wrote {count} line(s) on stdout that are not JSON-RPC (first: {first:?})"
            ));
        }
        if let Some(line) = self.last_stderr() {
            text.push_str(&format!(" (stderr: {line})"));
        }
        text
    }

    /// Forgets what was kept (before a restart).
    pub fn clear(&self) {
        *self.lock() = OutputInner::default();
    }
}

/// Starts server `name` and completes the MCP handshake. The caller bounds the time. For a
/// child process, the returned guard ends it when dropped (keep it as long as the connection).
pub async fn connect(
    name: &str,
    server: &McpServerConfig,
    secrets: &McpSecrets,
    handler: Handler,
    output: ServerOutput,
) -> Result<(Connection, Option<DropGuard>), McpError> {
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
            cmd.stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut wrapped = CommandWrap::from(cmd);
            // Its own process group, so ending it also ends what it started (npx → node).
            #[cfg(unix)]
            wrapped.wrap(ProcessGroup::leader());
            wrapped.wrap(KillOnDrop);
            let mut child = wrapped.spawn().map_err(|source| McpError::Spawn {
                command: server.target(),
                source,
            })?;
            let (Some(stdin), Some(stdout), Some(stderr_pipe)) = (
                child.stdin().take(),
                child.stdout().take(),
                child.stderr().take(),
            ) else {
                return Err(McpError::Spawn {
                    command: server.target(),
                    source: std::io::Error::other("the child's pipes are missing"),
                });
            };
            let redactor = secrets.redactor().clone();
            let stderr_task = tokio::spawn(read_stderr(
                name.to_string(),
                stderr_pipe,
                output.clone(),
                redactor,
            ));
            // JSON lines go on to rmcp; anything else is logged and counted, so a server that
            // prints junk on stdout gets a clear status instead of a silent hang.
            let (reader, writer) = tokio::io::duplex(64 * 1024);
            let guard = CancellationToken::new();
            tokio::spawn(pump_stdout(
                name.to_string(),
                Child {
                    process: child,
                    stdout,
                    stderr_task,
                },
                writer,
                output,
                guard.clone(),
            ));
            let connection = handler.serve((reader, stdin)).await.map_err(|e| {
                McpError::Initialize(secrets.redactor().scrub_string(e.to_string()))
            })?;
            Ok((connection, Some(guard.drop_guard())))
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
            let connection = handler.serve(transport).await.map_err(|e| {
                McpError::Initialize(secrets.redactor().scrub_string(e.to_string()))
            })?;
            Ok((connection, None))
        }
    }
}

/// Logs each stderr line of server `name` and keeps the last ones.
async fn read_stderr(
    name: String,
    pipe: tokio::process::ChildStderr,
    output: ServerOutput,
    redactor: crate::keys::Redactor,
) {
    let mut lines = BufReader::new(pipe).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let line = redactor.scrub_string(line);
        tracing::info!(target: "hearth::mcp", server = %name, "stderr: {line}");
        output.push_stderr(line);
    }
}

/// A spawned server process and what reads it.
struct Child {
    process: Box<dyn ChildWrapper>,
    stdout: tokio::process::ChildStdout,
    stderr_task: tokio::task::JoinHandle<()>,
}

/// How long a dead server's last stderr lines are waited for (so they explain the failure).
const STDERR_DRAIN: std::time::Duration = std::time::Duration::from_secs(1);

/// Copies JSON lines from the child's stdout to rmcp and sets the rest aside. Owns the child:
/// it ends (and the child with it, process group and all) when stdout closes or `stop` fires.
async fn pump_stdout(
    name: String,
    child: Child,
    mut to_rmcp: tokio::io::DuplexStream,
    output: ServerOutput,
    stop: CancellationToken,
) {
    let Child {
        process,
        stdout,
        stderr_task,
    } = child;
    let mut reader = BufReader::new(stdout);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = tokio::select! {
            _ = stop.cancelled() => break,
            read = reader.read_until(b'\n', &mut line) => read,
        };
        match read {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        if serde_json::from_slice::<serde::de::IgnoredAny>(trimmed).is_ok() {
            if to_rmcp.write_all(&line).await.is_err() {
                break;
            }
            if !line.ends_with(b"\n") && to_rmcp.write_all(b"\n").await.is_err() {
                break;
            }
        } else {
            let text: String = String::from_utf8_lossy(trimmed).chars().take(200).collect();
            tracing::warn!(target: "hearth::mcp", server = %name, "stdout line that is not JSON-RPC: {text}");
            output.push_noise(text);
        }
    }
    if !stop.is_cancelled() {
        // The server ended by itself: let its last words reach the status before rmcp sees EOF.
        let _ = tokio::time::timeout(STDERR_DRAIN, stderr_task).await;
    }
    drop(to_rmcp);
    drop(process);
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

#[cfg(test)]
#[path = "http_tests.rs"]
mod http_tests;
