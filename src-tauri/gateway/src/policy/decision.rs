//! [`Decision`] (allow / ask / deny) and [`Verdict`] (a decision with its reason).

use serde::{Deserialize, Serialize};

/// What happens to a tool call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Run it without asking.
    Allow,
    /// Ask the user first.
    Ask,
    /// Refuse it.
    Deny,
}

impl Decision {
    /// The name used in config and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Ask => "ask",
            Decision::Deny => "deny",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown decision name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown decision '{0}' (expected allow, ask or deny)")]
pub struct UnknownDecision(pub String);

impl std::str::FromStr for Decision {
    type Err = UnknownDecision;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "allow" => Ok(Decision::Allow),
            "ask" => Ok(Decision::Ask),
            "deny" => Ok(Decision::Deny),
            other => Err(UnknownDecision(other.to_string())),
        }
    }
}

/// The outcome of evaluating one call: the decision, why (for people and for the model), and the
/// rule that decided it, if one did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// What happens.
    pub decision: Decision,
    /// Why, in one sentence.
    pub reason: String,
    /// The rule that decided (as written in config), if a rule did.
    pub rule: Option<String>,
}

impl Verdict {
    /// A verdict not decided by a rule.
    pub fn new(decision: Decision, reason: impl Into<String>) -> Self {
        Verdict {
            decision,
            reason: reason.into(),
            rule: None,
        }
    }

    /// A verdict decided by `rule`.
    pub fn by_rule(decision: Decision, reason: impl Into<String>, rule: String) -> Self {
        Verdict {
            decision,
            reason: reason.into(),
            rule: Some(rule),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_round_trip_through_text() {
        for decision in [Decision::Allow, Decision::Ask, Decision::Deny] {
            assert_eq!(decision.to_string().parse::<Decision>().unwrap(), decision);
        }
        let err = "maybe".parse::<Decision>().unwrap_err();
        assert!(err.to_string().contains("maybe"));
    }
}
