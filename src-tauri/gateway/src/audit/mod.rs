//! The action log: every model call, tool call, approval, key use, config change and local API
//! request, in an append-only, hash-chained table of `hearth.db`.
//!
//! Use: [`ActionLog::begin`] BEFORE an action (returns its [`EntryId`]), optionally
//! [`ActionLog::stage`] for intermediate steps (the approval decision and who made it, the
//! start of a tool run), and [`ActionLog::complete`] AFTER it. Completed entries are immutable.
//! Every summary and detail passes through the [`Redactor`] first, and every record is
//! published on the event bus as [`Event::ActionLogged`] with the entry's current state.
//!
//! Read first: `chain.rs` (the hash chain, verify, prune), `record.rs` (what a hash covers).

mod chain;
mod entry;
mod error;
mod query;
mod record;
mod since;

#[cfg(test)]
mod commit_tests;
#[cfg(test)]
mod tests;

pub use chain::{ChainEnds, Pruned, Verified};
pub use entry::{
    headline, to_detail, Actor, ApiRequestDetail, ConfigChangeDetail, DecisionDetail, EntryId,
    EntryKind, EntryStatus, KeyUseDetail, ModelCallDetail, ModelCallOutcome, NewEntry, Outcome,
    Stage, ToolCallDetail, ToolOutcomeDetail,
};
pub use error::{AuditError, ChainBreak};
pub use query::{LogEntry, LogQuery, OutcomeView, StageView};
pub use record::{Phase, Record, GENESIS_HASH};
pub use since::parse_since;

use crate::conversation::now_ms;
use crate::events::{Event, EventBus};
use crate::keys::Redactor;
use crate::store::{Store, StoreError};
use record::Draft;
use rusqlite::Connection;
use std::sync::{Arc, Mutex};

/// Largest stored detail (serialised JSON); bigger details keep a preview and their size.
pub const MAX_DETAIL_BYTES: usize = 64 * 1024;

/// Longest stored summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 500;

/// The action log over a [`Store`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ActionLog {
    store: Store,
    redactor: Redactor,
    bus: Option<EventBus>,
}

impl ActionLog {
    /// The log in `store`, redacting with `redactor` (share the one the key store fills).
    pub fn new(store: Store, redactor: Redactor) -> Self {
        ActionLog {
            store,
            redactor,
            bus: None,
        }
    }

    /// The same log, publishing every record on `bus`.
    pub fn with_bus(mut self, bus: EventBus) -> Self {
        self.bus = Some(bus);
        self
    }

    /// Records that an action is about to happen. Call it BEFORE the action; if it fails, do
    /// not perform the action.
    pub async fn begin(&self, entry: NewEntry) -> Result<EntryId, AuditError> {
        let id = EntryId::generate();
        let draft = Draft {
            entry_id: id.0.clone(),
            phase: Phase::Begin,
            at_ms: now_ms(),
            kind: entry.kind.as_str().to_string(),
            actor: entry.actor.to_stored(),
            conversation_id: entry.conversation_id,
            status: EntryStatus::Pending.as_str().to_string(),
            summary: self.clean_summary(&entry.summary),
            detail: self.clean_detail(entry.detail),
            duration_ms: None,
        };
        // On the caller's thread when the writer is idle: this is on the critical path of
        // every action (a local API request waits for it before it is forwarded).
        self.append(draft, None, Commit::Inline).await?;
        Ok(id)
    }

    /// Records an intermediate step of a running action (e.g. `decided` by a rule or the user,
    /// `started`).
    pub async fn stage(&self, id: &EntryId, stage: Stage) -> Result<(), AuditError> {
        let draft = Draft {
            entry_id: id.0.clone(),
            phase: Phase::Progress,
            at_ms: now_ms(),
            kind: String::new(),
            actor: stage.actor.to_stored(),
            conversation_id: None,
            status: self.clean_summary(&stage.name),
            summary: self.clean_summary(&stage.summary),
            detail: self.clean_detail(stage.detail),
            duration_ms: None,
        };
        self.append(draft, None, Commit::Now).await
    }

    /// Records how an action ended. Call it AFTER the action; the entry is immutable from now
    /// on ([`AuditError::AlreadyCompleted`] on a second call).
    pub async fn complete(&self, id: &EntryId, outcome: Outcome) -> Result<(), AuditError> {
        let draft = self.completion(id, outcome);
        self.append(draft, None, Commit::Now).await
    }

    /// [`ActionLog::complete`] for a completion nobody waits on (a streamed API answer that was
    /// already delivered): the record may wait up to [`crate::store::GROUP_DELAY`] to share the
    /// commit of the next write (typically the next request's `begin`) instead of delaying it.
    /// Resolves once committed.
    pub async fn complete_grouped(&self, id: &EntryId, outcome: Outcome) -> Result<(), AuditError> {
        let draft = self.completion(id, outcome);
        self.append(draft, None, Commit::Grouped).await
    }

