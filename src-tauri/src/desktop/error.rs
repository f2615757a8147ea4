//! [`IpcError`]: what every IPC command rejects with — a stable `kind` for the UI to branch on and
//! a redacted `message` for people. Gateway errors are mapped by variant, never by their text.

use hearth_gateway::agent::probe::ProbeError;
use hearth_gateway::agent::turn::AgentError;
use hearth_gateway::config::ConfigError;
use hearth_gateway::keys::KeyError;
use hearth_gateway::policy::{ApprovalError, PolicyError};
use hearth_gateway::server::token_changes::TokenChangeError;
use hearth_gateway::server::tokens::TokenError;
use hearth_gateway::store::StoreError;
use hearth_gateway::GatewayError;
use serde::Serialize;

/// The stable categories of [`IpcError::kind`] (serialised in snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The conversation, message, provider, tool or request named does not exist.
    NotFound,
    /// The arguments are malformed or not allowed (a bad rule, model name, URL, key text…).
    InvalidInput,
    /// Something is already running (a turn in this conversation).
    Busy,
    /// No model is configured.
    NoModel,
    /// The OS keychain failed or a key is missing.
    Keychain,
    /// config.toml could not be read, validated or written.
    Config,
    /// The database failed.
    Storage,
    /// A provider call failed (test_provider).
    Provider,
    /// A window or OS integration failed.
    Window,
    /// Anything else.
    Internal,
}

/// The error every IPC command returns: a stable kind and a human-readable message that never
/// contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{message}")]
pub struct IpcError {
    /// Machine-readable category.
    pub kind: ErrorKind,
    /// Human-readable, actionable message (already redacted).
    pub message: String,
}

impl IpcError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        IpcError {
            kind,
            message: message.into(),
        }
    }

    /// Bad arguments.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// Something named does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// Scrubs any known secret out of the message (the last line of defence: gateway messages
    /// should carry none).
    pub fn redacted(mut self, redactor: &hearth_gateway::keys::Redactor) -> Self {
        self.message = redactor.scrub_string(self.message);
        self
    }
}

impl From<StoreError> for IpcError {
    fn from(error: StoreError) -> Self {
        let kind = match &error {
            StoreError::ConversationNotFound(_) | StoreError::MessageNotFound(_) => {
                ErrorKind::NotFound
            }
            StoreError::AmbiguousId(_)
            | StoreError::WrongRole { .. }
            | StoreError::ImportFormat(_)
            | StoreError::UnsupportedExportVersion { .. }
            | StoreError::InvalidExport(_) => ErrorKind::InvalidInput,
            _ => ErrorKind::Storage,
        };
        IpcError::new(kind, error.to_string())
    }
}

impl From<ConfigError> for IpcError {
    fn from(error: ConfigError) -> Self {
        let kind = match &error {
            ConfigError::Rejected(_) => ErrorKind::InvalidInput,
            _ => ErrorKind::Config,
        };
        IpcError::new(kind, error.to_string())
    }
}

impl From<PolicyError> for IpcError {
    fn from(error: PolicyError) -> Self {
        match error {
            PolicyError::Config(inner) => inner.into(),
            PolicyError::UnknownTool { .. } | PolicyError::RuleNotFound { .. } => {
                IpcError::not_found(error.to_string())
            }
            PolicyError::RuleMatchesNoTool { .. } | PolicyError::Rule(_) => {
                IpcError::invalid(error.to_string())
            }
        }
    }
}

impl From<ApprovalError> for IpcError {
    fn from(error: ApprovalError) -> Self {
        match error {
            ApprovalError::NotPending(_) => IpcError::not_found(error.to_string()),
        }
    }
}

impl From<KeyError> for IpcError {
    fn from(error: KeyError) -> Self {
        let kind = match &error {
            KeyError::UnknownProvider(_) => ErrorKind::NotFound,
            KeyError::Malformed(_)
            | KeyError::BadBaseUrl { .. }
            | KeyError::UsesEnv { .. }
            | KeyError::Rejected { .. }
            | KeyError::NotConfirmed { .. } => ErrorKind::InvalidInput,
            _ => ErrorKind::Keychain,
        };
        IpcError::new(kind, error.to_string())
    }
}

impl From<AgentError> for IpcError {
    fn from(error: AgentError) -> Self {
        match error {
            AgentError::Store(inner) => inner.into(),
        }
    }
}

impl From<ProbeError> for IpcError {
    fn from(error: ProbeError) -> Self {
        IpcError::new(ErrorKind::Provider, error.0)
    }
}

