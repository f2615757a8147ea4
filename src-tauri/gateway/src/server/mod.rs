//! The local HTTP API (axum): OpenAI- and Anthropic-compatible endpoints on loopback, so other
//! apps on the machine use Hearth as their AI endpoint while the keys stay in the keychain.
//!
//! Routes: `GET /health` (no auth), `POST /v1/chat/completions` ([`openai_chat`]),
//! `POST /v1/responses` ([`openai_responses`]), `POST /v1/messages` ([`anthropic_messages`]),
//! `GET /v1/models` ([`models`]; also `GET /v1beta/models` for Gemini's clients), Gemini's `POST /v1beta/models/{model}:generateContent` (also
//! under `/v1/`, and `:streamGenerateContent`; [`gemini_generate`]). Each family translates its
//! wire format into the shared [`crate::providers::ChatRequest`] and the
//! [`crate::providers::StreamEvent`]s back; the
//! shared proxy path is [`proxy`]. Tool calls go back to the client: Hearth's agent loop and
//! tools do not run for API requests. Reasoning goes both ways: each family's reasoning
//! control becomes [`crate::providers::Reasoning`], and the upstream's reasoning comes back
//! in the family's shape ([`reasoning`]).
//!
//! Lock-down, one check per concern, run in this order by the one middleware [`guard`]:
//! [`request_log`] (every request in the action log) → [`host_guard`] (DNS rebinding: 421) →
//! [`cors`] (foreign `Origin`: 403) → [`body_limit`] (413) → [`auth`] (401, never off) →
//! [`rate_limit`] (429). Errors are written in
//! the caller's API format ([`error`]). A non-loopback listen address is refused unless
//! `allow_remote` is given ([`check_listen`]).

pub mod anthropic_messages;
pub mod auth;
pub mod body_limit;
pub mod coalesce;
pub mod cors;
pub mod error;
pub mod gemini_generate;
pub mod guard;
mod health;
pub mod host_guard;
pub mod models;
pub mod openai_chat;
pub mod openai_responses;
pub mod proxy;
pub mod rate_limit;
pub mod reasoning;
pub mod request_log;
pub mod routing;
mod state;
pub mod token_changes;
pub mod tokens;

#[cfg(test)]
pub(crate) mod harness;
#[cfg(test)]
mod reasoning_tests;
#[cfg(test)]
mod tests;

pub use state::ServerState;
pub use tokens::{TokenError, TokenInfo, TokenStore};

use crate::Gateway;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use error::{ApiError, ApiFormat, ErrorKind};
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The listen address is not `HOST:PORT`.
    #[error("invalid listen address '{0}': expected HOST:PORT, e.g. 127.0.0.1:8765")]
    BadAddress(String),
    /// A non-loopback address without `allow_remote`.
    #[error("refusing to listen on {0}: it is not a loopback address. Other machines could reach the API; prefer an authenticated tunnel (see README, \"Remote access\") or pass --allow-remote")]
    NotLoopback(String),
    /// Binding failed (port in use, permission...).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address tried.
        addr: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("the local API failed: {0}")]
    Serve(std::io::Error),
}

/// The router with every route of the local API and its lock-down ([`guard`]).
pub fn router(state: ServerState) -> Router {
    let max_body = state.gateway.config().server.max_body_bytes;
    let api = Router::new()
        .route("/v1/chat/completions", post(openai_chat::chat_completions))
        .route("/v1/responses", post(openai_responses::responses))
        .route("/v1/messages", post(anthropic_messages::messages))
        .route("/v1beta/models/{*target}", post(gemini_generate::generate))
        .route("/v1/models/{*target}", post(gemini_generate::generate))
        .route("/v1/models", get(models::models))
        .route("/v1beta/models", get(models::models))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(from_fn_with_state(state.clone(), guard::guard))
        .with_state(state.clone());
    let health = Router::new()
        .route("/health", get(health::health))
        .layer(from_fn_with_state(state.clone(), host_guard::host_guard))
        .with_state(state);
    health.merge(api)
}

async fn not_found(request: axum::extract::Request) -> ApiError {
    let format = ApiFormat::detect(request.uri().path(), request.headers());
    ApiError::new(
        ErrorKind::NoRoute,
        format,
        format!("no route {} {}", request.method(), request.uri().path()),
    )
}

/// Refuses a non-loopback address unless `allow_remote`.
pub fn check_listen(addr: &str, allow_remote: bool) -> Result<SocketAddr, ServerError> {
    let parsed: SocketAddr = addr
        .parse()
        .map_err(|_| ServerError::BadAddress(addr.to_string()))?;
    if !parsed.ip().is_loopback() && !allow_remote {
        return Err(ServerError::NotLoopback(addr.to_string()));
    }
    Ok(parsed)
}

/// Binds `addr` (a literal `IP:PORT`; loopback unless `allow_remote`).
pub async fn bind(
    addr: &str,
    allow_remote: bool,
) -> Result<(TcpListener, SocketAddr), ServerError> {
    let parsed = check_listen(addr, allow_remote)?;
    let listener = TcpListener::bind(parsed)
        .await
        .map_err(|source| ServerError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: addr.to_string(),
        source,
    })?;
    Ok((listener, local))
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains open requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Streamed answers are many small writes: without TCP_NODELAY, Nagle's algorithm and the
    // client's delayed ACK hold frames back for ~40 ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Runs the local API of `gateway` on an already bound `listener` until `shutdown` resolves.
/// This is what `hearth serve` and the desktop app call (bind first with [`bind`] to report
/// the address).
pub async fn run(
    gateway: Gateway,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let state = ServerState::new(gateway);
    serve(listener, router(state), shutdown)
        .await
        .map_err(ServerError::Serve)
}
