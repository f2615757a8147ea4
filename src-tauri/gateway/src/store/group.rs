//! Group commit: the writer runs several writes in one transaction, each in a savepoint of its
//! own, and answers each caller only after the shared COMMIT. A commit (writing the WAL frames)
//! costs more than the statements of a small write, so writes that are already queued, and
//! writes that asked to wait ([`Store::write_grouped`](super::Store::write_grouped), e.g. the
//! completion of a streamed API answer), share the commit of the next write instead of
//! delaying it with a commit of their own.
//!
//! Invariant: a caller's write is committed before its future resolves; a write that fails is
//! rolled back alone (its savepoint) and the others still commit.

use super::error::StoreError;
use super::open::BUSY_TIMEOUT;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::time::Duration;

/// How long a grouped write may wait for company before the writer commits it alone.
pub const GROUP_DELAY: Duration = Duration::from_millis(2);

/// The most writes committed together.
pub const MAX_GROUP: usize = 64;

/// One write of a group, boxed for the writer's channel.
pub(super) trait Part: Send {
    /// Runs the write inside the shared transaction (in a savepoint when `alone` is false) and
    /// keeps its result.
    fn run(&mut self, tx: &Transaction<'_>, alone: bool);
    /// Whether the write ran and succeeded.
    fn succeeded(&self) -> bool;
    /// Answers the caller once the transaction committed (`Ok`) or failed.
    fn settle(self: Box<Self>, committed: Result<(), &rusqlite::Error>);
}

/// Where a write's result goes.
pub(super) enum Reply<R> {
    /// An async caller awaiting a oneshot.
    Async(tokio::sync::oneshot::Sender<Result<R, StoreError>>),
    /// A blocking caller.
    Blocking(std::sync::mpsc::SyncSender<Result<R, StoreError>>),
    /// Nobody waits: run this on the writer thread once settled (keep it short).
    Callback(Box<dyn FnOnce(Result<R, StoreError>) + Send>),
}

/// A closure write and its reply.
pub(super) struct Write<R, F> {
    job: Option<F>,
    result: Option<Result<R, StoreError>>,
    reply: Reply<R>,
}

impl<R, F> Write<R, F> {
    /// A write of `job` answering to `reply`.
    pub fn new(job: F, reply: Reply<R>) -> Box<Self> {
        Box::new(Write {
            job: Some(job),
            result: None,
            reply,
        })
    }
}

impl<R, F> Part for Write<R, F>
where
    R: Send,
    F: FnOnce(&Transaction<'_>) -> Result<R, StoreError> + Send,
{
    fn run(&mut self, tx: &Transaction<'_>, alone: bool) {
        let Some(job) = self.job.take() else { return };
        self.result = Some(if alone {
            job(tx)
        } else {
            in_savepoint(tx, job)
        });
    }

    fn succeeded(&self) -> bool {
        matches!(self.result, Some(Ok(_)))
    }

    fn settle(self: Box<Self>, committed: Result<(), &rusqlite::Error>) {
        let result = match (self.result, committed) {
            // Its own failure: rolled back, whatever happened to the others.
            (Some(Err(error)), _) => Err(error),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (_, Err(error)) => Err(StoreError::Sqlite(duplicate(error))),
            // Settled without running: only if the writer skipped it, which it never does.
            (None, Ok(())) => Err(StoreError::Closed),
        };
        match self.reply {
            Reply::Async(sender) => {
                let _ = sender.send(result);
            }
            Reply::Blocking(sender) => {
                let _ = sender.send(result);
            }
            Reply::Callback(then) => then(result),
        }
    }
}

/// Runs `parts` in one IMMEDIATE transaction, in order, and answers each after the commit.
/// A single part runs without a savepoint, and its failure rolls the transaction back.
pub(super) fn commit(conn: &mut Connection, parts: Vec<Box<dyn Part>>) {
    if parts.is_empty() {
        return;
    }
    match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => commit_in(tx, parts),
        Err(error) => settle_all(parts, Err(&error)),
    }
}

/// Starts an IMMEDIATE transaction only if no other process holds the write lock now (no busy
/// wait).
pub(super) fn begin_without_waiting(conn: &mut Connection) -> Option<Transaction<'_>> {
    let conn: &Connection = conn;
    // Without a busy handler for this one BEGIN; restored right after.
    conn.busy_timeout(Duration::ZERO).ok()?;
    // `new_unchecked` takes a shared borrow, so the timeout can be restored on failure; the
    // `&mut` taken above still guarantees no other transaction runs on the connection.
    match Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
        Ok(tx) => {
            if tx.busy_timeout(BUSY_TIMEOUT).is_err() {
                tracing::warn!("cannot restore the writer's busy timeout");
            }
            Some(tx)
        }
        Err(_) => {
            if conn.busy_timeout(BUSY_TIMEOUT).is_err() {
                tracing::warn!("cannot restore the writer's busy timeout");
            }
            None
        }
    }
}

