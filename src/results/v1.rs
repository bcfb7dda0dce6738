//! Reading version-1 results: the JSON is rewritten into the current shape before it
//! is deserialised, so one model serves both. Version 1 had no step ids, typed skip
//! reasons or structured checks; they are derived here from what it kept (names, the
//! CamelCase `error_kind`, the message prefixes the executor of that version wrote).
//! This is the one place that reads meaning out of a message, and only of files
//! written by planrun 0.1.

use serde_json::{Map, Value};
use std::collections::HashSet;

use super::{ErrorKind, SkipReason};
use crate::plan::id::{item_id, step_id};

/// Rewrites a version-1 document (already parsed) into version 2.
pub fn upgrade(mut doc: Value) -> Value {
    let Some(root) = doc.as_object_mut() else {
        return doc;
    };
    root.insert("version".into(), Value::from(2));
    let mut ids = HashSet::new();
    if let Some(Value::Array(plans)) = root.get_mut("plans") {
        for plan in plans.iter_mut().filter_map(Value::as_object_mut) {
            let plan_name = text(plan, "name");
            if let Some(Value::Array(steps)) = plan.get_mut("steps") {
                for step in steps.iter_mut().filter_map(Value::as_object_mut) {
                    upgrade_step(&plan_name, step, &mut ids);
                }
            }
        }
    }
    doc
}

fn text(map: &Map<String, Value>, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn upgrade_step(plan: &str, step: &mut Map<String, Value>, ids: &mut HashSet<String>) {
    let name = text(step, "name");
    let phase = text(step, "phase");
    // `base [item]` was how version 1 named a `for_each` item.
    let id = match name.strip_suffix(']').and_then(|n| n.rsplit_once(" [")) {
        Some((base, item)) => item_id(&step_id(plan, &phase, base), item),
        None => step_id(plan, &phase, &name),
    };
    // Unique within the document even if the old plans were not.
    let mut unique = id.clone();
    let mut n = 1;
    while !ids.insert(unique.clone()) {
        n += 1;
        unique = format!("{id}~{n}");
    }
    let mut out = Map::new();
    out.insert("id".into(), Value::String(unique));
    for (k, v) in std::mem::take(step) {
        out.insert(k, v);
    }
    *step = out;

    let outcome = text(step, "outcome");
    let message = text(step, "message");
    let kind = step
        .get("error_kind")
        .and_then(Value::as_str)
        .and_then(error_kind);
    let kind = match (outcome.as_str(), kind) {
        ("failed" | "error", Some(k)) => Some(k),
        ("failed", None) => Some(ErrorKind::CheckFailed),
        _ => None,
    };
    step.insert("error_kind".into(), to_value(kind));
    step.insert(
        "skip_reason".into(),
        to_value(skip_reason(&outcome, &message)),
    );
    if let Some(Value::Object(resp)) = step.get_mut("response") {
        if let Some(ms) = resp.remove("latency_ms").and_then(|v| v.as_u64()) {
            resp.insert("latency_us".into(), Value::from(ms.saturating_mul(1000)));
        }
    }
    if let Some(Value::Array(checks)) = step.get_mut("checks") {
        for check in checks.iter_mut().filter_map(Value::as_object_mut) {
            upgrade_check(check);
        }
    }
}

fn to_value<T: serde::Serialize>(v: Option<T>) -> Value {
    v.and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(Value::Null)
}

/// `StatusMismatch` → the kind; `None` for a token version 2 does not know.
fn error_kind(camel: &str) -> Option<ErrorKind> {
    let mut snake = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    serde_json::from_value(Value::String(snake)).ok()
}

/// The reason a version-1 step was not sent, from its outcome and the message prefix
/// planrun 0.1 wrote; `None` when the message says nothing known.
fn skip_reason(outcome: &str, message: &str) -> Option<SkipReason> {
    match outcome {
        "not_tested" => return Some(SkipReason::Pending),
        "not_configured" => return Some(SkipReason::RequiresEnv),
        "skipped" => {}
        _ => return None,
    }
    let prefixes = [
        ("interrupted", SkipReason::Interrupted),
        ("filtered: --step", SkipReason::FilteredByStep),
        ("filtered:", SkipReason::FilteredByTag),
        ("not run: --fail-fast", SkipReason::FailFast),
        ("skipped: when", SkipReason::WhenFalse),
        ("skipped: for_each", SkipReason::EmptyForEach),
        ("skipped: depends on", SkipReason::MissingCapture),
    ];
    prefixes
        .into_iter()
        .find(|(p, _)| message.starts_with(p))
        .map(|(_, r)| r)
}

/// Version 1 kept only the texts: they become the `_text` fields and, as strings,
/// the values; the matcher is `v1`. Its schema checks were `json` checks with the
/// subject `schema`.
fn upgrade_check(check: &mut Map<String, Value>) {
    let expected = check.remove("expected").unwrap_or(Value::Null);
    let actual = check.remove("actual").unwrap_or(Value::Null);
    if check.get("kind").and_then(Value::as_str) == Some("json")
        && check.get("subject").and_then(Value::as_str) == Some("schema")
    {
        check.insert("kind".into(), Value::from("schema"));
    }
    check.insert("matcher".into(), Value::from("v1"));
    check.insert("expected".into(), expected.clone());
    check.insert("actual".into(), actual.clone());
    check.insert("expected_text".into(), expected);
    check.insert("actual_text".into(), actual);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_reasons_and_latency_are_upgraded() {
        let doc = json!({
            "version": 1,
            "plans": [{"name": "Pay", "steps": [
                {"name": "charge [eur]", "phase": "Phase 3", "outcome": "failed",
                 "message": "status: expected 200, got 500", "error_kind": "StatusMismatch",
                 "response": {"latency_ms": 7},
                 "checks": [{"kind": "json", "subject": "schema", "expected": "valid", "actual": "x", "status": "fail"}]},
                {"name": "s", "phase": "Pay", "outcome": "skipped",
                 "message": "filtered: --step \"x\"", "error_kind": null},
                {"name": "s", "phase": "Pay", "outcome": "error",
                 "message": "?", "error_kind": "Mystery"}
            ]}]
        });
        let up = upgrade(doc);
        let steps = &up["plans"][0]["steps"];
        assert_eq!(up["version"], 2);
        assert_eq!(steps[0]["id"], "pay/phase-3/charge[eur]");
        assert_eq!(steps[0]["error_kind"], "status_mismatch");
        assert_eq!(steps[0]["response"]["latency_us"], 7000);
        assert_eq!(steps[0]["checks"][0]["kind"], "schema");
        assert_eq!(steps[0]["checks"][0]["expected_text"], "valid");
        assert_eq!(steps[1]["skip_reason"], "filtered_by_step");
        assert_eq!(steps[2]["id"], "pay/s~2");
        assert_eq!(steps[2]["error_kind"], Value::Null);
    }
}
