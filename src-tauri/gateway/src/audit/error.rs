//! [`AuditError`] and [`ChainBreak`]: what can go wrong writing, reading or verifying the action
//! log, each case named so callers (and `hearth log verify`) react without reading error text.

use crate::store::StoreError;

/// Where and how the hash chain is broken. Names the first bad record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// A record's contents no longer match its hash: it was edited.
    #[error("record #{seq} (entry {entry_id}) was edited: its contents do not match its hash")]
    Edited {
        /// The record's chain position.
        seq: i64,
        /// The action it belongs to.
        entry_id: String,
    },
    /// Records are missing between two positions: they were deleted.
    #[error("{} missing (deleted) before entry {next_entry_id}", missing_range(*first_missing, *last_missing))]
    Missing {
        /// The first missing position.
        first_missing: i64,
        /// The last missing position.
        last_missing: i64,
        /// The entry of the record found after the gap.
        next_entry_id: String,
    },
    /// A record does not link to the record before it (deleted and renumbered, or reordered).
    #[error("record #{seq} (entry {entry_id}) does not follow the record before it: the log was altered")]
    Unlinked {
        /// The record's chain position.
        seq: i64,
        /// The action it belongs to.
        entry_id: String,
    },
    /// The newest records are gone: the chain ends before the recorded head.
    #[error(
        "the newest records were deleted: the log ends at #{last_seq} but its head is #{head_seq}"
    )]
    Truncated {
        /// The last record present.
        last_seq: i64,
        /// The position the head says the log reaches.
        head_seq: i64,
    },
}

/// `record #3 is` / `records #3..#5 are`.
fn missing_range(first: i64, last: i64) -> String {
    if first == last {
        format!("record #{first} is")
    } else {
        format!("records #{first}..#{last} are")
    }
}

/// A failed action-log operation.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No action with this id.
    #[error("no action-log entry '{0}'")]
    UnknownEntry(String),
    /// The action was already completed; completed entries are immutable.
    #[error("action-log entry '{0}' is already completed")]
    AlreadyCompleted(String),
    /// Verification found the chain broken.
    #[error("the action log failed verification: {0}")]
    Broken(#[from] ChainBreak),
    /// A stored record is unreadable.
    #[error("action-log record #{seq} is unreadable: {detail}")]
    CorruptRecord {
        /// The record's chain position.
        seq: i64,
        /// What is wrong.
        detail: String,
    },
    /// The begin journal cannot be written or read (see `journal.rs`).
    #[error("cannot write the action-log journal: {0}")]
    Journal(#[source] std::io::Error),
    /// A `--since` value is neither RFC 3339 nor a relative duration.
    #[error(
        "invalid time '{0}': use RFC 3339 (2026-01-31T09:00:00Z) or a duration like 10m, 2h, 1d"
    )]
    BadTime(String),
}

impl From<rusqlite::Error> for AuditError {
    fn from(error: rusqlite::Error) -> Self {
        AuditError::Store(StoreError::Sqlite(error))
    }
}
