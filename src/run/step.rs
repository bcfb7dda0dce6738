//! One step: decide whether to send, render, send (with retries), check, capture.

use super::capture::capture;
use super::check;
use super::http::{Failure, Outgoing, OutgoingBody, Received, DEFAULT_BODY_CAP, DEFAULT_TIMEOUT};
use super::redact::{is_sensitive_header, Redactor};
use super::PlanContext;
use crate::plan::model::{Body, Step};
use crate::plan::types::PrioritySpec;
use crate::results::{
    CheckResult, CheckStatus, Endpoint, LatencyBudget, OnFailure, Outcome, Priority, RequestInfo,
    ResponseInfo, StepResult,
};
use crate::template::{RenderError, Scope};
use serde_json::{Map, Value};
use std::time::Instant;

const EXCERPT_BYTES: usize = 64 * 1024;

pub async fn run_step(
    cx: &PlanContext<'_>,
    step: &Step,
    vars: &mut Map<String, Value>,
) -> StepResult {
    let started = Instant::now();
    let mut result = base_result_for(step);
    if let Some(reason) = &step.pending {
        return not_sent(result, Outcome::NotTested, format!("pending: {reason}"));
    }
    let missing: Vec<&str> = step
        .requires_env
        .iter()
        .filter(|name| cx.env_value(name).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let message = format!("not configured: {} not set", missing.join(", "));
        return not_sent(result, Outcome::NotConfigured, message);
    }
    if cx.cancelled() {
        return not_sent(
            result,
            Outcome::Skipped,
            "interrupted: the run was stopped before this step".into(),
        );
    }
    let scope = match step_scope(cx, step, vars) {
        Ok(s) => s,
        Err(e) => return render_failure(cx, result, e, started),
    };
    if let Some(when) = &step.when {
        match cx.templates().render_json(when, &scope) {
            Ok(v) if truthy(&v) => {}
            Ok(_) => {
                let expr = step.when_source.as_deref().unwrap_or("");
                return not_sent(
                    result,
                    Outcome::Skipped,
                    format!("skipped: when `{expr}` is false"),
                );
            }
            Err(e) => return render_failure(cx, result, e, started),
        }
    }
    let outgoing = match render_request(cx, step, &scope) {
        Ok(o) => o,
        Err(e) => return render_failure(cx, result, e, started),
    };
    for (k, v) in &outgoing.headers {
        if is_sensitive_header(k) {
            cx.learn_secret(&Value::String(v.clone()));
        }
    }
    let redactor = cx.redactor();
    result.request = Some(RequestInfo {
        method: outgoing.method.clone(),
        url: redactor.redact(&outgoing.url_with_query()),
    });
    let exchange = send_with_retries(cx, step, &outgoing).await;
    result.attempts = exchange.attempts;
    result.duration_ms = started.elapsed().as_millis() as u64;
    match exchange.outcome {
        Err(failure) if failure.kind == INTERRUPTED => {
            not_sent(result, Outcome::Skipped, failure.message)
        }
        Err(failure) => {
            result.outcome = Outcome::Error;
            result.error_kind = Some(failure.kind.to_string());
            result.message = Some(redactor.redact(&failure.message));
            result
        }
        Ok((received, eval)) => {
            let result = finish(result, step, &received, eval, vars, &redactor);
            for (name, _) in &step.capture {
                if let Some(v) = vars.get(name).filter(|_| cx.is_secret_name(name)) {
                    cx.learn_secret(v);
                }
            }
            result
        }
    }
}

pub(crate) fn base_result_for(step: &Step) -> StepResult {
    StepResult {
        name: step.name.clone(),
        phase: step.phase.clone(),
        line: step.line,
        integration: step.integration.clone(),
        category: step.category.clone(),
        tags: step.tags.clone(),
        outcome: Outcome::Passed,
        message: None,
        error_kind: None,
        endpoint: Endpoint {
            method: step.method.clone(),
            path: step.endpoint_path.clone(),
        },
        request: None,
        response: None,
        duration_ms: 0,
        checks: Vec::new(),
        captures: Default::default(),
        latency_budget: step.expect.latency.map(|l| LatencyBudget {
            warn_ms: l.warn.map(|d| d.as_millis() as u64),
            fail_ms: l.fail.map(|d| d.as_millis() as u64),
        }),
        on_failure: step.on_failure.as_ref().map(|f| OnFailure {
            priority: match f.priority {
                PrioritySpec::Critical => Priority::Critical,
                PrioritySpec::High => Priority::High,
                PrioritySpec::Medium => Priority::Medium,
                PrioritySpec::Low => Priority::Low,
            },
            impact: f.impact.clone(),
            action: f.action.clone(),
        }),
        attempts: 0,
    }
}

