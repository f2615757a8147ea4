//! Providers in `config.toml`: list, add or replace (Edit), remove (with its key), and test with
//! one tiny real call.

use super::{gateway, ipc, Redacted};
use crate::desktop::error::{ErrorKind, IpcError};
use crate::desktop::AppState;
use hearth_gateway::config::edit::table_mut;
use hearth_gateway::config::{ConfigError, ProviderConfig, ProviderKind};
use serde::{Deserialize, Serialize};
use tauri::State;

/// One configured provider as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProviderInfo {
    /// Its id (used in `PROVIDER/MODEL` names and for its key).
    pub id: String,
    /// Its wire format: anthropic, openai, gemini or openai-compatible.
    #[ts(type = "ProviderKind")]
    pub kind: ProviderKind,
    /// The base URL in force (configured or the kind's official one).
    pub base_url: Option<String>,
    /// The models it offers; the first is its default.
    pub models: Vec<String>,
    /// The environment variable its key is read from, instead of the keychain.
    #[ts(optional = nullable)]
    pub key_env: Option<String>,
}

/// `test_provider`'s answer: `message` is redacted and meant for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProviderTestResult {
    /// Whether the provider answered.
    pub ok: bool,
    /// What it said, or why it failed.
    pub message: String,
    /// Time to the end of the answer, when it answered.
    pub latency_ms: Option<u64>,
}

/// The info shown for `id`.
pub fn provider_info(id: &str, provider: &ProviderConfig) -> ProviderInfo {
    ProviderInfo {
        id: id.to_owned(),
        kind: provider.kind,
        base_url: provider.effective_base_url(),
        models: provider.models.clone(),
        key_env: provider.key_env.clone(),
    }
}

/// The provider the form describes; an edit keeps the fields the form does not show (key_env,
/// fallbacks, max_tokens) from the provider it replaces.
pub fn provider_from_form(
    kind: ProviderKind,
    base_url: Option<String>,
    models: Vec<String>,
    existing: Option<&ProviderConfig>,
) -> Result<ProviderConfig, IpcError> {
    let models: Vec<String> = models
        .into_iter()
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect();
    if models.is_empty() {
        return Err(IpcError::invalid("name at least one model"));
    }
    let base_url = base_url
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    if let Some(url) = &base_url {
        match url::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
            _ => return Err(IpcError::invalid(format!("'{url}' is not an http(s) URL"))),
        }
    }
    if base_url.is_none() && kind == ProviderKind::OpenAiCompatible {
        return Err(IpcError::invalid(
            "an openai-compatible provider needs a base URL",
        ));
    }
    // An unchanged official URL is not written out.
    let base_url = base_url.filter(|u| {
        !matches!(kind.default_base_url(),
            Some(d) if d.trim_end_matches('/') == u.trim_end_matches('/'))
    });
    Ok(ProviderConfig {
        kind,
        base_url,
        models,
        key_env: existing.and_then(|p| p.key_env.clone()),
        fallback: existing.map(|p| p.fallback.clone()).unwrap_or_default(),
        max_tokens: existing.and_then(|p| p.max_tokens),
    })
}

/// `list_providers`.
#[tauri::command(rename_all = "snake_case")]
pub async fn list_providers(
    state: State<'_, AppState>,
) -> Result<Redacted<Vec<ProviderInfo>>, IpcError> {
    let gateway = gateway(&state);
    let config = gateway.config();
    let list: Vec<ProviderInfo> = config
        .providers
        .iter()
        .map(|(id, p)| provider_info(id, p))
        .collect();
    Redacted::new(gateway, &list)
}

/// `add_provider` arguments (the same `id` replaces: Edit).
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AddProviderArgs {
    /// The provider id (trimmed).
    pub id: String,
    /// Its wire format.
    pub kind: ProviderKind,
    /// Its endpoint; `null` = the kind's default.
    pub base_url: Option<String>,
    /// The models offered from it.
    pub models: Vec<String>,
}

