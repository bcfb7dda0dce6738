//! Requests as servers expect them: `Content-Length: 0` on a body-less POST, PUT and
//! PATCH; a repeated header captured as header checks see it; the over-cap message
//! keeping the status the server answered with.

use crate::common;

use common::server::TestServer;
use common::{unindent, Workspace};
use planrun::results::Outcome;

#[test]
fn body_less_writes_say_content_length_zero() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-content-length");
    ws.write(
        "plans/l.yaml",
        &unindent(
            "
            name: lengths
            steps:
              - name: empty POST
                request: { method: POST, url: \"{{ base_url }}/echo\" }
                expect:
                  json:
                    $.headers['content-length']: \"0\"
              - name: empty PUT
                request: { method: PUT, url: \"{{ base_url }}/echo\" }
                expect:
                  json:
                    $.headers['content-length']: \"0\"
              - name: empty PATCH
                request: { method: PATCH, url: \"{{ base_url }}/echo\" }
                expect:
                  json:
                    $.headers['content-length']: \"0\"
              - name: get has none
                request: { url: \"{{ base_url }}/echo\" }
                expect:
                  json:
                    $.headers['content-length']: { exists: false }
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    for name in ["empty POST", "empty PUT", "empty PATCH", "get has none"] {
        assert_eq!(out.step(name).outcome, Outcome::Passed, "{name}\n{out}");
    }
}

#[test]
fn a_repeated_header_is_captured_as_checks_see_it() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-capture-repeat");
    ws.write(
        "plans/h.yaml",
        &unindent(
            "
            name: repeat
            steps:
              - name: both values
                request: { url: \"{{ base_url }}/headers\" }
                expect:
                  headers:
                    x-multi: \"one, two\"
                capture:
                  multi: { header: X-Multi }
              - name: used
                request: { url: \"{{ base_url }}/echo\", query: { m: \"{{ multi }}\" } }
                expect:
                  json:
                    $.query.m: \"one, two\"
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.step("both values").outcome, Outcome::Passed, "{out}");
    assert_eq!(out.step("both values").captures["multi"], "one, two");
    assert_eq!(out.step("used").outcome, Outcome::Passed, "{out}");
}

#[test]
fn an_over_cap_body_keeps_the_status() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-over-cap");
    ws.write(
        "plans/c.yaml",
        &unindent(
            "
            name: cap
            steps:
              - name: too big
                max_body_size: 64KiB
                request: { url: \"{{ base_url }}/bytes/200000\" }
                expect: { status: 200 }
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    let step = out.step("too big");
    assert_eq!(step.outcome, Outcome::Error);
    assert_eq!(
        step.error_kind,
        Some(planrun::results::ErrorKind::BodyTooLarge)
    );
    let message = step.message.as_deref().unwrap();
    assert!(
        message.starts_with("response body over the 64 KiB cap after "),
        "{message}"
    );
    assert!(message.contains(" bytes (200 OK"), "{message}");
}
