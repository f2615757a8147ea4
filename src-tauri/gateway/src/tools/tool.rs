//! The [`Tool`] trait and the types around one call: [`Risk`], [`Subject`], [`ToolContext`],
//! [`ToolOutput`] and [`ToolError`].

use crate::providers::ToolSpec;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;
use tokio_util::sync::CancellationToken;

/// How much harm a call can do; sets the default decision (read → allow, the rest → ask) and
/// whether taint forces a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Reads local data.
    Read,
    /// Changes local files.
    Write,
    /// Runs programs.
    Execute,
    /// Talks to the network.
    Network,
    /// Sends something on the user's behalf (mail, messages).
    Send,
}

impl Risk {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Read => "read",
            Risk::Write => "write",
            Risk::Execute => "execute",
            Risk::Network => "network",
            Risk::Send => "send",
        }
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a call acts on, in the form permission rules match: the resolved absolute path, the
/// command line, or the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A file or folder (absolute, resolved inside a root).
    Path(PathBuf),
    /// A shell command line.
    Command(String),
    /// A URL.
    Url(String),
}

impl Subject {
    /// The subject as text (paths lossily converted).
    pub fn text(&self) -> String {
        match self {
            Subject::Path(path) => path.to_string_lossy().into_owned(),
            Subject::Command(text) | Subject::Url(text) => text.clone(),
        }
    }
}

/// Per-call context handed to [`Tool::run`].
#[derive(Debug, Clone, Default)]
pub struct ToolContext {
    /// Cancelled when the user stops the turn or pauses the agent; tools stop promptly (the
    /// shell tool kills its process group).
    pub cancel: CancellationToken,
}

impl ToolContext {
    /// A context with this cancellation token (use `LiveConfig::run_token` so pausing cancels).
    pub fn new(cancel: CancellationToken) -> Self {
        ToolContext { cancel }
    }
}

/// What a tool returns to the model and to the people watching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolOutput {
    /// The result text shown to the model.
    pub content: String,
    /// Whether the call failed (the model sees the content either way).
    pub is_error: bool,
    /// One line for logs and the UI ("exit 0 in 1.2 s", "read 3 KiB").
    pub summary: String,
    /// Set when the content came from somewhere the user does not control (a web page, a file
    /// in an untrusted root); names that source. It taints the turn.
    pub untrusted: Option<String>,
}

impl ToolOutput {
    /// A successful result.
    pub fn ok(content: impl Into<String>, summary: impl Into<String>) -> Self {
        ToolOutput {
            content: content.into(),
            is_error: false,
            summary: summary.into(),
            untrusted: None,
        }
    }

    /// A failed result whose content explains the failure to the model.
    pub fn failed(content: impl Into<String>, summary: impl Into<String>) -> Self {
        ToolOutput {
            is_error: true,
            ..ToolOutput::ok(content, summary)
        }
    }

    /// Marks the result as coming from an untrusted `source`.
    pub fn with_untrusted(mut self, source: Option<String>) -> Self {
        self.untrusted = source;
        self
    }
}

/// Why a tool call could not run or failed before producing a result.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments do not match the tool's schema.
    #[error("invalid arguments for {tool}: {message}")]
    InvalidArguments {
        /// The tool.
        tool: String,
        /// What is wrong.
        message: String,
    },
    /// The tool is switched off in config.
    #[error("{0}")]
    Disabled(String),
    /// A path was refused or could not be resolved.
    #[error(transparent)]
    Path(#[from] super::roots::PathError),
    /// A file operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("cannot read").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not text.
    #[error("{0} is a binary file; files.read only returns text")]
    Binary(PathBuf),
    /// `files.edit` found its text zero or several times.
    #[error("{0}")]
    EditMismatch(String),
    /// The shell could not be started.
    #[error("cannot start the command: {0}")]
    Spawn(std::io::Error),
    /// A web fetch failed.
    #[error(transparent)]
    Fetch(#[from] super::web_fetch::FetchError),
    /// The call was cancelled (turn stopped or agent paused).
    #[error("cancelled")]
    Cancelled,
}

impl ToolError {
    /// The error as a failed result for the model.
    pub fn into_output(self) -> ToolOutput {
        let text = self.to_string();
        let summary = match &self {
            ToolError::Cancelled => "cancelled".to_string(),
            _ => "failed".to_string(),
        };
        ToolOutput::failed(text, summary)
    }
}

/// A tool the agent can call. Implementations are stateless between calls apart from config.
///
/// Invariant: no side effect happens outside [`Tool::run`]; `preview`, `subject` and
/// `untrusted_source` only look.
#[async_trait::async_trait]
pub trait Tool: Send + Sync {
    /// The registry name, dotted: `files.read`, `shell.run`.
    fn name(&self) -> &str;

    /// What the tool does, for the model and the UI.
    fn description(&self) -> &str;

    /// JSON Schema of the arguments object.
    fn parameters(&self) -> Value;

    /// The risk class.
    fn risk(&self) -> Risk;

    /// A human-readable preview of a call: `$ git status (in ~/code/hearth)`, a unified diff
    /// for writes.
    fn preview(&self, args: &Value) -> String;

    /// What the call acts on, for argument-scoped rules; `None` when the arguments are invalid
    /// or the tool has no subject.
    fn subject(&self, _args: &Value) -> Option<Subject> {
        None
    }

    /// Known before running: the result will come from untrusted content (names the source).
    fn untrusted_source(&self, _args: &Value) -> Option<String> {
        None
    }

    /// Why the tool is switched off, if it is (then it is not offered to models and every call
    /// is denied).
    fn disabled_reason(&self) -> Option<String> {
        None
    }

    /// Runs the call. Stops promptly when `ctx.cancel` fires.
    async fn run(&self, args: Value, ctx: ToolContext) -> Result<ToolOutput, ToolError>;

    /// The tool as offered to a model.
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: self.name().to_string(),
            description: self.description().to_string(),
            parameters: self.parameters(),
        }
    }
}

/// Parses a call's arguments into the tool's typed argument struct.
pub fn parse_args<T: DeserializeOwned>(tool: &str, args: &Value) -> Result<T, ToolError> {
    T::deserialize(args).map_err(|e| ToolError::InvalidArguments {
        tool: tool.to_string(),
        message: e.to_string(),
    })
}

/// The JSON Schema of an argument struct, inlined and without the meta keys providers reject.
pub fn schema_of<T: schemars::JsonSchema>() -> Value {
    let settings = schemars::gen::SchemaSettings::draft07().with(|s| {
        s.inline_subschemas = true;
        s.option_add_null_type = false;
        s.option_nullable = false;
    });
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.remove("$schema");
        object.remove("title");
        object.remove("definitions");
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Example {
        /// The path.
        path: String,
        /// How many.
        limit: Option<u32>,
    }

    #[test]
    fn schemas_are_plain_objects_with_required_fields() {
        let schema = schema_of::<Example>();
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["required"], serde_json::json!(["path"]));
        assert_eq!(schema["properties"]["path"]["description"], "The path.");
        assert!(schema.get("$schema").is_none());
    }

    #[test]
    fn bad_arguments_name_the_tool_and_field() {
        let err = parse_args::<Example>("files.read", &serde_json::json!({"limit": 3}))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("files.read") && err.contains("path"), "{err}");
    }
}
