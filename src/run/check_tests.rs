use super::*;
use serde_json::json;

fn e(yaml: &str) -> Expected {
    serde_yaml::from_str::<Expected>(yaml)
        .unwrap_or_else(|err| panic!("bad test YAML `{yaml}`: {err}"))
}

fn path(source: &str) -> JsonPath {
    JsonPath::parse(source).unwrap()
}

fn json(source: &str, expected: &str, body: Value) -> CheckResult {
    check_json(&path(source), &e(expected), &body)
}

fn body(expected: &str, text: &str) -> CheckResult {
    check_body(&e(expected), text, text.as_bytes(), None)
}

fn header(expected: &str, values: &[&str]) -> CheckResult {
    let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    check_header("Content-Type", &e(expected), &values)
}

#[track_caller]
fn passes(r: &CheckResult) {
    assert_eq!(r.status, CheckStatus::Pass, "expected pass: {r:?}");
}

/// Fails, with `expected` and `actual` texts as given.
#[track_caller]
fn fails(r: &CheckResult, expected: &str, actual: &str) {
    assert_eq!(r.status, CheckStatus::Fail, "expected failure: {r:?}");
    assert_eq!(r.expected_text, expected, "{r:?}");
    assert_eq!(r.actual_text, actual, "{r:?}");
}

// The matcher keys one by one, and the texts checks write, each in the file of the
// module they test; the helpers above serve all three.
#[path = "check/eval_tests.rs"]
mod eval;
#[path = "check/show_tests.rs"]
mod show;

// ------------------------------------------------------------ what a JSON path selects

#[test]
fn non_singular_path_compares_array_of_selected_values() {
    let doc = json!({"items": [{"id": 1}, {"id": 2}]});
    passes(&json("$.items[*].id", "[1, 2]", doc.clone()));
    passes(&json("$.items[?@.id == 2].id", "[2]", doc.clone()));
    passes(&json("$..id", "{ contains: 2 }", doc.clone()));
    fails(&json("$.items[?@.id == 2].id", "2", doc), "2", "[2]");
}

#[test]
fn nothing_selected_fails_everything_but_absence() {
    let doc = json!({"items": []});
    for yaml in [
        "1",
        "null",
        "[]",
        "{ exists: true }",
        "{ type: 'null' }",
        "{ each: 1 }",
        "{ count: 1 }",
    ] {
        let r = json("$.items[*]", yaml, doc.clone());
        assert_eq!(r.status, CheckStatus::Fail, "{yaml}: {r:?}");
        assert_eq!(r.actual_text, "nothing selected", "{yaml}");
    }
    for yaml in [
        "{ exists: false }",
        "{ count: 0 }",
        "{ count: { lt: 1 } }",
        "{ exists: false, count: 0 }",
    ] {
        let r = json("$.items[*]", yaml, doc.clone());
        passes(&r);
        assert_eq!(r.actual_text, "nothing selected");
    }
    let r = json("$.missing", "{ exists: false, type: string }", doc);
    assert_eq!(r.status, CheckStatus::Fail, "{r:?}");
}

// ------------------------------------------------------------ headers

#[test]
fn header_literal_and_matchers() {
    let r = header("application/json", &["application/json"]);
    passes(&r);
    assert_eq!(
        (r.kind, r.subject.as_str()),
        (CheckKind::Header, "Content-Type")
    );
    passes(&header(
        "{ contains: json }",
        &["application/json; charset=utf-8"],
    ));
    passes(&header(
        "{ matches: '^application/' }",
        &["application/json"],
    ));
    let r = header("{ contains: xml }", &["text/html"]);
    fails(
        &r,
        "contains \"xml\"",
        "\"text/html\" (contains: \"xml\" not found)",
    );
}

#[test]
fn header_literal_number_and_bool_compare_as_text() {
    passes(&header("42", &["42"]));
    passes(&header("true", &["true"]));
    passes(&header("{ one_of: [41, 42] }", &["42"]));
    passes(&header("{ gt: 10, lte: 42 }", &["42"]));
    fails(&header("43", &["42"]), "43", "\"42\"");
    fails(
        &header("{ gt: 1 }", &["abc"]),
        "> 1",
        "\"abc\" (gt: not a number (string))",
    );
}

#[test]
fn header_several_values_are_joined() {
    let r = header("a=1, b=2", &["a=1", "b=2"]);
    passes(&r);
    assert_eq!(r.actual_text, "\"a=1, b=2\"");
    passes(&header(
        "{ count: 2, each: { contains: '=' } }",
        &["a=1", "b=2"],
    ));
    let r = header("{ each: { matches: '^a' } }", &["a=1", "b=2"]);
    fails(
        &r,
        "each (matches /^a/)",
        "\"a=1, b=2\" (each: 1 of 2 fail, first [1]: \"b=2\" (matches: no match))",
    );
}

