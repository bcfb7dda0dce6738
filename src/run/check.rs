//! Evaluates one `expect` entry against a response. Every check yields one
//! [`CheckResult`]: the expectation and the value found as JSON, and as short
//! human-readable texts; when a matcher fails, `actual_text` names each failing key,
//! e.g. `"okay" (length: 4 ≠ 3)`.
//!
//! This file holds one entry point per kind of check and the result they build;
//! applying an expectation to a value is in `eval`, writing an expectation or a
//! value out for people (and as JSON) in `show`.

use crate::plan::expect::{LatencySpec, StatusExpect, StatusPattern};
use crate::plan::jsonpath::JsonPath;
use crate::plan::matcher::Expected;
use crate::results::{
    bounded, latency_text, render, CheckKind, CheckResult, CheckStatus, ExpectedFrom,
};
use serde_json::Map;
use serde_json::Value;
use std::borrow::Cow;
use std::time::Duration;

mod compare;
mod eval;
mod show;
use eval::{accepts_nothing, json_target, judge, Target};
pub use eval::{md5_hex, sha256_hex};
use show::{bounds_in_words, describe_budget, matcher_token};
pub use show::{describe, expected_json, show};

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

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
