//! Reading the log: [`LogEntry`] assembles an action's records (begin, stages, completion) into
//! the one view the CLI, the UI and the event bus show.

use super::entry::{Actor, EntryKind, EntryStatus};
use super::error::AuditError;
use super::record::{from_row, Phase, Record, COLUMNS};
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One action as people see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ActionLogEntry"))]
pub struct LogEntry {
    /// The action's id.
    pub id: String,
    /// Chain position of its begin record (orders entries).
    pub seq: i64,
    /// What kind of action.
    pub kind: EntryKind,
    /// Who initiated it.
    pub actor: Actor,
    /// The conversation, if any.
    pub conversation_id: Option<String>,
    /// One line for people.
    pub summary: String,
    /// Structured detail of the request.
    pub detail: serde_json::Value,
    /// When it began, ms since the Unix epoch.
    pub started_at_ms: i64,
    /// `pending` until completed.
    pub status: EntryStatus,
    /// Intermediate steps, in order.
    pub stages: Vec<StageView>,
    /// The completion, once written.
    pub outcome: Option<OutcomeView>,
}

/// A recorded intermediate step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageView {
    /// When, ms since the Unix epoch.
    pub at_ms: i64,
    /// The step's name.
    pub name: String,
    /// Who acted.
    pub actor: Actor,
    /// One line for people.
    pub summary: String,
    /// Structured detail.
    pub detail: serde_json::Value,
}

/// A recorded completion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutcomeView {
    /// When, ms since the Unix epoch.
    pub at_ms: i64,
    /// The result.
    pub status: EntryStatus,
    /// One line for people.
    pub summary: String,
    /// Structured detail.
    pub detail: serde_json::Value,
    /// How long the action took.
    pub duration_ms: Option<i64>,
}

/// Which entries to list. Every filter is optional; the default lists everything, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogQuery {
    /// Only actions begun at or after this time (ms since the Unix epoch).
    pub since_ms: Option<i64>,
    /// Only actions whose begin record is before this chain position (paging back).
    #[serde(alias = "before")]
    pub before_seq: Option<i64>,
    /// Only this conversation's actions.
    pub conversation_id: Option<String>,
    /// Only this kind of action.
    pub kind: Option<EntryKind>,
    /// Only calls of this tool (`detail.tool`).
    pub tool: Option<String>,
    /// Only actions of this provider (`detail.provider`).
    pub provider: Option<String>,
    /// At most this many: the newest matching ones.
    pub limit: Option<usize>,
    /// Newest first instead of oldest first.
    pub newest_first: bool,
}

/// Entries matching `query`.
pub fn entries(conn: &Connection, query: &LogQuery) -> Result<Vec<LogEntry>, AuditError> {
    let limit = query.limit.map(|l| l as i64).unwrap_or(-1);
    let sql = format!(
        "SELECT {COLUMNS} FROM action_log WHERE entry_id IN ( \
           SELECT entry_id FROM action_log WHERE phase = 'begin' AND at_ms >= ?1 \
           AND (?2 IS NULL OR seq < ?2) \
           AND (?3 IS NULL OR conversation_id = ?3) \
           AND (?4 IS NULL OR kind = ?4) \
           AND (?5 IS NULL OR json_extract(detail, '$.tool') = ?5) \
           AND (?6 IS NULL OR json_extract(detail, '$.provider') = ?6) \
           ORDER BY seq DESC LIMIT ?7 \
         ) ORDER BY seq"
    );
    let mut statement = conn.prepare(&sql)?;
    let records = statement
        .query_map(
            rusqlite::params![
                query.since_ms.unwrap_or(i64::MIN),
                query.before_seq,
                query.conversation_id,
                query.kind.map(EntryKind::as_str),
                query.tool,
                query.provider,
                limit
            ],
            from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let mut entries = assemble(records);
    if query.newest_first {
        entries.reverse();
    }
    Ok(entries)
}

/// The entries with any record after position `after_seq` (their full current state), and the
/// newest position seen. Used to follow the log as other processes write it.
pub fn changed_after(
    conn: &Connection,
    after_seq: i64,
) -> Result<(Vec<LogEntry>, i64), AuditError> {
    let mut statement = conn.prepare("SELECT DISTINCT entry_id FROM action_log WHERE seq > ?1")?;
    let ids = statement
        .query_map([after_seq], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let newest: i64 = conn.query_row(
        "SELECT COALESCE(MAX(seq), ?1) FROM action_log",
        [after_seq],
        |row| row.get(0),
    )?;
    Ok((entries_by_id(conn, &ids)?, newest))
}

/// The current state of the entries with these ids, oldest first (unknown ids are skipped).
pub fn entries_by_id(conn: &Connection, ids: &[String]) -> Result<Vec<LogEntry>, AuditError> {
    let mut records = Vec::new();
    // SQLite limits bound parameters; query in chunks.
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let sql =
            format!("SELECT {COLUMNS} FROM action_log WHERE entry_id IN ({marks}) ORDER BY seq");
        let mut statement = conn.prepare(&sql)?;
        let found = statement
            .query_map(params_from_iter(chunk.iter()), from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        records.extend(found);
    }
    records.sort_by_key(|r| r.seq);
    Ok(assemble(records))
}

/// The current state of one entry (`None` when unknown or pruned). The statement is prepared
/// once per connection: the writer runs it to publish every progress and complete record.
pub fn entry_by_id(conn: &Connection, id: &str) -> Result<Option<LogEntry>, AuditError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM action_log WHERE entry_id = ?1 ORDER BY seq"
    ))?;
    let records = statement
        .query_map([id], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(assemble(records).pop())
}

