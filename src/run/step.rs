//! One step: decide whether to send (filters, `--fail-fast`, pending, requires_env),
//! expand `for_each`, render ([`super::prepare`]), send with retries, check and
//! capture ([`super::evaluate`]).

use super::evaluate::{evaluate, finish, Evaluation};
use super::http::{Failure, Outgoing, Received};
use super::prepare::{render_expect, render_request, Prepared};
use super::redact::is_sensitive_header;
use super::PlanContext;
use crate::plan::expect::Expect;
use crate::plan::model::{item_names, Action, Step};
use crate::plan::types::PrioritySpec;
use crate::plan::validate::ITEM;
use crate::results::{
    Endpoint, LatencyBudget, OnFailure, Outcome, Priority, RequestInfo, StepResult,
};
use crate::template::{RenderError, Scope};
use serde_json::{Map, Value};
use std::time::Instant;

/// Runs `step`: one result, or one per item of a `for_each` list, each told to
/// [`PlanContext::finished`] as it is made. Captures go into `vars` for the steps after it.
pub async fn run_step(
    cx: &PlanContext<'_>,
    step: &Step,
    vars: &mut Map<String, Value>,
) -> Vec<StepResult> {
    let started = Instant::now();
    let result = base_result_for(step);
    let runtime_list = step.flow.for_each.is_some();
    // A `--step` glob naming items of a list known only now is applied per item.
    let name_filter_later = runtime_list && cx.filters_items();
    if let Some(reason) = cx.filtered(&step.base_name, &step.name, &step.tags) {
        if !(name_filter_later && reason.starts_with("filtered: --step")) {
            return only(cx, not_sent(result, Outcome::Skipped, reason));
        }
    }
    if let Some(reason) = not_to_send(cx, step) {
        return only(cx, not_sent(result, reason.0, reason.1));
    }
    // Include vars, then (for a list known only now) the list.
    let mut local = vars.clone();
    for (name, value) in &step.outer_vars {
        match cx
            .templates()
            .render_value(value, &Scope::new(local.clone()))
        {
            Ok(v) => {
                local.insert(name.clone(), v);
            }
            Err(e) => return vec![render_failure(cx, result, e, started)],
        }
    }
    let Some(for_each) = &step.flow.for_each else {
        if let Some(item) = &step.flow.item {
            local.insert(ITEM.into(), item.clone());
        }
        let result = run_one(cx, step, result, local, vars, started).await;
        return only(cx, result);
    };
    let list = match cx
        .templates()
        .render_value(&for_each.list, &Scope::new(local.clone()))
    {
        Ok(v) => v,
        Err(e) => return vec![render_failure(cx, result, e, started)],
    };
    let items = match list {
        Value::Array(items) if items.is_empty() => {
            let message = format!("skipped: for_each `{}` gave an empty list", for_each.source);
            return only(cx, not_sent(result, Outcome::Skipped, message));
        }
        Value::Array(items) => items,
        other => {
            let e = RenderError {
                undefined: None,
                message: format!(
                    "for_each `{}` gave {}, not a list",
                    for_each.source,
                    shown_value(&other)
                ),
            };
            return only(cx, render_failure(cx, result, e, started));
        }
    };
    let names = item_names(&step.base_name, &items);
    let mut out = Vec::with_capacity(items.len());
    for (item, name) in items.into_iter().zip(names) {
        let mut r = result.clone();
        r.name = name;
        if let Some(reason) = cx.filtered(&step.base_name, &r.name, &step.tags) {
            out.push(reported(cx, not_sent(r, Outcome::Skipped, reason)));
            continue;
        }
        if let Some((outcome, message)) = not_to_send(cx, step) {
            out.push(reported(cx, not_sent(r, outcome, message)));
            continue;
        }
        let mut scope = local.clone();
        scope.insert(ITEM.into(), item);
        let one = run_one(cx, step, r, scope, vars, Instant::now()).await;
        out.push(reported(cx, one));
    }
    out
}

/// A final result, told to the plan context (events, `--fail-fast`).
fn reported(cx: &PlanContext<'_>, result: StepResult) -> StepResult {
    cx.finished(&result);
    result
}

fn only(cx: &PlanContext<'_>, result: StepResult) -> Vec<StepResult> {
    vec![reported(cx, result)]
}

/// A reason not to send, checked before each request: the step is pending or misses
/// an env var, the run was stopped, `--fail-fast` saw a failure.
fn not_to_send(cx: &PlanContext<'_>, step: &Step) -> Option<(Outcome, String)> {
    if let Some(reason) = &step.flow.pending {
        return Some((Outcome::NotTested, format!("pending: {reason}")));
    }
    let missing: Vec<&str> = step
        .flow
        .requires_env
        .iter()
        .filter(|name| cx.env_value(name).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let message = format!("not configured: {} not set", missing.join(", "));
        return Some((Outcome::NotConfigured, message));
    }
    if cx.cancelled() {
        let m = "interrupted: the run was stopped before this step";
        return Some((Outcome::Skipped, m.into()));
    }
    if let Some(m) = cx.stopped_by_failure() {
        return Some((Outcome::Skipped, m));
    }
    None
}

