//! CORS, off by default: a request carrying an `Origin` header (a web page) is refused with 403
//! unless `server.cors_origins` lists that exact origin; then the answer carries the CORS headers
//! and preflight (`OPTIONS`) requests are answered here, before authentication.

use super::error::{ApiError, ApiFormat, ErrorKind};
use crate::config::Config;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// Headers a browser client may send.
const ALLOWED_HEADERS: &str =
    "authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta, openai-beta";

/// Refuses (403) a request from an origin not in `server.cors_origins`. `Ok(Some(origin))`
/// for an allowed one: the answer then needs [`decorate`]; `Ok(None)` without an `Origin`.
pub fn check(
    request: &Request,
    config: &Config,
    format: ApiFormat,
) -> Result<Option<HeaderValue>, ApiError> {
    let Some(origin) = request.headers().get(header::ORIGIN) else {
        return Ok(None);
    };
    if origin
        .to_str()
        .is_ok_and(|o| config.server.cors_origins.iter().any(|a| a == o))
    {
        return Ok(Some(origin.clone()));
    }
    Err(ApiError::new(
        ErrorKind::Forbidden,
        format,
        format!(
            "requests from origin '{}' are not allowed: add it to server.cors_origins to let a web page use Hearth",
            origin.to_str().unwrap_or("?")
        ),
    ))
}

/// The answer to a preflight request (`OPTIONS` with `Access-Control-Request-Method`) from an
/// allowed origin, given before authentication; `None` for any other request.
pub fn preflight(request: &Request) -> Option<Response> {
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if !preflight {
        return None;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOWED_HEADERS),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    Some(response)
}

/// Adds the CORS headers for an allowed `origin` to its answer.
pub fn decorate(response: &mut Response, origin: HeaderValue) {
    let h = response.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.append(header::VARY, HeaderValue::from_static("Origin"));
}
