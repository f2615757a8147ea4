//! [`PolicyGate`]: the real permission gate. For each call: the pause switch, then the policy's
//! verdict (rules, per-tool settings, risk defaults, taint); `ask` becomes an approval request
//! answered in any shell — or, without one, denied (`DenyAll`) or allowed (`ApproveAll`).
//! Every approval is recorded in the action log.

use super::gate::{GateDecision, GateRequest, ToolGate};
use crate::audit::{ActionLog, Actor, DecisionDetail, EntryKind, EntryStatus, NewEntry, Outcome};
use crate::config::LiveConfig;
use crate::policy::{AnsweredBy, ApprovalAnswer, ApprovalRequest, Approvals, Decision, Policy};

/// What to do with calls the policy says to ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskMode {
    /// Ask the user (window, tray, terminal) and wait for the answer or the timeout.
    Interactive,
    /// Nobody can answer (a script without a terminal): deny.
    DenyAll,
    /// The user said `--approve-all`: allow.
    ApproveAll,
}

/// The gate over the live policy and the approvals registry.
pub struct PolicyGate {
    live: LiveConfig,
    approvals: Approvals,
    audit: ActionLog,
    mode: AskMode,
}

impl PolicyGate {
    /// A gate reading the policy from `live` at each call.
    pub fn new(live: LiveConfig, approvals: Approvals, audit: ActionLog, mode: AskMode) -> Self {
        PolicyGate {
            live,
            approvals,
            audit,
            mode,
        }
    }

    async fn record_approval(
        &self,
        request: &ApprovalRequest,
        decision: &str,
        reason: &str,
        actor: Actor,
        note: Option<String>,
    ) {
        let entry = NewEntry {
            kind: EntryKind::Approval,
            actor,
            conversation_id: request.conversation_id.clone(),
            summary: format!(
                "{} {}: {}",
                decision,
                request.tool,
                crate::audit::headline(&request.preview)
            ),
            detail: crate::audit::to_detail(&DecisionDetail {
                decision: decision.to_string(),
                reason: reason.to_string(),
                note,
            }),
        };
        let status = if decision.starts_with("allow") {
            EntryStatus::Ok
        } else {
            EntryStatus::Denied
        };
        if let Err(error) = self
            .audit
            .record(entry, Outcome::with_status(status, reason.to_string()))
            .await
        {
            tracing::error!(%error, "cannot record an approval in the action log");
        }
    }
}

#[async_trait::async_trait]
impl ToolGate for PolicyGate {
    async fn decide(&self, request: &GateRequest) -> GateDecision {
        if self.live.is_paused() {
            return GateDecision::Deny {
                reason: "the agent is paused: no tool runs until it is resumed".into(),
                note: None,
            };
        }
        let policy = Policy::new(self.live.current());
        let verdict = policy.evaluate(request.tool.as_ref(), &request.arguments, &request.taint);
        match verdict.decision {
            Decision::Allow => GateDecision::Allow {
                decided_by: verdict
                    .rule
                    .map(|r| format!("rule {r}"))
                    .unwrap_or(verdict.reason),
            },
            Decision::Deny => GateDecision::Deny {
                reason: verdict.reason,
                note: None,
            },
            Decision::Ask => {
                let mut approval = ApprovalRequest::new(
                    request.tool.as_ref(),
                    &request.arguments,
                    &verdict,
                    &request.taint,
                );
                approval.conversation_id = Some(request.conversation_id.clone());
                approval.call_id = Some(request.call_id.clone());
                match self.mode {
                    AskMode::DenyAll => {
                        let reason = format!(
                            "{} (no one can approve it here: run in a terminal, or pass --approve-all)",
                            verdict.reason
                        );
                        self.record_approval(&approval, "deny", &reason, Actor::System, None)
                            .await;
                        GateDecision::Deny { reason, note: None }
                    }
                    AskMode::ApproveAll => {
                        self.record_approval(
                            &approval,
                            "allow",
                            "--approve-all",
                            Actor::User,
                            None,
                        )
                        .await;
                        GateDecision::Allow {
                            decided_by: "--approve-all".into(),
                        }
                    }
                    AskMode::Interactive => {
                        let resolution = self.approvals.resolve(approval.clone()).await;
                        let actor = match resolution.by {
                            AnsweredBy::User => Actor::User,
                            AnsweredBy::Timeout | AnsweredBy::Pause => Actor::System,
                        };
                        let outcome = resolution.outcome();
                        match resolution.answer {
                            ApprovalAnswer::AllowOnce | ApprovalAnswer::AlwaysAllow => {
                                self.record_approval(&approval, outcome, outcome, actor, None)
                                    .await;
                                GateDecision::Allow {
                                    decided_by: format!("user ({outcome})"),
                                }
                            }
                            ApprovalAnswer::Deny { note } => {
                                self.record_approval(
                                    &approval,
                                    "deny",
                                    outcome,
                                    actor,
                                    note.clone(),
                                )
                                .await;
                                let reason = match resolution.by {
                                    AnsweredBy::User => "the user denied it".to_string(),
                                    AnsweredBy::Timeout => {
                                        "nobody answered the approval request in time".to_string()
                                    }
                                    AnsweredBy::Pause => "the agent was paused".to_string(),
                                };
                                GateDecision::Deny { reason, note }
                            }
                        }
                    }
                }
            }
        }
    }
}
