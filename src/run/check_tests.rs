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

// ------------------------------------------------------------ literals, equals

#[test]
fn literal_passes_and_reports_subject_and_kind() {
    let r = json("$.status", "ok", json!({"status": "ok"}));
    passes(&r);
    assert_eq!(r.kind, CheckKind::Json);
    assert_eq!(r.subject, "$.status");
    assert_eq!(r.expected_text, "\"ok\"");
    assert_eq!(r.actual_text, "\"ok\"");
}

#[test]
fn literal_scalar_mismatch_shows_plain_actual() {
    fails(
        &json("$.status", "ok", json!({"status": "okay"})),
        "\"ok\"",
        "\"okay\"",
    );
}

#[test]
fn numbers_compare_by_value() {
    passes(&json("$.n", "1", json!({"n": 1.0})));
    passes(&json("$.n", "1.0", json!({"n": 1})));
    passes(&json("$.n", "{ equals: 2.0 }", json!({"n": 2})));
    passes(&json("$.n", "{ one_of: [1.0, 2.0] }", json!({"n": 2})));
    passes(&json("$.a", "[1, 2.0]", json!({"a": [1.0, 2]})));
    passes(&json("$.n", "18446744073709551615", json!({"n": u64::MAX})));
    fails(&json("$.n", "1", json!({"n": 1.5})), "1", "1.5");
}

#[test]
fn json_literal_does_not_coerce_strings() {
    fails(&json("$.n", "42", json!({"n": "42"})), "42", "\"42\"");
    fails(
        &json("$.b", "true", json!({"b": "true"})),
        "true",
        "\"true\"",
    );
}

#[test]
fn deep_equality_ignores_key_order_and_points_at_difference() {
    passes(&json(
        "$",
        "{ equals: { a: 1, b: [1, 2] } }",
        json!({"b": [1, 2.0], "a": 1.0}),
    ));
    let r = json("$.a", "[1, 2, 3]", json!({"a": [1, 2, 4]}));
    fails(&r, "[1,2,3]", "[1,2,4] (at [2]: 4 ≠ 3)");
    let r = json("$.a", "[1, 2]", json!({"a": [1]}));
    fails(&r, "[1,2]", "[1] (length 1 ≠ 2)");
    let r = json(
        "$",
        "{ equals: { user: { id: 1, name: x } } }",
        json!({"user": {"id": 1}}),
    );
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(
        r.actual_text
            .ends_with("(equals: at .user: missing key \"name\")"),
        "{r:?}"
    );
    let r = json(
        "$",
        "{ equals: { id: 1 } }",
        json!({"id": 1, "extra": true}),
    );
    assert!(r.actual_text.contains("unexpected key \"extra\""), "{r:?}");
}

#[test]
fn equals_key_failure_names_key() {
    let r = json("$.n", "{ equals: 3 }", json!({"n": 4}));
    fails(&r, "equals 3", "4 (equals: ≠ 3)");
}

#[test]
fn equals_null_is_a_matcher_on_null() {
    passes(&json("$.x", "{ equals: null }", json!({"x": null})));
    fails(
        &json("$.x", "{ equals: null }", json!({"x": 0})),
        "equals null",
        "0 (equals: ≠ null)",
    );
}

#[test]
fn not_equals() {
    passes(&json("$.s", "{ not_equals: down }", json!({"s": "up"})));
    passes(&json("$.n", "{ not_equals: 1 }", json!({"n": "1"})));
    fails(
        &json("$.n", "{ not_equals: 1 }", json!({"n": 1.0})),
        "not_equals 1",
        "1.0 (not_equals: is equal)",
    );
}

// ------------------------------------------------------------ exists

#[test]
fn exists_true_and_false() {
    passes(&json("$.a", "{ exists: true }", json!({"a": null})));
    passes(&json("$.b", "{ exists: false }", json!({"a": 1})));
    fails(
        &json("$.b", "{ exists: true }", json!({"a": 1})),
        "exists",
        "nothing selected",
    );
    fails(
        &json("$.a", "{ exists: false }", json!({"a": 1})),
        "exists false",
        "1 (exists: present)",
    );
}

// ------------------------------------------------------------ contains

