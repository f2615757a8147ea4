//! Permissions: who decides whether a tool call runs.
//!
//! - [`Rule`] — argument-scoped rules (`shell.run(git status*)`, `files.write(~/notes/**)`,
//!   `files.*`), parsed from `permissions.allow` / `permissions.deny`;
//! - [`Policy`] — the resolver: allow / ask / deny with a reason ([`Verdict`]); the precedence
//!   is written in `evaluate.rs` where it is implemented;
//! - [`Taint`] — the prompt-injection defence: after untrusted content, risky calls ask;
//! - [`Approvals`] — calls waiting for the user, with a timeout; the pause switch denies them;
//! - [`ToolInfo`] — each tool's decision in force and the rules naming it (UI, CLI);
//! - [`settings`] — changing all of the above from the CLI and the UI (persisted in
//!   `config.toml`, in force at once).
//!
//! # The gate, as the agent loop calls it
//!
//! ```text
//! let taint = Taint::new();                                  // once per turn (or conversation)
//! for each tool call (name, args) from the model:
//!     let Some(tool) = registry.get(&name) else { error result "unknown tool" };
//!     let verdict = Policy::new(live.current()).evaluate(tool.as_ref(), &args, &taint);
//!     match verdict.decision {
//!         Decision::Deny  => error result: verdict.reason        (the tool does not run)
//!         Decision::Allow => {}
//!         Decision::Ask   => {
//!             let request = ApprovalRequest::new(tool.as_ref(), &args, &verdict, &taint);
//!             // optionally set request.conversation_id / request.call_id
//!             let resolution = approvals.resolve(request).await;   // or approvals.ask(..)
//!             if !resolution.answer.allows() { error result: the Deny note (for the model) }
//!             // AlwaysAllow: the rule is already saved (resolution.rule_added)
//!         }
//!     }
//!     let ctx = ToolContext::new(live.run_token_for(&turn_cancel)); // pause/stop cancel it
//!     let output = match tool.run(args, ctx).await { Ok(o) => o, Err(e) => e.into_output() };
//!     taint.observe(&name, &output);                         // untrusted results taint
//!     → a ToolResult block { content: output.content, is_error: output.is_error }
//! ```
//!
//! This module records nothing: the agent loop writes each step (requested, verdict,
//! approval, started, finished) to the action log around these calls.

mod approvals;
mod decision;
mod error;
mod evaluate;
mod overview;
mod rule;
pub mod settings;
mod taint;

#[cfg(test)]
mod injection_tests;

pub use approvals::{
    AnsweredBy, ApprovalAnswer, ApprovalError, ApprovalRequest, Approvals, Resolution,
};
pub use decision::{Decision, UnknownDecision, Verdict};
pub use error::PolicyError;
pub use evaluate::Policy;
pub use overview::{list_tools, tool_info, ToolInfo, ToolRule};
pub use rule::{Rule, RuleError, RuleList};
pub use taint::{Taint, TaintSource};
