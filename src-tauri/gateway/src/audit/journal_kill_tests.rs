//! A real kill: a child process (this test binary, re-run on one test) appends begin records to
//! the journal and is SIGKILLed without folding them; the parent opens the journal and finds
//! every line the child had written — an appended line is in the file (the page cache) when
//! `append` returns, not in a buffer of the process.

use super::journal::Journal;
use super::record::{Draft, Phase};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Set in the child's environment: the database path whose journal it writes.
const CHILD_DB_ENV: &str = "HEARTH_JOURNAL_KILL_CHILD_DB";
/// What the child prints once its lines are written.
const READY: &str = "JOURNAL-CHILD-READY";
/// Lines the child writes: enough to pass [`super::journal::ROTATE_BYTES`] several times.
const LINES: i64 = 3_000;

fn draft(n: i64) -> Draft {
    Draft {
        entry_id: format!("entry-{n}"),
        phase: Phase::Begin,
        at_ms: n,
        kind: "api_request".into(),
        actor: "api:killed".into(),
        conversation_id: None,
        status: "pending".into(),
        summary: format!("POST /v1/chat/completions local/model-{n}"),
        detail: r#"{"method":"POST","path":"/v1/chat/completions"}"#.into(),
        duration_ms: None,
    }
}

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
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "audit::journal_kill_tests::journal_child_appends_until_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (found, ready) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains(READY) {
                let _ = found.send(());
                return;
            }
        }
    });
    let ready = ready.recv_timeout(Duration::from_secs(60));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    ready.expect("the child never became ready");

    let (_, leftovers) = Journal::open(&path).unwrap();
    assert_eq!(leftovers.len(), LINES as usize);
    assert!(leftovers
        .iter()
        .enumerate()
        .all(|(n, d)| *d == draft(n as i64)));
}
