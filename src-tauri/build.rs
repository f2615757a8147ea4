//! Builds the Tauri context. Hearth's own IPC commands are listed here so that each one gets an
//! `allow-*` permission and the window's capability can grant exactly the ones the UI uses.

/// Every IPC command of the app; keep in sync with `desktop::commands::handler`.
const COMMANDS: &[&str] = &[
    "app_info",
    "list_conversations",
    "get_conversation",
    "create_conversation",
    "rename_conversation",
    "set_pinned",
    "set_archived",
    "delete_conversation",
    "restore_conversation",
    "search_history",
    "switch_branch",
    "send_message",
    "stop_turn",
    "regenerate",
    "edit_message",
    "list_models",
    "list_providers",
    "add_provider",
    "remove_provider",
    "test_provider",
    "key_status",
    "set_key",
    "delete_key",
    "list_tools",
    "set_tool_decision",
    "add_rule",
    "remove_rule",
    "set_paused",
    "mcp_statuses",
    "mcp_restart",
    "mcp_set_enabled",
    "mcp_add",
    "mcp_remove",
    "mcp_import_preview",
    "mcp_import",
    "pending_approvals",
    "answer_approval",
    "action_log",
    "get_settings",
    "set_settings",
    "get_personal_settings",
    "set_personal_settings",
    "set_smtp_password",
    "delete_smtp_password",
    "export_history",
    "import_history",
    "hide_quick_ask",
    "open_in_main",
    "open_external",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to build the Tauri context");
}
