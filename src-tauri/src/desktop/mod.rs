//! The desktop shell (Tauri v2): windows, IPC commands, events. Thin: all behaviour lives in
//! `hearth-gateway`.

mod commands;

use hearth_gateway::paths::DataDir;
use hearth_gateway::{logging, Gateway};
use std::process::ExitCode;
use tauri::Manager;

/// Typed Tauri state: the gateway every command talks to.
pub struct AppState {
    /// The core.
    pub gateway: Gateway,
}

/// Opens the desktop app and runs until it quits.
pub fn run(data_dir: DataDir) -> anyhow::Result<ExitCode> {
    let gateway = Gateway::open(data_dir)?;
    let _logs = logging::init(&gateway.data_dir().logs_dir(), false, gateway.keys().redactor());
    tracing::info!(data_dir = %gateway.data_dir().root().display(), "desktop app starting");
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_shell::init())
        .plugin(tauri_plugin_store::Builder::default().build())
        .manage(AppState { gateway })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .map_err(|e| anyhow::anyhow!("the desktop app failed: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
