//! `shell.run`: one `sh -c` command with its working directory inside a root, a timeout, an
//! output cap, its whole process group killed on cancel or timeout, and an environment stripped
//! of secrets (see [`env`](mod@env)).

pub mod env;
mod process;

pub use process::{Captured, Exit, Finished};

use super::roots::{Access, PathError, Roots};
use super::{parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput};
use crate::config::{Config, LiveConfig};
use serde::Deserialize;
use serde_json::Value;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `shell.run`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShellArgs {
    /// The command line, run with `sh -c`.
    pub command: String,
    /// Working directory (inside an allowed folder; default: the first allowed folder).
    pub cwd: Option<String>,
    /// Seconds before the command is killed (at most the configured limit).
    pub timeout_secs: Option<u64>,
}

/// `shell.run`.
pub struct ShellRun {
    live: LiveConfig,
    /// The environment commands start from (default: this process's), before stripping.
    base_env: Option<Vec<(OsString, OsString)>>,
}

impl ShellRun {
    /// The tool, reading roots, limits and secret names from `live`.
    pub fn new(live: LiveConfig) -> Self {
        ShellRun {
            live,
            base_env: None,
        }
    }

    /// The tool with a fixed starting environment (tests).
    pub fn with_base_env(live: LiveConfig, base_env: Vec<(OsString, OsString)>) -> Self {
        ShellRun {
            live,
            base_env: Some(base_env),
        }
    }

    fn working_dir(&self, cwd: Option<&str>) -> Result<(PathBuf, bool), ToolError> {
        let roots = Roots::from_config(&self.live.current().tools);
        match cwd {
            Some(raw) => {
                let resolved = roots.resolve(raw, Access::Existing)?;
                if !resolved.path.is_dir() {
                    return Err(PathError::WrongKind {
                        path: raw.to_string(),
                        what: "not a folder",
                    }
                    .into());
                }
                Ok((resolved.path, resolved.untrusted))
            }
            None => roots
                .roots()
                .first()
                .map(|r| (r.path.clone(), r.untrusted))
                .ok_or(ToolError::Path(PathError::NoRoots)),
        }
    }

    fn env(&self, config: &Config) -> Vec<(OsString, OsString)> {
        let mut extra = config.tools.shell_strip_env.clone();
        extra.extend(config.providers.values().filter_map(|p| p.key_env.clone()));
        let base = self
            .base_env
            .clone()
            .unwrap_or_else(|| std::env::vars_os().collect());
        env::stripped_env(base, &extra)
    }
}

