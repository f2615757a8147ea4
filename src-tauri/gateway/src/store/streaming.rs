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
        self.write(|_| Ok(())).await
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
