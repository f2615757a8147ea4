//! The turn driver: performs what the [`TurnMachine`] asks — model calls streamed into the store
//! and onto the bus, tool calls through the gate and the action log — and feeds back what
//! happened.

use super::answer::AnswerBuilder;
use super::gate::{GateDecision, GateRequest, ToolGate};
use super::machine::{Effect, Input, Outcome, TurnMachine};
use super::model_ref::ModelRef;
use crate::audit::{
    to_detail, ActionLog, Actor, DecisionDetail, EntryId, EntryKind, EntryStatus, KeyUseDetail,
    ModelCallDetail, ModelCallOutcome, NewEntry, Outcome as AuditOutcome, Stage, ToolCallDetail,
};
use crate::config::{Config, LiveConfig};
use crate::conversation::{Block, Message, MessageStatus, Role, Usage};
use crate::events::{Event, EventBus};
use crate::keys::KeyStore;
use crate::policy::Taint;
use crate::providers::{self, ChatRequest, ProviderError, StreamEvent};
use crate::store::{Finish, Store};
use crate::tools::{run_tool, ToolRegistry};
use futures::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// How often reasoning and structure changes are persisted while streaming (text deltas are
/// batched by the store itself).
const PERSIST_INTERVAL: Duration = Duration::from_millis(250);

/// Errors that stop a turn before it can run at all (model failures end the turn normally, with
/// the failure recorded on the message).
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// Reading or writing history failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Everything a turn needs; cheap to clone.
#[derive(Clone)]
pub struct Agent {
    /// Conversation history.
    pub store: Store,
    /// Provider keys (keychain or `key_env`).
    pub keys: Arc<KeyStore>,
    /// The tools offered to models.
    pub tools: Arc<ToolRegistry>,
    /// Where deltas, tool calls and results are published.
    pub bus: EventBus,
    /// The one HTTP client for provider calls.
    pub http: crate::providers::HttpClient,
    /// The action log.
    pub audit: ActionLog,
}

/// Per-turn settings.
#[derive(Clone)]
pub struct TurnOptions {
    /// The configuration in force when the turn started.
    pub config: Arc<Config>,
    /// The full system prompt (instructions + personal context).
    pub system_prompt: Option<String>,
    /// The permission gate.
    pub gate: Arc<dyn ToolGate>,
    /// Cancelled when the user stops the turn.
    pub cancel: CancellationToken,
    /// The live configuration (tool runs also stop when the agent is paused).
    pub live: LiveConfig,
}

/// What a finished turn produced.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnReport {
    /// How it ended.
    pub outcome: Outcome,
    /// The last assistant message written (if any).
    pub last_message_id: Option<String>,
    /// The model that answered last (after any fallback).
    pub model: ModelRef,
    /// Usage summed over the turn's model calls.
    pub usage: Usage,
    /// Cost summed over the turn's model calls, when known.
    pub cost_usd: Option<f64>,
}

/// The result of one model call, as the machine needs it.
struct CallResult {
    input: Input,
}

/// The mutable state of one turn.
struct TurnState {
    conversation_id: String,
    last_message_id: Option<String>,
    pending_calls: Vec<(String, String, serde_json::Value)>,
    taint: Taint,
    usage: Usage,
    cost_usd: Option<f64>,
}

