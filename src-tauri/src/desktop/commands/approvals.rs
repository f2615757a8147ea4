//! Approvals: the tool calls waiting for the user, and answering them (from the window, the
//! quick-ask window or after a notification).

use super::{gateway, ipc, Redacted};
use crate::desktop::error::IpcError;
use crate::desktop::AppState;
use hearth_gateway::policy::{ApprovalAnswer, ApprovalRequest};
use serde::Deserialize;
use tauri::State;

/// `pending_approvals`: the waiting requests, oldest first.
#[tauri::command(rename_all = "snake_case")]
pub async fn pending_approvals(
    state: State<'_, AppState>,
) -> Result<Redacted<Vec<ApprovalRequest>>, IpcError> {
    let gateway = gateway(&state);
    Redacted::new(gateway, &gateway.approvals().pending())
}

/// `answer_approval` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AnswerApprovalArgs {
    /// The pending approval request.
    pub id: String,
    /// Allow once, always allow, or deny (with an optional note).
    pub answer: ApprovalAnswer,
}

/// `answer_approval`: allow once, always allow (adds the suggested rule) or deny with a note.
#[tauri::command(rename_all = "snake_case")]
pub async fn answer_approval(
    state: State<'_, AppState>,
    args: AnswerApprovalArgs,
) -> Result<(), IpcError> {
    let AnswerApprovalArgs { id, answer } = args;
    let gateway = gateway(&state);
    gateway
        .approvals()
        .answer(&id, answer)
        .map_err(ipc(gateway))
}
