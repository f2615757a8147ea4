//! `GET /v1/models`: the configured models as `PROVIDER_ID/MODEL` plus the `[server.aliases]`,
//! filtered by the token's model patterns. One body that both SDKs read: OpenAI's
//! `{"object": "list", "data": [{"id", "object", "created", "owned_by"}]}` with Anthropic's
//! fields (`type`, `display_name`, `created_at`, `has_more`, `first_id`, `last_id`) alongside.
//! Gemini's clients (`GET /v1beta/models`, or `/v1/models` with `x-goog-api-key`) get Gemini's
//! shape: `{"models": [{"name": "models/PROVIDER_ID/MODEL", "supportedGenerationMethods"...}]}`.

use super::auth::Authenticated;
use super::error::ApiFormat;
use super::routing;
use super::state::ServerState;
use super::tokens::Client;
use crate::config::Config;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// The list.
#[derive(Debug, Serialize)]
pub struct ModelList {
    object: &'static str,
    data: Vec<ModelEntry>,
    has_more: bool,
    first_id: Option<String>,
    last_id: Option<String>,
}

/// One model.
#[derive(Debug, Serialize)]
pub struct ModelEntry {
    id: String,
    object: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    created: i64,
    created_at: &'static str,
    owned_by: String,
    display_name: String,
}

fn entry(id: String, owned_by: String) -> ModelEntry {
    ModelEntry {
        display_name: id.clone(),
        id,
        object: "model",
        kind: "model",
        created: 0,
        created_at: "1970-01-01T00:00:00Z",
        owned_by,
    }
}

/// The models `client` may use.
pub fn list(config: &Config, client: &Client) -> ModelList {
    let mut data = Vec::new();
    for (id, provider) in &config.providers {
        for model in &provider.models {
            let name = format!("{id}/{model}");
            if client.may_use(&name) {
                data.push(entry(name, id.clone()));
            }
        }
    }
    for alias in config.server.aliases.keys() {
        if let Some(target) = routing::resolve(config, alias) {
            if client.may_use(&target.to_string()) {
                data.push(entry(alias.clone(), target.provider));
            }
        }
    }
    ModelList {
        object: "list",
        first_id: data.first().map(|m| m.id.clone()),
        last_id: data.last().map(|m| m.id.clone()),
        has_more: false,
        data,
    }
}

/// Gemini's list of models.
#[derive(Debug, Serialize)]
pub struct GeminiModelList {
    models: Vec<GeminiModel>,
}

/// One model, Gemini's way.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeminiModel {
    name: String,
    display_name: String,
    supported_generation_methods: [&'static str; 2],
}

/// [`list`] in Gemini's shape.
pub fn gemini_list(config: &Config, client: &Client) -> GeminiModelList {
    let models = list(config, client)
        .data
        .into_iter()
        .map(|model| GeminiModel {
            name: format!("models/{}", model.id),
            display_name: model.display_name,
            supported_generation_methods: ["generateContent", "streamGenerateContent"],
        })
        .collect();
    GeminiModelList { models }
}

/// Handler for `GET /v1/models` and `GET /v1beta/models`.
pub async fn models(
    State(state): State<ServerState>,
    Authenticated(client): Authenticated,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let config = state.gateway.config();
    match ApiFormat::detect(uri.path(), &headers) {
        ApiFormat::Gemini => Json(gemini_list(&config, &client)).into_response(),
        _ => Json(list(&config, &client)).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn models_and_aliases_are_filtered_by_the_token() {
        let config = Config::parse(
            "[server.aliases]\nfast = \"loc/llama-x\"\n\
             [providers.loc]\nkind = \"openai-compatible\"\nbase_url = \"http://127.0.0.1:1/v1\"\nmodels = [\"llama-x\"]\n\
             [providers.anth]\nkind = \"anthropic\"\nmodels = [\"claude-x\"]\n",
            Path::new("c"),
        )
        .unwrap();
        let all = Client {
            name: "a".into(),
            models: None,
            patterns: vec![],
            record: false,
        };
        let ids: Vec<String> = list(&config, &all).data.into_iter().map(|m| m.id).collect();
        assert_eq!(ids, ["anth/claude-x", "loc/llama-x", "fast"]);
        let mut b = globset::GlobSetBuilder::new();
        b.add(globset::Glob::new("anth/*").unwrap());
        let limited = Client {
            name: "l".into(),
            models: Some(b.build().unwrap()),
            patterns: vec!["anth/*".into()],
            record: false,
        };
        let ids: Vec<String> = list(&config, &limited)
            .data
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["anth/claude-x"]);
        let gemini = serde_json::to_value(gemini_list(&config, &limited)).unwrap();
        assert_eq!(
            gemini,
            serde_json::json!({"models": [{"name": "models/anth/claude-x",
                "displayName": "anth/claude-x",
                "supportedGenerationMethods": ["generateContent", "streamGenerateContent"]}]})
        );
    }
}
