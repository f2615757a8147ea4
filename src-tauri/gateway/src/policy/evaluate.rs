//! [`Policy`]: decides allow / ask / deny for one call from the configuration in force.
//!
//! Precedence, highest first (implemented in [`Policy::base_verdict`]):
//! 1. the "pause agent" switch, and a tool switched off in config → deny;
//! 2. a matching **deny rule** → deny;
//! 3. the tool set to `deny` in `[permissions.tools]` → deny;
//! 4. a matching **allow rule** → allow;
//! 5. the tool's setting in `[permissions.tools]` (allow / ask);
//! 6. the default for its risk: read → allow; write, execute, network, send → ask.
//!
//! Then taint ([`Policy::evaluate`]): while the turn has seen untrusted content, an `allow` for
//! anything but a read becomes `ask`, and the reason names the untrusted content. Deny still
//! wins.

use super::{Decision, RuleList, Taint, Verdict};
use crate::config::Config;
use crate::tools::{Risk, Subject, Tool};
use serde_json::Value;
use std::sync::Arc;

/// The permission policy of one configuration snapshot. Cheap to build per call.
#[derive(Debug, Clone)]
pub struct Policy {
    config: Arc<Config>,
}

impl Policy {
    /// The policy of `config` (take it from `LiveConfig::current()` right before deciding).
    pub fn new(config: Arc<Config>) -> Policy {
        Policy { config }
    }

    /// Decides one call of `tool` with `args`, given the turn's `taint`.
    pub fn evaluate(&self, tool: &dyn Tool, args: &Value, taint: &Taint) -> Verdict {
        let subject = tool.subject(args);
        let verdict = self.base_verdict(tool, subject.as_ref());
        if !taint.is_tainted() || tool.risk() == Risk::Read {
            return verdict;
        }
        let untrusted = taint.describe();
        match verdict.decision {
            Decision::Deny => verdict,
            Decision::Allow => Verdict {
                decision: Decision::Ask,
                reason: format!(
                    "untrusted content came earlier in this turn ({untrusted}), so this {} call \
                     needs your approval although {}",
                    tool.risk(),
                    verdict.reason
                ),
                rule: verdict.rule,
            },
            Decision::Ask => Verdict {
                reason: format!(
                    "{}; untrusted content came earlier in this turn ({untrusted})",
                    verdict.reason
                ),
                ..verdict
            },
        }
    }

    /// The decision in force for calls of `tool` that no argument-scoped rule matches (for
    /// listings: `hearth tool list`, the permissions screen).
    pub fn tool_verdict(&self, tool: &dyn Tool) -> Verdict {
        self.base_verdict(tool, None)
    }