impl Agent {
    /// Runs one agent turn on `conversation_id`, whose last message is the user's, until the
    /// model answers without tool calls, fails, is cancelled or reaches the step limit.
    pub async fn run_turn(
        &self,
        conversation_id: &str,
        model: ModelRef,
        options: TurnOptions,
    ) -> Result<TurnReport, AgentError> {
        let fallbacks = options
            .config
            .providers
            .get(&model.provider)
            .map(|p| p.fallback.iter().filter_map(|f| f.parse().ok()).collect())
            .unwrap_or_default();
        let mut machine = TurnMachine::new(model, fallbacks, options.config.general.max_steps);
        let mut state = TurnState {
            conversation_id: conversation_id.to_string(),
            last_message_id: None,
            pending_calls: Vec::new(),
            // Untrusted content from earlier turns is still in the context: it taints this one.
            taint: Taint::from_history(
                &self.store.current_path(conversation_id).await?,
                &self.tools,
            ),
            usage: Usage::default(),
            cost_usd: None,
        };
        let mut queue: std::collections::VecDeque<Effect> = machine.handle(Input::Start).into();
        while let Some(effect) = queue.pop_front() {
            let input = match effect {
                Effect::CallModel(model) => {
                    self.call_model(&model, &options, &mut state).await?.input
                }
                Effect::FallBack { from, to, reason } => {
                    self.announce_fallback(&state, &from, &to, &reason).await;
                    continue;
                }
                Effect::RunTools => {
                    if options.cancel.is_cancelled() {
                        Input::Cancelled
                    } else {
                        self.run_tools(&options, &mut state).await?;
                        if options.cancel.is_cancelled() {
                            Input::Cancelled
                        } else {
                            Input::ToolsFinished
                        }
                    }
                }
                Effect::Finish(outcome) => {
                    if !state.pending_calls.is_empty() {
                        // Every tool call needs a result, or the next turn is invalid for most
                        // providers: record the unrun calls as cancelled.
                        let cancelled = CancellationToken::new();
                        cancelled.cancel();
                        let stopped = TurnOptions {
                            cancel: cancelled,
                            ..options.clone()
                        };
                        self.run_tools(&stopped, &mut state).await?;
                    }
                    if let Outcome::StepLimit(limit) = &outcome {
                        self.bus.publish(Event::Error {
                            conversation_id: Some(state.conversation_id.clone()),
                            message: format!(
                                "stopped after {limit} model calls (general.max_steps)"
                            ),
                        });
                    }
                    return Ok(TurnReport {
                        outcome,
                        last_message_id: state.last_message_id,
                        model: machine.model().clone(),
                        usage: state.usage,
                        cost_usd: state.cost_usd,
                    });
                }
            };
            queue.extend(machine.handle(input));
        }
        // The machine always ends with Finish; reaching here means it was fed nothing.
        Ok(TurnReport {
            outcome: Outcome::Failed("the turn ended unexpectedly".into()),
            last_message_id: state.last_message_id,
            model: machine.model().clone(),
            usage: state.usage,
            cost_usd: state.cost_usd,
        })
    }

    async fn announce_fallback(
        &self,
        state: &TurnState,
        from: &ModelRef,
        to: &ModelRef,
        reason: &str,
    ) {
        tracing::warn!(%from, %to, reason, "falling back to another model");
        let entry = NewEntry {
            kind: EntryKind::ModelCall,
            actor: Actor::System,
            conversation_id: Some(state.conversation_id.clone()),
            summary: format!("fallback {from} → {to}"),
            detail: serde_json::json!({"from": from.to_string(), "to": to.to_string(), "reason": reason}),
        };
        if let Err(error) = self
            .audit
            .record(
                entry,
                AuditOutcome::ok(reason.to_string(), serde_json::json!({})),
            )
            .await
        {
            tracing::error!(%error, "cannot record a fallback in the action log");
        }
        self.bus.publish(Event::FallbackUsed {
            conversation_id: state.conversation_id.clone(),
            from: from.to_string(),
            to: to.to_string(),
            reason: reason.to_string(),
        });
    }