/// The newest chain position present (0 when empty).
pub fn newest_seq(conn: &Connection) -> Result<i64, AuditError> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM action_log", [], |row| {
            row.get(0)
        })?,
    )
}

/// Ids of actions begun and not completed.
pub fn pending_ids(conn: &Connection, begun_before_ms: i64) -> Result<Vec<String>, AuditError> {
    let mut statement = conn.prepare(
        "SELECT b.entry_id FROM action_log b WHERE b.phase = 'begin' AND b.at_ms < ?1 \
         AND NOT EXISTS \
         (SELECT 1 FROM action_log c WHERE c.entry_id = b.entry_id AND c.phase = 'complete') \
         ORDER BY b.seq",
    )?;
    let ids = statement
        .query_map([begun_before_ms], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ids)
}

/// Groups records (sorted by position) into entries; records whose begin was pruned are
/// dropped.
pub fn assemble(records: Vec<Record>) -> Vec<LogEntry> {
    let mut entries: BTreeMap<i64, LogEntry> = BTreeMap::new();
    let mut by_id: BTreeMap<String, i64> = BTreeMap::new();
    for record in records {
        let draft = record.draft;
        let detail = serde_json::from_str(&draft.detail)
            .unwrap_or(serde_json::Value::String(draft.detail.clone()));
        match draft.phase {
            Phase::Begin => {
                by_id.insert(draft.entry_id.clone(), record.seq);
                entries.insert(
                    record.seq,
                    LogEntry {
                        id: draft.entry_id,
                        seq: record.seq,
                        kind: EntryKind::parse(&draft.kind),
                        actor: Actor::from_stored(&draft.actor),
                        conversation_id: draft.conversation_id,
                        summary: draft.summary,
                        detail,
                        started_at_ms: draft.at_ms,
                        status: EntryStatus::Pending,
                        stages: Vec::new(),
                        outcome: None,
                    },
                );
            }
            Phase::Progress => {
                if let Some(entry) = by_id.get(&draft.entry_id).and_then(|s| entries.get_mut(s)) {
                    entry.stages.push(StageView {
                        at_ms: draft.at_ms,
                        name: draft.status,
                        actor: Actor::from_stored(&draft.actor),
                        summary: draft.summary,
                        detail,
                    });
                }
            }
            Phase::Complete => {
                if let Some(entry) = by_id.get(&draft.entry_id).and_then(|s| entries.get_mut(s)) {
                    let status = EntryStatus::parse(&draft.status).unwrap_or(EntryStatus::Error);
                    entry.status = status;
                    entry.outcome = Some(OutcomeView {
                        at_ms: draft.at_ms,
                        status,
                        summary: draft.summary,
                        detail,
                        duration_ms: draft.duration_ms,
                    });
                }
            }
        }
    }
    entries.into_values().collect()
}
