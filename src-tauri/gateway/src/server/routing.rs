//! Which upstream model a client's `model` name means: a `[server.aliases]` name, else
//! `PROVIDER_ID/MODEL` of a configured provider, else a bare model name offered by exactly one
//! configured provider. Then the token's model patterns decide (403 when outside them).

use super::error::{ApiError, ApiFormat, ErrorKind};
use super::tokens::Client;
use crate::agent::ModelRef;
use crate::config::Config;

/// The model `requested` names, if any.
pub fn resolve(config: &Config, requested: &str) -> Option<ModelRef> {
    let requested = requested.trim();
    if let Some(target) = config.server.aliases.get(requested) {
        return target.parse().ok();
    }
    if let Ok(model) = requested.parse::<ModelRef>() {
        if config.providers.contains_key(&model.provider) {
            return Some(model);
        }
    }
    let mut offering = config
        .providers
        .iter()
        .filter(|(_, p)| p.models.iter().any(|m| m == requested));
    match (offering.next(), offering.next()) {
        (Some((id, _)), None) => Some(ModelRef {
            provider: id.clone(),
            model: requested.to_string(),
        }),
        _ => None,
    }
}

/// The model for `client`'s request, or the 404/403 to answer.
pub fn route(
    config: &Config,
    client: &Client,
    requested: &str,
    format: ApiFormat,
) -> Result<ModelRef, ApiError> {
    let Some(model) = resolve(config, requested) else {
        return Err(ApiError::new(
            ErrorKind::NotFound,
            format,
            format!(
                "unknown model '{requested}': use PROVIDER_ID/MODEL of a configured provider or a server.aliases name (GET /v1/models lists them)"
            ),
        ));
    };
    if !client.may_use(&model.to_string()) {
        return Err(ApiError::new(
            ErrorKind::Forbidden,
            format,
            format!(
                "token '{}' may not use model '{model}' (allowed: {})",
                client.name,
                client.patterns.join(", ")
            ),
        ));
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config() -> Config {
        Config::parse(
            "[server.aliases]\nfast = \"loc/llama-x\"\n\
             [providers.loc]\nkind = \"openai-compatible\"\nbase_url = \"http://127.0.0.1:1/v1\"\nmodels = [\"llama-x\"]\n\
             [providers.anth]\nkind = \"anthropic\"\nmodels = [\"claude-x\", \"shared\"]\n\
             [providers.oai]\nkind = \"openai\"\nmodels = [\"shared\"]\n",
            Path::new("c"),
        )
        .unwrap()
    }

    fn client(patterns: &[&str]) -> Client {
        let models = if patterns.is_empty() {
            None
        } else {
            let mut b = globset::GlobSetBuilder::new();
            for p in patterns {
                b.add(globset::Glob::new(p).unwrap());
            }
            Some(b.build().unwrap())
        };
        Client {
            name: "t".into(),
            models,
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            record: false,
        }
    }

    #[test]
    fn names_resolve_by_alias_reference_or_unique_model() {
        let c = config();
        assert_eq!(resolve(&c, "fast").unwrap().to_string(), "loc/llama-x");
        assert_eq!(
            resolve(&c, "anth/claude-y").unwrap().to_string(),
            "anth/claude-y"
        );
        assert_eq!(
            resolve(&c, "claude-x").unwrap().to_string(),
            "anth/claude-x"
        );
        assert!(resolve(&c, "shared").is_none(), "ambiguous");
        assert!(resolve(&c, "nope/model").is_none());
        assert!(resolve(&c, "gpt-5").is_none());
    }

    #[test]
    fn patterns_apply_to_the_resolved_model() {
        let c = config();
        let limited = client(&["anth/*"]);
        assert!(route(&c, &limited, "anth/claude-x", ApiFormat::OpenAi).is_ok());
        let error = route(&c, &limited, "fast", ApiFormat::OpenAi).unwrap_err();
        assert_eq!(error.status.as_u16(), 403);
        let error = route(&c, &client(&[]), "nope", ApiFormat::Anthropic).unwrap_err();
        assert_eq!(error.status.as_u16(), 404);
    }
}
