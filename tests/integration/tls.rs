//! HTTPS with a certificate no system root trusts: refused by default with a clear
//! message, accepted with `--insecure`. The server is a small CA plus a leaf
//! certificate made here (a bare self-signed certificate is not a realistic fixture).

use crate::common;

use common::{tcp_server, Workspace};
use planrun::results::Outcome;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

fn tls_config() -> ServerConfig {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
        .expect("CA certificate");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("leaf params")
        .signed_by(&leaf_key, &ca)
        .expect("leaf certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
        .expect("server config")
}

/// An HTTPS server answering every request with `{"secure":true}`; returns its port.
fn https_server() -> u16 {
    let acceptor = TlsAcceptor::from(Arc::new(tls_config()));
    tcp_server(move |tcp| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = tls.read(&mut buf).await;
            let body = b"{\"secure\":true}";
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = tls.write_all(head.as_bytes()).await;
            let _ = tls.write_all(body).await;
            let _ = tls.shutdown().await;
        }
    })
}

const PLAN: &str = "name: tls\nsteps:\n  - name: over https\n    timeout: 5s\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200, json: { $.secure: true } }\n";

#[test]
fn an_untrusted_certificate_is_refused_with_a_clear_message() {
    let port = https_server();
    let ws = Workspace::new("tls-refused");
    ws.write("plans/tls.yaml", PLAN);
    let out = ws.run(&["plans", "--var", &format!("base=https://127.0.0.1:{port}")]);
    let step = out.step("over https");
    assert_eq!(step.outcome, Outcome::Error);
    assert_eq!(step.error_kind, Some(planrun::results::ErrorKind::TlsError));
    let message = step.message.as_deref().unwrap_or("");
    assert!(
        message.contains(&format!("TLS with 127.0.0.1:{port} failed")),
        "{message}"
    );
    assert!(message.to_lowercase().contains("certificate"), "{message}");
    assert!(
        message.contains("--insecure"),
        "the message says how to opt in: {message}"
    );
    assert_eq!(out.code(), 1);
}

#[test]
fn insecure_accepts_it() {
    let port = https_server();
    let ws = Workspace::new("tls-insecure");
    ws.write("plans/tls.yaml", PLAN);
    let out = ws.run(&[
        "plans",
        "--insecure",
        "--var",
        &format!("base=https://127.0.0.1:{port}"),
    ]);
    assert_eq!(
        out.step("over https").outcome,
        Outcome::Passed,
        "{}",
        out.exec
    );
    assert_eq!(out.code(), 0);
}

#[test]
fn insecure_on_a_step_accepts_it_for_that_step_only() {
    let port = https_server();
    let ws = Workspace::new("tls-step");
    ws.write(
        "plans/tls.yaml",
        "name: tls\nsteps:\n  - name: opted in\n    insecure: true\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200 }\n  - name: not opted in\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200 }\n",
    );
    let out = ws.run(&["plans", "--var", &format!("base=https://127.0.0.1:{port}")]);
    assert_eq!(
        out.step("opted in").outcome,
        Outcome::Passed,
        "{}",
        out.exec
    );
    assert_eq!(out.step("not opted in").outcome, Outcome::Error);
    assert_eq!(
        out.step("not opted in")
            .error_kind
            .map(planrun::results::ErrorKind::junit_type)
            .as_deref(),
        Some("TlsError")
    );
}