/// `~/x` for paths under the home directory, for previews.
fn tilde(path: &std::path::Path) -> String {
    match dirs::home_dir().and_then(|home| path.strip_prefix(home).ok().map(PathBuf::from)) {
        Some(rest) if rest.as_os_str().is_empty() => "~".to_string(),
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

#[async_trait::async_trait]
impl Tool for ShellRun {
    fn name(&self) -> &str {
        "shell.run"
    }

    fn description(&self) -> &str {
        "Run a shell command (sh -c) in a folder the user has opened to Hearth. Returns the exit \
         status and output. Commands are killed after a timeout; secrets are not in the \
         environment."
    }

    fn parameters(&self) -> Value {
        schema_of::<ShellArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Execute
    }

    fn preview(&self, args: &Value) -> String {
        let args = match parse_args::<ShellArgs>(self.name(), args) {
            Ok(args) => args,
            Err(e) => return e.to_string(),
        };
        match self.working_dir(args.cwd.as_deref()) {
            Ok((dir, _)) => format!("$ {} (in {})", args.command, tilde(&dir)),
            Err(e) => format!("$ {} (refused: {e})", args.command),
        }
    }

    fn subject(&self, args: &Value) -> Option<Subject> {
        let args = parse_args::<ShellArgs>(self.name(), args).ok()?;
        Some(Subject::Command(args.command))
    }

    fn untrusted_source(&self, args: &Value) -> Option<String> {
        let args = parse_args::<ShellArgs>(self.name(), args).ok()?;
        let (cwd, untrusted) = self.working_dir(args.cwd.as_deref()).ok()?;
        untrusted.then(|| {
            format!(
                "output of a command run in the untrusted folder {}",
                cwd.display()
            )
        })
    }

    async fn run(&self, args: Value, ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: ShellArgs = parse_args(self.name(), &args)?;
        if args.command.trim().is_empty() {
            return Err(ToolError::InvalidArguments {
                tool: self.name().to_string(),
                message: "command is empty".to_string(),
            });
        }
        let (cwd, untrusted) = self.working_dir(args.cwd.as_deref())?;
        let config = self.live.current();
        let limit = config.tools.shell_timeout_secs.max(1);
        let timeout = Duration::from_secs(args.timeout_secs.unwrap_or(limit).clamp(1, limit));
        let finished = process::run(
            &args.command,
            &cwd,
            self.env(&config),
            timeout,
            config.tools.shell_output_cap_bytes,
            &ctx.cancel,
        )
        .await
        .map_err(ToolError::Spawn)?;
        if finished.exit == Exit::Cancelled {
            return Err(ToolError::Cancelled);
        }
        let output = render(&args.command, &finished, timeout);
        let untrusted = untrusted.then(|| {
            format!(
                "output of a command run in the untrusted folder {}",
                cwd.display()
            )
        });
        Ok(output.with_untrusted(untrusted))
    }
}

fn render(command: &str, finished: &Finished, timeout: Duration) -> ToolOutput {
    let status = match finished.exit {
        Exit::Code(code) => format!("exit status: {code}"),
        Exit::Signal(signal) => format!("killed by signal {signal}"),
        Exit::TimedOut => format!("killed after the {} s timeout", timeout.as_secs()),
        Exit::Cancelled => "cancelled".to_string(),
    };
    let mut content = format!("$ {command}\n{status}\n");
    for (label, captured) in [("stdout", &finished.stdout), ("stderr", &finished.stderr)] {
        if captured.total == 0 && captured.text.is_empty() {
            continue;
        }
        content.push_str(&format!("--- {label} ---\n{}", captured.text));
        if !captured.text.ends_with('\n') {
            content.push('\n');
        }
        let kept = captured.text.len().min(captured.total);
        if captured.total > kept {
            content.push_str(&format!("[cut: {} more bytes]\n", captured.total - kept));
        }
    }
    let summary = format!("{status} in {:.1} s", finished.duration.as_secs_f64());
    if finished.exit == Exit::Code(0) {
        ToolOutput::ok(content, summary)
    } else {
        ToolOutput::failed(content, summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::files::test_support::{sandbox, sandbox_with};
    use serde_json::json;
    use std::time::Instant;

    #[tokio::test]
    async fn runs_in_the_root_and_reports_the_exit_status() {
        let sb = sandbox();
        let tool = ShellRun::new(sb.live.clone());
        let out = tool
            .run(
                json!({"command": "pwd; echo oops >&2; exit 3"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(out.is_error);
        assert!(out.content.contains("exit status: 3"), "{}", out.content);
        assert!(out.content.contains(&sb.root.display().to_string()));
        assert!(out.content.contains("--- stderr ---\noops"));
        let preview = tool.preview(&json!({"command": "git status"}));
        assert!(preview.starts_with("$ git status (in "), "{preview}");
        let outside = sb.outside.display().to_string();
        let err = tool
            .run(
                json!({"command": "ls", "cwd": outside}),
                ToolContext::default(),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, ToolError::Path(PathError::OutsideRoots { .. })),
            "{err}"
        );
    }

    #[tokio::test]
    async fn output_is_capped() {
        let sb = sandbox_with(|t| t.shell_output_cap_bytes = 10);
        let tool = ShellRun::new(sb.live.clone());
        let out = tool
            .run(
                json!({"command": "printf '%0100d' 0"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(
            out.content.contains("[cut: 90 more bytes]"),
            "{}",
            out.content
        );
    }

    #[tokio::test]
    async fn the_environment_is_stripped_of_secrets() {
        let sb = sandbox_with(|t| t.shell_strip_env = vec!["MY_CUSTOM".into()]);
        let base = vec![
            ("PATH".into(), std::env::var_os("PATH").unwrap_or_default()),
            ("HOME".into(), "/home/test".into()),
            ("OPENAI_API_KEY".into(), "sk-live-123".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "aws-456".into()),
            ("GITHUB_TOKEN".into(), "ghp-789".into()),
            ("MY_CUSTOM".into(), "custom-000".into()),
            ("FAVOURITE".into(), "tea".into()),
        ];
        let tool = ShellRun::with_base_env(sb.live.clone(), base);
        let out = tool
            .run(json!({"command": "env"}), ToolContext::default())
            .await
            .unwrap();
        for secret in ["sk-live-123", "aws-456", "ghp-789", "custom-000"] {
            assert!(
                !out.content.contains(secret),
                "{secret} leaked:\n{}",
                out.content
            );
        }
        assert!(out.content.contains("HOME=/home/test") && out.content.contains("FAVOURITE=tea"));
        assert!(out.content.contains("PATH="));
    }

    /// Whether a process is running (a zombie counts as gone).
    #[cfg(target_os = "linux")]
    fn alive(pid: i32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => stat
                .rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|state| state != "Z" && state != "X"),
            Err(_) => false,
        }
    }

    #[cfg(target_os = "linux")]
    async fn assert_gone(pids: &[i32]) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while pids.iter().any(|p| alive(*p)) {
            assert!(Instant::now() < deadline, "processes still alive: {pids:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    #[cfg(target_os = "linux")]
    fn read_pids(dir: &std::path::Path) -> Vec<i32> {
        ["child.pid", "grandchild.pid"]
            .iter()
            .map(|f| {
                std::fs::read_to_string(dir.join(f))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap()
            })
            .collect()
    }

    /// A command whose child shell spawns a grandchild `sleep`; both pids are written down.
    const TREE: &str =
        "sh -c 'sleep 300 & echo $! > grandchild.pid; wait' & echo $! > child.pid; wait";

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn timeout_kills_the_whole_process_group() {
        let sb = sandbox_with(|t| t.shell_timeout_secs = 1);
        let tool = ShellRun::new(sb.live.clone());
        let started = Instant::now();
        let out = tokio::time::timeout(
            Duration::from_secs(20),
            tool.run(json!({"command": TREE}), ToolContext::default()),
        )
        .await
        .expect("the call itself must not hang")
        .unwrap();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            out.is_error && out.content.contains("timeout"),
            "{}",
            out.content
        );
        assert_gone(&read_pids(&sb.root)).await;
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn cancel_kills_the_whole_process_group() {
        let sb = sandbox();
        let tool = std::sync::Arc::new(ShellRun::new(sb.live.clone()));
        let cancel = tokio_util::sync::CancellationToken::new();
        let ctx = ToolContext::new(cancel.clone());
        let running = tokio::spawn({
            let tool = tool.clone();
            async move { tool.run(json!({"command": TREE}), ctx).await }
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(sb.root.join("grandchild.pid").exists() && sb.root.join("child.pid").exists()) {
            assert!(Instant::now() < deadline, "command did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        cancel.cancel();
        let result = tokio::time::timeout(Duration::from_secs(10), running)
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(result, Err(ToolError::Cancelled)));
        assert_gone(&read_pids(&sb.root)).await;
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn pausing_the_agent_kills_running_commands() {
        let sb = sandbox();
        let tool = std::sync::Arc::new(ShellRun::new(sb.live.clone()));
        let ctx = ToolContext::new(sb.live.run_token());
        let running = tokio::spawn({
            let tool = tool.clone();
            async move { tool.run(json!({"command": TREE}), ctx).await }
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(sb.root.join("grandchild.pid").exists() && sb.root.join("child.pid").exists()) {
            assert!(Instant::now() < deadline, "command did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        crate::policy::settings::set_paused(&sb.live, true).unwrap();
        let result = tokio::time::timeout(Duration::from_secs(10), running)
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(result, Err(ToolError::Cancelled)));
        assert_gone(&read_pids(&sb.root)).await;
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn background_processes_do_not_outlive_the_call() {
        let sb = sandbox();
        let tool = ShellRun::new(sb.live.clone());
        let started = Instant::now();
        let out = tool
            .run(json!({"command": "sleep 300 & echo $! > grandchild.pid; echo $$ > child.pid; echo done"}), ToolContext::default())
            .await
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(out.content.contains("exit status: 0") && out.content.contains("done"));
        assert_gone(&read_pids(&sb.root)).await;
    }
}
