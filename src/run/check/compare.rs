//! Equality and the value helpers checks share: deep equality with numbers by value,
//! the first difference between two values, text and number views of a value.

use super::eval::Target;
use super::show::{quote, short, NOTE_LIMIT};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;

// ---------------------------------------------------------------- equality

/// Deep equality in the target's mode (text mode compares header/body text).
pub(super) fn same(t: &Target, expected: &Value) -> bool {
    match t.value.as_ref() {
        Value::String(s) if t.text => text_eq(s, expected),
        v => json_eq(v, expected),
    }
}

/// Text against a literal: strings exactly; numbers by text or by value; booleans by text.
fn text_eq(s: &str, expected: &Value) -> bool {
    match expected {
        Value::String(e) => s == e,
        Value::Number(n) => {
            let by_value = || {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .zip(n.as_f64())
                    .is_some_and(|(a, b)| a == b)
            };
            s.trim() == n.to_string() || by_value()
        }
        Value::Bool(b) => s.trim() == b.to_string(),
        _ => false,
    }
}

/// Deep equality with numbers compared by value (`1 == 1.0`), object keys unordered.
pub(super) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_eq(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Exact for integers (no `u64::MAX` rounding), by `f64` value otherwise.
fn num_eq(x: &Number, y: &Number) -> bool {
    match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
        (Some(a), Some(b), _, _) => a == b,
        (_, _, Some(a), Some(b)) => a == b,
        _ => matches!((x.as_f64(), y.as_f64()), (Some(a), Some(b)) if a == b),
    }
}

/// Where `actual` first differs from `expected`: `≠ 3` at the root, else
/// `at .items[2]: 3 ≠ 4`, `length 2 ≠ 3`, `missing key "id"`. `None` when equal.
pub(super) fn diff(actual: &Value, expected: &Value, path: &str) -> Option<String> {
    match (actual, expected) {
        (Value::Array(a), Value::Array(b)) if a.len() != b.len() => {
            Some(at(path, format!("length {} ≠ {}", a.len(), b.len())))
        }
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| diff(x, y, &format!("{path}[{i}]"))),
        (Value::Object(a), Value::Object(b)) => object_diff(a, b, path),
        _ if json_eq(actual, expected) => None,
        _ if path.is_empty() => Some(format!("≠ {}", short(expected))),
        _ => Some(at(path, format!("{} ≠ {}", short(actual), short(expected)))),
    }
}

fn object_diff(a: &Map<String, Value>, b: &Map<String, Value>, path: &str) -> Option<String> {
    if let Some(k) = b.keys().find(|k| !a.contains_key(*k)) {
        return Some(at(path, format!("missing key {}", quote(k, NOTE_LIMIT))));
    }
    if let Some(k) = a.keys().find(|k| !b.contains_key(*k)) {
        return Some(at(path, format!("unexpected key {}", quote(k, NOTE_LIMIT))));
    }
    a.iter()
        .find_map(|(k, v)| diff(v, b.get(k)?, &key_path(path, k)))
}

fn at(path: &str, what: String) -> String {
    match path {
        "" => what,
        _ => format!("at {path}: {what}"),
    }
}

fn key_path(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", quote(key, NOTE_LIMIT))
    }
}

// ---------------------------------------------------------------- small helpers

pub(super) fn scalar_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

pub(super) fn as_number(v: &Value, text: bool) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if text => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// No fractional part (`3`, `3.0`, `1e300`).
pub(super) fn is_integer(n: &Number) -> bool {
    n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(n) if is_integer(n) => "integer",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}
