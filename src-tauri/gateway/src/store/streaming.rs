//! Streaming persistence for the agent loop: an assistant answer exists (status `streaming`)
//! from before its first delta; deltas are buffered by the writer thread and flushed at most
//! every [`FLUSH_INTERVAL`] (and before any other write, e.g. [`Store::set_blocks`] or
//! [`Store::finish`]), so a crash loses at most the last batch. At the next open, answers left
//! `streaming` become `interrupted` and keep their text.

use super::error::StoreError;
use super::messages::{insert_message, set_current_leaf, touch_conversation};
use super::writer::Command;
use super::Store;
use crate::conversation::{new_id, now_ms, Block, Message, MessageStatus, Role, Usage};
use rusqlite::{params, OptionalExtension, Transaction};
use std::time::{Duration, Instant};

/// The longest streamed text waits in memory before it is written.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(250);

/// How a streamed answer ended, for [`Store::finish`].
#[derive(Debug, Clone, PartialEq)]
pub struct Finish {
    /// `complete`, `error` or `cancelled` (or `interrupted`).
    pub status: MessageStatus,
    /// Tokens spent, when the provider reported them.
    pub usage: Option<Usage>,
    /// Cost in US dollars, when known.
    pub cost_usd: Option<f64>,
    /// A short, already redacted error description for `error`.
    pub error: Option<String>,
}

impl Finish {
    /// A normal end with the given usage and cost.
    pub fn complete(usage: Option<Usage>, cost_usd: Option<f64>) -> Self {
        Finish {
            status: MessageStatus::Complete,
            usage,
            cost_usd,
            error: None,
        }
    }
}

impl Store {
    /// Creates an empty assistant answer with status `streaming` under `parent_id` (the user or
    /// tool message it answers), makes it the conversation's current leaf and returns its id.
    pub async fn begin_assistant(
        &self,
        conversation_id: &str,
        parent_id: &str,
        provider: &str,
        model: &str,
    ) -> Result<String, StoreError> {
        let message = Message {
            id: new_id(),
            parent_id: Some(parent_id.to_owned()),
            role: Role::Assistant,
            blocks: Vec::new(),
            provider: Some(provider.to_owned()),
            model: Some(model.to_owned()),
            usage: None,
            cost_usd: None,
            status: MessageStatus::Streaming,
            error: None,
            created_at: now_ms(),
        };
        let conversation_id = conversation_id.to_owned();
        let id = message.id.clone();
        self.write(move |tx| {
            insert_message(tx, &conversation_id, &message)?;
            set_current_leaf(tx, &conversation_id, &message.id)?;
            Ok(())
        })
        .await?;
        Ok(id)
    }

    /// Queues streamed text for a `streaming` message (appended to its last text block, or as a
    /// new one after a tool call). Never blocks: the writer thread batches it.
    pub fn append_delta(&self, message_id: &str, text: &str) -> Result<(), StoreError> {
        if text.is_empty() {
            return Ok(());
        }
        self.send(Command::Delta {
            message_id: message_id.to_owned(),
            text: text.to_owned(),
        })
    }

    /// Replaces a message's blocks (after flushing its pending text), e.g. when a tool call
    /// block completes. Later deltas append after the last block.
    pub async fn set_blocks(&self, message_id: &str, blocks: Vec<Block>) -> Result<(), StoreError> {
        let message_id = message_id.to_owned();
        self.write(move |tx| {
            let json = blocks_json(&blocks)?;
            let changed = tx.execute(
                "UPDATE messages SET blocks = ?2, updated_at = ?3 WHERE id = ?1",
                params![message_id, json, now_ms()],
            )?;
            if changed == 0 {
                return Err(StoreError::MessageNotFound(message_id));
            }
            Ok(())
        })
        .await
    }

    /// Ends a streamed answer (after flushing its pending text): sets its status, usage, cost
    /// and error.
    pub async fn finish(&self, message_id: &str, finish: Finish) -> Result<(), StoreError> {
        let message_id = message_id.to_owned();
        self.write(move |tx| {
            let usage = finish
                .usage
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|source| StoreError::CorruptRow {
                    id: message_id.clone(),
                    source,
                })?;
            let conversation_id: Option<String> = tx
                .query_row(
                    "UPDATE messages SET status = ?2, usage = ?3, cost_usd = ?4, error = ?5,
                            updated_at = ?6
                     WHERE id = ?1 RETURNING conversation_id",
                    params![
                        message_id,
                        finish.status.as_str(),
                        usage,
                        finish.cost_usd,
                        finish.error,
                        now_ms()
                    ],
                    |row| row.get(0),
                )
                .optional()?;
            let conversation_id =
                conversation_id.ok_or_else(|| StoreError::MessageNotFound(message_id.clone()))?;
            touch_conversation(tx, &conversation_id)
        })
        .await
    }

    /// Waits until every delta queued so far is on disk.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let (reply, done) = tokio::sync::oneshot::channel();
        self.send(Command::Flush(reply))?;
        done.await.map_err(|_| StoreError::Closed)
    }
}

