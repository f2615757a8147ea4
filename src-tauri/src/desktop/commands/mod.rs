//! Every IPC command of the window (the contract is `ui/IPC.md`), registered in one place:
//! [`handler`]. One file per feature; each command takes the parameters Tauri injects, then at
//! most one argument struct (`<Command>Args`, sent as `{ args: {...} }`), and returns
//! `Result<T, IpcError>`; every payload that may carry provider or tool text goes through the
//! redactor ([`Redacted`]). The TypeScript contract of each command is read off these signatures
//! (`contract`, `desktop::bindings`).

pub mod activity;
pub mod api_tokens;
pub mod approvals;
pub mod chat;
#[cfg(test)]
pub mod contract;
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

/// Declares the command table once: [`handler`] registers every command with Tauri and, in
/// tests, `contracts` reads each one's argument and result types off the same function items
/// (for the generated TypeScript `Commands` map). Keep `command_names.rs` (read by `build.rs` for
/// the permissions) in the same order; a test checks.
macro_rules! command_table {
    ($($module:ident :: $command:ident),* $(,)?) => {
        /// The invoke handler with every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$command),*]
        }

        /// Every command's TypeScript contract, in registration order.
        #[cfg(test)]
        pub fn contracts(cfg: &ts_rs::Config) -> Vec<contract::Contract> {
            vec![$(contract::of(stringify!($command), $module::$command, cfg)),*]
        }
    };
}

command_table![
    windows::app_info,
    windows::startup_painted,
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
    api_tokens::list_api_tokens,
    api_tokens::create_api_token,
    api_tokens::revoke_api_token,
    history_io::export_history,
    history_io::import_history,
    windows::hide_quick_ask,
    windows::open_in_main,
    windows::open_external,
];

/// The names `build.rs` grants permissions for (`command_names.rs`), checked against the table.
#[cfg(test)]
pub const COMMAND_NAMES: &[&str] = include!("../command_names.rs");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_rs_lists_every_registered_command_in_order() {
        let registered: Vec<&str> = contracts(&ts_rs::Config::new())
            .iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(registered, COMMAND_NAMES);
    }

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
