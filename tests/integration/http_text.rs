//! Charsets and bytes: text decoded by its `Content-Type` charset (latin1, GBK,
//! windows-1256, UTF-16 with a BOM), non-ASCII header values shown as the bytes meant,
//! binary bodies checked by size and digest and shown as hex, never as mojibake; a
//! request body sent from a file.

use crate::common;

use common::server::{binary_body, TestServer};
use common::{unindent, Workspace};
use planrun::results::Outcome;
use sha2::Digest;

#[test]
fn text_is_decoded_by_its_charset() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-charsets");
    ws.write(
        "plans/c.yaml",
        &unindent(
            "
            name: charsets
            steps:
              - name: latin1
                request:
                  url: \"{{ base_url }}/charset/iso-8859-1\"
                  query: { text: café crème }
                expect:
                  body: café crème
                  headers:
                    x-name: José
                capture:
                  who: { header: x-name }
              - name: gbk
                request:
                  url: \"{{ base_url }}/charset/gbk\"
                  query: { text: 你好，世界 }
                expect:
                  body: { contains: 世界, length: 5, bytes: 10 }
              - name: arabic
                request:
                  url: \"{{ base_url }}/charset/windows-1256\"
                  query: { text: مرحبا }
                expect:
                  body: مرحبا
              - name: utf16
                request:
                  url: \"{{ base_url }}/charset/utf-16\"
                  query: { text: snow ☃ }
                expect:
                  body: snow ☃
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    for name in ["latin1", "gbk", "arabic", "utf16"] {
        assert_eq!(out.step(name).outcome, Outcome::Passed, "{name}\n{out}");
    }
    assert_eq!(out.step("latin1").captures["who"], "José");
    let excerpt = &out.step("gbk").response.as_ref().unwrap().body_excerpt;
    assert_eq!(excerpt, "你好，世界");
    assert!(!out.json.contains('\u{fffd}'), "{}", out.json);
    // The results say which charset each body was read with.
    for (name, charset) in [
        ("latin1", "windows-1252"),
        ("gbk", "GBK"),
        ("arabic", "windows-1256"),
        ("utf16", "UTF-16LE"),
    ] {
        let response = out.step(name).response.as_ref().unwrap();
        assert_eq!(response.charset.as_deref(), Some(charset), "{name}");
        assert!(!response.charset_lossy, "{name}");
    }
    assert!(out.json.contains("\"charset\":\"GBK\""), "{}", out.json);
    assert!(!out.json.contains("charset_lossy"), "absent when false");
}

/// A body that says UTF-8 but is not: the results, the excerpt and every report's
/// step detail say it was decoded lossily.
#[test]
fn a_lossy_decode_says_so_in_results_and_reports() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-lossy");
    ws.write(
        "plans/l.yaml",
        "name: lossy\nsteps:\n  - name: not utf-8\n    request: { url: \"{{ base_url }}/lossy\" }\n    expect: { body: { contains: au lait } }\n",
    );
    let base = server.var();
    let run = ws.exec(
        &[
            "run",
            "plans",
            "--var",
            &base,
            "--report",
            "out/report.md",
            "--html",
            "out/report.html",
            "--junit",
            "out/junit.xml",
            "--json",
            "out/results.json",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{run}");
    let results: planrun::results::RunResults =
        serde_json::from_str(&ws.read("out/results.json")).unwrap();
    let response = results.plans[0].steps[0].response.clone().unwrap();
    assert_eq!(response.charset.as_deref(), Some("UTF-8"));
    assert!(response.charset_lossy);
    assert!(
        response.body_excerpt.starts_with(
            "[the body is not valid UTF-8: shown decoded lossily]\ncaf\u{fffd} au lait"
        ),
        "{}",
        response.body_excerpt
    );
    let said = "not valid UTF-8: decoded lossily";
    let markdown = ws.read("out/report.md");
    assert!(markdown.contains(&format!("   Body: {said}")), "{markdown}");
    let html = ws.read("out/report.html");
    assert!(html.contains(said), "the HTML step detail says it");
    assert!(ws.read("out/junit.xml").contains(&format!("body: {said}")));
}

#[test]
fn binary_bodies_are_checked_by_bytes_and_digest_and_shown_as_hex() {
    let server = TestServer::shared();
    let body = binary_body();
    let sha = hex(&sha2::Sha256::digest(&body));
    let md5 = hex(&md5::Md5::digest(&body));
    let ws = Workspace::new("http-binary");
    ws.write(
        "plans/b.yaml",
        &unindent(&format!(
            "
            name: binary
            steps:
              - name: image
                request: {{ url: \"{{{{ base_url }}}}/binary\" }}
                expect:
                  body: {{ bytes: 300, sha256: {sha}, md5: {md5} }}
              - name: wrong digest
                request: {{ url: \"{{{{ base_url }}}}/binary\" }}
                expect:
                  body: {{ sha256: {zeros} }}
            ",
            zeros = "0".repeat(64)
        )),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.step("image").outcome, Outcome::Passed, "{out}");
    let wrong = out.step("wrong digest");
    assert_eq!(wrong.outcome, Outcome::Failed);
    let check = &wrong.checks[0];
    assert!(
        check
            .actual_text
            .starts_with("[binary body: image/png, 300 bytes] 00 01 02 03"),
        "{}",
        check.actual_text
    );
    assert!(
        check.actual_text.contains(&format!("sha256: is {sha}")),
        "{}",
        check.actual_text
    );
    let excerpt = &wrong.response.as_ref().unwrap().body_excerpt;
    assert!(
        excerpt.starts_with("[binary body: image/png, 300 bytes] 00 01 02"),
        "{excerpt}"
    );
    for text in [&out.json, &out.junit, &out.markdown] {
        assert!(!text.contains('\u{fffd}'), "no mojibake:\n{text}");
    }
}

#[test]
fn a_request_body_comes_from_a_file_next_to_the_plan() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-body-file");
    ws.write("plans/data/order.json", "{\"order\": \"from-a-file-7731\"}");
    ws.write(
        "plans/f.yaml",
        &unindent(
            "
            name: body file
            steps:
              - name: sent
                request:
                  method: POST
                  url: \"{{ base_url }}/echo\"
                  body: { file: data/order.json }
                expect:
                  json:
                    $.body.order: from-a-file-7731
                    $.headers['content-type']: application/json
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.step("sent").outcome, Outcome::Passed, "{out}");

    ws.write(
        "plans/f.yaml",
        "name: body file\nsteps:\n  - name: sent\n    request:\n      method: POST\n      url: \"{{ base_url }}/echo\"\n      body: { file: data/missing.json }\n",
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 2, "{out}");
    assert!(
        out.exec
            .stderr
            .contains("body file `data/missing.json` not found"),
        "{out}"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn body_digests_and_size_are_captured_as_checks_see_them() {
    let server = TestServer::shared();
    let body = binary_body();
    let ws = Workspace::new("http-capture-digest");
    ws.write(
        "plans/c.yaml",
        &unindent(
            "
            name: capture digests
            steps:
              - name: fetch
                request: { url: \"{{ base_url }}/encoded/gzip\" }
                capture:
                  sha: { body: sha256 }
                  md: { body: md5 }
                  size: { body: bytes }
              - name: image
                request: { url: \"{{ base_url }}/binary\" }
                capture: { image_sha: { body: sha256 } }
              - name: the digests are usable later
                request:
                  method: POST
                  url: \"{{ base_url }}/echo\"
                  json: { size: \"{{ size }}\", image: \"{{ image_sha }}\" }
                expect:
                  json: { $.body.size: { type: integer, gt: 100 } }
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    // The body of /encoded/gzip, decoded: what `expect.body` checks.
    let doc = serde_json::to_vec(&common::server::doc()).unwrap();
    let fetch = out.step("fetch");
    assert_eq!(
        fetch.captures["sha"],
        serde_json::json!(hex(&sha2::Sha256::digest(&doc)))
    );
    assert_eq!(
        fetch.captures["md"],
        serde_json::json!(hex(&md5::Md5::digest(&doc)))
    );
    assert_eq!(fetch.captures["size"], serde_json::json!(doc.len()));
    assert_eq!(
        out.step("image").captures["image_sha"],
        serde_json::json!(hex(&sha2::Sha256::digest(&body)))
    );
    let echoed = server.echoed(&hex(&sha2::Sha256::digest(&body)));
    assert_eq!(echoed.len(), 1, "the captured digest was sent on");
}

#[test]
fn an_unknown_body_capture_is_a_load_error_with_what_to_write() {
    let ws = Workspace::new("http-capture-digest-bad");
    ws.write(
        "plans/c.yaml",
        "name: c\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/x\" }\n    capture:\n      sum: { body: sha1 }\n",
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("plans/c.yaml:6:")
            && out
                .stderr
                .contains("capture `body: sha1` is not known: use `body: sha256` or `body: md5`"),
        "{out}"
    );
    let run = ws.run(&["plans"]);
    assert_eq!(run.code(), 2, "{run}");
}
