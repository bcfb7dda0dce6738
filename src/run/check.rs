//! Evaluates one `expect` entry against a response. Every check yields one
//! [`CheckResult`]: the expectation and the value found as JSON, and as short
//! human-readable texts; when a matcher fails, `actual_text` names each failing key,
//! e.g. `"okay" (length: 4 ≠ 3)`.

use crate::plan::expect::{LatencySpec, StatusExpect, StatusPattern};
use crate::plan::jsonpath::JsonPath;
use crate::plan::matcher::{Expected, JsonType, Matcher};
use crate::results::{
    bounded, latency_text, render, CheckKind, CheckResult, CheckStatus, ExpectedFrom,
};
use serde_json::Map;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::Duration;

mod compare;
use compare::{as_number, diff, is_integer, json_eq, same, scalar_text, type_name};

/// `Err` says why, without the value: `≠ 3`, `not > 5`, `"ok" not found`.
type Check = Result<(), String>;

/// Longest rendering of a value in `expected`/`actual`, in characters.
const SHOW_LIMIT: usize = 200;
/// Longest rendering of a value quoted inside a failure note.
const NOTE_LIMIT: usize = 60;
const NOTHING_SELECTED: &str = "nothing selected";
const ABSENT: &str = "absent";

pub fn check_status(expected: &StatusExpect, status: u16, reason: &str) -> CheckResult {
    let actual = if reason.is_empty() {
        status.to_string()
    } else {
        format!("{status} {reason}")
    };
    // One code (nearly every plan) is itself; a class or a list as JSON and in words.
    let (expected_value, expected_text) = match expected.0.as_slice() {
        [StatusPattern::Code(c)] => (Value::from(*c), c.to_string()),
        patterns => {
            let patterns: Vec<Value> = patterns
                .iter()
                .map(|p| match p {
                    StatusPattern::Code(c) => Value::from(*c),
                    StatusPattern::Class(_) => Value::String(p.to_string()),
                })
                .collect();
            let value = match <[Value; 1]>::try_from(patterns) {
                Ok([one]) => one,
                Err(all) => Value::Array(all),
            };
            (value, expected.to_string())
        }
    };
    CheckResult {
        kind: CheckKind::Status,
        subject: "status".into(),
        matcher: "status".into(),
        expected: expected_value,
        actual: Value::from(status),
        status: pass_or_fail(expected.accepts(status)),
        expected_text,
        actual_text: actual,
        expected_from: ExpectedFrom::Plan,
    }
}

pub fn check_latency(budget: &LatencySpec, latency: Duration) -> CheckResult {
    let over = |limit: Option<Duration>| limit.is_some_and(|l| latency > l);
    let status = if over(budget.fail) {
        CheckStatus::Fail
    } else if over(budget.warn) {
        CheckStatus::Warn
    } else {
        CheckStatus::Pass
    };
    let mut expected = Map::new();
    for (key, limit) in [("warn_ms", budget.warn), ("fail_ms", budget.fail)] {
        if let Some(d) = limit {
            expected.insert(key.into(), Value::from(d.as_millis() as u64));
        }
    }
    let us = latency.as_micros() as u64;
    CheckResult {
        kind: CheckKind::Latency,
        subject: "latency".into(),
        matcher: "budget".into(),
        expected: Value::Object(expected),
        actual: Value::from(us),
        status,
        expected_text: describe_budget(budget),
        actual_text: latency_text(us),
        expected_from: ExpectedFrom::Plan,
    }
}

/// `values`: every value of that header in the response (empty = header absent);
/// name matched case-insensitively by the caller.
pub fn check_header(name: &str, expected: &Expected, values: &[String]) -> CheckResult {
    let (found, outcome) = if values.is_empty() {
        (Value::Null, (ABSENT.to_string(), accepts_nothing(expected)))
    } else {
        let joined = Value::String(values.join(", "));
        let items = values.iter().cloned().map(Value::String).collect();
        let target = Target::new(Cow::Owned(joined.clone()), Some(items), values.len(), true);
        (joined, judge(expected, &target))
    };
    result(CheckKind::Header, name, expected, found, outcome)
}

pub fn check_json(path: &JsonPath, expected: &Expected, body: &Value) -> CheckResult {
    let (found, outcome) = match json_target(path, path.select(body)) {
        None => (
            Value::Null,
            (NOTHING_SELECTED.to_string(), accepts_nothing(expected)),
        ),
        Some(target) => (target.value.as_ref().clone(), judge(expected, &target)),
    };
    result(CheckKind::Json, &path.source, expected, found, outcome)
}

/// `body`: `text` is the body decoded by its charset, `raw` its bytes (what `bytes`,
/// `sha256` and `md5` read). A binary body is shown as `binary_shown`, not as text.
pub fn check_body(
    expected: &Expected,
    text: &str,
    raw: &[u8],
    binary_shown: Option<&str>,
) -> CheckResult {
    let value = Value::String(text.to_string());
    let mut target = Target::new(Cow::Borrowed(&value), None, 1, true);
    target.raw = Some(raw);
    let (mut actual, ok) = judge(expected, &target);
    let found = match binary_shown {
        Some(shown) => {
            actual = actual.replacen(&show(&value), shown, 1);
            Value::String(shown.to_string())
        }
        None => value.clone(),
    };
    result(CheckKind::Body, "body", expected, found, (actual, ok))
}

