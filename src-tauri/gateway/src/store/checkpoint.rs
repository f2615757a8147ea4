//! WAL checkpoints off the writer thread. SQLite's automatic checkpoint runs inside the commit
//! that crosses its threshold, on the writer thread, so every thousandth write (an action-log
//! `begin` on the local API's critical path, say) waited for pages to be copied and the file
//! synced. Here the writer has `wal_autocheckpoint = 0` and a checkpointer thread with its own
//! read-write connection runs PASSIVE checkpoints (they never block the writer or readers):
//! nudged by the writer every [`CHECKPOINT_EVERY_COMMITS`] commits, and after
//! [`CHECKPOINT_INTERVAL`] of quiet when anything was written.
//!
//! Bound: a PASSIVE checkpoint copies what was committed when it started; SQLite reuses the WAL
//! from its start at the first write after a checkpoint has caught up, and `journal_size_limit`
//! then trims the file to [`WAL_SIZE_LIMIT_BYTES`]. Writes that never pause leave no such
//! moment, so the writer also looks at the WAL file every [`SIZE_CHECK_EVERY_COMMITS`] commits
//! and, past [`WAL_CATCH_UP_BYTES`], runs one TRUNCATE checkpoint itself before its next write
//! (nothing else writes meanwhile, so it always completes). That stall happens only under
//! sustained bulk writing, never in the steady traffic of the local API.

use rusqlite::Connection;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::Duration;

/// Commits between two nudges of the checkpointer (about SQLite's default of 1,000 pages: an
/// action-log record writes 3–5 pages).
pub const CHECKPOINT_EVERY_COMMITS: u64 = 256;

/// How long the checkpointer waits for a nudge before checkpointing what was written anyway.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

/// Commits between two looks of the writer at the WAL file's size.
pub const SIZE_CHECK_EVERY_COMMITS: u64 = 32;

/// WAL file size past which the writer checkpoints once itself.
pub const WAL_CATCH_UP_BYTES: u64 = 16 * 1024 * 1024;

/// The size the WAL file is trimmed to when SQLite starts reusing it (`journal_size_limit`).
pub const WAL_SIZE_LIMIT_BYTES: i64 = 8 * 1024 * 1024;

/// How often the writer tries its catch-up checkpoint while the checkpointer is busy.
const CATCH_UP_TRIES: usize = 200;

/// Checkpoint passes in a row while writes keep arriving, before waiting for the next nudge.
const PASSES_PER_NUDGE: usize = 4;

/// The writer's side: counts commits, nudges the checkpointer, keeps the WAL bounded.
pub(super) struct WalTracker {
    commits: Arc<AtomicU64>,
    nudge: SyncSender<()>,
    wal_path: PathBuf,
}

impl WalTracker {
    /// Notes one commit on `writer`: every [`CHECKPOINT_EVERY_COMMITS`] commits the
    /// checkpointer is nudged (never blocking), and every [`SIZE_CHECK_EVERY_COMMITS`] the WAL
    /// file's size is checked (see the module docs).
    pub fn committed(&self, writer: &Connection) {
        let commits = self.commits.fetch_add(1, Ordering::Relaxed) + 1;
        if commits.is_multiple_of(CHECKPOINT_EVERY_COMMITS) {
            // A nudge already waiting is enough; a stopped checkpointer has nothing to do.
            let _ = self.nudge.try_send(());
        }
        if commits.is_multiple_of(SIZE_CHECK_EVERY_COMMITS) {
            let size = std::fs::metadata(&self.wal_path).map_or(0, |m| m.len());
            if size > WAL_CATCH_UP_BYTES {
                truncate_checkpoint(writer);
            }
        }
    }
}

/// The writer's catch-up: a TRUNCATE checkpoint copies everything and empties the file. It
/// waits (busy timeout) for readers of old snapshots, but answers "busy" at once while the
/// checkpointer runs a pass: then it retries every millisecond, up to [`CATCH_UP_TRIES`].
fn truncate_checkpoint(writer: &Connection) {
    for _ in 0..CATCH_UP_TRIES {
        let result = writer.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            row.get::<_, i64>(0)
        });
        match result {
            Ok(0) => {
                tracing::debug!("the writer caught up with the WAL");
                return;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(1)),
            Err(error) => {
                tracing::warn!(%error, "the WAL catch-up checkpoint failed");
                return;
            }
        }
    }
    tracing::warn!("the WAL catch-up checkpoint stayed blocked; retrying later");
}

/// Frames in the WAL and frames copied into the database, after one checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Progress {
    /// Frames in the WAL (since it was last reused from its start).
    pub log_frames: i64,
    /// Frames copied into the database file.
    pub checkpointed_frames: i64,
}