impl From<hearth_gateway::audit::AuditError> for IpcError {
    fn from(error: hearth_gateway::audit::AuditError) -> Self {
        use hearth_gateway::audit::AuditError;
        match error {
            AuditError::Store(inner) => inner.into(),
            AuditError::UnknownEntry(_) => IpcError::not_found(error.to_string()),
            other => IpcError::new(ErrorKind::Storage, other.to_string()),
        }
    }
}

impl From<TokenError> for IpcError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Store(inner) => inner.into(),
            TokenError::NotFound(_) => IpcError::not_found(error.to_string()),
            TokenError::BadName(_) | TokenError::BadPattern { .. } | TokenError::Exists(_) => {
                IpcError::invalid(error.to_string())
            }
        }
    }
}

impl From<TokenChangeError> for IpcError {
    fn from(error: TokenChangeError) -> Self {
        match error {
            TokenChangeError::Token(inner) => inner.into(),
            TokenChangeError::Audit(inner) => inner.into(),
        }
    }
}

impl From<GatewayError> for IpcError {
    fn from(error: GatewayError) -> Self {
        match error {
            GatewayError::Store(inner) => inner.into(),
            GatewayError::Config(inner) => inner.into(),
            GatewayError::Audit(inner) => inner.into(),
            GatewayError::Agent(inner) => inner.into(),
            GatewayError::BadModel(_) | GatewayError::WrongMessage(_) => {
                IpcError::invalid(error.to_string())
            }
            GatewayError::NoModel => IpcError::new(ErrorKind::NoModel, error.to_string()),
            GatewayError::Busy => IpcError::new(ErrorKind::Busy, error.to_string()),
            GatewayError::Paths(_) => IpcError::new(ErrorKind::Storage, error.to_string()),
        }
    }
}

impl From<tauri::Error> for IpcError {
    fn from(error: tauri::Error) -> Self {
        IpcError::new(ErrorKind::Window, error.to_string())
    }
}

impl From<serde_json::Error> for IpcError {
    fn from(error: serde_json::Error) -> Self {
        IpcError::new(
            ErrorKind::Internal,
            format!("cannot encode the reply: {error}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_map_by_variant() {
        let e: IpcError = StoreError::ConversationNotFound("c1".into()).into();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("c1"));
        let e: IpcError = StoreError::AmbiguousId("c".into()).into();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(IpcError::from(StoreError::Closed).kind, ErrorKind::Storage);
    }

    #[test]
    fn gateway_errors_map_by_variant() {
        assert_eq!(IpcError::from(GatewayError::Busy).kind, ErrorKind::Busy);
        assert_eq!(
            IpcError::from(GatewayError::NoModel).kind,
            ErrorKind::NoModel
        );
        let nested = GatewayError::Store(StoreError::MessageNotFound("m".into()));
        assert_eq!(IpcError::from(nested).kind, ErrorKind::NotFound);
    }

    #[test]
    fn policy_errors_map_by_variant() {
        let e: IpcError = PolicyError::UnknownTool {
            name: "x".into(),
            known: "files.read".into(),
        }
        .into();
        assert_eq!(e.kind, ErrorKind::NotFound);
        let e: IpcError = PolicyError::Config(ConfigError::Rejected("no".into())).into();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn token_errors_map_by_variant() {
        let missing = TokenChangeError::Token(TokenError::NotFound("x".into()));
        assert_eq!(IpcError::from(missing).kind, ErrorKind::NotFound);
        let taken = TokenChangeError::Token(TokenError::Exists("x".into()));
        assert_eq!(IpcError::from(taken).kind, ErrorKind::InvalidInput);
        let bad = IpcError::from(TokenError::BadName("a b".into()));
        assert_eq!(bad.kind, ErrorKind::InvalidInput);
        assert!(bad.message.contains("a b"), "{}", bad.message);
    }

    #[test]
    fn the_error_serialises_as_kind_and_message() {
        let json = serde_json::to_value(IpcError::new(ErrorKind::NoModel, "add one")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "no_model", "message": "add one"})
        );
    }

    #[test]
    fn redacted_scrubs_known_secrets() {
        let redactor = hearth_gateway::keys::Redactor::new();
        redactor.add(&hearth_gateway::keys::Secret::new(
            "sk-test-0123456789abcdef",
        ));
        let e = IpcError::invalid("bad key sk-test-0123456789abcdef here").redacted(&redactor);
        assert!(!e.message.contains("sk-test-0123456789abcdef"));
    }
}
