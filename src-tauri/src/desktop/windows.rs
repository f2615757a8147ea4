//! The two windows: `main` (declared in tauri.conf.json) and `quick-ask` (small, frameless,
//! always on top, hidden until called; created once the main window is up, or on first use).

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

/// The main window's label.
pub const MAIN: &str = "main";
/// The quick-ask window's label.
pub const QUICK_ASK: &str = "quick-ask";
/// The page the quick-ask window loads.
const QUICK_ASK_URL: &str = "index.html#/quick-ask";

/// Shows, unminimises and focuses the main window.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Whether the main window still exists (it is gone once the app is closing).
pub fn main_exists<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(MAIN).is_some()
}

/// Whether the main window is visible and focused (a notification is shown when it is not).
pub fn main_is_in_view<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(MAIN).is_some_and(|w| {
        w.is_visible().unwrap_or(false)
            && !w.is_minimized().unwrap_or(false)
            && w.is_focused().unwrap_or(false)
    })
}

/// The quick-ask window, created hidden if it does not exist yet.
pub fn quick_ask<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    if let Some(window) = app.get_webview_window(QUICK_ASK) {
        return Ok(window);
    }
    WebviewWindowBuilder::new(app, QUICK_ASK, WebviewUrl::App(QUICK_ASK_URL.into()))
        .title("Hearth — Quick ask")
        .inner_size(640.0, 420.0)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .visible(false)
        .center()
        .build()
}

/// Shows and focuses the quick-ask window.
pub fn show_quick_ask<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let window = quick_ask(app)?;
    window.center()?;
    window.show()?;
    window.set_focus()
}

/// Hides the quick-ask window (nothing when it does not exist).
pub fn hide_quick_ask<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    match app.get_webview_window(QUICK_ASK) {
        Some(window) => window.hide(),
        None => Ok(()),
    }
}

/// Shows the quick-ask window, or hides it when it is in view (the global shortcut).
pub fn toggle_quick_ask<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let window = quick_ask(app)?;
    if window.is_visible()? && window.is_focused().unwrap_or(true) {
        window.hide()
    } else {
        show_quick_ask(app)
    }
}
