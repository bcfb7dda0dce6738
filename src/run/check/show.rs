//! Writing an expectation or a value out: as JSON for the report
//! ([`expected_json`]) and as short texts for people ([`describe`], [`show`]), cut
//! to a length a line can hold. Apart from `eval`: nothing here decides
//! whether a check passes.

use crate::plan::expect::LatencySpec;
use crate::plan::matcher::{Expected, JsonType, Matcher};
use serde_json::Map;
use serde_json::Value;
use std::fmt::Write as _;
use std::time::Duration;

/// Longest rendering of a value in `expected`/`actual`, in characters.
pub(super) const SHOW_LIMIT: usize = 200;
/// Longest rendering of a value quoted inside a failure note.
pub(super) const NOTE_LIMIT: usize = 60;

/// `more than 30`, `at least 7 and fewer than 400`: a matcher of only numeric bounds.
pub(super) fn bounds_in_words(expected: &Expected) -> Option<String> {
    let Expected::Matcher(m) = expected else {
        return None;
    };
    let only_bounds = Matcher {
        gt: m.gt,
        gte: m.gte,
        lt: m.lt,
        lte: m.lte,
        ..Matcher::default()
    };
    if **m != only_bounds {
        return None;
    }
    let words: Vec<String> = [
        ("more than", m.gt),
        ("at least", m.gte),
        ("fewer than", m.lt),
        ("at most", m.lte),
    ]
    .into_iter()
    .filter_map(|(w, b)| b.map(|b| format!("{w} {}", fmt_num(b))))
    .collect();
    Some(words.join(" and "))
}

/// The expectation as JSON: the literal, or the matcher as an object of its keys.
pub fn expected_json(expected: &Expected) -> Value {
    match expected {
        Expected::Literal(v) => v.clone(),
        Expected::Matcher(m) => Value::Object(matcher_json(m)),
    }
}

fn matcher_json(m: &Matcher) -> Map<String, Value> {
    let num = |f: f64| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
    let text = |s: &str| Value::from(s);
    // In the order of the matcher's keys; only those given (most matchers give one or
    // two of the eighteen).
    let mut map = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            map.insert(key.to_string(), value);
        }
    };
    put("equals", m.equals.clone());
    put("not_equals", m.not_equals.clone());
    put("exists", m.exists.map(Value::Bool));
    put("contains", m.contains.clone());
    put("not_contains", m.not_contains.clone());
    put("matches", m.matches.as_ref().map(|p| text(p.0.as_str())));
    put("type", m.type_.map(|t| text(type_label(t))));
    put("length", m.length.as_ref().map(expected_json));
    put("gt", m.gt.map(num));
    put("gte", m.gte.map(num));
    put("lt", m.lt.map(num));
    put("lte", m.lte.map(num));
    put("one_of", m.one_of.clone().map(Value::Array));
    put("each", m.each.as_ref().map(expected_json));
    put("count", m.count.as_ref().map(expected_json));
    put("bytes", m.bytes.as_ref().map(expected_json));
    put("sha256", m.sha256.as_ref().map(|d| text(d.0.as_str())));
    put("md5", m.md5.as_ref().map(|d| text(d.0.as_str())));
    map
}

/// `equals` for a literal, the matcher keys (`type,gt`) otherwise: read from the
/// expectation as JSON ([`expected_json`]), made once per check.
pub(super) fn matcher_token(expected: &Expected, as_json: &Value) -> String {
    match (expected, as_json) {
        (Expected::Matcher(_), Value::Object(keys)) => {
            let mut token = String::new();
            for key in keys.keys() {
                if !token.is_empty() {
                    token.push(',');
                }
                token.push_str(key);
            }
            token
        }
        _ => "equals".into(),
    }
}

/// Human-readable expectation: `200`, `contains "ok"`, `matches /^a/ and length 3`,
/// `each (type string)`.
pub fn describe(expected: &Expected) -> String {
    match expected {
        Expected::Literal(v) => show(v),
        Expected::Matcher(m) => truncated(describe_matcher(m), SHOW_LIMIT),
    }
}

/// A JSON value shown to humans, truncated to ~200 chars with `…`.
pub fn show(value: &Value) -> String {
    show_limited(value, SHOW_LIMIT)
}

/// `string`, `integer`, … as written in plans.
fn type_label(ty: JsonType) -> &'static str {
    match ty {
        JsonType::String => "string",
        JsonType::Number => "number",
        JsonType::Integer => "integer",
        JsonType::Boolean => "boolean",
        JsonType::Array => "array",
        JsonType::Object => "object",
        JsonType::Null => "null",
    }
}

