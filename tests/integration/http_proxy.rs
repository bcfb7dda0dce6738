//! Proxies: `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` (either case) and `--proxy URL`. The
//! proxy is a small loopback one written here: it forwards absolute-form requests
//! (`GET http://host:port/path`) and tunnels `CONNECT`, and records what went through it.
//! Environment variables are set only on the planrun child process (tests run in
//! parallel in one process).

use crate::common;

use common::server::TestServer;
use common::{tcp_server, Workspace};
use planrun::results::Outcome;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The request lines (`GET http://… HTTP/1.1`, `CONNECT host:port HTTP/1.1`) and the
/// `Proxy-Authorization` headers the proxy saw.
#[derive(Default)]
struct Seen {
    lines: Vec<String>,
    auth: Vec<String>,
}

async fn read_head(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Some((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
    }
}

/// Starts the proxy; returns its port and what it records.
fn proxy() -> (u16, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = seen.clone();
    let port = tcp_server(move |mut client| {
        let record = record.clone();
        async move {
            let Some((head, rest)) = read_head(&mut client).await else {
                return;
            };
            let mut lines = head.split("\r\n");
            let request_line = lines.next().unwrap_or_default().to_string();
            let headers: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
            {
                let mut seen = record.lock().unwrap();
                seen.lines.push(request_line.clone());
                seen.auth.extend(
                    headers
                        .iter()
                        .filter(|h| h.to_ascii_lowercase().starts_with("proxy-authorization:"))
                        .map(|h| h.to_string()),
                );
            }
            let mut parts = request_line.split(' ');
            let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if method == "CONNECT" {
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                return;
            }
            // Absolute form → origin form, one request per connection.
            let Some(after) = target.strip_prefix("http://") else {
                return;
            };
            let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
            let Ok(mut upstream) = TcpStream::connect(authority).await else {
                return;
            };
            let mut forwarded = format!(
                "{method} {} HTTP/1.1\r\n",
                if path.is_empty() { "/" } else { path }
            );
            for h in headers {
                let lower = h.to_ascii_lowercase();
                if !lower.starts_with("connection:") && !lower.starts_with("proxy-") {
                    forwarded.push_str(h);
                    forwarded.push_str("\r\n");
                }
            }
            forwarded.push_str("Connection: close\r\n\r\n");
            let _ = upstream.write_all(forwarded.as_bytes()).await;
            let _ = upstream.write_all(&rest).await;
            let mut response = Vec::new();
            let _ = upstream.read_to_end(&mut response).await;
            // Tell the client too that this connection ends here.
            if let Some(end) = response.windows(2).position(|w| w == b"\r\n") {
                response.splice(end + 2..end + 2, b"Connection: close\r\n".iter().copied());
            }
            let _ = client.write_all(&response).await;
            let _ = client.shutdown().await;
        }
    });
    (port, seen)
}

const PLAN: &str = "name: proxied\nsteps:\n  - name: through\n    timeout: 5s\n    request: { url: \"{{ base }}/doc\" }\n    expect: { status: 200, json: { $.id: 42 } }\n";

fn setup(tag: &str) -> (Workspace, TestServer, String) {
    let server = TestServer::start();
    let ws = Workspace::new(tag);
    ws.write("plans/p.yaml", PLAN);
    let var = format!("base={}", server.base_url());
    (ws, server, var)
}

#[test]
fn http_proxy_from_the_environment_carries_the_request() {
    let (proxy_port, seen) = proxy();
    let (ws, server, var) = setup("proxy-env");
    let proxy_url = format!("http://127.0.0.1:{proxy_port}");
    for name in ["HTTP_PROXY", "http_proxy"] {
        let out = ws.run_env(&["plans", "--var", &var], &[(name, &proxy_url)]);
        assert_eq!(
            out.step("through").outcome,
            Outcome::Passed,
            "{name}: {}",
            out.exec
        );
    }
    let lines = seen.lock().unwrap().lines.clone();
    let want = format!("GET {}/doc HTTP/1.1", server.base_url());
    assert_eq!(
        lines,
        vec![want.clone(), want],
        "both went through the proxy"
    );
}

#[test]
fn no_proxy_bypasses_it() {
    let (proxy_port, seen) = proxy();
    let (ws, _server, var) = setup("proxy-no-proxy");
    let proxy_url = format!("http://127.0.0.1:{proxy_port}");
    for (no_proxy_name, value) in [
        ("NO_PROXY", "127.0.0.1"),
        ("no_proxy", "localhost,127.0.0.1"),
    ] {
        let out = ws.run_env(
            &["plans", "--var", &var],
            &[("HTTP_PROXY", &proxy_url), (no_proxy_name, value)],
        );
        assert_eq!(out.step("through").outcome, Outcome::Passed, "{}", out.exec);
    }
    // And --proxy follows NO_PROXY too.
    let out = ws.run_env(
        &["plans", "--proxy", &proxy_url, "--var", &var],
        &[("NO_PROXY", "127.0.0.1")],
    );
    assert_eq!(out.step("through").outcome, Outcome::Passed, "{}", out.exec);
    assert!(
        seen.lock().unwrap().lines.is_empty(),
        "nothing went through the proxy"
    );
}

#[test]
fn the_proxy_option_wins_and_its_password_is_masked() {
    let (proxy_port, seen) = proxy();
    let (ws, server, var) = setup("proxy-option");
    let out = ws.run(&[
        "plans",
        "--proxy",
        &format!("http://qa:pr0xy-s3cret@127.0.0.1:{proxy_port}"),
        "--var",
        &var,
    ]);
    assert_eq!(out.step("through").outcome, Outcome::Passed, "{}", out.exec);
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.lines,
        vec![format!("GET {}/doc HTTP/1.1", server.base_url())]
    );
    // Basic qa:pr0xy-s3cret
    assert_eq!(
        seen.auth,
        vec!["proxy-authorization: Basic cWE6cHIweHktczNjcmV0"]
    );
    for text in [&out.exec.stdout, &out.json, &out.junit, &out.markdown] {
        assert!(!text.contains("pr0xy-s3cret"), "{text}");
    }
}

