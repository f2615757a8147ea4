//! Streamable HTTP against a real server on 127.0.0.1: a minimal MCP endpoint (axum) that
//! answers with plain JSON and records every request's headers.

use crate::config::LiveConfig;
use crate::events::EventBus;
use crate::keys::{Keychain, Redactor, Secret};
use crate::mcp::{settings, McpManager, McpSecrets, McpServerConfig, ServerState};
use crate::tools::{ToolContext, ToolRegistry};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

type Seen = Arc<Mutex<Vec<HeaderMap>>>;

async fn endpoint(
    axum::extract::State(seen): axum::extract::State<Seen>,
    headers: HeaderMap,
    axum::Json(message): axum::Json<Value>,
) -> axum::response::Response {
    seen.lock().unwrap().push(headers);
    let Some(id) = message.get("id").cloned() else {
        return StatusCode::ACCEPTED.into_response();
    };
    let result = match message["method"].as_str() {
        Some("initialize") => json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "http-test", "version": "0.1"}
        }),
        Some("tools/list") => json!({"tools": [{
            "name": "shout",
            "description": "Upper-cases text",
            "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
            "annotations": {"readOnlyHint": true}
        }]}),
        Some("tools/call") => {
            let text = message["params"]["arguments"]["text"].as_str().unwrap_or("");
            json!({"content": [{"type": "text", "text": text.to_uppercase()}]})
        }
        _ => {
            return axum::Json(json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "no such method"}}))
                .into_response()
        }
    };
    axum::Json(json!({"jsonrpc": "2.0", "id": id, "result": result})).into_response()
}

async fn serve() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = axum::Router::new()
        .route(
            "/mcp",
            axum::routing::post(endpoint)
                .get(|| async { StatusCode::METHOD_NOT_ALLOWED })
                .delete(|| async { StatusCode::OK }),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_servers_get_their_headers_and_secret_headers_from_the_keychain() {
    let in_session = std::env::var("HEARTH_IN_SESSION").as_deref() == Ok("1");
    let (url, seen) = serve().await;
    let dir = tempfile::tempdir().unwrap();
    let live = LiveConfig::load(&dir.path().join("config.toml"), EventBus::default()).unwrap();
    let secrets = McpSecrets::new(Keychain::new("hearth-test-mcp"), Redactor::new());
    let mut server = McpServerConfig::http(&url);
    server
        .headers
        .insert("X-Client".into(), "hearth-test".into());
    let token = "Bearer test-token-0123456789";
    if in_session {
        secrets
            .set("web-api", "Authorization", &Secret::new(token))
            .await
            .unwrap();
        server.secret_headers.push("Authorization".into());
    } else {
        eprintln!("note: the secret-header part is skipped: run with scripts/with-session.sh");
    }
    settings::add_server(&live, "web-api", &server).unwrap();
    let registry = ToolRegistry::new();
    let manager = McpManager::new(live, registry.clone(), secrets.clone());
    let status = manager.start_server("web-api").await.unwrap();
    assert_eq!(
        status.state,
        ServerState::Running { tool_count: 1 },
        "{status:?}"
    );
    let output = registry
        .get("web-api.shout")
        .unwrap()
        .run(json!({"text": "hi"}), ToolContext::default())
        .await
        .unwrap();
    assert_eq!(output.content, "HI");
    assert!(output.untrusted.is_some());
    manager.shutdown().await;
    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() >= 3, "initialize, initialized, tools/list, call");
    assert!(seen.iter().all(|h| h["x-client"] == "hearth-test"));
    if in_session {
        assert!(seen.iter().all(|h| h["authorization"] == token));
        assert_ne!(
            secrets.redactor().scrub(token),
            token,
            "the secret is registered with the redactor"
        );
        secrets
            .delete_all("web-api", ["Authorization"])
            .await
            .unwrap();
    }
}
