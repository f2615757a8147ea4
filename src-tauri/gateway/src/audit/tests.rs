//! Tests of the action log on real SQLite files: the chain, verification catching edits and
//! deletions made directly in the file, retention, redaction, publishing.

use super::*;
use crate::keys::Secret;
use rusqlite::params;

async fn open_log(dir: &std::path::Path) -> (ActionLog, std::path::PathBuf) {
    let path = dir.join("hearth.db");
    let store = Store::open(&path).unwrap();
    (ActionLog::new(store, Redactor::new()), path)
}

fn tool_entry(preview: &str) -> NewEntry {
    NewEntry::tool_call(
        Some("conv-1".into()),
        ToolCallDetail {
            tool: "shell".into(),
            call_id: "call_1".into(),
            arguments: serde_json::json!({ "command": preview }),
            preview: preview.into(),
        },
    )
}

/// Writes `n` completed entries and returns their ids.
async fn fill(log: &ActionLog, n: usize) -> Vec<EntryId> {
    let mut ids = Vec::new();
    for i in 0..n {
        let id = log.begin(tool_entry(&format!("echo {i}"))).await.unwrap();
        log.complete(
            &id,
            Outcome::ok("exit 0", serde_json::json!({ "exit_status": 0 })),
        )
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

/// A separate connection to the file, as an attacker with an SQLite tool would use.
fn tamper(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[tokio::test]
async fn an_action_is_begun_staged_and_completed_in_a_linked_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (log, path) = open_log(dir.path()).await;
    let id = log.begin(tool_entry("git status")).await.unwrap();
    let pending = log.entries(LogQuery::default()).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].status, EntryStatus::Pending);
    assert_eq!(pending[0].summary, "shell: git status");

    log.stage(
        &id,
        Stage {
            name: "decided".into(),
            actor: Actor::Rule("shell(git status*)".into()),
            summary: "allowed by rule".into(),
            detail: to_detail(&DecisionDetail {
                decision: "allow".into(),
                reason: "shell(git status*)".into(),
                note: None,
            }),
        },
    )
    .await
    .unwrap();
    log.complete(
        &id,
        Outcome::ok("exit 0", serde_json::json!({ "exit_status": 0 })),
    )
    .await
    .unwrap();

    let entries = log.entries(LogQuery::default()).await.unwrap();
    let entry = &entries[0];
    assert_eq!(entry.status, EntryStatus::Ok);
    assert_eq!(entry.kind, EntryKind::ToolCall);
    assert_eq!(entry.conversation_id.as_deref(), Some("conv-1"));
    assert_eq!(entry.stages.len(), 1);
    assert_eq!(
        entry.stages[0].actor,
        Actor::Rule("shell(git status*)".into())
    );
    let outcome = entry.outcome.as_ref().unwrap();
    assert!(outcome.duration_ms.unwrap() >= 0);
    assert_eq!(outcome.detail["exit_status"], 0);

    // Completed entries are immutable; unknown ids are refused.
    assert!(matches!(
        log.complete(&id, Outcome::error("again")).await,
        Err(AuditError::AlreadyCompleted(_))
    ));
    assert!(matches!(
        log.stage(
            &id,
            Stage {
                name: "late".into(),
                actor: Actor::System,
                summary: String::new(),
                detail: serde_json::Value::Null
            }
        )
        .await,
        Err(AuditError::AlreadyCompleted(_))
    ));
    assert!(matches!(
        log.complete(&EntryId("nope".into()), Outcome::error("x"))
            .await,
        Err(AuditError::UnknownEntry(_))
    ));

    // Three records, each linked to the one before.
    let conn = tamper(&path);
    let rows: Vec<(i64, String, String)> = conn
        .prepare("SELECT seq, prev_hash, hash FROM action_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].1, GENESIS_HASH);
    assert_eq!(rows[1].1, rows[0].2);
    assert_eq!(rows[2].1, rows[1].2);
    let verified = log.verify().await.unwrap();
    assert_eq!((verified.records, verified.last_seq), (3, 3));
}

#[tokio::test]
async fn verify_names_an_edited_record() {
    let dir = tempfile::tempdir().unwrap();
    let (log, path) = open_log(dir.path()).await;
    let ids = fill(&log, 3).await;
    log.verify().await.unwrap();
    tamper(&path)
        .execute(
            "UPDATE action_log SET detail = '{\"exit_status\":1}' WHERE seq = 4",
            [],
        )
        .unwrap();
    match log.verify().await {
        Err(AuditError::Broken(ChainBreak::Edited { seq, entry_id })) => {
            assert_eq!(seq, 4);
            assert_eq!(entry_id, ids[1].0);
        }
        other => panic!("expected an edit to be found, got {other:?}"),
    }
}

#[tokio::test]
async fn verify_catches_an_edit_whose_hash_was_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    let (log, path) = open_log(dir.path()).await;
    fill(&log, 2).await;
    // Rewrite record 2's summary and its own hash: the next record no longer links to it.
    let conn = tamper(&path);
    let record = conn
        .query_row(
            &format!("SELECT {} FROM action_log WHERE seq = 2", record::COLUMNS),
            [],
            record::from_row,
        )
        .unwrap();
    let mut draft = record.draft.clone();
    draft.summary = "nothing happened".into();
    let forged = record::record_hash(2, &draft, &record.prev_hash);
    conn.execute(
        "UPDATE action_log SET summary = ?1, hash = ?2 WHERE seq = 2",
        params![draft.summary, forged],
    )
    .unwrap();
    assert!(matches!(
        log.verify().await,
        Err(AuditError::Broken(ChainBreak::Unlinked { seq: 3, .. }))
    ));
}

