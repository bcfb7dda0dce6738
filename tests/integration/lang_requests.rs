//! What a step sends and checks, against a local server: `request` in header values
//! (signatures over the exact body), templated expected values, `expect.schema`, the
//! per-plan cookie jar, `max_body_size`, multipart files.

use crate::common;

use common::{TestServer, Workspace};
use planrun::results::Outcome;
use planrun::template::hmac_sha256_hex;
use serde_json::{json, Value};

/// HMAC-SHA256 computed here with the hmac crate, independently of planrun.
fn hmac_hex(key: &str, msg: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(msg.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn request_in_header_values_covers_the_exact_bytes_sent() {
    let server = TestServer::shared();
    let ws = Workspace::new("signature");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Signed
        vars: { secret: s3cr3t, amount: 12.50 }
        steps:
          - name: json
            request:
              method: POST
              url: "{{ base_url }}/echo/signed"
              query: { v: 2 }
              headers:
                X-Tenant: acme
                X-Body-Hash: "{{ sha256(request.body) }}"
                X-Signature: "{{ hmac_sha256(secret, request.method ~ ' ' ~ request.path ~ ' ' ~ request.body) }}"
                X-Seen: "{{ request.headers }}"
              json: { marker: signed-json, amount: "{{ amount }}", note: "naïve ✓", list: [1, 2] }
            expect: { status: 200 }
          - name: form
            request:
              method: POST
              url: "{{ base_url }}/echo/signed-form"
              headers: { X-Signature: "{{ hmac_sha256(secret, request.body) }}" }
              form: { marker: signed-form, q: "a b&c" }
            expect: { status: 200 }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");

    let bodies = server.echoed("signed-json");
    assert_eq!(bodies.len(), 1);
    let raw = &bodies[0];
    // The exact text that arrived, numbers kept as numbers.
    let parsed: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(parsed["amount"], json!(12.5));
    let echo: Value =
        serde_json::from_str(&out.step("json").response.as_ref().unwrap().body_excerpt).unwrap();
    let headers = &echo["headers"];
    let expected = hmac_hex("s3cr3t", &format!("POST /echo/signed?v=2 {raw}"));
    assert_eq!(headers["x-signature"], json!(expected));
    assert_eq!(
        headers["x-body-hash"],
        json!(planrun_sha256(raw)),
        "sha256 of the body as received"
    );
    // `request.headers`: the ones rendered before, not the signature headers.
    let seen: Value = serde_json::from_str(headers["x-seen"].as_str().unwrap()).unwrap();
    assert_eq!(seen, json!({"X-Tenant": "acme"}));

    let forms = server.echoed("marker=signed-form");
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0], "marker=signed-form&q=a+b%26c");
    let echo: Value =
        serde_json::from_str(&out.step("form").response.as_ref().unwrap().body_excerpt).unwrap();
    assert_eq!(
        echo["headers"]["x-signature"],
        json!(hmac_hex("s3cr3t", &forms[0]))
    );
    assert_eq!(
        echo["headers"]["content-type"],
        json!("application/x-www-form-urlencoded")
    );
}

fn planrun_sha256(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_library_hmac_matches_an_independent_one() {
    assert_eq!(hmac_sha256_hex(b"k", b"m"), hmac_hex("k", "m"));
}

#[test]
fn request_is_only_in_scope_in_header_values() {
    let ws = Workspace::new("request-scope");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Scope
        vars: { base_url: "http://127.0.0.1:9" }
        steps:
          - name: in the url
            request: { url: "{{ base_url }}/{{ request.method }}" }
        "#,
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("plans/p.yaml:5:16: `request` (the request being sent) is only in scope in header values"),
        "{out}"
    );
}

