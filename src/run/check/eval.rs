//! Applying an expectation to the value a check selected: a literal by equality, a
//! matcher key by key, each failing key noted (`length: 4 ≠ 3`). Apart from the
//! entry points in `check` because it is the same for every kind of check, and from
//! `show` because it decides, where that only writes out.

use super::compare::{as_number, diff, is_integer, json_eq, same, scalar_text, type_name};
use super::show::{fmt_num, short, show, truncate, SHOW_LIMIT};
use crate::plan::jsonpath::JsonPath;
use crate::plan::matcher::{Expected, JsonType, Matcher};
use serde_json::Value;
use std::borrow::Cow;

/// `Err` says why, without the value: `≠ 3`, `not > 5`, `"ok" not found`.
type Check = Result<(), String>;

/// What an expectation is applied to.
pub(super) struct Target<'a> {
    pub(super) value: Cow<'a, Value>,
    /// What `each` walks; `None` = the elements of `value` (when it is an array).
    pub(super) items: Option<Vec<Value>>,
    /// What `count` sees: how many values were selected.
    pub(super) count: usize,
    /// Header or body text: literal numbers and booleans compare by their text,
    /// and `gt`/`lt`… read the text as a number.
    pub(super) text: bool,
    /// The body's bytes, for `bytes`, `sha256`, `md5` (else a string's UTF-8).
    pub(super) raw: Option<&'a [u8]>,
}

impl<'a> Target<'a> {
    pub(super) fn new(
        value: Cow<'a, Value>,
        items: Option<Vec<Value>>,
        count: usize,
        text: bool,
    ) -> Self {
        Target {
            value,
            items,
            count,
            text,
            raw: None,
        }
    }

    pub(super) fn nested(value: &'a Value, text: bool) -> Self {
        Target::new(Cow::Borrowed(value), None, 1, text)
    }
}

/// A singular path yields its node; any other path the array of all selected nodes.
pub(super) fn json_target<'a>(path: &JsonPath, nodes: Vec<&'a Value>) -> Option<Target<'a>> {
    let count = nodes.len();
    let value = match (path.singular, nodes.first()) {
        (_, None) => return None,
        (true, Some(node)) => Cow::Borrowed(*node),
        (false, Some(_)) => Cow::Owned(Value::Array(nodes.into_iter().cloned().collect())),
    };
    Some(Target::new(value, None, count, false))
}

/// Runs the expectation and renders the actual text: the value, plus the
/// failing keys in parentheses (omitted for a plain scalar mismatch).
pub(super) fn judge(expected: &Expected, target: &Target) -> (String, bool) {
    let shown = show(&target.value);
    match eval(expected, target) {
        Ok(()) => (shown, true),
        Err(note) if note.starts_with('≠') => (shown, false),
        Err(note) => (format!("{shown} ({})", truncate(&note, SHOW_LIMIT)), false),
    }
}

/// `Err` carries why: `≠ 3` for a literal, `key: reason; key: reason` for a matcher.
fn eval(expected: &Expected, target: &Target) -> Check {
    match expected {
        Expected::Literal(v) => equals(target, v),
        Expected::Matcher(m) => {
            let notes = matcher_notes(m, target);
            ok_if(notes.is_empty(), || notes.join("; "))
        }
    }
}

fn matcher_notes(m: &Matcher, t: &Target) -> Vec<String> {
    let v: &Value = &t.value;
    let notes = [
        key("equals", &m.equals, |x| equals(t, x)),
        key("not_equals", &m.not_equals, |x| not_equals(t, x)),
        key("exists", &m.exists, |&want| {
            ok_if(want, || "present".into())
        }),
        key("contains", &m.contains, |x| contains(v, x, true)),
        key("not_contains", &m.not_contains, |x| contains(v, x, false)),
        key("matches", &m.matches, |p| matches(v, &p.0)),
        key("type", &m.type_, |&ty| has_type(v, ty)),
        key("length", &m.length, |x| length(v, x)),
        key("gt", &m.gt, |&b| compare(t, b, ">", |x| x > b)),
        key("gte", &m.gte, |&b| compare(t, b, "≥", |x| x >= b)),
        key("lt", &m.lt, |&b| compare(t, b, "<", |x| x < b)),
        key("lte", &m.lte, |&b| compare(t, b, "≤", |x| x <= b)),
        key("one_of", &m.one_of, |xs| one_of(t, xs)),
        key("each", &m.each, |x| each(t, x)),
        key("count", &m.count, |x| nested_number(t.count, x)),
        key("bytes", &m.bytes, |x| nested_number(bytes_of(t)?.len(), x)),
        key("sha256", &m.sha256, |d| digest(t, &d.0, sha256_hex)),
        key("md5", &m.md5, |d| digest(t, &d.0, md5_hex)),
    ];
    notes.into_iter().flatten().collect()
}

/// The note for one matcher key when it is given and fails: `length: 4 ≠ 3`.
fn key<T>(name: &str, given: &Option<T>, check: impl FnOnce(&T) -> Check) -> Option<String> {
    let why = check(given.as_ref()?).err()?;
    Some(format!("{name}: {why}"))
}

/// Nothing selected (or header absent): only `exists: false` and `count`s that
/// accept 0 can hold, and nothing else may be asked.
pub(super) fn accepts_nothing(expected: &Expected) -> bool {
    let Expected::Matcher(m) = expected else {
        return false;
    };
    let rest = Matcher {
        exists: None,
        count: None,
        ..(**m).clone()
    };
    rest == Matcher::default()
        && (m.exists.is_some() || m.count.is_some())
        && m.exists != Some(true)
        && m.count.as_ref().is_none_or(|c| nested_number(0, c).is_ok())
}