#[tokio::test]
async fn verify_names_deleted_records() {
    let dir = tempfile::tempdir().unwrap();
    let (log, path) = open_log(dir.path()).await;
    let ids = fill(&log, 3).await;
    tamper(&path)
        .execute("DELETE FROM action_log WHERE seq IN (3, 4)", [])
        .unwrap();
    match log.verify().await {
        Err(AuditError::Broken(ChainBreak::Missing {
            first_missing,
            last_missing,
            next_entry_id,
        })) => {
            assert_eq!((first_missing, last_missing), (3, 4));
            assert_eq!(next_entry_id, ids[2].0);
        }
        other => panic!("expected a gap, got {other:?}"),
    }
    let text = log.verify().await.unwrap_err().to_string();
    assert!(text.contains("#3..#4"), "{text}");
}

#[tokio::test]
async fn verify_catches_the_newest_records_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let (log, path) = open_log(dir.path()).await;
    fill(&log, 2).await;
    tamper(&path)
        .execute("DELETE FROM action_log WHERE seq = 4", [])
        .unwrap();
    assert!(matches!(
        log.verify().await,
        Err(AuditError::Broken(ChainBreak::Truncated {
            last_seq: 3,
            head_seq: 4
        }))
    ));
}

#[tokio::test]
async fn retention_prunes_old_entries_and_keeps_verify_green() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _path) = open_log(dir.path()).await;
    fill(&log, 2).await;
    // An action still running when the old ones are pruned must survive whole.
    let running = log.begin(tool_entry("sleep 100")).await.unwrap();
    fill(&log, 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let cutoff = now_ms();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    fill(&log, 2).await;

    let pruned = log.prune_before(cutoff).await.unwrap();
    assert_eq!(
        pruned.records, 4,
        "only the two entries before the running one"
    );
    assert_eq!(pruned.through_seq, 4);
    let verified = log.verify().await.unwrap();
    assert_eq!(verified.pruned_through, 4);
    let left = log.entries(LogQuery::default()).await.unwrap();
    assert_eq!(left.len(), 4);
    assert_eq!(left[0].id, running.0);

    // Once it completed (after the cutoff), everything older than now can go.
    log.complete(&running, Outcome::ok("done", serde_json::Value::Null))
        .await
        .unwrap();
    assert_eq!(log.prune_before(cutoff).await.unwrap().records, 0);
    let pruned = log.prune_before(now_ms() + 1).await.unwrap();
    assert_eq!(pruned.records, 8);
    assert!(log.entries(LogQuery::default()).await.unwrap().is_empty());
    log.verify().await.unwrap();
    fill(&log, 1).await;
    log.verify().await.unwrap();
    // Retention 0 keeps everything.
    assert_eq!(log.prune(0).await.unwrap().records, 0);
    assert_eq!(log.prune(365).await.unwrap().records, 0);
}

