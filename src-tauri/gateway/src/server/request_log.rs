//! Every local API request in the action log, actor `api:TOKEN_NAME`.
//!
//! A request that reaches a model is logged by its handler: [`RequestLog::begin`] writes the
//! entry (route, model) BEFORE the upstream call and the returned [`CallRecord`] completes it
//! AFTER the answer (status, latency, time to first token, tokens) — or, when the client goes
//! away mid-stream, as cancelled. The completion of a delivered answer is written in the
//! background and shares the commit of the next write (usually the next request's `begin`).
//! Every other request (refused by a check, malformed, listing models) is logged by
//! [`super::guard`] in one record once it is answered ([`RequestLog::finish`]).

use crate::agent::ModelRef;
use crate::audit::{ActionLog, ApiRequestDetail, EntryId, EntryStatus, NewEntry, Outcome};
use crate::conversation::Usage;
use crate::providers::StopReason;
use axum::extract::Request;
use axum::response::Response;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::state::ServerState;

/// The actor name used before a token is known.
pub const NO_CLIENT: &str = "(none)";

/// The outcome detail of an API request entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApiRequestOutcome {
    /// The HTTP status answered (200 for a stream that started).
    pub status: u16,
    /// Total time, in milliseconds.
    pub latency_ms: u64,
    /// Time to the first upstream event, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_token_ms: Option<u64>,
    /// Input tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    /// Output tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// Why the model stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<StopReason>,
    /// Whether the answer was streamed.
    pub stream: bool,
}

/// Per-request logging state, put in the request's extensions by [`super::guard`].
#[derive(Debug, Clone)]
pub struct RequestLog {
    inner: Arc<Mutex<LogState>>,
    audit: ActionLog,
    method: String,
    path: String,
    started: Instant,
}

#[derive(Debug, Default)]
struct LogState {
    client: Option<String>,
    handled: bool,
}

impl RequestLog {
    /// Records which client sent the request (by the auth layer).
    pub fn set_client(&self, name: &str) {
        self.lock().client = Some(name.to_string());
    }

    fn client(&self) -> String {
        self.lock()
            .client
            .clone()
            .unwrap_or_else(|| NO_CLIENT.to_string())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogState> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes the entry of a model request BEFORE it is forwarded (one append to the action
    /// log's journal, see [`ActionLog::begin_journaled`]); the handler owns its completion
    /// from now on.
    pub async fn begin(
        &self,
        model: &ModelRef,
        stream: bool,
    ) -> Result<CallRecord, crate::audit::AuditError> {
        let detail = ApiRequestDetail {
            method: self.method.clone(),
            path: self.path.clone(),
            model: Some(model.to_string()),
        };
        let id = self
            .audit
            .begin_journaled(NewEntry::api_request(self.client(), detail))
            .await?;
        self.lock().handled = true;
        Ok(CallRecord {
            audit: self.audit.clone(),
            id: Some(id),
            started: self.started,
            outcome: ApiRequestOutcome {
                stream,
                ..Default::default()
            },
            model: model.to_string(),
        })
    }
}

/// The open action-log entry of one forwarded request.
#[derive(Debug)]
pub struct CallRecord {
    audit: ActionLog,
    id: Option<EntryId>,
    started: Instant,
    outcome: ApiRequestOutcome,
    model: String,
}

impl CallRecord {
    /// Notes the first upstream event.
    pub fn first_token(&mut self) {
        if self.outcome.first_token_ms.is_none() {
            self.outcome.first_token_ms = Some(self.started.elapsed().as_millis() as u64);
        }
    }

    /// Notes token usage (later values replace earlier ones).
    pub fn usage(&mut self, usage: &Usage) {
        self.outcome.input_tokens = Some(usage.input_tokens);
        self.outcome.output_tokens = Some(usage.output_tokens);
    }

    /// Notes why the model stopped.
    pub fn stop(&mut self, reason: StopReason) {
        self.outcome.stop_reason = Some(reason);
    }

    /// Completes the entry: `status` is the HTTP status (or 200 for a stream), `error` the
    /// failure if any.
    pub async fn finish(mut self, status: u16, error: Option<&str>) {
        let Some(id) = self.id.take() else { return };
        let (entry_status, summary) = self.summary(status, error);
        complete(
            &self.audit,
            &id,
            entry_status,
            summary,
            &self.outcome_with(status),
        )
        .await;
    }

    /// [`CallRecord::finish`] in the background, for an answer already delivered: the
    /// completion shares the next group commit (see [`ActionLog::complete_detached`]), so it
    /// never delays the next request.
    pub fn finish_in_background(mut self, status: u16, error: Option<String>) {
        let Some(id) = self.id.take() else { return };
        let (entry_status, summary) = self.summary(status, error.as_deref());
        let outcome = api_outcome(entry_status, summary, &self.outcome_with(status));
        self.audit.complete_detached(&id, outcome);
    }

    fn outcome_with(&self, status: u16) -> ApiRequestOutcome {
        ApiRequestOutcome {
            status,
            latency_ms: self.started.elapsed().as_millis() as u64,
            ..self.outcome.clone()
        }
    }

    fn summary(&self, status: u16, error: Option<&str>) -> (EntryStatus, String) {
        match error {
            Some(error) => (
                EntryStatus::Error,
                format!("{status} {}: {error}", self.model),
            ),
            None => {
                let tokens = match (self.outcome.input_tokens, self.outcome.output_tokens) {
                    (Some(i), Some(o)) => format!(", {i} in / {o} out tokens"),
                    _ => String::new(),
                };
                (EntryStatus::Ok, format!("{status} {}{tokens}", self.model))
            }
        }
    }
}

impl Drop for CallRecord {
    /// A record dropped unfinished: the client went away mid-answer.
    fn drop(&mut self) {
        let Some(id) = self.id.take() else { return };
        let audit = self.audit.clone();
        let outcome = self.outcome_with(499);
        let summary = format!("{}: the client closed the connection", self.model);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                complete(&audit, &id, EntryStatus::Cancelled, summary, &outcome).await;
            });
        }
    }
}

