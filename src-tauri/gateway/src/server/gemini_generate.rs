//! `POST /v1beta/models/{model}:generateContent` and
//! `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (Gemini; the same under `/v1/`,
//! the default API version of `google-genai` 3), so the official `google-genai` SDKs work
//! unchanged against the local API. The model segment is a Hearth
//! model name (`PROVIDER_ID/MODEL`, an alias or a model name): the SDK puts `models/` before it
//! and sends the slash as is (`/v1beta/models/loc/llama:generateContent`); a percent-encoded
//! slash (`loc%2Fllama`) works too. The request is translated into the shared
//! [`crate::providers::ChatRequest`] ([`request`]) and routed like every other endpoint
//! ([`super::proxy`]); the answer comes back as `GenerateContentResponse`s ([`answer`]).
//! Errors, 401 included, are Gemini's `{"error": {"code", "message", "status"}}`.

pub mod answer;
pub mod request;
#[cfg(test)]
mod route_tests;
#[cfg(test)]
mod tests;
pub mod wire;

use super::auth::Authenticated;
use super::body_limit::ApiBody;
use super::error::{ApiError, ApiFormat, ErrorKind};
use super::proxy;
use super::request_log::RequestLog;
use super::routing;
use super::state::ServerState;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use wire::GenerateContentRequest;

const FORMAT: ApiFormat = ApiFormat::Gemini;

/// The method named after the model in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `:generateContent`: one JSON answer.
    Generate,
    /// `:streamGenerateContent`: SSE with `alt=sse`, else a JSON array of chunks.
    Stream,
}

/// The model name and method of the path after `/v1beta/models/` (e.g.
/// `loc/llama-x:generateContent`; a model name may itself contain `:`).
pub fn parse_target(target: &str) -> Result<(String, Method), ApiError> {
    let not_found = |message: String| ApiError::new(ErrorKind::NoRoute, FORMAT, message);
    let Some((model, method)) = target.rsplit_once(':') else {
        return Err(not_found(format!(
            "no method in 'models/{target}': use models/MODEL:generateContent or \
             models/MODEL:streamGenerateContent"
        )));
    };
    let method = match method {
        "generateContent" => Method::Generate,
        "streamGenerateContent" => Method::Stream,
        other => {
            return Err(not_found(format!(
                "method '{other}' is not supported by Hearth's local API \
                 (generateContent and streamGenerateContent are)"
            )))
        }
    };
    // A client that wrote the full resource name into a raw URL: `models/models/NAME`.
    let model = model.strip_prefix("models/").unwrap_or(model).trim();
    if model.is_empty() {
        return Err(ApiError::new(
            ErrorKind::InvalidRequest,
            FORMAT,
            "the model name is empty",
        ));
    }
    Ok((model.to_string(), method))
}

/// Whether the query string asks for server-sent events (`alt=sse`).
fn wants_sse(query: Option<&str>) -> bool {
    query
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair.eq_ignore_ascii_case("alt=sse"))
}

/// Handler for `POST /v1beta/models/{*target}` and `POST /v1/models/{*target}`.
pub async fn generate(
    State(state): State<ServerState>,
    Extension(log): Extension<RequestLog>,
    Authenticated(client): Authenticated,
    target: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    ApiBody(body): ApiBody<GenerateContentRequest>,
) -> Result<Response, ApiError> {
    let Path(target) =
        target.map_err(|e| ApiError::new(ErrorKind::InvalidRequest, FORMAT, e.body_text()))?;
    let (requested, method) = parse_target(&target)?;
    let model = routing::route(&state.gateway.config(), &client, &requested, FORMAT)?;
    let chat = request::to_chat_request(&body, &requested)?;
    let thoughts = request::include_thoughts(&body);
    let stream = method == Method::Stream;
    let call = proxy::open(&state, &log, &client, model, chat, stream, FORMAT).await?;
    if stream && wants_sse(query.as_deref()) {
        return Ok(proxy::sse(call, answer::ChunkWriter::new(requested, thoughts)).await);
    }
    let collected = call.collect().await?;
    let whole = answer::response(&requested, answer::new_response_id(), &collected, thoughts);
    if stream {
        // Without `alt=sse` the stream is a JSON array of responses: here, one.
        return Ok(Json([whole]).into_response());
    }
    Ok(Json(whole).into_response())
}