/// `add_provider`: adds `id`, or replaces the provider with that id (the Edit form).
#[tauri::command(rename_all = "snake_case")]
pub async fn add_provider(
    state: State<'_, AppState>,
    args: AddProviderArgs,
) -> Result<Redacted<ProviderInfo>, IpcError> {
    let AddProviderArgs {
        id,
        kind,
        base_url,
        models,
    } = args;
    let gateway = gateway(&state);
    let id = id.trim().to_owned();
    let config = gateway.config();
    let provider = provider_from_form(kind, base_url, models, config.providers.get(&id))?;
    let text = toml::to_string(&provider)
        .map_err(|e| IpcError::new(ErrorKind::Internal, e.to_string()))?;
    let table: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| IpcError::new(ErrorKind::Internal, e.to_string()))?;
    let config = gateway
        .live_config()
        .edit(|doc| {
            let providers = table_mut(doc, "providers");
            providers.insert(&id, toml_edit::Item::Table(table.as_table().clone()));
            Ok(())
        })
        .map_err(ipc(gateway))?;
    let stored = config.providers.get(&id).ok_or_else(|| {
        IpcError::new(ErrorKind::Config, format!("provider '{id}' was not saved"))
    })?;
    Redacted::new(gateway, &provider_info(&id, stored))
}

/// `remove_provider` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RemoveProviderArgs {
    /// The provider (its keychain entry goes too).
    pub id: String,
}

/// `remove_provider`: removes it from config and deletes its keychain entry.
#[tauri::command(rename_all = "snake_case")]
pub async fn remove_provider(
    state: State<'_, AppState>,
    args: RemoveProviderArgs,
) -> Result<(), IpcError> {
    let RemoveProviderArgs { id } = args;
    let gateway = gateway(&state);
    gateway
        .live_config()
        .edit(|doc| {
            if table_mut(doc, "providers").remove(&id).is_none() {
                return Err(ConfigError::Rejected(format!("no provider '{id}'")));
            }
            Ok(())
        })
        .map_err(ipc(gateway))?;
    if let Err(error) = gateway.keys().delete(&id).await {
        // The provider is gone; a keychain that cannot be reached keeps an orphan entry only.
        tracing::warn!(provider = %id, %error, "could not delete the removed provider's key");
    }
    Ok(())
}

/// `test_provider` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct TestProviderArgs {
    /// The provider to probe with one tiny real call.
    pub id: String,
}

/// `test_provider`: one tiny real call with its key.
#[tauri::command(rename_all = "snake_case")]
pub async fn test_provider(
    state: State<'_, AppState>,
    args: TestProviderArgs,
) -> Result<Redacted<ProviderTestResult>, IpcError> {
    let TestProviderArgs { id } = args;
    let gateway = gateway(&state);
    let config = gateway.config();
    let provider = config
        .providers
        .get(&id)
        .ok_or_else(|| IpcError::not_found(format!("no provider '{id}'")))?;
    let result = match hearth_gateway::agent::probe::probe(
        &id,
        provider,
        None,
        gateway.keys(),
        hearth_gateway::providers::http_client(),
    )
    .await
    {
        Ok(report) => ProviderTestResult {
            ok: true,
            message: format!(
                "{}/{} answered: {}",
                report.provider, report.model, report.reply
            ),
            latency_ms: Some(report.latency_ms),
        },
        Err(error) => ProviderTestResult {
            ok: false,
            message: error.0,
            latency_ms: None,
        },
    };
    Redacted::new(gateway, &result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_checked_and_keeps_hidden_fields_on_edit() {
        let err =
            provider_from_form(ProviderKind::OpenAi, None, vec![" ".into()], None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        let err = provider_from_form(ProviderKind::OpenAiCompatible, None, vec!["m".into()], None)
            .unwrap_err();
        assert!(err.message.contains("base URL"));
        let err = provider_from_form(
            ProviderKind::OpenAiCompatible,
            Some("file:///etc".into()),
            vec!["m".into()],
            None,
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        let existing = ProviderConfig {
            kind: ProviderKind::OpenAi,
            base_url: None,
            models: vec!["old".into()],
            key_env: Some("OPENAI_KEY".into()),
            fallback: vec!["b/y".into()],
            max_tokens: Some(10),
        };
        let edited = provider_from_form(
            ProviderKind::OpenAi,
            None,
            vec!["new".into()],
            Some(&existing),
        )
        .unwrap();
        assert_eq!(edited.models, ["new"]);
        assert_eq!(edited.key_env.as_deref(), Some("OPENAI_KEY"));
        assert_eq!(edited.fallback, ["b/y"]);
    }
}
