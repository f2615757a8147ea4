//! Outbound HTTP for the adapters: the one client ([`HttpClient`], made by [`http_client`]) and
//! [`Transport`], which POSTs a JSON body and hands back either the response body as a byte
//! stream (guarded by the idle timeout) or a typed, redacted [`ProviderError`].
//!
//! Model calls go through hyper's client directly rather than through reqwest (which wraps the
//! same client): reqwest parses the URL three times per request and runs a redirect layer even
//! with redirects off, about 35 µs per request on the local API's path (docs/benchmarks.md).
//! Nothing reqwest adds is wanted here: no redirects, no proxy from the environment, no
//! cookies, no decompression.
//!
//! Invariant: no request header (the key travels in one) ever reaches an error message; error
//! bodies are scrubbed of the key before they are kept.

use super::error_body::{self, ErrorDetails};
use super::{ProviderError, TimeoutKind};
use crate::keys::redact::scrub;
use crate::keys::Secret;
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::StreamExt;
use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION, USER_AGENT,
};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde::Serialize;
use std::time::Duration;

/// How long connecting to a provider may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest error body read from a provider (the rest is ignored).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The user agent of every model call.
const HEARTH_AGENT: &str = concat!("hearth/", env!("CARGO_PKG_VERSION"));

/// The HTTP client every provider call goes through: HTTP/1.1 and HTTP/2 (by ALPN) over rustls
/// with Mozilla's root certificates, a connect timeout, kept-alive connections, no proxy and no
/// redirects followed (nothing leaves unasked, and the key never travels to a host it was not
/// configured for). Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct HttpClient(Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>);

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClient")
    }
}

/// The client for provider calls (see [`HttpClient`]).
pub fn http_client() -> HttpClient {
    let mozilla = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    HttpClient::over(tls_config(mozilla))
}

/// A TLS configuration trusting `roots`.
fn tls_config(roots: rustls::RootCertStore) -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    // Invariant, not input: ring implements both of rustls' default versions.
    .expect("ring supports TLS 1.2 and 1.3")
    .with_root_certificates(roots)
    .with_no_client_auth()
}

impl HttpClient {
    fn over(tls: rustls::ClientConfig) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.set_connect_timeout(Some(CONNECT_TIMEOUT));
        tcp.set_nodelay(true);
        // The TLS layer above decides the scheme.
        tcp.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(tcp);
        HttpClient(
            Client::builder(TokioExecutor::new())
                .pool_timer(TokioTimer::new())
                .timer(TokioTimer::new())
                .build(connector),
        )
    }

    /// A client that trusts only `roots` (tests of the TLS path against a local server).
    #[cfg(test)]
    pub(crate) fn trusting(roots: rustls::RootCertStore) -> Self {
        HttpClient::over(tls_config(roots))
    }
}

/// A response body as a stream of chunks, already mapped to provider errors.
pub(crate) type ByteStream = BoxStream<'static, Result<Bytes, ProviderError>>;

/// Parses a provider's error body into [`ErrorDetails`] (`None` when it is not the documented
/// shape).
pub(crate) type ErrorParser = fn(&str) -> Option<ErrorDetails>;

/// A provider endpoint's address, parsed once when the adapter is built rather than on every
/// request (through `url`, so international host names are sent in their ASCII form). Text that
/// is no URL is kept as it is: sending to it fails with a clear error.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint(Result<http::Uri, String>);

impl Endpoint {
    /// The endpoint at `url`.
    pub fn new(url: String) -> Self {
        let parsed = reqwest::Url::parse(&url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .and_then(|u| u.as_str().parse::<http::Uri>().ok());
        Endpoint(parsed.ok_or(url))
    }
}

/// One provider's way out: its id, the shared client and the idle timeout.
#[derive(Clone)]
pub(crate) struct Transport {
    /// The configured provider id, used in error messages.
    pub provider_id: String,
    /// The shared client.
    pub http: HttpClient,
    /// The longest silence allowed between two chunks of a streamed body.
    pub idle_timeout: Duration,
}

impl Transport {
    /// A header value holding the key, marked sensitive so it is never printed.
    pub fn key_header(&self, value: &str) -> Result<HeaderValue, ProviderError> {
        let mut header = HeaderValue::from_str(value).map_err(|_| ProviderError::Auth {
            provider: self.provider_id.clone(),
            status: 0,
            message: "the key contains characters not allowed in an HTTP header".into(),
        })?;
        header.set_sensitive(true);
        Ok(header)
    }

    /// Adds `name: key` to `headers` when a key is given.
    pub fn with_key(
        &self,
        headers: &mut HeaderMap,
        name: HeaderName,
        prefix: &str,
        key: Option<&Secret>,
    ) -> Result<(), ProviderError> {
        if let Some(key) = key {
            headers.insert(name, self.key_header(&format!("{prefix}{}", key.expose()))?);
        }
        Ok(())
    }

