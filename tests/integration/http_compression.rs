//! Compressed bodies: `Accept-Encoding: gzip, deflate, br, zstd` by default (a step
//! may change or remove it), every coding decoded whether asked for or not, checks
//! on the decoded body, both sizes in the results, and a body that does not decode
//! is an error naming its encoding.

use crate::common;

use common::server::TestServer;
use common::{unindent, Workspace};
use planrun::results::Outcome;

#[test]
fn every_coding_is_decoded_and_both_sizes_are_kept() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-compression");
    ws.write(
        "plans/c.yaml",
        &unindent(
            "
            name: compression
            steps:
              - name: encoded
                for_each: [gzip, deflate, br, zstd]
                request:
                  url: \"{{ base_url }}/encoded/{{ item }}\"
                  headers:
                    Accept-Encoding: identity
                expect:
                  status: 200
                  json:
                    $.name: widget
                    $.items[1].price: 2.5
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    let plain = serde_json::to_vec(&common::server::doc()).unwrap();
    for coding in ["gzip", "deflate", "br", "zstd"] {
        let step = out.step(&format!("encoded [{coding}]"));
        assert_eq!(step.outcome, Outcome::Passed, "{coding}\n{out}");
        let resp = step.response.as_ref().unwrap();
        assert_eq!(resp.encoding.as_deref(), Some(coding));
        assert_eq!(resp.body_bytes, plain.len() as u64);
        let wire = common::compress(coding, &plain).len() as u64;
        assert_eq!(resp.wire_bytes, Some(wire), "{coding}");
        assert!(
            resp.body_excerpt.contains("\"widget\""),
            "{}",
            resp.body_excerpt
        );
    }
    assert!(
        out.junit.contains("content-encoding gzip: "),
        "{}",
        out.junit
    );
    assert_eq!(
        out.raw["plans"][0]["steps"][0]["response"]["encoding"],
        "gzip"
    );
}

#[test]
fn accept_encoding_is_sent_by_default_and_can_be_changed_or_removed() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-accept-encoding");
    ws.write(
        "plans/a.yaml",
        &unindent(
            "
            name: accept
            steps:
              - name: default
                request: { url: \"{{ base_url }}/echo\" }
                expect:
                  json:
                    $.headers['accept-encoding']: \"gzip, deflate, br, zstd\"
              - name: changed
                request:
                  url: \"{{ base_url }}/echo\"
                  headers:
                    Accept-Encoding: br
                expect:
                  json:
                    $.headers['accept-encoding']: br
              - name: removed
                request:
                  url: \"{{ base_url }}/echo\"
                  headers:
                    Accept-Encoding: \"\"
                expect:
                  json:
                    $.headers['accept-encoding']: { exists: false }
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    for name in ["default", "changed", "removed"] {
        assert_eq!(out.step(name).outcome, Outcome::Passed, "{name}\n{out}");
    }
    let plain = out.step("default").response.as_ref().unwrap();
    assert_eq!(plain.encoding, None);
    assert_eq!(plain.wire_bytes, None);
}

/// `defaults.headers` sets it for every step below; a step still overrides it.
#[test]
fn accept_encoding_in_defaults_applies_below() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-accept-encoding-defaults");
    ws.write(
        "plans/a.yaml",
        &unindent(
            "
            name: accept defaults
            defaults:
              headers: { Accept-Encoding: identity }
            phases:
              - name: plain
                steps:
                  - name: from defaults
                    request: { url: \"{{ base_url }}/echo\" }
                    expect:
                      json:
                        $.headers['accept-encoding']: identity
              - name: none at all
                defaults:
                  headers: { Accept-Encoding: \"\" }
                steps:
                  - name: removed by the phase
                    request: { url: \"{{ base_url }}/echo\" }
                    expect:
                      json:
                        $.headers['accept-encoding']: { exists: false }
                  - name: the step wins
                    request:
                      url: \"{{ base_url }}/echo\"
                      headers: { Accept-Encoding: zstd }
                    expect:
                      json:
                        $.headers['accept-encoding']: zstd
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    for name in ["from defaults", "removed by the phase", "the step wins"] {
        assert_eq!(out.step(name).outcome, Outcome::Passed, "{name}\n{out}");
    }
}

#[test]
fn a_body_that_does_not_decode_is_an_error_naming_the_encoding() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-garbled");
    ws.write(
        "plans/g.yaml",
        &unindent(
            "
            name: garbled
            steps:
              - name: garbled
                for_each: [gzip, br, zstd]
                request: { url: \"{{ base_url }}/garbled/{{ item }}\" }
                expect: { status: 200 }
              - name: after
                request: { url: \"{{ base_url }}/doc\" }
                expect: { status: 200 }
            ",
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    for coding in ["gzip", "br", "zstd"] {
        let step = out.step(&format!("garbled [{coding}]"));
        assert_eq!(step.outcome, Outcome::Error, "{out}");
        assert_eq!(
            step.error_kind,
            Some(planrun::results::ErrorKind::DecodeError)
        );
        let message = step.message.as_deref().unwrap();
        assert!(
            message.starts_with(&format!("{coding} body could not be decoded: ")),
            "{message}"
        );
    }
    assert_eq!(
        out.step("after").outcome,
        Outcome::Passed,
        "the run goes on"
    );
    assert!(out.junit.contains("<error"), "{}", out.junit);
    assert_eq!(out.code(), 1);
}