/// `expect.tls.<key>` against that fact of the server's certificate; `None` when the
/// response came without one (plain HTTP).
pub fn check_tls(key: &str, expected: &Expected, fact: Option<&Value>) -> CheckResult {
    let subject = format!("tls.{key}");
    let (found, outcome) = match fact {
        None => (
            Value::Null,
            ("no certificate (not HTTPS)".to_string(), false),
        ),
        Some(v) => (v.clone(), judge(expected, &Target::nested(v, false))),
    };
    let mut checked = result(CheckKind::Tls, &subject, expected, found, outcome);
    // Days left read as words: "certificate expires in 12 days: expected more than 30".
    if subject == render::DAYS_LEFT_SUBJECT {
        if let Some(days) = checked.actual.as_i64() {
            checked.actual_text = render::days_left_text(days);
        }
        if let Some(words) = bounds_in_words(expected) {
            checked.expected_text = words;
        }
    }
    checked
}

/// `more than 30`, `at least 7 and fewer than 400`: a matcher of only numeric bounds.
fn bounds_in_words(expected: &Expected) -> Option<String> {
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
fn matcher_token(expected: &Expected, as_json: &Value) -> String {
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

// ---------------------------------------------------------------- evaluation

/// What an expectation is applied to.
struct Target<'a> {
    value: Cow<'a, Value>,
    /// What `each` walks; `None` = the elements of `value` (when it is an array).
    items: Option<Vec<Value>>,
    /// What `count` sees: how many values were selected.
    count: usize,
    /// Header or body text: literal numbers and booleans compare by their text,
    /// and `gt`/`lt`… read the text as a number.
    text: bool,
    /// The body's bytes, for `bytes`, `sha256`, `md5` (else a string's UTF-8).
    raw: Option<&'a [u8]>,
}

impl<'a> Target<'a> {
    fn new(value: Cow<'a, Value>, items: Option<Vec<Value>>, count: usize, text: bool) -> Self {
        Target {
            value,
            items,
            count,
            text,
            raw: None,
        }
    }

    fn nested(value: &'a Value, text: bool) -> Self {
        Target::new(Cow::Borrowed(value), None, 1, text)
    }
}

/// A singular path yields its node; any other path the array of all selected nodes.
fn json_target<'a>(path: &JsonPath, nodes: Vec<&'a Value>) -> Option<Target<'a>> {
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
fn judge(expected: &Expected, target: &Target) -> (String, bool) {
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
fn accepts_nothing(expected: &Expected) -> bool {
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

fn describe_budget(b: &LatencySpec) -> String {
    let ms = |d: Duration| d.as_millis();
    match (b.warn, b.fail) {
        (Some(w), Some(f)) => format!("≤ {} ms (warn {} ms)", ms(f), ms(w)),
        (None, Some(f)) => format!("≤ {} ms", ms(f)),
        (Some(w), None) => format!("≤ {} ms (warn only)", ms(w)),
        (None, None) => "no budget".to_string(),
    }
}

/// `5`, `0.25`, `1e300`, `NaN` — never a 300-digit string.
fn fmt_num(f: f64) -> String {
    if f == 0.0 || (1e-6..1e15).contains(&f.abs()) {
        format!("{f}")
    } else {
        format!("{f:e}")
    }
}

fn short(value: &Value) -> String {
    show_limited(value, NOTE_LIMIT)
}

fn show_limited(value: &Value, limit: usize) -> String {
    match value {
        Value::String(s) => quote(s, limit),
        other => truncated(other.to_string(), limit),
    }
}

/// A JSON string literal of at most `limit` source chars, `…` inside the quotes when cut.
fn quote(s: &str, limit: usize) -> String {
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

fn truncate(s: &str, limit: usize) -> String {
    match s.char_indices().nth(limit) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
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

fn pass_or_fail(passed: bool) -> CheckStatus {
    if passed {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    }
}

fn result(
    kind: CheckKind,
    subject: &str,
    expected: &Expected,
    found: Value,
    out: (String, bool),
) -> CheckResult {
    let (actual_text, passed) = out;
    let expected_value = expected_json(expected);
    CheckResult {
        kind,
        subject: subject.to_string(),
        matcher: matcher_token(expected, &expected_value),
        expected: bounded_value(expected_value),
        actual: bounded_value(found),
        status: pass_or_fail(passed),
        expected_text: describe(expected),
        actual_text,
        expected_from: ExpectedFrom::Plan,
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;

/// [`bounded`], without writing out a value that surely fits (nearly every value a
/// check sees): only a value that might be over the cap is measured.
fn bounded_value(value: Value) -> Value {
    let mut budget = crate::results::VALUE_MAX_BYTES;
    if fits(&value, &mut budget) {
        value
    } else {
        bounded(value)
    }
}

/// Whether `value` written as compact JSON surely takes at most `budget` bytes (an
/// upper bound: every string byte counted as its longest escape, every number as
/// long as an i64, u64 or f64 can print); `budget` is left with what remains.
fn fits(value: &Value, budget: &mut usize) -> bool {
    match value {
        Value::Null | Value::Bool(_) => take(budget, 5),
        Value::Number(_) => take(budget, 32),
        Value::String(s) => fits_text(s, budget),
        Value::Array(items) => {
            take(budget, items.len() + 2) && items.iter().all(|v| fits(v, budget))
        }
        Value::Object(map) => {
            take(budget, map.len() * 2 + 2)
                && map
                    .iter()
                    .all(|(k, v)| fits_text(k, budget) && fits(v, budget))
        }
    }
}

/// A JSON string: its bytes escaped at most as `\u00XX`, and the quotes.
fn fits_text(s: &str, budget: &mut usize) -> bool {
    take(budget, s.len().saturating_mul(6).saturating_add(2))
}

fn take(budget: &mut usize, n: usize) -> bool {
    match budget.checked_sub(n) {
        Some(left) => {
            *budget = left;
            true
        }
        None => false,
    }
}