/// Streamed text waiting in the writer thread, in arrival order per message.
#[derive(Debug, Default)]
pub(super) struct PendingText {
    entries: Vec<(String, String)>,
    batch_started: Option<Instant>,
}

impl PendingText {
    /// Adds text for a message.
    pub fn push(&mut self, message_id: String, text: &str, now: Instant) {
        self.batch_started.get_or_insert(now);
        match self.entries.iter_mut().find(|(id, _)| *id == message_id) {
            Some((_, buffered)) => buffered.push_str(text),
            None => self.entries.push((message_id, text.to_owned())),
        }
    }

    /// When the current batch must be written, if there is one.
    pub fn deadline(&self) -> Option<Instant> {
        self.batch_started.map(|start| start + FLUSH_INTERVAL)
    }

    /// Whether the batch has waited long enough.
    pub fn is_due(&self, now: Instant) -> bool {
        self.deadline().is_some_and(|deadline| now >= deadline)
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes the batch: `(message_id, text)` pairs.
    pub fn take(&mut self) -> Vec<(String, String)> {
        self.batch_started = None;
        std::mem::take(&mut self.entries)
    }
}

/// Appends text to a streaming message's last text block (or a new one). A message that is no
/// longer streaming (finished, or deleted) is left alone.
pub(super) fn append_text(
    tx: &Transaction,
    message_id: &str,
    text: &str,
) -> Result<(), StoreError> {
    let stored: Option<String> = tx
        .query_row(
            "SELECT blocks FROM messages WHERE id = ?1 AND status = 'streaming'",
            [message_id],
            |row| row.get(0),
        )
        .optional()?;
    let Some(stored) = stored else {
        return Ok(());
    };
    let mut blocks: Vec<Block> =
        serde_json::from_str(&stored).map_err(|source| StoreError::CorruptRow {
            id: message_id.to_owned(),
            source,
        })?;
    match blocks.last_mut() {
        Some(Block::Text { text: last }) => last.push_str(text),
        _ => blocks.push(Block::text(text)),
    }
    tx.execute(
        "UPDATE messages SET blocks = ?2, updated_at = ?3 WHERE id = ?1",
        params![message_id, blocks_json(&blocks)?, now_ms()],
    )?;
    Ok(())
}

/// Serialises blocks for the `blocks` column.
pub(super) fn blocks_json(blocks: &[Block]) -> Result<String, StoreError> {
    serde_json::to_string(blocks).map_err(|source| StoreError::CorruptRow {
        id: String::from("(blocks)"),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{one_exchange, temp_store};
    use super::*;
    use crate::store::Store;

    #[tokio::test]
    async fn a_streamed_answer_exists_from_the_start_and_collects_deltas() {
        let (_dir, store) = temp_store();
        let (conversation, _, assistant) = one_exchange(&store, "q", "a").await;
        let follow_up = store
            .append_message(&conversation, Message::user("more"))
            .await
            .unwrap();
        let id = store
            .begin_assistant(&conversation, &follow_up.id, "claude", "sonnet")
            .await
            .unwrap();
        let started = store.message(&id).await.unwrap();
        assert_eq!(started.status, MessageStatus::Streaming);
        assert!(started.blocks.is_empty());
        store.append_delta(&id, "Hel").unwrap();
        store.append_delta(&id, "lo").unwrap();
        let call = Block::ToolCall {
            id: "c1".into(),
            name: "files.read".into(),
            arguments: serde_json::json!({"path": "a"}),
            opaque: None,
        };
        store
            .set_blocks(&id, vec![Block::text("Hello"), call.clone()])
            .await
            .unwrap();
        store.append_delta(&id, " after").unwrap();
        let usage = Usage {
            input_tokens: 5,
            output_tokens: 7,
            ..Default::default()
        };
        store
            .finish(&id, Finish::complete(Some(usage), Some(0.25)))
            .await
            .unwrap();
        let done = store.message(&id).await.unwrap();
        assert_eq!(
            done.blocks,
            vec![Block::text("Hello"), call, Block::text(" after")]
        );
        assert_eq!(done.status, MessageStatus::Complete);
        assert_eq!(done.usage, Some(usage));
        assert_eq!(done.cost_usd, Some(0.25));
        let path = store.current_path(&conversation).await.unwrap();
        assert_eq!(path.last().unwrap().id, id);
        assert_ne!(path.last().unwrap().id, assistant);
    }

    #[tokio::test]
    async fn deltas_reach_the_disk_within_the_flush_interval_without_other_writes() {
        let (dir, store) = temp_store();
        let (conversation, user, _) = one_exchange(&store, "q", "a").await;
        let id = store
            .begin_assistant(&conversation, &user, "p", "m")
            .await
            .unwrap();
        store.append_delta(&id, "partial text").unwrap();
        tokio::time::sleep(FLUSH_INTERVAL * 3).await;
        // A separate connection, as another process would see it.
        let conn = rusqlite::Connection::open(dir.path().join("hearth.db")).unwrap();
        let blocks: String = conn
            .query_row("SELECT blocks FROM messages WHERE id = ?1", [&id], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(blocks.contains("partial text"), "{blocks}");
    }

    #[tokio::test]
    async fn an_error_keeps_the_partial_text_and_the_reason() {
        let (_dir, store) = temp_store();
        let (conversation, user, _) = one_exchange(&store, "q", "a").await;
        let id = store
            .begin_assistant(&conversation, &user, "p", "m")
            .await
            .unwrap();
        store.append_delta(&id, "half an ans").unwrap();
        store
            .finish(
                &id,
                Finish {
                    status: MessageStatus::Error,
                    usage: None,
                    cost_usd: None,
                    error: Some("connection reset".into()),
                },
            )
            .await
            .unwrap();
        let message = store.message(&id).await.unwrap();
        assert_eq!(message.status, MessageStatus::Error);
        assert_eq!(message.text(), "half an ans");
        assert_eq!(message.error.as_deref(), Some("connection reset"));
    }

    #[tokio::test]
    async fn an_unfinished_answer_is_interrupted_at_the_next_open_with_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        let store = Store::open(&path).unwrap();
        let (conversation, user, _) = one_exchange(&store, "q", "a").await;
        let id = store
            .begin_assistant(&conversation, &user, "p", "m")
            .await
            .unwrap();
        store.append_delta(&id, "the first half").unwrap();
        store.flush().await.unwrap();
        store.append_delta(&id, " and more").unwrap();
        drop(store); // never finished
        let store = Store::open(&path).unwrap();
        let message = store.message(&id).await.unwrap();
        assert_eq!(message.status, MessageStatus::Interrupted);
        assert!(message.text().starts_with("the first half"));
        let integrity: String = store
            .read(|conn| Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(integrity, "ok");
        // Once interrupted, the partial answer is searchable.
        let hits = store
            .search(crate::store::SearchQuery::new("first half"))
            .await
            .unwrap();
        assert!(hits
            .iter()
            .any(|h| h.message_id.as_deref() == Some(id.as_str())));
    }

    #[tokio::test]
    async fn a_second_process_does_not_interrupt_the_first_ones_live_answer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        let first = Store::open(&path).unwrap();
        let (conversation, user, _) = one_exchange(&first, "q", "a").await;
        let id = first
            .begin_assistant(&conversation, &user, "p", "m")
            .await
            .unwrap();
        // A second store on the same file (like `hearth history list` while the app runs)
        // does not own the lock, so it leaves live answers alone.
        let second = Store::open(&path).unwrap();
        assert_eq!(
            second.message(&id).await.unwrap().status,
            MessageStatus::Streaming
        );
        drop(second);
        first
            .finish(&id, Finish::complete(None, None))
            .await
            .unwrap();
        assert_eq!(
            first.message(&id).await.unwrap().status,
            MessageStatus::Complete
        );
    }

    #[test]
    fn pending_text_batches_per_message_in_order() {
        let mut pending = PendingText::default();
        let start = Instant::now();
        assert!(pending.deadline().is_none());
        pending.push("a".into(), "x", start);
        pending.push("b".into(), "1", start);
        pending.push("a".into(), "y", start + Duration::from_millis(10));
        assert_eq!(pending.deadline(), Some(start + FLUSH_INTERVAL));
        assert!(!pending.is_due(start + Duration::from_millis(100)));
        assert!(pending.is_due(start + FLUSH_INTERVAL));
        assert_eq!(
            pending.take(),
            vec![
                ("a".to_owned(), "xy".to_owned()),
                ("b".to_owned(), "1".to_owned())
            ]
        );
        assert!(pending.is_empty() && pending.deadline().is_none());
    }
}
