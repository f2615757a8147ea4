//! What callers put in the action log: a [`NewEntry`] written before an action, optional
//! [`Stage`]s while it runs, and an [`Outcome`] written after; plus typed detail payloads for
//! each kind of action, so entries have one shape wherever they are written.

use serde::{Deserialize, Serialize};

/// The id of one action in the log (a UUID v7).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub String);

impl EntryId {
    /// A fresh, time-ordered id.
    pub fn generate() -> Self {
        EntryId(uuid::Uuid::now_v7().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EntryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of action an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A call to a model provider.
    ModelCall,
    /// A tool call, from request to finish.
    ToolCall,
    /// An approval asked of the user and its answer.
    Approval,
    /// A provider key read from the keychain to authenticate a call (never the key).
    KeyUse,
    /// A configuration change (permissions, providers, settings).
    ConfigChange,
    /// A request to the local API.
    ApiRequest,
    /// Anything else the core does on the user's behalf (exports, imports, key changes).
    Other,
}

impl EntryKind {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::ModelCall => "model_call",
            EntryKind::ToolCall => "tool_call",
            EntryKind::Approval => "approval",
            EntryKind::KeyUse => "key_use",
            EntryKind::ConfigChange => "config_change",
            EntryKind::ApiRequest => "api_request",
            EntryKind::Other => "other",
        }
    }

    /// Parses a stored name; unknown names (from a newer Hearth) read as [`EntryKind::Other`].
    pub fn parse(text: &str) -> EntryKind {
        match text {
            "model_call" => EntryKind::ModelCall,
            "tool_call" => EntryKind::ToolCall,
            "approval" => EntryKind::Approval,
            "key_use" => EntryKind::KeyUse,
            "config_change" => EntryKind::ConfigChange,
            "api_request" => EntryKind::ApiRequest,
            _ => EntryKind::Other,
        }
    }
}

/// Who initiated an action, or who decided at a stage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The person at the keyboard (window, terminal).
    User,
    /// The agent loop (the model asked for it).
    Agent,
    /// A local API client, by token name.
    Api(String),
    /// A permission rule, by its text (`shell(git status*)`).
    Rule(String),
    /// Hearth itself (timeouts, retention, start-up recovery).
    System,
}

impl Actor {
    /// The stable text stored in the database: `user`, `agent`, `system`, `api:NAME`,
    /// `rule:RULE`.
    pub fn to_stored(&self) -> String {
        match self {
            Actor::User => "user".into(),
            Actor::Agent => "agent".into(),
            Actor::System => "system".into(),
            Actor::Api(name) => format!("api:{name}"),
            Actor::Rule(rule) => format!("rule:{rule}"),
        }
    }

    /// Parses the stored text (anything unknown reads as [`Actor::System`]).
    pub fn from_stored(text: &str) -> Actor {
        match text.split_once(':') {
            Some(("api", name)) => Actor::Api(name.to_string()),
            Some(("rule", rule)) => Actor::Rule(rule.to_string()),
            _ => match text {
                "user" => Actor::User,
                "agent" => Actor::Agent,
                _ => Actor::System,
            },
        }
    }
}

/// How an action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// Begun, not completed yet.
    Pending,
    /// Done as asked.
    Ok,
    /// Failed.
    Error,
    /// Refused by a rule, the user or a timeout.
    Denied,
    /// Stopped by the user (cancel, pause).
    Cancelled,
    /// Never completed: the process ended while it ran (found at start-up).
    Interrupted,
}

impl EntryStatus {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Pending => "pending",
            EntryStatus::Ok => "ok",
            EntryStatus::Error => "error",
            EntryStatus::Denied => "denied",
            EntryStatus::Cancelled => "cancelled",
            EntryStatus::Interrupted => "interrupted",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<EntryStatus> {
        Some(match text {
            "pending" => EntryStatus::Pending,
            "ok" => EntryStatus::Ok,
            "error" => EntryStatus::Error,
            "denied" => EntryStatus::Denied,
            "cancelled" => EntryStatus::Cancelled,
            "interrupted" => EntryStatus::Interrupted,
            _ => return None,
        })
    }
}

/// An action about to happen: written BEFORE it happens.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    /// What kind of action.
    pub kind: EntryKind,
    /// Who initiated it.
    pub actor: Actor,
    /// The conversation it belongs to, if any.
    pub conversation_id: Option<String>,
    /// One line for people (redacted before it is stored).
    pub summary: String,
    /// Structured detail (one of the `*Detail` types below, as JSON; redacted before storing).
    pub detail: serde_json::Value,
}

