//! HTTPS beyond the system roots: a private CA (refused by default with a clear message,
//! trusted with `--cacert` or `tls: { ca }`, accepted blindly with `--insecure`), client
//! certificates (mTLS), expired certificates and `expect.tls` checks on the certificate's
//! facts. Every certificate is made here with rcgen: a small CA plus leaf certificates
//! (a bare self-signed certificate is not a realistic fixture); nothing is committed.

use crate::common;

use common::{tcp_server, Workspace};
use planrun::results::{ErrorKind, Outcome};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{self, RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;

const DAY: u64 = 24 * 60 * 60;

/// A private CA that signs server and client certificates.
pub(crate) struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A certificate signed by the CA, with its key.
struct Leaf {
    cert: CertificateDer<'static>,
    cert_pem: String,
    key: KeyPair,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key"))
            .expect("CA certificate");
        Ca { issuer }
    }

    pub(crate) fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A certificate for 127.0.0.1 and localhost valid from `from` to `until`.
    fn leaf(&self, common_name: &str, from: SystemTime, until: SystemTime) -> Leaf {
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .expect("leaf params");
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.not_before = rcgen::date_time_ymd(1970, 1, 1) + unix(from);
        params.not_after = rcgen::date_time_ymd(1970, 1, 1) + unix(until);
        let key = KeyPair::generate().expect("leaf key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("leaf certificate");
        Leaf {
            cert: cert.der().clone(),
            cert_pem: cert.pem(),
            key,
        }
    }

    /// A server certificate valid for a year.
    fn server(&self) -> Leaf {
        let now = SystemTime::now();
        self.leaf(
            "planrun test server",
            now - Duration::from_secs(DAY),
            now + Duration::from_secs(365 * DAY),
        )
    }
}

/// Seconds since 1970, for rcgen's date type (which this crate does not name).
fn unix(t: SystemTime) -> Duration {
    Duration::from_secs(t.duration_since(UNIX_EPOCH).expect("after 1970").as_secs())
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A server presenting `leaf` (and the CA after it); with `clients`, it demands a client
/// certificate signed by that CA.
fn server_config(ca: &Ca, leaf: &Leaf, clients: Option<&Ca>) -> ServerConfig {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key.serialize_der()));
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("protocol versions");
    let builder = match clients {
        None => builder.with_no_client_auth(),
        Some(client_ca) => {
            let mut roots = RootCertStore::empty();
            roots
                .add(client_ca.issuer.der().clone())
                .expect("client CA");
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .expect("client verifier");
            builder.with_client_cert_verifier(verifier)
        }
    };
    builder
        .with_single_cert(vec![leaf.cert.clone(), ca.issuer.der().clone()], key)
        .expect("server config")
}

/// An HTTPS server answering every request with `{"secure":true}`; returns its port.
fn https_server(config: ServerConfig) -> u16 {
    let acceptor = TlsAcceptor::from(Arc::new(config));
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

/// A server with a certificate from a fresh private CA; the CA's PEM is returned too.
pub(crate) fn private_server() -> (u16, Ca) {
    let ca = Ca::new("planrun test CA");
    let leaf = ca.server();
    (https_server(server_config(&ca, &leaf, None)), ca)
}

const PLAN: &str = "name: tls\nsteps:\n  - name: over https\n    timeout: 5s\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200, json: { $.secure: true } }\n";

fn base(port: u16) -> String {
    format!("base=https://127.0.0.1:{port}")
}

#[test]
fn an_untrusted_certificate_is_refused_with_a_clear_message() {
    let (port, _ca) = private_server();
    let ws = Workspace::new("tls-refused");
    ws.write("plans/tls.yaml", PLAN);
    let out = ws.run(&["plans", "--var", &base(port)]);
    let step = out.step("over https");
    assert_eq!(step.outcome, Outcome::Error);
    assert_eq!(step.error_kind, Some(ErrorKind::TlsError));
    let message = step.message.as_deref().unwrap_or("");
    assert!(
        message.contains(&format!("TLS with 127.0.0.1:{port} failed")),
        "{message}"
    );
    assert!(message.to_lowercase().contains("certificate"), "{message}");
    assert!(
        message.contains("--cacert") && message.contains("--insecure"),
        "the message says how to trust it: {message}"
    );
    assert_eq!(out.code(), 1);
}

#[test]
fn insecure_accepts_it() {
    let (port, _ca) = private_server();
    let ws = Workspace::new("tls-insecure");
    ws.write("plans/tls.yaml", PLAN);
    let out = ws.run(&["plans", "--insecure", "--var", &base(port)]);
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
    let (port, _ca) = private_server();
    let ws = Workspace::new("tls-step");
    ws.write(
        "plans/tls.yaml",
        "name: tls\nsteps:\n  - name: opted in\n    insecure: true\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200 }\n  - name: not opted in\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200 }\n",
    );
    let out = ws.run(&["plans", "--var", &base(port)]);
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
            .map(ErrorKind::junit_type)
            .as_deref(),
        Some("TlsError")
    );
}

