//! Fault injection: a server that misbehaves on purpose, at the TCP level. Each fault
//! becomes one `error` step with a clear cause, the run goes on to the next step, and
//! every report is written. One run covers every fault; each test checks one.

use crate::common;

use common::{closed_port, tcp_server, Workspace};
use planrun::results::{Outcome, RunResults, StepResult};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Starts the misbehaving server on its own thread; returns its port.
fn faulty_server() -> u16 {
    tcp_server(serve)
}

async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

async fn serve(mut stream: TcpStream) {
    let head = read_head(&mut stream).await;
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let w = &mut stream;
    match path.as_str() {
        "/close-in-headers" => {
            let _ = w.write_all(b"HTTP/1.1 200 OK\r\nContent-Ty").await;
        }
        "/close-in-body" => {
            let _ = w
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":")
                .await;
        }
        "/trickle" => {
            let _ = w
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
                .await;
            for _ in 0..100 {
                if w.write_all(b"x").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        "/endless" => {
            let _ = w
                .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                .await;
            let chunk = format!("{:x}\r\n{}\r\n", 65536, "a".repeat(65536));
            while w.write_all(chunk.as_bytes()).await.is_ok() {}
        }
        "/not-json" => respond(w, "200 OK", "text/html", b"<html>]]></html>").await,
        "/latin1" => respond(w, "200 OK", "text/plain", b"caf\xe9 \xff ok").await,
        "/loop-a" => redirect(w, "/loop-b").await,
        "/loop-b" => redirect(w, "/loop-a").await,
        "/not-http" => {
            let _ = w.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        }
        _ => respond(w, "200 OK", "application/json", b"{\"ok\":true}").await,
    }
    let _ = w.shutdown().await;
}

async fn respond(w: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = w.write_all(head.as_bytes()).await;
    let _ = w.write_all(body).await;
}

async fn redirect(w: &mut TcpStream, to: &str) {
    let head = format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let _ = w.write_all(head.as_bytes()).await;
}

struct Faults {
    results: RunResults,
    code: i32,
    junit: String,
    markdown: String,
}

/// One run over every fault, then a healthy step that must still be sent.
fn faults() -> &'static Faults {
    static RUN: OnceLock<Faults> = OnceLock::new();
    RUN.get_or_init(|| {
        let port = faulty_server();
        let refused = closed_port();
        let ws = Workspace::new("faults");
        let plan = format!(
            r#"name: faults
defaults:
  timeout: 2s
steps:
  - name: refused
    request: {{ url: "http://127.0.0.1:{refused}/x" }}
  - name: dns
    request: {{ url: "http://planrun-no-such-host.invalid/x" }}
  - name: closed in headers
    request: {{ url: "{{{{ base }}}}/close-in-headers" }}
  - name: closed in body
    request: {{ url: "{{{{ base }}}}/close-in-body" }}
  - name: trickle
    timeout: 700ms
    request: {{ url: "{{{{ base }}}}/trickle" }}
  - name: endless
    timeout: 30s
    request: {{ url: "{{{{ base }}}}/endless" }}
  - name: not json
    request: {{ url: "{{{{ base }}}}/not-json" }}
    expect: {{ json: {{ $.ok: true }} }}
  - name: latin1
    request: {{ url: "{{{{ base }}}}/latin1" }}
    expect: {{ status: 200, body: {{ contains: ok }} }}
  - name: redirect loop
    request: {{ url: "{{{{ base }}}}/loop-a", follow_redirects: true }}
  - name: not http
    request: {{ url: "{{{{ base }}}}/not-http" }}
  - name: still running
    request: {{ url: "{{{{ base }}}}/ok" }}
    expect: {{ status: 200, json: {{ $.ok: true }} }}
"#
        );
        ws.write("plans/faults.yaml", &plan);
        let out = ws.run(&["plans", "--var", &format!("base=http://127.0.0.1:{port}")]);
        Faults {
            code: out.code(),
            results: out.results.clone(),
            junit: out.junit.clone(),
            markdown: out.markdown.clone(),
        }
    })
}

fn step(name: &str) -> &'static StepResult {
    faults().results.plans[0]
        .steps
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no step {name}"))
}

fn assert_error(name: &str, kind: &str, says: &str) {
    let s = step(name);
    assert_eq!(s.outcome, Outcome::Error, "{name}: {s:?}");
    assert_eq!(
        s.error_kind
            .map(planrun::results::ErrorKind::junit_type)
            .as_deref(),
        Some(kind),
        "{name}: {:?}",
        s.message
    );
    let message = s.message.as_deref().unwrap_or("");
    assert!(
        message.contains(says),
        "{name}: `{message}` should say `{says}`"
    );
    let junit_error = format!("type=\"{kind}\"");
    assert!(
        faults().junit.contains(&junit_error),
        "JUnit has {junit_error}"
    );
}

#[test]
fn connection_refused() {
    assert_error(
        "refused",
        "ConnectionRefused",
        "connection refused by 127.0.0.1",
    );
}

#[test]
fn dns_failure() {
    assert_error(
        "dns",
        "DnsError",
        "cannot resolve host `planrun-no-such-host.invalid`",
    );
}

#[test]
fn server_closes_in_the_middle_of_the_headers() {
    assert_error(
        "closed in headers",
        "ConnectionError",
        "request to 127.0.0.1",
    );
}

#[test]
fn server_closes_in_the_middle_of_the_body() {
    assert_error(
        "closed in body",
        "BodyReadError",
        "could not be read to the end",
    );
}

#[test]
fn a_body_trickling_past_the_timeout() {
    assert_error("trickle", "Timeout", "timed out after 700 ms");
}

#[test]
fn an_endless_body_is_capped() {
    assert_error(
        "endless",
        "BodyTooLarge",
        "response body over the 10 MiB cap after ",
    );
}

#[test]
fn invalid_json_where_a_jsonpath_check_needs_json() {
    assert_error("not json", "InvalidJson", "response is not JSON");
}

#[test]
fn a_non_utf8_body_is_decoded_lossily_and_says_so() {
    let s = step("latin1");
    assert_eq!(s.outcome, Outcome::Passed, "{s:?}");
    let excerpt = &s.response.as_ref().expect("response").body_excerpt;
    assert!(excerpt.starts_with("[the body is not valid UTF-8: shown decoded lossily]"));
    assert!(excerpt.contains("caf\u{fffd} \u{fffd} ok"), "{excerpt}");
}

#[test]
fn a_redirect_loop_when_following() {
    assert_error("redirect loop", "RedirectLoop", "redirect loop");
}

#[test]
fn a_server_that_does_not_speak_http() {
    assert_error("not http", "ConnectionError", "request to 127.0.0.1");
}

#[test]
fn the_run_goes_on_and_every_report_is_written() {
    let f = faults();
    assert_eq!(step("still running").outcome, Outcome::Passed);
    assert_eq!(f.code, 1);
    let doc = roxmltree::Document::parse(&f.junit).expect("JUnit is well-formed");
    let errors = doc
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .count();
    assert_eq!(errors, 9, "one <error> per fault");
    assert!(f.markdown.contains("faults"));
    assert!(!f.junit.contains("<html>]]></html>"), "]]> is neutralised");
}
