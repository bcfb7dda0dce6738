//! Every matcher, passing and failing, end to end through the binary.

use crate::common;

use common::{RunOutput, TestServer, Workspace};
use planrun::results::{CheckKind, CheckStatus, Outcome};
use std::sync::OnceLock;

const PASSING: &str = r#"
    name: Matchers pass
    steps:
      - name: status number
        request: { url: "{{ base_url }}/doc" }
        expect: { status: 200 }
      - name: status list
        request: { url: "{{ base_url }}/status/204" }
        expect: { status: [200, 204] }
      - name: status class
        request: { url: "{{ base_url }}/status/201" }
        expect: { status: "2xx" }
      - name: headers
        request: { url: "{{ base_url }}/headers" }
        expect:
          headers:
            Content-Type: { contains: application/json }
            X-MULTI: "one, two"
            x-count: { gt: 6, equals: 7 }
            LOCATION: /items/42
            x-absent: { exists: false }
      - name: equals and not_equals
        request: { url: "{{ base_url }}/doc" }
        expect:
          json:
            $.name: widget
            $.id: 42.0
            $.meta: { equals: { region: eu, version: "1.2.3" } }
            $.deleted_at: null
            $.status: { not_equals: down }
            $.tags: [blue, small]
      - name: exists
        request: { url: "{{ base_url }}/doc" }
        expect:
          json:
            $.id: { exists: true }
            $.nope: { exists: false }
            $.deleted_at: { exists: true }
      - name: contains
        request: { url: "{{ base_url }}/doc" }
        expect:
          json:
            $.email: { contains: "@example", not_contains: gmail }
            $.tags: { contains: blue, not_contains: red }
            $.meta: { contains: region }
      - name: matches and type
        request: { url: "{{ base_url }}/doc" }
        expect:
          json:
            $.email: { matches: "^[^@]+@[^@]+$", type: string }
            $.id: { type: integer }
            $.price: { type: number }
            $.active: { type: boolean }
            $.tags: { type: array }
            $.meta: { type: object }
            $.deleted_at: { type: null }
      - name: length and comparisons
        request: { url: "{{ base_url }}/doc" }
        expect:
          json:
            $.tags: { length: 2 }
            $.name: { length: { gte: 3, lt: 10 } }
            $.meta: { length: 2 }
            $.id: { gt: 41, gte: 42, lt: 43, lte: 42 }
            $.price: { gt: 9, lte: 9.5 }
      - name: one_of
        request: { url: "{{ base_url }}/doc" }
        expect:
          json:
            $.status: { one_of: [ok, degraded] }
            $.id: { one_of: [1, 42] }
      - name: each and count
        request: { url: "{{ base_url }}/doc" }
        expect:
          json:
            $.items[*].price: { each: { type: number, gte: 0 } }
            $.tags: { each: { type: string } }
            $.items[*]: { count: 3 }
            $.items[?@.healthy == false]: { count: 1 }
            $.items[?@.price > 100]: { count: 0 }
      - name: singular and wildcard paths
        request: { url: "{{ base_url }}/doc" }
        expect:
          json:
            $.items[0].name: a
            $['meta']['region']: eu
            $.items[*].name: [a, b, c]
            $.items[?@.price > 1].name: [b]
            $.items[0:2].name: [a, b]
            $..region: [eu]
      - name: body matchers
        request: { url: "{{ base_url }}/text" }
        expect:
          body: { contains: "state=ready", matches: "code=[A-Z]+-\\d", not_contains: error }
      - name: body literal
        request: { url: "{{ base_url }}/text" }
        expect:
          body: "hello planrun\nstate=ready code=XYZ-9\n"
"#;

