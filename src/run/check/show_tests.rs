//! How expectations and values are written out for people (the subject is
//! `check::show`).

use super::*;

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
