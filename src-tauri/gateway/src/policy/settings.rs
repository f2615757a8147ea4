//! Changing permissions at runtime — from the CLI, the desktop UI, or "always allow" — through
//! comment-preserving edits of `config.toml` that take effect at once ([`LiveConfig::edit`]).

use super::{Decision, PolicyError, Rule, RuleList};
use crate::config::edit::table_mut;
use crate::config::{ConfigError, LiveConfig};
use crate::tools::ToolRegistry;
use toml_edit::{Array, DocumentMut, Item};

/// Checks that `tool` is registered.
pub fn check_tool(registry: &ToolRegistry, tool: &str) -> Result<(), PolicyError> {
    if registry.get(tool).is_some() {
        return Ok(());
    }
    Err(PolicyError::UnknownTool {
        name: tool.to_string(),
        known: registry.names().join(", "),
    })
}

/// Checks that `rule`'s tool part matches at least one registered tool.
pub fn check_rule(registry: &ToolRegistry, rule: &Rule) -> Result<(), PolicyError> {
    if registry.names().iter().any(|name| rule.matches_tool(name)) {
        return Ok(());
    }
    Err(PolicyError::RuleMatchesNoTool {
        rule: rule.to_string(),
        known: registry.names().join(", "),
    })
}

/// Sets `[permissions.tools]."TOOL"` to `decision`, or removes it (back to the risk default)
/// with `None`. The tool must be registered.
pub fn set_tool_decision(
    live: &LiveConfig,
    registry: &ToolRegistry,
    tool: &str,
    decision: Option<Decision>,
) -> Result<(), PolicyError> {
    check_tool(registry, tool)?;
    live.edit(|doc| {
        let tools = tools_table(doc)?;
        match decision {
            Some(decision) => {
                tools.insert(tool, toml_edit::value(decision.as_str()));
            }
            None => {
                tools.remove(tool);
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// Adds `rule` to `permissions.allow` or `permissions.deny`. Returns `false` if it was already
/// there. With a registry, the rule must match some registered tool.
pub fn add_rule(
    live: &LiveConfig,
    registry: Option<&ToolRegistry>,
    list: RuleList,
    rule: &Rule,
) -> Result<bool, PolicyError> {
    if let Some(registry) = registry {
        check_rule(registry, rule)?;
    }
    if rules_of(live, list).contains(rule) {
        return Ok(false);
    }
    live.edit(|doc| {
        rule_array(doc, list)?.push(rule.to_string());
        Ok(())
    })?;
    Ok(true)
}

/// Removes `rule` from `permissions.allow` or `permissions.deny`; an absent rule is an error.
pub fn remove_rule(live: &LiveConfig, list: RuleList, rule: &Rule) -> Result<(), PolicyError> {
    if !rules_of(live, list).contains(rule) {
        return Err(PolicyError::RuleNotFound {
            rule: rule.to_string(),
            list,
        });
    }
    live.edit(|doc| {
        let array = rule_array(doc, list)?;
        let position = array.iter().position(|value| {
            value
                .as_str()
                .and_then(|text| text.parse::<Rule>().ok())
                .is_some_and(|r| &r == rule)
        });
        if let Some(index) = position {
            array.remove(index);
        }
        Ok(())
    })?;
    Ok(())
}

/// Turns the "pause agent" switch on or off, persisted in config. Pausing cancels running tools
/// and denies waiting approvals (see `LiveConfig`).
pub fn set_paused(live: &LiveConfig, paused: bool) -> Result<(), PolicyError> {
    live.edit(|doc| {
        table_mut(doc, "permissions")["paused"] = toml_edit::value(paused);
        Ok(())
    })?;
    Ok(())
}

fn rules_of(live: &LiveConfig, list: RuleList) -> Vec<Rule> {
    let config = live.current();
    match list {
        RuleList::Allow => config.permissions.allow.clone(),
        RuleList::Deny => config.permissions.deny.clone(),
    }
}

fn tools_table(doc: &mut DocumentMut) -> Result<&mut dyn toml_edit::TableLike, ConfigError> {
    let permissions = table_mut(doc, "permissions");
    let item = permissions
        .entry("tools")
        .or_insert_with(|| Item::Table(toml_edit::Table::new()));
    item.as_table_like_mut()
        .ok_or_else(|| ConfigError::Rejected("permissions.tools must be a table".into()))
}

fn rule_array(doc: &mut DocumentMut, list: RuleList) -> Result<&mut Array, ConfigError> {
    let permissions = table_mut(doc, "permissions");
    let item = permissions
        .entry(list.key())
        .or_insert_with(|| toml_edit::value(Array::new()));
    item.as_array_mut().ok_or_else(|| {
        ConfigError::Rejected(format!("permissions.{} must be an array", list.key()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Event, EventBus};
    use crate::tools::builtin_registry;

    fn setup() -> (tempfile::TempDir, LiveConfig, ToolRegistry) {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveConfig::load(&dir.path().join("config.toml"), EventBus::default()).unwrap();
        let registry = builtin_registry(&live);
        (dir, live, registry)
    }

    #[test]
    fn tool_decisions_are_saved_with_comments_kept() {
        let (_dir, live, registry) = setup();
        set_tool_decision(&live, &registry, "shell.run", Some(Decision::Deny)).unwrap();
        assert_eq!(
            live.current().permissions.tools["shell.run"],
            Decision::Deny
        );
        let text = std::fs::read_to_string(live.path()).unwrap();
        assert!(text.contains("\"shell.run\" = \"deny\""), "{text}");
        assert!(text.contains("# Hearth configuration."));
        set_tool_decision(&live, &registry, "shell.run", None).unwrap();
        assert!(live.current().permissions.tools.is_empty());
        let err = set_tool_decision(&live, &registry, "shell.runn", Some(Decision::Allow));
        assert!(matches!(err, Err(PolicyError::UnknownTool { .. })));
    }

    #[test]
    fn rules_are_added_once_and_removed() {
        let (_dir, live, registry) = setup();
        let rule: Rule = "shell.run(git status*)".parse().unwrap();
        assert!(add_rule(&live, Some(&registry), RuleList::Allow, &rule).unwrap());
        assert!(!add_rule(&live, Some(&registry), RuleList::Allow, &rule).unwrap());
        assert_eq!(live.current().permissions.allow, vec![rule.clone()]);
        assert!(matches!(
            remove_rule(&live, RuleList::Deny, &rule),
            Err(PolicyError::RuleNotFound { .. })
        ));
        remove_rule(&live, RuleList::Allow, &rule).unwrap();
        assert!(live.current().permissions.allow.is_empty());
        let nothing: Rule = "nosuchtool.*".parse().unwrap();
        assert!(matches!(
            add_rule(&live, Some(&registry), RuleList::Deny, &nothing),
            Err(PolicyError::RuleMatchesNoTool { .. })
        ));
    }

    #[test]
    fn pausing_is_persisted_and_announced() {
        let (_dir, live, _registry) = setup();
        let mut events = live.bus().subscribe();
        set_paused(&live, true).unwrap();
        assert!(live.is_paused());
        let reloaded = crate::config::Config::load_or_init(live.path()).unwrap();
        assert!(reloaded.permissions.paused);
        assert_eq!(
            events.try_recv().unwrap(),
            Event::AgentPaused { paused: true }
        );
        set_paused(&live, false).unwrap();
        assert!(!live.is_paused());
    }
}
