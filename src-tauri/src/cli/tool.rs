//! `hearth tool list|set|rule|pause|resume`: the tools and their permissions in `config.toml`.
//! Edits keep the file's comments and are picked up live by a running Hearth.

use anyhow::Context;
use hearth_gateway::config::LiveConfig;
use hearth_gateway::events::EventBus;
use hearth_gateway::paths::DataDir;
use hearth_gateway::policy::{self, settings, Decision, Rule, RuleList, ToolInfo};
use hearth_gateway::tools::builtin_registry;
use std::process::ExitCode;

/// `hearth tool ...`
#[derive(Debug, clap::Args)]
pub struct ToolArgs {
    #[command(subcommand)]
    command: ToolCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ToolCommand {
    /// List the tools with their risk and the decision in force.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set a tool to allow, ask or deny (`default` goes back to the risk default).
    Set {
        /// The tool name, e.g. `shell.run`.
        tool: String,
        /// allow | ask | deny | default
        #[arg(value_parser = parse_setting)]
        decision: Setting,
    },
    /// Add or remove an argument-scoped rule such as `shell.run(git status*)`.
    Rule {
        #[command(subcommand)]
        command: RuleCommand,
    },
    /// Pause the agent: no tool runs until `hearth tool resume`.
    Pause,
    /// Resume the agent after a pause.
    Resume,
}

#[derive(Debug, clap::Subcommand)]
enum RuleCommand {
    /// Add RULE to the allow or deny list.
    Add {
        /// The rule, e.g. `shell.run(git status*)` or `files.write(~/notes/**)`.
        #[arg(value_parser = parse_rule)]
        rule: String,
        /// allow | deny
        #[arg(value_parser = parse_list)]
        list: RuleList,
    },
    /// Remove RULE from the allow or deny list.
    Remove {
        /// The rule as written in the list.
        #[arg(value_parser = parse_rule)]
        rule: String,
        /// allow | deny
        #[arg(value_parser = parse_list)]
        list: RuleList,
    },
}

/// A tool setting: a decision, or back to the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Setting(Option<Decision>);

fn parse_setting(text: &str) -> Result<Setting, String> {
    if text == "default" {
        return Ok(Setting(None));
    }
    text.parse::<Decision>()
        .map(|d| Setting(Some(d)))
        .map_err(|e| format!("{e} or default"))
}

/// Checks a rule's syntax at parse time (a usage error), keeping its text.
fn parse_rule(text: &str) -> Result<String, String> {
    text.parse::<Rule>()
        .map(|_| text.to_string())
        .map_err(|e| e.to_string())
}

fn parse_list(text: &str) -> Result<RuleList, String> {
    text.parse()
        .map_err(|e: hearth_gateway::policy::RuleError| e.to_string())
}

/// Runs `hearth tool ...`.
pub fn run(data_dir: DataDir, args: ToolArgs) -> anyhow::Result<ExitCode> {
    data_dir.ensure()?;
    let live = LiveConfig::load(&data_dir.config_path(), EventBus::default())
        .context("cannot read the configuration")?;
    let registry = builtin_registry(&live);
    match args.command {
        ToolCommand::List { json } => {
            let tools = policy::list_tools(&live, &registry);
            if json {
                println!("{}", serde_json::to_string_pretty(&tools)?);
            } else {
                print_table(&live, &tools);
            }
        }
        ToolCommand::Set { tool, decision } => {
            settings::set_tool_decision(&live, &registry, &tool, decision.0)?;
            match decision.0 {
                Some(decision) => println!("{tool}: {decision}"),
                None => println!("{tool}: back to the default for its risk"),
            }
        }
        ToolCommand::Rule { command } => match command {
            RuleCommand::Add { rule, list } => {
                let rule: Rule = rule.parse()?;
                if settings::add_rule(&live, Some(&registry), list, &rule)? {
                    println!("added {rule} to permissions.{}", list.key());
                } else {
                    println!("{rule} is already in permissions.{}", list.key());
                }
            }
            RuleCommand::Remove { rule, list } => {
                let rule: Rule = rule.parse()?;
                settings::remove_rule(&live, list, &rule)?;
                println!("removed {rule} from permissions.{}", list.key());
            }
        },
        ToolCommand::Pause => {
            settings::set_paused(&live, true)?;
            println!("agent paused: no tool runs until `hearth tool resume`");
        }
        ToolCommand::Resume => {
            settings::set_paused(&live, false)?;
            println!("agent resumed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(live: &LiveConfig, rows: &[ToolInfo]) {
    let config = live.current();
    if config.permissions.paused {
        println!("The agent is PAUSED: every tool call is refused (`hearth tool resume`).\n");
    }
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
    println!("{:width$}  {:8}  {:6}  DESCRIPTION", "TOOL", "RISK", "NOW");
    for row in rows {
        println!(
            "{:width$}  {:8}  {:6}  {}",
            row.name,
            row.risk.as_str(),
            row.decision.as_str(),
            row.description
        );
    }
    for (label, rules) in [
        ("allow", &config.permissions.allow),
        ("deny", &config.permissions.deny),
    ] {
        if !rules.is_empty() {
            let list: Vec<String> = rules.iter().map(|r| r.to_string()).collect();
            println!("\n{label} rules: {}", list.join(", "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;
    use hearth_gateway::config::Config;

    fn args(line: &[&str]) -> Result<ToolArgs, clap::Error> {
        let mut full = vec!["hearth", "tool"];
        full.extend_from_slice(line);
        match Cli::try_parse_from(full)?.command {
            Some(Command::Tool(args)) => Ok(args),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_decisions_and_rules_are_usage_errors() {
        assert!(args(&["set", "shell.run", "sometimes"]).is_err());
        assert!(args(&["rule", "add", "shell.run(git", "allow"]).is_err());
        assert!(args(&["rule", "add", "shell.run(git *)", "maybe"]).is_err());
        assert!(args(&["set", "shell.run", "default"]).is_ok());
    }

    #[test]
    fn set_and_rules_edit_the_config_and_unknown_tools_fail() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(dir.path());
        run(data.clone(), args(&["set", "shell.run", "deny"]).unwrap()).unwrap();
        run(
            data.clone(),
            args(&["rule", "add", "files.write(~/notes/**)", "allow"]).unwrap(),
        )
        .unwrap();
        let config = Config::load_or_init(&data.config_path()).unwrap();
        assert_eq!(config.permissions.tools["shell.run"], Decision::Deny);
        assert_eq!(
            config.permissions.allow[0].to_string(),
            "files.write(~/notes/**)"
        );
        assert!(run(data.clone(), args(&["set", "shell.runn", "allow"]).unwrap()).is_err());
        assert!(run(
            data.clone(),
            args(&["rule", "add", "mail.*", "deny"]).unwrap()
        )
        .is_err());
        assert!(run(
            data.clone(),
            args(&["rule", "remove", "files.*", "deny"]).unwrap()
        )
        .is_err());
        run(
            data.clone(),
            args(&["rule", "remove", "files.write(~/notes/**)", "allow"]).unwrap(),
        )
        .unwrap();
        run(data.clone(), args(&["list", "--json"]).unwrap()).unwrap();
        let config = Config::load_or_init(&data.config_path()).unwrap();
        assert!(config.permissions.allow.is_empty());
    }
}