#[test]
fn absent_header_only_passes_exists_false() {
    passes(&header("{ exists: false }", &[]));
    fails(&header("{ exists: true }", &[]), "exists", "absent");
    fails(
        &header("application/json", &[]),
        "\"application/json\"",
        "absent",
    );
    fails(
        &header("{ not_contains: x }", &[]),
        "not_contains \"x\"",
        "absent",
    );
    fails(
        &header("{ exists: false }", &["x"]),
        "exists false",
        "\"x\" (exists: present)",
    );
    // `count` of a header is its number of values, so 0 also accepts absence.
    passes(&header("{ count: 0 }", &[]));
    fails(&header("{ count: 1 }", &[]), "count 1", "absent");
}

// ------------------------------------------------------------ body

#[test]
fn body_literal_is_exact_text() {
    let r = body("pong", "pong");
    passes(&r);
    assert_eq!((r.kind, r.subject.as_str()), (CheckKind::Body, "body"));
    fails(&body("pong", "pong\n"), "\"pong\"", "\"pong\\n\"");
    passes(&body("42", "42"));
}

#[test]
fn body_matchers_apply_to_text() {
    passes(&body(
        "{ contains: healthy, not_contains: error }",
        "all healthy",
    ));
    passes(&body(
        "{ matches: '(?s)^<html>.*</html>$', length: { gt: 10 } }",
        "<html>x</html>",
    ));
    passes(&body("{ type: string }", "{\"a\": 1}"));
    let r = body("{ contains: healthy }", "down");
    fails(
        &r,
        "contains \"healthy\"",
        "\"down\" (contains: \"healthy\" not found)",
    );
}

#[test]
fn huge_body_is_truncated() {
    let big = "x".repeat(1_000_000);
    let r = body("{ contains: y }", &big);
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(
        r.actual_text.chars().count() < 300,
        "{} chars",
        r.actual_text.len()
    );
    assert!(r.actual_text.starts_with("\"xxxx"));
    assert!(
        r.actual_text.contains("…\" (contains: \"y\" not found)"),
        "{}",
        r.actual_text
    );
}

#[test]
fn values_that_surely_fit_are_kept_without_measuring_and_others_as_bounded_cuts_them() {
    let max = crate::results::VALUE_MAX_BYTES;
    let near = |n: usize| "é".repeat(n / 2);
    let values = [
        json!(null),
        json!(-9_223_372_036_854_775_808i64),
        json!(u64::MAX),
        json!(-1.797_693_134_862_315_7e308),
        json!("ok"),
        json!("\u{1}\"\\".repeat(max / 6)),
        json!(near(max - 2)),
        json!(near(max)),
        json!("x".repeat(max - 2)),
        json!("x".repeat(max - 1)),
        json!([near(max / 4), near(max / 4), {"k": near(max / 4)}]),
        json!({"a": [1, 2.5, true, null], "b": {"c": "x".repeat(max)}}),
        json!((0..3000).collect::<Vec<_>>()),
    ];
    for v in values {
        let mut budget = max;
        if fits(&v, &mut budget) {
            assert!(v.to_string().len() <= max, "fits() under-counted {v}");
        }
        assert_eq!(bounded_value(v.clone()), bounded(v));
    }
}

// ------------------------------------------------------------ latency

fn budget(yaml: &str) -> LatencySpec {
    serde_yaml::from_str(yaml).unwrap()
}

#[test]
fn latency_pass_warn_fail() {
    let b = budget("{ warn: 1s, fail: 3s }");
    let r = check_latency(&b, Duration::from_millis(500));
    assert_eq!(
        (r.status, r.kind, r.subject.as_str()),
        (CheckStatus::Pass, CheckKind::Latency, "latency")
    );
    assert_eq!(r.expected_text, "≤ 3000 ms (warn 1000 ms)");
    assert_eq!(r.actual_text, "500 ms");
    let r = check_latency(&b, Duration::from_millis(1234));
    assert_eq!(
        (r.status, r.actual_text.as_str()),
        (CheckStatus::Warn, "1234 ms")
    );
    let r = check_latency(&b, Duration::from_millis(3001));
    assert_eq!(r.status, CheckStatus::Fail);
    assert_eq!(
        check_latency(&b, Duration::from_millis(3000)).status,
        CheckStatus::Warn
    );
    assert_eq!(
        check_latency(&b, Duration::from_millis(1000)).status,
        CheckStatus::Pass
    );
}