fn not_sent(mut result: StepResult, outcome: Outcome, message: String) -> StepResult {
    result.outcome = outcome;
    result.message = Some(message);
    result
}

/// A template that did not render: a skip when it waits on a capture an earlier step
/// failed to make, an error otherwise.
fn render_failure(
    cx: &PlanContext<'_>,
    mut result: StepResult,
    e: RenderError,
    started: Instant,
) -> StepResult {
    result.duration_ms = started.elapsed().as_millis() as u64;
    if let Some(var) = &e.undefined {
        let root = var.split('.').next().unwrap_or(var);
        if let Some(producer) = cx.captured_by(root) {
            return not_sent(
                result,
                Outcome::Skipped,
                format!("skipped: depends on step \"{producer}\", which did not capture `{root}`"),
            );
        }
    }
    result.outcome = Outcome::Error;
    result.error_kind = Some("TemplateError".into());
    result.message = Some(cx.redactor().redact(&format!(
        "{} (step \"{}\", {}:{})",
        e.message, result.name, cx.plan.file, result.line
    )));
    result
}

fn step_scope(
    cx: &PlanContext<'_>,
    step: &Step,
    vars: &Map<String, Value>,
) -> Result<Scope, RenderError> {
    if step.vars.is_empty() {
        return Ok(Scope::new(vars.clone()));
    }
    let mut local = vars.clone();
    for (name, value) in &step.vars {
        let v = cx
            .templates()
            .render_value(value, &Scope::new(local.clone()))?;
        local.insert(name.clone(), v);
    }
    Ok(Scope::new(local))
}

fn render_request(
    cx: &PlanContext<'_>,
    step: &Step,
    scope: &Scope,
) -> Result<Outgoing, RenderError> {
    let t = cx.templates();
    let pairs =
        |items: &[(String, crate::template::Text)]| -> Result<Vec<(String, String)>, RenderError> {
            items
                .iter()
                .map(|(k, v)| Ok((k.clone(), t.render(v, scope)?)))
                .collect()
        };
    let body = match &step.body {
        None => None,
        Some(Body::Json(v)) => Some(OutgoingBody::Json(t.render_value(v, scope)?)),
        Some(Body::Form(items)) => Some(OutgoingBody::Form(pairs(items)?)),
        Some(Body::Raw(text)) => Some(OutgoingBody::Raw(t.render(text, scope)?)),
    };
    Ok(Outgoing {
        method: step.method.clone(),
        url: t.render(&step.url, scope)?,
        query: pairs(&step.query)?,
        headers: pairs(&step.headers)?,
        body,
        timeout: step.timeout.unwrap_or(DEFAULT_TIMEOUT),
        follow_redirects: step.follow_redirects,
        insecure: cx.insecure(),
        max_body: DEFAULT_BODY_CAP,
    })
}

pub(crate) struct Evaluation {
    checks: Vec<CheckResult>,
    json: Option<Value>,
    body_text: String,
    /// The body is not JSON but a JSONPath check needed it.
    json_error: Option<String>,
}

impl Evaluation {
    fn holds(&self) -> bool {
        self.json_error.is_none() && self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }
}

struct Exchange {
    attempts: u32,
    outcome: Result<(Received, Evaluation), Failure>,
}

async fn send_with_retries(cx: &PlanContext<'_>, step: &Step, out: &Outgoing) -> Exchange {
    let (max, delay) = step
        .retry
        .map(|r| (r.attempts, r.delay))
        .unwrap_or((1, std::time::Duration::ZERO));
    let mut attempt = 0;
    loop {
        attempt += 1;
        let sent = tokio::select! {
            sent = cx.http.send(out) => sent,
            _ = cx.cancel().cancelled() => Err(Failure {
                kind: INTERRUPTED,
                message: "interrupted: the run was stopped while this step was in flight".into(),
            }),
        };
        let outcome = sent.map(|received| {
            let eval = evaluate(step, &received);
            (received, eval)
        });
        let done = match &outcome {
            Ok((_, eval)) => eval.holds(),
            Err(_) => false,
        };
        if done || attempt >= max || cx.cancelled() {
            return Exchange {
                attempts: attempt,
                outcome,
            };
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = cx.cancel().cancelled() => {}
        }
    }
}

/// The `Failure` kind of a request abandoned because the run was stopped.
const INTERRUPTED: &str = "Interrupted";

