//! The begin journal: begin records written with one `write` each, before their action, and
//! folded into the `action_log` table shortly after.
//!
//! Why: committing a record to SQLite costs two dozen system calls (WAL frames of every b-tree
//! page it touches); a local API request would wait for that before it is forwarded. A line
//! appended to this journal is on disk in one `write` — as safe against a crash or kill of
//! Hearth as a WAL commit at `synchronous = NORMAL` (neither is synced to the device) — so the
//! record is written BEFORE the action, and the table gets it in the next group commit.
//!
//! Two files, `<db>-actions.0` and `<db>-actions.1`, one of them active. The active one is
//! switched once it passes [`ROTATE_BYTES`] and every line of the other is folded; a file is
//! emptied once it passed that size (or is no longer active) and every line in it is folded,
//! so neither grows under a steady stream of requests and emptying costs one `ftruncate` per
//! [`ROTATE_BYTES`], not one per commit. Folded lines still in a file are harmless: the fold at
//! start skips entries already in the table. Lines left by a crash are folded at the next start ([`Journal::open`], owner
//! only), before anything new is journaled; `interrupt_pending` then marks them interrupted.
//!
//! Invariant: a line is removed only after its record is committed to the table.

use super::record::Draft;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Size after which the active file is switched (when the other one is empty).
pub const ROTATE_BYTES: u64 = 64 * 1024;

/// The two journal files of the database at `db`.
pub fn paths(db: &Path) -> [PathBuf; 2] {
    [0, 1].map(|n| {
        let mut name = db.as_os_str().to_owned();
        name.push(format!("-actions.{n}"));
        PathBuf::from(name)
    })
}

/// Which file a line went to, to be handed back to [`Journal::folded`] once committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(usize);

/// The journal of one data dir, kept by the process that owns it.
#[derive(Debug)]
pub struct Journal {
    paths: [PathBuf; 2],
    state: Mutex<Files>,
}

#[derive(Debug)]
struct Files {
    files: [File; 2],
    /// Lines written to each file and not folded yet.
    unfolded: [usize; 2],
    /// Bytes in each file.
    bytes: [u64; 2],
    active: usize,
}

impl Journal {
    /// Opens the journal of the database at `db` and returns the begin records a previous
    /// process left unfolded (oldest first; a torn last line is skipped). Call
    /// [`Journal::clear`] once they are committed to the table.
    pub fn open(db: &Path) -> std::io::Result<(Journal, Vec<Draft>)> {
        let paths = paths(db);
        let mut files = Vec::with_capacity(2);
        let mut leftovers = Vec::new();
        for path in &paths {
            let file = open_append(path)?;
            leftovers.extend(read_lines(path)?);
            files.push(file);
        }
        let [a, b]: [File; 2] = files.try_into().map_err(|_| std::io::Error::other("two"))?;
        let bytes = [len(&a)?, len(&b)?];
        let journal = Journal {
            paths,
            state: Mutex::new(Files {
                files: [a, b],
                unfolded: [0, 0],
                bytes,
                active: 0,
            }),
        };
        leftovers.sort_by_key(|draft| draft.at_ms);
        Ok((journal, leftovers))
    }

    /// Empties both files (after their leftovers are committed).
    pub fn clear(&self) -> std::io::Result<()> {
        let mut state = self.lock();
        for n in 0..2 {
            state.files[n].set_len(0)?;
            state.bytes[n] = 0;
        }
        Ok(())
    }

    /// Appends `draft` as one line in one `write`. The record is on disk (in the page cache)
    /// when this returns.
    pub fn append(&self, draft: &Draft) -> std::io::Result<Ticket> {
        let mut line = serde_json::to_vec(draft).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut state = self.lock();
        let other = 1 - state.active;
        if state.bytes[state.active] >= ROTATE_BYTES && state.unfolded[other] == 0 {
            state.active = other;
            if state.bytes[other] > 0 {
                self.empty(&mut state, other);
            }
        }
        let n = state.active;
        state.files[n].write_all(&line)?;
        state.bytes[n] += line.len() as u64;
        state.unfolded[n] += 1;
        Ok(Ticket(n))
    }

    /// Notes that the line of `ticket` is committed to the table; empties its file when every
    /// line in it is and it passed [`ROTATE_BYTES`] or is no longer active.
    pub fn folded(&self, ticket: Ticket) {
        let mut state = self.lock();
        let n = ticket.0;
        state.unfolded[n] = state.unfolded[n].saturating_sub(1);
        let full = state.bytes[n] >= ROTATE_BYTES || n != state.active;
        if state.unfolded[n] == 0 && state.bytes[n] > 0 && full {
            self.empty(&mut state, n);
        }
    }

    /// Empties every file whose lines are all folded, whatever its size: after a prune, so a
    /// pruned entry's folded line cannot come back at the next start.
    pub fn empty_folded(&self) {
        let mut state = self.lock();
        for n in 0..2 {
            if state.unfolded[n] == 0 && state.bytes[n] > 0 {
                self.empty(&mut state, n);
            }
        }
    }

