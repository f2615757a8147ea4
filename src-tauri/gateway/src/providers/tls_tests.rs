//! Model calls over TLS against a real local HTTPS server (rustls, a self-signed certificate
//! made for the test): the answer streams when the certificate is trusted, and an untrusted one
//! is refused with a clear network error that holds no key. Also: an address that is no http(s)
//! URL is refused before anything is sent.

use super::http::HttpClient;
use super::testing;
use crate::config::ProviderKind;
use crate::keys::Secret;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ANSWER: &str =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":null}]}\n\n\
data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
data: [DONE]\n\n";

/// An HTTPS server on 127.0.0.1 for `localhost` that answers one request with [`ANSWER`] and
/// hands back the request head it read. Returns its port, its certificate and the head.
async fn https_server() -> (
    u16,
    CertificateDer<'static>,
    tokio::task::JoinHandle<Option<String>>,
) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.clone()], key)
    .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.ok()?;
        let mut tls = acceptor.accept(tcp).await.ok()?;
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = tls.read(&mut buffer).await.ok()?;
            if read == 0 {
                return None;
            }
            seen.extend_from_slice(&buffer[..read]);
        }
        let head = String::from_utf8_lossy(&seen).to_ascii_lowercase();
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{ANSWER}",
            ANSWER.len()
        );
        tls.write_all(reply.as_bytes()).await.ok()?;
        tls.shutdown().await.ok()?;
        Some(head)
    });
    (port, cert, served)
}

fn provider_at(port: u16, http: HttpClient) -> Arc<dyn super::Provider> {
    let base_url = format!("https://localhost:{port}/v1");
    testing::provider_with_client(ProviderKind::OpenAiCompatible, "tls", &base_url, http)
}

#[tokio::test]
async fn a_trusted_https_provider_streams_its_answer() {
    let (port, cert, served) = https_server().await;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let provider = provider_at(port, HttpClient::trusting(roots));
    let stream = provider
        .stream(
            testing::simple_request("m"),
            Some(Secret::new("sk-tls-test-key")),
        )
        .await
        .unwrap();
    let (events, error) = testing::collect(stream).await;
    assert_eq!(error, None);
    assert_eq!(testing::text_of(&events), "ok");
    let head = served.await.unwrap().expect("the server read a request");
    assert!(
        head.starts_with("post /v1/chat/completions http/1.1\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\nhost: localhost:"), "{head}");
    assert!(head.contains("\r\nuser-agent: hearth/"), "{head}");
    assert!(
        head.contains("\r\ncontent-type: application/json\r\n"),
        "{head}"
    );
    assert!(
        head.contains("\r\nauthorization: bearer sk-tls-test-key\r\n"),
        "{head}"
    );
}

#[tokio::test]
async fn a_certificate_not_signed_by_a_known_authority_is_refused() {
    let (port, _cert, served) = https_server().await;
    // The production client: Mozilla's roots only.
    let provider = provider_at(port, super::http_client());
    let error = provider
        .stream(
            testing::simple_request("m"),
            Some(Secret::new("sk-tls-test-key")),
        )
        .await
        .err()
        .expect("an untrusted certificate fails the call");
    assert_eq!(error.kind(), "network", "{error}");
    let shown = error.to_string();
    assert!(shown.to_lowercase().contains("certificate"), "{shown}");
    assert!(!shown.contains("sk-tls-test-key"), "{shown}");
    assert_eq!(served.await.unwrap(), None, "no request reached the server");
}

#[tokio::test]
async fn a_provider_address_that_is_no_http_url_is_a_clear_error() {
    for base_url in ["ftp://example.com/v1", "not a url"] {
        let provider = testing::provider(ProviderKind::OpenAiCompatible, "p", base_url);
        let error = provider
            .stream(testing::simple_request("m"), None)
            .await
            .err()
            .expect("nothing is sent");
        assert_eq!(error.kind(), "network", "{base_url}: {error}");
        assert!(
            error.to_string().contains("not a valid http(s) URL"),
            "{base_url}: {error}"
        );
    }
}