/// An intermediate step of a running action (the approval decision, the start of a tool run).
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The step's name: `decided`, `started`...
    pub name: String,
    /// Who acted at this step (for `decided`: the user, a rule, or the system on timeout).
    pub actor: Actor,
    /// One line for people.
    pub summary: String,
    /// Structured detail.
    pub detail: serde_json::Value,
}

/// How an action ended: written AFTER it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The result.
    pub status: EntryStatus,
    /// One line for people (exit status, error message...).
    pub summary: String,
    /// Structured detail (usage, cost, exit status...).
    pub detail: serde_json::Value,
    /// How long it took; `None` = measured from the begin record.
    pub duration_ms: Option<u64>,
}

impl Outcome {
    /// A successful outcome with this detail.
    pub fn ok(summary: impl Into<String>, detail: serde_json::Value) -> Self {
        Outcome {
            status: EntryStatus::Ok,
            summary: summary.into(),
            detail,
            duration_ms: None,
        }
    }

    /// A failed outcome.
    pub fn error(summary: impl Into<String>) -> Self {
        Outcome {
            status: EntryStatus::Error,
            summary: summary.into(),
            detail: serde_json::Value::Object(Default::default()),
            duration_ms: None,
        }
    }

    /// An outcome with another status.
    pub fn with_status(status: EntryStatus, summary: impl Into<String>) -> Self {
        Outcome {
            status,
            summary: summary.into(),
            detail: serde_json::Value::Object(Default::default()),
            duration_ms: None,
        }
    }
}

/// Serialises a typed detail struct (they cannot fail to serialise; an empty object if one did).
pub fn to_detail<T: Serialize>(detail: &T) -> serde_json::Value {
    serde_json::to_value(detail).unwrap_or_else(|_| serde_json::Value::Object(Default::default()))
}

/// Detail of a [`EntryKind::ModelCall`] begin record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCallDetail {
    /// Provider id.
    pub provider: String,
    /// Model name.
    pub model: String,
    /// The assistant message being produced, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// Detail of a [`EntryKind::ModelCall`] outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelCallOutcome {
    /// Input tokens.
    pub input_tokens: Option<u64>,
    /// Output tokens.
    pub output_tokens: Option<u64>,
    /// Cost in US dollars, when the price is known.
    pub cost_usd: Option<f64>,
    /// Time to the first streamed event.
    pub first_token_ms: Option<u64>,
    /// Why the model stopped, or the error kind.
    pub stop_reason: Option<String>,
}

/// Detail of a [`EntryKind::ToolCall`] begin record (the request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallDetail {
    /// Registry name, e.g. `files.read`.
    pub tool: String,
    /// The call id from the model.
    pub call_id: String,
    /// The arguments (redacted before storing).
    pub arguments: serde_json::Value,
    /// The human-readable preview shown for approval.
    pub preview: String,
}

/// Detail of a `decided` stage (tool calls) or an [`EntryKind::Approval`] outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionDetail {
    /// `allow` or `deny` (or `allow_always`).
    pub decision: String,
    /// Why: the rule text, `user`, `timeout`, `paused`, `tainted turn`...
    pub reason: String,
    /// A note from the user, passed to the model on deny.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Detail of a [`EntryKind::ToolCall`] outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolOutcomeDetail {
    /// Exit status of a process, if the tool ran one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_status: Option<i32>,
    /// Bytes of output returned to the model.
    pub output_bytes: u64,
    /// Whether the output was cut at the cap.
    pub truncated: bool,
}

/// Detail of a [`EntryKind::KeyUse`] record: which provider's key, where to. Never the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyUseDetail {
    /// Provider id.
    pub provider: String,
    /// The origin the key was sent to.
    pub origin: String,
    /// `keychain` or `env`.
    pub source: String,
}

/// Detail of a [`EntryKind::ConfigChange`] record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigChangeDetail {
    /// The setting path, e.g. `permissions.shell` or `providers.openai.base_url`.
    pub setting: String,
    /// The old value, as text (redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The new value, as text (redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Where the change came from: `ui`, `cli`, `file` (hand edit picked up live).
    pub via: String,
}

