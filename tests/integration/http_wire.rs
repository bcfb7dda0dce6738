//! What goes on the wire for plain-HTTP steps, byte for byte. Those go straight on
//! hyper when no proxy applies, and through reqwest when one might (a proxy variable
//! in the environment, `--proxy`, a step's proxy) or for HTTPS: both paths must send
//! the same bytes and word failures the same way. A server on 127.0.0.1 records every
//! request as it arrived.

use crate::common;

use common::{closed_port, tcp_server, Workspace};
use planrun::results::{ErrorKind, Outcome};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const UA: &str = concat!("planrun/", env!("CARGO_PKG_VERSION"));

/// Reads one request (head, then a `Content-Length` body) off `stream`; `None` at EOF.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Some(buf.drain(..head_end + length).collect())
}

/// Records every request's bytes; answers `200` with a small JSON body and keeps the
/// connection open, except `/close-in-body`, which breaks off in the body.
fn recorder() -> (u16, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let port = tcp_server(move |mut stream| {
        let record = record.clone();
        async move {
            let mut buf = Vec::new();
            while let Some(request) = read_request(&mut stream, &mut buf).await {
                let text = String::from_utf8_lossy(&request).into_owned();
                let broken = text.starts_with("GET /close-in-body ");
                record.lock().unwrap().push(text);
                if broken {
                    let _ = stream
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"par")
                        .await;
                    return;
                }
                let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";
                if stream.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    });
    (port, seen)
}

const PLAN: &str = r#"
name: wire
steps:
  - name: get with query and headers
    request:
      url: "{{ base }}/items?x=1"
      query: { page: 2, q: "a b&c" }
      headers: { X-Request-Id: qa-1, Accept: application/json }
    expect: { status: 200, json: { $.ok: true } }
  - name: json post
    request:
      method: POST
      url: "{{ base }}/items"
      json: { name: widget, count: 3 }
  - name: form post
    request:
      method: POST
      url: "{{ base }}/login"
      form: { user: qa, password: "p&ss word" }
  - name: empty post
    request: { method: POST, url: "{{ base }}/empty" }
  - name: raw put, own headers
    request:
      method: PUT
      url: "{{ base }}/raw"
      headers: { Content-Type: text/plain, User-Agent: custom/1.0, Accept-Encoding: "" }
      body: "hello raw"
"#;

/// What today's planrun sends for [`PLAN`] (reqwest's order: the step's headers, then
/// what the body adds, then `Accept` and `User-Agent`, then hyper's `Host` and length).
fn expected(port: u16) -> Vec<String> {
    let host = format!("127.0.0.1:{port}");
    let enc = "accept-encoding: gzip, deflate, br, zstd\r\n";
    vec![
        format!("GET /items?x=1&page=2&q=a+b%26c HTTP/1.1\r\nx-request-id: qa-1\r\naccept: application/json\r\n{enc}user-agent: {UA}\r\nhost: {host}\r\n\r\n"),
        format!("POST /items HTTP/1.1\r\n{enc}content-type: application/json\r\naccept: */*\r\nuser-agent: {UA}\r\nhost: {host}\r\ncontent-length: 27\r\n\r\n{{\"name\":\"widget\",\"count\":3}}"),
        format!("POST /login HTTP/1.1\r\n{enc}content-type: application/x-www-form-urlencoded\r\naccept: */*\r\nuser-agent: {UA}\r\nhost: {host}\r\ncontent-length: 28\r\n\r\nuser=qa&password=p%26ss+word"),
        format!("POST /empty HTTP/1.1\r\n{enc}content-length: 0\r\naccept: */*\r\nuser-agent: {UA}\r\nhost: {host}\r\n\r\n"),
        format!("PUT /raw HTTP/1.1\r\ncontent-type: text/plain\r\nuser-agent: custom/1.0\r\naccept: */*\r\nhost: {host}\r\ncontent-length: 9\r\n\r\nhello raw"),
    ]
}

/// Through reqwest without going through a proxy: a proxy variable is set (so the
/// direct path is not taken) and `NO_PROXY` exempts every host.
fn via_reqwest(unused_proxy: &str) -> Vec<(&'static str, String)> {
    vec![
        ("HTTP_PROXY", unused_proxy.to_string()),
        ("NO_PROXY", "127.0.0.1,*".to_string()),
    ]
}

fn run_plan(plan: &str, port: u16, envs: &[(&str, String)]) -> common::RunOutput {
    let ws = Workspace::new("wire");
    ws.write("plans/wire.yaml", plan);
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let base = format!("base=http://127.0.0.1:{port}");
    ws.run_env(&["plans", "--var", &base], &envs)
}

#[test]
fn plain_http_requests_go_out_byte_for_byte_on_either_path() {
    let unused = format!("http://127.0.0.1:{}", closed_port());
    for envs in [Vec::new(), via_reqwest(&unused)] {
        let (port, seen) = recorder();
        let out = run_plan(PLAN, port, &envs);
        assert_eq!(out.code(), 0, "{envs:?}\n{out}");
        let seen = seen.lock().unwrap().clone();
        let want = expected(port);
        assert_eq!(seen.len(), want.len(), "{envs:?}: {seen:#?}");
        for (got, want) in seen.iter().zip(&want) {
            assert_eq!(got, want, "{envs:?}");
        }
    }
}

#[test]
fn a_proxied_step_still_goes_through_reqwest() {
    // The recorder stands in for the proxy: a proxied request names the whole URL.
    let (port, seen) = recorder();
    let plan = "name: p\nsteps:\n  - name: via proxy\n    request: { url: \"http://planrun.invalid/x\" }\n";
    let proxy = format!("http://127.0.0.1:{port}");
    let ws = Workspace::new("wire-proxy");
    ws.write("plans/p.yaml", plan);
    let out = ws.run(&["plans", "--proxy", &proxy]);
    assert_eq!(out.code(), 0, "{out}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert!(
        seen[0].starts_with("GET http://planrun.invalid/x HTTP/1.1\r\n"),
        "{}",
        seen[0]
    );
}

#[test]
fn failures_read_the_same_on_either_path() {
    let refused = closed_port();
    let plan = format!(
        r#"name: faults
defaults: {{ timeout: 5s }}
steps:
  - name: refused
    request: {{ url: "http://127.0.0.1:{refused}/x" }}
  - name: dns
    request: {{ url: "http://planrun-no-such-host.invalid/x" }}
  - name: closed in body
    request: {{ url: "{{{{ base }}}}/close-in-body" }}
"#
    );
    let unused = format!("http://127.0.0.1:{}", closed_port());
    let mut seen = Vec::new();
    for envs in [Vec::new(), via_reqwest(&unused)] {
        let (port, _) = recorder();
        let out = run_plan(&plan, port, &envs);
        let steps: Vec<(Option<ErrorKind>, String)> = out.results.plans[0]
            .steps
            .iter()
            .map(|s| {
                assert_eq!(s.outcome, Outcome::Error, "{}: {s:?}", s.name);
                let message = s.message.clone().unwrap_or_default();
                (s.error_kind, message.replace(&port.to_string(), "PORT"))
            })
            .collect();
        seen.push(steps);
    }
    assert_eq!(seen[0], seen[1]);
    let kinds: Vec<Option<ErrorKind>> = seen[0].iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        [
            Some(ErrorKind::ConnectionRefused),
            Some(ErrorKind::DnsError),
            Some(ErrorKind::BodyReadError)
        ]
    );
    assert_eq!(
        seen[0][2].1,
        "the response body could not be read to the end: error decoding response body: error reading a body from connection: end of file before message length reached"
    );
}

