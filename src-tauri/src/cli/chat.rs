//! `hearth chat`: one agent turn from the terminal, streamed to stdout.
//!
//! Approvals are asked on the terminal; without a terminal, a call that needs approval is denied
//! unless `--approve-all` is given. Ctrl-C stops the turn and keeps the partial answer.

use anyhow::Context;
use hearth_gateway::agent::machine::Outcome;
use hearth_gateway::agent::policy_gate::AskMode;
use hearth_gateway::events::Event;
use hearth_gateway::paths::DataDir;
use hearth_gateway::policy::ApprovalAnswer;
use hearth_gateway::Gateway;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Arguments of `hearth chat`.
#[derive(Debug, clap::Args)]
pub struct ChatArgs {
    /// The model, as PROVIDER_ID/MODEL (default: the conversation's last, then
    /// general.default_model, then the first configured).
    #[arg(long, value_name = "PROVIDER_ID/MODEL")]
    pub model: Option<String>,
    /// Continue this conversation (an id or a unique prefix) instead of starting one.
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,
    /// Print the event stream as JSON lines instead of text.
    #[arg(long)]
    pub json: bool,
    /// Allow every tool call that would ask for approval (for scripts; use with care).
    #[arg(long)]
    pub approve_all: bool,
    /// The message.
    #[arg(required = true, num_args = 1.., value_name = "PROMPT")]
    pub prompt: Vec<String>,
}

/// Runs one turn and prints it.
pub fn run(data_dir: DataDir, args: ChatArgs) -> anyhow::Result<ExitCode> {
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        let gateway = Gateway::open(data_dir)?;
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let ask = if args.approve_all {
            AskMode::ApproveAll
        } else if interactive {
            AskMode::Interactive
        } else {
            AskMode::DenyAll
        };
        let mut events = gateway.bus().subscribe();
        let prompt = args.prompt.join(" ");
        let handle = gateway
            .send(
                args.conversation.as_deref(),
                &prompt,
                args.model.as_deref(),
                ask,
            )
            .await?;
        let conversation_id = handle.conversation_id.clone();
        if args.json {
            print_json(&serde_json::json!({
                "type": "conversation",
                "conversation_id": conversation_id,
                "user_message_id": handle.user_message_id,
                "model": handle.model.to_string(),
            }));
        }
        let mut join = handle.join;
        let mut stdout = std::io::stdout();
        let mut wrote_text = false;
        let mut interrupted = false;
        let report = loop {
            tokio::select! {
                result = &mut join => break result.context("the turn stopped unexpectedly")??,
                _ = tokio::signal::ctrl_c(), if !interrupted => {
                    interrupted = true;
                    gateway.stop(&conversation_id);
                }
                event = events.recv() => {
                    let Ok(event) = event else { continue };
                    if !concerns(&event, &conversation_id) {
                        continue;
                    }
                    if args.json {
                        print_json(&serde_json::to_value(&event)?);
                        continue;
                    }
                    match &event {
                        Event::TextDelta { text, .. } => {
                            write!(stdout, "{text}")?;
                            stdout.flush()?;
                            wrote_text = true;
                        }
                        Event::ToolCall {
                            call: hearth_gateway::conversation::Block::ToolCall { name, arguments, .. },
                            ..
                        } => {
                            eprintln!("\n[tool] {name} {arguments}");
                        }
                        Event::FallbackUsed { from, to, reason, .. } => {
                            eprintln!("[fallback] {from} failed ({reason}); trying {to}");
                        }
                        Event::ApprovalRequested { request } if ask == AskMode::Interactive => {
                            answer_on_terminal(&gateway, request).await;
                        }
                        _ => {}
                    }
                }
            }
        };
        if wrote_text {
            writeln!(stdout)?;
        }
        if args.json {
            print_json(&serde_json::json!({
                "type": "turn_finished",
                "conversation_id": conversation_id,
                "outcome": outcome_name(&report.outcome),
                "model": report.model.to_string(),
                "usage": report.usage,
                "cost_usd": report.cost_usd,
            }));
        }
        match report.outcome {
            Outcome::Completed => Ok(ExitCode::SUCCESS),
            Outcome::Cancelled => {
                eprintln!("hearth: stopped; the partial answer is kept (conversation {conversation_id})");
                Ok(ExitCode::from(130))
            }
            Outcome::Failed(reason) => {
                eprintln!("hearth: {reason}");
                Ok(ExitCode::FAILURE)
            }
            Outcome::StepLimit(limit) => {
                eprintln!("hearth: stopped after {limit} model calls (general.max_steps)");
                Ok(ExitCode::FAILURE)
            }
        }
    })
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Completed => "completed",
        Outcome::Cancelled => "cancelled",
        Outcome::Failed(_) => "failed",
        Outcome::StepLimit(_) => "step_limit",
    }
}

fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// Whether an event belongs to this conversation's turn (approvals and log entries carry it in
/// their payload).
fn concerns(event: &Event, conversation_id: &str) -> bool {
    match event {
        Event::TurnStarted {
            conversation_id: c, ..
        }
        | Event::TextDelta {
            conversation_id: c, ..
        }
        | Event::ReasoningDelta {
            conversation_id: c, ..
        }
        | Event::ToolCall {
            conversation_id: c, ..
        }
        | Event::ToolResult {
            conversation_id: c, ..
        }
        | Event::Usage {
            conversation_id: c, ..
        }
        | Event::FallbackUsed {
            conversation_id: c, ..
        }
        | Event::Done {
            conversation_id: c, ..
        } => c == conversation_id,
        Event::Error {
            conversation_id: c, ..
        } => c.as_deref().is_none_or(|c| c == conversation_id),
        Event::ApprovalRequested { request } => request
            .get("conversation_id")
            .and_then(|c| c.as_str())
            .is_none_or(|c| c == conversation_id),
        _ => false,
    }
}

/// Shows an approval request on stderr and reads the answer from the terminal.
async fn answer_on_terminal(gateway: &Gateway, request: &serde_json::Value) {
    let Some(id) = request
        .get("id")
        .and_then(|v| v.as_str())
        .map(str::to_string)
    else {
        return;
    };
    let tool = request.get("tool").and_then(|v| v.as_str()).unwrap_or("?");
    let preview = request
        .get("preview")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let reason = request.get("reason").and_then(|v| v.as_str()).unwrap_or("");
    eprintln!("\n── approval needed ── {tool}\n{preview}\n({reason})");
    eprint!("Allow? [y] once  [a] always  [N] deny: ");
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .ok()
    .and_then(Result::ok)
    .unwrap_or_default();
    let answer = match line.trim().to_lowercase().as_str() {
        "y" | "yes" => ApprovalAnswer::AllowOnce,
        "a" | "always" => ApprovalAnswer::AlwaysAllow,
        _ => ApprovalAnswer::Deny { note: None },
    };
    if let Err(error) = gateway.approvals().answer(&id, answer) {
        eprintln!("hearth: {error}");
    }
}
