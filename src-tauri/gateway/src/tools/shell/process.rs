//! Running one `sh -c` command: its own process group, captured output with a cap, and the
//! whole group killed (SIGKILL) on timeout, on cancel, when the call is dropped, and after the
//! command exits (nothing it started outlives the call).

use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::sync::CancellationToken;

/// How long output readers may run on after the command ended (a process outside the group may
/// still hold the pipes).
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal ended it.
    Signal(i32),
    /// It ran past the timeout and was killed.
    TimedOut,
    /// The call was cancelled and it was killed.
    Cancelled,
}

/// Output of one stream, cut at the cap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// The kept bytes, as text (invalid UTF-8 replaced).
    pub text: String,
    /// All bytes the stream produced.
    pub total: usize,
}

/// A finished command.
#[derive(Debug, Clone)]
pub struct Finished {
    /// How it ended.
    pub exit: Exit,
    /// Standard output.
    pub stdout: Captured,
    /// Standard error.
    pub stderr: Captured,
    /// Wall time.
    pub duration: Duration,
}

/// Kills the process group when dropped (covers a dropped future).
struct GroupGuard(Option<i32>);

impl GroupGuard {
    fn kill(&mut self) {
        if let Some(pgid) = self.0 {
            kill_group(pgid);
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(unix)]
fn kill_group(pgid: i32) {
    if pgid > 0 {
        // SAFETY: killpg has no memory-safety preconditions; pgid is the group we created
        // (positive, so never "every process").
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(_pgid: i32) {}

/// Runs `command` with `sh -c` in `cwd` with exactly the environment `env`.
pub async fn run(
    command: &str,
    cwd: &Path,
    env: Vec<(OsString, OsString)>,
    timeout: Duration,
    output_cap: usize,
    cancel: &CancellationToken,
) -> std::io::Result<Finished> {
    let started = Instant::now();
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(cwd)
        .env_clear()
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = cmd.spawn()?;
    let mut guard = GroupGuard(child.id().and_then(|id| i32::try_from(id).ok()));
    let stdout = tokio::spawn(capture(child.stdout.take(), output_cap));
    let stderr = tokio::spawn(capture(child.stderr.take(), output_cap));
    let exit = tokio::select! {
        status = child.wait() => exit_of(status?),
        _ = tokio::time::sleep(timeout) => Exit::TimedOut,
        _ = cancel.cancelled() => Exit::Cancelled,
    };
    guard.kill();
    if matches!(exit, Exit::TimedOut | Exit::Cancelled) {
        let _ = child.wait().await;
    }
    let stdout = drain(stdout).await;
    let stderr = drain(stderr).await;
    Ok(Finished {
        exit,
        stdout,
        stderr,
        duration: started.elapsed(),
    })
}

fn exit_of(status: std::process::ExitStatus) -> Exit {
    if let Some(code) = status.code() {
        return Exit::Code(code);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Exit::Signal(signal);
        }
    }
    Exit::Code(-1)
}

async fn drain(task: tokio::task::JoinHandle<Captured>) -> Captured {
    let abort = task.abort_handle();
    match tokio::time::timeout(DRAIN_GRACE, task).await {
        Ok(Ok(captured)) => captured,
        Ok(Err(_)) => Captured::default(),
        Err(_) => {
            abort.abort();
            Captured {
                text: "[output not collected: a process outside the command kept it open]".into(),
                total: 0,
            }
        }
    }
}

async fn capture(stream: Option<impl AsyncRead + Unpin>, cap: usize) -> Captured {
    let Some(mut stream) = stream else {
        return Captured::default();
    };
    let mut kept = Vec::new();
    let mut total = 0usize;
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                total += n;
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    Captured {
        text: String::from_utf8_lossy(&kept).into_owned(),
        total,
    }
}