fn evaluate(step: &Step, received: &Received) -> Evaluation {
    let body_text = String::from_utf8_lossy(&received.body).into_owned();
    let expect = &step.expect;
    let mut checks = Vec::new();
    if let Some(status) = &expect.status {
        checks.push(check::check_status(
            status,
            received.status,
            &received.reason,
        ));
    }
    for (name, expected) in &expect.headers {
        checks.push(check::check_header(
            name,
            expected,
            &received.header_values(name),
        ));
    }
    let needs_json = !expect.json.is_empty()
        || step
            .capture
            .iter()
            .any(|(_, c)| matches!(c, crate::plan::types::Capture::Json(_)));
    let (json, json_error) = if needs_json {
        match serde_json::from_slice::<Value>(&received.body) {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(format!("response is not JSON ({e})"))),
        }
    } else {
        (None, None)
    };
    if let Some(doc) = &json {
        for (path, expected) in &expect.json {
            checks.push(check::check_json(path, expected, doc));
        }
    }
    if let Some(expected) = &expect.body {
        checks.push(check::check_body(expected, &body_text));
    }
    if let Some(budget) = &expect.latency {
        checks.push(check::check_latency(budget, received.latency));
    }
    let json_error = json_error.filter(|_| !expect.json.is_empty());
    Evaluation {
        checks,
        json,
        body_text,
        json_error,
    }
}

fn finish(
    mut result: StepResult,
    step: &Step,
    received: &Received,
    eval: Evaluation,
    vars: &mut Map<String, Value>,
    redactor: &Redactor,
) -> StepResult {
    result.response = Some(ResponseInfo {
        status: received.status,
        reason: received.reason.clone(),
        latency_ms: received.latency.as_millis() as u64,
        body_bytes: received.body.len() as u64,
        body_excerpt: redactor.redact(&excerpt(&eval.body_text, &received.body)),
    });
    result.checks = eval
        .checks
        .iter()
        .map(|c| CheckResult {
            actual: redactor.redact(&c.actual),
            expected: redactor.redact(&c.expected),
            ..c.clone()
        })
        .collect();
    let failed: Vec<&CheckResult> = result
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .collect();
    if let Some(e) = &eval.json_error {
        result.outcome = Outcome::Error;
        result.error_kind = Some("InvalidJson".into());
        result.message = Some(format!("{e}: JSONPath checks could not run"));
    } else if !failed.is_empty() {
        result.outcome = Outcome::Failed;
        result.error_kind = Some(failure_kind(&failed).into());
        result.message = Some(redactor.redact(&failure_summary(&failed, result.checks.len())));
    } else if result.checks.iter().any(|c| c.status == CheckStatus::Warn) {
        result.outcome = Outcome::Slow;
    }
    let mut capture_errors = Vec::new();
    for (name, source) in &step.capture {
        match capture(name, source, received, &eval.body_text, eval.json.as_ref()) {
            Ok(v) => {
                result
                    .captures
                    .insert(name.clone(), redactor.redact_json(&v));
                vars.insert(name.clone(), v);
            }
            Err(e) => capture_errors.push(e),
        }
    }
    if !capture_errors.is_empty() {
        let text = capture_errors.join("; ");
        if result.outcome.is_failure() {
            let m = result.message.take().unwrap_or_default();
            result.message = Some(format!("{m}; {text}"));
        } else {
            result.outcome = Outcome::Error;
            result.error_kind = Some("CaptureError".into());
            result.message = Some(redactor.redact(&text));
        }
    }
    result
}

fn failure_kind(failed: &[&CheckResult]) -> &'static str {
    use crate::results::CheckKind;
    match failed {
        [only] => match only.kind {
            CheckKind::Status => "StatusMismatch",
            CheckKind::Latency => "LatencyBudgetExceeded",
            CheckKind::Header => "HeaderMismatch",
            CheckKind::Json => "JsonPathMismatch",
            CheckKind::Body => "BodyMismatch",
        },
        _ => "CheckFailed",
    }
}

fn failure_summary(failed: &[&CheckResult], total: usize) -> String {
    let first = failed[0];
    let lead = format!(
        "{}: expected {}, got {}",
        first.subject, first.expected, first.actual
    );
    if failed.len() == 1 {
        lead
    } else {
        format!("{} of {total} checks failed: {lead}", failed.len())
    }
}

fn excerpt(body: &str, raw: &[u8]) -> String {
    // Lossy decoding is said, so a reader does not take U+FFFD for what the server sent.
    let note = if std::str::from_utf8(raw).is_err() {
        "[the body is not valid UTF-8: shown decoded lossily]\n"
    } else {
        ""
    };
    if body.len() <= EXCERPT_BYTES {
        return format!("{note}{body}");
    }
    let mut end = EXCERPT_BYTES;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{note}{}...[truncated {} bytes]",
        &body[..end],
        body.len() - end
    )
}

/// Jinja truthiness for `when`: false, null, 0, "" and empty collections are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}
