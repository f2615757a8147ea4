//! [`Approvals`]: calls waiting for the user's decision. [`Approvals::ask`] publishes an
//! `ApprovalRequested` event and waits for [`Approvals::answer`] from any shell (window, tray,
//! terminal); unanswered after `general.approval_timeout_secs` it counts as denied, and pausing
//! the agent denies every waiting request at once. Each resolution is announced with
//! `ApprovalResolved`.

use super::{settings, Decision, Rule, RuleList, Taint, TaintSource, Verdict};
use crate::config::LiveConfig;
use crate::events::{Event, EventBus};
use crate::tools::{Risk, Tool};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::oneshot;

/// A call waiting for approval, as shells show it (the `request` of `Event::ApprovalRequested`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApprovalRequest {
    /// Unique id; answer with it.
    pub id: String,
    /// The tool name.
    pub tool: String,
    /// The tool's risk class.
    pub risk: Risk,
    /// The call's arguments.
    pub arguments: Value,
    /// Human-readable preview (command line, diff...).
    pub preview: String,
    /// Why it asks (the verdict's reason).
    pub reason: String,
    /// The rule involved, if any.
    pub rule: Option<String>,
    /// Untrusted content seen earlier in the turn.
    pub taint: Vec<TaintSource>,
    /// The allow rule "always allow" adds.
    pub suggested_rule: Option<String>,
    /// The conversation, when the caller sets it.
    pub conversation_id: Option<String>,
    /// The model's tool call id, when the caller sets it.
    pub call_id: Option<String>,
    /// When it was asked.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub requested_at: OffsetDateTime,
    /// Seconds before it counts as denied (set by [`Approvals::ask`]).
    pub timeout_secs: u64,
}

impl ApprovalRequest {
    /// A request for `tool` called with `args`, asked because of `verdict`, under `taint`.
    pub fn new(tool: &dyn Tool, args: &Value, verdict: &Verdict, taint: &Taint) -> Self {
        let suggested_rule = Rule::exact(tool.name(), tool.subject(args).as_ref())
            .ok()
            .map(|r| r.to_string());
        ApprovalRequest {
            id: uuid::Uuid::now_v7().to_string(),
            tool: tool.name().to_string(),
            risk: tool.risk(),
            arguments: args.clone(),
            preview: tool.preview(args),
            reason: verdict.reason.clone(),
            rule: verdict.rule.clone(),
            taint: taint.sources().to_vec(),
            suggested_rule,
            conversation_id: None,
            call_id: None,
            requested_at: OffsetDateTime::now_utc(),
            timeout_secs: 0,
        }
    }
}

/// The user's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApprovalAnswer {
    /// Run this call.
    AllowOnce,
    /// Run this call and add its suggested allow rule to config (done by [`Approvals::ask`]).
    AlwaysAllow,
    /// Do not run it; the note is passed to the model.
    Deny {
        /// Why, for the model.
        note: Option<String>,
    },
}

impl ApprovalAnswer {
    /// Whether the call may run.
    pub fn allows(&self) -> bool {
        !matches!(self, ApprovalAnswer::Deny { .. })
    }

    /// The decision it amounts to.
    pub fn decision(&self) -> Decision {
        if self.allows() {
            Decision::Allow
        } else {
            Decision::Deny
        }
    }
}

/// Who settled a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredBy {
    /// The user, in some shell.
    User,
    /// Nobody answered in time.
    Timeout,
    /// The agent was (or got) paused.
    Pause,
}

/// How a request was settled, for the agent loop and the action log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The answer (a denial for timeout and pause, with a note saying so).
    pub answer: ApprovalAnswer,
    /// Who settled it.
    pub by: AnsweredBy,
    /// The allow rule added by "always allow", if one was.
    pub rule_added: Option<String>,
}