#[test]
fn cacert_trusts_a_private_ca_and_the_results_record_the_certificate() {
    let (port, ca) = private_server();
    let ws = Workspace::new("tls-cacert");
    ws.write("plans/tls.yaml", PLAN);
    ws.write("certs/ca.pem", &ca.pem());
    let out = ws.run(&["plans", "--cacert", "certs/ca.pem", "--var", &base(port)]);
    let step = out.step("over https");
    assert_eq!(step.outcome, Outcome::Passed, "{}", out.exec);
    let facts = step
        .response
        .as_ref()
        .and_then(|r| r.tls.clone())
        .expect("certificate facts recorded");
    assert!(
        facts.subject.contains("CN=planrun test server"),
        "{facts:?}"
    );
    assert!(facts.issuer.contains("CN=planrun test CA"), "{facts:?}");
    assert_eq!(facts.sans, vec!["127.0.0.1", "localhost"]);
    assert!((363..=365).contains(&facts.days_left), "{facts:?}");
    assert!(facts.not_after.ends_with('Z'), "{facts:?}");
    let raw = &out.raw["plans"][0]["steps"][0]["response"]["tls"];
    assert_eq!(raw["sans"][1], "localhost", "{raw}");
    // Received, not checked: the HTML step detail shows it; the Markdown does not.
    let html = ws.exec(
        &[
            "report",
            "--from",
            "out/results.json",
            "--html",
            "out/report.html",
        ],
        &[],
    );
    assert_eq!(html.code, 0, "{html}");
    let page = ws.read("out/report.html");
    assert!(
        page.contains("CN=planrun test server, issued by CN=planrun test CA, for 127.0.0.1, localhost; expires in 36"),
        "the HTML step detail shows the certificate"
    );
    assert!(!out.markdown.contains("Certificate:"), "{}", out.markdown);
}

#[test]
fn a_missing_or_bad_cacert_stops_the_run_naming_the_file() {
    let ws = Workspace::new("tls-cacert-bad");
    ws.write("plans/tls.yaml", PLAN);
    ws.write("certs/not.pem", "hello\n");
    let missing = ws.exec(
        &[
            "run",
            "plans",
            "--cacert",
            "certs/none.pem",
            "--var",
            "base=https://127.0.0.1:9",
        ],
        &[],
    );
    assert_eq!(missing.code, 2, "{missing}");
    assert!(
        missing.stderr.contains("--cacert") && missing.stderr.contains("certs/none.pem"),
        "{missing}"
    );
    let not_pem = ws.exec(
        &[
            "run",
            "plans",
            "--cacert",
            "certs/not.pem",
            "--var",
            "base=https://127.0.0.1:9",
        ],
        &[],
    );
    assert_eq!(not_pem.code, 2, "{not_pem}");
    assert!(
        not_pem.stderr.contains("certs/not.pem") && not_pem.stderr.contains("no certificate"),
        "{not_pem}"
    );
}