    fn empty(&self, state: &mut Files, n: usize) {
        match state.files[n].set_len(0) {
            Ok(()) => state.bytes[n] = 0,
            Err(error) => tracing::warn!(
                %error,
                path = %self.paths[n].display(),
                "cannot empty the action-log journal"
            ),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Files> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn len(file: &File) -> std::io::Result<u64> {
    Ok(file.metadata()?.len())
}

/// The records of a journal file; lines that do not parse (torn by a power loss) are skipped.
fn read_lines(path: &Path) -> std::io::Result<Vec<Draft>> {
    let text = std::fs::read(path)?;
    let mut drafts = Vec::new();
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        match serde_json::from_slice::<Draft>(line) {
            Ok(draft) => drafts.push(draft),
            Err(error) => tracing::warn!(
                %error,
                path = %path.display(),
                "skipping an unreadable action-log journal line"
            ),
        }
    }
    Ok(drafts)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::audit::record::Phase;

    /// A begin record numbered `n` (also at `n` ms).
    pub fn draft(n: i64) -> Draft {
        Draft {
            entry_id: format!("entry-{n}"),
            phase: Phase::Begin,
            at_ms: n,
            kind: "api_request".into(),
            actor: "api:test".into(),
            conversation_id: None,
            status: "pending".into(),
            summary: format!("request {n}"),
            detail: "{}".into(),
            duration_ms: None,
        }
    }

    #[test]
    fn unfolded_lines_are_found_again_and_folded_ones_are_gone() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hearth.db");
        let (journal, leftovers) = Journal::open(&db).unwrap();
        assert!(leftovers.is_empty());
        let first = journal.append(&draft(1)).unwrap();
        journal.append(&draft(2)).unwrap();
        journal.folded(first);
        drop(journal);

        let (journal, leftovers) = Journal::open(&db).unwrap();
        // The file is emptied only when every line in it is folded.
        assert_eq!(leftovers, [draft(1), draft(2)]);
        journal.clear().unwrap();
        drop(journal);
        assert!(Journal::open(&db).unwrap().1.is_empty());
    }

    #[test]
    fn a_small_folded_file_is_kept_and_a_full_one_is_emptied_once_all_its_lines_are_folded() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hearth.db");
        let (journal, _) = Journal::open(&db).unwrap();
        let size = |n: usize| std::fs::metadata(&paths(&db)[n]).unwrap().len();
        let tickets: Vec<_> = (0..3).map(|n| journal.append(&draft(n)).unwrap()).collect();
        for ticket in tickets {
            journal.folded(ticket);
        }
        // No truncation per commit: three folded lines stay.
        assert!(size(0) > 0);

        let mut tickets = Vec::new();
        while size(0) < ROTATE_BYTES {
            tickets.push(journal.append(&draft(7)).unwrap());
        }
        let last = tickets.pop().unwrap();
        for ticket in tickets {
            journal.folded(ticket);
        }
        assert!(size(0) >= ROTATE_BYTES, "one line is not folded yet");
        journal.folded(last);
        assert_eq!(size(0), 0);
        assert_eq!(size(1), 0);
    }

    #[test]
    fn empty_folded_empties_small_folded_files_and_keeps_unfolded_lines() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hearth.db");
        let (journal, _) = Journal::open(&db).unwrap();
        let folded = journal.append(&draft(1)).unwrap();
        journal.folded(folded);
        journal.empty_folded();
        assert_eq!(std::fs::metadata(&paths(&db)[0]).unwrap().len(), 0);
        journal.append(&draft(2)).unwrap();
        journal.empty_folded();
        drop(journal);
        assert_eq!(Journal::open(&db).unwrap().1, [draft(2)]);
    }

    #[test]
    fn a_steady_stream_rotates_between_the_two_files_and_stays_small() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hearth.db");
        let (journal, _) = Journal::open(&db).unwrap();
        // Always one line in flight: no file ever has zero unfolded lines on its own.
        let mut in_flight = journal.append(&draft(0)).unwrap();
        for n in 1..5_000 {
            let next = journal.append(&draft(n)).unwrap();
            journal.folded(in_flight);
            in_flight = next;
        }
        for path in paths(&db) {
            let size = std::fs::metadata(path).unwrap().len();
            assert!(size < 2 * ROTATE_BYTES, "{size} bytes");
        }
        drop(journal);
        // Folded lines stay until their whole file is folded (the fold skips entries already
        // in the table); the unfolded one is there.
        let leftovers = Journal::open(&db).unwrap().1;
        assert_eq!(leftovers.last(), Some(&draft(4_999)));
        assert!(leftovers.len() < 2_000, "{} lines", leftovers.len());
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hearth.db");
        let (journal, _) = Journal::open(&db).unwrap();
        journal.append(&draft(1)).unwrap();
        drop(journal);
        let mut file = open_append(&paths(&db)[0]).unwrap();
        file.write_all(br#"{"entry_id":"torn","pha"#).unwrap();
        assert_eq!(Journal::open(&db).unwrap().1, [draft(1)]);
    }

    #[cfg(unix)]
    #[test]
    fn the_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hearth.db");
        let _ = Journal::open(&db).unwrap();
        for path in paths(&db) {
            let mode = std::fs::metadata(path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
