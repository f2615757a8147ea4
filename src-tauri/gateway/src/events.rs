//! The event bus: everything a shell (window, tray, terminal, local API) may show, published by
//! the core and subscribed to by each shell. Events are a typed enum, never ad-hoc strings.

use crate::conversation::{Block, MessageStatus, Usage};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// One thing that happened in the core.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// An assistant message started streaming.
    TurnStarted {
        conversation_id: String,
        message_id: String,
        provider: String,
        model: String,
    },
    /// Text appended to the assistant message.
    TextDelta {
        conversation_id: String,
        message_id: String,
        text: String,
    },
    /// Reasoning text appended to the assistant message.
    ReasoningDelta {
        conversation_id: String,
        message_id: String,
        text: String,
    },
    /// The model asked for a tool call (the complete block).
    ToolCall {
        conversation_id: String,
        message_id: String,
        call: Block,
    },
    /// A tool call finished (the result block).
    ToolResult {
        conversation_id: String,
        message_id: String,
        result: Block,
    },
    /// Tokens used by one model call.
    Usage {
        conversation_id: String,
        message_id: String,
        usage: Usage,
        cost_usd: Option<f64>,
    },
    /// The agent moved to a fallback model after a failure.
    FallbackUsed {
        conversation_id: String,
        from: String,
        to: String,
        reason: String,
    },
    /// Something failed; `message` is redacted and meant for people.
    Error {
        conversation_id: Option<String>,
        message: String,
    },
    /// A turn ended.
    Done {
        conversation_id: String,
        message_id: String,
        status: MessageStatus,
    },
    /// A tool call waits for the user's decision (payload defined by the policy module).
    ApprovalRequested {
        #[cfg_attr(feature = "ts", ts(type = "ApprovalRequest"))]
        request: serde_json::Value,
    },
    /// An approval was answered or timed out.
    ApprovalResolved { id: String, outcome: String },
    /// An action-log entry was written or completed (payload defined by the audit module).
    ActionLogged {
        #[cfg_attr(feature = "ts", ts(type = "ActionLogEntry"))]
        entry: serde_json::Value,
    },
    /// The "pause agent" switch changed.
    AgentPaused { paused: bool },
    /// The configuration was reloaded (or a reload was rejected, with the reason).
    ConfigReloaded { error: Option<String> },
}

/// A cloneable publisher/subscriber handle over a broadcast channel.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
    /// Only [`Event::ConfigReloaded`], for the followers of the configuration: they need not
    /// wake for every action-log record, and [`EventBus::has_subscribers`] stays false while
    /// nobody shows the firehose (headless `hearth serve`).
    reloads: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(4096)
    }
}

impl EventBus {
    /// A bus that buffers up to `capacity` events for slow subscribers.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        let (reloads, _) = broadcast::channel(64);
        EventBus { sender, reloads }
    }

    /// Publishes an event; having no subscriber is fine.
    pub fn publish(&self, event: Event) {
        if matches!(event, Event::ConfigReloaded { .. }) {
            let _ = self.reloads.send(event.clone());
        }
        let _ = self.sender.send(event);
    }

    /// A new subscription receiving every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// A new subscription receiving only the [`Event::ConfigReloaded`] events published from
    /// now on.
    pub fn subscribe_config_reloads(&self) -> broadcast::Receiver<Event> {
        self.reloads.subscribe()
    }

    /// Whether anyone subscribed to every event ([`EventBus::subscribe`]) is listening: when
    /// not, a publisher may skip building an expensive event.
    pub fn has_subscribers(&self) -> bool {
        self.sender.receiver_count() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_receive_published_events() {
        let bus = EventBus::default();
        let mut rx = bus.subscribe();
        bus.publish(Event::AgentPaused { paused: true });
        assert_eq!(
            rx.recv().await.unwrap(),
            Event::AgentPaused { paused: true }
        );
    }

    #[tokio::test]
    async fn config_followers_receive_only_reloads_and_do_not_count_as_subscribers() {
        let bus = EventBus::default();
        let mut reloads = bus.subscribe_config_reloads();
        assert!(!bus.has_subscribers());
        bus.publish(Event::AgentPaused { paused: true });
        bus.publish(Event::ConfigReloaded { error: None });
        assert_eq!(
            reloads.recv().await.unwrap(),
            Event::ConfigReloaded { error: None }
        );
        assert!(reloads.try_recv().is_err(), "nothing else was delivered");
        let everything = bus.subscribe();
        assert!(bus.has_subscribers());
        drop(everything);
        assert!(!bus.has_subscribers());
    }

    #[test]
    fn events_serialise_with_a_type_tag() {
        let json = serde_json::to_value(Event::AgentPaused { paused: false }).unwrap();
        assert_eq!(json["type"], "agent_paused");
    }
}