#[test]
fn tls_ca_in_defaults_or_planrun_yaml_is_relative_to_its_file() {
    let (port, ca) = private_server();
    let ws = Workspace::new("tls-ca-key");
    ws.write("plans/certs/ca.pem", &ca.pem());
    ws.write(
        "plans/tls.yaml",
        "name: tls\ndefaults: { tls: { ca: certs/ca.pem } }\nsteps:\n  - name: over https\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200 }\n",
    );
    let out = ws.run(&["plans", "--var", &base(port)]);
    assert_eq!(
        out.step("over https").outcome,
        Outcome::Passed,
        "{}",
        out.exec
    );

    let ws = Workspace::new("tls-ca-suite");
    ws.write("ca/private.pem", &ca.pem());
    ws.write("planrun.yaml", "tls: { ca: ca/private.pem }\n");
    ws.write("plans/tls.yaml", PLAN);
    let out = ws.run(&["plans", "--var", &base(port)]);
    assert_eq!(
        out.step("over https").outcome,
        Outcome::Passed,
        "{}",
        out.exec
    );
}

#[test]
fn bad_tls_files_are_load_errors_at_the_key_that_names_them() {
    let ca = Ca::new("bad files CA");
    let client = ca.server();
    let other = ca.server();
    let ws = Workspace::new("tls-bad-files");
    ws.write("plans/certs/not.pem", "not a certificate\n");
    ws.write("plans/certs/client.pem", &client.cert_pem);
    ws.write("plans/certs/other.key", &other.key.serialize_pem());
    ws.write(
        "plans/tls.yaml",
        "name: tls\nsteps:\n  - name: missing ca\n    tls: { ca: certs/none.pem }\n    request: { url: \"https://127.0.0.1:9/\" }\n  - name: not pem\n    tls: { ca: certs/not.pem }\n    request: { url: \"https://127.0.0.1:9/\" }\n  - name: wrong key\n    tls: { cert: certs/client.pem, key: certs/other.key }\n    request: { url: \"https://127.0.0.1:9/\" }\n  - name: no key\n    tls: { cert: certs/client.pem }\n    request: { url: \"https://127.0.0.1:9/\" }\n",
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    let text = format!("{}{}", out.stdout, out.stderr);
    for (line, says) in [
        (4, "certs/none.pem"),
        (7, "no certificate"),
        (10, "does not belong to the certificate"),
        (13, "tls.cert needs tls.key"),
    ] {
        let at = format!("plans/tls.yaml:{line}:");
        assert!(
            text.lines().any(|l| l.contains(&at) && l.contains(says)),
            "no `{says}` at {at}:\n{text}"
        );
    }
}

#[test]
fn mtls_needs_the_client_certificate() {
    let ca = Ca::new("mtls CA");
    let leaf = ca.server();
    let port = https_server(server_config(&ca, &leaf, Some(&ca)));
    let now = SystemTime::now();
    let client = ca.leaf(
        "planrun client",
        now - Duration::from_secs(DAY),
        now + Duration::from_secs(30 * DAY),
    );
    let ws = Workspace::new("tls-mtls");
    ws.write("plans/certs/ca.pem", &ca.pem());
    ws.write("plans/certs/client.pem", &client.cert_pem);
    ws.write("plans/certs/client.key", &client.key.serialize_pem());
    ws.write(
        "plans/tls.yaml",
        "name: tls\ndefaults: { tls: { ca: certs/ca.pem }, timeout: 5s }\nsteps:\n  - name: without a client certificate\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200 }\n  - name: with one\n    tls: { cert: certs/client.pem, key: certs/client.key }\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200, json: { $.secure: true } }\n",
    );
    let out = ws.run(&["plans", "--var", &base(port)]);
    let refused = out.step("without a client certificate");
    assert_eq!(refused.outcome, Outcome::Error, "{}", out.exec);
    let message = refused.message.as_deref().unwrap_or("");
    assert!(
        message.contains("CertificateRequired")
            && message.contains("tls: { cert: FILE, key: FILE }"),
        "the message names what is missing and how to give it: {message}"
    );
    assert_eq!(
        out.step("with one").outcome,
        Outcome::Passed,
        "{}",
        out.exec
    );
}

#[test]
fn an_expired_certificate_is_an_error_that_says_expired() {
    let ca = Ca::new("expired CA");
    let now = SystemTime::now();
    let leaf = ca.leaf(
        "expired server",
        now - Duration::from_secs(60 * DAY),
        now - Duration::from_secs(2 * DAY),
    );
    let port = https_server(server_config(&ca, &leaf, None));
    let ws = Workspace::new("tls-expired");
    ws.write("plans/tls.yaml", PLAN);
    ws.write("ca.pem", &ca.pem());
    let out = ws.run(&["plans", "--cacert", "ca.pem", "--var", &base(port)]);
    let step = out.step("over https");
    assert_eq!(step.error_kind, Some(ErrorKind::TlsError), "{}", out.exec);
    let message = step.message.as_deref().unwrap_or("");
    assert!(message.contains("expired"), "{message}");
}

#[test]
fn expect_tls_days_left_passes_and_fails() {
    let ca = Ca::new("soon CA");
    let now = SystemTime::now();
    let leaf = ca.leaf(
        "expiring server",
        now - Duration::from_secs(DAY),
        now + Duration::from_secs(10 * DAY + 3600),
    );
    let port = https_server(server_config(&ca, &leaf, None));
    let ws = Workspace::new("tls-days-left");
    ws.write("ca.pem", &ca.pem());
    ws.write(
        "plans/tls.yaml",
        "name: tls\ndefaults: { expect: { status: 200 } }\nsteps:\n  - name: a week is enough\n    request: { url: \"{{ base }}/x\" }\n    expect: { tls: { days_left: { gte: 7 }, subject: { contains: expiring }, sans: { contains: localhost } } }\n  - name: a month is wanted\n    request: { url: \"{{ base }}/x\" }\n    expect: { tls: { days_left: { gt: 30 } } }\n  - name: plain http has no certificate\n    request: { url: \"{{ plain }}/status/404\" }\n    expect: { status: 404, tls: { days_left: { gt: 30 } } }\n",
    );
    let plain = common::server::TestServer::start();
    let out = ws.run(&[
        "plans",
        "--cacert",
        "ca.pem",
        "--var",
        &base(port),
        "--var",
        &format!("plain=http://{}", plain.addr),
    ]);
    let ok = out.step("a week is enough");
    assert_eq!(ok.outcome, Outcome::Passed, "{}", out.exec);
    assert_eq!(ok.checks.len(), 4);
    let short = out.step("a month is wanted");
    assert_eq!(short.outcome, Outcome::Failed);
    assert_eq!(short.error_kind, Some(ErrorKind::CertificateMismatch));
    let message = short.message.as_deref().unwrap_or("");
    assert_eq!(
        message, "certificate expires in 10 days: expected more than 30",
        "reads as a sentence"
    );
    // The reports show the certificate where a step checked it, and the failure as said.
    let cert_line = "Certificate: CN=expiring server, issued by CN=soon CA, for 127.0.0.1, localhost; expires in 10 days (";
    let markdown = &out.markdown;
    assert!(markdown.contains(&format!("   {cert_line}")), "{markdown}");
    assert!(
        markdown.contains("certificate expires in 10 days: expected more than 30"),
        "{markdown}"
    );
    assert!(
        out.junit.contains("certificate: CN=expiring server"),
        "{}",
        out.junit
    );
    let plain = out.step("plain http has no certificate");
    assert_eq!(plain.outcome, Outcome::Failed);
    assert!(
        plain
            .message
            .as_deref()
            .unwrap_or("")
            .contains("no certificate"),
        "{:?}",
        plain.message
    );
}