#[test]
fn latency_single_budgets() {
    let fail_only = budget("2s");
    assert_eq!(
        check_latency(&fail_only, Duration::from_millis(2500)).status,
        CheckStatus::Fail
    );
    assert_eq!(
        check_latency(&fail_only, Duration::from_millis(1999)).expected_text,
        "≤ 2000 ms"
    );
    let warn_only = budget("{ warn: 100ms }");
    let r = check_latency(&warn_only, Duration::from_secs(60));
    assert_eq!(r.status, CheckStatus::Warn, "warn-only budget never fails");
    assert_eq!(r.expected_text, "≤ 100 ms (warn only)");
}

// ------------------------------------------------------------ status

fn status(yaml: &str) -> StatusExpect {
    serde_yaml::from_str(yaml).unwrap()
}

#[test]
fn status_exact_class_and_list() {
    let r = check_status(&status("200"), 200, "OK");
    assert_eq!(
        (r.status, r.kind, r.subject.as_str()),
        (CheckStatus::Pass, CheckKind::Status, "status")
    );
    assert_eq!(
        (r.expected_text.as_str(), r.actual_text.as_str()),
        ("200", "200 OK")
    );
    let r = check_status(&status("'2xx'"), 503, "Service Unavailable");
    assert_eq!(r.status, CheckStatus::Fail);
    assert_eq!(
        (r.expected_text.as_str(), r.actual_text.as_str()),
        ("2xx", "503 Service Unavailable")
    );
    assert_eq!(
        check_status(&status("'2xx'"), 204, "No Content").status,
        CheckStatus::Pass
    );
    let list = status("[200, '3xx']");
    assert_eq!(check_status(&list, 302, "Found").status, CheckStatus::Pass);
    let r = check_status(&list, 404, "");
    assert_eq!(
        (r.status, r.expected_text.as_str(), r.actual_text.as_str()),
        (CheckStatus::Fail, "200 or 3xx", "404")
    );
}

// ------------------------------------------------------------ bytes, digests, days left

#[test]
fn bytes_and_digests_read_the_body_bytes() {
    // "café": 4 characters, 5 bytes.
    assert_eq!(
        body("{ length: 4, bytes: 5 }", "café").status,
        CheckStatus::Pass
    );
    let sha = "{ sha256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 }";
    assert_eq!(
        body(sha, "test").status,
        CheckStatus::Pass,
        "hex in any case"
    );
    let md5 = body("{ md5: 00000000000000000000000000000000 }", "test");
    assert_eq!(md5.status, CheckStatus::Fail);
    assert!(
        md5.actual_text
            .contains("md5: is 098f6bcd4621d373cade4e832627b4f6"),
        "{}",
        md5.actual_text
    );
    let big = body("{ bytes: { gt: 10 } }", "test");
    assert!(
        big.actual_text.contains("bytes: 4 (gt: not > 10)"),
        "{}",
        big.actual_text
    );
}

#[test]
fn a_binary_body_is_shown_as_its_excerpt() {
    let raw = b"\x89PNG\0\0";
    let text = String::from_utf8_lossy(raw);
    let shown = "[binary body: image/png, 6 bytes] 89 50 4e 47 00 00";
    let c = check_body(&e("{ bytes: 7 }"), &text, raw, Some(shown));
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(c.actual_text.starts_with(shown), "{}", c.actual_text);
    assert!(!c.actual_text.contains('\u{fffd}'), "{}", c.actual_text);
}

#[test]
fn days_left_reads_as_a_sentence() {
    let short = check_tls("days_left", &e("{ gt: 30 }"), Some(&json!(12)));
    assert_eq!(short.status, CheckStatus::Fail);
    assert_eq!(
        render::check_line(&short),
        "certificate expires in 12 days: expected more than 30"
    );
    let expired = check_tls("days_left", &e("{ gte: 7, lt: 400 }"), Some(&json!(-1)));
    assert_eq!(
        render::check_line(&expired),
        "certificate expired 1 day ago: expected at least 7 and fewer than 400"
    );
    // Other matchers keep their usual words; other keys their usual line.
    let exact = check_tls("days_left", &e("{ one_of: [1, 2] }"), Some(&json!(0)));
    assert_eq!(
        render::check_line(&exact),
        "certificate expires today: expected one_of [1, 2]"
    );
    let subject = check_tls("subject", &e("{ contains: api }"), Some(&json!("CN=x")));
    assert!(render::check_line(&subject).starts_with("tls.subject: expected contains"));
    let plain = check_tls("days_left", &e("{ gt: 30 }"), None);
    assert!(render::check_line(&plain).contains("no certificate (not HTTPS)"));
}