    /// The redacted complete record of `id`.
    fn completion(&self, id: &EntryId, outcome: Outcome) -> Draft {
        Draft {
            entry_id: id.0.clone(),
            phase: Phase::Complete,
            at_ms: now_ms(),
            kind: String::new(),
            actor: String::new(),
            conversation_id: None,
            status: outcome.status.as_str().to_string(),
            summary: self.clean_summary(&outcome.summary),
            detail: self.clean_detail(outcome.detail),
            duration_ms: outcome.duration_ms.map(|d| d.min(i64::MAX as u64) as i64),
        }
    }

    /// Records an action that is decided and done at once (an approval answer, a key deletion):
    /// begin and completion in one transaction.
    pub async fn record(&self, entry: NewEntry, outcome: Outcome) -> Result<EntryId, AuditError> {
        let id = EntryId::generate();
        let at_ms = now_ms();
        let begin = Draft {
            entry_id: id.0.clone(),
            phase: Phase::Begin,
            at_ms,
            kind: entry.kind.as_str().to_string(),
            actor: entry.actor.to_stored(),
            conversation_id: entry.conversation_id,
            status: EntryStatus::Pending.as_str().to_string(),
            summary: self.clean_summary(&entry.summary),
            detail: self.clean_detail(entry.detail),
            duration_ms: None,
        };
        let complete = Draft {
            phase: Phase::Complete,
            status: outcome.status.as_str().to_string(),
            summary: self.clean_summary(&outcome.summary),
            detail: self.clean_detail(outcome.detail),
            duration_ms: Some(outcome.duration_ms.unwrap_or(0).min(i64::MAX as u64) as i64),
            ..begin.clone()
        };
        self.append(begin, Some(complete), Commit::Now).await?;
        Ok(id)
    }

    /// Entries matching `query`, oldest first.
    pub async fn entries(&self, query: LogQuery) -> Result<Vec<LogEntry>, AuditError> {
        self.read(move |conn| query::entries(conn, &query)).await
    }

    /// Entries with a record after position `after_seq`, and the newest position (for
    /// following the log while other processes write it; start from [`ActionLog::newest_seq`]).
    pub async fn changed_after(&self, after_seq: i64) -> Result<(Vec<LogEntry>, i64), AuditError> {
        self.read(move |conn| query::changed_after(conn, after_seq))
            .await
    }

    /// The newest chain position (0 when empty).
    pub async fn newest_seq(&self) -> Result<i64, AuditError> {
        self.read(query::newest_seq).await
    }

    /// Checks the whole chain; [`AuditError::Broken`] names the first bad record.
    pub async fn verify(&self) -> Result<Verified, AuditError> {
        self.read(chain::verify).await
    }

    /// Deletes records older than `retention_days` (0 = keep forever) without breaking
    /// verification. Call at start-up and then daily with `Config.general.log_retention_days`.
    pub async fn prune(&self, retention_days: u32) -> Result<Pruned, AuditError> {
        if retention_days == 0 {
            return self
                .read(|conn| {
                    let ends = chain::ends(conn)?;
                    Ok(Pruned {
                        records: 0,
                        through_seq: ends.anchor_seq,
                    })
                })
                .await;
        }
        let cutoff = now_ms().saturating_sub(i64::from(retention_days) * 86_400_000);
        self.prune_before(cutoff).await
    }

    /// Deletes records written before `cutoff_ms` (see [`ActionLog::prune`]).
    pub async fn prune_before(&self, cutoff_ms: i64) -> Result<Pruned, AuditError> {
        let pruned = self
            .write(Commit::Now, move |tx| chain::prune(tx, cutoff_ms))
            .await?;
        if pruned.records > 0 {
            tracing::info!(
                records = pruned.records,
                through = pruned.through_seq,
                "action log pruned"
            );
        }
        Ok(pruned)
    }

