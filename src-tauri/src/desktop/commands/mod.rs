//! Every IPC command of the window (the contract is `ui/IPC.md`), registered in one place:
//! [`handler`]. One file per feature; each command returns `Result<T, IpcError>`, and every
//! payload that may carry provider or tool text goes through the redactor ([`Redacted`]).

pub mod activity;
pub mod approvals;
pub mod chat;
pub mod conversations;
pub mod history_io;
pub mod keys;
pub mod mcp;
pub mod personal;
pub mod providers;
pub mod settings;
pub mod tools;
pub mod windows;

use super::error::IpcError;
use super::AppState;
use hearth_gateway::Gateway;
use serde::Serialize;
use std::marker::PhantomData;

/// A command result serialised to JSON with every known secret scrubbed out. `T` names what it
/// holds (for readers and for the generated TypeScript types); on the wire it is `T`'s JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Redacted<T> {
    json: serde_json::Value,
    _of: PhantomData<fn() -> T>,
}

impl<T: Serialize> Redacted<T> {
    /// `value` as redacted JSON.
    pub fn new(gateway: &Gateway, value: &T) -> Result<Self, IpcError> {
        Ok(Redacted {
            json: gateway.keys().redactor().to_scrubbed_json(value)?,
            _of: PhantomData,
        })
    }
}

impl<T> Serialize for Redacted<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// The gateway held in Tauri state.
pub(crate) fn gateway<'a>(state: &'a tauri::State<'_, AppState>) -> &'a Gateway {
    &state.gateway
}

/// Maps a gateway error to an [`IpcError`] with its message redacted.
pub(crate) fn ipc<E: Into<IpcError>>(gateway: &Gateway) -> impl Fn(E) -> IpcError + '_ {
    move |error| error.into().redacted(gateway.keys().redactor())
}

/// The invoke handler with every command; keep `build.rs`'s `COMMANDS` in sync (a test checks).
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        windows::app_info,
        conversations::list_conversations,
        conversations::get_conversation,
        conversations::create_conversation,
        conversations::rename_conversation,
        conversations::set_pinned,
        conversations::set_archived,
        conversations::delete_conversation,
        conversations::restore_conversation,
        conversations::search_history,
        conversations::switch_branch,
        chat::send_message,
        chat::stop_turn,
        chat::regenerate,
        chat::edit_message,
        chat::list_models,
        providers::list_providers,
        providers::add_provider,
        providers::remove_provider,
        providers::test_provider,
        keys::key_status,
        keys::set_key,
        keys::delete_key,
        tools::list_tools,
        tools::set_tool_decision,
        tools::add_rule,
        tools::remove_rule,
        tools::set_paused,
        mcp::mcp_statuses,
        mcp::mcp_restart,
        mcp::mcp_set_enabled,
        mcp::mcp_add,
        mcp::mcp_remove,
        mcp::mcp_import_preview,
        mcp::mcp_import,
        approvals::pending_approvals,
        approvals::answer_approval,
        activity::action_log,
        settings::get_settings,
        settings::set_settings,
        personal::get_personal_settings,
        personal::set_personal_settings,
        personal::set_smtp_password,
        personal::delete_smtp_password,
        history_io::export_history,
        history_io::import_history,
        windows::hide_quick_ask,
        windows::open_in_main,
        windows::open_external,
    ]
}

/// The names registered by [`handler`], in the same order (checked against `build.rs`; listed in
/// the generated TypeScript bindings).
#[cfg(test)]
pub const COMMAND_NAMES: &[&str] = include!("../command_names.rs");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_scrubs_known_secrets_from_payloads() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let _guard = runtime.enter();
        let gateway =
            Gateway::open(hearth_gateway::paths::DataDir::at(&dir.path().join("h"))).unwrap();
        let secret = "sk-live-FAKE-ABCDEFGHIJKLMNOP0123";
        gateway
            .keys()
            .redactor()
            .add(&hearth_gateway::keys::Secret::new(secret));
        let payload = serde_json::json!({"text": format!("echo {secret}"), "nested": [secret]});
        let redacted = Redacted::new(&gateway, &payload).unwrap();
        let wire = serde_json::to_string(&redacted).unwrap();
        assert!(!wire.contains(secret), "{wire}");
        assert!(wire.contains("echo"));
    }
}