fn equals(t: &Target, expected: &Value) -> Check {
    ok_if(same(t, expected), || {
        diff(&t.value, expected, "").unwrap_or_else(|| format!("≠ {}", short(expected)))
    })
}

fn not_equals(t: &Target, expected: &Value) -> Check {
    ok_if(!same(t, expected), || "is equal".into())
}

fn one_of(t: &Target, options: &[Value]) -> Check {
    ok_if(options.iter().any(|x| same(t, x)), || "none match".into())
}

fn contains(v: &Value, needle: &Value, want: bool) -> Check {
    match (find(v, needle)?, want) {
        (true, true) | (false, false) => Ok(()),
        (false, true) => Err(format!("{} not found", short(needle))),
        (true, false) => Err(format!("{} found", short(needle))),
    }
}

/// Substring of a string, deep-equal element of an array, key of an object.
fn find(v: &Value, needle: &Value) -> Result<bool, String> {
    let (what, inside) = (type_name(needle), type_name(v));
    let as_text =
        || scalar_text(needle).ok_or_else(|| format!("cannot look for {what} in a {inside}"));
    match v {
        Value::String(s) => Ok(s.contains(as_text()?.as_ref())),
        Value::Array(items) => Ok(items.iter().any(|x| json_eq(x, needle))),
        Value::Object(map) => Ok(map.contains_key(as_text()?.as_ref())),
        other => Err(not_container(other)),
    }
}

fn matches(v: &Value, re: &regex::Regex) -> Check {
    let text = scalar_text(v).ok_or_else(|| format!("not a string ({})", type_name(v)))?;
    ok_if(re.is_match(&text), || "no match".into())
}

fn has_type(v: &Value, ty: JsonType) -> Check {
    let ok = match (ty, v) {
        (JsonType::String, Value::String(_))
        | (JsonType::Number, Value::Number(_))
        | (JsonType::Boolean, Value::Bool(_))
        | (JsonType::Array, Value::Array(_))
        | (JsonType::Object, Value::Object(_))
        | (JsonType::Null, Value::Null) => true,
        (JsonType::Integer, Value::Number(n)) => is_integer(n),
        _ => false,
    };
    ok_if(ok, || format!("is {}", type_name(v)))
}

fn length(v: &Value, expected: &Expected) -> Check {
    let n = match v {
        Value::String(s) => s.chars().count(),
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        other => return Err(not_container(other)),
    };
    nested_number(n, expected)
}

fn compare(t: &Target, bound: f64, symbol: &str, holds: impl Fn(f64) -> bool) -> Check {
    let not_number = || format!("not a number ({})", type_name(&t.value));
    let x = as_number(&t.value, t.text).ok_or_else(not_number)?;
    ok_if(holds(x), || format!("not {symbol} {}", fmt_num(bound)))
}

fn each(t: &Target, expected: &Expected) -> Check {
    let items: &[Value] = match (&t.items, t.value.as_ref()) {
        (Some(items), _) => items,
        (None, Value::Array(a)) => a,
        (None, other) => return Err(format!("not an array ({})", type_name(other))),
    };
    let mut failed = items.iter().enumerate().filter_map(|(i, v)| {
        let why = eval(expected, &Target::nested(v, t.text)).err()?;
        Some((i, v, why))
    });
    let Some((i, v, why)) = failed.next() else {
        return Ok(());
    };
    let (total, all) = (failed.count() + 1, items.len());
    let first = nested_text(v, &why);
    Err(format!("{total} of {all} fail, first [{i}]: {first}"))
}

/// The bytes `bytes`, `sha256` and `md5` read: the body's, or a string's UTF-8.
fn bytes_of<'t>(t: &'t Target) -> Result<Cow<'t, [u8]>, String> {
    match (t.raw, t.value.as_ref()) {
        (Some(raw), _) => Ok(Cow::Borrowed(raw)),
        (None, Value::String(s)) => Ok(Cow::Owned(s.as_bytes().to_vec())),
        (None, other) => Err(format!("not a string ({})", type_name(other))),
    }
}

fn digest(t: &Target, want: &str, hash: fn(&[u8]) -> String) -> Check {
    let got = hash(&bytes_of(t)?);
    ok_if(got == want, || format!("is {got}"))
}

pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(data))
}

pub fn md5_hex(data: &[u8]) -> String {
    use md5::Digest;
    hex(&md5::Md5::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A length or count checked against a nested expectation.
fn nested_number(n: usize, expected: &Expected) -> Check {
    let v = Value::from(n);
    eval(expected, &Target::nested(&v, false)).map_err(|why| nested_text(&v, &why))
}

/// `4 ≠ 3` for a literal mismatch, `4 (lt: not < 3)` for anything else.
fn nested_text(v: &Value, why: &str) -> String {
    if why.starts_with('≠') {
        format!("{} {why}", short(v))
    } else {
        format!("{} ({why})", short(v))
    }
}

fn ok_if(holds: bool, why: impl FnOnce() -> String) -> Check {
    if holds {
        Ok(())
    } else {
        Err(why())
    }
}

fn not_container(v: &Value) -> String {
    format!("not a string, array or object ({})", type_name(v))
}
