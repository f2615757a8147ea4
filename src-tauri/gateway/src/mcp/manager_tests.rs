//! The manager against a real child process: `tests/mcp/scripted_server.py`, a small stdio MCP
//! server (Python standard library) that can change its tool list, sleep, and crash on request.

use super::*;
use crate::config::LiveConfig;
use crate::events::EventBus;
use crate::keys::{Keychain, Redactor};
use crate::mcp::{settings, McpSecrets};
use crate::tools::{Risk, ToolContext, ToolError, ToolRegistry};
use serde_json::json;
use std::time::{Duration, Instant};

struct Setup {
    _dir: tempfile::TempDir,
    live: LiveConfig,
    registry: ToolRegistry,
    manager: McpManager,
}

fn script(name: &str) -> String {
    format!("{}/../../tests/mcp/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn setup(extra_config: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        format!("[mcp]\nstart_timeout_secs = 10\n{extra_config}"),
    )
    .unwrap();
    let live = LiveConfig::load(&path, EventBus::default()).unwrap();
    let server = McpServerConfig::stdio("python3", vec![script("scripted_server.py")]);
    settings::add_server(&live, "s", &server).unwrap();
    let registry = ToolRegistry::new();
    let secrets = McpSecrets::new(Keychain::new("hearth-test-mcp"), Redactor::new());
    let manager = McpManager::new(live.clone(), registry.clone(), secrets);
    Setup {
        _dir: dir,
        live,
        registry,
        manager,
    }
}

async fn call(
    registry: &ToolRegistry,
    name: &str,
    args: serde_json::Value,
) -> crate::tools::ToolOutput {
    let tool = registry
        .get(name)
        .unwrap_or_else(|| panic!("{name} not registered"));
    tool.run(args, ToolContext::default()).await.unwrap()
}

