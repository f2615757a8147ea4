//! Errors of the local API, written in the caller's API format: OpenAI's
//! `{"error": {"message", "type", "param", "code"}}`, Anthropic's
//! `{"type": "error", "error": {"type", "message"}}` or Gemini's
//! `{"error": {"code", "message", "status"}}`, so each official SDK raises its own typed
//! exception (`AuthenticationError`, `RateLimitError`, `ClientError`, ...).

use crate::providers::ProviderError;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::time::Duration;

/// Which API family a request speaks; decides the shape of its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiFormat {
    /// OpenAI Chat Completions, Responses, Models (and the default).
    OpenAi,
    /// Anthropic Messages (and Models when the `anthropic-version` header is sent).
    Anthropic,
    /// Gemini `generateContent` (every `/v1beta/` path, `/v1/models/…:generateContent` and
    /// requests carrying `x-goog-api-key`).
    Gemini,
}

impl ApiFormat {
    /// The format of a request to `path` with these headers: `/v1beta/…`, a Gemini method
    /// (`/v1/models/…:generateContent`) and requests carrying `x-goog-api-key` are Gemini's;
    /// `/v1/messages…` and requests carrying `anthropic-version` are Anthropic's; everything
    /// else is OpenAI's.
    pub fn detect(path: &str, headers: &HeaderMap) -> ApiFormat {
        let gemini_method = path.starts_with("/v1/models/")
            && (path.ends_with(":generateContent") || path.ends_with(":streamGenerateContent"));
        if path.starts_with("/v1beta/") || gemini_method || headers.contains_key("x-goog-api-key") {
            ApiFormat::Gemini
        } else if path.starts_with("/v1/messages") || headers.contains_key("anthropic-version") {
            ApiFormat::Anthropic
        } else {
            ApiFormat::OpenAi
        }
    }
}

/// What went wrong, independent of the wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed or unsupported request (400).
    InvalidRequest,
    /// No or unknown token (401).
    Unauthenticated,
    /// The token may not do this, or the request came from a refused origin or host (403).
    Forbidden,
    /// No such model (404).
    NotFound,
    /// No such route or method (404).
    NoRoute,
    /// The Host header names neither loopback nor an allowed name (421).
    MisdirectedHost,
    /// The body is larger than `server.max_body_bytes` (413).
    TooLarge,
    /// Too many requests for this token (429).
    RateLimited,
    /// The upstream provider failed or answered an error (502, or the provider's own status).
    Upstream,
    /// The provider is overloaded (529 for Anthropic, 503 for OpenAI).
    Overloaded,
    /// A failure inside Hearth (500).
    Internal,
}

