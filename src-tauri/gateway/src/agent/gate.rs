//! The permission gate seam: the agent asks it about every tool call before running it.
//!
//! [`ToolGate`] is a trait so the agent loop is tested with simple gates ([`AllowAll`],
//! [`DenyAll`]); the real one ([`super::policy_gate::PolicyGate`]) combines the permission policy,
//! taint and interactive approvals.

use crate::tools::Tool;
use std::sync::Arc;

/// One tool call waiting for a decision.
#[derive(Clone)]
pub struct GateRequest {
    /// The conversation the call belongs to.
    pub conversation_id: String,
    /// The call id from the model.
    pub call_id: String,
    /// The tool asked for.
    pub tool: Arc<dyn Tool>,
    /// The arguments the model sent.
    pub arguments: serde_json::Value,
    /// Untrusted sources whose content came earlier in this turn (empty when untainted).
    pub taint: crate::policy::Taint,
}

/// The gate's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateDecision {
    /// Run it; `decided_by` says who (a rule, the default for its risk, the user).
    Allow { decided_by: String },
    /// Do not run it; `reason` is shown to the model and the user, with the user's note if any.
    Deny {
        reason: String,
        note: Option<String>,
    },
}

/// Decides whether a tool call may run (possibly asking the user and waiting).
#[async_trait::async_trait]
pub trait ToolGate: Send + Sync {
    /// Decides about one call.
    async fn decide(&self, request: &GateRequest) -> GateDecision;
}

/// A gate that allows everything (tests, and `--approve-all`).
pub struct AllowAll;

#[async_trait::async_trait]
impl ToolGate for AllowAll {
    async fn decide(&self, _request: &GateRequest) -> GateDecision {
        GateDecision::Allow {
            decided_by: "allow-all".into(),
        }
    }
}

/// A gate that denies everything.
pub struct DenyAll;

#[async_trait::async_trait]
impl ToolGate for DenyAll {
    async fn decide(&self, _request: &GateRequest) -> GateDecision {
        GateDecision::Deny {
            reason: "tool calls are disabled".into(),
            note: None,
        }
    }
}
