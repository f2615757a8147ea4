//! The turn driver against a real local HTTP server speaking Chat Completions: answers stored,
//! tool calls gated and run, cancellation keeping the partial answer, fallback on failure, and
//! every step in the action log.

use super::gate::{AllowAll, DenyAll, ToolGate};
use super::machine::Outcome;
use super::model_ref::ModelRef;
use super::turn::{Agent, TurnOptions};
use crate::audit::{ActionLog, LogQuery};
use crate::config::{Config, LiveConfig, ProviderConfig, ProviderKind};
use crate::conversation::{Block, Message, MessageStatus, Role};
use crate::events::{Event, EventBus};
use crate::keys::{KeyStore, Redactor};
use crate::paths::DataDir;
use crate::providers::testing::{serve, Reply};
use crate::store::Store;
use crate::tools::{Risk, Tool, ToolContext, ToolError, ToolOutput, ToolRegistry};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A read-only test tool that counts its runs and echoes its argument.
struct Echo {
    runs: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl Tool for Echo {
    fn name(&self) -> &str {
        "test.echo"
    }
    fn description(&self) -> &str {
        "Echoes its text."
    }
    fn parameters(&self) -> Value {
        json!({"type": "object", "properties": {"text": {"type": "string"}}})
    }
    fn risk(&self) -> Risk {
        Risk::Read
    }
    fn preview(&self, args: &Value) -> String {
        format!("echo {}", args["text"])
    }
    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        Ok(ToolOutput::ok(
            format!("echo: {}", args["text"].as_str().unwrap_or("")),
            "echoed",
        ))
    }
}

fn chunk(delta: Value, finish: Option<&str>) -> String {
    let body = json!({
        "id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    });
    format!("data: {body}\n\n")
}

fn text_reply(parts: &[&str]) -> String {
    let mut body = chunk(json!({"role": "assistant", "content": ""}), None);
    for part in parts {
        body.push_str(&chunk(json!({"content": part}), None));
    }
    body.push_str(&chunk(json!({}), Some("stop")));
    body.push_str("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\n");
    body.push_str("data: [DONE]\n\n");
    body
}

fn tool_reply(name: &str, args: Value) -> String {
    let mut body = chunk(json!({"role": "assistant", "content": ""}), None);
    body.push_str(&chunk(
        json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
            "function": {"name": name, "arguments": args.to_string()}}]}),
        None,
    ));
    body.push_str(&chunk(json!({}), Some("tool_calls")));
    body.push_str("data: [DONE]\n\n");
    body
}

struct Harness {
    _dir: tempfile::TempDir,
    agent: Agent,
    live: LiveConfig,
    runs: Arc<AtomicUsize>,
    conversation_id: String,
}

impl Harness {
    async fn new(providers: &[(&str, &str, Vec<&str>)]) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(dir.path());
        data.ensure().unwrap();
        let mut config = Config::default();
        for (id, base_url, fallback) in providers {
            config.providers.insert(
                id.to_string(),
                ProviderConfig {
                    kind: ProviderKind::OpenAiCompatible,
                    base_url: Some(base_url.to_string()),
                    models: vec!["m".into()],
                    key_env: None,
                    fallback: fallback.iter().map(|f| f.to_string()).collect(),
                    max_tokens: None,
                },
            );
        }
        let bus = EventBus::default();
        let live = LiveConfig::new(data.config_path(), config, bus.clone());
        let store = Store::open(&data.db_path()).unwrap();
        let redactor = Redactor::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let tools = ToolRegistry::new();
        tools
            .register(Arc::new(Echo { runs: runs.clone() }))
            .unwrap();
        let agent = Agent {
            store: store.clone(),
            keys: Arc::new(KeyStore::open(&data, redactor.clone())),
            tools: Arc::new(tools),
            bus: bus.clone(),
            http: crate::providers::http_client(),
            audit: ActionLog::new(store.clone(), redactor).with_bus(bus),
        };
        let conversation = store.create_conversation(None).await.unwrap();
        store
            .append_message(&conversation.id, Message::user("hello"))
            .await
            .unwrap();
        Harness {
            _dir: dir,
            agent,
            live,
            runs,
            conversation_id: conversation.id,
        }
    }

    fn options(&self, gate: Arc<dyn ToolGate>, cancel: CancellationToken) -> TurnOptions {
        TurnOptions {
            config: self.live.current(),
            system_prompt: Some("be brief".into()),
            gate,
            cancel,
            live: self.live.clone(),
        }
    }

    async fn run(&self, model: &str, gate: Arc<dyn ToolGate>) -> super::turn::TurnReport {
        let model: ModelRef = model.parse().unwrap();
        let options = self.options(gate, CancellationToken::new());
        tokio::time::timeout(
            Duration::from_secs(30),
            self.agent.run_turn(&self.conversation_id, model, options),
        )
        .await
        .expect("turn hung")
        .unwrap()
    }

    async fn path(&self) -> Vec<Message> {
        self.agent
            .store
            .current_path(&self.conversation_id)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_text_answer_is_streamed_stored_and_logged() {
    let server = serve(vec![Reply::sse(text_reply(&["Hel", "lo"]))]).await;
    let h = Harness::new(&[("local", &server.base_url, vec![])]).await;
    let mut events = h.agent.bus.subscribe();
    let report = h.run("local/m", Arc::new(AllowAll)).await;
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!(report.usage.output_tokens, 3);
    let path = h.path().await;
    let answer = path.last().unwrap();
    assert_eq!(answer.role, Role::Assistant);
    assert_eq!(answer.status, MessageStatus::Complete);
    assert_eq!(answer.text(), "Hello");
    assert_eq!(answer.provider.as_deref(), Some("local"));
    let mut deltas = String::new();
    while let Ok(event) = events.try_recv() {
        if let Event::TextDelta { text, .. } = event {
            deltas.push_str(&text);
        }
    }
    assert_eq!(deltas, "Hello");
    // The request carried the system prompt and the user's message (full context).
    let body = server.requests()[0].body.to_string();
    assert!(body.contains("be brief") && body.contains("hello"));
    let log = h.agent.audit.entries(LogQuery::default()).await.unwrap();
    assert!(log
        .iter()
        .any(|e| format!("{:?}", e.kind).contains("ModelCall") && e.status.as_str() == "ok"));
}

#[tokio::test]
async fn tool_calls_are_gated_run_and_answered() {
    let server = serve(vec![
        Reply::sse(tool_reply("test__echo", json!({"text": "ping"}))),
        Reply::sse(text_reply(&["done"])),
    ])
    .await;
    let h = Harness::new(&[("local", &server.base_url, vec![])]).await;
    let report = h.run("local/m", Arc::new(AllowAll)).await;
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!(h.runs.load(Ordering::SeqCst), 1);
    let path = h.path().await;
    let roles: Vec<Role> = path.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        vec![Role::User, Role::Assistant, Role::Tool, Role::Assistant]
    );
    assert!(matches!(&path[2].blocks[0],
        Block::ToolResult { content, is_error: false, .. } if content == "echo: ping"));
    // The second model call carried the tool result back.
    assert!(server.requests()[1].body.to_string().contains("echo: ping"));
    let log = h.agent.audit.entries(LogQuery::default()).await.unwrap();
    assert!(log.iter().any(|e| e.summary.contains("test.echo")));
}

