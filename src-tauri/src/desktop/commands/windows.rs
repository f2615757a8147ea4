//! Window commands: app info, hiding the quick-ask window, handing a conversation to the main
//! window, and opening links in the system browser.

use super::gateway;
use crate::desktop::error::IpcError;
use crate::desktop::{windows, AppState};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_shell::ShellExt;

/// The channel on which the main window is asked to show a conversation.
pub const OPEN_CONVERSATION_CHANNEL: &str = "hearth://open-conversation";

/// What the window shows about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AppInfo {
    /// Hearth's version.
    pub version: String,
    /// The data directory in use.
    pub data_dir: String,
}

/// Payload of [`OPEN_CONVERSATION_CHANNEL`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OpenConversation {
    /// The conversation to show.
    pub conversation_id: String,
}

/// Checks that `url` is an http(s) or mailto link and returns it normalised.
pub fn external_link(url: &str) -> Result<String, IpcError> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| IpcError::invalid(format!("'{url}' is not a link: {e}")))?;
    match parsed.scheme() {
        "http" | "https" if parsed.host().is_some() => Ok(parsed.to_string()),
        "mailto" => Ok(parsed.to_string()),
        other => Err(IpcError::invalid(format!(
            "only http(s) and mailto links are opened, not '{other}:'"
        ))),
    }
}

/// `app_info`: version and data directory.
#[tauri::command(rename_all = "snake_case")]
pub fn app_info(app: AppHandle, state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    crate::desktop::startup::mark_first_ui_call(&app);
    Ok(AppInfo {
        version: hearth_gateway::VERSION.to_owned(),
        data_dir: gateway(&state).data_dir().root().display().to_string(),
    })
}

/// `startup_painted`: the window has painted its first frame (sent once by `ui/public/boot.js`,
/// for the start-up timing).
#[tauri::command(rename_all = "snake_case")]
pub fn startup_painted() -> Result<(), IpcError> {
    crate::desktop::startup::mark_first_paint();
    Ok(())
}

/// `hide_quick_ask`.
#[tauri::command(rename_all = "snake_case")]
pub fn hide_quick_ask(app: AppHandle) -> Result<(), IpcError> {
    Ok(windows::hide_quick_ask(&app)?)
}

/// `open_in_main` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct OpenInMainArgs {
    /// The conversation the main window shows.
    pub conversation_id: String,
}

/// `open_in_main`: shows the main window and asks it to show `conversation_id`.
#[tauri::command(rename_all = "snake_case")]
pub fn open_in_main(app: AppHandle, args: OpenInMainArgs) -> Result<(), IpcError> {
    let OpenInMainArgs { conversation_id } = args;
    windows::hide_quick_ask(&app)?;
    windows::show_main(&app);
    app.emit_to(
        windows::MAIN,
        OPEN_CONVERSATION_CHANNEL,
        OpenConversation { conversation_id },
    )?;
    Ok(())
}

/// `open_external` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct OpenExternalArgs {
    /// An http(s) or mailto link.
    pub url: String,
}

/// `open_external`: opens an http(s)/mailto link with the system's handler.
#[tauri::command(rename_all = "snake_case")]
#[allow(deprecated)] // tauri-plugin-shell's `open` is what the brief asks for (no opener plugin).
pub fn open_external(app: AppHandle, args: OpenExternalArgs) -> Result<(), IpcError> {
    let OpenExternalArgs { url } = args;
    let link = external_link(&url)?;
    app.shell()
        .open(link, None)
        .map_err(|e| IpcError::new(crate::desktop::error::ErrorKind::Window, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_open() {
        assert_eq!(
            external_link("https://example.com/a").unwrap(),
            "https://example.com/a"
        );
        assert!(external_link("mailto:me@example.com").is_ok());
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "not a url",
            "http://",
        ] {
            let err = external_link(bad).unwrap_err();
            assert_eq!(
                err.kind,
                crate::desktop::error::ErrorKind::InvalidInput,
                "{bad}"
            );
        }
    }
}
