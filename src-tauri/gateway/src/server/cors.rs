//! CORS, off by default: a request carrying an `Origin` header (a web page) is refused with 403
//! unless `server.cors_origins` lists that exact origin; then the answer carries the CORS headers
//! and preflight (`OPTIONS`) requests are answered here, before authentication.

use super::error::{ApiError, ApiFormat, ErrorKind};
use super::state::ServerState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Headers a browser client may send.
const ALLOWED_HEADERS: &str =
    "authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta, openai-beta";

/// Middleware: refuses foreign origins; adds CORS headers for configured ones.
pub async fn cors(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let Some(origin) = request.headers().get(header::ORIGIN).cloned() else {
        return next.run(request).await;
    };
    let allowed = {
        let config = state.gateway.config();
        origin
            .to_str()
            .is_ok_and(|o| config.server.cors_origins.iter().any(|a| a == o))
    };
    if !allowed {
        let format = ApiFormat::detect(request.uri().path(), request.headers());
        return ApiError::new(
            ErrorKind::Forbidden,
            format,
            format!(
                "requests from origin '{}' are not allowed: add it to server.cors_origins to let a web page use Hearth",
                origin.to_str().unwrap_or("?")
            ),
        )
        .into_response();
    }
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
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
        r
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    response
}
