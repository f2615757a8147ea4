//! Error bodies of the OpenAI family (OpenAI itself and the Chat Completions servers that copy
//! it: OpenRouter, vLLM, llama.cpp, LM Studio, Ollama), parsed into [`ErrorDetails`].

use crate::providers::error_body::{ErrorDetails, Hint};
use serde::Deserialize;

/// The body shapes seen in the wild.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Body {
    /// `{"error": {...}}` or `{"error": "text"}` (OpenAI, OpenRouter, llama.cpp, Ollama).
    Wrapped { error: ErrorField },
    /// `{"object": "error", "message": ..., "type": ..., "code": ...}` (vLLM).
    Flat(FlatError),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ErrorField {
    Text(String),
    Object(ErrorObject),
}

#[derive(Debug, Deserialize)]
struct ErrorObject {
    #[serde(default)]
    message: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    code: Option<Code>,
}

#[derive(Debug, Deserialize)]
struct FlatError {
    message: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    code: Option<Code>,
}

/// Codes are strings at OpenAI and numbers (the HTTP status) elsewhere.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Code {
    Text(String),
    Number(u16),
}

/// Parses an OpenAI-family error body.
pub(crate) fn parse_error(body: &str) -> Option<ErrorDetails> {
    let (message, kind, code) = match serde_json::from_str::<Body>(body).ok()? {
        Body::Wrapped {
            error: ErrorField::Text(message),
        } => (message, None, None),
        Body::Wrapped {
            error: ErrorField::Object(e),
        } => (e.message, e.kind, e.code),
        Body::Flat(e) => (e.message, e.kind, e.code),
    };
    let (code, status) = match code {
        Some(Code::Text(code)) => (Some(code), None),
        Some(Code::Number(status)) => (None, Some(status)),
        None => (None, None),
    };
    let mut details = ErrorDetails::new(message, hint(kind.as_deref(), code.as_deref()));
    details.status = status;
    Some(details)
}

/// What an OpenAI `type` / `code` pair means.
pub(crate) fn hint(kind: Option<&str>, code: Option<&str>) -> Hint {
    match (kind, code) {
        (_, Some("context_length_exceeded" | "string_above_max_length"))
        | (Some("exceed_context_size_error"), _) => Hint::ContextTooLong,
        (
            _,
            Some("invalid_api_key" | "insufficient_quota" | "unsupported_country_region_territory"),
        )
        | (Some("insufficient_quota" | "authentication_error" | "permission_error"), _) => {
            Hint::Auth
        }
        (_, Some("rate_limit_exceeded")) => Hint::RateLimited,
        (_, Some("server_is_overloaded" | "slow_down")) => Hint::Overloaded,
        (_, Some("server_error")) | (Some("server_error"), _) => Hint::Server,
        _ => Hint::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_known_shapes() {
        let openai = r#"{"error":{"message":"too long","type":"invalid_request_error","param":"input","code":"context_length_exceeded"}}"#;
        assert_eq!(parse_error(openai).unwrap().hint, Hint::ContextTooLong);
        let ollama = r#"{"error":"model 'x' not found"}"#;
        let details = parse_error(ollama).unwrap();
        assert_eq!(details.message, "model 'x' not found");
        assert_eq!(details.hint, Hint::None);
        let llama = r#"{"error":{"code":400,"message":"request exceeds the context","type":"exceed_context_size_error"}}"#;
        assert_eq!(parse_error(llama).unwrap().hint, Hint::ContextTooLong);
        let vllm = r#"{"object":"error","message":"bad","type":"BadRequestError","code":400}"#;
        assert_eq!(parse_error(vllm).unwrap().message, "bad");
        let quota = r#"{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
        assert_eq!(parse_error(quota).unwrap().hint, Hint::Auth);
        assert!(parse_error("<html>bad gateway</html>").is_none());
    }
}
