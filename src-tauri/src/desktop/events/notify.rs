//! The approval notification, shown when a tool call waits for the user while the main window is
//! hidden or unfocused. Clicking it opens the main window at the approval.
//!
//! - Linux: `notify-rust` directly (the notification plugin offers no click action there), with a
//!   `default` action (a click on the notification) and an "Open Hearth" button. A task on the
//!   async runtime waits for the action; it gives up when the notification closes, and closes the
//!   notification itself when the approval is answered elsewhere (or times out). Nothing blocks.
//! - Elsewhere: the notification plugin (macOS opens the app when its notification is clicked).

use crate::desktop::windows;
use hearth_gateway::events::Event;
use hearth_gateway::Gateway;
use tauri::{AppHandle, Runtime};
use tokio::sync::broadcast::{self, error::RecvError};

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
    /// The approval request's id (the notification closes when it is answered).
    pub approval_id: String,
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

/// Shows the notification in a task of its own (a slow notification service must not delay the
/// event stream) and, on Linux, opens the main window at the approval when it is clicked. Nothing
/// is shown when the approval is no longer pending.
pub fn show_approval<R: Runtime>(app: &AppHandle<R>, gateway: &Gateway, notice: ApprovalNotice) {
    // Subscribed before the pending check, so an answer given in between is still seen.
    let events = gateway.bus().subscribe();
    let pending = gateway
        .approvals()
        .pending()
        .iter()
        .any(|r| r.id == notice.approval_id);
    if !pending {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(show_and_wait(app, notice, events));
}

/// Resolves when the approval `id` is answered (or the bus closes).
async fn answered(events: &mut broadcast::Receiver<Event>, id: &str) {
    loop {
        match events.recv().await {
            Ok(Event::ApprovalResolved { id: resolved, .. }) if resolved == id => return,
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return,
        }
    }
}

#[cfg(target_os = "linux")]
async fn show_and_wait<R: Runtime>(
    app: AppHandle<R>,
    notice: ApprovalNotice,
    mut events: broadcast::Receiver<Event>,
) {
    use notify_rust::NotificationResponse;
    use std::sync::atomic::{AtomicBool, Ordering};

    let shown = notify_rust::Notification::new()
        .appname("Hearth")
        .summary(&notice.title)
        .body(&notice.body)
        .action(ACTION_DEFAULT, ACTION_OPEN_LABEL)
        .action(ACTION_OPEN, ACTION_OPEN_LABEL)
        .show_async()
        .await;
    let handle = match shown {
        Ok(handle) => handle,
        Err(error) => {
            tracing::warn!(%error, "cannot show the approval notification");
            return;
        }
    };
    let open = AtomicBool::new(false);
    tokio::select! {
        // Ends on a click, a button or the notification closing.
        () = handle.wait_for_action_async(|response| {
            let action = match response {
                NotificationResponse::Default => ACTION_DEFAULT,
                NotificationResponse::Action(action) => action.as_str(),
                _ => "",
            };
            open.store(opens_hearth(action), Ordering::SeqCst);
        }) => {}
        () = answered(&mut events, &notice.approval_id) => {
            handle.close_async().await;
        }
    }
    if open.load(Ordering::SeqCst) {
        open_at_approval(&app, notice.conversation_id);
    }
}

#[cfg(not(target_os = "linux"))]
async fn show_and_wait<R: Runtime>(
    app: AppHandle<R>,
    notice: ApprovalNotice,
    _events: broadcast::Receiver<Event>,
) {
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

    #[tokio::test]
    async fn answered_waits_for_its_own_approval_only() {
        let bus = hearth_gateway::events::EventBus::default();
        let mut events = bus.subscribe();
        bus.publish(Event::ApprovalResolved {
            id: "other".into(),
            outcome: "allowed".into(),
        });
        bus.publish(Event::ApprovalResolved {
            id: "mine".into(),
            outcome: "denied".into(),
        });
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            answered(&mut events, "mine"),
        )
        .await
        .expect("the answer is seen");
        assert!(events.try_recv().is_err(), "nothing after it was consumed");
    }

    #[test]
    fn a_click_or_the_button_opens_hearth_and_closing_does_not() {
        assert!(opens_hearth("default"));
        assert!(opens_hearth("open"));
        assert!(!opens_hearth("__closed"));
        assert!(!opens_hearth(""));
    }
}