    /// Completes every pending entry as [`EntryStatus::Interrupted`]: call once at start-up in
    /// the process that owns the data dir (the app or `hearth serve`), before any new action.
    pub async fn interrupt_pending(&self) -> Result<usize, AuditError> {
        let ids = self.read(query::pending_ids).await?;
        let mut count = 0;
        for id in ids {
            let outcome = Outcome::with_status(
                EntryStatus::Interrupted,
                "Hearth stopped before this action completed",
            );
            match self.complete(&EntryId(id), outcome).await {
                Ok(()) => count += 1,
                // Completed meanwhile by another process: nothing to do.
                Err(AuditError::AlreadyCompleted(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(count)
    }

    /// Appends `first` (and `second`) in one transaction, checking that progress and complete
    /// records follow an open begin, then publishes the entry.
    ///
    /// The published entry of a begin (alone or with its completion, from [`ActionLog::record`])
    /// is assembled from the records just written, which are all the entry has: the same
    /// [`LogEntry`] a read-back would give, without the query on the writer thread. Progress
    /// and complete records are published from a read-back (the entry has earlier records).
    async fn append(
        &self,
        first: Draft,
        second: Option<Draft>,
        commit: Commit,
    ) -> Result<(), AuditError> {
        let publish = self.bus.is_some();
        let entry = self
            .write(commit, move |tx| {
                let starts_entry = first.phase == Phase::Begin;
                let first = inherit_from_begin(tx, first)?;
                let first = chain::append(tx, first)?;
                let second = match second {
                    Some(second) => Some(chain::append(tx, second)?),
                    None => None,
                };
                if !publish {
                    return Ok(None);
                }
                if starts_entry {
                    let records = std::iter::once(first).chain(second).collect();
                    Ok(query::assemble(records).pop())
                } else {
                    query::entry_by_id(tx, &first.draft.entry_id)
                }
            })
            .await?;
        if let (Some(bus), Some(entry)) = (&self.bus, entry) {
            bus.publish(Event::ActionLogged {
                entry: to_detail(&entry),
            });
        }
        Ok(())
    }

    /// Runs `f` in a write transaction; any error rolls it back.
    async fn write<T, F>(&self, commit: Commit, f: F) -> Result<T, AuditError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AuditError> + Send + 'static,
    {
        let parked = Parked::default();
        let slot = parked.clone();
        let job = move |tx: &rusqlite::Transaction| slot.park(f(tx));
        let result = match commit {
            Commit::Now => self.store.write(job).await,
            Commit::Inline => self.store.write_inline(job).await,
            Commit::Grouped => self.store.write_grouped(job).await,
        };
        parked.unpark(result)
    }

    /// Runs `f` on one of the store's read-only connections.
    async fn read<T, F>(&self, f: F) -> Result<T, AuditError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AuditError> + Send + 'static,
    {
        let parked = Parked::default();
        let slot = parked.clone();
        let result = self.store.read(move |conn| slot.park(f(conn))).await;
        parked.unpark(result)
    }

    /// One redacted line of at most [`MAX_SUMMARY_CHARS`].
    fn clean_summary(&self, text: &str) -> String {
        let line: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(MAX_SUMMARY_CHARS)
            .collect();
        self.redactor.scrub_string(line)
    }

    /// Redacted JSON object text, capped at [`MAX_DETAIL_BYTES`].
    fn clean_detail(&self, mut detail: serde_json::Value) -> String {
        self.redactor.scrub_json(&mut detail);
        let detail = match detail {
            serde_json::Value::Object(_) => detail,
            serde_json::Value::Null => serde_json::Value::Object(Default::default()),
            other => serde_json::json!({ "value": other }),
        };
        let text = detail.to_string();
        if text.len() <= MAX_DETAIL_BYTES {
            return text;
        }
        let preview: String = text.chars().take(4096).collect();
        serde_json::json!({ "truncated": true, "bytes": text.len(), "preview": preview })
            .to_string()
    }
}

/// When a record is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Commit {
    /// In the next transaction of the writer ([`Store::write`]).
    Now,
    /// Like `Now`, on the caller's thread when the writer is idle ([`Store::write_inline`]).
    Inline,
    /// Possibly with the next write ([`Store::write_grouped`]).
    Grouped,
}

/// Carries an [`AuditError`] through the store's closures, which can only fail with a
/// [`StoreError`]: the audit error is parked here and a sentinel makes the store roll back.
#[derive(Clone, Default)]
struct Parked(Arc<Mutex<Option<AuditError>>>);

impl Parked {
    fn park<T>(&self, result: Result<T, AuditError>) -> Result<T, StoreError> {
        match result {
            Ok(value) => Ok(value),
            Err(AuditError::Store(error)) => Err(error),
            Err(other) => {
                *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(other);
                Err(StoreError::Closed)
            }
        }
    }

    fn unpark<T>(&self, result: Result<T, StoreError>) -> Result<T, AuditError> {
        result.map_err(|error| {
            let parked = self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
            parked.unwrap_or(AuditError::Store(error))
        })
    }
}

/// Checks that a progress or complete record follows an open begin of the same entry, and
/// copies the entry's kind and conversation from it (so every row is self-describing).
fn inherit_from_begin(conn: &Connection, mut draft: Draft) -> Result<Draft, AuditError> {
    if draft.phase == Phase::Begin {
        return Ok(draft);
    }
    let mut statement = conn.prepare_cached(
        "SELECT kind, actor, conversation_id, at_ms, EXISTS (SELECT 1 FROM action_log \
         WHERE entry_id = ?1 AND phase = 'complete') FROM action_log \
         WHERE entry_id = ?1 AND phase = 'begin'",
    )?;
    let begin: Option<(String, String, Option<String>, i64, bool)> =
        rusqlite::OptionalExtension::optional(statement.query_row([&draft.entry_id], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        }))?;
    let Some((kind, actor, conversation_id, begun_at, completed)) = begin else {
        return Err(AuditError::UnknownEntry(draft.entry_id));
    };
    if completed {
        return Err(AuditError::AlreadyCompleted(draft.entry_id));
    }
    draft.kind = kind;
    draft.conversation_id = conversation_id;
    if draft.actor.is_empty() {
        draft.actor = actor;
    }
    if draft.phase == Phase::Complete && draft.duration_ms.is_none() {
        draft.duration_ms = Some(draft.at_ms.saturating_sub(begun_at).max(0));
    }
    Ok(draft)
}
