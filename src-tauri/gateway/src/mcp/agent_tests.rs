//! MCP tools through the real agent loop: a local Chat Completions server scripts the model,
//! `tests/mcp/scripted_server.py` is the MCP server, and the policy gate applies permissions
//! (read-only tools run; others ask, which a script without a terminal denies).

use crate::agent::machine::Outcome;
use crate::agent::policy_gate::{AskMode, PolicyGate};
use crate::agent::turn::{Agent, TurnOptions};
use crate::audit::{ActionLog, LogQuery};
use crate::config::{edit::add_provider, LiveConfig, ProviderConfig, ProviderKind};
use crate::conversation::{Block, Message};
use crate::events::EventBus;
use crate::keys::{KeyStore, Keychain, Redactor};
use crate::mcp::{settings, McpManager, McpSecrets, McpServerConfig};
use crate::paths::DataDir;
use crate::policy::Approvals;
use crate::providers::testing::{serve, Reply};
use crate::store::Store;
use crate::tools::ToolRegistry;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

fn chunk(delta: Value, finish: Option<&str>) -> String {
    let body = json!({
        "id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    });
    format!("data: {body}\n\n")
}

fn text_reply(text: &str) -> String {
    let mut body = chunk(json!({"role": "assistant", "content": text}), None);
    body.push_str(&chunk(json!({}), Some("stop")));
    body.push_str("data: [DONE]\n\n");
    body
}

fn tool_reply(id: &str, name: &str, args: Value) -> String {
    let mut body = chunk(json!({"role": "assistant", "content": ""}), None);
    body.push_str(&chunk(
        json!({"tool_calls": [{"index": 0, "id": id, "type": "function",
            "function": {"name": name, "arguments": args.to_string()}}]}),
        None,
    ));
    body.push_str(&chunk(json!({}), Some("tool_calls")));
    body.push_str("data: [DONE]\n\n");
    body
}

/// Runs one turn where the model calls `s.echo` (read-only) and then `s.add_tool` (unannotated,
/// so `write`), with `mode` answering questions. Returns the stored tool results, the requests
/// the model server saw, and whether `s.add_tool` ran.
async fn turn(mode: AskMode) -> (Vec<(String, bool)>, Vec<String>, bool, Vec<String>) {
    let server = serve(vec![
        Reply::sse(tool_reply(
            "call_1",
            "s__echo",
            json!({"text": "hello-mcp"}),
        )),
        Reply::sse(tool_reply("call_2", "s__add_tool", json!({}))),
        Reply::sse(text_reply("done")),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(dir.path());
    data.ensure().unwrap();
    let bus = EventBus::default();
    let live = LiveConfig::load(&data.config_path(), bus.clone()).unwrap();
    let provider = ProviderConfig {
        kind: ProviderKind::OpenAiCompatible,
        base_url: Some(server.base_url.clone()),
        models: vec!["m".into()],
        key_env: None,
        fallback: vec![],
        max_tokens: None,
    };
    add_provider(live.path(), "local", &provider).unwrap();
    live.reload().unwrap();
    let script = format!(
        "{}/../../tests/mcp/scripted_server.py",
        env!("CARGO_MANIFEST_DIR")
    );
    settings::add_server(&live, "s", &McpServerConfig::stdio("python3", vec![script])).unwrap();

    let store = Store::open(&data.db_path()).unwrap();
    let redactor = Redactor::new();
    let registry = ToolRegistry::new();
    let manager = McpManager::new(
        live.clone(),
        registry.clone(),
        McpSecrets::new(Keychain::new("hearth-test-mcp"), redactor.clone()),
    );
    manager.ensure_started().await;
    let audit = ActionLog::new(store.clone(), redactor.clone()).with_bus(bus.clone());
    let agent = Agent {
        store: store.clone(),
        keys: Arc::new(KeyStore::open(&data, redactor)),
        tools: Arc::new(registry.clone()),
        bus: bus.clone(),
        http: crate::providers::http_client(),
        audit: audit.clone(),
    };
    let conversation = store.create_conversation(None).await.unwrap();
    store
        .append_message(&conversation.id, Message::user("use the tools"))
        .await
        .unwrap();
    let gate = Arc::new(PolicyGate::new(
        live.clone(),
        Approvals::new(bus, live.clone()),
        audit.clone(),
        mode,
    ));
    let options = TurnOptions {
        config: live.current(),
        system_prompt: None,
        gate,
        cancel: CancellationToken::new(),
        live: live.clone(),
    };
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        agent.run_turn(&conversation.id, "local/m".parse().unwrap(), options),
    )
    .await
    .expect("turn hung")
    .unwrap();
    assert_eq!(report.outcome, Outcome::Completed);
    let path = store.current_path(&conversation.id).await.unwrap();
    let results = path
        .iter()
        .flat_map(|m| m.blocks.iter())
        .filter_map(|b| match b {
            Block::ToolResult {
                content, is_error, ..
            } => Some((content.clone(), *is_error)),
            _ => None,
        })
        .collect();
    let requests = server
        .requests()
        .iter()
        .map(|r| r.body.to_string())
        .collect();
    // add_tool's effect: the server announces a new tool, which the registry picks up.
    let mut added = false;
    for _ in 0..40 {
        added = registry.get("s.extra").is_some();
        if added {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = audit
        .entries(LogQuery::default())
        .await
        .unwrap()
        .iter()
        .map(|e| e.summary.clone())
        .collect();
    manager.shutdown().await;
    (results, requests, added, log)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_mcp_tools_run_and_others_are_denied_without_someone_to_ask() {
    let (results, requests, added, log) = turn(AskMode::DenyAll).await;
    assert!(
        requests[0].contains("s__echo") && requests[0].contains("s__add_tool"),
        "MCP tools are offered to the model with wire names"
    );
    assert_eq!(results[0], ("hello-mcp".to_string(), false));
    assert!(
        requests[1].contains("hello-mcp"),
        "the result went back to the model"
    );
    assert!(
        results[1].1,
        "the write-class call was denied: {:?}",
        results[1]
    );
    assert!(!added, "a denied call never runs");
    assert!(log.iter().any(|s| s.contains("s.echo")), "{log:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approve_all_runs_unannotated_mcp_tools() {
    let (results, _requests, added, _log) = turn(AskMode::ApproveAll).await;
    assert_eq!(results[1], ("added".to_string(), false));
    assert!(
        added,
        "the tool list refreshed after the server's list_changed"
    );
}