impl Resolution {
    /// The `outcome` string of `Event::ApprovalResolved`.
    pub fn outcome(&self) -> &'static str {
        match (self.by, &self.answer) {
            (AnsweredBy::Timeout, _) => "timed_out",
            (AnsweredBy::Pause, _) => "paused",
            (AnsweredBy::User, ApprovalAnswer::AllowOnce) => "allowed_once",
            (AnsweredBy::User, ApprovalAnswer::AlwaysAllow) => "always_allowed",
            (AnsweredBy::User, ApprovalAnswer::Deny { .. }) => "denied",
        }
    }
}

/// Answering failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    /// No request with that id is waiting (answered already, timed out, or unknown).
    #[error("no approval request '{0}' is waiting (already answered or timed out)")]
    NotPending(String),
}

struct Pending {
    request: ApprovalRequest,
    reply: oneshot::Sender<ApprovalAnswer>,
}

/// The pending-request registry. Cheap to clone; every clone shares the same requests.
#[derive(Clone)]
pub struct Approvals {
    bus: EventBus,
    live: LiveConfig,
    pending: Arc<Mutex<BTreeMap<String, Pending>>>,
}

impl std::fmt::Debug for Approvals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Approvals")
            .field("pending", &self.pending().len())
            .finish()
    }
}

/// Removes a request from the registry however `ask` ends (answered, timed out, dropped).
struct PendingGuard<'a> {
    pending: &'a Mutex<BTreeMap<String, Pending>>,
    id: String,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

impl Approvals {
    /// A registry publishing on `bus`, taking its timeout and pause switch from `live`.
    pub fn new(bus: EventBus, live: LiveConfig) -> Self {
        Approvals {
            bus,
            live,
            pending: Arc::new(Mutex::new(BTreeMap::new())),
        }
    }

    /// Asks the user and waits; see [`Approvals::resolve`] for who settled it.
    pub async fn ask(&self, request: ApprovalRequest) -> ApprovalAnswer {
        self.resolve(request).await.answer
    }

    /// Publishes `request`, waits for an answer, the timeout, or a pause, announces the
    /// outcome, and for "always allow" adds the suggested allow rule to config.
    pub async fn resolve(&self, mut request: ApprovalRequest) -> Resolution {
        let config = self.live.current();
        if config.permissions.paused {
            return Resolution {
                answer: ApprovalAnswer::Deny {
                    note: Some("Hearth is paused; the call was not run.".into()),
                },
                by: AnsweredBy::Pause,
                rule_added: None,
            };
        }
        let timeout_secs = config.general.approval_timeout_secs;
        request.timeout_secs = timeout_secs;
        let id = request.id.clone();
        let paused = self.live.run_token();
        let (reply, answer) = oneshot::channel();
        let event = serde_json::to_value(&request).unwrap_or(Value::Null);
        let suggested_rule = request.suggested_rule.clone();
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone(), Pending { request, reply });
        let _guard = PendingGuard {
            pending: &self.pending,
            id: id.clone(),
        };
        self.bus
            .publish(Event::ApprovalRequested { request: event });
        let (answer, by) = tokio::select! {
            answer = answer => match answer {
                Ok(answer) => (answer, AnsweredBy::User),
                Err(_) => (deny("The request was withdrawn; the call was not run."), AnsweredBy::User),
            },
            _ = tokio::time::sleep(Duration::from_secs(timeout_secs)) => (
                deny(&format!("No answer within {timeout_secs} s; the call was not run.")),
                AnsweredBy::Timeout,
            ),
            _ = paused.cancelled() => (deny("Hearth was paused; the call was not run."), AnsweredBy::Pause),
        };
        let mut rule_added = None;
        if answer == ApprovalAnswer::AlwaysAllow {
            rule_added = self.add_rule(suggested_rule.as_deref());
        }
        let resolution = Resolution {
            answer,
            by,
            rule_added,
        };
        self.bus.publish(Event::ApprovalResolved {
            id,
            outcome: resolution.outcome().to_string(),
        });
        resolution
    }

    fn add_rule(&self, rule: Option<&str>) -> Option<String> {
        let rule: Rule = rule?.parse().ok()?;
        match settings::add_rule(&self.live, None, RuleList::Allow, &rule) {
            Ok(_) => Some(rule.to_string()),
            Err(e) => {
                tracing::warn!(error = %e, %rule, "could not save the 'always allow' rule");
                None
            }
        }
    }

    /// Answers the waiting request `id` (from any shell).
    pub fn answer(&self, id: &str, answer: ApprovalAnswer) -> Result<(), ApprovalError> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id)
            .ok_or_else(|| ApprovalError::NotPending(id.to_string()))?;
        pending
            .reply
            .send(answer)
            .map_err(|_| ApprovalError::NotPending(id.to_string()))
    }

    /// The waiting requests, oldest first (ids are time-ordered).
    pub fn pending(&self) -> Vec<ApprovalRequest> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .map(|p| p.request.clone())
            .collect()
    }
}