async fn complete(
    audit: &ActionLog,
    id: &EntryId,
    status: EntryStatus,
    summary: String,
    outcome: &ApiRequestOutcome,
) {
    let outcome = api_outcome(status, summary, outcome);
    if let Err(error) = audit.complete(id, outcome).await {
        tracing::error!(%error, "cannot complete an API request in the action log");
    }
}

/// The completion record of an API request entry.
fn api_outcome(status: EntryStatus, summary: String, outcome: &ApiRequestOutcome) -> Outcome {
    Outcome {
        status,
        summary,
        detail: crate::audit::to_detail(outcome),
        duration_ms: Some(outcome.latency_ms),
    }
}

impl RequestLog {
    /// The log of a request just received (before any check).
    pub fn start(state: &ServerState, request: &Request) -> RequestLog {
        RequestLog {
            inner: Arc::default(),
            audit: state.gateway.audit().clone(),
            method: request.method().to_string(),
            // The path only: a query string may carry secrets.
            path: request.uri().path().to_string(),
            started: Instant::now(),
        }
    }

    /// After the answer: logs the request in one record unless a handler began an entry of
    /// its own ([`RequestLog::begin`]).
    pub async fn finish(self, response: Response) -> Response {
        if self.lock().handled {
            return response;
        }
        let status = response.status();
        let outcome = ApiRequestOutcome {
            status: status.as_u16(),
            latency_ms: self.started.elapsed().as_millis() as u64,
            ..Default::default()
        };
        let entry_status = if status.is_success() {
            EntryStatus::Ok
        } else if matches!(status.as_u16(), 401 | 403 | 421 | 429) {
            EntryStatus::Denied
        } else {
            EntryStatus::Error
        };
        let detail = ApiRequestDetail {
            method: self.method.clone(),
            path: self.path.clone(),
            model: None,
        };
        let result = self
            .audit
            .record(
                NewEntry::api_request(self.client(), detail),
                Outcome {
                    status: entry_status,
                    summary: format!(
                        "{} {}",
                        status.as_u16(),
                        status.canonical_reason().unwrap_or("")
                    ),
                    detail: crate::audit::to_detail(&outcome),
                    duration_ms: Some(outcome.latency_ms),
                },
            )
            .await;
        if let Err(error) = result {
            tracing::error!(%error, "cannot log an API request in the action log");
        }
        response
    }
}