/// Polls `check` until it holds (or fails the test after 15 s).
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_are_registered_called_as_untrusted_and_refreshed_on_list_changed() {
    let s = setup("");
    let mut changes = s.manager.watch_changes();
    s.manager.ensure_started().await;
    assert!(
        changes.has_changed().unwrap(),
        "status changes are announced"
    );
    changes.mark_unchanged();
    let status = s.manager.status("s").unwrap();
    assert_eq!(
        status.state,
        ServerState::Running { tool_count: 6 },
        "{status:?}"
    );
    assert_eq!(status.server_info.as_deref(), Some("scripted 1.0"));
    let echo = s.registry.get("s.echo").unwrap();
    assert_eq!(echo.risk(), Risk::Read);
    assert_eq!(s.registry.get("s.add_tool").unwrap().risk(), Risk::Write);
    assert_eq!(echo.parameters()["properties"]["text"]["type"], "string");

    let output = call(&s.registry, "s.echo", json!({"text": "hello"})).await;
    assert_eq!(output.content, "hello");
    assert!(!output.is_error);
    assert_eq!(output.untrusted.as_deref(), Some("MCP server 's'"));

    assert!(s.registry.get("s.extra").is_none());
    call(&s.registry, "s.add_tool", json!({})).await;
    eventually("the new tool", || s.registry.get("s.extra").is_some()).await;
    assert_eq!(
        s.manager.status("s").unwrap().state,
        ServerState::Running { tool_count: 7 }
    );
    s.manager.shutdown().await;
    assert!(s.registry.names().is_empty(), "{:?}", s.registry.names());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_stop_on_cancel_and_on_timeout() {
    let s = setup("call_timeout_secs = 1\n");
    s.manager.ensure_started().await;
    let slow = s.registry.get("s.slow").unwrap();
    let ctx = ToolContext::default();
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
    });
    let started = Instant::now();
    let result = slow.run(json!({"seconds": 30}), ctx).await;
    assert!(matches!(result, Err(ToolError::Cancelled)), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // The server was told (notifications/cancelled).
    let mut told = String::new();
    for _ in 0..50 {
        told = call(&s.registry, "s.cancelled", json!({})).await.content;
        if told != "[]" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_ne!(told, "[]", "no notifications/cancelled reached the server");

    let output = call(&s.registry, "s.slow", json!({"seconds": 5})).await;
    assert!(output.is_error);
    assert!(
        output.content.contains("did not answer within 1 s"),
        "{}",
        output.content
    );
    assert!(output.untrusted.is_some());
    s.manager.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_server_is_restarted_and_a_disabled_one_stopped() {
    let s = setup("");
    s.manager.ensure_started().await;
    let crash = s.registry.get("s.crash").unwrap();
    let _ = crash.run(json!({}), ToolContext::default()).await;
    eventually("the failure", || {
        matches!(
            s.manager.status("s").unwrap().state,
            ServerState::Failed { .. }
        )
    })
    .await;
    match s.manager.status("s").unwrap().state {
        ServerState::Failed {
            reason, attempts, ..
        } => {
            assert_eq!(attempts, 1);
            assert!(reason.contains("crashing on request"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        s.registry.get("s.echo").is_none(),
        "a dead server's tools leave"
    );
    eventually("the restart", || {
        matches!(
            s.manager.status("s").unwrap().state,
            ServerState::Running { .. }
        )
    })
    .await;
    assert!(s.registry.get("s.echo").is_some());

    settings::set_enabled(&s.live, "s", false).unwrap();
    s.manager.reconcile().await;
    assert_eq!(s.manager.status("s").unwrap().state, ServerState::Disabled);
    assert!(s.registry.names().is_empty());
    let restarted = s.manager.restart("s").await;
    assert!(
        matches!(restarted, Err(McpError::Disabled(_))),
        "{restarted:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_server_does_not_hold_up_the_others() {
    let s = setup("");
    settings::set_enabled(&s.live, "s", true).unwrap();
    let hang = McpServerConfig::stdio("python3", vec![script("hang_server.py")]);
    settings::add_server(&s.live, "hang", &hang).unwrap();
    s.live
        .edit(|doc| {
            crate::config::edit::table_mut(doc, "mcp")["start_timeout_secs"] = toml_edit::value(2);
            Ok(())
        })
        .unwrap();
    let started = Instant::now();
    s.manager.ensure_started().await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(matches!(
        s.manager.status("s").unwrap().state,
        ServerState::Running { .. }
    ));
    match s.manager.status("hang").unwrap().state {
        ServerState::Failed { reason, .. } => {
            assert!(
                reason.contains("no answer to initialize within 2 s"),
                "{reason}"
            );
            assert!(reason.contains("will never answer"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    s.manager.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_and_keychain_secrets_reach_the_child() {
    let in_session = std::env::var("HEARTH_IN_SESSION").as_deref() == Ok("1");
    let s = setup("");
    let secrets = McpSecrets::new(Keychain::new("hearth-test-mcp"), Redactor::new());
    let mut server = McpServerConfig::stdio("python3", vec![script("scripted_server.py")]);
    server
        .env
        .insert("SCRIPTED_PLAIN".into(), "plain value".into());
    if in_session {
        secrets
            .set(
                "envtest",
                "SCRIPTED_TOKEN",
                &crate::keys::Secret::new("tok-123"),
            )
            .await
            .unwrap();
        server.secret_env.push("SCRIPTED_TOKEN".into());
    } else {
        eprintln!("note: the keychain part is skipped: run with scripts/with-session.sh");
    }
    settings::add_server(&s.live, "envtest", &server).unwrap();
    let manager = McpManager::new(s.live.clone(), s.registry.clone(), secrets.clone());
    let status = manager.start_server("envtest").await.unwrap();
    assert!(
        matches!(status.state, ServerState::Running { .. }),
        "{status:?}"
    );
    let env = |name: &'static str| {
        let registry = s.registry.clone();
        async move {
            call(&registry, "envtest.env", json!({"name": name}))
                .await
                .content
        }
    };
    assert_eq!(env("SCRIPTED_PLAIN").await, "plain value");
    assert_ne!(env("PATH").await, "<unset>", "the basics are inherited");
    if in_session {
        assert_eq!(env("SCRIPTED_TOKEN").await, "tok-123");
        secrets
            .delete_all("envtest", ["SCRIPTED_TOKEN"])
            .await
            .unwrap();
    }
    manager.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_keychain_secret_is_a_clear_failure() {
    if std::env::var("HEARTH_IN_SESSION").as_deref() != Ok("1") {
        eprintln!("note: skipped: run with scripts/with-session.sh");
        return;
    }
    let s = setup("");
    let mut server = McpServerConfig::stdio("python3", vec![script("scripted_server.py")]);
    server.secret_env.push("NEVER_STORED".into());
    settings::add_server(&s.live, "nosecret", &server).unwrap();
    let status = s.manager.start_server("nosecret").await.unwrap();
    match status.state {
        ServerState::Failed { reason, .. } => {
            assert!(reason.contains("mcp:nosecret:NEVER_STORED"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    s.manager.shutdown().await;
}
