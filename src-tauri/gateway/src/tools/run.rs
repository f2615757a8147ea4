//! [`run_tool`]: runs one call with cancellation from both the turn (the user pressed stop) and
//! the "pause agent" switch, without leaving anything behind when the call ends.

use super::{Tool, ToolContext, ToolError, ToolOutput};
use crate::config::LiveConfig;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// Runs `tool` with `args`. The call is cancelled when `turn` is cancelled or the agent is
/// paused (through `live`); either way the tool gets to stop cleanly (the shell tool kills its
/// process group) before this returns.
pub async fn run_tool(
    tool: &dyn Tool,
    args: Value,
    live: &LiveConfig,
    turn: &CancellationToken,
) -> Result<ToolOutput, ToolError> {
    let token = live.run_token();
    let run = tool.run(args, ToolContext::new(token.clone()));
    tokio::pin!(run);
    tokio::select! {
        output = &mut run => output,
        _ = turn.cancelled() => {
            token.cancel();
            run.await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::files::test_support::sandbox;
    use crate::tools::shell::ShellRun;
    use serde_json::json;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn stopping_the_turn_or_pausing_cancels_the_call() {
        let sb = sandbox();
        let tool = ShellRun::new(sb.live.clone());
        let ok = run_tool(
            &tool,
            json!({"command": "true"}),
            &sb.live,
            &CancellationToken::new(),
        )
        .await;
        assert!(ok.is_ok(), "a finished call needs no cancellation");
        let turn = CancellationToken::new();
        let stopper = {
            let turn = turn.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                turn.cancel();
            })
        };
        let started = Instant::now();
        let result = run_tool(&tool, json!({"command": "sleep 30"}), &sb.live, &turn).await;
        assert!(matches!(result, Err(ToolError::Cancelled)), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
        stopper.await.unwrap();

        // (Pausing rewrites config.toml from the template, so this comes last.)
        let turn = CancellationToken::new();
        let pauser = {
            let live = sb.live.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                crate::policy::settings::set_paused(&live, true).unwrap();
            })
        };
        let result = run_tool(&tool, json!({"command": "sleep 30"}), &sb.live, &turn).await;
        assert!(matches!(result, Err(ToolError::Cancelled)), "{result:?}");
        pauser.await.unwrap();
    }
}