    /// Steps 1–6 of the precedence in the module docs.
    fn base_verdict(&self, tool: &dyn Tool, subject: Option<&Subject>) -> Verdict {
        let name = tool.name();
        let permissions = &self.config.permissions;
        if permissions.paused {
            return Verdict::new(
                Decision::Deny,
                "Hearth is paused: no tool runs until the user resumes the agent",
            );
        }
        if let Some(reason) = tool.disabled_reason() {
            return Verdict::new(Decision::Deny, reason);
        }
        if let Some(rule) = permissions
            .deny
            .iter()
            .find(|r| r.matches(name, subject, RuleList::Deny))
        {
            return Verdict::by_rule(
                Decision::Deny,
                format!("denied by the rule {rule}"),
                rule.to_string(),
            );
        }
        let setting = permissions.tools.get(name).copied();
        if setting == Some(Decision::Deny) {
            return Verdict::new(Decision::Deny, format!("{name} is set to deny"));
        }
        if let Some(rule) = permissions
            .allow
            .iter()
            .find(|r| r.matches(name, subject, RuleList::Allow))
        {
            return Verdict::by_rule(
                Decision::Allow,
                format!("the rule {rule} allows it"),
                rule.to_string(),
            );
        }
        if let Some(decision) = setting {
            return Verdict::new(decision, format!("{name} is set to {decision}"));
        }
        match tool.risk() {
            Risk::Read => Verdict::new(Decision::Allow, "reading is allowed by default"),
            risk => Verdict::new(Decision::Ask, format!("{risk} tools ask by default")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::{ToolContext, ToolError, ToolOutput};
    use std::path::Path;

    /// A tool whose subject is its `arg` argument, as a command (or a path for path tools).
    struct Fake {
        name: &'static str,
        risk: Risk,
    }

    #[async_trait::async_trait]
    impl Tool for Fake {
        fn name(&self) -> &str {
            self.name
        }
        fn description(&self) -> &str {
            "fake"
        }
        fn parameters(&self) -> Value {
            serde_json::json!({"type": "object"})
        }
        fn risk(&self) -> Risk {
            self.risk
        }
        fn preview(&self, _args: &Value) -> String {
            String::new()
        }
        fn subject(&self, args: &Value) -> Option<Subject> {
            let arg = args.get("arg")?.as_str()?.to_string();
            Some(if self.name.starts_with("files.") {
                Subject::Path(arg.into())
            } else {
                Subject::Command(arg)
            })
        }
        async fn run(&self, _args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
            Ok(ToolOutput::ok("", ""))
        }
    }

    fn policy(toml: &str) -> Policy {
        Policy::new(Arc::new(Config::parse(toml, Path::new("c")).unwrap()))
    }

    const SHELL: Fake = Fake {
        name: "shell.run",
        risk: Risk::Execute,
    };
    const READ: Fake = Fake {
        name: "files.read",
        risk: Risk::Read,
    };
    const WRITE: Fake = Fake {
        name: "files.write",
        risk: Risk::Write,
    };
    const FETCH: Fake = Fake {
        name: "web.fetch",
        risk: Risk::Network,
    };
    const SEND: Fake = Fake {
        name: "mail.send",
        risk: Risk::Send,
    };

    #[test]
    fn precedence_table() {
        let cases: Vec<(&str, &Fake, &str, Decision, Option<&str>)> = vec![
            // Defaults by risk.
            ("", &READ, "/a", Decision::Allow, None),
            ("", &WRITE, "/a", Decision::Ask, None),
            ("", &SHELL, "ls", Decision::Ask, None),
            ("", &FETCH, "https://x", Decision::Ask, None),
            ("", &SEND, "bob", Decision::Ask, None),
            // Tool settings.
            ("[permissions.tools]\n\"shell.run\" = \"allow\"\n", &SHELL, "ls", Decision::Allow, None),
            ("[permissions.tools]\n\"files.read\" = \"ask\"\n", &READ, "/a", Decision::Ask, None),
            ("[permissions.tools]\n\"files.read\" = \"deny\"\n", &READ, "/a", Decision::Deny, None),
            // Allow rules beat the tool setting (ask) and the default.
            ("[permissions]\nallow = [\"shell.run(git status*)\"]\n", &SHELL, "git status", Decision::Allow, Some("shell.run(git status*)")),
            ("[permissions]\nallow = [\"shell.run(git status*)\"]\n", &SHELL, "git push", Decision::Ask, None),
            ("[permissions]\nallow = [\"shell.run(git status*)\"]\n[permissions.tools]\n\"shell.run\" = \"ask\"\n", &SHELL, "git status", Decision::Allow, Some("shell.run(git status*)")),
            // A tool set to deny beats allow rules.
            ("[permissions]\nallow = [\"shell.run(git status*)\"]\n[permissions.tools]\n\"shell.run\" = \"deny\"\n", &SHELL, "git status", Decision::Deny, None),
            // Deny rules beat everything.
            ("[permissions]\nallow = [\"shell\"]\ndeny = [\"shell.run(rm *)\"]\n", &SHELL, "rm -rf /", Decision::Deny, Some("shell.run(rm *)")),
            ("[permissions]\nallow = [\"shell\"]\ndeny = [\"shell.run(rm *)\"]\n", &SHELL, "ls && rm -rf /", Decision::Deny, Some("shell.run(rm *)")),
            ("[permissions]\nallow = [\"shell\"]\ndeny = [\"shell.run(rm *)\"]\n", &SHELL, "ls", Decision::Allow, Some("shell")),
            ("[permissions]\nallow = [\"files.*\"]\ndeny = [\"files.*(/home/u/.ssh/**)\"]\n", &READ, "/home/u/.ssh/id_rsa", Decision::Deny, Some("files.*(/home/u/.ssh/**)")),
            ("[permissions]\ndeny = [\"files.*\"]\n[permissions.tools]\n\"files.read\" = \"allow\"\n", &READ, "/a", Decision::Deny, Some("files.*")),
            // Paths.
            ("[permissions]\nallow = [\"files.write(/n/**)\"]\n", &WRITE, "/n/a/b.md", Decision::Allow, Some("files.write(/n/**)")),
            ("[permissions]\nallow = [\"files.write(/n/**)\"]\n", &WRITE, "/nx/a.md", Decision::Ask, None),
            // Pause denies everything.
            ("[permissions]\npaused = true\nallow = [\"*\"]\n", &READ, "/a", Decision::Deny, None),
        ];
        for (toml, tool, arg, decision, rule) in cases {
            let verdict =
                policy(toml).evaluate(tool, &serde_json::json!({"arg": arg}), &Taint::new());
            assert_eq!(
                verdict.decision, decision,
                "{toml:?} {} {arg}: {verdict:?}",
                tool.name
            );
            assert_eq!(
                verdict.rule.as_deref(),
                rule,
                "{toml:?} {} {arg}",
                tool.name
            );
            assert!(!verdict.reason.is_empty());
        }
    }

    #[test]
    fn pause_gives_a_clear_reason() {
        let verdict =
            policy("[permissions]\npaused = true\n").evaluate(&READ, &Value::Null, &Taint::new());
        assert_eq!(verdict.decision, Decision::Deny);
        assert!(verdict.reason.contains("paused"), "{}", verdict.reason);
    }

    #[test]
    fn taint_turns_allow_into_ask_for_risky_tools_only() {
        let mut taint = Taint::new();
        taint.mark("web.fetch", "web page https://evil.example/");
        let p = policy("[permissions]\nallow = [\"*\"]\ndeny = [\"shell.run(rm *)\"]\n");
        let arg = serde_json::json!({"arg": "git status"});
        let verdict = p.evaluate(&SHELL, &arg, &taint);
        assert_eq!(verdict.decision, Decision::Ask);
        assert!(
            verdict.reason.contains("https://evil.example/"),
            "{}",
            verdict.reason
        );
        assert_eq!(p.evaluate(&READ, &arg, &taint).decision, Decision::Allow);
        let rm = serde_json::json!({"arg": "rm -rf ~"});
        assert_eq!(
            p.evaluate(&SHELL, &rm, &taint).decision,
            Decision::Deny,
            "deny still wins"
        );
        let ask = policy("").evaluate(&WRITE, &arg, &taint);
        assert_eq!(ask.decision, Decision::Ask);
        assert!(ask.reason.contains("evil.example"), "{}", ask.reason);
    }

    #[test]
    fn tool_verdict_ignores_argument_rules() {
        let p = policy("[permissions]\nallow = [\"shell.run(git *)\", \"files.*\"]\n");
        assert_eq!(p.tool_verdict(&SHELL).decision, Decision::Ask);
        assert_eq!(p.tool_verdict(&WRITE).decision, Decision::Allow);
    }
}
