//! The body-size limit (`server.max_body_bytes` → 413 in the caller's format): a declared
//! `Content-Length` over the limit is refused before the body is read; a chunked body is cut by
//! axum's `DefaultBodyLimit` (set from the same setting at start-up) and refused by [`ApiBody`].

use super::error::{ApiError, ApiFormat, ErrorKind};
use crate::config::Config;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;

/// Refuses (413) a declared body larger than the limit in force.
pub fn check(request: &Request, config: &Config, format: ApiFormat) -> Result<(), ApiError> {
    let limit = config.server.max_body_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(format, limit));
    }
    Ok(())
}

fn too_large(format: ApiFormat, limit: usize) -> ApiError {
    ApiError::new(
        ErrorKind::TooLarge,
        format,
        format!("the request body is larger than server.max_body_bytes ({limit} bytes)"),
    )
}

/// A JSON request body of type `T`, with errors (too large, malformed) in the caller's format.
pub struct ApiBody<T>(pub T);

impl<T, S> FromRequest<S> for ApiBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let format = ApiFormat::detect(request.uri().path(), request.headers());
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(ErrorKind::TooLarge, format, "the request body is too large")
                } else {
                    ApiError::new(ErrorKind::InvalidRequest, format, rejection.body_text())
                }
            })?;
        serde_json::from_slice(&bytes).map(ApiBody).map_err(|e| {
            ApiError::new(
                ErrorKind::InvalidRequest,
                format,
                format!("the request body is not valid JSON for this endpoint: {e}"),
            )
        })
    }
}
