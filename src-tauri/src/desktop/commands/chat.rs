//! Turns: send, stop, regenerate, edit (a new branch), and the models to pick from. The answer
//! streams as bus events (`hearth://event`); these commands return as soon as the turn started.

use super::{gateway, ipc, Redacted};
use crate::desktop::error::IpcError;
use crate::desktop::AppState;
use hearth_gateway::agent::policy_gate::AskMode;
use hearth_gateway::agent::ModelRef;
use hearth_gateway::events::Event;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tauri::State;
use tokio::sync::broadcast;

/// How long `regenerate` waits for the new answer's id before returning the question's.
const TURN_START_WAIT: Duration = Duration::from_secs(3);

/// A model to pick: `provider` is the configured provider id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelInfo {
    /// The provider id.
    pub provider: String,
    /// The model name.
    pub model: String,
    /// `provider/model`, for people.
    pub label: String,
}

/// What the UI needs to follow a turn it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TurnHandle {
    /// The conversation the turn runs in (new when none was given).
    pub conversation_id: String,
    /// `send_message` / `edit_message`: the user message; `regenerate`: the new answer.
    pub message_id: String,
}

/// The model as the gateway names it (`PROVIDER/MODEL`), after a readable check.
pub fn model_name(model: Option<&ModelRef>) -> Result<Option<String>, IpcError> {
    match model {
        None => Ok(None),
        Some(m) if m.provider.trim().is_empty() || m.model.trim().is_empty() => Err(
            IpcError::invalid("a model needs both a provider id and a model name"),
        ),
        Some(m) => Ok(Some(m.to_string())),
    }
}

/// The models offered, the default first (`general.default_model` when it is configured).
pub fn models_with_default_first(models: Vec<ModelRef>, default: Option<&str>) -> Vec<ModelInfo> {
    let mut infos: Vec<ModelInfo> = models
        .into_iter()
        .map(|m| ModelInfo {
            label: m.to_string(),
            provider: m.provider,
            model: m.model,
        })
        .collect();
    if let Some(position) = default.and_then(|d| infos.iter().position(|m| m.label == d)) {
        let first = infos.remove(position);
        infos.insert(0, first);
    }
    infos
}

/// `send_message` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SendMessageArgs {
    /// The conversation to continue; `null` creates one.
    pub conversation_id: Option<String>,
    /// The user's message (not blank).
    pub text: String,
    /// The model to answer with; `null` = the conversation's (or the default) model.
    pub model: Option<ModelRef>,
}

/// `send_message`: stores the user message (creating the conversation when `conversation_id` is
/// null) and starts the turn that answers it.
#[tauri::command(rename_all = "snake_case")]
pub async fn send_message(
    state: State<'_, AppState>,
    args: SendMessageArgs,
) -> Result<TurnHandle, IpcError> {
    let SendMessageArgs {
        conversation_id,
        text,
        model,
    } = args;
    let gateway = gateway(&state);
    if text.trim().is_empty() {
        return Err(IpcError::invalid("the message is empty"));
    }
    let model = model_name(model.as_ref())?;
    let handle = gateway
        .send(
            conversation_id.as_deref(),
            &text,
            model.as_deref(),
            AskMode::Interactive,
        )
        .await
        .map_err(ipc(gateway))?;
    Ok(TurnHandle {
        conversation_id: handle.conversation_id,
        message_id: handle.user_message_id,
    })
}

/// `stop_turn` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct StopTurnArgs {
    /// The conversation whose turn stops.
    pub conversation_id: String,
}

/// `stop_turn`: cancels the running turn; its partial answer stays, marked `cancelled`.
#[tauri::command(rename_all = "snake_case")]
pub async fn stop_turn(state: State<'_, AppState>, args: StopTurnArgs) -> Result<(), IpcError> {
    gateway(&state).stop(&args.conversation_id);
    Ok(())
}

/// Waits for the `turn_started` of `conversation_id` on `events` (bounded), returning its message.
async fn started_message(
    events: &mut broadcast::Receiver<Event>,
    conversation_id: &str,
) -> Option<String> {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(Event::TurnStarted {
                    conversation_id: c,
                    message_id,
                    ..
                }) if c == conversation_id => return Some(message_id),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    };
    tokio::time::timeout(TURN_START_WAIT, wait)
        .await
        .ok()
        .flatten()
}

/// `regenerate` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RegenerateArgs {
    /// The assistant message to answer again.
    pub message_id: String,
    /// The model for the new answer; `null` = the model that wrote `message_id`.
    pub model: Option<ModelRef>,
}

