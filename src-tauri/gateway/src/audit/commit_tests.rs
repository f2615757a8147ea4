//! When records reach the file and what is published for them: a begin is committed before
//! `begin` returns, the entry published for a begin (assembled from the records just written)
//! equals the one read back, and grouped completions share commits without losing order or
//! breaking the chain.

use super::*;
use crate::keys::Secret;
use std::time::{Duration, Instant};

fn open_log(dir: &std::path::Path, bus: &EventBus) -> (ActionLog, std::path::PathBuf) {
    let path = dir.join("hearth.db");
    let store = Store::open(&path).unwrap();
    let redactor = Redactor::new();
    redactor.add(&Secret::new("sk-secret-in-detail-0123456789"));
    (ActionLog::new(store, redactor).with_bus(bus.clone()), path)
}

fn api_entry() -> NewEntry {
    NewEntry::api_request(
        "editor",
        ApiRequestDetail {
            method: "POST".into(),
            path: "/v1/chat/completions".into(),
            model: Some("local/llama".into()),
        },
    )
}

async fn next_published(events: &mut tokio::sync::broadcast::Receiver<Event>) -> serde_json::Value {
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("nothing published within 5 s")
        .unwrap();
    match event {
        Event::ActionLogged { entry } => entry,
        other => panic!("unexpected event {other:?}"),
    }
}

/// The entry as a fresh read from the file gives it, in its published form.
async fn read_back(log: &ActionLog, id: &EntryId) -> serde_json::Value {
    let entries = log.entries(LogQuery::default()).await.unwrap();
    let entry = entries
        .iter()
        .find(|e| e.id == id.0)
        .expect("entry in the log");
    to_detail(entry)
}

#[tokio::test]
async fn a_begin_is_in_the_file_when_begin_returns() {
    let dir = tempfile::tempdir().unwrap();
    let (log, path) = open_log(dir.path(), &EventBus::default());
    // Another connection, as another process would read the file.
    let other = rusqlite::Connection::open(&path).unwrap();
    for _ in 0..20 {
        let id = log.begin(api_entry()).await.unwrap();
        let phases: Vec<String> = other
            .prepare("SELECT phase FROM action_log WHERE entry_id = ?1")
            .unwrap()
            .query_map([&id.0], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(phases, ["begin"]);
        log.complete_grouped(&id, Outcome::ok("200", serde_json::json!({"status": 200})))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_entry_published_for_a_begin_equals_the_one_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let bus = EventBus::default();
    let mut events = bus.subscribe();
    let (log, _) = open_log(dir.path(), &bus);
    let entry = NewEntry::tool_call(
        Some("conv-7".into()),
        ToolCallDetail {
            tool: "shell".into(),
            call_id: "call_9".into(),
            arguments: serde_json::json!({
                "command": "curl -H 'x: sk-secret-in-detail-0123456789'"
            }),
            preview: "curl".into(),
        },
    );
    let id = log.begin(entry).await.unwrap();
    let published = next_published(&mut events).await;
    assert_eq!(published, read_back(&log, &id).await);
    assert!(!published.to_string().contains("sk-secret-in-detail"));

    // A one-shot record (begin and completion at once) is assembled the same way.
    let id = log
        .record(
            api_entry(),
            Outcome::ok("401 Unauthorized", serde_json::json!({"status": 401})),
        )
        .await
        .unwrap();
    let published = next_published(&mut events).await;
    assert_eq!(published, read_back(&log, &id).await);
    assert_eq!(published["outcome"]["summary"], "401 Unauthorized");
}

#[tokio::test]
async fn a_grouped_completion_is_published_and_committed_within_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let bus = EventBus::default();
    let mut events = bus.subscribe();
    let (log, _) = open_log(dir.path(), &bus);
    let id = log.begin(api_entry()).await.unwrap();
    next_published(&mut events).await;
    let started = Instant::now();
    log.complete_grouped(
        &id,
        Outcome::ok("200 ok", serde_json::json!({"status": 200})),
    )
    .await
    .unwrap();
    // Nothing else was written: it waited for company, then was committed alone.
    assert!(started.elapsed() >= crate::store::GROUP_DELAY / 2);
    assert!(started.elapsed() < Duration::from_secs(2));
    let published = next_published(&mut events).await;
    assert_eq!(published, read_back(&log, &id).await);
    assert_eq!(published["status"], "ok");
    assert!(matches!(
        log.complete_grouped(&id, Outcome::ok("again", serde_json::Value::Null))
            .await,
        Err(AuditError::AlreadyCompleted(_))
    ));
}

#[tokio::test]
async fn grouped_completions_share_the_next_begins_commit_and_keep_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = open_log(dir.path(), &EventBus::default());
    let mut previous: Option<EntryId> = None;
    for _ in 0..50 {
        let id = log.begin(api_entry()).await.unwrap();
        if let Some(done) = previous.take() {
            // Completed in the background, as the proxy does after a streamed answer.
            let log = log.clone();
            tokio::spawn(async move {
                log.complete_grouped(&done, Outcome::ok("200", serde_json::Value::Null))
                    .await
                    .unwrap();
            });
            tokio::task::yield_now().await;
        }
        previous = Some(id);
    }
    if let Some(done) = previous {
        log.complete_grouped(&done, Outcome::ok("200", serde_json::Value::Null))
            .await
            .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let entries = log.entries(LogQuery::default()).await.unwrap();
        if entries.iter().all(|e| e.status == EntryStatus::Ok) {
            assert_eq!(entries.len(), 50);
            break;
        }
        assert!(Instant::now() < deadline, "completions were not written");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let verified = log.verify().await.unwrap();
    assert_eq!(verified.records, 100);
}