/// An error answer of the local API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong.
    pub kind: ErrorKind,
    /// A clear message (never a secret).
    pub message: String,
    /// The format to write it in.
    pub format: ApiFormat,
    /// For 429: when to retry.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// An error of `kind` with its usual status.
    pub fn new(kind: ErrorKind, format: ApiFormat, message: impl Into<String>) -> Self {
        let status = match kind {
            ErrorKind::InvalidRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound | ErrorKind::NoRoute => StatusCode::NOT_FOUND,
            ErrorKind::MisdirectedHost => StatusCode::MISDIRECTED_REQUEST,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Upstream => StatusCode::BAD_GATEWAY,
            ErrorKind::Overloaded => match format {
                ApiFormat::Anthropic => {
                    StatusCode::from_u16(529).unwrap_or(StatusCode::BAD_GATEWAY)
                }
                ApiFormat::OpenAi | ApiFormat::Gemini => StatusCode::SERVICE_UNAVAILABLE,
            },
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            kind,
            message: message.into(),
            format,
            retry_after: None,
        }
    }

    /// The same error with another status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// A provider failure as the caller should see it: the provider's rejection of the request
    /// keeps its 4xx status (the client sent something the model refuses), rate limits stay
    /// 429 with their delay, everything else is a 502/503 from the gateway.
    pub fn from_provider(error: &ProviderError, format: ApiFormat) -> Self {
        let message = error.to_string();
        match error {
            ProviderError::InvalidRequest { status, .. } => {
                let status = StatusCode::from_u16(*status)
                    .ok()
                    .filter(|s| s.is_client_error())
                    .unwrap_or(StatusCode::BAD_REQUEST);
                ApiError::new(ErrorKind::InvalidRequest, format, message).with_status(status)
            }
            ProviderError::ContextTooLong { .. } => {
                ApiError::new(ErrorKind::InvalidRequest, format, message)
            }
            ProviderError::RateLimited { retry_after, .. } => {
                let mut e = ApiError::new(ErrorKind::RateLimited, format, message);
                e.retry_after = *retry_after;
                e
            }
            ProviderError::Overloaded { .. } => {
                ApiError::new(ErrorKind::Overloaded, format, message)
            }
            ProviderError::Timeout { .. } => ApiError::new(ErrorKind::Upstream, format, message)
                .with_status(StatusCode::GATEWAY_TIMEOUT),
            _ => ApiError::new(ErrorKind::Upstream, format, message),
        }
    }

    /// The `type` string of the error body in the caller's format.
    pub fn type_name(&self) -> &'static str {
        match (self.format, self.kind) {
            (ApiFormat::OpenAi, ErrorKind::InvalidRequest | ErrorKind::TooLarge) => {
                "invalid_request_error"
            }
            (ApiFormat::OpenAi, ErrorKind::Unauthenticated) => "authentication_error",
            (ApiFormat::OpenAi, ErrorKind::Forbidden | ErrorKind::MisdirectedHost) => {
                "permission_error"
            }
            (ApiFormat::OpenAi, ErrorKind::NotFound | ErrorKind::NoRoute) => "not_found_error",
            (ApiFormat::OpenAi, ErrorKind::RateLimited) => "rate_limit_error",
            (ApiFormat::OpenAi, ErrorKind::Upstream | ErrorKind::Overloaded) => "upstream_error",
            (ApiFormat::OpenAi, ErrorKind::Internal) => "server_error",
            (ApiFormat::Anthropic, ErrorKind::InvalidRequest) => "invalid_request_error",
            (ApiFormat::Anthropic, ErrorKind::Unauthenticated) => "authentication_error",
            (ApiFormat::Anthropic, ErrorKind::Forbidden | ErrorKind::MisdirectedHost) => {
                "permission_error"
            }
            (ApiFormat::Anthropic, ErrorKind::NotFound | ErrorKind::NoRoute) => "not_found_error",
            (ApiFormat::Anthropic, ErrorKind::TooLarge) => "request_too_large",
            (ApiFormat::Anthropic, ErrorKind::RateLimited) => "rate_limit_error",
            (ApiFormat::Anthropic, ErrorKind::Overloaded) => "overloaded_error",
            (ApiFormat::Anthropic, ErrorKind::Upstream | ErrorKind::Internal) => "api_error",
            (ApiFormat::Gemini, _) => self.rpc_status(),
        }
    }

    /// The error body as JSON text (also used inside SSE `error` events).
    pub fn body_json(&self) -> String {
        let text = match self.format {
            ApiFormat::OpenAi => serde_json::to_string(&OpenAiErrorBody {
                error: OpenAiError {
                    message: &self.message,
                    kind: self.type_name(),
                    param: None,
                    code: self.code(),
                },
            }),
            ApiFormat::Anthropic => serde_json::to_string(&AnthropicErrorBody {
                kind: "error",
                error: AnthropicError {
                    kind: self.type_name(),
                    message: &self.message,
                },
            }),
            ApiFormat::Gemini => serde_json::to_string(&GeminiErrorBody {
                error: GeminiError {
                    code: self.status.as_u16(),
                    message: &self.message,
                    status: self.rpc_status(),
                },
            }),
        };
        text.unwrap_or_else(|_| "{}".into())
    }

    /// Gemini's `status`: the `google.rpc.Code` name of the HTTP status (Google's mapping).
    fn rpc_status(&self) -> &'static str {
        match self.status.as_u16() {
            400 | 413 => "INVALID_ARGUMENT",
            401 => "UNAUTHENTICATED",
            403 | 421 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            409 => "ABORTED",
            429 => "RESOURCE_EXHAUSTED",
            499 => "CANCELLED",
            501 => "UNIMPLEMENTED",
            502 | 503 | 529 => "UNAVAILABLE",
            504 => "DEADLINE_EXCEEDED",
            status if (400..500).contains(&status) => "FAILED_PRECONDITION",
            _ => "INTERNAL",
        }
    }

    /// OpenAI's machine-readable `code`.
    fn code(&self) -> Option<&'static str> {
        match self.kind {
            ErrorKind::Unauthenticated => Some("invalid_api_key"),
            ErrorKind::NotFound => Some("model_not_found"),
            ErrorKind::RateLimited => Some("rate_limit_exceeded"),
            ErrorKind::TooLarge => Some("request_too_large"),
            ErrorKind::MisdirectedHost => Some("host_not_allowed"),
            _ => None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            self.body_json(),
        )
            .into_response();
        if let Some(wait) = self.retry_after {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            if let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string()) {
                response.headers_mut().insert("retry-after", value);
            }
        }
        response
    }
}

