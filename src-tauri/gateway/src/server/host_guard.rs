//! DNS-rebinding defence: the `Host` header (or HTTP/2 authority) must name a loopback host —
//! `localhost`, `127.0.0.1` (any `127.x.y.z`), `[::1]`, with or without a port — or a name listed
//! in `server.allowed_hosts`. A page on `attacker.example` whose name was re-pointed at
//! 127.0.0.1 sends `Host: attacker.example` and is refused with 421.

use super::error::{ApiError, ApiFormat, ErrorKind};
use super::state::ServerState;
use crate::config::Config;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses (421) a request whose Host is not loopback or allowed.
pub fn check(request: &Request, config: &Config, format: ApiFormat) -> Result<(), ApiError> {
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if host.is_some_and(|h| is_allowed_host(h, &config.server.allowed_hosts)) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorKind::MisdirectedHost,
        format,
        format!(
            "Host '{}' is not allowed: use localhost or 127.0.0.1, or add the name to server.allowed_hosts",
            host.unwrap_or_default()
        ),
    ))
}

/// Middleware for routes outside the API's [`super::guard`] (`/health`): only the Host check.
pub async fn host_guard(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let format = ApiFormat::detect(request.uri().path(), request.headers());
    let checked = check(&request, &state.gateway.config(), format);
    match checked {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Whether `host` (a Host header value, possibly with a port) is loopback or listed.
pub fn is_allowed_host(host: &str, allowed: &[String]) -> bool {
    let name = strip_port(host.trim()).to_ascii_lowercase();
    let name = name.trim_end_matches('.');
    if name == "localhost" || name == "::1" {
        return true;
    }
    if let Ok(ip) = name.parse::<std::net::Ipv4Addr>() {
        if ip.is_loopback() {
            return true;
        }
    }
    allowed.iter().any(|a| {
        let a = a.trim().to_ascii_lowercase();
        a == name || a == host.trim().to_ascii_lowercase()
    })
}

/// `example:80` → `example`; `[::1]:80` → `::1`; `[::1]` → `::1`.
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_addresses_pass() {
        for host in [
            "localhost",
            "localhost:8765",
            "LOCALHOST:1",
            "127.0.0.1",
            "127.0.0.1:8765",
            "127.1.2.3:9",
            "[::1]",
            "[::1]:8765",
        ] {
            assert!(is_allowed_host(host, &[]), "{host}");
        }
    }

    #[test]
    fn foreign_names_fail_unless_configured() {
        for host in [
            "attacker.example",
            "attacker.example:8765",
            "localhost.attacker.example",
            "192.168.1.5:8765",
            "0.0.0.0:8765",
            "[::2]:1",
            "",
        ] {
            assert!(!is_allowed_host(host, &[]), "{host}");
        }
        let allowed = vec!["hearth.tailnet.ts.net".to_string()];
        assert!(is_allowed_host("hearth.tailnet.ts.net", &allowed));
        assert!(is_allowed_host("hearth.tailnet.ts.net:443", &allowed));
        assert!(!is_allowed_host("other.ts.net", &allowed));
    }
}
