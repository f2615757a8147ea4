//! The desktop shell (Tauri v2): windows, tray, IPC commands, events. Thin: all behaviour lives
//! in `hearth-gateway`.
//!
//! - [`commands`] — every IPC command (`ui/IPC.md`), registered in one place;
//! - [`events`] — bus → webview forwarding (`hearth://event`), tray refresh, notifications;
//! - [`tray`] — the tray / menu-bar assistant;
//! - [`windows`] — the main and quick-ask windows;
//! - [`local_api`] — the local API, when `server.enabled`;
//! - [`error`] — [`error::IpcError`], what every command rejects with.

pub mod commands;
pub mod error;
pub mod events;
pub mod local_api;
mod startup;
pub mod tray;
pub mod windows;

#[cfg(test)]
mod bindings;

use hearth_gateway::paths::DataDir;
use hearth_gateway::{logging, Gateway};
use std::process::ExitCode;
use tauri::{Manager, WindowEvent};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, ShortcutState};

/// The global shortcut that toggles the quick-ask window.
pub const QUICK_ASK_SHORTCUT: &str = "CmdOrCtrl+Shift+Space";

/// Registers [`QUICK_ASK_SHORTCUT`] (part of the start-up work done after the first frame).
pub fn register_quick_ask_shortcut(app: &tauri::AppHandle) {
    if let Err(error) = app.global_shortcut().register(QUICK_ASK_SHORTCUT) {
        tracing::warn!(%error, shortcut = QUICK_ASK_SHORTCUT, "global shortcut not registered");
    }
}

/// Typed Tauri state: the gateway every command talks to.
pub struct AppState {
    /// The core.
    pub gateway: Gateway,
}

/// Opens the desktop app and runs until it quits.
pub fn run(data_dir: DataDir) -> anyhow::Result<ExitCode> {
    startup::mark_launch();
    // The gateway starts background tasks: open it inside Tauri's runtime (and leave the
    // runtime's context before the event loop starts, which may block on it).
    let runtime = tauri::async_runtime::handle();
    let gateway = {
        let _context = runtime.inner().enter();
        Gateway::open(data_dir)?
    };
    startup::mark("gateway_open");
    let _logs = logging::init(
        &gateway.data_dir().logs_dir(),
        false,
        gateway.keys().redactor(),
    );
    tracing::info!(data_dir = %gateway.data_dir().root().display(), "desktop app starting");
    startup::mark("logging");
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            windows::show_main(app);
        }))
        .plugin(tauri_plugin_shell::init())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_denylist(&[windows::QUICK_ASK])
                .build(),
        )
        .plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|app, _shortcut, event| {
                    if event.state == ShortcutState::Pressed {
                        if let Err(error) = windows::toggle_quick_ask(app) {
                            tracing::warn!(%error, "cannot toggle the quick-ask window");
                        }
                    }
                })
                .build(),
        )
        .manage(AppState {
            gateway: gateway.clone(),
        })
        .invoke_handler(commands::handler())
        .on_page_load(|webview, payload| {
            if webview.label() == windows::MAIN {
                startup::mark(match payload.event() {
                    tauri::webview::PageLoadEvent::Started => "page_load_started",
                    tauri::webview::PageLoadEvent::Finished => "page_load_finished",
                });
            }
        })
        .setup(move |app| {
            startup::mark("setup");
            // Housekeeping of the process that owns the data (pending action-log entries left by a
            // crash, log retention, keys into the redactor). Here, after the single-instance
            // plugin has had its say, so a second launch never touches the first one's entries.
            let owner = gateway.clone();
            tauri::async_runtime::spawn(async move { owner.start_maintenance() });
            local_api::start_if_enabled(&gateway);
            let handle = app.handle().clone();
            // The tray is built once the window is up (startup.rs), off the first frame's path.
            let tray = tray::TraySlot::default();
            app.manage(tray.clone());
            tauri::async_runtime::spawn(events::forward(handle.clone(), gateway.clone(), tray));
            startup::run_deferred_after(handle.clone(), startup::DEFERRED_AT_THE_LATEST);
            startup::mark("setup_done");
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                match window.label() {
                    windows::QUICK_ASK => {
                        api.prevent_close();
                        let _ = window.hide();
                    }
                    windows::MAIN => {
                        let state = window.state::<AppState>();
                        if state.gateway.config().general.close_to_tray {
                            api.prevent_close();
                            let _ = window.hide();
                        } else {
                            window.app_handle().exit(0);
                        }
                    }
                    _ => {}
                }
            }
        })
        .build(tauri::generate_context!())
        .map_err(|e| anyhow::anyhow!("the desktop app failed to start: {e}"))?;
    startup::mark("built");
    app.run(|_, _| {});
    Ok(ExitCode::SUCCESS)
}
