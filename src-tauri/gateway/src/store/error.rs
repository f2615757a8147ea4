//! [`StoreError`]: everything that can go wrong in the store, each case named so callers can
//! react without reading error text.

use crate::conversation::Role;
use std::path::PathBuf;

/// Errors from the conversation store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not an SQLite database (or is damaged beyond reading). It was not
    /// modified.
    #[error("{path} is not a Hearth database (not SQLite, or corrupt); it was left untouched")]
    NotADatabase {
        /// The database file.
        path: PathBuf,
    },
    /// The file is an SQLite database that belongs to another application. It was not modified.
    #[error("{path} is an SQLite database of another application; it was left untouched")]
    ForeignDatabase {
        /// The database file.
        path: PathBuf,
    },
    /// The database was written by a newer Hearth whose schema this binary does not know.
    #[error(
        "{path} has schema version {found}, newer than this Hearth supports ({supported}); \
         upgrade Hearth to open it (the file was left untouched)"
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// The version found in the file.
        found: usize,
        /// The newest version this binary knows.
        supported: usize,
    },
    /// Opening or preparing the database file failed.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// The underlying SQLite error.
        source: rusqlite::Error,
    },
    /// A file-system operation on the database file failed.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The directory holding the database could not be created.
    #[error(transparent)]
    Paths(#[from] crate::paths::PathsError),
    /// Applying the schema migrations failed.
    #[error("cannot migrate {path}: {source}")]
    Migration {
        /// The database file.
        path: PathBuf,
        /// The migration error.
        source: rusqlite_migration::Error,
    },
    /// An SQLite statement failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored JSON value (blocks, usage) could not be decoded.
    #[error("stored data for {id} is unreadable: {source}")]
    CorruptRow {
        /// The row's id.
        id: String,
        /// The decoding error.
        source: serde_json::Error,
    },
    /// No conversation with this id (or id prefix).
    #[error("no conversation '{0}'")]
    ConversationNotFound(String),
    /// An id prefix matches more than one conversation.
    #[error("'{0}' matches more than one conversation; give more of the id")]
    AmbiguousId(String),
    /// No message with this id.
    #[error("no message '{0}'")]
    MessageNotFound(String),
    /// The operation needs a message of another role (e.g. editing an assistant message).
    #[error("message '{id}' is not a {expected:?} message")]
    WrongRole {
        /// The message.
        id: String,
        /// The role the operation needs.
        expected: Role,
    },
    /// The file to import is not a Hearth export.
    #[error("not a Hearth export: {0}")]
    ImportFormat(#[source] serde_json::Error),
    /// The export was written by a newer Hearth.
    #[error("export format version {found} is newer than this Hearth supports ({supported})")]
    UnsupportedExportVersion {
        /// The version in the file.
        found: u32,
        /// The newest version this binary reads.
        supported: u32,
    },
    /// The export is well-formed JSON but inconsistent (e.g. a message whose parent is missing).
    #[error("invalid export: {0}")]
    InvalidExport(String),
    /// The writer thread is gone (the store is shutting down or crashed).
    #[error("the store is closed")]
    Closed,
}
