//! A real kill: a child process (this test binary, re-run on one test) appends begin records to
//! the journal and is SIGKILLed without folding them; the parent opens the journal and finds
//! every line the child had written — an appended line is in the file (the page cache) when
//! `append` returns, not in a buffer of the process.

use super::journal::tests::draft;
use super::journal::Journal;
use std::time::Duration;

/// Set in the child's environment: the database path whose journal it writes.
const CHILD_DB_ENV: &str = "HEARTH_JOURNAL_KILL_CHILD_DB";
/// What the child prints once its lines are written.
const READY: &str = "JOURNAL-CHILD-READY";
/// Lines the child writes: enough to pass [`super::journal::ROTATE_BYTES`] several times.
const LINES: i64 = 3_000;

/// The child's side; does nothing unless started by [`a_killed_process_leaves_every_line`].
#[test]
fn journal_child_appends_until_killed() {
    let Some(path) = std::env::var_os(CHILD_DB_ENV) else {
        return;
    };
    let (journal, _) = Journal::open(std::path::Path::new(&path)).unwrap();
    for n in 0..LINES {
        journal.append(&draft(n)).unwrap();
    }
    println!("{READY}");
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[cfg(unix)]
#[test]
fn a_killed_process_leaves_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hearth.db");
    let child = crate::test_child::spawn(
        "audit::journal_kill_tests::journal_child_appends_until_killed",
        CHILD_DB_ENV,
        &path,
        READY,
    );
    let ready = child.ready(Duration::from_secs(60));
    child.kill();
    ready.expect("the child never became ready");

    let (_, leftovers) = Journal::open(&path).unwrap();
    assert_eq!(leftovers.len(), LINES as usize);
    assert!(leftovers
        .iter()
        .enumerate()
        .all(|(n, d)| *d == draft(n as i64)));
}
