//! A real crash: a child process (this test binary, re-run on one test) streams an answer and
//! is SIGKILLed mid-stream; the parent reopens the database and finds the partial answer kept,
//! marked `interrupted`, with `PRAGMA integrity_check` passing.

use super::{Store, FLUSH_INTERVAL};
use crate::conversation::{Message, MessageStatus};
use std::time::Duration;

/// Set in the child's environment: the database path it writes to.
const CHILD_DB_ENV: &str = "HEARTH_STORE_CRASH_CHILD_DB";
/// What the child prints once its first batch is on disk, followed by the message id.
const READY: &str = "STORE-CHILD-READY";

/// The child's side; does nothing unless started by [`a_killed_writer_leaves_an_interrupted_answer`].
#[test]
fn crash_child_streams_until_killed() {
    let Some(path) = std::env::var_os(CHILD_DB_ENV) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Store::open(std::path::Path::new(&path)).unwrap();
        let conversation = store.create_conversation(None).await.unwrap();
        let question = store
            .append_message(&conversation.id, Message::user("tell me a story"))
            .await
            .unwrap();
        let id = store
            .begin_assistant(&conversation.id, &question.id, "local", "slow")
            .await
            .unwrap();
        store.append_delta(&id, "Once upon a time").unwrap();
        // No explicit flush: the writer's timer must write the batch by itself.
        tokio::time::sleep(FLUSH_INTERVAL * 4).await;
        println!("{READY} {id}");
        loop {
            store.append_delta(&id, " and then").unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
}

#[cfg(unix)]
#[test]
fn a_killed_writer_leaves_an_interrupted_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hearth.db");
    let child = crate::test_child::spawn(
        "store::crash_tests::crash_child_streams_until_killed",
        CHILD_DB_ENV,
        &path,
        READY,
    );
    let id = child.ready(Duration::from_secs(60));
    // Let a few more batches reach the disk, then kill mid-stream.
    std::thread::sleep(FLUSH_INTERVAL * 2);
    child.kill();
    let id = id.expect("the child never became ready");

    let store = Store::open(&path).unwrap();
    let message = store.read_blocking({
        let id = id.clone();
        move |conn| super::messages::load_message_with_conversation(conn, &id).map(|(_, m)| m)
    });
    let message = message.unwrap();
    assert_eq!(message.status, MessageStatus::Interrupted);
    let text = message.text();
    assert!(text.starts_with("Once upon a time and then"), "{text}");
    let integrity: String = store
        .read_blocking(|conn| Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(integrity, "ok");
}
