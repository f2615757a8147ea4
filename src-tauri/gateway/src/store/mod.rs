//! The store: every conversation on disk in `hearth.db` (SQLite, WAL, FTS5), searchable,
//! branchable, exportable and crash-safe.
//!
//! Invariant: the store is the only writer of `hearth.db`, and within a process one thread
//! (see `writer.rs`) owns the read-write connection; every write is a closure sent to it, so
//! writes are serialised and async callers only await a oneshot — the Tokio runtime is never
//! blocked. Reads run on a small pool of read-only connections in `spawn_blocking`.
//!
//! Read first: `migrations.rs` (the schema list, append-only), `open.rs` (refusing foreign or
//! newer files, crash recovery), `messages.rs` and `branches.rs` (the message tree),
//! `streaming.rs` (answers persisted while they stream). Other modules (the audit log) build on
//! the generic [`Store::write`] / [`Store::read`] escape hatches and add their tables as new
//! migrations.
//!
//! Durability: WAL with `synchronous = NORMAL` — a killed process loses nothing committed; a
//! power cut may lose the last transactions but never corrupts the file. Streamed text waits
//! at most [`FLUSH_INTERVAL`] in memory.
//!
//! Checkpoints: the writer never checkpoints inside a commit (`wal_autocheckpoint = 0`); a
//! checkpointer thread with its own connection copies the WAL into the database with PASSIVE
//! checkpoints, which block nobody, and the WAL stays bounded (see `checkpoint.rs`).

mod background;
mod branches;
mod checkpoint;
mod conversations;
#[cfg(test)]
mod crash_tests;
mod dates;
mod error;
mod export;
mod group;
mod markdown;
mod messages;
pub mod migrations;
mod open;
mod search;
mod spend;
mod streaming;
#[cfg(test)]
mod testing;
mod title;
mod writer;

pub use branches::PathMessage;
pub use conversations::{ConversationEntry, ListQuery, ListScope};
pub use dates::{format_time, parse_day};
pub use error::StoreError;
pub use export::{
    ExportDocument, ExportedConversation, ImportReport, EXPORT_FORMAT, EXPORT_VERSION,
};
pub use group::GROUP_DELAY;
pub use markdown::to_markdown;
pub use open::{APPLICATION_ID, TRASH_RETENTION_MS};
pub use search::{SearchHit, SearchQuery, SnippetPart};
pub use spend::Spend;
pub use streaming::{Finish, FLUSH_INTERVAL};
pub use title::{auto_title, TITLE_MAX_CHARS};

use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use writer::Command;

/// Read-only connections kept for reuse; more may be open at once, the extras are closed.
const READER_POOL_SIZE: usize = 4;