#[test]
fn contains_substring_element_and_key() {
    passes(&json("$.s", "{ contains: ok }", json!({"s": "all ok"})));
    passes(&json(
        "$.a",
        "{ contains: { id: 2 } }",
        json!({"a": [{"id": 1}, {"id": 2.0}]}),
    ));
    passes(&json("$.o", "{ contains: id }", json!({"o": {"id": 1}})));
    passes(&json("$.s", "{ contains: 42 }", json!({"s": "order-42"})));
}

#[test]
fn contains_failures_name_key_and_needle() {
    let r = json("$.s", "{ contains: ok }", json!({"s": "down"}));
    fails(
        &r,
        "contains \"ok\"",
        "\"down\" (contains: \"ok\" not found)",
    );
    let r = json("$.a", "{ contains: 3 }", json!({"a": [1, 2]}));
    fails(&r, "contains 3", "[1,2] (contains: 3 not found)");
    let r = json("$.o", "{ contains: name }", json!({"o": {"id": 1}}));
    fails(
        &r,
        "contains \"name\"",
        "{\"id\":1} (contains: \"name\" not found)",
    );
    let r = json("$.n", "{ contains: 1 }", json!({"n": 10}));
    fails(
        &r,
        "contains 1",
        "10 (contains: not a string, array or object (integer))",
    );
}

#[test]
fn not_contains() {
    passes(&json(
        "$.s",
        "{ not_contains: error }",
        json!({"s": "fine"}),
    ));
    passes(&json("$.a", "{ not_contains: 3 }", json!({"a": [1, 2]})));
    let r = json("$.a", "{ not_contains: 2 }", json!({"a": [1, 2.0]}));
    fails(&r, "not_contains 2", "[1,2.0] (not_contains: 2 found)");
    let r = json(
        "$.o",
        "{ not_contains: secret }",
        json!({"o": {"secret": 1}}),
    );
    assert!(
        r.actual_text.contains("not_contains: \"secret\" found"),
        "{r:?}"
    );
}

// ------------------------------------------------------------ matches

#[test]
fn matches_strings_numbers_and_bools() {
    passes(&json(
        "$.id",
        "{ matches: '^[a-f0-9]{8}$' }",
        json!({"id": "deadbeef"}),
    ));
    passes(&json("$.n", "{ matches: '^4\\d$' }", json!({"n": 42})));
    passes(&json("$.b", "{ matches: '^true$' }", json!({"b": true})));
    let r = json("$.id", "{ matches: '^a' }", json!({"id": "bcd"}));
    fails(&r, "matches /^a/", "\"bcd\" (matches: no match)");
    let r = json("$.o", "{ matches: '.' }", json!({"o": {}}));
    fails(&r, "matches /./", "{} (matches: not a string (object))");
}

// ------------------------------------------------------------ type

#[test]
fn type_every_kind_passes() {
    let doc =
        json!({"s": "x", "n": 1.5, "i": 3, "f": 3.0, "b": false, "a": [], "o": {}, "z": null});
    for (p, ty) in [
        ("$.s", "string"),
        ("$.n", "number"),
        ("$.i", "number"),
        ("$.i", "integer"),
        ("$.f", "integer"),
        ("$.b", "boolean"),
        ("$.a", "array"),
        ("$.o", "object"),
        ("$.z", "'null'"),
    ] {
        passes(&json(p, &format!("{{ type: {ty} }}"), doc.clone()));
    }
}

#[test]
fn type_failures_say_what_it_is() {
    fails(
        &json("$.n", "{ type: integer }", json!({"n": 1.5})),
        "type integer",
        "1.5 (type: is number)",
    );
    fails(
        &json("$.n", "{ type: string }", json!({"n": 7})),
        "type string",
        "7 (type: is integer)",
    );
    fails(
        &json("$.z", "{ type: object }", json!({"z": null})),
        "type object",
        "null (type: is null)",
    );
}

// ------------------------------------------------------------ length

#[test]
fn length_of_string_array_object() {
    passes(&json("$.s", "{ length: 3 }", json!({"s": "héé"})));
    passes(&json("$.a", "{ length: 2 }", json!({"a": [1, 2]})));
    passes(&json("$.o", "{ length: 1 }", json!({"o": {"k": 1}})));
    passes(&json(
        "$.a",
        "{ length: { gte: 2, lt: 5 } }",
        json!({"a": [1, 2, 3]}),
    ));
}

