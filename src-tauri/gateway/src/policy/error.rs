//! [`PolicyError`]: changing permissions failed.

use super::{RuleError, RuleList};
use crate::config::ConfigError;

/// Errors of the permission settings API (CLI, desktop commands).
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// No registered tool has that name.
    #[error("unknown tool '{name}' (known tools: {known})")]
    UnknownTool {
        /// The name given.
        name: String,
        /// The registered names.
        known: String,
    },
    /// A rule whose tool part matches no registered tool.
    #[error("rule '{rule}' matches no known tool (known tools: {known})")]
    RuleMatchesNoTool {
        /// The rule.
        rule: String,
        /// The registered names.
        known: String,
    },
    /// Removing a rule that is not in the list.
    #[error("rule '{rule}' is not in permissions.{}", list.key())]
    RuleNotFound {
        /// The rule.
        rule: String,
        /// The list searched.
        list: RuleList,
    },
    /// The rule text does not parse.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// Reading, validating or writing config.toml failed.
    #[error(transparent)]
    Config(#[from] ConfigError),
}