const FAILING: &str = r#"
    name: Matchers fail
    steps:
      - name: status number
        request: { url: "{{ base_url }}/status/404" }
        expect: { status: 200 }
      - name: status list
        request: { url: "{{ base_url }}/status/500" }
        expect: { status: [200, 204] }
      - name: status class
        request: { url: "{{ base_url }}/status/503" }
        expect: { status: "2xx" }
      - name: header literal
        request: { url: "{{ base_url }}/doc" }
        expect: { headers: { X-REQUEST-ID: req-999 } }
      - name: header absent
        request: { url: "{{ base_url }}/doc" }
        expect: { headers: { x-missing: { exists: true } } }
      - name: equals
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.name: gadget } }
      - name: equals object
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.meta: { equals: { version: "1.2.3" } } } }
      - name: not_equals
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.status: { not_equals: ok } } }
      - name: exists true
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.nope: { exists: true } } }
      - name: exists false
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.id: { exists: false } } }
      - name: contains
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.tags: { contains: red } } }
      - name: not_contains
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.email: { not_contains: example } } }
      - name: matches
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.name: { matches: "^\\d+$" } } }
      - name: type
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.price: { type: integer } } }
      - name: length
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.tags: { length: 3 } } }
      - name: gt
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.id: { gt: 42 } } }
      - name: gte
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.price: { gte: 10 } } }
      - name: lt
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.id: { lt: 1 } } }
      - name: lte
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.price: { lte: 9 } } }
      - name: one_of
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { $.status: { one_of: [down, degraded] } } }
      - name: each
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { "$.items[*].healthy": { each: true } } }
      - name: count
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { "$.items[?@.healthy == false]": { count: 0 } } }
      - name: wildcard compares the array
        request: { url: "{{ base_url }}/doc" }
        expect: { json: { "$.items[*].name": a } }
      - name: body
        request: { url: "{{ base_url }}/text" }
        expect: { body: { contains: bye } }
      - name: three of four fail
        request: { url: "{{ base_url }}/doc" }
        expect:
          status: 201
          json:
            $.name: gadget
            $.status: ok
            $.id: { lt: 0 }
      - name: not json
        request: { url: "{{ base_url }}/not-json" }
        expect:
          status: 200
          json: { $.status: ok }
"#;

/// One run of both plans, shared by the tests of this file.
fn run() -> &'static RunOutput {
    static RUN: OnceLock<RunOutput> = OnceLock::new();
    RUN.get_or_init(|| {
        let server = TestServer::shared();
        let ws = Workspace::new("matchers");
        ws.write("plans/a_pass.yaml", PASSING);
        ws.write("plans/b_fail.yaml", FAILING);
        ws.run(&["plans", "--var", &server.var()])
    })
}

#[test]
fn a_failing_check_fails_the_run() {
    let out = run();
    assert_eq!(out.code(), 1, "{out}");
}

#[test]
fn every_passing_matcher_passes() {
    let out = run();
    // step → number of checks it must have evaluated (none silently dropped).
    let expected = [
        ("status number", 1),
        ("status list", 1),
        ("status class", 1),
        ("headers", 5),
        ("equals and not_equals", 6),
        ("exists", 3),
        ("contains", 3),
        ("matches and type", 7),
        ("length and comparisons", 5),
        ("one_of", 2),
        ("each and count", 5),
        ("singular and wildcard paths", 6),
        ("body matchers", 1),
        ("body literal", 1),
    ];
    let plan = out.plan("Matchers pass");
    assert_eq!(plan.steps.len(), expected.len());
    for (step, (name, checks)) in plan.steps.iter().zip(expected) {
        assert_eq!(step.name, name);
        assert_eq!(step.outcome, Outcome::Passed, "{name}: {:?}", step.checks);
        assert_eq!(step.message, None, "{name}");
        assert_eq!(step.checks.len(), checks, "{name}: {:?}", step.checks);
        for c in &step.checks {
            assert_eq!(c.status, CheckStatus::Pass, "{name}: {c:?}");
        }
    }
}