/// Without system CA certificates (`SSL_CERT_FILE` and `SSL_CERT_DIR` pointing
/// nowhere), plain HTTP still works: the certificates are read only by a step that
/// needs reqwest, and that step fails saying why.
#[test]
fn plain_http_runs_never_read_the_ca_certificates() {
    let (port, _) = recorder();
    let plan = format!(
        "name: p\nsteps:\n  - name: plain\n    request: {{ url: \"http://127.0.0.1:{port}/x\" }}\n    expect: {{ status: 200 }}\n  - name: tls\n    request: {{ url: \"https://127.0.0.1:{}/x\" }}\n",
        closed_port()
    );
    let ws = Workspace::new("wire-certs");
    ws.write("plans/p.yaml", &plan);
    let no_certs = [
        ("SSL_CERT_FILE", "/nonexistent/planrun-ca.pem"),
        ("SSL_CERT_DIR", "/nonexistent/planrun-ca"),
    ];
    let out = ws.run_env(&["plans"], &no_certs);
    assert_eq!(out.step("plain").outcome, Outcome::Passed, "{out}");
    let tls = out.step("tls");
    assert_eq!(tls.error_kind, Some(ErrorKind::ClientError), "{tls:?}");
    let message = tls.message.as_deref().unwrap_or("");
    assert!(
        message.starts_with("cannot start the HTTP client: "),
        "{message}"
    );

    // When a proxy applies to every plain-HTTP step, the client is built up front and
    // a machine that cannot start one is told at once.
    let proxy = format!("http://127.0.0.1:{}", closed_port());
    let mut envs = no_certs.to_vec();
    envs.push(("HTTP_PROXY", &proxy));
    let exec = ws.exec(&["run", "plans"], &envs);
    assert_eq!(exec.code, 2, "{exec}");
    assert!(
        exec.stderr.contains("cannot start the HTTP client: "),
        "{exec}"
    );
}
