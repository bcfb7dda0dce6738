use super::*;
use serde_json::json;

fn scope(v: Value) -> Scope {
    match v {
        Value::Object(m) => Scope::new(m),
        _ => unreachable!(),
    }
}

#[test]
fn renders_text_and_plain() {
    let mut t = Templates::new();
    let a = t.text("{{ base_url }}/x?on={{ flag }}").unwrap();
    let s = scope(json!({"base_url": "http://h", "flag": true}));
    assert_eq!(t.render(&a, &s).unwrap(), "http://h/x?on=true");
    let p = t.text("no template").unwrap();
    assert!(matches!(p, Text::Plain(_)));
}

#[test]
fn undefined_variable_is_named() {
    let mut t = Templates::new();
    let a = t.text("Bearer {{ env.CRM_TOKEN }}").unwrap();
    let s = scope(json!({"env": {}}));
    let err = t.render(&a, &s).unwrap_err();
    assert_eq!(err.undefined.as_deref(), Some("env.CRM_TOKEN"));
    assert!(err.message.contains("undefined variable `env.CRM_TOKEN`"));
    let b = t.text("{{ missing }}").unwrap();
    assert_eq!(
        t.render(&b, &s).unwrap_err().undefined.as_deref(),
        Some("missing")
    );
}

#[test]
fn whole_expression_keeps_type_in_json_values() {
    let mut t = Templates::new();
    let v = t
        .value(&json!({"n": "{{ n }}", "s": "id-{{ n }}", "o": "{{ obj }}", "k": 3}))
        .unwrap();
    let s = scope(json!({"n": 42, "obj": {"a": [1, true]}}));
    assert_eq!(
        t.render_value(&v, &s).unwrap(),
        json!({"n": 42, "s": "id-42", "o": {"a": [1, true]}, "k": 3})
    );
}

#[test]
fn syntax_errors_are_reported_at_compile_time() {
    let mut t = Templates::new();
    let err = t.text("{{ a + }}").unwrap_err();
    assert!(err.starts_with("invalid template `{{ a + }}`"), "{err}");
}