#[test]
fn length_failures() {
    let r = json("$.a", "{ length: 3 }", json!({"a": [1]}));
    fails(&r, "length 3", "[1] (length: 1 ≠ 3)");
    let r = json("$.a", "{ length: { gt: 2 } }", json!({"a": [1]}));
    fails(&r, "length (> 2)", "[1] (length: 1 (gt: not > 2))");
    let r = json("$.n", "{ length: 1 }", json!({"n": 5}));
    fails(
        &r,
        "length 1",
        "5 (length: not a string, array or object (integer))",
    );
}

#[test]
fn several_keys_report_only_the_failing_one() {
    let r = json("$.s", "{ contains: ok, length: 3 }", json!({"s": "okay"}));
    fails(
        &r,
        "contains \"ok\" and length 3",
        "\"okay\" (length: 4 ≠ 3)",
    );
    let r = json("$.s", "{ contains: no, length: 3 }", json!({"s": "okay"}));
    fails(
        &r,
        "contains \"no\" and length 3",
        "\"okay\" (contains: \"no\" not found; length: 4 ≠ 3)",
    );
    passes(&json(
        "$.s",
        "{ contains: ok, length: 4, type: string }",
        json!({"s": "okay"}),
    ));
}

// ------------------------------------------------------------ numeric comparisons

#[test]
fn comparisons_pass_at_and_beyond_bounds() {
    let doc = json!({"n": 5});
    passes(&json("$.n", "{ gt: 4.5 }", doc.clone()));
    passes(&json("$.n", "{ gte: 5 }", doc.clone()));
    passes(&json("$.n", "{ lt: 6 }", doc.clone()));
    passes(&json("$.n", "{ lte: 5.0 }", doc.clone()));
    passes(&json("$.n", "{ gt: 0, lte: 5 }", doc));
}

#[test]
fn comparisons_fail_naming_key_and_bound() {
    let doc = json!({"n": 5});
    fails(
        &json("$.n", "{ gt: 5 }", doc.clone()),
        "> 5",
        "5 (gt: not > 5)",
    );
    fails(
        &json("$.n", "{ gte: 5.5 }", doc.clone()),
        "≥ 5.5",
        "5 (gte: not ≥ 5.5)",
    );
    fails(
        &json("$.n", "{ lt: 5 }", doc.clone()),
        "< 5",
        "5 (lt: not < 5)",
    );
    fails(&json("$.n", "{ lte: 4 }", doc), "≤ 4", "5 (lte: not ≤ 4)");
}

#[test]
fn comparisons_on_non_numbers_say_not_a_number() {
    let r = json("$.n", "{ gt: 1 }", json!({"n": "5"}));
    fails(&r, "> 1", "\"5\" (gt: not a number (string))");
    let r = json("$.n", "{ lt: 1 }", json!({"n": null}));
    fails(&r, "< 1", "null (lt: not a number (null))");
}

#[test]
fn huge_and_odd_numbers_do_not_panic() {
    passes(&json("$.n", "{ gt: 1e300 }", json!({"n": 1e308})));
    let r = json("$.n", "{ lt: 1e300 }", json!({"n": 1e308}));
    fails(&r, "< 1e300", "1e+308 (lt: not < 1e300)");
    let r = json("$.n", "{ gt: .nan }", json!({"n": 1}));
    fails(&r, "> NaN", "1 (gt: not > NaN)");
    passes(&json("$.n", "{ lt: .inf }", json!({"n": 1})));
    passes(&json("$.n", "{ type: integer }", json!({"n": u64::MAX})));
}

// ------------------------------------------------------------ one_of

#[test]
fn one_of() {
    passes(&json(
        "$.s",
        "{ one_of: [up, degraded] }",
        json!({"s": "degraded"}),
    ));
    passes(&json(
        "$.o",
        "{ one_of: [{ a: 1 }, 2] }",
        json!({"o": {"a": 1.0}}),
    ));
    let r = json("$.s", "{ one_of: [up, degraded] }", json!({"s": "down"}));
    fails(
        &r,
        "one_of [\"up\", \"degraded\"]",
        "\"down\" (one_of: none match)",
    );
}

// ------------------------------------------------------------ wildcard, filter, each, count