#[tokio::test]
async fn details_and_summaries_are_redacted_before_they_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hearth.db");
    let redactor = Redactor::new();
    redactor.add(&Secret::new("hearth-FAKE-KEY-leaktest-0001"));
    let log = ActionLog::new(Store::open(&path).unwrap(), redactor);
    let id = log
        .begin(NewEntry {
            kind: EntryKind::ModelCall,
            actor: Actor::Agent,
            conversation_id: None,
            summary: "call with hearth-FAKE-KEY-leaktest-0001".into(),
            detail: serde_json::json!({
                "headers": { "authorization": "Bearer hearth-FAKE-KEY-leaktest-0001" },
                "echo": ["sk-ant-api03-abcdefghijklmnop"],
            }),
        })
        .await
        .unwrap();
    log.complete(
        &id,
        Outcome::error("401: invalid key hearth-FAKE-KEY-leaktest-0001"),
    )
    .await
    .unwrap();
    let entries = log.entries(LogQuery::default()).await.unwrap();
    let shown = serde_json::to_string(&entries).unwrap();
    assert!(!shown.contains("leaktest"), "{shown}");
    assert!(!shown.contains("abcdefghijklmnop"), "{shown}");
    assert!(shown.contains("[redacted]"));
    drop(log);
    // Nothing in the database files either.
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("leaktest"));
    }
}

#[tokio::test]
async fn huge_details_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = open_log(dir.path()).await;
    let big = "x".repeat(MAX_DETAIL_BYTES * 2);
    let id = log
        .begin(NewEntry {
            kind: EntryKind::Other,
            actor: Actor::User,
            conversation_id: None,
            summary: format!("line one\nline two {}", "y".repeat(1000)),
            detail: serde_json::json!({ "output": big }),
        })
        .await
        .unwrap();
    let entry = log.entries(LogQuery::default()).await.unwrap().remove(0);
    assert_eq!(entry.id, id.0);
    assert_eq!(entry.detail["truncated"], true);
    assert!(!entry.summary.contains('\n'));
    assert_eq!(entry.summary.chars().count(), MAX_SUMMARY_CHARS);
}

#[tokio::test]
async fn every_record_is_published_with_the_entry_state() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = open_log(dir.path()).await;
    let bus = EventBus::default();
    let mut events = bus.subscribe();
    let log = log.with_bus(bus);
    let id = log.begin(tool_entry("ls")).await.unwrap();
    log.complete(&id, Outcome::ok("exit 0", serde_json::Value::Null))
        .await
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let event = tokio::time::timeout(std::time::Duration::from_secs(5), events.recv())
            .await
            .unwrap()
            .unwrap();
        let Event::ActionLogged { entry } = event else {
            panic!("unexpected event {event:?}");
        };
        assert_eq!(entry["id"], id.0.as_str());
        statuses.push(entry["status"].as_str().unwrap().to_string());
    }
    assert_eq!(statuses, ["pending", "ok"]);
}