#[test]
fn builtin_filters_render_and_unknown_names_fail_at_compile_time() {
    let mut t = Templates::new();
    let s = scope(json!({"q": "a b&c", "o": {"k": [1]}}));
    let enc = t.text("{{ q | urlencode }}").unwrap();
    assert_eq!(t.render(&enc, &s).unwrap(), "a%20b%26c");
    let js = t.text("{{ o | tojson }}").unwrap();
    assert_eq!(t.render(&js, &s).unwrap(), r#"{"k": [1]}"#);
    let err = t.text("{{ q | urlencod }}").unwrap_err();
    assert!(err.starts_with("unknown filter `urlencod`"), "{err}");
    let err = t.typed("{{ uuid4() }}").unwrap_err();
    assert!(err.starts_with("unknown function `uuid4()`"), "{err}");
    assert!(t
        .text("{{ 'x|y(' ~ q.upper() ~ range(2) | string }}")
        .is_ok());
    assert!(t.variables("{{ uuid4() }}").unwrap().is_empty());
}

#[test]
fn variables_leave_out_functions_and_template_locals() {
    let mut t = Templates::new();
    let vars = t.variables("{{ now() }}{{ range(2) }}{{ a.b }}{% set x = 1 %}{{ x }}{{ env.K }}");
    let vars: Vec<&String> = vars.as_deref().unwrap().iter().collect();
    assert_eq!(vars, ["a.b", "env.K"]);
    assert!(t.variables("{{ a + }}").is_none());
}

#[test]
fn expressions_evaluate_to_values() {
    let mut t = Templates::new();
    let e = t.expression("n > 3").unwrap();
    let s = scope(json!({"n": 5}));
    assert_eq!(t.render_json(&e, &s).unwrap(), json!(true));
    let braced = t.expression("{{ n > 3 }}").unwrap();
    assert_eq!(t.render_json(&braced, &s).unwrap(), json!(true));
}

#[test]
fn functions_give_known_values() {
    let mut t = Templates::new();
    let s = scope(json!({"n": 42}));
    let mut render = |src: &str| {
        let text = t.text(src).unwrap();
        t.render(&text, &s).unwrap()
    };
    assert_eq!(
        render("{{ hmac_sha256('key', 'message') }}"),
        "6e9ef29b75fffc5b7abae527d58fdadb2fe42e7219011976917343065f58ed4a"
    );
    assert_eq!(
        render("{{ sha256('hello') }}"),
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(render("{{ base64('qa:secret') }}"), "cWE6c2VjcmV0");
    // Non-strings are used as they print.
    assert_eq!(render("{{ base64(n) }}"), "NDI=");
    let id = render("{{ uuid() }}");
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "version 4: {id}");
    assert_ne!(id, render("{{ uuid() }}"));
    assert!(render("{{ now() }}").ends_with('Z'));
}

#[test]
fn a_function_given_an_undefined_value_says_so() {
    let mut t = Templates::new();
    let text = t.text("{{ sha256(missing) }}").unwrap();
    let err = t.render(&text, &scope(json!({}))).unwrap_err();
    assert!(
        err.message.contains("missing") || err.undefined.is_some(),
        "{err:?}"
    );
}

#[test]
fn templates_know_the_variables_they_read() {
    let mut t = Templates::new();
    let sig = t.text("{{ hmac_sha256(k, request.body) }}").unwrap();
    assert!(sig.uses("request"));
    assert!(!sig.uses("body"));
    assert!(!t.text("plain").unwrap().uses("request"));
}

#[test]
fn identical_sources_compile_once_and_render_alike() {
    let mut t = Templates::new();
    let a = t.text("{{ base_url }}/health").unwrap();
    let b = t.text("{{ base_url }}/health").unwrap();
    let (Text::Template(ca), Text::Template(cb)) = (&a, &b) else {
        panic!("templates expected");
    };
    assert!(Arc::ptr_eq(&ca.0, &cb.0), "one compiled template");
    // The same source, typed, is another template (it keeps the value's type).
    let n = t.typed("{{ n }}").unwrap();
    let n_text = t.text("{{ n }}").unwrap();
    let s = scope(json!({"base_url": "http://h", "n": 7}));
    assert_eq!(t.render_json(&n, &s).unwrap(), json!(7));
    assert_eq!(t.render_json(&n_text, &s).unwrap(), json!("7"));
    // The first render compiles for itself, later ones use the kept template.
    for _ in 0..3 {
        assert_eq!(t.render(&a, &s).unwrap(), "http://h/health");
        assert_eq!(t.render(&b, &s).unwrap(), "http://h/health");
    }
    let err = t.render(&a, &scope(json!({}))).unwrap_err();
    assert_eq!(err.undefined.as_deref(), Some("base_url"));
    // A mistake is reported for every place it is written, and after the load too.
    assert!(t.text("{{ a + }}").is_err());
    assert!(t
        .text("{{ a + }}")
        .unwrap_err()
        .starts_with("invalid template"));
    t.loaded();
    assert_eq!(t.render(&a, &s).unwrap(), "http://h/health");
    assert!(t.text("{{ x | urlencod }}").is_err());
}

#[test]
fn kept_templates_are_not_found_by_include() {
    let mut t = Templates::new();
    let s = scope(json!({"x": 1}));
    let kept = t.text("{{ x }}").unwrap();
    for _ in 0..2 {
        assert_eq!(t.render(&kept, &s).unwrap(), "1");
    }
    for name in ["{{ x }}", "x"] {
        let inc = t.text(&format!("{{% include {name:?} %}}")).unwrap();
        let err = t.render(&inc, &s).unwrap_err();
        assert!(err.message.contains("failed"), "{err:?}");
    }
}

#[test]
fn values_are_written_as_they_are_whatever_the_template_ends_with() {
    // minijinja picks auto-escaping by a template's name, here its text: a URL ending
    // in `.json` quoted the base URL, one ending in `.html` escaped `&`.
    let mut t = Templates::new();
    let s = scope(json!({"base_url": "http://h?a=1&b=2", "n": 3}));
    for (source, expected) in [
        ("{{ base_url }}/export.json", "http://h?a=1&b=2/export.json"),
        ("{{ base_url }}/index.html", "http://h?a=1&b=2/index.html"),
        ("{{ base_url }}/feed.xml", "http://h?a=1&b=2/feed.xml"),
        ("{{ base_url | upper }}/app.js", "HTTP://H?A=1&B=2/app.js"),
        ("{{ n }}.yml", "3.yml"),
    ] {
        let text = t.text(source).unwrap();
        assert_eq!(t.render(&text, &s).unwrap(), expected, "{source}");
    }
}