#[test]
fn expected_values_are_templates_keeping_their_type() {
    let server = TestServer::shared();
    let ws = Workspace::new("expect-templates");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Expect
        vars: { want_id: 42, want_name: widget, tags: [blue, small], region: eu }
        defaults:
          expect:
            json: { $.meta.region: "{{ region }}" }
        steps:
          - name: all hold
            request: { url: "{{ base_url }}/doc" }
            expect:
              status: 200
              headers: { x-request-id: "req-{{ want_id * 0 + 123 }}" }
              json:
                $.id: "{{ want_id }}"
                $.name: { one_of: ["{{ want_name }}", other] }
                $.tags: "{{ tags }}"
                $.email: { contains: "@{{ 'example' }}.com" }
                $.items[*].name: { each: { not_equals: "{{ want_name }}" } }
          - name: a string is not the number
            request: { url: "{{ base_url }}/doc" }
            expect:
              json:
                $.id: "{{ want_id | string }}"
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let ok = out.step("all hold");
    assert_eq!(ok.outcome, Outcome::Passed, "{:#?}", ok.checks);
    let shown: Vec<(&str, &str)> = ok
        .checks
        .iter()
        .map(|c| (c.subject.as_str(), c.expected_text.as_str()))
        .collect();
    assert!(shown.contains(&("$.id", "42")), "{shown:?}");
    assert!(shown.contains(&("$.meta.region", "\"eu\"")), "{shown:?}");
    assert!(
        shown.contains(&("x-request-id", "\"req-123\"")),
        "{shown:?}"
    );
    let bad = out.step("a string is not the number");
    assert_eq!(bad.outcome, Outcome::Failed);
    assert_eq!(
        bad.message.as_deref(),
        Some("$.id: expected \"42\", got 42")
    );
}

#[test]
fn expect_schema_validates_the_body_and_names_path_and_keyword() {
    let server = TestServer::shared();
    let ws = Workspace::new("schema");
    ws.write(
        "plans/schemas/doc.json",
        r#"
        {
          "type": "object",
          "required": ["id", "status"],
          "properties": {
            "id": { "type": "integer" },
            "tags": { "type": "array", "items": { "type": "string" } }
          }
        }
        "#,
    );
    ws.write(
        "plans/schemas/strict.json",
        r#"
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "type": "object",
          "properties": {
            "id": { "type": "string" },
            "meta": { "required": ["owner"] }
          }
        }
        "#,
    );
    ws.write(
        "plans/p.yaml",
        r#"
        name: Schema
        steps:
          - name: valid
            request: { url: "{{ base_url }}/doc" }
            expect: { status: 200, schema: schemas/doc.json }
          - name: invalid
            request: { url: "{{ base_url }}/doc" }
            expect: { schema: schemas/strict.json }
          - name: not json
            request: { url: "{{ base_url }}/not-json" }
            expect: { schema: schemas/doc.json }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let valid = out.step("valid");
    assert_eq!(valid.outcome, Outcome::Passed);
    let check = valid.checks.iter().find(|c| c.subject == "schema").unwrap();
    assert_eq!(check.expected_text, "valid against plans/schemas/doc.json");
    let invalid = out.step("invalid");
    assert_eq!(invalid.outcome, Outcome::Failed);
    assert_eq!(
        invalid.error_kind,
        Some(planrun::results::ErrorKind::SchemaMismatch)
    );
    let message = invalid.message.as_deref().unwrap();
    assert!(
        message.contains("at /id: 42 is not of type \"string\" (keyword `type`)"),
        "{message}"
    );
    assert!(
        message.contains("at /meta: \"owner\" is a required property (keyword `required`)"),
        "{message}"
    );
    let not_json = out.step("not json");
    assert_eq!(not_json.outcome, Outcome::Error);
    assert_eq!(
        not_json.error_kind,
        Some(planrun::results::ErrorKind::InvalidJson)
    );
}

#[test]
fn a_missing_or_broken_schema_is_a_located_load_error() {
    let ws = Workspace::new("schema-errors");
    ws.write(
        "plans/schemas/broken.json",
        "{ \"type\": \"object\",\n  oops }\n",
    );
    ws.write(
        "plans/schemas/bad-keyword.json",
        "{ \"type\": \"objekt\" }\n",
    );
    ws.write(
        "plans/p.yaml",
        r#"
        name: Schema errors
        vars: { base_url: "http://127.0.0.1:9" }
        steps:
          - name: missing
            request: { url: "{{ base_url }}/a" }
            expect: { schema: schemas/nope.json }
          - name: broken
            request: { url: "{{ base_url }}/b" }
            expect:
              schema: schemas/broken.json
          - name: bad keyword
            request: { url: "{{ base_url }}/c" }
            expect:
              schema: schemas/bad-keyword.json
        "#,
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("plans/"))
        .collect();
    assert_eq!(errors.len(), 3, "{out}");
    assert!(errors[0].starts_with("plans/p.yaml:6:15: expect.schema `schemas/nope.json`: cannot read JSON Schema plans/schemas/nope.json"), "{out}");
    assert!(errors[1].starts_with("plans/p.yaml:10:7: expect.schema `schemas/broken.json`: plans/schemas/broken.json:2:3: not JSON"), "{out}");
    assert!(errors[2].starts_with("plans/p.yaml:14:7: expect.schema `schemas/bad-keyword.json`: plans/schemas/bad-keyword.json is not a valid JSON Schema"), "{out}");
}

