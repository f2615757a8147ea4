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
mod journal;
mod query;
mod record;
mod since;

#[cfg(test)]
mod commit_tests;
#[cfg(test)]
mod journal_kill_tests;
#[cfg(test)]
mod journal_tests;
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
use futures::future::BoxFuture;
use journal::Journal;
use record::Draft;
use rusqlite::Connection;
use std::future::Future;
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
    journal: Option<Arc<Journal>>,
}

impl ActionLog {
    /// The log in `store`, redacting with `redactor` (share the one the key store fills).
    pub fn new(store: Store, redactor: Redactor) -> Self {
        ActionLog {
            store,
            redactor,
            bus: None,
            journal: None,
        }
    }

    /// The same log with the begin journal (see `journal.rs`), for the process that owns the
    /// data dir (the desktop app, `hearth serve`); other processes get the log unchanged.
    /// Folds the begin records a crashed run left in the journal into the table first (they
    /// stay pending until [`ActionLog::interrupt_pending`]). Blocking: call it at start-up,
    /// not on a Tokio runtime thread.
    pub fn with_journal(mut self) -> Result<ActionLog, AuditError> {
        if !self.store.is_owner() {
            return Ok(self);
        }
        let (journal, leftovers) = Journal::open(self.store.path()).map_err(AuditError::Journal)?;
        if !leftovers.is_empty() {
            let parked = Parked::default();
            let slot = parked.clone();
            let folded = self
                .store
                .write_blocking(move |tx| slot.park(fold_leftovers(tx, leftovers)));
            let count = parked.unpark(folded)?;
            tracing::warn!(
                records = count,
                "action-log records of a run that stopped early folded in from the journal"
            );
        }
        journal.clear().map_err(AuditError::Journal)?;
        self.journal = Some(Arc::new(journal));
        Ok(self)
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
        let draft = self.begin_draft(&id, entry);
        // On the caller's thread when the writer is idle: this is on the critical path of
        // every action.
        self.append(draft, None, Commit::Inline).await?;
        Ok(id)
    }

    /// [`ActionLog::begin`] for the hot path of a local API request: with the journal (see
    /// [`ActionLog::with_journal`]) the record is written with one append to the journal file
    /// before this returns, and committed to the table with the next group commit (within
    /// [`crate::store::GROUP_DELAY`]); it is published on the bus then. Without the journal,
    /// exactly [`ActionLog::begin`]. Records queued after this call (its completion) are
    /// committed after it.
    pub async fn begin_journaled(&self, entry: NewEntry) -> Result<EntryId, AuditError> {
        let Some(journal) = self.journal.clone() else {
            return self.begin(entry).await;
        };
        let id = EntryId::generate();
        let draft = self.begin_draft(&id, entry);
        let ticket = journal.append(&draft).map_err(AuditError::Journal)?;
        // Queued now, so a completion queued later is committed after it.
        self.append_detached(draft, move |result| match result {
            Ok(()) => journal.folded(ticket),
            Err(error) => tracing::error!(
                %error,
                "cannot commit a journaled action-log record; it stays in the journal \
                 and is committed at the next start"
            ),
        });
        Ok(id)
    }

