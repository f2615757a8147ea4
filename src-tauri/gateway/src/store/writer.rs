//! The single writer: one thread owns the read-write connection and runs every write, in order,
//! from a channel. It also holds the text of streaming answers between flushes, so deltas cost
//! a channel send and reach the disk in batches (see [`FLUSH_INTERVAL`](super::FLUSH_INTERVAL)).

use super::error::StoreError;
use super::streaming::PendingText;
use rusqlite::Connection;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Instant;

/// A unit of work for the writer thread.
pub(super) type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// What the writer thread is asked to do.
pub(super) enum Command {
    /// Run a job (after flushing pending streamed text, so the job sees it).
    Job(Job),
    /// Write pending streamed text now, then send the outcome.
    Flush(tokio::sync::oneshot::Sender<()>),
    /// Append streamed text to a message; flushed within [`FLUSH_INTERVAL`](super::FLUSH_INTERVAL).
    Delta {
        /// The streaming message.
        message_id: String,
        /// The text to append.
        text: String,
    },
}

/// Runs until every sender is dropped, then flushes what is pending and returns.
pub(super) fn run(mut conn: Connection, commands: Receiver<Command>) {
    let mut pending = PendingText::default();
    loop {
        let command = match pending.deadline() {
            None => commands.recv().ok(),
            Some(deadline) => {
                let wait = deadline.saturating_duration_since(Instant::now());
                match commands.recv_timeout(wait) {
                    Ok(command) => Some(command),
                    Err(RecvTimeoutError::Timeout) => {
                        flush(&mut conn, &mut pending);
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => None,
                }
            }
        };
        match command {
            None => break,
            Some(Command::Job(job)) => {
                flush(&mut conn, &mut pending);
                job(&mut conn);
            }
            Some(Command::Flush(reply)) => {
                flush(&mut conn, &mut pending);
                let _ = reply.send(());
            }
            Some(Command::Delta { message_id, text }) => {
                pending.push(message_id, &text, Instant::now());
                if pending.is_due(Instant::now()) {
                    flush(&mut conn, &mut pending);
                }
            }
        }
    }
    flush(&mut conn, &mut pending);
}

/// Writes the pending text in one transaction; a failure is logged and the batch dropped
/// (keeping it would retry a failing write forever).
fn flush(conn: &mut Connection, pending: &mut PendingText) {
    if pending.is_empty() {
        return;
    }
    let batch = pending.take();
    if let Err(error) = write_batch(conn, batch) {
        tracing::warn!(%error, "could not flush streamed text");
    }
}

fn write_batch(conn: &mut Connection, batch: Vec<(String, String)>) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (message_id, text) in batch {
        super::streaming::append_text(&tx, &message_id, &text)?;
    }
    tx.commit()?;
    Ok(())
}
