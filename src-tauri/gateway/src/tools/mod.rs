//! Tools: the [`Tool`] trait, the [`ToolRegistry`] every shell reads, path confinement
//! ([`roots`]) and the built-in tools (`files.*`, `shell.run`, `web.fetch`, `calendar.*`,
//! `email.*`).
//!
//! Invariant: tools know nothing about permissions. Whether a call may run is the
//! [`crate::policy`] module's decision, made before [`Tool::run`] is called; tools only refuse
//! what they can never do (paths outside the roots, a disabled web fetch).

pub mod calendar;
pub mod email;
pub mod files;
mod registry;
pub mod roots;
mod run;
pub mod shell;
mod tool;
pub mod web_fetch;

pub use registry::{RegistryError, ToolRegistry};
pub use run::run_tool;
pub use tool::{parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput};

use crate::config::LiveConfig;
use std::sync::Arc;

/// A registry holding the built-in tools, all reading their settings from `live` (so config
/// edits apply to the next call), with a redactor of their own (tests).
pub fn builtin_registry(live: &LiveConfig) -> ToolRegistry {
    builtin_registry_with(live, &crate::keys::Redactor::new())
}

/// The built-in tools; secrets they read (the SMTP password) are registered with `redactor`, the
/// one shared by logs, the store and every shell.
pub fn builtin_registry_with(live: &LiveConfig, redactor: &crate::keys::Redactor) -> ToolRegistry {
    let registry = ToolRegistry::new();
    let tools: Vec<Arc<dyn Tool>> = vec![
        Arc::new(files::FilesList::new(live.clone())),
        Arc::new(files::FilesRead::new(live.clone())),
        Arc::new(files::FilesSearch::new(live.clone())),
        Arc::new(files::FilesWrite::new(live.clone())),
        Arc::new(files::FilesEdit::new(live.clone())),
        Arc::new(shell::ShellRun::new(live.clone())),
        Arc::new(web_fetch::WebFetch::new(live.clone())),
        Arc::new(calendar::CalendarList::new(live.clone())),
        Arc::new(calendar::CalendarSearch::new(live.clone())),
        Arc::new(calendar::CalendarCreate::new(live.clone())),
        Arc::new(calendar::CalendarUpdate::new(live.clone())),
        Arc::new(calendar::CalendarDelete::new(live.clone())),
        Arc::new(email::EmailSearch::new(live.clone())),
        Arc::new(email::EmailRead::new(live.clone())),
        Arc::new(email::EmailDraft::new(live.clone())),
        Arc::new(email::EmailSend::new(live.clone()).with_redactor(redactor.clone())),
    ];
    for tool in tools {
        // Built-in names are distinct; a duplicate would be a programming error caught by tests.
        if let Err(e) = registry.register(tool) {
            tracing::error!(error = %e, "built-in tool not registered");
        }
    }
    registry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::files::test_support::sandbox;

    #[test]
    fn builtins_are_registered_with_schemas_and_risks() {
        let sb = sandbox();
        let registry = builtin_registry(&sb.live);
        assert_eq!(
            registry.names(),
            [
                "calendar.create_event",
                "calendar.delete_event",
                "calendar.list_events",
                "calendar.search",
                "calendar.update_event",
                "email.draft",
                "email.read",
                "email.search",
                "email.send",
                "files.edit",
                "files.list",
                "files.read",
                "files.search",
                "files.write",
                "shell.run",
                "web.fetch"
            ]
        );
        let specs = registry.specs();
        assert!(specs.iter().all(|s| s.parameters["type"] == "object"));
        assert!(
            !specs.iter().any(|s| s.name == "web.fetch"),
            "web.fetch is off by default"
        );
        let risk = |name: &str| registry.get(name).unwrap().risk();
        assert_eq!(risk("files.read"), Risk::Read);
        assert_eq!(risk("files.write"), Risk::Write);
        assert_eq!(risk("shell.run"), Risk::Execute);
        assert_eq!(risk("web.fetch"), Risk::Network);
        assert_eq!(risk("calendar.list_events"), Risk::Read);
        assert_eq!(risk("calendar.delete_event"), Risk::Write);
        assert_eq!(risk("email.read"), Risk::Read);
        assert_eq!(risk("email.draft"), Risk::Write);
        assert_eq!(risk("email.send"), Risk::Send);
        assert!(
            !specs
                .iter()
                .any(|s| s.name.starts_with("calendar.") || s.name.starts_with("email.")),
            "calendar and email tools are off until configured"
        );
    }
}