    /// POSTs `body` as JSON and returns the streamed response body, or the typed error the
    /// provider answered with (parsed by `parse_error`, scrubbed of `key`).
    pub async fn post_stream<B: Serialize + ?Sized>(
        &self,
        url: &Endpoint,
        mut headers: HeaderMap,
        body: &B,
        key: Option<&Secret>,
        parse_error: ErrorParser,
    ) -> Result<ByteStream, ProviderError> {
        let payload = serde_json::to_vec(body).map_err(|e| ProviderError::InvalidRequest {
            provider: self.provider_id.clone(),
            status: 0,
            message: format!("cannot encode the request: {e}"),
        })?;
        let uri = match &url.0 {
            Ok(uri) => uri.clone(),
            Err(text) => {
                return Err(ProviderError::Network {
                    provider: self.provider_id.clone(),
                    message: scrub(
                        &format!("the provider address is not a valid http(s) URL: {text}"),
                        key,
                    ),
                })
            }
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(HEARTH_AGENT));
        headers
            .entry(ACCEPT)
            .or_insert(HeaderValue::from_static("*/*"));
        let mut request = http::Request::new(Full::new(Bytes::from(payload)));
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let response = self
            .http
            .0
            .request(request)
            .await
            .map_err(|e| self.transport_error(&e, key))?;
        let status = response.status();
        if status.is_redirection() {
            let target = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("elsewhere");
            return Err(ProviderError::InvalidRequest {
                provider: self.provider_id.clone(),
                status: status.as_u16(),
                message: scrub(
                    &format!(
                        "the provider redirects to {target}; redirects are not followed, \
                         so set base_url to the final address"
                    ),
                    key,
                ),
            });
        }
        if !status.is_success() {
            let retry_after = retry_after(response.headers());
            let text = read_capped(response, self.idle_timeout).await;
            let details = parse_error(&text).unwrap_or_else(|| ErrorDetails::raw(&text));
            return Err(error_body::classify(
                &self.provider_id,
                status.as_u16(),
                retry_after,
                details,
                key,
            ));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if content_type.starts_with("application/json") || content_type.starts_with("text/html") {
            // Not a stream: a proxy or portal answered, or the server ignored `stream: true`.
            let text = read_capped(response, self.idle_timeout).await;
            let details = parse_error(&text).unwrap_or_else(|| ErrorDetails::raw(&text));
            return Err(error_body::protocol(
                &self.provider_id,
                scrub(
                    &format!(
                        "expected a server-sent event stream, got {content_type}: {}",
                        details.message
                    ),
                    key,
                ),
            ));
        }
        let provider = self.provider_id.clone();
        let key = key.cloned();
        let chunks = response
            .into_body()
            .into_data_stream()
            .map(move |chunk| chunk.map_err(|e| network_error(&provider, &e, key.as_ref())));
        Ok(with_idle_timeout(
            chunks.boxed(),
            self.idle_timeout,
            self.provider_id.clone(),
        ))
    }

    /// Maps a failure to send the request.
    fn transport_error(
        &self,
        error: &hyper_util::client::legacy::Error,
        key: Option<&Secret>,
    ) -> ProviderError {
        if error.is_connect() && caused_by(error, std::io::ErrorKind::TimedOut) {
            ProviderError::Timeout {
                provider: self.provider_id.clone(),
                kind: TimeoutKind::Connect,
            }
        } else {
            network_error(&self.provider_id, error, key)
        }
    }
}

/// Whether an I/O error of `kind` is somewhere in `error`'s cause chain.
fn caused_by(error: &(dyn std::error::Error + 'static), kind: std::io::ErrorKind) -> bool {
    let mut source = Some(error);
    while let Some(cause) = source {
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// A network error with the whole cause chain (hyper's errors carry no URL), key scrubbed.
fn network_error(
    provider: &str,
    error: &(dyn std::error::Error + 'static),
    key: Option<&Secret>,
) -> ProviderError {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    ProviderError::Network {
        provider: provider.to_string(),
        message: scrub(&message, key),
    }
}

/// Reads at most [`MAX_ERROR_BODY`] bytes of an error response as text, giving up on a body
/// that stays silent for `idle`.
async fn read_capped(response: http::Response<hyper::body::Incoming>, idle: Duration) -> String {
    let mut body = Vec::new();
    let mut chunks = response.into_body().into_data_stream();
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout(idle, chunks.next()).await {
        body.extend_from_slice(&chunk);
        if body.len() >= MAX_ERROR_BODY {
            body.truncate(MAX_ERROR_BODY);
            break;
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// The delay a provider asked for: `retry-after-ms`, or `retry-after` in (fractional) seconds.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let read = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok();
    let valid = |v: f64| v.is_finite() && v >= 0.0;
    if let Some(ms) = read("retry-after-ms").filter(|v| valid(*v)) {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    read("retry-after")
        .filter(|v| valid(*v))
        .map(Duration::from_secs_f64)
}

/// Ends `stream` with a [`TimeoutKind::Idle`] error when no chunk arrives within `idle`.
pub(crate) fn with_idle_timeout(
    stream: ByteStream,
    idle: Duration,
    provider: String,
) -> ByteStream {
    futures::stream::unfold(Some(stream), move |state| {
        let provider = provider.clone();
        async move {
            let mut stream = state?;
            match tokio::time::timeout(idle, stream.next()).await {
                Ok(Some(item)) => Some((item, Some(stream))),
                Ok(None) => None,
                Err(_) => Some((
                    Err(ProviderError::Timeout {
                        provider,
                        kind: TimeoutKind::Idle,
                    }),
                    None,
                )),
            }
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_milliseconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
        let mut dated = HeaderMap::new();
        dated.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&dated), None);
    }

    #[tokio::test]
    async fn a_silent_body_ends_with_an_idle_timeout() {
        let silent = futures::stream::pending::<Result<Bytes, ProviderError>>().boxed();
        let mut stream = with_idle_timeout(silent, Duration::from_millis(20), "p".into());
        let first = stream.next().await.unwrap();
        assert_eq!(
            first,
            Err(ProviderError::Timeout {
                provider: "p".into(),
                kind: TimeoutKind::Idle
            })
        );
        assert!(stream.next().await.is_none());
    }

    #[test]
    fn the_client_builds() {
        let _client = http_client();
    }
}
