//! Authentication: every API request carries a Hearth client token (`hearth token create`) as
//! `Authorization: Bearer`, `x-api-key` (Anthropic SDK) or `x-goog-api-key` (Gemini SDK), so
//! the official SDKs work unchanged; Gemini routes also take `?key=` like Google's REST
//! examples (the action log records paths without their query, and redaction masks `key=`).
//! There is no way to turn this off. The matched [`Client`] is put in the request's extensions
//! for the checks and handlers after it (run by [`super::guard`]).

use super::error::{ApiError, ApiFormat, ErrorKind};
use super::request_log::RequestLog;
use super::state::ServerState;
use super::tokens::Client;
use axum::extract::Request;
use axum::http::HeaderMap;

/// Refuses (401) a request without a valid token; otherwise the [`Client`] joins the request
/// (its extensions, and `log` as the actor).
pub async fn check(
    state: &ServerState,
    request: &mut Request,
    format: ApiFormat,
    log: &RequestLog,
) -> Result<(), ApiError> {
    let token = presented_token(request.headers()).or_else(|| match format {
        // Gemini's REST examples put the key in the query string (`?key=`).
        ApiFormat::Gemini => query_token(request.uri()),
        _ => None,
    });
    let Some(token) = token else {
        return Err(ApiError::new(
            ErrorKind::Unauthenticated,
            format,
            "missing API token: create one with `hearth token create NAME` and send it as \
             Authorization: Bearer, x-api-key or x-goog-api-key",
        ));
    };
    let client = match state.tokens.authenticate(&token).await {
        Ok(Some(client)) => client,
        Ok(None) => {
            return Err(ApiError::new(
                ErrorKind::Unauthenticated,
                format,
                "invalid or revoked API token (see `hearth token list`)",
            ))
        }
        Err(error) => {
            tracing::error!(%error, "cannot read API tokens");
            return Err(ApiError::new(
                ErrorKind::Internal,
                format,
                "cannot read API tokens",
            ));
        }
    };
    log.set_client(&client.name);
    request.extensions_mut().insert(client);
    Ok(())
}

/// The token from the first auth header present.
pub fn presented_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    bearer
        .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()))
        .or_else(|| headers.get("x-goog-api-key").and_then(|v| v.to_str().ok()))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The token in a `key=` query parameter, if any.
pub fn query_token(uri: &axum::http::Uri) -> Option<String> {
    let query =
        axum::extract::Query::<std::collections::HashMap<String, String>>::try_from_uri(uri)
            .ok()?
            .0;
    query
        .get("key")
        .map(|key| key.trim().to_string())
        .filter(|key| !key.is_empty())
}

/// The client of an authenticated request (extractor).
pub struct Authenticated(pub Client);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Client>()
            .cloned()
            .map(Authenticated)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorKind::Unauthenticated,
                    ApiFormat::detect(parts.uri.path(), &parts.headers),
                    "missing API token",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_are_read_from_each_sdk_header() {
        for (name, value) in [
            ("authorization", "Bearer hth_a"),
            ("authorization", "bearer   hth_a "),
            ("x-api-key", "hth_a"),
            ("x-goog-api-key", "hth_a"),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_static(value));
            assert_eq!(
                presented_token(&headers).as_deref(),
                Some("hth_a"),
                "{name}"
            );
        }
        let mut basic = HeaderMap::new();
        basic.insert("authorization", HeaderValue::from_static("Basic abc"));
        assert_eq!(presented_token(&basic), None);
        assert_eq!(presented_token(&HeaderMap::new()), None);
    }

    #[test]
    fn a_key_query_parameter_is_read_and_decoded() {
        let uri: axum::http::Uri = "/v1beta/models/loc/m:generateContent?alt=sse&key=hth_a%2Bb"
            .parse()
            .unwrap();
        assert_eq!(query_token(&uri).as_deref(), Some("hth_a+b"));
        let none: axum::http::Uri = "/v1beta/models?alt=sse&key=".parse().unwrap();
        assert_eq!(query_token(&none), None);
    }
}
