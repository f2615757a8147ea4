//! The begin journal through [`ActionLog`]: a journaled begin is on disk when
//! `begin_journaled` returns and in the table soon after, its completion is never committed
//! before it, a crash's leftovers are folded in (once) at the next start, and only the
//! process that owns the data journals.

use super::journal::{paths, Journal};
use super::*;
use std::time::Duration;

fn open_log(dir: &std::path::Path) -> ActionLog {
    let store = Store::open(&dir.join("hearth.db")).unwrap();
    ActionLog::new(store, Redactor::new())
        .with_journal()
        .unwrap()
}

fn api_entry(client: &str) -> NewEntry {
    NewEntry::api_request(
        client,
        ApiRequestDetail {
            method: "POST".into(),
            path: "/v1/chat/completions".into(),
            model: Some("local/llama".into()),
        },
    )
}

fn journal_text(dir: &std::path::Path) -> String {
    paths(&dir.join("hearth.db"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

async fn wait_for_entries(log: &ActionLog, n: usize) -> Vec<LogEntry> {
    for _ in 0..200 {
        let entries = log.entries(LogQuery::default()).await.unwrap();
        if entries.len() >= n {
            return entries;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("fewer than {n} entries after 2 s");
}

#[tokio::test]
async fn a_journaled_begin_is_on_disk_at_once_and_in_the_table_soon_after() {
    let dir = tempfile::tempdir().unwrap();
    let log = open_log(dir.path());
    let id = log.begin_journaled(api_entry("editor")).await.unwrap();
    assert!(
        journal_text(dir.path()).contains(&id.0),
        "the begin record is in the journal when begin_journaled returns"
    );
    let entries = wait_for_entries(&log, 1).await;
    assert_eq!(entries[0].id, id.0);
    assert_eq!(entries[0].status, EntryStatus::Pending);
    log.verify().await.unwrap();
    // The folded line may stay in the journal until the file fills up; it is not folded
    // twice at the next start, and the journal starts empty.
    drop(log);
    let log = open_log(dir.path());
    assert_eq!(journal_text(dir.path()), "");
    assert_eq!(log.entries(LogQuery::default()).await.unwrap().len(), 1);
    log.verify().await.unwrap();
}

#[tokio::test]
async fn a_completion_right_after_a_journaled_begin_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = open_log(dir.path());
    for i in 0..50 {
        let id = log.begin_journaled(api_entry("editor")).await.unwrap();
        let outcome = Outcome::ok(format!("200 answer {i}"), serde_json::json!({}));
        match i % 3 {
            0 => log.complete(&id, outcome).await.unwrap(),
            1 => log.complete_grouped(&id, outcome).await.unwrap(),
            _ => log.complete_detached(&id, outcome),
        }
    }
    wait_for_entries(&log, 50).await;
    for _ in 0..100 {
        let entries = log.entries(LogQuery::default()).await.unwrap();
        if entries.iter().all(|e| e.status == EntryStatus::Ok) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let entries = log.entries(LogQuery::default()).await.unwrap();
    assert_eq!(entries.len(), 50);
    assert!(entries.iter().all(|e| e.status == EntryStatus::Ok));
    log.verify().await.unwrap();
}

#[tokio::test]
async fn a_journaled_record_is_on_disk_at_once_and_complete_in_the_table_soon_after() {
    let dir = tempfile::tempdir().unwrap();
    let log = open_log(dir.path());
    let entry = NewEntry::key_use(
        None,
        KeyUseDetail {
            provider: "openai".into(),
            origin: "https://api.openai.com".into(),
            source: "keychain".into(),
        },
    );
    let outcome = Outcome::ok("key sent as the auth header", serde_json::json!({}));
    let id = log.record_journaled(entry, outcome).await.unwrap();
    assert!(
        journal_text(dir.path()).contains(&id.0),
        "the key use is in the journal before the key is sent"
    );
    let mut entries = wait_for_entries(&log, 1).await;
    for _ in 0..200 {
        if entries[0].status == EntryStatus::Ok {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        entries = log.entries(LogQuery::default()).await.unwrap();
    }
    assert_eq!(entries[0].id, id.0);
    assert_eq!(entries[0].status, EntryStatus::Ok);
    assert_eq!(entries[0].kind, EntryKind::KeyUse);
    assert_eq!(
        entries[0].outcome.as_ref().unwrap().summary,
        "key sent as the auth header"
    );
    log.verify().await.unwrap();
}

#[tokio::test]
async fn a_crashed_runs_journal_is_folded_in_once_and_marked_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hearth.db");
    // A run that had begun two requests and committed one of them when it was killed: the
    // journal still holds both lines.
    let log = open_log(dir.path());
    let committed = log.begin(api_entry("committed")).await.unwrap();
    drop(log);
    let (journal, _) = Journal::open(&db).unwrap();
    let lost = record::Draft {
        entry_id: EntryId::generate().0,
        phase: Phase::Begin,
        at_ms: crate::conversation::now_ms(),
        kind: "api_request".into(),
        actor: "api:editor".into(),
        conversation_id: None,
        status: "pending".into(),
        summary: "POST /v1/chat/completions local/llama".into(),
        detail: "{}".into(),
        duration_ms: None,
    };
    let duplicate = record::Draft {
        entry_id: committed.0.clone(),
        at_ms: lost.at_ms - 1,
        ..lost.clone()
    };
    journal.append(&duplicate).unwrap();
    journal.append(&lost).unwrap();
    drop(journal);

    let restarted_ms = crate::conversation::now_ms() + 1;
    let log = open_log(dir.path());
    assert_eq!(
        journal_text(dir.path()),
        "",
        "the journal is emptied once folded"
    );
    let entries = log.entries(LogQuery::default()).await.unwrap();
    assert_eq!(entries.len(), 2, "the committed begin is not doubled");
    assert_eq!(entries[1].id, lost.entry_id);
    assert_eq!(log.interrupt_pending(restarted_ms).await.unwrap(), 2);
    let entries = log.entries(LogQuery::default()).await.unwrap();
    assert!(entries.iter().all(|e| e.status == EntryStatus::Interrupted));
    log.verify().await.unwrap();
}

#[tokio::test]
async fn only_the_owner_journals() {
    let dir = tempfile::tempdir().unwrap();
    let _owner = open_log(dir.path());
    let other = open_log(dir.path());
    let id = other.begin_journaled(api_entry("cli")).await.unwrap();
    // Not the owner: committed before begin_journaled returned, nothing journaled.
    let entries = other.entries(LogQuery::default()).await.unwrap();
    assert_eq!(entries[0].id, id.0);
    assert_eq!(journal_text(dir.path()), "");
}
