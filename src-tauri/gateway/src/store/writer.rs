//! The single writer: one thread owns the read-write connection and runs every write, in order,
//! from a channel, committing writes that queue up together (see `group.rs`). It also holds the text of streaming answers between flushes, so deltas cost
//! a channel send and reach the disk in batches (see [`FLUSH_INTERVAL`](super::FLUSH_INTERVAL)).

use super::checkpoint::WalTracker;
use super::error::StoreError;
use super::group::{self, Part, GROUP_DELAY, MAX_GROUP};
use super::streaming::PendingText;
use rusqlite::Connection;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Instant;

/// What the writer thread is asked to do.
pub(super) enum Command {
    /// Run a write now (after flushing pending streamed text, so it sees it), in one
    /// transaction with the grouped writes waiting and the writes already queued behind it.
    Write(Box<dyn Part>),
    /// Run a write within [`GROUP_DELAY`], sharing the commit of the next write if one comes.
    Grouped(Box<dyn Part>),
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

/// The grouped writes waiting for company, and since when.
#[derive(Default)]
struct Waiting {
    parts: Vec<Box<dyn Part>>,
    since: Option<Instant>,
}

impl Waiting {
    fn push(&mut self, part: Box<dyn Part>) {
        self.since.get_or_insert_with(Instant::now);
        self.parts.push(part);
    }

    fn deadline(&self) -> Option<Instant> {
        self.since.map(|since| since + GROUP_DELAY)
    }

    fn take(&mut self) -> Vec<Box<dyn Part>> {
        self.since = None;
        std::mem::take(&mut self.parts)
    }
}

/// Runs until every sender is dropped, then writes what is pending and returns. Checkpoints
/// are not run here (see `checkpoint.rs`), except a catch-up when the WAL file grew too long.
pub(super) fn run(mut conn: Connection, commands: Receiver<Command>, wal: WalTracker) {
    let mut pending = PendingText::default();
    let mut waiting = Waiting::default();
    // A command read while gathering a group, handled next.
    let mut next: Option<Command> = None;
    loop {
        let command = match next.take() {
            Some(command) => Some(command),
            None => match earliest(pending.deadline(), waiting.deadline()) {
                None => commands.recv().ok(),
                Some(deadline) => {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    match commands.recv_timeout(wait) {
                        Ok(command) => Some(command),
                        Err(RecvTimeoutError::Timeout) => {
                            let now = Instant::now();
                            if pending.deadline().is_some_and(|d| d <= now) {
                                flush(&mut conn, &mut pending, &wal);
                            }
                            if waiting.deadline().is_some_and(|d| d <= now) {
                                commit(&mut conn, waiting.take(), &wal);
                            }
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => None,
                    }
                }
            },
        };
        match command {
            None => break,
            Some(Command::Write(part)) => {
                flush(&mut conn, &mut pending, &wal);
                let mut group = waiting.take();
                group.push(part);
                next = gather(&commands, &mut group);
                commit(&mut conn, group, &wal);
            }
            Some(Command::Grouped(part)) => {
                waiting.push(part);
                if waiting.parts.len() >= MAX_GROUP {
                    commit(&mut conn, waiting.take(), &wal);
                }
            }
            Some(Command::Flush(reply)) => {
                flush(&mut conn, &mut pending, &wal);
                let _ = reply.send(());
            }
            Some(Command::Delta { message_id, text }) => {
                pending.push(message_id, &text, Instant::now());
                if pending.is_due(Instant::now()) {
                    flush(&mut conn, &mut pending, &wal);
                }
            }
        }
    }
    flush(&mut conn, &mut pending, &wal);
    commit(&mut conn, waiting.take(), &wal);
}

/// Adds the writes already queued to `group` (up to [`MAX_GROUP`]); returns the first other
/// command met, which must be handled next (so the order of commands is kept).
fn gather(commands: &Receiver<Command>, group: &mut Vec<Box<dyn Part>>) -> Option<Command> {
    while group.len() < MAX_GROUP {
        match commands.try_recv() {
            Ok(Command::Write(part) | Command::Grouped(part)) => group.push(part),
            Ok(other) => return Some(other),
            Err(_) => return None,
        }
    }
    None
}

fn commit(conn: &mut Connection, group: Vec<Box<dyn Part>>, wal: &WalTracker) {
    if group.is_empty() {
        return;
    }
    group::commit(conn, group);
    wal.committed(conn);
}

fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Writes the pending text in one transaction; a failure is logged and the batch dropped
/// (keeping it would retry a failing write forever).
fn flush(conn: &mut Connection, pending: &mut PendingText, wal: &WalTracker) {
    if pending.is_empty() {
        return;
    }
    let batch = pending.take();
    match write_batch(conn, batch) {
        Ok(()) => wal.committed(conn),
        Err(error) => tracing::warn!(%error, "could not flush streamed text"),
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