/// Detail of an [`EntryKind::ApiRequest`] record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiRequestDetail {
    /// HTTP method.
    pub method: String,
    /// Path (no query string: it may carry secrets).
    pub path: String,
    /// The requested model, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl NewEntry {
    /// A model call about to start.
    pub fn model_call(conversation_id: Option<String>, detail: ModelCallDetail) -> Self {
        NewEntry {
            kind: EntryKind::ModelCall,
            actor: Actor::Agent,
            conversation_id,
            summary: format!("{}/{}", detail.provider, detail.model),
            detail: to_detail(&detail),
        }
    }

    /// A tool call the model requested (written before the policy check).
    pub fn tool_call(conversation_id: Option<String>, detail: ToolCallDetail) -> Self {
        NewEntry {
            kind: EntryKind::ToolCall,
            actor: Actor::Agent,
            conversation_id,
            summary: format!("{}: {}", detail.tool, headline(&detail.preview)),
            detail: to_detail(&detail),
        }
    }

    /// A provider key about to be used.
    pub fn key_use(conversation_id: Option<String>, detail: KeyUseDetail) -> Self {
        NewEntry {
            kind: EntryKind::KeyUse,
            actor: Actor::System,
            conversation_id,
            summary: format!("key for {} sent to {}", detail.provider, detail.origin),
            detail: to_detail(&detail),
        }
    }

    /// A configuration change about to be written.
    pub fn config_change(actor: Actor, detail: ConfigChangeDetail) -> Self {
        NewEntry {
            kind: EntryKind::ConfigChange,
            actor,
            conversation_id: None,
            summary: format!("{} changed via {}", detail.setting, detail.via),
            detail: to_detail(&detail),
        }
    }

    /// A local API request being handled.
    pub fn api_request(client: impl Into<String>, detail: ApiRequestDetail) -> Self {
        NewEntry {
            kind: EntryKind::ApiRequest,
            actor: Actor::Api(client.into()),
            conversation_id: None,
            summary: format!("{} {}", detail.method, detail.path),
            detail: to_detail(&detail),
        }
    }
}

/// One line for a tool call's preview: for a unified diff (a file write or edit) the file and the
/// size of the change, else the preview's first line; at most 200 characters.
pub fn headline(preview: &str) -> String {
    match diff_headline(preview) {
        Some(line) => first_line(&line),
        None => first_line(preview),
    }
}

/// `create PATH (+N lines)` / `change PATH (+A −D lines)` for a unified diff, else `None`.
fn diff_headline(preview: &str) -> Option<String> {
    let mut lines = preview.lines();
    let old = lines.next()?.strip_prefix("--- ")?;
    let new = lines.next()?.strip_prefix("+++ ")?;
    let (mut added, mut removed) = (0usize, 0usize);
    for line in lines {
        if line.starts_with('+') {
            added += 1;
        } else if line.starts_with('-') {
            removed += 1;
        }
    }
    let path = new.strip_prefix("b/").unwrap_or(new);
    Some(if old == "/dev/null" {
        format!("create {path} (+{added} lines)")
    } else {
        format!("change {path} (+{added} −{removed} lines)")
    })
}

/// The first line of `text`, at most 200 characters.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut out: String = line.chars().take(200).collect();
    if out.len() < line.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_preview_is_summarised_by_its_file_and_change() {
        let created = "--- /dev/null\n+++ /home/u/notes.md\n@@ -0,0 +1,2 @@\n+hello\n+world\n";
        assert_eq!(headline(created), "create /home/u/notes.md (+2 lines)");
        let changed =
            "--- a//home/u/a.txt\n+++ b//home/u/a.txt\n@@ -1 +1,2 @@\n-old\n+new\n+more\n";
        assert_eq!(headline(changed), "change /home/u/a.txt (+2 −1 lines)");
        assert_eq!(headline("ls -la\nsecond line"), "ls -la");
    }

    #[test]
    fn stored_names_round_trip() {
        for kind in [
            EntryKind::ModelCall,
            EntryKind::ToolCall,
            EntryKind::Approval,
            EntryKind::KeyUse,
            EntryKind::ConfigChange,
            EntryKind::ApiRequest,
            EntryKind::Other,
        ] {
            assert_eq!(EntryKind::parse(kind.as_str()), kind);
        }
        for actor in [
            Actor::User,
            Actor::Agent,
            Actor::System,
            Actor::Api("ci".into()),
            Actor::Rule("shell(git status*)".into()),
        ] {
            assert_eq!(Actor::from_stored(&actor.to_stored()), actor);
        }
        assert_eq!(EntryStatus::parse("denied"), Some(EntryStatus::Denied));
        assert_eq!(EntryStatus::parse("nope"), None);
    }

    #[test]
    fn constructors_fill_summary_and_detail() {
        let entry = NewEntry::tool_call(
            Some("c1".into()),
            ToolCallDetail {
                tool: "shell".into(),
                call_id: "call_1".into(),
                arguments: serde_json::json!({"command": "ls"}),
                preview: "ls\n(in ~/notes)".into(),
            },
        );
        assert_eq!(entry.kind, EntryKind::ToolCall);
        assert_eq!(entry.summary, "shell: ls");
        assert_eq!(entry.detail["arguments"]["command"], "ls");
    }
}