/// The conversation store. Cheap to clone; the writer thread stops when the last clone drops,
/// after flushing pending streamed text.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    commands: Option<mpsc::Sender<Command>>,
    writer: Option<std::thread::JoinHandle<()>>,
    /// The writer's connection and state; `None` only while dropping.
    shared: Option<writer::SharedWriter>,
    /// Grouped writes waiting for the writer (see [`writer::GroupQueue`]).
    queue: writer::SharedQueue,
    checkpointer: Option<std::thread::JoinHandle<()>>,
    readers: Mutex<Vec<Connection>>,
    _owner_lock: Option<std::fs::File>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if missing) the database at `path`: refuses a file that is not a Hearth
    /// database or has a newer schema (leaving it untouched), migrates, recovers interrupted
    /// answers and purges the expired trash, then starts the writer thread.
    ///
    /// Blocking (file I/O and migrations): from async code call it in `spawn_blocking`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let opened = open::open_database(path)?;
        let thread_error = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        let (wal, checkpointer) =
            checkpoint::start(open::open_checkpointer(path)?, path).map_err(thread_error)?;
        let (commands, receiver) = mpsc::channel();
        let shared = writer::shared(opened.writer, wal);
        let queue = writer::SharedQueue::default();
        let (for_thread, queue_for_thread) = (shared.clone(), queue.clone());
        let writer = std::thread::Builder::new()
            .name("hearth-store-writer".into())
            .spawn(move || {
                background::mark_batch_thread();
                writer::run(for_thread, queue_for_thread, receiver)
            })
            .map_err(thread_error)?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                commands: Some(commands),
                writer: Some(writer),
                shared: Some(shared),
                queue,
                checkpointer: Some(checkpointer),
                readers: Mutex::new(Vec::new()),
                _owner_lock: opened.owner_lock,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Whether this process owns the data (holds `<db>.lock`: the first process to open it).
    pub fn is_owner(&self) -> bool {
        self.inner._owner_lock.is_some()
    }

    /// Runs `f` in one write transaction on the writer thread (committed if `f` returns `Ok`,
    /// rolled back otherwise) and returns its result once committed. Pending streamed text is
    /// flushed first. Writes queued at the same moment may share the commit (see `group.rs`);
    /// each is still rolled back alone when it fails.
    pub async fn write<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Transaction) -> Result<R, StoreError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.send(Command::Write(group::Write::new(
            f,
            group::Reply::Async(reply),
        )))?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// [`Store::write`] on the calling thread when the writer is idle and no other process
    /// holds the write lock: no hand-off to the writer thread and back (two thread wake-ups),
    /// for a small write on a latency-critical path (the action log's `begin`, before a local
    /// API request is forwarded). Otherwise it is queued like [`Store::write`]. Unlike it, it
    /// does not flush pending streamed text first: use it only for writes that do not read
    /// streamed messages. Blocks the calling thread for the transaction (about 0.1 ms).
    pub async fn write_inline<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Transaction) -> Result<R, StoreError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let part: Box<dyn group::Part> = group::Write::new(f, group::Reply::Async(reply));
        let inline = match &self.inner.shared {
            Some(shared) => writer::try_inline(shared, &self.inner.queue, part),
            None => Err(part),
        };
        if let Err(part) = inline {
            self.send(Command::Write(part))?;
        }
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// [`Store::write`] for a write nobody is waiting on at once (the completion of a streamed
    /// answer): it waits up to [`GROUP_DELAY`] to share the commit of the next write instead
    /// of delaying it with a commit of its own. The write is queued when this is called, not
    /// when the future is first polled, so writes keep the order of the calls. The future
    /// resolves once committed.
    pub fn write_grouped<R, F>(
        &self,
        f: F,
    ) -> impl std::future::Future<Output = Result<R, StoreError>> + Send + 'static
    where
        R: Send + 'static,
        F: FnOnce(&Transaction) -> Result<R, StoreError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let queued = self.queue_grouped(group::Write::new(f, group::Reply::Async(reply)));
        async move {
            queued?;
            answer.await.map_err(|_| StoreError::Closed)?
        }
    }

    /// [`Store::write_grouped`] with nobody waiting: `then` gets the result on the writer
    /// thread once the write is committed (or failed). Keep `then` short; no task is spawned
    /// and no thread is woken per write.
    pub fn write_grouped_then<R, F, T>(&self, f: F, then: T)
    where
        R: Send + 'static,
        F: FnOnce(&Transaction) -> Result<R, StoreError> + Send + 'static,
        T: FnOnce(Result<R, StoreError>) + Send + 'static,
    {
        let part = group::Write::new(f, group::Reply::Callback(Box::new(then)));
        if let Err(error) = self.queue_grouped(part) {
            tracing::error!(%error, "a grouped write was dropped: the store is closed");
        }
    }

    /// Hands a grouped write to the writer, waking it only for the first write of a group —
    /// and, on a Tokio runtime, only once the calling task has yielded to the runtime
    /// ([`WakeWriter`]).
    fn queue_grouped(&self, part: Box<dyn group::Part>) -> Result<(), StoreError> {
        if !writer::enqueue(&self.inner.queue, part) {
            return Ok(());
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let wake = WakeWriter(self.clone());
                runtime.spawn(async move {
                    tokio::task::yield_now().await;
                    drop(wake);
                });
                Ok(())
            }
            Err(_) => self.send(Command::GroupOpened),
        }
    }

    /// [`Store::write`] for synchronous callers (CLI, benches). Do not call it on a Tokio
    /// runtime thread.
    pub fn write_blocking<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Transaction) -> Result<R, StoreError> + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        self.send(Command::Write(group::Write::new(
            f,
            group::Reply::Blocking(reply),
        )))?;
        answer.recv().map_err(|_| StoreError::Closed)?
    }

    /// Runs `f` on a read-only connection in `spawn_blocking` and returns its result. Sees every
    /// write that completed before the call (not streamed text still buffered; see
    /// [`Store::flush`]).
    pub async fn read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read_blocking(f))
            .await
            .map_err(|_| StoreError::Closed)?
    }

    /// [`Store::read`] for synchronous callers. Do not call it on a Tokio runtime thread.
    pub fn read_blocking<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&Connection) -> Result<R, StoreError>,
    {
        let pooled = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => open::open_reader(&self.inner.path)?,
        };
        let result = f(&conn);
        let mut readers = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if readers.len() < READER_POOL_SIZE {
            readers.push(conn);
        }
        result
    }

    fn send(&self, command: Command) -> Result<(), StoreError> {
        self.inner
            .commands
            .as_ref()
            .ok_or(StoreError::Closed)?
            .send(command)
            .map_err(|_| StoreError::Closed)
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel makes the writer flush what is pending and stop.
        self.commands.take();
        if let Some(writer) = self.writer.take() {
            if writer.join().is_err() {
                tracing::error!("the store writer thread panicked");
            }
        }
        // Closes the connection and the checkpointer's channel: the checkpointer stops at once.
        self.shared.take();
        if let Some(checkpointer) = self.checkpointer.take() {
            if checkpointer.join().is_err() {
                tracing::error!("the store checkpointer thread panicked");
            }
        }
    }
}

