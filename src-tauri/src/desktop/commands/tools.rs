//! Permissions: every tool with its decision and rules, the three-way toggle, argument-scoped
//! rules, and the "pause agent" switch. All of it is written to `config.toml` and in force at once.

use super::{gateway, ipc, Redacted};
use crate::desktop::error::IpcError;
use crate::desktop::AppState;
use hearth_gateway::policy::{self, settings, Decision, Rule, RuleList, ToolInfo};
use serde::Deserialize;
use tauri::State;

/// Parses rule text, with a readable error.
pub fn parse_rule(text: &str) -> Result<Rule, IpcError> {
    text.trim()
        .parse::<Rule>()
        .map_err(|e| IpcError::invalid(e.to_string()))
}

/// `list_tools`: every tool, its decision in force and the rules naming it.
#[tauri::command(rename_all = "snake_case")]
pub async fn list_tools(state: State<'_, AppState>) -> Result<Redacted<Vec<ToolInfo>>, IpcError> {
    let gateway = gateway(&state);
    let list = policy::list_tools(gateway.live_config(), gateway.tools());
    Redacted::new(gateway, &list)
}

/// `set_tool_decision` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SetToolDecisionArgs {
    /// The tool name, such as `shell.run`.
    pub tool: String,
    /// What happens to calls no rule matches.
    pub decision: Decision,
}

/// `set_tool_decision`: allow / ask / deny for calls no rule matches.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_tool_decision(
    state: State<'_, AppState>,
    args: SetToolDecisionArgs,
) -> Result<Redacted<ToolInfo>, IpcError> {
    let SetToolDecisionArgs { tool, decision } = args;
    let gateway = gateway(&state);
    settings::set_tool_decision(
        gateway.live_config(),
        gateway.tools(),
        &tool,
        Some(decision),
    )
    .map_err(ipc(gateway))?;
    let registered = gateway
        .tools()
        .get(&tool)
        .ok_or_else(|| IpcError::not_found(format!("unknown tool '{tool}'")))?;
    let info = policy::tool_info(gateway.live_config(), registered.as_ref());
    Redacted::new(gateway, &info)
}

/// `add_rule` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AddRuleArgs {
    /// The rule, such as `shell.run(git status*)`.
    pub rule: String,
    /// The list it goes into.
    pub effect: RuleList,
}

/// `add_rule`: adds an allow or deny rule such as `shell.run(git status*)`.
#[tauri::command(rename_all = "snake_case")]
pub async fn add_rule(state: State<'_, AppState>, args: AddRuleArgs) -> Result<(), IpcError> {
    let AddRuleArgs { rule, effect } = args;
    let gateway = gateway(&state);
    let rule = parse_rule(&rule)?;
    settings::add_rule(gateway.live_config(), Some(gateway.tools()), effect, &rule)
        .map_err(ipc(gateway))?;
    Ok(())
}

/// `remove_rule` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RemoveRuleArgs {
    /// The rule as listed.
    pub rule: String,
    /// The list it is in.
    pub effect: RuleList,
}

/// `remove_rule`.
#[tauri::command(rename_all = "snake_case")]
pub async fn remove_rule(state: State<'_, AppState>, args: RemoveRuleArgs) -> Result<(), IpcError> {
    let RemoveRuleArgs { rule, effect } = args;
    let gateway = gateway(&state);
    let rule = parse_rule(&rule)?;
    settings::remove_rule(gateway.live_config(), effect, &rule).map_err(ipc(gateway))
}

/// `set_paused` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SetPausedArgs {
    /// The agent is paused (no tool runs) or not.
    pub paused: bool,
}

/// `set_paused`: the "pause agent" switch (the tray uses the same one).
#[tauri::command(rename_all = "snake_case")]
pub async fn set_paused(state: State<'_, AppState>, args: SetPausedArgs) -> Result<(), IpcError> {
    let SetPausedArgs { paused } = args;
    let gateway = gateway(&state);
    settings::set_paused(gateway.live_config(), paused).map_err(ipc(gateway))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_or_explain() {
        assert_eq!(
            parse_rule(" shell.run(git status*) ").unwrap().to_string(),
            "shell.run(git status*)"
        );
        let err = parse_rule("shell.run(").unwrap_err();
        assert_eq!(err.kind, crate::desktop::error::ErrorKind::InvalidInput);
        assert!(!err.message.is_empty());
    }
}