    /// Streams one model call into a new assistant message.
    async fn call_model(
        &self,
        model: &ModelRef,
        options: &TurnOptions,
        state: &mut TurnState,
    ) -> Result<CallResult, AgentError> {
        let failed = |reason: String, can_fall_back: bool| CallResult {
            input: Input::ModelFailed {
                received_content: false,
                can_fall_back,
                reason,
            },
        };
        let Some(provider_config) = options.config.providers.get(&model.provider) else {
            let reason = format!(
                "no provider '{}' is configured (add it with `hearth provider add`)",
                model.provider
            );
            self.record_failed_answer(state, model, &reason).await?;
            return Ok(failed(reason, true));
        };
        let history = self.store.current_path(&state.conversation_id).await?;
        let parent_id = history.last().map(|m| m.id.clone());
        let request = ChatRequest {
            model: model.model.clone(),
            system: options.system_prompt.clone(),
            messages: context_messages(history),
            tools: self.tools.specs(),
            max_tokens: provider_config.max_tokens,
            temperature: None,
            reasoning: None,
        };
        let audit_id = match self
            .audit
            .begin(NewEntry::model_call(
                Some(state.conversation_id.clone()),
                ModelCallDetail {
                    provider: model.provider.clone(),
                    model: model.model.clone(),
                    message_id: None,
                },
            ))
            .await
        {
            Ok(id) => Some(id),
            Err(error) => {
                // Invariant: nothing leaves without an action-log entry written first.
                let reason =
                    format!("the action log is unavailable ({error}), so no model was called");
                self.record_failed_answer(state, model, &reason).await?;
                return Ok(failed(reason, false));
            }
        };
        let started = Instant::now();
        let key = match self.keys.key_for(&model.provider, provider_config).await {
            Ok(key) => key,
            Err(error) => {
                let reason = error.to_string();
                self.complete_audit(audit_id, EntryStatus::Error, &reason, serde_json::json!({}))
                    .await;
                let last = options.cancel.is_cancelled();
                if !last {
                    self.record_failed_answer(state, model, &reason).await?;
                }
                return Ok(failed(reason, true));
            }
        };
        if key.is_some() {
            let entry = NewEntry::key_use(
                Some(state.conversation_id.clone()),
                KeyUseDetail {
                    provider: model.provider.clone(),
                    origin: provider_config.effective_base_url().unwrap_or_default(),
                    source: if provider_config.key_env.is_some() {
                        "env"
                    } else {
                        "keychain"
                    }
                    .into(),
                },
            );
            if let Err(error) = self
                .audit
                .record(
                    entry,
                    AuditOutcome::ok("key sent as the auth header", serde_json::json!({})),
                )
                .await
            {
                let reason =
                    format!("the action log is unavailable ({error}), so the key was not used");
                self.complete_audit(audit_id, EntryStatus::Error, &reason, serde_json::json!({}))
                    .await;
                return Ok(failed(reason, false));
            }
        }
        let provider = providers::build(&model.provider, provider_config, self.http.clone());
        let stream = tokio::select! {
            _ = options.cancel.cancelled() => Err(ProviderError::Cancelled),
            result = provider.stream(request, key) => result,
        };
        drop(provider);
        let mut stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                return self
                    .model_call_failed(
                        error,
                        model,
                        options,
                        state,
                        audit_id,
                        started,
                        None,
                        AnswerBuilder::new(),
                    )
                    .await;
            }
        };

        let mut answer = AnswerBuilder::new();
        let mut message_id: Option<String> = None;
        let mut last_persist = Instant::now();
        let mut first_token_ms: Option<u64> = None;
        loop {
            let next = tokio::select! {
                _ = options.cancel.cancelled() => Some(Err(ProviderError::Cancelled)),
                next = stream.next() => next,
            };
            let event = match next {
                None => break,
                Some(Err(error)) => {
                    drop(stream);
                    return self
                        .model_call_failed(
                            error, model, options, state, audit_id, started, message_id, answer,
                        )
                        .await;
                }
                Some(Ok(event)) => event,
            };
            let first_content = message_id.is_none()
                && matches!(
                    event,
                    StreamEvent::TextDelta(_)
                        | StreamEvent::ReasoningDelta(_)
                        | StreamEvent::ReasoningDone(_)
                        | StreamEvent::ToolCall { .. }
                );
            if first_content {
                first_token_ms = Some(started.elapsed().as_millis() as u64);
                let id = self
                    .store
                    .begin_assistant(
                        &state.conversation_id,
                        parent_id.as_deref().unwrap_or_default(),
                        &model.provider,
                        &model.model,
                    )
                    .await?;
                self.bus.publish(Event::TurnStarted {
                    conversation_id: state.conversation_id.clone(),
                    message_id: id.clone(),
                    provider: model.provider.clone(),
                    model: model.model.clone(),
                });
                state.last_message_id = Some(id.clone());
                message_id = Some(id);
            }
            let id = message_id.clone().unwrap_or_default();
            match &event {
                StreamEvent::TextDelta(text) => {
                    let text = &self.keys.redactor().scrub_string(text.clone());
                    let extends_text = matches!(answer.blocks().last(), Some(Block::Text { .. }));
                    answer.apply(event.clone());
                    if extends_text {
                        self.store.append_delta(&id, text)?;
                    } else {
                        self.store
                            .set_blocks(&id, self.scrubbed(answer.blocks().to_vec()))
                            .await?;
                        last_persist = Instant::now();
                    }
                    self.bus.publish(Event::TextDelta {
                        conversation_id: state.conversation_id.clone(),
                        message_id: id,
                        text: text.clone(),
                    });
                }
                StreamEvent::ReasoningDelta(text) => {
                    let text = &self.keys.redactor().scrub_string(text.clone());
                    answer.apply(event.clone());
                    if last_persist.elapsed() >= PERSIST_INTERVAL {
                        self.store
                            .set_blocks(&id, self.scrubbed(answer.blocks().to_vec()))
                            .await?;
                        last_persist = Instant::now();
                    }
                    self.bus.publish(Event::ReasoningDelta {
                        conversation_id: state.conversation_id.clone(),
                        message_id: id,
                        text: text.clone(),
                    });
                }
                StreamEvent::ReasoningDone(_) => {
                    answer.apply(event.clone());
                    self.store
                        .set_blocks(&id, self.scrubbed(answer.blocks().to_vec()))
                        .await?;
                    last_persist = Instant::now();
                }
                StreamEvent::ToolCall { .. } => {
                    answer.apply(event.clone());
                    self.store
                        .set_blocks(&id, self.scrubbed(answer.blocks().to_vec()))
                        .await?;
                    last_persist = Instant::now();
                    if let Some(call) = answer.blocks().last() {
                        self.bus.publish(Event::ToolCall {
                            conversation_id: state.conversation_id.clone(),
                            message_id: id,
                            call: self.scrubbed(vec![call.clone()]).remove(0),
                        });
                    }
                }
                StreamEvent::Usage(_) | StreamEvent::Done(_) => answer.apply(event.clone()),
            }
        }

        // The stream ended normally.
        let usage = answer.usage();
        let stop_reason = answer.stop_reason();
        let cost =
            usage.and_then(|u| providers::cost_usd(&model.model, &u, &options.config.prices));
        let blocks = answer.into_blocks();
        let tool_calls: Vec<(String, String, serde_json::Value)> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::ToolCall {
                    id,
                    name,
                    arguments,
                    ..
                } => Some((id.clone(), name.clone(), arguments.clone())),
                _ => None,
            })
            .collect();
        let id = match message_id {
            Some(id) => id,
            // An empty answer is still an answer: record it so history shows it.
            None => {
                let id = self
                    .store
                    .begin_assistant(
                        &state.conversation_id,
                        parent_id.as_deref().unwrap_or_default(),
                        &model.provider,
                        &model.model,
                    )
                    .await?;
                state.last_message_id = Some(id.clone());
                id
            }
        };
        self.store
            .set_blocks(&id, self.scrubbed(blocks.clone()))
            .await?;
        self.store
            .finish(&id, Finish::complete(usage, cost))
            .await?;
        self.account_usage(state, &id, usage, cost);
        let outcome = ModelCallOutcome {
            input_tokens: usage.map(|u| u.input_tokens),
            output_tokens: usage.map(|u| u.output_tokens),
            cost_usd: cost,
            first_token_ms,
            stop_reason: stop_reason.map(|r| format!("{r:?}").to_lowercase()),
        };
        self.complete_audit(
            audit_id,
            EntryStatus::Ok,
            &format!("{} tool call(s)", tool_calls.len()),
            to_detail(&outcome),
        )
        .await;
        self.bus.publish(Event::Done {
            conversation_id: state.conversation_id.clone(),
            message_id: id,
            status: MessageStatus::Complete,
        });
        let count = tool_calls.len();
        state.pending_calls = tool_calls;
        Ok(CallResult {
            input: Input::ModelFinished { tool_calls: count },
        })
    }

    fn account_usage(
        &self,
        state: &mut TurnState,
        message_id: &str,
        usage: Option<Usage>,
        cost: Option<f64>,
    ) {
        if let Some(usage) = usage {
            state.usage.add(&usage);
            self.bus.publish(Event::Usage {
                conversation_id: state.conversation_id.clone(),
                message_id: message_id.to_string(),
                usage,
                cost_usd: cost,
            });
        }
        if let Some(cost) = cost {
            *state.cost_usd.get_or_insert(0.0) += cost;
        }
    }

    /// A model call failed: keep any partial answer (marked), record the failure, and tell the
    /// machine whether a fallback may help.
    #[allow(clippy::too_many_arguments)]
    async fn model_call_failed(
        &self,
        error: ProviderError,
        model: &ModelRef,
        options: &TurnOptions,
        state: &mut TurnState,
        audit_id: Option<EntryId>,
        started: Instant,
        message_id: Option<String>,
        answer: AnswerBuilder,
    ) -> Result<CallResult, AgentError> {
        let cancelled = matches!(error, ProviderError::Cancelled) || options.cancel.is_cancelled();
        let reason = self.keys.redactor().scrub_string(error.to_string());
        let (status, audit_status) = if cancelled {
            (MessageStatus::Cancelled, EntryStatus::Cancelled)
        } else {
            (MessageStatus::Error, EntryStatus::Error)
        };
        let _ = started;
        self.complete_audit(
            audit_id,
            audit_status,
            &reason,
            serde_json::json!({"kind": error.kind()}),
        )
        .await;
        let received_content = message_id.is_some();
        if let Some(id) = &message_id {
            let usage = answer.usage();
            let cost =
                usage.and_then(|u| providers::cost_usd(&model.model, &u, &options.config.prices));
            self.store
                .set_blocks(id, self.scrubbed(answer.into_blocks()))
                .await?;
            self.store
                .finish(
                    id,
                    Finish {
                        status,
                        usage,
                        cost_usd: cost,
                        error: (!cancelled).then(|| reason.clone()),
                    },
                )
                .await?;
            self.account_usage(state, id, usage, cost);
            self.bus.publish(Event::Done {
                conversation_id: state.conversation_id.clone(),
                message_id: id.clone(),
                status,
            });
        }
        if cancelled {
            return Ok(CallResult {
                input: Input::Cancelled,
            });
        }
        let can_fall_back = !matches!(
            error,
            ProviderError::InvalidRequest { .. } | ProviderError::ContextTooLong { .. }
        ) || received_content;
        if !received_content {
            // Record the failure in history only if no fallback will run; the machine decides, so
            // record it when there is nothing left to fall back to (checked by the caller's next
            // step). Keep it simple and honest: record every failure the user would otherwise
            // not see.
            let has_fallback = options
                .config
                .providers
                .get(&model.provider)
                .is_some_and(|p| !p.fallback.is_empty());
            if !(has_fallback && can_fall_back) {
                self.record_failed_answer(state, model, &reason).await?;
            }
        }
        Ok(CallResult {
            input: Input::ModelFailed {
                received_content,
                can_fall_back,
                reason,
            },
        })
    }

    /// Stores an empty assistant message with status `error`, so the failure is visible in
    /// history and the UI can offer Retry.
    async fn record_failed_answer(
        &self,
        state: &mut TurnState,
        model: &ModelRef,
        reason: &str,
    ) -> Result<(), AgentError> {
        let mut message = Message::new(Role::Assistant, Vec::new());
        message.provider = Some(model.provider.clone());
        message.model = Some(model.model.clone());
        message.status = MessageStatus::Error;
        message.error = Some(reason.to_string());
        let stored = self
            .store
            .append_message(&state.conversation_id, message)
            .await?;
        self.bus.publish(Event::Error {
            conversation_id: Some(state.conversation_id.clone()),
            message: reason.to_string(),
        });
        self.bus.publish(Event::Done {
            conversation_id: state.conversation_id.clone(),
            message_id: stored.id.clone(),
            status: MessageStatus::Error,
        });
        state.last_message_id = Some(stored.id);
        Ok(())
    }

    async fn complete_audit(
        &self,
        id: Option<EntryId>,
        status: EntryStatus,
        summary: &str,
        detail: serde_json::Value,
    ) {
        if let Some(id) = id {
            let outcome = AuditOutcome {
                status,
                summary: summary.to_string(),
                detail,
                duration_ms: None,
            };
            if let Err(error) = self.audit.complete(&id, outcome).await {
                tracing::error!(%error, "cannot complete an action-log entry");
            }
        }
    }

    /// Gates and runs every pending tool call, then stores the results as one tool message.
    async fn run_tools(
        &self,
        options: &TurnOptions,
        state: &mut TurnState,
    ) -> Result<(), AgentError> {
        let calls = std::mem::take(&mut state.pending_calls);
        let mut results = Vec::with_capacity(calls.len());
        for (call_id, name, arguments) in calls {
            let result = if options.cancel.is_cancelled() {
                Block::ToolResult {
                    call_id: call_id.clone(),
                    content: "cancelled by the user before it ran".into(),
                    is_error: true,
                }
            } else {
                self.run_one_tool(options, state, &call_id, &name, arguments)
                    .await
            };
            self.bus.publish(Event::ToolResult {
                conversation_id: state.conversation_id.clone(),
                message_id: state.last_message_id.clone().unwrap_or_default(),
                result: self.scrubbed(vec![result.clone()]).remove(0),
            });
            results.push(result);
        }
        let message = Message::new(Role::Tool, self.scrubbed(results));
        let stored = self
            .store
            .append_message(&state.conversation_id, message)
            .await?;
        state.last_message_id = Some(stored.id);
        Ok(())
    }

    async fn run_one_tool(
        &self,
        options: &TurnOptions,
        state: &mut TurnState,
        call_id: &str,
        name: &str,
        arguments: serde_json::Value,
    ) -> Block {
        let refuse = |content: String| Block::ToolResult {
            call_id: call_id.to_string(),
            content,
            is_error: true,
        };
        let Some(tool) = self.tools.get(name) else {
            return refuse(format!("there is no tool named '{name}'"));
        };
        let request_entry = self
            .audit
            .begin(NewEntry::tool_call(
                Some(state.conversation_id.clone()),
                ToolCallDetail {
                    tool: name.to_string(),
                    call_id: call_id.to_string(),
                    arguments: arguments.clone(),
                    preview: tool.preview(&arguments),
                },
            ))
            .await;
        let Ok(entry_id) = request_entry else {
            // Invariant: no side effect without an action-log entry written first.
            return refuse("the action log is unavailable, so the tool was not run".into());
        };
        let decision = options
            .gate
            .decide(&GateRequest {
                conversation_id: state.conversation_id.clone(),
                call_id: call_id.to_string(),
                tool: tool.clone(),
                arguments: arguments.clone(),
                taint: state.taint.clone(),
            })
            .await;
        let (decision_text, reason, note, actor) = match &decision {
            GateDecision::Allow { decided_by } => {
                ("allow", decided_by.clone(), None, decider(decided_by))
            }
            GateDecision::Deny { reason, note } => {
                ("deny", reason.clone(), note.clone(), decider(reason))
            }
        };
        let staged = self
            .audit
            .stage(
                &entry_id,
                Stage {
                    name: "decided".into(),
                    actor,
                    summary: format!("{decision_text}: {reason}"),
                    detail: to_detail(&DecisionDetail {
                        decision: decision_text.into(),
                        reason: reason.clone(),
                        note: note.clone(),
                    }),
                },
            )
            .await;
        if let GateDecision::Deny { reason, note } = decision {
            let mut content = format!("Not run: {reason}.");
            if let Some(note) = &note {
                content.push_str(&format!("\nNote from the user: {note}"));
            }
            self.complete_audit(
                Some(entry_id),
                EntryStatus::Denied,
                &reason,
                serde_json::json!({}),
            )
            .await;
            return refuse(content);
        }
        if staged.is_err() {
            self.complete_audit(
                Some(entry_id),
                EntryStatus::Error,
                "action log unavailable",
                serde_json::json!({}),
            )
            .await;
            return refuse("the action log is unavailable, so the tool was not run".into());
        }
        let output = run_tool(tool.as_ref(), arguments, &options.live, &options.cancel).await;
        match output {
            Ok(output) => {
                state.taint.observe(name, &output);
                let status = if output.is_error {
                    EntryStatus::Error
                } else {
                    EntryStatus::Ok
                };
                self.complete_audit(
                    Some(entry_id),
                    status,
                    &output.summary,
                    serde_json::json!({
                        "output_bytes": output.content.len(),
                        "untrusted": output.untrusted,
                    }),
                )
                .await;
                Block::ToolResult {
                    call_id: call_id.to_string(),
                    content: output.content,
                    is_error: output.is_error,
                }
            }
            Err(error) => {
                let message = self.keys.redactor().scrub_string(error.to_string());
                let status = if options.cancel.is_cancelled() {
                    EntryStatus::Cancelled
                } else {
                    EntryStatus::Error
                };
                self.complete_audit(Some(entry_id), status, &message, serde_json::json!({}))
                    .await;
                refuse(message)
            }
        }
    }
}