/// Tells the writer a group is open ([`Command::GroupOpened`]) when dropped: after the task
/// that queued the group's first write has yielded to the runtime. On the local API's hot path
/// that task goes on to forward the request, so the request is written to the provider's
/// socket first and the writer's wake-up (a system call, and a commit competing for the CPU)
/// comes after it, while the provider works. Ordering is unaffected: the write is in the queue
/// already, and any other write drains the queue before its own. Sent on drop, so a task
/// dropped unrun (a runtime shutting down) still wakes the writer.
struct WakeWriter(Store);

impl Drop for WakeWriter {
    fn drop(&mut self) {
        if let Err(error) = self.0.send(Command::GroupOpened) {
            tracing::error!(%error, "a grouped write may be dropped: the store is closed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn write_and_read_escape_hatches_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hearth.db")).unwrap();
        store
            .write(|tx| {
                tx.execute_batch(
                    "CREATE TABLE scratch (v INTEGER); INSERT INTO scratch VALUES (7);",
                )?;
                Ok(())
            })
            .await
            .unwrap();
        let value: i64 = store
            .read(|conn| Ok(conn.query_row("SELECT v FROM scratch", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(value, 7);
    }

    #[tokio::test]
    async fn a_failing_write_is_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hearth.db")).unwrap();
        let result: Result<(), StoreError> = store
            .write(|tx| {
                tx.execute_batch("CREATE TABLE scratch (v INTEGER)")?;
                Err(StoreError::Closed)
            })
            .await;
        assert!(matches!(result, Err(StoreError::Closed)));
        let tables: i64 = store
            .read(|conn| {
                Ok(conn.query_row(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(tables, 0);
    }

    #[test]
    fn blocking_variants_work_without_a_runtime() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hearth.db")).unwrap();
        let n = store
            .write_blocking(|tx| {
                Ok(tx.execute(
                    "INSERT INTO conversations (id, created_at, updated_at) VALUES ('c', 1, 1)",
                    [],
                )?)
            })
            .unwrap();
        assert_eq!(n, 1);
        let count: i64 = store
            .read_blocking(|conn| {
                Ok(conn.query_row("SELECT count(*) FROM conversations", [], |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(count, 1);
    }

    #[tokio::test]
    async fn readers_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hearth.db")).unwrap();
        let result = store
            .read(|conn| Ok(conn.execute("DELETE FROM conversations", [])?))
            .await;
        assert!(matches!(result, Err(StoreError::Sqlite(_))));
    }

    #[cfg(unix)]
    #[test]
    fn the_database_file_is_private_and_in_wal_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/hearth.db");
        let store = Store::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let journal: String = store
            .read_blocking(|conn| Ok(conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(journal, "wal");
        let version: i64 = store
            .read_blocking(|conn| Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(version as usize, migrations::latest_version());
    }
}