#[tokio::test]
async fn following_sees_new_and_completed_entries() {
    let dir = tempfile::tempdir().unwrap();
    let (log, path) = open_log(dir.path()).await;
    fill(&log, 1).await;
    let mark = log.newest_seq().await.unwrap();
    assert_eq!(mark, 2);
    // Another process (its own store on the same file) writes.
    let other = ActionLog::new(Store::open(&path).unwrap(), Redactor::new());
    let id = other.begin(tool_entry("make")).await.unwrap();
    let (changed, newest) = log.changed_after(mark).await.unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].status, EntryStatus::Pending);
    other
        .complete(
            &id,
            Outcome::with_status(EntryStatus::Denied, "denied by user"),
        )
        .await
        .unwrap();
    let (changed, newest2) = log.changed_after(newest).await.unwrap();
    assert_eq!(changed[0].status, EntryStatus::Denied);
    assert_eq!(newest2, 4);
    log.verify().await.unwrap();
}

#[tokio::test]
async fn pending_entries_are_marked_interrupted_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = open_log(dir.path()).await;
    fill(&log, 1).await;
    log.begin(tool_entry("long job")).await.unwrap();
    let restarted_ms = crate::conversation::now_ms() + 1;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    // An action the new run began meanwhile is not the crashed run's.
    log.begin(tool_entry("new job")).await.unwrap();
    assert_eq!(log.interrupt_pending(restarted_ms).await.unwrap(), 1);
    assert_eq!(log.interrupt_pending(restarted_ms).await.unwrap(), 0);
    let entries = log.entries(LogQuery::default()).await.unwrap();
    assert_eq!(entries[1].status, EntryStatus::Interrupted);
    assert_eq!(entries[2].status, EntryStatus::Pending);
    log.verify().await.unwrap();
}

#[tokio::test]
async fn one_shot_records_and_queries_by_time_and_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = open_log(dir.path()).await;
    log.record(
        NewEntry::config_change(
            Actor::User,
            ConfigChangeDetail {
                setting: "permissions.shell".into(),
                from: Some("ask".into()),
                to: Some("allow".into()),
                via: "cli".into(),
            },
        ),
        Outcome::ok("written", serde_json::Value::Null),
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let since = now_ms();
    fill(&log, 2).await;
    let all = log.entries(LogQuery::default()).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].kind, EntryKind::ConfigChange);
    assert_eq!(all[0].status, EntryStatus::Ok);
    let recent = log
        .entries(LogQuery {
            since_ms: Some(since),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(recent.len(), 2);
    let in_conv = log
        .entries(LogQuery {
            conversation_id: Some("conv-1".into()),
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(in_conv.len(), 1);
    assert_eq!(in_conv[0].id, all[2].id);
    log.verify().await.unwrap();
}

#[tokio::test]
async fn queries_filter_by_kind_tool_provider_and_page_back() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = open_log(dir.path()).await;
    fill(&log, 3).await;
    let model = log
        .begin(NewEntry::model_call(
            None,
            ModelCallDetail {
                provider: "anthropic".into(),
                model: "claude".into(),
                message_id: None,
            },
        ))
        .await
        .unwrap();
    let by_kind = log
        .entries(LogQuery {
            kind: Some(EntryKind::ModelCall),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_kind.len(), 1);
    assert_eq!(by_kind[0].id, model.0);
    let by_provider = log
        .entries(LogQuery {
            provider: Some("anthropic".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_provider.len(), 1);
    let shell = log
        .entries(LogQuery {
            tool: Some("shell".into()),
            newest_first: true,
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(shell.len(), 2);
    assert!(shell[0].seq > shell[1].seq, "newest first");
    let older = log
        .entries(LogQuery {
            tool: Some("shell".into()),
            before_seq: Some(shell[1].seq),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(older.len(), 1);
    assert!(older[0].seq < shell[1].seq);
    // The UI sends `{ "limit": 50, "before": 7 }`.
    let query: LogQuery = serde_json::from_value(
        serde_json::json!({ "limit": 50, "before": 7, "kind": "tool_call" }),
    )
    .unwrap();
    assert_eq!(query.before_seq, Some(7));
    assert_eq!(query.kind, Some(EntryKind::ToolCall));
}
