//! The single writer: one thread runs every write, in order, from a channel, committing writes
//! that queue up together (see `group.rs`). It also holds the text of streaming answers
//! between flushes, so deltas cost a channel send and reach the disk in batches (see
//! [`FLUSH_INTERVAL`](super::FLUSH_INTERVAL)).
//!
//! The read-write connection sits behind a lock the writer thread takes per command, so a
//! latency-critical write (the action log's `begin`) can run on its caller's thread while the
//! writer is idle ([`try_inline`]), skipping two thread wake-ups; writes never run at once.
//! Grouped writes go through a [`GroupQueue`] that wakes the writer once per group, not once
//! per write.

use super::checkpoint::WalTracker;
use super::error::StoreError;
use super::group::{self, Part, GROUP_DELAY, MAX_GROUP};
use super::streaming::PendingText;
use rusqlite::Connection;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// What the writer thread is asked to do.
pub(super) enum Command {
    /// Run a write now (after flushing pending streamed text, so it sees it), in one
    /// transaction with the grouped writes waiting and the writes already queued behind it.
    Write(Box<dyn Part>),
    /// The first grouped write of a group is in the [`GroupQueue`]: commit the queue within
    /// [`GROUP_DELAY`], with the next write if one comes.
    GroupOpened,
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

/// Grouped writes, handed to the writer without waking it: only the first write of a group
/// sends [`Command::GroupOpened`]. A separate lock from [`Shared`]'s, which is held for whole
/// transactions, so queueing never waits for a commit.
#[derive(Default)]
pub(super) struct GroupQueue {
    parts: Vec<Box<dyn Part>>,
    /// A group is open: the writer was told and will drain the queue within [`GROUP_DELAY`].
    open: bool,
}

/// The lock over [`GroupQueue`].
pub(super) type SharedQueue = Arc<Mutex<GroupQueue>>;

/// Queues a grouped write; `true` when it opens a group (send [`Command::GroupOpened`]).
pub(super) fn enqueue(queue: &SharedQueue, part: Box<dyn Part>) -> bool {
    let mut queue = queue.lock().unwrap_or_else(|p| p.into_inner());
    queue.parts.push(part);
    !std::mem::replace(&mut queue.open, true)
}

/// Moves the queued grouped writes to `waiting`, in order. `closing`: they are committed now,
/// so the next grouped write opens a new group.
fn drain(queue: &SharedQueue, waiting: &mut Waiting, closing: bool) {
    let mut queue = queue.lock().unwrap_or_else(|p| p.into_inner());
    for part in queue.parts.drain(..) {
        waiting.push(part);
    }
    if closing {
        queue.open = false;
    }
}

/// The writer's connection and what is committed with it, shared by the writer thread and
/// [`try_inline`] callers; whoever holds the lock writes.
pub(super) struct Shared {
    conn: Connection,
    waiting: Waiting,
    wal: WalTracker,
}

/// The lock over [`Shared`].
pub(super) type SharedWriter = Arc<Mutex<Shared>>;

/// The shared writer state over `conn`.
pub(super) fn shared(conn: Connection, wal: WalTracker) -> SharedWriter {
    Arc::new(Mutex::new(Shared {
        conn,
        waiting: Waiting::default(),
        wal,
    }))
}

fn lock(shared: &SharedWriter) -> MutexGuard<'_, Shared> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs until every sender is dropped, then writes what is pending and returns. Checkpoints
/// are not run here (see `checkpoint.rs`), except a catch-up when the WAL file grew too long.
pub(super) fn run(shared: SharedWriter, queue: SharedQueue, commands: Receiver<Command>) {
    let mut pending = PendingText::default();
    // A command read while gathering a group, handled next.
    let mut next: Option<Command> = None;
    loop {
        let command = match next.take() {
            Some(command) => Some(command),
            None => {
                let waiting_deadline = lock(&shared).waiting.deadline();
                match earliest(pending.deadline(), waiting_deadline) {
                    None => commands.recv().ok(),
                    Some(deadline) => {
                        let wait = deadline.saturating_duration_since(Instant::now());
                        match commands.recv_timeout(wait) {
                            Ok(command) => Some(command),
                            Err(RecvTimeoutError::Timeout) => {
                                let now = Instant::now();
                                let mut guard = lock(&shared);
                                let s = &mut *guard;
                                if pending.deadline().is_some_and(|d| d <= now) {
                                    flush(&mut s.conn, &mut pending, &s.wal);
                                }
                                if s.waiting.deadline().is_some_and(|d| d <= now) {
                                    drain(&queue, &mut s.waiting, true);
                                    commit(&mut s.conn, s.waiting.take(), &s.wal);
                                }
                                continue;
                            }
                            Err(RecvTimeoutError::Disconnected) => None,
                        }
                    }
                }
            }
        };
        let mut guard = lock(&shared);
        let s = &mut *guard;
        match command {
            None => break,
            Some(Command::Write(part)) => {
                flush(&mut s.conn, &mut pending, &s.wal);
                drain(&queue, &mut s.waiting, true);
                let mut group = s.waiting.take();
                group.push(part);
                next = gather(&commands, &mut group);
                commit(&mut s.conn, group, &s.wal);
            }
            Some(Command::GroupOpened) => drain(&queue, &mut s.waiting, false),
            Some(Command::Flush(reply)) => {
                flush(&mut s.conn, &mut pending, &s.wal);
                let _ = reply.send(());
            }
            Some(Command::Delta { message_id, text }) => {
                pending.push(message_id, &text, Instant::now());
                if pending.is_due(Instant::now()) {
                    flush(&mut s.conn, &mut pending, &s.wal);
                }
            }
        }
    }
    let mut guard = lock(&shared);
    let s = &mut *guard;
    flush(&mut s.conn, &mut pending, &s.wal);
    drain(&queue, &mut s.waiting, true);
    commit(&mut s.conn, s.waiting.take(), &s.wal);
}

/// Commits `part` (with the grouped writes waiting) on the calling thread, when the writer is
/// idle (the lock is free) and no other process holds the database's write lock (no busy
/// wait): no hand-off to the writer thread and back. Gives `part` back otherwise, to be sent
/// to the writer. Pending streamed text is not flushed first.
pub(super) fn try_inline(
    shared: &SharedWriter,
    queue: &SharedQueue,
    part: Box<dyn Part>,
) -> Result<(), Box<dyn Part>> {
    let Ok(mut guard) = shared.try_lock() else {
        return Err(part);
    };
    let s = &mut *guard;
    let Some(tx) = group::begin_without_waiting(&mut s.conn) else {
        return Err(part);
    };
    drain(queue, &mut s.waiting, true);
    let mut group = s.waiting.take();
    group.push(part);
    group::commit_in(tx, group);
    s.wal.committed(&s.conn);
    Ok(())
}

/// Adds the writes already queued to `group` (up to [`MAX_GROUP`]); returns the first other
/// command met, which must be handled next (so the order of commands is kept).
fn gather(commands: &Receiver<Command>, group: &mut Vec<Box<dyn Part>>) -> Option<Command> {
    while group.len() < MAX_GROUP {
        match commands.try_recv() {
            Ok(Command::Write(part)) => group.push(part),
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
