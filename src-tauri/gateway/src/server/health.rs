//! `GET /health`: liveness and version, no auth (it reveals nothing private).

use axum::Json;
use serde::Serialize;

/// The health response body.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: &'static str,
    /// Hearth's version.
    pub version: &'static str,
}

/// Handler for `GET /health`.
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: crate::VERSION,
    })
}