    /// The redacted begin record of a new entry.
    fn begin_draft(&self, id: &EntryId, entry: NewEntry) -> Draft {
        Draft {
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
        }
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

    /// [`ActionLog::complete_grouped`] with nobody waiting (no task, no wake-up per record): a
    /// failure is logged.
    pub fn complete_detached(&self, id: &EntryId, outcome: Outcome) {
        let draft = self.completion(id, outcome);
        self.append_detached(draft, |result| {
            if let Err(error) = result {
                tracing::error!(%error, "cannot complete an action-log entry");
            }
        });
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
        let begin = self.begin_draft(&id, entry);
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

    /// [`ActionLog::record`] for the hot path of a local API request (a key about to be sent):
    /// with the journal, the begin record is on disk before this returns and both records are
    /// committed with the next group commit, like [`ActionLog::begin_journaled`] followed by
    /// [`ActionLog::complete_detached`]. Without the journal, exactly [`ActionLog::record`].
    pub async fn record_journaled(
        &self,
        entry: NewEntry,
        outcome: Outcome,
    ) -> Result<EntryId, AuditError> {
        if self.journal.is_none() {
            return self.record(entry, outcome).await;
        }
        let id = self.begin_journaled(entry).await?;
        self.complete_detached(&id, outcome);
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
        if let Some(journal) = &self.journal {
            journal.empty_folded();
        }
        if pruned.records > 0 {
            tracing::info!(
                records = pruned.records,
                through = pruned.through_seq,
                "action log pruned"
            );
        }
        Ok(pruned)
    }

    /// Completes every entry begun before `begun_before_ms` and still pending as
    /// [`EntryStatus::Interrupted`]: call once at start-up in the process that owns the data
    /// dir (the app or `hearth serve`) with the time it opened the log, so actions it began
    /// since are left alone.
    pub async fn interrupt_pending(&self, begun_before_ms: i64) -> Result<usize, AuditError> {
        let ids = self
            .read(move |conn| query::pending_ids(conn, begun_before_ms))
            .await?;
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
    fn append(
        &self,
        first: Draft,
        second: Option<Draft>,
        commit: Commit,
    ) -> impl Future<Output = Result<(), AuditError>> + Send + 'static {
        let bus = self.bus.clone();
        let written = self.write(commit, self.append_job(first, second));
        async move {
            publish(&bus, written.await?);
            Ok(())
        }
    }

    /// [`ActionLog::append`] of one record in the next group commit, nobody waiting: `then`
    /// gets the outcome on the store's writer thread (keep it short).
    fn append_detached(
        &self,
        record: Draft,
        then: impl FnOnce(Result<(), AuditError>) + Send + 'static,
    ) {
        let job = self.append_job(record, None);
        let bus = self.bus.clone();
        let parked = Parked::default();
        let slot = parked.clone();
        self.store.write_grouped_then(
            move |tx| slot.park(job(tx)),
            move |written| then(parked.unpark(written).map(|entry| publish(&bus, entry))),
        );
    }

    /// The write of [`ActionLog::append`]: checks and chains the records, and returns the
    /// entry to publish (when there is a bus).
    fn append_job(
        &self,
        first: Draft,
        second: Option<Draft>,
    ) -> impl FnOnce(&Connection) -> Result<Option<LogEntry>, AuditError> + Send + 'static {
        // Building the published entry costs a query; skip it while nobody listens.
        let publish = self.bus.as_ref().is_some_and(EventBus::has_subscribers);
        move |tx| {
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
        }
    }

    /// Runs `f` in a write transaction; any error rolls it back. A grouped write is queued at
    /// once (see [`Store::write_grouped`]); the others when the future is first polled.
    fn write<T, F>(
        &self,
        commit: Commit,
        f: F,
    ) -> impl Future<Output = Result<T, AuditError>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AuditError> + Send + 'static,
    {
        let parked = Parked::default();
        let slot = parked.clone();
        let job = move |tx: &rusqlite::Transaction| slot.park(f(tx));
        let store = self.store.clone();
        let written: BoxFuture<'static, Result<T, StoreError>> = match commit {
            Commit::Now => Box::pin(async move { store.write(job).await }),
            Commit::Inline => Box::pin(async move { store.write_inline(job).await }),
            Commit::Grouped => Box::pin(store.write_grouped(job)),
        };
        async move { parked.unpark(written.await) }
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
        // `to_string` of the serializer, not of `Display` (which writes through a formatter).
        let text = serde_json::to_string(&detail).unwrap_or_else(|_| "{}".into());
        if text.len() <= MAX_DETAIL_BYTES {
            return text;
        }
        let preview: String = text.chars().take(4096).collect();
        serde_json::json!({ "truncated": true, "bytes": text.len(), "preview": preview })
            .to_string()
    }
}

/// Publishes a written entry on the bus, if any.
fn publish(bus: &Option<EventBus>, entry: Option<LogEntry>) {
    if let (Some(bus), Some(entry)) = (bus, entry) {
        bus.publish(Event::ActionLogged {
            entry: to_detail(&entry),
        });
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

/// Appends the journal's leftover begin records whose entry has no begin in the table yet
/// (a crash after the commit but before the journal was emptied leaves such duplicates);
/// returns how many were appended.
fn fold_leftovers(conn: &Connection, leftovers: Vec<Draft>) -> Result<usize, AuditError> {
    let mut count = 0;
    for draft in leftovers {
        let begun: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM action_log WHERE entry_id = ?1 AND phase = 'begin')",
            )?
            .query_row([&draft.entry_id], |row| row.get(0))?;
        if !begun && draft.phase == Phase::Begin {
            chain::append(conn, draft)?;
            count += 1;
        }
    }
    Ok(count)
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
