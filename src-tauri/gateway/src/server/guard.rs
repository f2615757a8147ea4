//! The local API's one middleware: every request passes the same checks, in this order, before
//! a handler sees it —
//!
//! 1. its [`RequestLog`] starts (so refusals are logged too);
//! 2. [`host_guard::check`]: the Host is loopback or allowed (421);
//! 3. [`cors::check`]: no `Origin`, or an allowed one (403); an allowed preflight is answered
//!    here, before authentication;
//! 4. [`body_limit::check`]: a declared body within `server.max_body_bytes` (413);
//! 5. [`auth::check`]: a valid client token (401);
//! 6. [`rate_limit::check`]: the client within its budget (429);
//!
//! then the handler; on the way out the CORS headers are added and the request is logged
//! ([`RequestLog::finish`]) unless its handler logged it. One layer instead of one per check:
//! each axum layer boxes and clones the service below it on every request.

use super::error::ApiFormat;
use super::request_log::RequestLog;
use super::state::ServerState;
use super::{auth, body_limit, cors, host_guard, rate_limit};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Middleware: the checks above, then the handler, then the log.
pub async fn guard(State(state): State<ServerState>, mut request: Request, next: Next) -> Response {
    let log = RequestLog::start(&state, &request);
    request.extensions_mut().insert(log.clone());
    let response = checked(&state, request, &log, next).await;
    log.finish(response).await
}

async fn checked(
    state: &ServerState,
    mut request: Request,
    log: &RequestLog,
    next: Next,
) -> Response {
    let format = ApiFormat::detect(request.uri().path(), request.headers());
    let config = state.gateway.config();
    if let Err(refused) = host_guard::check(&request, &config, format) {
        return refused.into_response();
    }
    let origin = match cors::check(&request, &config, format) {
        Ok(origin) => origin,
        Err(refused) => return refused.into_response(),
    };
    let preflight = origin.as_ref().and_then(|_| cors::preflight(&request));
    let mut response = match preflight {
        Some(answer) => answer,
        None => {
            let admitted = async {
                body_limit::check(&request, &config, format)?;
                auth::check(state, &mut request, format, log).await?;
                rate_limit::check(state, &config, &request, format)
            }
            .await;
            drop(config);
            match admitted {
                Ok(()) => next.run(request).await,
                Err(refused) => refused.into_response(),
            }
        }
    };
    if let Some(origin) = origin {
        cors::decorate(&mut response, origin);
    }
    response
}