/// Starts the checkpointer thread on `conn` (a read-write connection of its own to the
/// database at `db_path`); it stops when the returned tracker is dropped.
pub(super) fn start(
    conn: Connection,
    db_path: &std::path::Path,
) -> std::io::Result<(WalTracker, std::thread::JoinHandle<()>)> {
    let commits = Arc::new(AtomicU64::new(0));
    let (nudge, nudges) = std::sync::mpsc::sync_channel(1);
    let counted = commits.clone();
    let handle = std::thread::Builder::new()
        .name("hearth-store-checkpoint".into())
        .spawn(move || {
            super::background::mark_batch_thread();
            run(conn, nudges, counted)
        })?;
    let mut wal_path = db_path.as_os_str().to_owned();
    wal_path.push("-wal");
    Ok((
        WalTracker {
            commits,
            nudge,
            wal_path: PathBuf::from(wal_path),
        },
        handle,
    ))
}

fn run(conn: Connection, nudges: Receiver<()>, commits: Arc<AtomicU64>) {
    let mut checkpointed_at = 0;
    loop {
        match nudges.recv_timeout(CHECKPOINT_INTERVAL) {
            Ok(()) => {}
            Err(RecvTimeoutError::Timeout) => {
                if commits.load(Ordering::Relaxed) == checkpointed_at {
                    continue;
                }
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
        checkpointed_at = commits.load(Ordering::Relaxed);
        checkpoint(&conn);
    }
}

/// Checkpoints until what was committed is copied (a few passes at most while writes keep
/// coming).
fn checkpoint(conn: &Connection) {
    for _ in 0..PASSES_PER_NUDGE {
        match passive_checkpoint(conn) {
            Ok(progress) if progress.checkpointed_frames >= progress.log_frames => return,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "WAL checkpoint failed");
                return;
            }
        }
    }
}

/// One `PRAGMA wal_checkpoint(PASSIVE)`.
pub(super) fn passive_checkpoint(conn: &Connection) -> rusqlite::Result<Progress> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok(Progress {
            log_frames: row.get(1)?,
            checkpointed_frames: row.get(2)?,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use std::time::Instant;

    fn wal_len(db: &std::path::Path) -> u64 {
        let mut name = db.as_os_str().to_owned();
        name.push("-wal");
        std::fs::metadata(std::path::PathBuf::from(name))
            .map(|m| m.len())
            .unwrap_or(0)
    }

    #[test]
    fn the_writer_never_checkpoints_in_a_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hearth.db")).unwrap();
        let (autocheckpoint, limit): (i64, i64) = store
            .write_blocking(|tx| {
                Ok((
                    tx.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))?,
                    tx.query_row("PRAGMA journal_size_limit", [], |r| r.get(0))?,
                ))
            })
            .unwrap();
        assert_eq!(autocheckpoint, 0);
        assert_eq!(limit, WAL_SIZE_LIMIT_BYTES);
    }

    #[test]
    fn the_checkpointer_copies_the_wal_into_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        let store = Store::open(&path).unwrap();
        store
            .write_blocking(|tx| Ok(tx.execute_batch("CREATE TABLE scratch (v BLOB)")?))
            .unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        for _ in 0..CHECKPOINT_EVERY_COMMITS {
            store
                .write_blocking(|tx| {
                    tx.execute("INSERT INTO scratch (v) VALUES (zeroblob(2000))", [])?;
                    Ok(())
                })
                .unwrap();
        }
        // The writer never checkpoints, so only the checkpointer can grow the database file.
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() < before + 256 * 2000 {
            assert!(Instant::now() < deadline, "nothing was checkpointed");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn the_wal_stays_bounded_under_a_stream_of_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        let store = Store::open(&path).unwrap();
        store
            .write_blocking(|tx| Ok(tx.execute_batch("CREATE TABLE scratch (v BLOB)")?))
            .unwrap();
        // 3,000 commits of ~5 pages: about 60 MB of WAL if it were never reused.
        let mut largest = 0;
        for i in 0..3000 {
            store
                .write_blocking(|tx| {
                    tx.execute("INSERT INTO scratch (v) VALUES (zeroblob(16000))", [])?;
                    Ok(())
                })
                .unwrap();
            if i % 8 == 0 {
                largest = largest.max(wal_len(&path));
            }
        }
        // The writer looks every few commits; each commit adds about 20 KB.
        let bound = WAL_CATCH_UP_BYTES + SIZE_CHECK_EVERY_COMMITS * 24 * 1024;
        assert!(largest <= bound, "the WAL reached {largest} bytes");
        // Once quiet, it is copied back and the next write trims the file to the limit.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            std::thread::sleep(Duration::from_millis(50));
            store
                .write_blocking(|tx| {
                    tx.execute("DELETE FROM scratch WHERE rowid = 1", [])?;
                    Ok(())
                })
                .unwrap();
            if wal_len(&path) <= WAL_SIZE_LIMIT_BYTES as u64 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the WAL stayed at {}",
                wal_len(&path)
            );
        }
    }
}