#[derive(Serialize)]
struct OpenAiErrorBody<'a> {
    error: OpenAiError<'a>,
}

#[derive(Serialize)]
struct OpenAiError<'a> {
    message: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    param: Option<&'a str>,
    code: Option<&'static str>,
}

#[derive(Serialize)]
struct AnthropicErrorBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    error: AnthropicError<'a>,
}

#[derive(Serialize)]
struct AnthropicError<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    message: &'a str,
}

#[derive(Serialize)]
struct GeminiErrorBody<'a> {
    error: GeminiError<'a>,
}

#[derive(Serialize)]
struct GeminiError<'a> {
    code: u16,
    message: &'a str,
    status: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_path_and_headers() {
        let none = HeaderMap::new();
        assert_eq!(
            ApiFormat::detect("/v1/messages", &none),
            ApiFormat::Anthropic
        );
        assert_eq!(
            ApiFormat::detect("/v1/chat/completions", &none),
            ApiFormat::OpenAi
        );
        assert_eq!(
            ApiFormat::detect("/v1beta/models/loc/m:generateContent", &none),
            ApiFormat::Gemini
        );
        assert_eq!(
            ApiFormat::detect("/v1/models/loc/m:streamGenerateContent", &none),
            ApiFormat::Gemini
        );
        let mut google = HeaderMap::new();
        google.insert("x-goog-api-key", HeaderValue::from_static("hth_x"));
        assert_eq!(ApiFormat::detect("/v1/models", &google), ApiFormat::Gemini);
        let mut anthropic = HeaderMap::new();
        anthropic.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
        assert_eq!(
            ApiFormat::detect("/v1/models", &anthropic),
            ApiFormat::Anthropic
        );
    }

    #[test]
    fn bodies_have_each_api_shape() {
        let openai = ApiError::new(ErrorKind::Unauthenticated, ApiFormat::OpenAi, "no token");
        let body: serde_json::Value = serde_json::from_str(&openai.body_json()).unwrap();
        assert_eq!(body["error"]["type"], "authentication_error");
        assert_eq!(body["error"]["code"], "invalid_api_key");
        assert_eq!(body["error"]["message"], "no token");
        let anthropic = ApiError::new(ErrorKind::Overloaded, ApiFormat::Anthropic, "busy");
        assert_eq!(anthropic.status.as_u16(), 529);
        let body: serde_json::Value = serde_json::from_str(&anthropic.body_json()).unwrap();
        assert_eq!(body["type"], "error");
        assert_eq!(body["error"]["type"], "overloaded_error");
        let gemini = ApiError::new(ErrorKind::Unauthenticated, ApiFormat::Gemini, "no token");
        let body: serde_json::Value = serde_json::from_str(&gemini.body_json()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": 401, "message": "no token", "status": "UNAUTHENTICATED"}})
        );
        let busy = ApiError::new(ErrorKind::Overloaded, ApiFormat::Gemini, "busy");
        assert_eq!(busy.status.as_u16(), 503);
        assert_eq!(busy.type_name(), "UNAVAILABLE");
    }

    #[test]
    fn an_unknown_route_is_not_reported_as_an_unknown_model() {
        let code = |kind| {
            let error = ApiError::new(kind, ApiFormat::OpenAi, "x");
            let body: serde_json::Value = serde_json::from_str(&error.body_json()).unwrap();
            assert_eq!(error.status, StatusCode::NOT_FOUND);
            assert_eq!(body["error"]["type"], "not_found_error");
            body["error"]["code"].clone()
        };
        assert_eq!(code(ErrorKind::NotFound), "model_not_found");
        assert_eq!(code(ErrorKind::NoRoute), serde_json::Value::Null);
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let mut error = ApiError::new(ErrorKind::RateLimited, ApiFormat::OpenAi, "slow down");
        error.retry_after = Some(Duration::from_millis(1500));
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "2");
    }

    #[test]
    fn provider_rejections_keep_their_client_status() {
        let error = ProviderError::InvalidRequest {
            provider: "p".into(),
            status: 404,
            message: "no such model".into(),
        };
        assert_eq!(
            ApiError::from_provider(&error, ApiFormat::OpenAi).status,
            StatusCode::NOT_FOUND
        );
        let error = ProviderError::Server {
            provider: "p".into(),
            status: 500,
            message: "boom".into(),
        };
        assert_eq!(
            ApiError::from_provider(&error, ApiFormat::OpenAi).status,
            StatusCode::BAD_GATEWAY
        );
    }
}
