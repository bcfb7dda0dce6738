//! `auth:` Basic, Bearer and Digest (RFC 7616, MD5 and SHA-256, qop auth) against
//! the test server; every credential masked in every report.

use crate::common;

use common::server::TestServer;
use common::{unindent, Workspace};
use planrun::results::Outcome;

// The expected credentials are templates: a value written as is in `expect` would be
// shown as written (issue 10), a rendered one is masked like the credential.
const PLAN: &str = "
    name: auth
    steps:
      - name: basic
        request:
          url: \"{{ base_url }}/echo\"
          auth: { basic: { user: qa, password: basic-pw-4471 } }
        expect:
          json:
            $.headers.authorization: \"Basic {{ base64('qa:basic-pw-4471') }}\"
      - name: bearer
        request:
          url: \"{{ base_url }}/echo\"
          auth: { bearer: \"tok-{{ 6 * 7 }}-bearer\" }
        expect:
          json:
            $.headers.authorization: \"Bearer tok-{{ 6 * 7 }}-bearer\"
      - name: digest
        for_each: [MD5, SHA-256]
        request:
          url: \"{{ base_url }}/digest/{{ item }}?x=1\"
          auth: { digest: { user: qa, password: digest-pw-8812 } }
        expect:
          status: 200
          json: { $.authenticated: true }
      - name: wrong digest password
        request:
          url: \"{{ base_url }}/digest/MD5\"
          auth: { digest: { user: qa, password: not-it-5590 } }
        expect: { status: 200 }
";

#[test]
fn basic_bearer_and_digest_are_sent_and_masked() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-auth");
    ws.write("plans/a.yaml", &unindent(PLAN));
    let out = ws.run(&["plans", "--var", &server.var()]);
    for name in ["basic", "bearer", "digest [MD5]", "digest [SHA-256]"] {
        assert_eq!(out.step(name).outcome, Outcome::Passed, "{name}\n{out}");
    }
    assert_eq!(out.step("wrong digest password").outcome, Outcome::Failed);
    for text in [&out.json, &out.junit, &out.markdown, &out.exec.stdout] {
        for secret in [
            "basic-pw-4471",
            "cWE6YmFzaWMtcHctNDQ3MQ==",
            "tok-42-bearer",
            "digest-pw-8812",
            "not-it-5590",
        ] {
            assert!(!text.contains(secret), "{secret} leaked:\n{text}");
        }
    }
}

#[test]
fn auth_takes_exactly_one_scheme() {
    let ws = Workspace::new("http-auth-invalid");
    ws.write(
        "plans/a.yaml",
        "name: a\nsteps:\n  - name: both\n    request:\n      url: http://127.0.0.1:1/\n      auth: { bearer: x, basic: { user: a, password: b } }\n",
    );
    let out = ws.run(&["plans"]);
    assert_eq!(out.code(), 2, "{out}");
    assert!(
        out.exec
            .stderr
            .contains("`auth` takes one of `basic`, `bearer` or `digest`"),
        "{out}"
    );
}

#[test]
fn auth_in_defaults_and_planrun_yaml_applies_unless_a_step_overrides_or_says_none() {
    let server = TestServer::shared();
    let ws = Workspace::new("http-auth-defaults");
    ws.write(
        "planrun.yaml",
        "auth: { basic: { user: suite, password: \"{{ env.SUITE_PW }}\" } }\n",
    );
    ws.write(
        "plans/a.yaml",
        &unindent(
            "
            name: from the suite
            steps:
              - name: suite credentials
                request: { url: \"{{ base_url }}/echo\" }
                expect:
                  json: { $.headers.authorization: \"Basic {{ base64('suite:' ~ env.SUITE_PW) }}\" }
            ",
        ),
    );
    ws.write(
        "plans/b.yaml",
        &unindent(
            "
            name: from defaults
            vars: { defaults_tok: defaults-tok-7781, own_tok: own-tok-1209 }
            defaults:
              auth: { bearer: defaults-tok-7781 }
            steps:
              - name: defaults credentials
                request: { url: \"{{ base_url }}/echo\" }
                expect:
                  json: { $.headers.authorization: \"Bearer {{ defaults_tok }}\" }
              - name: own credentials
                request:
                  url: \"{{ base_url }}/echo\"
                  auth: { bearer: own-tok-1209 }
                expect:
                  json: { $.headers.authorization: \"Bearer {{ own_tok }}\" }
              - name: none
                request: { url: \"{{ base_url }}/echo\", auth: none }
                expect:
                  json: { $.headers.authorization: { exists: false } }
            ",
        ),
    );
    let out = ws.run_env(
        &["plans", "--var", &server.var()],
        &[("SUITE_PW", "suite-pw-3301")],
    );
    for name in [
        "suite credentials",
        "defaults credentials",
        "own credentials",
        "none",
    ] {
        assert_eq!(out.step(name).outcome, Outcome::Passed, "{name}\n{out}");
    }
    for text in [&out.json, &out.junit, &out.markdown, &out.exec.stdout] {
        for secret in [
            "suite-pw-3301",
            "c3VpdGU6c3VpdGUtcHctMzMwMQ==",
            "defaults-tok-7781",
            "own-tok-1209",
        ] {
            assert!(!text.contains(secret), "{secret} leaked:\n{text}");
        }
    }
}

#[test]
fn auth_is_none_or_a_scheme() {
    let ws = Workspace::new("http-auth-word");
    ws.write(
        "plans/a.yaml",
        "name: a\nsteps:\n  - name: typo\n    request:\n      url: http://127.0.0.1:1/\n      auth: nope\n",
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("plans/a.yaml:6:") && out.stderr.contains("auth `nope`: write `none`"),
        "{out}"
    );
}
