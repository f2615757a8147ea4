//! IPC commands, registered in one place ([`handler`]). Each returns a serialisable
//! [`IpcError`], never a bare string.

use super::AppState;
use serde::Serialize;

/// The error every IPC command returns: a stable kind for the UI to branch on and a message for
/// people (never containing a secret).
#[derive(Debug, Serialize)]
pub struct IpcError {
    /// Machine-readable category.
    pub kind: &'static str,
    /// Human-readable, actionable message.
    pub message: String,
}

/// What the window shows about the running app.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    /// Hearth's version.
    pub version: &'static str,
    /// The data directory in use.
    pub data_dir: String,
}

/// `app_info`: version and data directory.
#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, IpcError> {
    Ok(AppInfo {
        version: hearth_gateway::VERSION,
        data_dir: state.gateway.data_dir().root().display().to_string(),
    })
}

/// The invoke handler with every command; keep `build.rs`'s list in sync.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![app_info]
}