#[tokio::test]
async fn a_denied_call_never_runs_and_the_model_is_told() {
    let server = serve(vec![
        Reply::sse(tool_reply("test__echo", json!({"text": "ping"}))),
        Reply::sse(text_reply(&["ok, not running it"])),
    ])
    .await;
    let h = Harness::new(&[("local", &server.base_url, vec![])]).await;
    let report = h.run("local/m", Arc::new(DenyAll)).await;
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!(h.runs.load(Ordering::SeqCst), 0);
    let path = h.path().await;
    assert!(
        matches!(&path[2].blocks[0], Block::ToolResult { is_error: true, content, .. }
        if content.contains("Not run"))
    );
}

#[tokio::test]
async fn cancelling_keeps_the_partial_answer() {
    let server = serve(vec![Reply::SseThenHang(vec![
        bytes::Bytes::from(chunk(json!({"role": "assistant", "content": ""}), None)),
        bytes::Bytes::from(chunk(json!({"content": "partial"}), None)),
    ])])
    .await;
    let h = Harness::new(&[("local", &server.base_url, vec![])]).await;
    let cancel = CancellationToken::new();
    let options = h.options(Arc::new(AllowAll), cancel.clone());
    let mut events = h.agent.bus.subscribe();
    let turn = {
        let agent = h.agent.clone();
        let id = h.conversation_id.clone();
        tokio::spawn(async move {
            agent
                .run_turn(&id, "local/m".parse().unwrap(), options)
                .await
        })
    };
    // Cancel once the first text has arrived.
    loop {
        if let Event::TextDelta { .. } = events.recv().await.unwrap() {
            break;
        }
    }
    cancel.cancel();
    let report = tokio::time::timeout(Duration::from_secs(10), turn)
        .await
        .expect("cancel did not stop the turn")
        .unwrap()
        .unwrap();
    assert_eq!(report.outcome, Outcome::Cancelled);
    let answer = h.path().await.pop().unwrap();
    assert_eq!(answer.status, MessageStatus::Cancelled);
    assert_eq!(answer.text(), "partial");
    assert!(
        server.wait_client_gone(Duration::from_secs(5)).await,
        "the upstream stream was not closed"
    );
}

#[tokio::test]
async fn a_failing_provider_falls_back_to_the_next_model() {
    let broken = serve(vec![Reply::status(
        401,
        r#"{"error":{"message":"bad key","type":"invalid_request_error"}}"#,
    )])
    .await;
    let working = serve(vec![Reply::sse(text_reply(&["from backup"]))]).await;
    let h = Harness::new(&[
        ("main", &broken.base_url, vec!["backup/m"]),
        ("backup", &working.base_url, vec![]),
    ])
    .await;
    let mut events = h.agent.bus.subscribe();
    let report = h.run("main/m", Arc::new(AllowAll)).await;
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!(report.model.to_string(), "backup/m");
    let answer = h.path().await.pop().unwrap();
    assert_eq!(answer.text(), "from backup");
    assert_eq!(answer.provider.as_deref(), Some("backup"));
    let mut saw_fallback = false;
    while let Ok(event) = events.try_recv() {
        saw_fallback |= matches!(event, Event::FallbackUsed { ref to, .. } if to == "backup/m");
    }
    assert!(saw_fallback, "the switch was not announced");
}

#[tokio::test]
async fn a_failure_without_fallback_is_recorded_in_history() {
    let broken = serve(vec![Reply::status(
        400,
        r#"{"error":{"message":"unsupported thing","type":"invalid_request_error"}}"#,
    )])
    .await;
    let h = Harness::new(&[("main", &broken.base_url, vec![])]).await;
    let report = h.run("main/m", Arc::new(AllowAll)).await;
    assert!(
        matches!(report.outcome, Outcome::Failed(ref reason) if reason.contains("unsupported thing"))
    );
    let answer = h.path().await.pop().unwrap();
    assert_eq!(answer.role, Role::Assistant);
    assert_eq!(answer.status, MessageStatus::Error);
    assert!(answer.error.unwrap().contains("unsupported thing"));
}
