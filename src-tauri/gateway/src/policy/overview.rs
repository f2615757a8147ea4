//! [`ToolInfo`]: each tool with the decision in force and the rules that name it — what the
//! permissions screen and `hearth tool list` show.

use super::{Decision, Policy, RuleList};
use crate::config::LiveConfig;
use crate::tools::{Risk, Tool, ToolRegistry};
use serde::{Deserialize, Serialize};

/// A rule as listed for a tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ToolRule {
    /// The rule text, e.g. `shell.run(git status*)`.
    pub rule: String,
    /// Which list it is in.
    pub effect: RuleList,
}

/// One tool and its permissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ToolInfo {
    /// The tool name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Its risk class.
    pub risk: Risk,
    /// The decision for calls no argument-scoped rule matches.
    pub decision: Decision,
    /// Why that decision.
    pub reason: String,
    /// The allow and deny rules whose tool part matches this tool.
    pub rules: Vec<ToolRule>,
}

/// The permissions of `tool` under the configuration in force.
pub fn tool_info(live: &LiveConfig, tool: &dyn Tool) -> ToolInfo {
    let config = live.current();
    let verdict = Policy::new(config.clone()).tool_verdict(tool);
    let lists = [
        (RuleList::Allow, &config.permissions.allow),
        (RuleList::Deny, &config.permissions.deny),
    ];
    let rules = lists
        .into_iter()
        .flat_map(|(effect, rules)| {
            rules
                .iter()
                .filter(|r| r.matches_tool(tool.name()))
                .map(move |r| ToolRule {
                    rule: r.to_string(),
                    effect,
                })
        })
        .collect();
    ToolInfo {
        name: tool.name().to_string(),
        description: tool.description().to_string(),
        risk: tool.risk(),
        decision: verdict.decision,
        reason: verdict.reason,
        rules,
    }
}

/// Every registered tool's permissions, sorted by name.
pub fn list_tools(live: &LiveConfig, registry: &ToolRegistry) -> Vec<ToolInfo> {
    registry
        .list()
        .iter()
        .map(|tool| tool_info(live, tool.as_ref()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventBus;
    use crate::tools::builtin_registry;

    #[test]
    fn lists_decisions_and_the_rules_naming_each_tool() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[permissions]\nallow = [\"shell.run(git *)\", \"files.*\"]\ndeny = [\"shell\"]\n",
        )
        .unwrap();
        let live = LiveConfig::load(&path, EventBus::default()).unwrap();
        let tools = list_tools(&live, &builtin_registry(&live));
        let shell = tools.iter().find(|t| t.name == "shell.run").unwrap();
        assert_eq!(shell.decision, Decision::Deny);
        assert_eq!(
            shell.rules,
            vec![
                ToolRule {
                    rule: "shell.run(git *)".into(),
                    effect: RuleList::Allow
                },
                ToolRule {
                    rule: "shell".into(),
                    effect: RuleList::Deny
                },
            ]
        );
        let write = tools.iter().find(|t| t.name == "files.write").unwrap();
        assert_eq!(write.decision, Decision::Allow);
        let json = serde_json::to_value(write).unwrap();
        assert_eq!(json["rules"][0]["effect"], "allow");
        assert_eq!(json["risk"], "write");
    }
}