/// `regenerate`: a new sibling answer to the same question (optionally from another model).
#[tauri::command(rename_all = "snake_case")]
pub async fn regenerate(
    state: State<'_, AppState>,
    args: RegenerateArgs,
) -> Result<TurnHandle, IpcError> {
    let RegenerateArgs { message_id, model } = args;
    let gateway = gateway(&state);
    let model = model_name(model.as_ref())?;
    let mut events = gateway.bus().subscribe();
    let handle = gateway
        .regenerate(&message_id, model.as_deref(), AskMode::Interactive)
        .await
        .map_err(ipc(gateway))?;
    let answer = started_message(&mut events, &handle.conversation_id).await;
    Ok(TurnHandle {
        message_id: answer.unwrap_or(handle.user_message_id),
        conversation_id: handle.conversation_id,
    })
}

/// `edit_message` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct EditMessageArgs {
    /// The user message to edit (it stays, as a sibling).
    pub message_id: String,
    /// The new text (not blank).
    pub text: String,
}

/// `edit_message`: a new sibling of the user message with `text`, made current, then answered.
#[tauri::command(rename_all = "snake_case")]
pub async fn edit_message(
    state: State<'_, AppState>,
    args: EditMessageArgs,
) -> Result<TurnHandle, IpcError> {
    let EditMessageArgs { message_id, text } = args;
    let gateway = gateway(&state);
    if text.trim().is_empty() {
        return Err(IpcError::invalid("the message is empty"));
    }
    let handle = gateway
        .edit_and_send(&message_id, &text, None, AskMode::Interactive)
        .await
        .map_err(ipc(gateway))?;
    Ok(TurnHandle {
        conversation_id: handle.conversation_id,
        message_id: handle.user_message_id,
    })
}

/// `list_models`: every configured provider's models; the first is the default.
#[tauri::command(rename_all = "snake_case")]
pub async fn list_models(state: State<'_, AppState>) -> Result<Redacted<Vec<ModelInfo>>, IpcError> {
    let gateway = gateway(&state);
    let config = gateway.config();
    let models =
        models_with_default_first(gateway.models(), config.general.default_model.as_deref());
    Redacted::new(gateway, &models)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(p: &str, m: &str) -> ModelRef {
        ModelRef {
            provider: p.into(),
            model: m.into(),
        }
    }

    #[test]
    fn the_default_model_comes_first() {
        let list = models_with_default_first(vec![model("a", "x"), model("b", "y")], Some("b/y"));
        assert_eq!(list[0].label, "b/y");
        assert_eq!(list[1].provider, "a");
        let list = models_with_default_first(vec![model("a", "x")], Some("gone/z"));
        assert_eq!(list[0].label, "a/x");
    }

    #[test]
    fn model_names_are_checked() {
        assert_eq!(model_name(None).unwrap(), None);
        assert_eq!(
            model_name(Some(&model("oai", "gpt"))).unwrap().as_deref(),
            Some("oai/gpt")
        );
        let err = model_name(Some(&model("", "gpt"))).unwrap_err();
        assert_eq!(err.kind, crate::desktop::error::ErrorKind::InvalidInput);
    }

    #[test]
    fn send_message_args_take_nulls_and_reject_unknown_keys() {
        let args: SendMessageArgs = serde_json::from_value(serde_json::json!({
            "conversation_id": null, "text": "hi", "model": {"provider": "p", "model": "m"}
        }))
        .unwrap();
        assert_eq!(args.conversation_id, None);
        assert_eq!(args.text, "hi");
        assert_eq!(args.model, Some(model("p", "m")));
        let typo = serde_json::from_value::<SendMessageArgs>(serde_json::json!({
            "conversation_id": null, "txt": "hi", "model": null
        }))
        .unwrap_err();
        assert!(typo.to_string().contains("txt"), "{typo}");
    }

    #[tokio::test]
    async fn started_message_waits_for_its_conversation_only() {
        let bus = hearth_gateway::events::EventBus::default();
        let mut rx = bus.subscribe();
        let started = |c: &str, m: &str| Event::TurnStarted {
            conversation_id: c.into(),
            message_id: m.into(),
            provider: "p".into(),
            model: "m".into(),
        };
        bus.publish(started("other", "m0"));
        bus.publish(started("c1", "m1"));
        assert_eq!(started_message(&mut rx, "c1").await.as_deref(), Some("m1"));
    }
}