#[test]
fn each_plan_has_its_own_cookie_jar() {
    let server = TestServer::shared();
    let ws = Workspace::new("cookies");
    let login = |user: &str| {
        format!(
            r#"
            name: Plan {user}
            steps:
              - name: {user} logs in
                request:
                  method: POST
                  url: "{{{{ base_url }}}}/login"
                  form: {{ user: {user}, password: secret }}
                expect: {{ status: 200 }}
              - name: {user} is known
                request: {{ url: "{{{{ base_url }}}}/me" }}
                expect: {{ status: 200, json: {{ $.user: {user} }} }}
              - name: {user} sets the cookie by hand
                request:
                  url: "{{{{ base_url }}}}/me"
                  headers: {{ Cookie: "session=sess-other" }}
                expect: {{ status: 200, json: {{ $.user: other }} }}
            "#
        )
    };
    ws.write("plans/a.yaml", &login("alice"));
    ws.write("plans/b.yaml", &login("bob"));
    ws.write(
        "plans/c.yaml",
        r#"
        name: Plan without login
        steps:
          - name: nobody is known
            request: { url: "{{ base_url }}/me" }
            expect: { status: 401 }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    for name in [
        "alice is known",
        "bob is known",
        "nobody is known",
        "alice sets the cookie by hand",
    ] {
        assert_eq!(
            out.step(name).outcome,
            Outcome::Passed,
            "{name}: {:?}",
            out.step(name).checks
        );
    }
    // The Cookie request header is masked in the outputs.
    assert!(!out.json.contains("sess-alice"), "{}", out.json);
}

#[test]
fn max_body_size_nearest_wins_over_the_suite_config() {
    let server = TestServer::shared();
    let ws = Workspace::new("max-body");
    ws.write("plans/planrun.yaml", "max_body_size: 1KiB\n");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Sizes
        steps:
          - name: suite cap
            request: { url: "{{ base_url }}/bytes/1025" }
            expect: { status: 200 }
          - name: step cap
            max_body_size: 2000
            request: { url: "{{ base_url }}/bytes/1500" }
            expect: { status: 200 }
        "#,
    );
    ws.write(
        "plans/q.yaml",
        r#"
        name: Defaults
        defaults: { max_body_size: 0.5MB }
        steps:
          - name: defaults cap
            request: { url: "{{ base_url }}/bytes/400000" }
            expect: { status: 200 }
          - name: over the defaults cap
            request: { url: "{{ base_url }}/bytes/600000" }
            expect: { status: 200 }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let suite = out.step("suite cap");
    assert_eq!(suite.outcome, Outcome::Error);
    assert_eq!(
        suite.error_kind,
        Some(planrun::results::ErrorKind::BodyTooLarge)
    );
    assert!(
        suite
            .message
            .as_deref()
            .unwrap()
            .contains("over the 1 KiB cap after "),
        "{:?}",
        suite.message
    );
    assert_eq!(out.step("step cap").outcome, Outcome::Passed);
    assert_eq!(out.step("defaults cap").outcome, Outcome::Passed);
    let over = out.step("over the defaults cap");
    assert!(
        over.message
            .as_deref()
            .unwrap()
            .contains("over the 500000 bytes cap after "),
        "{:?}",
        over.message
    );
}

#[test]
fn bad_sizes_and_missing_multipart_files_are_located_errors() {
    let ws = Workspace::new("size-errors");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Errors
        vars: { base_url: "http://127.0.0.1:9" }
        steps:
          - name: upload
            request:
              method: POST
              url: "{{ base_url }}/up"
              multipart:
                doc: { file: files/missing.pdf }
        "#,
    );
    ws.write(
        "plans/q.yaml",
        r#"
        name: Size
        vars: { base_url: "http://127.0.0.1:9" }
        steps:
          - name: big
            max_body_size: 10 MB-ish
            request: { url: "{{ base_url }}/a" }
        "#,
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("plans/p.yaml:9:16: multipart file `files/missing.pdf` not found: plans/files/missing.pdf does not exist"), "{out}");
    assert!(out.stderr.contains("plans/q.yaml:5:20: steps[0].max_body_size: invalid size `10 MB-ish`: unknown unit `MB-ish`"), "{out}");
}
