//! The hash chain: appending a record, verifying the whole log, and pruning an old prefix
//! without breaking verification.
//!
//! Record `n` stores `prev_hash` = hash of record `n-1` and `hash` = SHA-256 of its own canonical
//! contents including `prev_hash` (see [`record_hash`]). The single `action_log_chain` row keeps
//! the anchor (the hash of the last pruned record, or `GENESIS_HASH`) and the head (the newest
//! record), so verification detects an edited record (hash mismatch), a deleted one (a gap or a
//! broken link) and deleted newest records (the chain ends before the head).
//!
//! Limits: this makes tampering evident to anyone who edits or deletes rows with an SQLite tool;
//! someone able to rewrite the whole chain consistently (recomputing every hash) is not detected
//! — that would need a key outside the database.

use super::error::{AuditError, ChainBreak};
use super::record::{from_row, record_hash, Draft, Record, COLUMNS};
use rusqlite::{params, Connection, OptionalExtension};

/// The ends of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEnds {
    /// Position of the last pruned record (0 if none).
    pub anchor_seq: i64,
    /// Hash of the last pruned record ([`super::record::GENESIS_HASH`] if none).
    pub anchor_hash: String,
    /// Position of the newest record (equal to the anchor when empty).
    pub head_seq: i64,
    /// Hash of the newest record.
    pub head_hash: String,
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Records checked.
    pub records: u64,
    /// The first position checked (after the pruned prefix).
    pub first_seq: i64,
    /// The last position checked.
    pub last_seq: i64,
    /// Records removed by retention before `first_seq` (anchored, so still verified).
    pub pruned_through: i64,
}

/// What a prune removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    /// Records deleted.
    pub records: u64,
    /// The new anchor position.
    pub through_seq: i64,
}

/// Reads the chain ends.
pub fn ends(conn: &Connection) -> Result<ChainEnds, AuditError> {
    let mut statement = conn.prepare_cached(
        "SELECT anchor_seq, anchor_hash, head_seq, head_hash FROM action_log_chain WHERE id = 1",
    )?;
    Ok(statement.query_row([], |row| {
        Ok(ChainEnds {
            anchor_seq: row.get(0)?,
            anchor_hash: row.get(1)?,
            head_seq: row.get(2)?,
            head_hash: row.get(3)?,
        })
    })?)
}

/// Appends one record at the head of the chain (call inside a write transaction). The
/// statements are prepared once per connection (`prepare_cached`): this is on the path of
/// every local API request.
pub fn append(conn: &Connection, draft: Draft) -> Result<Record, AuditError> {
    let ends = ends(conn)?;
    let seq = ends.head_seq + 1;
    let hash = record_hash(seq, &draft, &ends.head_hash);
    conn.prepare_cached(
        "INSERT INTO action_log (seq, entry_id, phase, at_ms, kind, actor, conversation_id, \
         status, summary, detail, duration_ms, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        seq,
        draft.entry_id,
        draft.phase.as_str(),
        draft.at_ms,
        draft.kind,
        draft.actor,
        draft.conversation_id,
        draft.status,
        draft.summary,
        draft.detail,
        draft.duration_ms,
        ends.head_hash,
        hash,
    ])?;
    conn.prepare_cached("UPDATE action_log_chain SET head_seq = ?1, head_hash = ?2 WHERE id = 1")?
        .execute(params![seq, hash])?;
    Ok(Record {
        seq,
        draft,
        prev_hash: ends.head_hash,
        hash,
    })
}

/// Walks the whole log from the anchor to the head; the first problem found is returned as
/// [`AuditError::Broken`] naming the record.
pub fn verify(conn: &Connection) -> Result<Verified, AuditError> {
    let ends = ends(conn)?;
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM action_log ORDER BY seq"))?;
    let mut rows = statement.query([])?;
    let mut expected_seq = ends.anchor_seq + 1;
    let mut prev_hash = ends.anchor_hash.clone();
    let mut records = 0u64;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let record = from_row(row).map_err(|e| AuditError::CorruptRecord {
            seq,
            detail: e.to_string(),
        })?;
        let entry_id = record.draft.entry_id.clone();
        if record.seq > expected_seq {
            return Err(ChainBreak::Missing {
                first_missing: expected_seq,
                last_missing: record.seq - 1,
                next_entry_id: entry_id,
            }
            .into());
        }
        if record.seq < expected_seq || record.prev_hash != prev_hash {
            return Err(ChainBreak::Unlinked {
                seq: record.seq,
                entry_id,
            }
            .into());
        }
        if record_hash(record.seq, &record.draft, &record.prev_hash) != record.hash {
            return Err(ChainBreak::Edited {
                seq: record.seq,
                entry_id,
            }
            .into());
        }
        prev_hash = record.hash;
        expected_seq = record.seq + 1;
        records += 1;
    }
    let last_seq = expected_seq - 1;
    if last_seq != ends.head_seq || prev_hash != ends.head_hash {
        return Err(ChainBreak::Truncated {
            last_seq,
            head_seq: ends.head_seq,
        }
        .into());
    }
    Ok(Verified {
        records,
        first_seq: ends.anchor_seq + 1,
        last_seq,
        pruned_through: ends.anchor_seq,
    })
}

/// Deletes the oldest records written before `cutoff_ms`, as a prefix of the chain that never
/// splits an action (a pending action and everything after it are kept), and moves the anchor
/// to the last deleted record so verification stays green. Call inside a write transaction.
pub fn prune(conn: &Connection, cutoff_ms: i64) -> Result<Pruned, AuditError> {
    let ends = ends(conn)?;
    let first_new: Option<i64> = conn
        .query_row(
            "SELECT MIN(seq) FROM action_log WHERE at_ms >= ?1",
            [cutoff_ms],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    let mut through = match first_new {
        Some(seq) => seq - 1,
        None => ends.head_seq,
    };
    // Never split an action: stop before any action begun in the prefix and not completed in it.
    loop {
        let open: Option<i64> = conn.query_row(
            "SELECT MIN(b.seq) FROM action_log b WHERE b.phase = 'begin' AND b.seq <= ?1 \
             AND NOT EXISTS (SELECT 1 FROM action_log c WHERE c.entry_id = b.entry_id \
             AND c.phase = 'complete' AND c.seq <= ?1)",
            [through],
            |row| row.get(0),
        )?;
        match open {
            Some(seq) => through = seq - 1,
            None => break,
        }
    }
    if through <= ends.anchor_seq {
        return Ok(Pruned {
            records: 0,
            through_seq: ends.anchor_seq,
        });
    }
    let anchor_hash: String = conn.query_row(
        "SELECT hash FROM action_log WHERE seq = ?1",
        [through],
        |row| row.get(0),
    )?;
    let records = conn.execute("DELETE FROM action_log WHERE seq <= ?1", [through])? as u64;
    conn.execute(
        "UPDATE action_log_chain SET anchor_seq = ?1, anchor_hash = ?2 WHERE id = 1",
        params![through, anchor_hash],
    )?;
    Ok(Pruned {
        records,
        through_seq: through,
    })
}
