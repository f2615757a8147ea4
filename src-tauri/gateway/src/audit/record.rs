//! [`Record`]: one row of the append-only `action_log` table, and the canonical form its hash
//! is computed over.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the very first record (and the anchor of an unpruned log).
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Which part of an action a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Written before the action.
    Begin,
    /// An intermediate step (decision, start).
    Progress,
    /// Written after the action; the entry is immutable from then on.
    Complete,
}

impl Phase {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Begin => "begin",
            Phase::Progress => "progress",
            Phase::Complete => "complete",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Phase> {
        Some(match text {
            "begin" => Phase::Begin,
            "progress" => Phase::Progress,
            "complete" => Phase::Complete,
            _ => return None,
        })
    }
}

/// One stored record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Chain position.
    pub seq: i64,
    /// The contents.
    #[serde(flatten)]
    pub draft: Draft,
    /// Hash of the previous record.
    pub prev_hash: String,
    /// Hash of this record.
    pub hash: String,
}

/// A record's contents, before it is chained (no position or hashes). Already redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The action.
    pub entry_id: String,
    /// Which part.
    pub phase: Phase,
    /// When, ms since the Unix epoch.
    pub at_ms: i64,
    /// The action's kind.
    pub kind: String,
    /// Who.
    pub actor: String,
    /// The conversation, if any.
    pub conversation_id: Option<String>,
    /// Status or stage.
    pub status: String,
    /// One line for people.
    pub summary: String,
    /// JSON object text.
    pub detail: String,
    /// Duration.
    pub duration_ms: Option<i64>,
}

/// Exactly the fields the hash covers, in a fixed order (format version 1).
#[derive(Serialize)]
struct Hashed<'a> {
    v: u32,
    seq: i64,
    entry_id: &'a str,
    phase: &'a str,
    at_ms: i64,
    kind: &'a str,
    actor: &'a str,
    conversation_id: Option<&'a str>,
    status: &'a str,
    summary: &'a str,
    detail: &'a str,
    duration_ms: Option<i64>,
    prev_hash: &'a str,
}

/// The hex SHA-256 of a record's canonical contents (every column but `hash`).
pub fn record_hash(seq: i64, draft: &Draft, prev_hash: &str) -> String {
    let hashed = Hashed {
        v: 1,
        seq,
        entry_id: &draft.entry_id,
        phase: draft.phase.as_str(),
        at_ms: draft.at_ms,
        kind: &draft.kind,
        actor: &draft.actor,
        conversation_id: draft.conversation_id.as_deref(),
        status: &draft.status,
        summary: &draft.summary,
        detail: &draft.detail,
        duration_ms: draft.duration_ms,
        prev_hash,
    };
    // Serialising a struct of strings and integers cannot fail.
    let canonical = serde_json::to_vec(&hashed).unwrap_or_default();
    hex::encode(Sha256::digest(&canonical))
}

/// The columns every query reads, in [`from_row`]'s order.
pub const COLUMNS: &str = "seq, entry_id, phase, at_ms, kind, actor, conversation_id, status, \
                           summary, detail, duration_ms, prev_hash, hash";

/// Reads a record selected with [`COLUMNS`].
pub fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let phase: String = row.get(2)?;
    let phase = Phase::parse(&phase).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            2,
            rusqlite::types::Type::Text,
            format!("unknown phase '{phase}'").into(),
        )
    })?;
    Ok(Record {
        seq: row.get(0)?,
        draft: Draft {
            entry_id: row.get(1)?,
            phase,
            at_ms: row.get(3)?,
            kind: row.get(4)?,
            actor: row.get(5)?,
            conversation_id: row.get(6)?,
            status: row.get(7)?,
            summary: row.get(8)?,
            detail: row.get(9)?,
            duration_ms: row.get(10)?,
        },
        prev_hash: row.get(11)?,
        hash: row.get(12)?,
    })
}
