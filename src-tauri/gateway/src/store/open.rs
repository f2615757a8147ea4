//! Opening `hearth.db` safely: refuse anything that is not ours without touching it, set up the
//! connection (WAL, foreign keys, busy timeout, 0600), migrate, and recover from a crash.

use super::checkpoint::WAL_SIZE_LIMIT_BYTES;
use super::error::StoreError;
use super::migrations::{latest_version, migrations};
use crate::conversation::now_ms;
use crate::paths::{make_private_dir, make_private_file};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `PRAGMA application_id` of a Hearth database ('HRTH'), set by the first migration.
pub const APPLICATION_ID: i64 = 0x4852_5448;

/// How long a statement waits for another connection's lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements the writer connection keeps (rusqlite's default is 16).
const WRITER_STATEMENT_CACHE: usize = 64;

/// How long a conversation stays restorable in the trash.
pub const TRASH_RETENTION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The 16-byte magic every SQLite 3 database file starts with.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The SQLite page header is 100 bytes; a shorter non-empty file is not a database.
const SQLITE_HEADER_LEN: u64 = 100;

/// A database opened, checked and migrated, ready for the writer thread.
pub(super) struct Opened {
    /// The read-write connection the writer thread will own.
    pub writer: Connection,
    /// An exclusive lock on `<db>.lock` when this process is the only one using the database.
    /// Crash recovery only runs while holding it, so a second process (a CLI command while the
    /// app runs) never marks the first one's live answers as interrupted.
    pub owner_lock: Option<File>,
}

/// Opens (creating if missing) the database at `path`; see the module docs.
pub(super) fn open_database(path: &Path) -> Result<Opened, StoreError> {
    prepare_file(path)?;
    let mut writer = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| open_error(path, source))?;
    writer
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(|source| open_error(path, source))?;
    check_ownership(&writer, path)?;
    configure_writer(&writer).map_err(|source| open_error(path, source))?;
    migrations()
        .to_latest(&mut writer)
        .map_err(|source| StoreError::Migration {
            path: path.to_path_buf(),
            source,
        })?;
    make_private_file(path).map_err(|source| io_error(path, source))?;
    let owner_lock = try_owner_lock(path)?;
    if owner_lock.is_some() {
        recover(&writer, now_ms()).map_err(|source| open_error(path, source))?;
    }
    Ok(Opened { writer, owner_lock })
}

/// Opens the checkpointer's read-write connection (see `checkpoint.rs`); it never writes rows.
pub(super) fn open_checkpointer(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| open_error(path, source))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|source| open_error(path, source))?;
    Ok(conn)
}

/// Opens a read-only connection for the reader pool.
pub(super) fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| open_error(path, source))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|source| open_error(path, source))?;
    Ok(conn)
}

/// Creates a missing file (0600, parents 0700) or checks an existing one is SQLite, by reading
/// its header ourselves, so SQLite never gets to write into a file that is not a database.
fn prepare_file(path: &Path) -> Result<(), StoreError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.exists() {
            make_private_dir(parent)?;
        }
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() == 0 => Ok(()),
        Ok(meta) if meta.len() < SQLITE_HEADER_LEN => Err(not_a_database(path)),
        Ok(_) => {
            let mut magic = [0u8; 16];
            File::open(path)
                .and_then(|mut f| f.read_exact(&mut magic))
                .map_err(|source| io_error(path, source))?;
            if &magic == SQLITE_MAGIC {
                Ok(())
            } else {
                Err(not_a_database(path))
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_private_file(path),
        Err(source) => Err(io_error(path, source)),
    }
}

fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        // Someone created it between our check and now: treat it like an existing file.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(io_error(path, source)),
    }
}

/// Refuses another application's database, or one from a newer Hearth, using only reads.
fn check_ownership(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let read = |sql: &str| -> Result<i64, StoreError> {
        conn.query_row(sql, [], |row| row.get(0))
            .map_err(|source| classify_read_error(path, source))
    };
    let application_id = read("PRAGMA application_id")?;
    let user_version = read("PRAGMA user_version")?;
    let objects = read("SELECT count(*) FROM sqlite_master")?;
    let ours = application_id == APPLICATION_ID;
    let empty = application_id == 0 && user_version == 0 && objects == 0;
    if !ours && !empty {
        return Err(StoreError::ForeignDatabase {
            path: path.to_path_buf(),
        });
    }
    let found = usize::try_from(user_version).unwrap_or(usize::MAX);
    if found > latest_version() {
        return Err(StoreError::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported: latest_version(),
        });
    }
    Ok(())
}

fn configure_writer(conn: &Connection) -> rusqlite::Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "the database could not switch to WAL mode");
    }
    // In WAL mode NORMAL is durable against process crashes (the kill test); only a power
    // loss may lose the last transactions, never corrupt the file.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Checkpoints run on the checkpointer thread, not inside the writer's commits; the WAL
    // file is trimmed when SQLite starts reusing it (see `checkpoint.rs`).
    conn.query_row("PRAGMA wal_autocheckpoint = 0", [], |_| Ok(()))?;
    conn.query_row(
        &format!("PRAGMA journal_size_limit = {WAL_SIZE_LIMIT_BYTES}"),
        [],
        |_| Ok(()),
    )?;
    // The action log and the streaming path reuse their statements (`prepare_cached`).
    conn.set_prepared_statement_cache_capacity(WRITER_STATEMENT_CACHE);
    Ok(())
}