/// [`commit`] in a transaction already begun.
pub(super) fn commit_in(tx: Transaction<'_>, mut parts: Vec<Box<dyn Part>>) {
    let alone = parts.len() == 1;
    for part in parts.iter_mut() {
        part.run(&tx, alone);
    }
    let outcome = if alone && !parts.iter().all(|p| p.succeeded()) {
        // Dropping the transaction rolls it back; the part reports its own error.
        drop(tx);
        Ok(())
    } else {
        tx.commit()
    };
    settle_all(parts, outcome.as_ref().map(|_| ()));
}

/// Answers every part, newest first: the write that started the group is the one a caller is
/// waiting on now (the grouped ones before it were waiting for company).
fn settle_all(parts: Vec<Box<dyn Part>>, outcome: Result<(), &rusqlite::Error>) {
    for part in parts.into_iter().rev() {
        part.settle(outcome);
    }
}

/// Runs `job` in a savepoint: rolled back alone when it fails.
fn in_savepoint<R>(
    tx: &Transaction<'_>,
    job: impl FnOnce(&Transaction<'_>) -> Result<R, StoreError>,
) -> Result<R, StoreError> {
    tx.prepare_cached("SAVEPOINT hearth_group_part")?
        .execute([])?;
    match job(tx) {
        Ok(value) => {
            tx.prepare_cached("RELEASE hearth_group_part")?
                .execute([])?;
            Ok(value)
        }
        Err(error) => {
            tx.prepare_cached("ROLLBACK TO hearth_group_part")?
                .execute([])?;
            tx.prepare_cached("RELEASE hearth_group_part")?
                .execute([])?;
            Err(error)
        }
    }
}

/// A copy of a commit error for every part of the group (`rusqlite::Error` is not `Clone`).
fn duplicate(error: &rusqlite::Error) -> rusqlite::Error {
    match error {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{Store, StoreError, GROUP_DELAY};
    use std::time::{Duration, Instant};

    fn store_with_scratch(dir: &std::path::Path) -> Store {
        let store = Store::open(&dir.join("hearth.db")).unwrap();
        store
            .write_blocking(|tx| Ok(tx.execute_batch("CREATE TABLE scratch (v INTEGER UNIQUE)")?))
            .unwrap();
        store
    }

    async fn values(store: &Store) -> Vec<i64> {
        store
            .read(|conn| {
                let mut statement = conn.prepare("SELECT v FROM scratch ORDER BY v")?;
                let values = statement
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<Vec<i64>, _>>()?;
                Ok(values)
            })
            .await
            .unwrap()
    }

    fn insert(v: i64) -> impl FnOnce(&rusqlite::Transaction) -> Result<(), StoreError> {
        move |tx| {
            tx.execute("INSERT INTO scratch (v) VALUES (?1)", [v])?;
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_failing_write_in_a_group_is_rolled_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_scratch(dir.path());
        // Two grouped writes (queued when called) wait for company; the third write commits
        // all three at once.
        let first = store.write_grouped(insert(1));
        let failing = store.write_grouped(|tx| {
            tx.execute("INSERT INTO scratch (v) VALUES (2)", [])?;
            // The UNIQUE constraint fails: the 2 above must go too.
            tx.execute("INSERT INTO scratch (v) VALUES (1)", [])?;
            Ok(())
        });
        store.write(insert(3)).await.unwrap();
        first.await.unwrap();
        assert!(matches!(failing.await, Err(StoreError::Sqlite(_))));
        assert_eq!(values(&store).await, [1, 3]);
    }

    #[tokio::test]
    async fn a_grouped_write_alone_is_committed_after_the_delay() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_scratch(dir.path());
        let started = Instant::now();
        store.write_grouped(insert(7)).await.unwrap();
        let waited = started.elapsed();
        assert!(waited >= GROUP_DELAY, "committed after {waited:?}");
        assert!(waited < Duration::from_secs(2));
        assert_eq!(values(&store).await, [7]);
    }

    #[tokio::test]
    async fn grouped_writes_are_committed_when_the_store_closes() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_scratch(dir.path());
        let pending = tokio::spawn({
            let store = store.clone();
            async move { store.write_grouped(insert(9)).await }
        });
        tokio::time::sleep(Duration::from_millis(1)).await;
        pending.await.unwrap().unwrap();
        drop(store);
        let reopened = Store::open(&dir.path().join("hearth.db")).unwrap();
        assert_eq!(values(&reopened).await, [9]);
    }

    #[test]
    fn a_grouped_write_is_committed_even_if_its_runtime_stops_before_the_writer_is_woken() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_scratch(dir.path());
        let (sender, committed) = std::sync::mpsc::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        // Queued on the runtime, which stops before the task that wakes the writer runs.
        runtime.block_on(async {
            store.write_grouped_then(insert(4), move |result| {
                let _ = sender.send(result.is_ok());
            });
        });
        drop(runtime);
        assert_eq!(
            committed.recv_timeout(Duration::from_secs(5)),
            Ok(true),
            "the writer was woken when the unrun task was dropped"
        );
    }

    #[tokio::test]
    async fn a_write_right_after_a_grouped_one_commits_both_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_scratch(dir.path());
        // The grouped write's wake-up waits for this task to yield; the next write must not
        // overtake it.
        let grouped = store.write_grouped(insert(1));
        store
            .write(|tx| {
                let seen: i64 = tx.query_row("SELECT count(*) FROM scratch", [], |r| r.get(0))?;
                tx.execute("INSERT INTO scratch (v) VALUES (?1)", [10 + seen])?;
                Ok(())
            })
            .await
            .unwrap();
        grouped.await.unwrap();
        assert_eq!(values(&store).await, [1, 11]);
    }

    #[tokio::test]
    async fn an_inline_write_never_waits_for_another_process_on_the_callers_thread() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_scratch(dir.path());
        store.write_inline(insert(1)).await.unwrap();
        // Another process holds the write lock: the inline write goes to the writer thread,
        // which waits for the lock (busy timeout) while this thread keeps running.
        let other = rusqlite::Connection::open(dir.path().join("hearth.db")).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let started = Instant::now();
        let queued = tokio::spawn({
            let store = store.clone();
            async move { store.write_inline(insert(2)).await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!queued.is_finished());
        other.execute_batch("COMMIT").unwrap();
        queued.await.unwrap().unwrap();
        assert!(started.elapsed() < Duration::from_secs(3));
        // The busy timeout is back: the next inline write behaves the same.
        store.write_inline(insert(3)).await.unwrap();
        assert_eq!(values(&store).await, [1, 2, 3]);
    }

    #[test]
    fn queued_writes_each_get_their_own_result() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_scratch(dir.path());
        let handles: Vec<_> = (0..32)
            .map(|i| {
                let store = store.clone();
                // 5 twice: exactly one of the two fails.
                let v = if i == 31 { 5 } else { i };
                std::thread::spawn(move || store.write_blocking(insert(v)))
            })
            .collect();
        let failures = handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|r| r.is_err())
            .count();
        assert_eq!(failures, 1);
        let count: i64 = store
            .read_blocking(|conn| {
                Ok(conn.query_row("SELECT count(*) FROM scratch", [], |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(count, 31);
    }
}
