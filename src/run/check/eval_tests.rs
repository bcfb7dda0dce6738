//! The matcher keys and literals, applied through JSON checks: what passes, and the
//! note each failing key leaves (the subject is `check::eval`).

use super::*;

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

// ------------------------------------------------------------ each, count

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