#[test]
fn singular_paths_compare_one_node_and_others_the_array() {
    let out = run();
    let step = out.step("singular and wildcard paths");
    let actual = |subject: &str| {
        let c = step.checks.iter().find(|c| c.subject == subject);
        c.unwrap_or_else(|| panic!("no check {subject}"))
            .actual_text
            .clone()
    };
    let value = |subject: &str| {
        let c = step.checks.iter().find(|c| c.subject == subject);
        c.unwrap_or_else(|| panic!("no check {subject}"))
            .actual
            .clone()
    };
    // The structured value is the node, or the array of nodes a path selects.
    assert_eq!(value("$.items[0].name"), serde_json::json!("a"));
    assert_eq!(value("$.items[*].name"), serde_json::json!(["a", "b", "c"]));
    assert_eq!(actual("$.items[0].name"), r#""a""#);
    assert_eq!(actual("$['meta']['region']"), r#""eu""#);
    assert_eq!(actual("$.items[*].name"), r#"["a","b","c"]"#);
    assert_eq!(actual("$.items[?@.price > 1].name"), r#"["b"]"#);
    assert_eq!(actual("$..region"), r#"["eu"]"#);
    // A wildcard path selecting one value still gives an array, so `a` ≠ ["a","b","c"].
    let wild = out.step_in("Matchers fail", "wildcard compares the array");
    assert_eq!(wild.outcome, Outcome::Failed);
}

#[test]
fn every_failing_matcher_names_the_check_and_shows_expected_and_actual() {
    let out = run();
    use CheckKind::*;
    // (step, kind, subject, expected, actual)
    let cases: &[(&str, CheckKind, &str, &str, &str)] = &[
        ("status number", Status, "status", "200", "404 Not Found"),
        (
            "status list",
            Status,
            "status",
            "200 or 204",
            "500 Internal Server Error",
        ),
        (
            "status class",
            Status,
            "status",
            "2xx",
            "503 Service Unavailable",
        ),
        (
            "header literal",
            Header,
            "X-REQUEST-ID",
            r#""req-999""#,
            r#""req-123""#,
        ),
        ("header absent", Header, "x-missing", "exists", "absent"),
        ("equals", Json, "$.name", r#""gadget""#, r#""widget""#),
        (
            "equals object",
            Json,
            "$.meta",
            r#"equals {"version":"1.2.3"}"#,
            r#"{"version":"1.2.3","region":"eu"} (equals: unexpected key "region")"#,
        ),
        (
            "not_equals",
            Json,
            "$.status",
            r#"not_equals "ok""#,
            r#""ok" (not_equals: is equal)"#,
        ),
        ("exists true", Json, "$.nope", "exists", "nothing selected"),
        (
            "exists false",
            Json,
            "$.id",
            "exists false",
            "42 (exists: present)",
        ),
        (
            "contains",
            Json,
            "$.tags",
            r#"contains "red""#,
            r#"["blue","small"] (contains: "red" not found)"#,
        ),
        (
            "not_contains",
            Json,
            "$.email",
            r#"not_contains "example""#,
            r#""qa@example.com" (not_contains: "example" found)"#,
        ),
        (
            "matches",
            Json,
            "$.name",
            r"matches /^\d+$/",
            r#""widget" (matches: no match)"#,
        ),
        (
            "type",
            Json,
            "$.price",
            "type integer",
            "9.5 (type: is number)",
        ),
        (
            "length",
            Json,
            "$.tags",
            "length 3",
            r#"["blue","small"] (length: 2 ≠ 3)"#,
        ),
        ("gt", Json, "$.id", "> 42", "42 (gt: not > 42)"),
        ("gte", Json, "$.price", "≥ 10", "9.5 (gte: not ≥ 10)"),
        ("lt", Json, "$.id", "< 1", "42 (lt: not < 1)"),
        ("lte", Json, "$.price", "≤ 9", "9.5 (lte: not ≤ 9)"),
        (
            "one_of",
            Json,
            "$.status",
            r#"one_of ["down", "degraded"]"#,
            r#""ok" (one_of: none match)"#,
        ),
        (
            "each",
            Json,
            "$.items[*].healthy",
            "each true",
            "[true,true,false] (each: 1 of 3 fail, first [2]: false ≠ true)",
        ),
        (
            "count",
            Json,
            "$.items[?@.healthy == false]",
            "count 0",
            r#"[{"name":"c","price":0,"healthy":false}] (count: 1 ≠ 0)"#,
        ),
        (
            "wildcard compares the array",
            Json,
            "$.items[*].name",
            r#""a""#,
            r#"["a","b","c"]"#,
        ),
        (
            "body",
            Body,
            "body",
            r#"contains "bye""#,
            r#""hello planrun\nstate=ready code=XYZ-9\n" (contains: "bye" not found)"#,
        ),
    ];
    for &(name, kind, subject, expected, actual) in cases {
        let step = out.step_in("Matchers fail", name);
        assert_eq!(step.outcome, Outcome::Failed, "{name}");
        assert_eq!(step.checks.len(), 1, "{name}: {:?}", step.checks);
        let c = &step.checks[0];
        assert_eq!(
            (c.kind, c.subject.as_str(), c.status),
            (kind, subject, CheckStatus::Fail),
            "{name}"
        );
        assert_eq!(c.expected_text, expected, "{name}: expected");
        assert_eq!(c.actual_text, actual, "{name}: actual");
        let message = step.message.as_deref().unwrap_or_default();
        assert_eq!(
            message,
            format!("{subject}: expected {expected}, got {actual}"),
            "{name}: message"
        );
        let kind_token = match kind {
            Status => "StatusMismatch",
            Header => "HeaderMismatch",
            Json => "JsonPathMismatch",
            Body => "BodyMismatch",
            Latency => "LatencyBudgetExceeded",
            Schema => "SchemaMismatch",
            Tls => "CertificateMismatch",
        };
        assert_eq!(
            step.error_kind
                .map(planrun::results::ErrorKind::junit_type)
                .as_deref(),
            Some(kind_token),
            "{name}"
        );
        // The terminal shows the same message under the step.
        assert!(
            out.exec.stdout.contains(message),
            "{name} not on stdout\n{out}"
        );
    }
}

#[test]
fn every_check_of_a_step_is_evaluated_and_every_failure_reported() {
    let out = run();
    let step = out.step("three of four fail");
    assert_eq!(step.outcome, Outcome::Failed);
    assert_eq!(
        step.error_kind,
        Some(planrun::results::ErrorKind::CheckFailed)
    );
    let statuses: Vec<(&str, CheckStatus)> = step
        .checks
        .iter()
        .map(|c| (c.subject.as_str(), c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("status", CheckStatus::Fail),
            ("$.name", CheckStatus::Fail),
            ("$.status", CheckStatus::Pass),
            ("$.id", CheckStatus::Fail),
        ]
    );
    let message = step.message.as_deref().unwrap();
    assert!(
        message.starts_with("3 of 4 checks failed: status: expected 201, got 200 OK"),
        "{message}"
    );
    // The JUnit failure lists every failed check, not only the first.
    for line in [
        "[status] status: expected 201, got 200 OK",
        r#"[json] $.name: expected "gadget", got "widget""#,
        "[json] $.id: expected &lt; 0, got 42 (lt: not &lt; 0)",
    ] {
        assert!(
            out.junit.contains(line),
            "JUnit lacks {line}\n{}",
            out.junit
        );
    }
    // The terminal lists every failed check too, a line each, and not the one that held.
    let terminal = "      3 of 4 checks failed:\n        - status: expected 201, got 200 OK\n        \
                    - $.name: expected \"gadget\", got \"widget\"\n        - $.id: expected < 0, got 42";
    assert!(out.exec.stdout.contains(terminal), "{}", out.exec.stdout);
    assert!(
        !out.exec.stdout.contains("- $.status:"),
        "{}",
        out.exec.stdout
    );
    // results.json spells the documented names.
    let raw = &out.raw["plans"][1]["steps"];
    let raw_step = raw
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "three of four fail")
        .unwrap();
    assert_eq!(raw_step["outcome"], "failed");
    let check_statuses: Vec<&str> = raw_step["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(check_statuses, ["fail", "fail", "pass", "fail"]);
}

#[test]
fn a_json_check_on_a_body_that_is_not_json_is_an_error() {
    let out = run();
    let step = out.step("not json");
    assert_eq!(step.outcome, Outcome::Error);
    assert_eq!(
        step.error_kind,
        Some(planrun::results::ErrorKind::InvalidJson)
    );
    let message = step.message.as_deref().unwrap();
    assert!(message.contains("response is not JSON"), "{message}");
    assert_eq!(out.raw["plans"][1]["steps"][25]["outcome"], "error");
}
