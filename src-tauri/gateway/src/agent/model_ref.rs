//! [`ModelRef`]: a `PROVIDER_ID/MODEL` name, the way users, config and the local API name models.

use serde::{Deserialize, Serialize};

/// A model at a configured provider. The model part may itself contain `/` (OpenRouter names such
/// as `openrouter/anthropic/claude-sonnet-4`): only the first `/` separates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModelRef {
    /// The configured provider id.
    pub provider: String,
    /// The model name as that provider knows it.
    pub model: String,
}

/// A string that is not `PROVIDER_ID/MODEL`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a model name: expected PROVIDER_ID/MODEL, e.g. anthropic/claude-sonnet-4-5")]
pub struct BadModelRef(pub String);

impl std::str::FromStr for ModelRef {
    type Err = BadModelRef;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('/') {
            Some((provider, model)) if !provider.is_empty() && !model.is_empty() => Ok(ModelRef {
                provider: provider.to_string(),
                model: model.to_string(),
            }),
            _ => Err(BadModelRef(s.to_string())),
        }
    }
}

impl std::fmt::Display for ModelRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.provider, self.model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for (text, provider, model) in [
            (
                "anthropic/claude-sonnet-4-5",
                "anthropic",
                "claude-sonnet-4-5",
            ),
            ("or/meta-llama/llama-3-70b", "or", "meta-llama/llama-3-70b"),
        ] {
            let parsed: ModelRef = text.parse().unwrap();
            assert_eq!(parsed.provider, provider);
            assert_eq!(parsed.model, model);
            assert_eq!(parsed.to_string(), text);
        }
        for bad in ["", "claude", "/x", "x/"] {
            assert!(bad.parse::<ModelRef>().is_err(), "{bad}");
        }
    }
}
