//! Provider keys: status (never the key), set (the only time a key crosses the boundary,
//! inward), delete.

use super::{gateway, ipc, Redacted};
use crate::desktop::error::IpcError;
use crate::desktop::AppState;
use hearth_gateway::keys::{KeyStatus, Secret};
use serde::Deserialize;
use tauri::State;
use zeroize::Zeroizing;

/// `key_status`: what may be shown about every configured provider's key.
#[tauri::command(rename_all = "snake_case")]
pub async fn key_status(state: State<'_, AppState>) -> Result<Redacted<Vec<KeyStatus>>, IpcError> {
    let gateway = gateway(&state);
    let config = gateway.config();
    let all = gateway.keys().status_all(&config).await;
    Redacted::new(gateway, &all)
}

/// `set_key` arguments: the only time a key crosses the boundary (inward).
// No `Debug`: it holds a secret that must never reach a log.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SetKeyArgs {
    /// The configured provider.
    pub provider_id: String,
    /// The API key (trimmed; never sent back).
    pub key: String,
}

/// `set_key`: stores or replaces a provider's key in the OS keychain.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_key(
    state: State<'_, AppState>,
    args: SetKeyArgs,
) -> Result<Redacted<KeyStatus>, IpcError> {
    let SetKeyArgs { provider_id, key } = args;
    let key = Zeroizing::new(key);
    let gateway = gateway(&state);
    let config = gateway.config();
    let provider = config
        .providers
        .get(&provider_id)
        .ok_or_else(|| IpcError::not_found(format!("no provider '{provider_id}'")))?;
    let secret = Secret::new(key.trim());
    // Known before anything can fail, so no message can echo it.
    gateway.keys().redactor().add(&secret);
    let status = gateway
        .keys()
        .set(&provider_id, provider, secret, false)
        .await
        .map_err(ipc(gateway))?;
    Redacted::new(gateway, &status)
}

/// `delete_key` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DeleteKeyArgs {
    /// The provider whose key leaves the keychain.
    pub provider_id: String,
}

/// `delete_key`: removes a provider's key from the keychain.
#[tauri::command(rename_all = "snake_case")]
pub async fn delete_key(
    state: State<'_, AppState>,
    args: DeleteKeyArgs,
) -> Result<Redacted<KeyStatus>, IpcError> {
    let DeleteKeyArgs { provider_id } = args;
    let gateway = gateway(&state);
    let config = gateway.config();
    let provider = config
        .providers
        .get(&provider_id)
        .ok_or_else(|| IpcError::not_found(format!("no provider '{provider_id}'")))?;
    gateway
        .keys()
        .delete(&provider_id)
        .await
        .map_err(ipc(gateway))?;
    let status = gateway
        .keys()
        .status(&provider_id, provider)
        .await
        .map_err(ipc(gateway))?;
    Redacted::new(gateway, &status)
}
