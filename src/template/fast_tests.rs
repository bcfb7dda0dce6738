use super::super::{Scope, Templates, Text, Vars};
use super::Pieces;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Text around the expressions: plain, escapes, braces, newlines, endings minijinja
/// would auto-escape by default (`.json`, `.html`), tags.
const TEXTS: &[&str] = &[
    "/health", "?q=1&r=2", " ", "}", "}}", "{", "-", "\n", "\r\n", "a.json", ".html", ".xml",
    ".yml", ".j2", "é", "{%", "{#", "%}", "\t", "<&>\"'", "",
];

/// Expressions: plain lookups in every spacing, and what the fast path leaves alone.
const EXPRESSIONS: &[&str] = &[
    "{{ a }}",
    "{{a}}",
    "{{  b\t}}",
    "{{\na\n}}",
    "{{ env.HOME }}",
    "{{ env.n }}",
    "{{ env.missing }}",
    "{{ env.HOME.x }}",
    "{{ missing }}",
    "{{ a.b }}",
    "{{ true }}",
    "{{ none }}",
    "{{ None }}",
    "{{ range }}",
    "{{ loop }}",
    "{{ _u }}",
    "{{- a }}",
    "{{ a -}}",
    "{{+ a }}",
    "{{ a|upper }}",
    "{{ a ~ b }}",
    "{{ 'lit' }}",
    "{{ env . HOME }}",
    "{{ x }}",
    "{{ x.k }}",
    "{# note #}",
];

/// What a variable holds: strings of every kind, and every other JSON type.
fn values() -> Vec<Value> {
    vec![
        json!(""),
        json!("plain"),
        json!("<&>\"' and {{ a }}"),
        json!("é ü\nnext"),
        json!(0),
        json!(42),
        json!(-1.5),
        json!(1.0),
        json!(u64::MAX),
        json!(true),
        json!(false),
        json!(null),
        json!([1, "two"]),
        json!({"k": "v", "b": 2}),
    ]
}

fn value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        proptest::sample::select(values()).prop_map(Some)
    ]
}

fn source() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        proptest::sample::select(TEXTS),
        proptest::sample::select(EXPRESSIONS),
    ];
    proptest::collection::vec(piece, 1..6).prop_map(|p| p.concat())
}

fn vars(
    layered: bool,
    a: Option<Value>,
    b: Option<Value>,
    x: Option<Value>,
    home: Option<Value>,
) -> Vars {
    let mut suite = Map::new();
    let mut env = Map::new();
    env.insert("n".into(), json!(1));
    if let Some(home) = home {
        env.insert("HOME".into(), home);
    }
    suite.insert("env".into(), Value::Object(env));
    for name in ["range", "loop", "true", "None"] {
        suite.insert(name.into(), json!("shadow"));
    }
    let own = [("a", a), ("b", b), ("x", x), ("_u", Some(json!("u")))];
    if !layered {
        for (name, v) in own {
            if let Some(v) = v {
                suite.insert(name.into(), v);
            }
        }
        return Vars::suite(suite);
    }
    let mut vars = Vars::suite(suite);
    for (name, v) in own {
        if let Some(v) = v {
            vars.insert(name, v);
        }
    }
    vars
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The fast path gives exactly what minijinja gives: the same text, or minijinja's
    /// own answer (an error included) where it steps aside.
    #[test]
    fn renders_as_minijinja_does(
        source in source(),
        layered in any::<bool>(),
        a in value(),
        b in value(),
        x in value(),
        home in value(),
    ) {
        let mut t = Templates::new();
        let Ok(Text::Template(c)) = t.text(&source) else {
            return Ok(());
        };
        let scope = Scope::new(vars(layered, a, b, x, home));
        let by_minijinja = t.render_minijinja(&c, &scope);
        prop_assert_eq!(t.render(&Text::Template(c.clone()), &scope), by_minijinja.clone());
        if let Some(fast) = &c.0.fast {
            if let Some(text) = fast.render(scope.vars()) {
                prop_assert_eq!(Ok(text), by_minijinja);
            }
        }
    }
}

fn parsed(code: &str) -> Option<Pieces> {
    Pieces::parse(code)
}

#[test]
fn text_and_string_lookups_take_the_fast_path() {
    let vars = vars(
        true,
        Some(json!("http://h")),
        None,
        None,
        Some(json!("/root")),
    );
    let url = parsed("{{ a }}/health?home={{env.HOME}}").unwrap();
    assert_eq!(
        url.render(&vars).as_deref(),
        Some("http://h/health?home=/root")
    );
    // A number, an object or an undefined name is minijinja's to render.
    assert_eq!(parsed("{{ env.n }}").unwrap().render(&vars), None);
    assert_eq!(parsed("{{ env }}").unwrap().render(&vars), None);
    assert_eq!(parsed("{{ missing }}").unwrap().render(&vars), None);
}

#[test]
fn anything_more_than_lookups_is_left_to_minijinja() {
    for code in [
        "{{ a }}\n",
        "{{- a }}",
        "{{ a -}}",
        "{{ a | upper }}",
        "{{ true }}",
        "{{ a }}{% if b %}{% endif %}",
        "{# c #}{{ a }}",
        "{{ a[0] }}",
        "{{ a.0 }}",
        "{{ é }}",
    ] {
        assert!(parsed(code).is_none(), "{code}");
    }
}
