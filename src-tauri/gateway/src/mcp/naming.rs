//! How an MCP tool appears in Hearth: its registry name (`SERVER.TOOL`) and its [`Risk`] class,
//! read from the tool's annotations.
//!
//! Annotations are hints from a program Hearth does not control, so the mapping leans safe:
//! only an explicit `readOnlyHint` (and no `openWorldHint`) gives `read`, which runs without a
//! question; everything unannotated is `write`, which asks.

use crate::tools::Risk;
use rmcp::model::ToolAnnotations;

/// The registry name of `tool` on `server`: `SERVER.TOOL`, the tool part limited to
/// `a-z A-Z 0-9 _ -` (anything else becomes `_`) so the name has exactly one dot.
pub fn registry_name(server: &str, tool: &str) -> String {
    let cleaned: String = tool
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = if cleaned.is_empty() {
        "tool".to_string()
    } else {
        cleaned
    };
    format!("{server}.{cleaned}")
}

/// Words in a tool's name or description that say it runs programs.
const RUNS_COMMANDS: &[&str] = &[
    "command",
    "shell",
    "execute",
    "exec",
    "terminal",
    "subprocess",
    "run script",
    "run_script",
    "bash",
    "powershell",
];

/// Whether the tool's name or description says it runs commands.
fn runs_commands(name: &str, description: &str) -> bool {
    let text = format!("{name} {description}").to_ascii_lowercase();
    RUNS_COMMANDS.iter().any(|word| text.contains(word))
}

/// The risk class of a tool from its annotations:
/// - `readOnlyHint: true` → `read` (or `network` when `openWorldHint: true` too: it reaches out);
/// - `destructiveHint: true` → `execute` when the name or description says it runs commands,
///   else `write`;
/// - `openWorldHint: true` → `network`;
/// - otherwise → `execute` when it says it runs commands, else `write` (both ask).
pub fn risk_of(name: &str, description: &str, annotations: Option<&ToolAnnotations>) -> Risk {
    let hint = |f: fn(&ToolAnnotations) -> Option<bool>| annotations.and_then(f) == Some(true);
    let read_only = hint(|a| a.read_only_hint);
    let destructive = hint(|a| a.destructive_hint);
    let open_world = hint(|a| a.open_world_hint);
    let commands = runs_commands(name, description);
    if read_only && !destructive {
        return if open_world {
            Risk::Network
        } else {
            Risk::Read
        };
    }
    if destructive || commands {
        return if commands { Risk::Execute } else { Risk::Write };
    }
    if open_world {
        return Risk::Network;
    }
    Risk::Write
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(
        read_only: Option<bool>,
        destructive: Option<bool>,
        open: Option<bool>,
    ) -> ToolAnnotations {
        let mut a = ToolAnnotations::default();
        a.read_only_hint = read_only;
        a.destructive_hint = destructive;
        a.open_world_hint = open;
        a
    }

    #[test]
    fn annotations_map_to_risk_classes() {
        let t = Some(true);
        let f = Some(false);
        let table: &[(&str, &str, Option<ToolAnnotations>, Risk)] = &[
            (
                "get_time",
                "Current time",
                Some(hints(t, None, None)),
                Risk::Read,
            ),
            (
                "get_time",
                "Current time",
                Some(hints(t, None, f)),
                Risk::Read,
            ),
            (
                "search",
                "Web search",
                Some(hints(t, None, t)),
                Risk::Network,
            ),
            (
                "delete_file",
                "Deletes",
                Some(hints(None, t, None)),
                Risk::Write,
            ),
            (
                "run",
                "Runs a shell command",
                Some(hints(None, t, None)),
                Risk::Execute,
            ),
            (
                "fetch",
                "Fetches a URL",
                Some(hints(f, f, t)),
                Risk::Network,
            ),
            ("write_file", "Writes", Some(hints(f, f, f)), Risk::Write),
            ("write_file", "Writes", None, Risk::Write),
            ("exec", "Runs things", None, Risk::Execute),
            // A contradictory "read-only but destructive" tool is not trusted as read-only.
            ("odd", "odd", Some(hints(t, t, None)), Risk::Write),
        ];
        for (name, description, annotations, expected) in table {
            assert_eq!(
                risk_of(name, description, annotations.as_ref()),
                *expected,
                "{name} {annotations:?}"
            );
        }
    }

    #[test]
    fn registry_names_have_one_dot_and_wire_safe_characters() {
        assert_eq!(
            registry_name("time", "get_current_time"),
            "time.get_current_time"
        );
        assert_eq!(registry_name("fs", "read-file"), "fs.read-file");
        assert_eq!(registry_name("x", "a.b/c d"), "x.a_b_c_d");
        assert_eq!(registry_name("x", ""), "x.tool");
    }
}
