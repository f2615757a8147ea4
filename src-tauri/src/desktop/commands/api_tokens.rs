//! Client tokens of the local API: list (never the token), create (the only time a token
//! crosses the boundary, outward, to be copied once), revoke. Creating and revoking are in the
//! action log, as from `hearth token`.

use super::{gateway, ipc, Redacted};
use crate::desktop::error::IpcError;
use crate::desktop::AppState;
use hearth_gateway::server::token_changes;
use hearth_gateway::server::tokens::TokenInfo;
use serde::{Deserialize, Serialize};
use tauri::State;

/// `list_api_tokens`: every client token, by name (what is stored about it, never the token).
#[tauri::command(rename_all = "snake_case")]
pub async fn list_api_tokens(
    state: State<'_, AppState>,
) -> Result<Redacted<Vec<TokenInfo>>, IpcError> {
    let gateway = gateway(&state);
    let tokens = gateway.tokens().list().await.map_err(ipc(gateway))?;
    Redacted::new(gateway, &tokens)
}

/// `create_api_token` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CreateApiTokenArgs {
    /// The client's name (letters, digits, `-`, `_`, `.`): the actor of its requests in the log.
    pub name: String,
    /// Glob patterns over `PROVIDER_ID/MODEL` it may use; empty = every model.
    pub models: Vec<String>,
    /// Whether its requests are also recorded as conversations.
    pub record: bool,
}

/// `create_api_token` result: the token, shown once (only its hash is kept).
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NewApiToken {
    /// The token to give to the client.
    pub token: String,
    /// What is stored about it.
    pub info: TokenInfo,
}

/// `create_api_token`: creates a client token for another app on this machine.
#[tauri::command(rename_all = "snake_case")]
pub async fn create_api_token(
    state: State<'_, AppState>,
    args: CreateApiTokenArgs,
) -> Result<Redacted<NewApiToken>, IpcError> {
    let CreateApiTokenArgs {
        name,
        models,
        record,
    } = args;
    let gateway = gateway(&state);
    let models: Vec<String> = models
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    let created = token_changes::create(
        gateway.tokens(),
        gateway.audit(),
        name.trim(),
        &models,
        record,
        "ui",
    )
    .await
    .map_err(ipc(gateway))?;
    Redacted::new(
        gateway,
        &NewApiToken {
            token: created.token,
            info: created.info,
        },
    )
}

/// `revoke_api_token` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RevokeApiTokenArgs {
    /// The token's name.
    pub name: String,
}

/// `revoke_api_token`: deletes a client token; its app gets 401 from the next request on.
#[tauri::command(rename_all = "snake_case")]
pub async fn revoke_api_token(
    state: State<'_, AppState>,
    args: RevokeApiTokenArgs,
) -> Result<Redacted<Vec<TokenInfo>>, IpcError> {
    let gateway = gateway(&state);
    token_changes::revoke(gateway.tokens(), gateway.audit(), &args.name, "ui")
        .await
        .map_err(ipc(gateway))?;
    let tokens = gateway.tokens().list().await.map_err(ipc(gateway))?;
    Redacted::new(gateway, &tokens)
}
