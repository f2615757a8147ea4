//! The approval notification, shown when a tool call waits for the user while the main window is
//! hidden or unfocused. Clicking it opens the main window at the approval.
//!
//! - Linux: `notify-rust` directly (the notification plugin offers no click action there), with a
//!   `default` action (a click on the notification) and an "Open Hearth" button. A thread waits for
//!   the action and gives up when the notification closes; the event loop is never blocked.
//! - Elsewhere: the notification plugin (macOS opens the app when its notification is clicked).

use crate::desktop::windows;
use tauri::{AppHandle, Runtime};

/// The action a click on the notification's body sends (Desktop Notifications spec).
pub const ACTION_DEFAULT: &str = "default";
/// The "Open Hearth" button's action.
pub const ACTION_OPEN: &str = "open";
/// The label of the "Open Hearth" button.
pub const ACTION_OPEN_LABEL: &str = "Open Hearth";

/// What a notification shows and where a click leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalNotice {
    /// The title ("Hearth asks: run shell.run?").
    pub title: String,
    /// The body (the call's preview, redacted).
    pub body: String,
    /// The conversation the approval belongs to, shown in the main window on a click.
    pub conversation_id: Option<String>,
}

/// Whether an action sent by the notification server means "open Hearth".
pub fn opens_hearth(action: &str) -> bool {
    matches!(action, ACTION_DEFAULT | ACTION_OPEN)
}

/// Shows the main window at the approval: the quick-ask window steps aside, the main window is
/// shown and focused and asked to show the approval's conversation (its inline approval card).
pub fn open_at_approval<R: Runtime>(app: &AppHandle<R>, conversation_id: Option<String>) {
    if let Err(error) = windows::hide_quick_ask(app) {
        tracing::debug!(%error, "cannot hide the quick-ask window");
    }
    windows::show_main(app);
    if let Some(conversation_id) = conversation_id {
        use tauri::Emitter;
        let open = crate::desktop::commands::windows::OpenConversation { conversation_id };
        if let Err(error) = app.emit_to(
            windows::MAIN,
            crate::desktop::commands::windows::OPEN_CONVERSATION_CHANNEL,
            open,
        ) {
            tracing::warn!(%error, "cannot ask the main window to show the approval");
        }
    }
}

/// Shows the notification on a thread of its own (a slow notification service must not delay
/// the event stream) and, on Linux, opens the main window at the approval when it is clicked.
pub fn show_approval<R: Runtime>(app: &AppHandle<R>, notice: ApprovalNotice) {
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("approval-notification".into())
        .spawn(move || show_and_wait(&app, notice));
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start the notification thread");
    }
}

#[cfg(target_os = "linux")]
fn show_and_wait<R: Runtime>(app: &AppHandle<R>, notice: ApprovalNotice) {
    let shown = notify_rust::Notification::new()
        .appname("Hearth")
        .summary(&notice.title)
        .body(&notice.body)
        .action(ACTION_DEFAULT, ACTION_OPEN_LABEL)
        .action(ACTION_OPEN, ACTION_OPEN_LABEL)
        .show();
    let handle = match shown {
        Ok(handle) => handle,
        Err(error) => {
            tracing::warn!(%error, "cannot show the approval notification");
            return;
        }
    };
    // Blocks this thread (only) until the user acts or the notification closes ("__closed").
    handle.wait_for_action(|action| {
        if opens_hearth(action) {
            open_at_approval(app, notice.conversation_id.clone());
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn show_and_wait<R: Runtime>(app: &AppHandle<R>, notice: ApprovalNotice) {
    use tauri_plugin_notification::NotificationExt;
    let shown = app
        .notification()
        .builder()
        .title(notice.title)
        .body(notice.body)
        .show();
    if let Err(error) = shown {
        tracing::warn!(%error, "cannot show the approval notification");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_or_the_button_opens_hearth_and_closing_does_not() {
        assert!(opens_hearth("default"));
        assert!(opens_hearth("open"));
        assert!(!opens_hearth("__closed"));
        assert!(!opens_hearth(""));
    }
}