fn deny(note: &str) -> ApprovalAnswer {
    ApprovalAnswer::Deny {
        note: Some(note.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::events::EventBus;
    use crate::tools::{builtin_registry, ToolRegistry};
    use serde_json::json;

    struct Setup {
        _dir: tempfile::TempDir,
        live: LiveConfig,
        approvals: Approvals,
        registry: ToolRegistry,
        root: std::path::PathBuf,
    }

    fn setup(timeout_secs: u64) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap().join("root");
        std::fs::create_dir(&root).unwrap();
        let path = dir.path().join("config.toml");
        let text = format!(
            "[general]\napproval_timeout_secs = {timeout_secs}\n[tools]\nroots = [{root:?}]\n"
        );
        std::fs::write(&path, text).unwrap();
        let bus = EventBus::default();
        let live = LiveConfig::new(
            path.clone(),
            Config::load_or_init(&path).unwrap(),
            bus.clone(),
        );
        let approvals = Approvals::new(bus, live.clone());
        let registry = builtin_registry(&live);
        Setup {
            _dir: dir,
            live,
            approvals,
            registry,
            root,
        }
    }

    fn request(s: &Setup, command: &str) -> ApprovalRequest {
        let tool = s.registry.get("shell.run").unwrap();
        let args = json!({"command": command});
        let verdict = Verdict::new(Decision::Ask, "execute tools ask by default");
        ApprovalRequest::new(tool.as_ref(), &args, &verdict, &Taint::new())
    }

    /// Waits for the next `ApprovalRequested` event and returns its id.
    async fn requested(events: &mut tokio::sync::broadcast::Receiver<Event>) -> String {
        loop {
            let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
                .await
                .unwrap()
                .unwrap();
            if let Event::ApprovalRequested { request } = event {
                return request["id"].as_str().unwrap().to_string();
            }
        }
    }

    #[tokio::test]
    async fn an_answer_from_any_shell_resolves_the_request() {
        let s = setup(60);
        let mut events = s.live.bus().subscribe();
        let asking = tokio::spawn({
            let approvals = s.approvals.clone();
            let request = request(&s, "git status");
            async move { approvals.resolve(request).await }
        });
        let id = requested(&mut events).await;
        let pending = s.approvals.pending();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            pending[0].preview,
            format!("$ git status (in {})", s.root.display())
        );
        assert_eq!(
            pending[0].suggested_rule.as_deref(),
            Some("shell.run(git status)")
        );
        assert_eq!(pending[0].timeout_secs, 60);
        let note = Some("not now".to_string());
        s.approvals
            .answer(&id, ApprovalAnswer::Deny { note: note.clone() })
            .unwrap();
        let resolution = asking.await.unwrap();
        assert_eq!(resolution.answer, ApprovalAnswer::Deny { note });
        assert_eq!(resolution.by, AnsweredBy::User);
        assert!(s.approvals.pending().is_empty());
        assert_eq!(
            s.approvals.answer(&id, ApprovalAnswer::AllowOnce),
            Err(ApprovalError::NotPending(id.clone()))
        );
        let resolved = loop {
            if let Event::ApprovalResolved { id: rid, outcome } = events.recv().await.unwrap() {
                break (rid, outcome);
            }
        };
        assert_eq!(resolved, (id, "denied".to_string()));
    }

    #[tokio::test]
    async fn always_allow_saves_the_exact_rule() {
        let s = setup(60);
        let mut events = s.live.bus().subscribe();
        let asking = tokio::spawn({
            let approvals = s.approvals.clone();
            let request = request(&s, "git status");
            async move { approvals.resolve(request).await }
        });
        let id = requested(&mut events).await;
        s.approvals
            .answer(&id, ApprovalAnswer::AlwaysAllow)
            .unwrap();
        let resolution = asking.await.unwrap();
        assert!(resolution.answer.allows());
        assert_eq!(
            resolution.rule_added.as_deref(),
            Some("shell.run(git status)")
        );
        let config = Config::load_or_init(s.live.path()).unwrap();
        assert_eq!(
            config.permissions.allow[0].to_string(),
            "shell.run(git status)"
        );
        let tool = s.registry.get("shell.run").unwrap();
        let policy = crate::policy::Policy::new(s.live.current());
        let again = policy.evaluate(
            tool.as_ref(),
            &json!({"command": "git status"}),
            &Taint::new(),
        );
        assert_eq!(again.decision, Decision::Allow);
        let other = policy.evaluate(
            tool.as_ref(),
            &json!({"command": "git status; rm -rf ~"}),
            &Taint::new(),
        );
        assert_eq!(other.decision, Decision::Ask);
    }

    #[tokio::test]
    async fn unanswered_requests_time_out_as_denied() {
        let s = setup(1);
        let started = std::time::Instant::now();
        let resolution = tokio::time::timeout(
            Duration::from_secs(10),
            s.approvals.resolve(request(&s, "ls")),
        )
        .await
        .unwrap();
        assert!(started.elapsed() >= Duration::from_secs(1));
        assert_eq!(resolution.by, AnsweredBy::Timeout);
        assert_eq!(resolution.outcome(), "timed_out");
        match resolution.answer {
            ApprovalAnswer::Deny { note: Some(note) } => assert!(note.contains("1 s"), "{note}"),
            other => panic!("{other:?}"),
        }
        assert!(s.approvals.pending().is_empty());
    }

    #[tokio::test]
    async fn pausing_denies_waiting_requests_and_new_ones() {
        let s = setup(60);
        let mut events = s.live.bus().subscribe();
        let asking = tokio::spawn({
            let approvals = s.approvals.clone();
            let request = request(&s, "ls");
            async move { approvals.resolve(request).await }
        });
        requested(&mut events).await;
        crate::policy::settings::set_paused(&s.live, true).unwrap();
        let resolution = tokio::time::timeout(Duration::from_secs(5), asking)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(resolution.by, AnsweredBy::Pause);
        assert!(!resolution.answer.allows());
        assert!(s.approvals.pending().is_empty());
        let later = s.approvals.resolve(request(&s, "ls")).await;
        assert_eq!(later.by, AnsweredBy::Pause);
    }

    #[tokio::test]
    async fn a_dropped_ask_leaves_nothing_pending() {
        let s = setup(60);
        let mut events = s.live.bus().subscribe();
        let asking = tokio::spawn({
            let approvals = s.approvals.clone();
            let request = request(&s, "ls");
            async move { approvals.resolve(request).await }
        });
        requested(&mut events).await;
        asking.abort();
        let _ = asking.await;
        assert!(s.approvals.pending().is_empty());
    }

    #[test]
    fn answers_have_a_stable_wire_form() {
        let deny = ApprovalAnswer::Deny {
            note: Some("no".into()),
        };
        assert_eq!(
            serde_json::to_value(&deny).unwrap(),
            json!({"kind": "deny", "note": "no"})
        );
        let once: ApprovalAnswer = serde_json::from_value(json!({"kind": "allow_once"})).unwrap();
        assert_eq!(once, ApprovalAnswer::AllowOnce);
    }
}
