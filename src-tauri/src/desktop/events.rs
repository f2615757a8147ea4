//! Bus → webview forwarding: every gateway event is emitted, redacted, to the windows on
//! [`EVENT_CHANNEL`]. Approval and pause events also refresh the tray, and a new approval shows a
//! system notification ([`notify`]) when the main window is hidden or unfocused; clicking it opens
//! the main window at the approval.

pub mod notify;

use super::tray::{Tray, TraySlot};
use super::windows;
use hearth_gateway::events::Event;
use hearth_gateway::keys::Redactor;
use hearth_gateway::Gateway;
use notify::ApprovalNotice;
use serde::Deserialize;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::broadcast::error::RecvError;

/// The channel every core event is emitted on.
pub const EVENT_CHANNEL: &str = "hearth://event";

/// The part of an approval request a notification shows.
#[derive(Debug, Deserialize)]
struct RequestSummary {
    id: String,
    tool: String,
    #[serde(default)]
    preview: String,
    #[serde(default)]
    conversation_id: Option<String>,
}

/// The event as the webview receives it: its JSON with every known secret scrubbed.
pub fn redacted_payload(redactor: &Redactor, event: &Event) -> serde_json::Value {
    match redactor.to_scrubbed_json(event) {
        Ok(json) => json,
        Err(error) => serde_json::json!({
            "type": "error",
            "conversation_id": null,
            "message": format!("an event could not be encoded: {error}"),
        }),
    }
}

/// The notification for a new approval request (already redacted JSON): title, body and the
/// conversation a click opens.
pub fn approval_notification(request: &serde_json::Value) -> ApprovalNotice {
    let summary: Option<RequestSummary> = serde_json::from_value(request.clone()).ok();
    match summary {
        Some(s) => {
            let mut body: String = s.preview.chars().take(200).collect();
            if body.is_empty() {
                body = "Open Hearth to allow or deny it.".to_owned();
            }
            ApprovalNotice {
                title: format!("Hearth asks: run {}?", s.tool),
                body,
                approval_id: s.id,
                conversation_id: s.conversation_id,
            }
        }
        None => ApprovalNotice {
            title: "Hearth asks for approval".to_owned(),
            body: "Open Hearth to allow or deny a tool call.".to_owned(),
            approval_id: request
                .get("id")
                .and_then(|id| id.as_str())
                .unwrap_or_default()
                .to_owned(),
            conversation_id: None,
        },
    }
}

/// Whether the event changes what the tray shows.
fn touches_tray(event: &Event) -> bool {
    matches!(
        event,
        Event::ApprovalRequested { .. }
            | Event::ApprovalResolved { .. }
            | Event::AgentPaused { .. }
            | Event::ConfigReloaded { .. }
    )
}

/// Refreshes the tray from the gateway's state.
pub fn refresh_tray(gateway: &Gateway, tray: Option<&Tray>) {
    if let Some(tray) = tray {
        tray.refresh(
            gateway.approvals().pending().len(),
            gateway.live_config().is_paused(),
        );
    }
}

/// Forwards bus events to the webviews until the app ends (run it on Tauri's runtime).
pub async fn forward<R: Runtime>(app: AppHandle<R>, gateway: Gateway, tray: TraySlot) {
    let mut events = gateway.bus().subscribe();
    refresh_tray(&gateway, tray.get());
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the window fell behind the event bus");
                continue;
            }
            Err(RecvError::Closed) => break,
        };
        let payload = redacted_payload(gateway.keys().redactor(), &event);
        if let Err(error) = app.emit(EVENT_CHANNEL, &payload) {
            tracing::warn!(%error, "cannot emit an event to the windows");
        }
        if touches_tray(&event) {
            refresh_tray(&gateway, tray.get());
        }
        if matches!(event, Event::ApprovalRequested { .. }) && !windows::main_is_in_view(&app) {
            notify::show_approval(&app, &gateway, approval_notification(&payload["request"]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_gateway::keys::Secret;

    #[test]
    fn payloads_are_redacted_and_tagged() {
        let redactor = Redactor::new();
        let secret = "sk-ant-FAKE-SECRET-0123456789abcdef";
        redactor.add(&Secret::new(secret));
        let event = Event::TextDelta {
            conversation_id: "c".into(),
            message_id: "m".into(),
            text: format!("the key is {secret}"),
        };
        let payload = redacted_payload(&redactor, &event);
        assert_eq!(payload["type"], "text_delta");
        assert!(!payload.to_string().contains(secret));
    }

    #[test]
    fn approval_notifications_name_the_tool() {
        let request = serde_json::json!({
            "id": "a1", "tool": "shell.run", "preview": "rm -rf build", "conversation_id": "c1"
        });
        let notice = approval_notification(&request);
        assert_eq!(notice.title, "Hearth asks: run shell.run?");
        assert_eq!(notice.body, "rm -rf build");
        assert_eq!(notice.approval_id, "a1");
        assert_eq!(notice.conversation_id.as_deref(), Some("c1"));
        let notice = approval_notification(&serde_json::Value::Null);
        assert_eq!(notice.title, "Hearth asks for approval");
        assert_eq!(notice.conversation_id, None);
    }
}