fn describe_matcher(m: &Matcher) -> String {
    // Each key given, `key value`, joined with ` and `, written into one buffer.
    let mut out = String::new();
    let mut part = |args: std::fmt::Arguments| {
        if !out.is_empty() {
            out.push_str(" and ");
        }
        // Writing into a String does not fail.
        let _ = out.write_fmt(args);
    };
    let value = |part: &mut dyn FnMut(std::fmt::Arguments), key: &str, v: &Option<Value>| {
        if let Some(v) = v {
            part(format_args!("{key} {}", show(v)));
        }
    };
    let nested = |part: &mut dyn FnMut(std::fmt::Arguments), key: &str, e: &Option<Expected>| {
        if let Some(e) = e {
            part(format_args!("{key} {}", describe_nested(e)));
        }
    };
    let bound = |part: &mut dyn FnMut(std::fmt::Arguments), sym: &str, b: Option<f64>| {
        if let Some(b) = b {
            part(format_args!("{sym} {}", fmt_num(b)));
        }
    };
    value(&mut part, "equals", &m.equals);
    value(&mut part, "not_equals", &m.not_equals);
    if let Some(b) = m.exists {
        part(format_args!(
            "{}",
            if b { "exists" } else { "exists false" }
        ));
    }
    value(&mut part, "contains", &m.contains);
    value(&mut part, "not_contains", &m.not_contains);
    if let Some(p) = &m.matches {
        part(format_args!("matches /{}/", p.0.as_str()));
    }
    if let Some(t) = m.type_ {
        part(format_args!("type {}", type_label(t)));
    }
    nested(&mut part, "length", &m.length);
    bound(&mut part, ">", m.gt);
    bound(&mut part, "≥", m.gte);
    bound(&mut part, "<", m.lt);
    bound(&mut part, "≤", m.lte);
    if let Some(xs) = &m.one_of {
        let list = xs.iter().map(short).collect::<Vec<_>>().join(", ");
        part(format_args!("one_of [{list}]"));
    }
    nested(&mut part, "each", &m.each);
    nested(&mut part, "count", &m.count);
    nested(&mut part, "bytes", &m.bytes);
    if let Some(d) = &m.sha256 {
        part(format_args!("sha256 {}", d.0));
    }
    if let Some(d) = &m.md5 {
        part(format_args!("md5 {}", d.0));
    }
    out
}

fn describe_nested(e: &Expected) -> String {
    match e {
        Expected::Literal(v) => show(v),
        Expected::Matcher(m) => format!("({})", describe_matcher(m)),
    }
}

pub(super) fn describe_budget(b: &LatencySpec) -> String {
    let ms = |d: Duration| d.as_millis();
    match (b.warn, b.fail) {
        (Some(w), Some(f)) => format!("≤ {} ms (warn {} ms)", ms(f), ms(w)),
        (None, Some(f)) => format!("≤ {} ms", ms(f)),
        (Some(w), None) => format!("≤ {} ms (warn only)", ms(w)),
        (None, None) => "no budget".to_string(),
    }
}

/// `5`, `0.25`, `1e300`, `NaN` — never a 300-digit string.
pub(super) fn fmt_num(f: f64) -> String {
    if f == 0.0 || (1e-6..1e15).contains(&f.abs()) {
        format!("{f}")
    } else {
        format!("{f:e}")
    }
}

pub(super) fn short(value: &Value) -> String {
    show_limited(value, NOTE_LIMIT)
}

fn show_limited(value: &Value, limit: usize) -> String {
    match value {
        Value::String(s) => quote(s, limit),
        other => truncated(other.to_string(), limit),
    }
}

/// A JSON string literal of at most `limit` source chars, `…` inside the quotes when cut.
pub(super) fn quote(s: &str, limit: usize) -> String {
    match s.char_indices().nth(limit) {
        None => serde_json::to_string(s).unwrap_or_default(),
        Some((cut, _)) => {
            let q = serde_json::to_string(&s[..cut]).unwrap_or_default();
            format!("{}…\"", q.strip_suffix('"').unwrap_or(&q))
        }
    }
}

/// [`truncate`], keeping `s` itself when it is short enough.
fn truncated(s: String, limit: usize) -> String {
    match s.char_indices().nth(limit) {
        None => s,
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}

pub(super) fn truncate(s: &str, limit: usize) -> String {
    match s.char_indices().nth(limit) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}