/// Takes `<db>.lock` exclusively if no other process holds it.
fn try_owner_lock(path: &Path) -> Result<Option<File>, StoreError> {
    let lock_path = lock_path(path);
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(&lock_path)
        .map_err(|source| io_error(&lock_path, source))?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(Some(file)),
        Err(fs4::TryLockError::WouldBlock) => Ok(None),
        Err(fs4::TryLockError::Error(source)) => Err(io_error(&lock_path, source)),
    }
}

/// The path of the owner lock file beside the database.
pub(super) fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Crash recovery and housekeeping, run by the owning process at open: answers left
/// `streaming` by a dead process become `interrupted` (their text is kept), and conversations
/// in the trash for longer than [`TRASH_RETENTION_MS`] are purged.
pub(super) fn recover(conn: &Connection, now: i64) -> rusqlite::Result<()> {
    let interrupted = conn.execute(
        "UPDATE messages SET status = 'interrupted', updated_at = ?1 WHERE status = 'streaming'",
        [now],
    )?;
    let purged = conn.execute(
        "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?1",
        [now - TRASH_RETENTION_MS],
    )?;
    if interrupted > 0 || purged > 0 {
        tracing::info!(interrupted, purged, "store recovered at open");
    }
    Ok(())
}

fn classify_read_error(path: &Path, source: rusqlite::Error) -> StoreError {
    match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => not_a_database(path),
        _ => open_error(path, source),
    }
}

fn not_a_database(path: &Path) -> StoreError {
    StoreError::NotADatabase {
        path: path.to_path_buf(),
    }
}

fn open_error(path: &Path, source: rusqlite::Error) -> StoreError {
    StoreError::Open {
        path: path.to_path_buf(),
        source,
    }
}

fn io_error(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::MIGRATIONS;
    use crate::store::Store;

    fn assert_untouched(dir: &Path, file: &Path, before: &[u8]) {
        assert_eq!(std::fs::read(file).unwrap(), before, "the file changed");
        let names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "no side files may appear: {names:?}");
    }

    #[test]
    fn a_text_file_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        let contents = "these are my notes, not a database\n".repeat(10);
        std::fs::write(&path, &contents).unwrap();
        let error = Store::open(&path).unwrap_err();
        assert!(matches!(error, StoreError::NotADatabase { .. }), "{error}");
        assert!(error.to_string().contains(&path.display().to_string()));
        assert_untouched(dir.path(), &path, contents.as_bytes());
    }

    #[test]
    fn a_short_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        std::fs::write(&path, b"x").unwrap();
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::NotADatabase { .. })
        ));
        assert_untouched(dir.path(), &path, b"x");
    }

    #[test]
    fn a_corrupt_sqlite_file_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        let mut bytes = SQLITE_MAGIC.to_vec();
        bytes.extend(vec![0xA5u8; 8192]);
        std::fs::write(&path, &bytes).unwrap();
        let error = Store::open(&path).unwrap_err();
        assert!(
            matches!(error, StoreError::NotADatabase { .. }),
            "unexpected: {error}"
        );
        assert_untouched(dir.path(), &path, &bytes);
    }

    #[test]
    fn another_applications_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat.jpg');")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let error = Store::open(&path).unwrap_err();
        assert!(
            matches!(error, StoreError::ForeignDatabase { .. }),
            "{error}"
        );
        assert!(error.to_string().contains(&path.display().to_string()));
        assert_untouched(dir.path(), &path, &before);
    }

    #[test]
    fn a_newer_schema_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        drop(Store::open(&path).unwrap());
        let newer = latest_version() + 1;
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", newer as i64)
                .unwrap();
            conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let error = Store::open(&path).unwrap_err();
        match &error {
            StoreError::SchemaTooNew {
                found, supported, ..
            } => {
                assert_eq!(*found, newer);
                assert_eq!(*supported, latest_version());
            }
            other => panic!("unexpected: {other}"),
        }
        assert!(error
            .to_string()
            .contains("newer than this Hearth supports"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn databases_at_every_earlier_schema_version_migrate_and_keep_their_data() {
        for version in 1..=MIGRATIONS.len() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("hearth.db");
            {
                let mut conn = Connection::open(&path).unwrap();
                migrations().to_version(&mut conn, version).unwrap();
                conn.execute(
                    "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old', 1, 1)",
                    [],
                )
                .unwrap();
                conn.execute(
                    "INSERT INTO messages (id, conversation_id, role, blocks, status, created_at, updated_at)
                     VALUES ('m1', 'c1', 'user', '[{\"type\":\"text\",\"text\":\"kept across migrations\"}]', 'complete', 1, 1)",
                    [],
                )
                .unwrap();
            }
            let store = Store::open(&path).unwrap();
            let (title, text, user_version): (String, String, i64) = store
                .read_blocking(|conn| {
                    Ok(conn.query_row(
                        "SELECT c.title, f.body, (SELECT user_version FROM pragma_user_version)
                         FROM conversations c, messages m JOIN message_fts f ON f.rowid = m.seq
                         WHERE c.id = 'c1' AND m.id = 'm1'",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )?)
                })
                .unwrap();
            assert_eq!(title, "Old");
            assert_eq!(text, "kept across migrations");
            assert_eq!(user_version as usize, latest_version());
        }
    }

    #[test]
    fn an_empty_file_becomes_a_new_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        std::fs::write(&path, b"").unwrap();
        let store = Store::open(&path).unwrap();
        let id: i64 = store
            .read_blocking(|conn| Ok(conn.query_row("PRAGMA application_id", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(id, APPLICATION_ID);
    }
}