#[test]
fn non_singular_path_compares_array_of_selected_values() {
    let doc = json!({"items": [{"id": 1}, {"id": 2}]});
    passes(&json("$.items[*].id", "[1, 2]", doc.clone()));
    passes(&json("$.items[?@.id == 2].id", "[2]", doc.clone()));
    passes(&json("$..id", "{ contains: 2 }", doc.clone()));
    fails(&json("$.items[?@.id == 2].id", "2", doc), "2", "[2]");
}

#[test]
fn each_on_wildcard_and_filter_paths() {
    let doc =
        json!({"items": [{"id": 1, "ok": true}, {"id": 20, "ok": false}, {"id": 30, "ok": true}]});
    passes(&json(
        "$.items[*].id",
        "{ each: { type: integer } }",
        doc.clone(),
    ));
    passes(&json(
        "$.items[?@.ok == true].ok",
        "{ each: true }",
        doc.clone(),
    ));
    let r = json("$.items[*].id", "{ each: { gt: 5 } }", doc.clone());
    fails(
        &r,
        "each (> 5)",
        "[1,20,30] (each: 1 of 3 fail, first [0]: 1 (gt: not > 5))",
    );
    let r = json("$.items[*].ok", "{ each: true }", doc);
    fails(
        &r,
        "each true",
        "[true,false,true] (each: 1 of 3 fail, first [1]: false ≠ true)",
    );
}

#[test]
fn each_on_singular_path_walks_the_array() {
    let doc = json!({"tags": ["a", "b", 3], "name": "x"});
    let r = json("$.tags", "{ each: { type: string } }", doc.clone());
    fails(
        &r,
        "each (type string)",
        "[\"a\",\"b\",3] (each: 1 of 3 fail, first [2]: 3 (type: is integer))",
    );
    passes(&json(
        "$.tags[0:2]",
        "{ each: { type: string } }",
        doc.clone(),
    ));
    passes(&json("$.empty", "{ each: 1 }", json!({"empty": []})));
    let r = json("$.name", "{ each: { type: string } }", doc);
    fails(
        &r,
        "each (type string)",
        "\"x\" (each: not an array (string))",
    );
}

#[test]
fn count_on_wildcard_and_filter_paths() {
    let doc =
        json!({"items": [{"id": 1, "ok": true}, {"id": 2, "ok": false}, {"id": 3, "ok": true}]});
    passes(&json("$.items[*]", "{ count: 3 }", doc.clone()));
    passes(&json("$.items[?@.ok == true]", "{ count: 2 }", doc.clone()));
    passes(&json("$.items[*]", "{ count: { gte: 1 } }", doc.clone()));
    passes(&json("$.items", "{ count: 1 }", doc.clone()));
    let r = json("$.items[?@.ok == true].id", "{ count: 3 }", doc.clone());
    fails(&r, "count 3", "[1,3] (count: 2 ≠ 3)");
    let r = json("$.items[*]", "{ count: { lt: 2 } }", doc);
    assert_eq!(r.expected_text, "count (< 2)");
    assert!(r.actual_text.ends_with("(count: 3 (lt: not < 2))"), "{r:?}");
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

// ------------------------------------------------------------ describe, show

#[test]
fn describe_forms() {
    assert_eq!(describe(&e("200")), "200");
    assert_eq!(describe(&e("{ contains: ok }")), "contains \"ok\"");
    assert_eq!(
        describe(&e("{ matches: '^a', length: 3 }")),
        "matches /^a/ and length 3"
    );
    assert_eq!(
        describe(&e("{ each: { type: string } }")),
        "each (type string)"
    );
    assert_eq!(describe(&e("{ gte: 0.5, lt: 10 }")), "≥ 0.5 and < 10");
    assert_eq!(describe(&e("{ exists: false }")), "exists false");
}

#[test]
fn show_truncates_long_values() {
    assert_eq!(show(&json!("hi")), "\"hi\"");
    assert_eq!(show(&json!({"a": [1, null]})), "{\"a\":[1,null]}");
    let long = show(&json!("é".repeat(500)));
    assert_eq!(long.chars().count(), 203, "quote + 200 chars + … + quote");
    assert!(long.ends_with("é…\""));
    let arr = show(&json!(vec![12345; 1000]));
    assert_eq!(arr.chars().count(), 201);
    assert!(arr.ends_with('…'));
}

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