impl Agent {
    /// `blocks` with every known secret (and key-shaped string) masked: what is stored and
    /// shown. A model or a tool may echo a key; history never keeps it.
    fn scrubbed(&self, mut blocks: Vec<Block>) -> Vec<Block> {
        let redactor = self.keys.redactor();
        for block in &mut blocks {
            match block {
                Block::Text { text } | Block::Reasoning { text, .. } => {
                    *text = redactor.scrub_string(std::mem::take(text));
                }
                Block::ToolCall { arguments, .. } => redactor.scrub_json(arguments),
                Block::ToolResult { content, .. } => {
                    *content = redactor.scrub_string(std::mem::take(content));
                }
            }
        }
        blocks
    }
}

/// Who made a gate decision, for the action log.
fn decider(decided_by: &str) -> Actor {
    if let Some(rule) = decided_by.strip_prefix("rule ") {
        Actor::Rule(rule.to_string())
    } else if decided_by.starts_with("user")
        || decided_by.contains("denied it")
        || decided_by == "--approve-all"
    {
        Actor::User
    } else {
        Actor::System
    }
}

/// The messages sent as context: the current path, minus empty failed answers (which carry no
/// content the model could use).
fn context_messages(history: Vec<Message>) -> Vec<Message> {
    history
        .into_iter()
        .filter(|m| m.role != Role::System)
        .filter(|m| !(m.role == Role::Assistant && m.blocks.is_empty()))
        .collect()
}
