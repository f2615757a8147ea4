//! The local HTTP API on loopback (axum). Today: `GET /health`. The OpenAI- and
//! Anthropic-compatible routes join here, one file per API family.

mod health;

use axum::Router;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The listen address is not `HOST:PORT`.
    #[error("invalid listen address '{0}': expected HOST:PORT, e.g. 127.0.0.1:8765")]
    BadAddress(String),
    /// Binding failed (port in use, permission...).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address tried.
        addr: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The router with every route of the local API.
pub fn router() -> Router {
    Router::new().route("/health", axum::routing::get(health::health))
}

/// Binds `addr` (a literal `IP:PORT`).
pub async fn bind(addr: &str) -> Result<(TcpListener, SocketAddr), ServerError> {
    let parsed: SocketAddr = addr
        .parse()
        .map_err(|_| ServerError::BadAddress(addr.to_string()))?;
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
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn health_answers_with_the_version() {
        let (listener, addr) = bind("127.0.0.1:0").await.unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, router(), async {
            let _ = rx.await;
        }));
        let body: serde_json::Value = reqwest::get(format!("http://{addr}/health"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["version"], crate::VERSION);
        tx.send(()).unwrap();
        server.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn bad_addresses_are_explained() {
        let err = bind("localhost").await.unwrap_err();
        assert!(err.to_string().contains("HOST:PORT"));
    }
}