fn shown_value(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

/// One request of a step (one item of a `for_each`): vars, `when`, render, send, check.
async fn run_one(
    cx: &PlanContext<'_>,
    step: &Step,
    mut result: StepResult,
    mut local: Map<String, Value>,
    vars: &mut Map<String, Value>,
    started: Instant,
) -> StepResult {
    cx.started(&result.phase, &result.name);
    for (name, value) in &step.vars {
        match cx
            .templates()
            .render_value(value, &Scope::new(local.clone()))
        {
            Ok(v) => {
                local.insert(name.clone(), v);
            }
            Err(e) => return render_failure(cx, result, e, started),
        }
    }
    let scope = Scope::new(local);
    if let Some(when) = &step.flow.when {
        match cx.templates().render_json(&when.condition, &scope) {
            Ok(v) if truthy(&v) => {}
            Ok(_) => {
                return not_sent(
                    result,
                    Outcome::Skipped,
                    format!("skipped: when `{}` is false", when.source),
                );
            }
            Err(e) => return render_failure(cx, result, e, started),
        }
    }
    let request = match &step.action {
        Some(Action::Http(request)) => request,
        // The loader accepts a step without an action only when it is pending.
        None => {
            let message = "nothing to send: the step has no `request:`";
            return not_sent(result, Outcome::NotTested, message.into());
        }
    };
    let outgoing = match render_request(cx, request, &scope) {
        Ok(o) => o,
        Err(Prepared::Render(e)) => return render_failure(cx, result, e, started),
        Err(Prepared::Failed(kind, message)) => {
            result.outcome = Outcome::Error;
            result.error_kind = Some(kind.into());
            result.message = Some(cx.redactor().redact(&message));
            result.duration_ms = started.elapsed().as_millis() as u64;
            return result;
        }
    };
    let expect = match render_expect(cx, step, &scope) {
        Ok(e) => e,
        Err(e) => return render_failure(cx, result, e, started),
    };
    for (k, v) in &outgoing.headers {
        if is_sensitive_header(k) {
            cx.learn_secret(&Value::String(v.clone()));
        }
    }
    learn_cookies(cx, &outgoing);
    let redactor = cx.redactor();
    result.request = Some(RequestInfo {
        method: outgoing.method.clone(),
        url: redactor.redact(&outgoing.url_with_query()),
    });
    // Reports show the path actually requested (`/api/events/evt_0004`), not its template.
    if let Ok(url) = reqwest::Url::parse(&outgoing.url) {
        result.endpoint.path = redactor.redact(url.path());
    }
    let exchange = send_with_retries(cx, &result.name, step, &expect, &outgoing).await;
    learn_cookies(cx, &outgoing);
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
            for (name, _) in &step.checks.capture {
                if let Some(v) = vars.get(name).filter(|_| cx.is_secret_name(name)) {
                    cx.learn_secret(v);
                }
            }
            result
        }
    }
}

/// The plan's cookies for this URL are sent as a `Cookie` header: their values are
/// secrets like those of a `Cookie` header written in the plan.
fn learn_cookies(cx: &PlanContext<'_>, out: &Outgoing) {
    use reqwest::cookie::CookieStore;
    let Ok(url) = reqwest::Url::parse(&out.url_with_query()) else {
        return;
    };
    let Some(header) = cx.cookies.cookies(&url) else {
        return;
    };
    let Ok(text) = header.to_str() else {
        return;
    };
    cx.learn_secret(&Value::String(text.to_string()));
    for pair in text.split(';') {
        if let Some((_, value)) = pair.split_once('=') {
            cx.learn_secret(&Value::String(value.to_string()));
        }
    }
}

pub(crate) fn base_result_for(step: &Step) -> StepResult {
    StepResult {
        name: step.name.clone(),
        phase: step.phase.clone(),
        line: step.line,
        file: step.file.clone(),
        integration: step.integration.clone(),
        category: step.category.clone(),
        tags: step.tags.clone(),
        outcome: Outcome::Passed,
        message: None,
        error_kind: None,
        endpoint: match &step.action {
            Some(action) => {
                let (method, path) = action.endpoint();
                Endpoint {
                    method: method.to_string(),
                    path: path.to_string(),
                }
            }
            None => Endpoint {
                method: String::new(),
                path: String::new(),
            },
        },
        request: None,
        response: None,
        duration_ms: 0,
        checks: Vec::new(),
        captures: Default::default(),
        latency_budget: step.checks.expect.latency.map(|l| LatencyBudget {
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
            fix_time: f.fix_time.clone(),
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
    let file = result.file.as_deref().unwrap_or(&cx.plan.file);
    result.outcome = Outcome::Error;
    result.error_kind = Some("TemplateError".into());
    result.message = Some(cx.redactor().redact(&format!(
        "{} (step \"{}\", {file}:{})",
        e.message, result.name, result.line
    )));
    result
}

struct Exchange {
    attempts: u32,
    outcome: Result<(Received, Evaluation), Failure>,
}

async fn send_with_retries(
    cx: &PlanContext<'_>,
    step_name: &str,
    step: &Step,
    expect: &Expect,
    out: &Outgoing,
) -> Exchange {
    let (max, delay) = step
        .flow
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
            let eval = evaluate(step, expect, &received);
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
        let reason = match &outcome {
            Ok((_, eval)) => eval.why_not(),
            Err(failure) => failure.message.clone(),
        };
        cx.attempt_failed(step_name, attempt, max, reason, delay.as_millis() as u64);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = cx.cancel().cancelled() => {}
        }
    }
}

/// The `Failure` kind of a request abandoned because the run was stopped.
const INTERRUPTED: &str = "Interrupted";

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
