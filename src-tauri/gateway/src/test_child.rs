//! Child processes for the crash tests: this test binary re-run on one test (which does its
//! part only when the parent's variable is set), watched for a line saying it is ready, then
//! killed for real.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// A running child test.
pub struct TestChild {
    child: Child,
    ready: Receiver<String>,
}

/// Runs the test named `test` (its full path) in a child process with `var` set to `value`;
/// the child prints `marker` (and anything after it on the line) when it is ready.
pub fn spawn(test: &str, var: &str, value: &std::path::Path, marker: &'static str) -> TestChild {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(var, value)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (found, ready) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // The test harness may print its own text before ours on the same line.
            if let Some((_, rest)) = line.split_once(marker) {
                let _ = found.send(rest.trim().to_owned());
                return;
            }
        }
    });
    TestChild { child, ready }
}

impl TestChild {
    /// What followed the marker, once the child printed it (at most `timeout`).
    pub fn ready(&self, timeout: Duration) -> Result<String, RecvTimeoutError> {
        self.ready.recv_timeout(timeout)
    }

    /// SIGKILL, and waits for the child to be gone.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}
