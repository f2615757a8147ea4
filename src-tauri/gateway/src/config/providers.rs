//! `[providers.ID]` and `[prices.MODEL]` sections.

use serde::{Deserialize, Serialize};

/// Which wire format a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    /// Anthropic Messages API.
    Anthropic,
    /// OpenAI Responses API.
    #[serde(rename = "openai")]
    OpenAi,
    /// Google Gemini `streamGenerateContent`.
    Gemini,
    /// Chat Completions as served by Ollama, llama.cpp, LM Studio, OpenRouter, vLLM...
    #[serde(rename = "openai-compatible")]
    OpenAiCompatible,
}

impl ProviderKind {
    /// The stable name used in config and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::OpenAi => "openai",
            ProviderKind::Gemini => "gemini",
            ProviderKind::OpenAiCompatible => "openai-compatible",
        }
    }

    /// The official API base URL (none for `openai-compatible`, which must be configured).
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            ProviderKind::Anthropic => Some("https://api.anthropic.com"),
            ProviderKind::OpenAi => Some("https://api.openai.com/v1"),
            ProviderKind::Gemini => Some("https://generativelanguage.googleapis.com/v1beta"),
            ProviderKind::OpenAiCompatible => None,
        }
    }

    /// Whether calls need a key (local OpenAI-compatible servers usually do not).
    pub fn requires_key(self) -> bool {
        !matches!(self, ProviderKind::OpenAiCompatible)
    }
}

impl std::str::FromStr for ProviderKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "anthropic" => ProviderKind::Anthropic,
            "openai" => ProviderKind::OpenAi,
            "gemini" => ProviderKind::Gemini,
            "openai-compatible" => ProviderKind::OpenAiCompatible,
            other => {
                return Err(format!(
                "unknown provider kind '{other}' (expected anthropic, openai, gemini or openai-compatible)"
            ))
            }
        })
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One configured provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Its wire format.
    pub kind: ProviderKind,
    /// API base URL; defaults to the kind's official one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Models offered in pickers; the first is the default.
    #[serde(default)]
    pub models: Vec<String>,
    /// Read the key from this environment variable instead of the keychain (less safe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_env: Option<String>,
    /// Models to try, in order, when this one fails before answering (`PROVIDER_ID/MODEL`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback: Vec<String>,
    /// Output token limit sent with each request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
}

impl ProviderConfig {
    /// The base URL in force (configured or the kind's default).
    pub fn effective_base_url(&self) -> Option<String> {
        self.base_url
            .clone()
            .or_else(|| self.kind.default_base_url().map(str::to_string))
            .map(|u| u.trim_end_matches('/').to_string())
    }

    pub(super) fn validate(&self, id: &str) -> Result<(), String> {
        match self.effective_base_url() {
            None => {
                return Err(format!(
                    "providers.{id}: kind '{}' needs a base_url",
                    self.kind
                ))
            }
            Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                return Err(format!(
                    "providers.{id}.base_url must start with http:// or https://, got '{url}'"
                ))
            }
            Some(_) => {}
        }
        for target in &self.fallback {
            if !target.contains('/') {
                return Err(format!(
                    "providers.{id}.fallback entries must be PROVIDER_ID/MODEL, got '{target}'"
                ));
            }
        }
        Ok(())
    }
}

/// Checks that a provider id is a short slug (letters, digits, `-`, `_`).
pub fn validate_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "provider id '{id}' must be 1-64 letters, digits, '-' or '_'"
        ))
    }
}

/// Price of a model in US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Per million input tokens.
    pub input: f64,
    /// Per million output tokens.
    pub output: f64,
    /// Per million cached input tokens (defaults to the input price).
    #[serde(default)]
    pub cached_input: Option<f64>,
}
