//! [`McpTool`]: one tool of one MCP server as a Hearth [`Tool`] named `SERVER.TOOL`.
//!
//! Calls are bounded by `mcp.call_timeout_secs` and stop when the turn is stopped or the agent
//! paused (rmcp then sends `notifications/cancelled`). Every result — success or error — is
//! marked untrusted: it comes from a program Hearth does not control, so it taints the turn.

use super::content::{cut, result_text};
use super::naming::{registry_name, risk_of};
use crate::tools::{Risk, Tool, ToolContext, ToolError, ToolOutput};
use rmcp::model::CallToolRequestParams;
use rmcp::{Peer, RoleClient};
use serde_json::Value;
use std::time::Duration;

/// Longest argument preview shown in an approval request.
const PREVIEW_CHARS: usize = 600;

/// One MCP server tool in the registry.
pub struct McpTool {
    registry_name: String,
    server: String,
    remote_name: String,
    description: String,
    schema: Value,
    risk: Risk,
    peer: Peer<RoleClient>,
    call_timeout: Duration,
    result_cap: usize,
}

impl std::fmt::Debug for McpTool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpTool")
            .field("name", &self.registry_name)
            .field("risk", &self.risk)
            .finish_non_exhaustive()
    }
}

impl McpTool {
    /// `tool` of `server`, called through `peer`.
    pub fn new(
        server: &str,
        tool: &rmcp::model::Tool,
        peer: Peer<RoleClient>,
        call_timeout: Duration,
        result_cap: usize,
    ) -> Self {
        let description = tool
            .description
            .as_deref()
            .or(tool.title.as_deref())
            .unwrap_or("")
            .to_string();
        let mut schema = Value::Object((*tool.input_schema).clone());
        if schema.get("type").is_none() {
            schema["type"] = Value::String("object".into());
        }
        McpTool {
            registry_name: registry_name(server, &tool.name),
            server: server.to_string(),
            remote_name: tool.name.to_string(),
            risk: risk_of(&tool.name, &description, tool.annotations.as_ref()),
            description: format!("{description} (MCP server '{server}')")
                .trim()
                .to_string(),
            schema,
            peer,
            call_timeout,
            result_cap,
        }
    }

    /// The server this tool belongs to.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The tool's name on its server.
    pub fn remote_name(&self) -> &str {
        &self.remote_name
    }

    fn source(&self) -> String {
        format!("MCP server '{}'", self.server)
    }
}

#[async_trait::async_trait]
impl Tool for McpTool {
    fn name(&self) -> &str {
        &self.registry_name
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn parameters(&self) -> Value {
        self.schema.clone()
    }

    fn risk(&self) -> Risk {
        self.risk
    }

    fn preview(&self, args: &Value) -> String {
        let args = args.to_string();
        let shown: String = args.chars().take(PREVIEW_CHARS).collect();
        let more = if shown.len() < args.len() { "…" } else { "" };
        format!("{} {shown}{more}", self.registry_name)
    }

    fn untrusted_source(&self, _args: &Value) -> Option<String> {
        Some(self.source())
    }

    async fn run(&self, args: Value, ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let arguments = match args {
            Value::Object(map) => Some(map),
            Value::Null => None,
            other => {
                return Err(ToolError::InvalidArguments {
                    tool: self.registry_name.clone(),
                    message: format!("expected an object, got {other}"),
                })
            }
        };
        let mut params = CallToolRequestParams::new(self.remote_name.clone());
        params.arguments = arguments;
        let call = tokio::time::timeout(self.call_timeout, self.peer.call_tool(params));
        // Dropping the call future (cancel or timeout) makes rmcp send notifications/cancelled.
        let outcome = tokio::select! {
            _ = ctx.cancel.cancelled() => return Err(ToolError::Cancelled),
            outcome = call => outcome,
        };
        let output = match outcome {
            Err(_) => ToolOutput::failed(
                format!(
                    "{} did not answer within {} s; the call was cancelled",
                    self.registry_name,
                    self.call_timeout.as_secs()
                ),
                "timed out",
            ),
            Ok(Err(error)) => ToolOutput::failed(
                cut(
                    format!("{} failed: {error}", self.registry_name),
                    self.result_cap,
                ),
                "failed",
            ),
            Ok(Ok(result)) => {
                let text = result_text(&result, self.result_cap);
                let summary = format!("{} bytes from {}", text.len(), self.source());
                if result.is_error == Some(true) {
                    ToolOutput::failed(text, format!("error from {}", self.source()))
                } else {
                    ToolOutput::ok(text, summary)
                }
            }
        };
        Ok(output.with_untrusted(Some(self.source())))
    }
}