#[test]
fn https_proxy_tunnels_with_connect() {
    let (proxy_port, seen) = proxy();
    let (port, ca) = crate::tls::private_server();
    let ws = Workspace::new("proxy-connect");
    ws.write("ca.pem", &ca.pem());
    ws.write(
        "plans/p.yaml",
        "name: tunnel\nsteps:\n  - name: through\n    timeout: 5s\n    request: { url: \"{{ base }}/x\" }\n    expect: { status: 200, json: { $.secure: true } }\n",
    );
    let out = ws.run_env(
        &[
            "plans",
            "--cacert",
            "ca.pem",
            "--var",
            &format!("base=https://127.0.0.1:{port}"),
        ],
        &[("HTTPS_PROXY", &format!("http://127.0.0.1:{proxy_port}"))],
    );
    assert_eq!(out.step("through").outcome, Outcome::Passed, "{}", out.exec);
    assert_eq!(
        seen.lock().unwrap().lines,
        vec![format!("CONNECT 127.0.0.1:{port} HTTP/1.1")]
    );
}

#[test]
fn a_proxy_option_that_is_not_a_url_stops_the_run() {
    let ws = Workspace::new("proxy-bad");
    ws.write("plans/p.yaml", PLAN);
    let out = ws.exec(
        &[
            "run",
            "plans",
            "--proxy",
            "proxy:3128",
            "--var",
            "base=http://127.0.0.1:9",
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("--proxy proxy:3128"), "{out}");
}

/// `proxy:` in planrun.yaml: every plan's requests go through it; a plan's
/// `defaults.proxy: none` goes direct even with HTTP_PROXY set; `--proxy` wins over both.
#[test]
fn proxy_in_planrun_yaml_and_defaults_with_the_option_winning() {
    let (suite_port, suite_seen) = proxy();
    let (env_port, env_seen) = proxy();
    let (cli_port, cli_seen) = proxy();
    let server = TestServer::start();
    let ws = Workspace::new("proxy-config");
    ws.write(
        "plans/planrun.yaml",
        &format!("proxy: http://qa:c0nfig-s3cret@127.0.0.1:{suite_port}\n"),
    );
    ws.write("plans/a.yaml", PLAN);
    ws.write(
        "plans/b.yaml",
        "name: direct\ndefaults: { proxy: none }\nsteps:\n  - name: straight\n    timeout: 5s\n    request: { url: \"{{ base }}/doc\" }\n    expect: { status: 200 }\n",
    );
    let var = format!("base={}", server.base_url());
    let env_proxy = format!("http://127.0.0.1:{env_port}");
    let out = ws.run_env(&["plans", "--var", &var], &[("HTTP_PROXY", &env_proxy)]);
    assert_eq!(out.code(), 0, "{out}");
    let want = format!("GET {}/doc HTTP/1.1", server.base_url());
    {
        let seen = suite_seen.lock().unwrap();
        assert_eq!(
            seen.lines,
            vec![want.clone()],
            "planrun.yaml's proxy, not the env's"
        );
        // Basic qa:c0nfig-s3cret
        assert_eq!(
            seen.auth,
            vec!["proxy-authorization: Basic cWE6YzBuZmlnLXMzY3JldA=="]
        );
    }
    assert!(
        env_seen.lock().unwrap().lines.is_empty(),
        "`none` went direct"
    );
    for text in [&out.exec.stdout, &out.json, &out.junit, &out.markdown] {
        assert!(!text.contains("c0nfig-s3cret"), "{text}");
    }
    // --proxy wins over planrun.yaml and `none`.
    let cli = format!("http://127.0.0.1:{cli_port}");
    let out = ws.run(&["plans", "--proxy", &cli, "--var", &var]);
    assert_eq!(out.code(), 0, "{out}");
    assert_eq!(cli_seen.lock().unwrap().lines, vec![want.clone(), want]);
    assert_eq!(suite_seen.lock().unwrap().lines.len(), 1, "not used again");
}

#[test]
fn a_proxy_setting_that_is_not_a_url_is_a_load_error_at_its_line() {
    let ws = Workspace::new("proxy-config-bad");
    ws.write("plans/planrun.yaml", "system: x\nproxy: proxy.corp:3128\n");
    ws.write(
        "plans/p.yaml",
        "name: p\ndefaults:\n  proxy: socks5://127.0.0.1:1080\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:9/x\" }\n",
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("plans/planrun.yaml:2:")
            && out.stderr.contains("proxy `proxy.corp:3128` is not an http:// or https:// URL: write it as `http://host:port`"),
        "{out}"
    );
    ws.write("plans/planrun.yaml", "system: x\n");
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("plans/p.yaml:3:")
            && out.stderr.contains("proxy `socks5://127.0.0.1:1080`"),
        "{out}"
    );
}
