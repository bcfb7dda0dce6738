//! One step: decide whether to send (filters, `--fail-fast`, pending, requires_env),
//! expand `for_each`, render ([`super::prepare`]), send with retries, check and
//! capture ([`super::evaluate`]).

use super::evaluate::{evaluate, finish, Evaluation};
use super::http::{Failure, Outgoing, Received};
use super::prepare::{render_expect, render_request, Prepared};
use super::redact::is_sensitive_header;
use super::PlanContext;
use crate::plan::expect::Expect;
use crate::plan::id::item_id;
use crate::plan::model::{item_labels, Action, Step};
use crate::plan::types::PrioritySpec;
use crate::plan::validate::ITEM;
use crate::results::{
    Endpoint, ErrorKind, LatencyBudget, OnFailure, Outcome, Priority, RequestInfo, SkipReason,
    StepResult,
};
use crate::template::{RenderError, Scope, Vars};
use serde_json::Value;
use std::time::{Instant, SystemTime};

/// Runs `step`: one result, or one per item of a `for_each` list, each told to
/// [`PlanContext::finished`] as it is made. Captures go into `vars` for the steps after it.
pub async fn run_step(cx: &PlanContext<'_>, step: &Step, vars: &mut Vars) -> Vec<StepResult> {
    let wall = SystemTime::now();
    let started = Instant::now();
    let result = base_result_for(step);
    let runtime_list = step.flow.for_each.is_some();
    // A `--step` glob naming items of a list known only now is applied per item.
    let name_filter_later = runtime_list && cx.filters_items();
    if let Some((reason, message)) = cx.filtered(&step.base_name, &step.name, &step.tags) {
        if !(name_filter_later && reason == SkipReason::FilteredByStep) {
            return only(cx, not_sent(result, reason, message), wall);
        }
    }
    if let Some((reason, message, missing_env)) = not_to_send(cx, step) {
        let mut result = result;
        if let Some(path) = known_path(cx, step, vars) {
            result.endpoint.path = path;
        }
        result.missing_env = missing_env;
        return only(cx, not_sent(result, reason, message), wall);
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
            Err(e) => return only(cx, render_failure(cx, result, e, started), wall),
        }
    }
    let Some(for_each) = &step.flow.for_each else {
        if let Some(item) = &step.flow.item {
            local.insert(ITEM, item.clone());
        }
        let result = run_one(cx, step, result, local, vars, started).await;
        return only(cx, result, wall);
    };
    let list = match cx
        .templates()
        .render_value(&for_each.list, &Scope::new(local.clone()))
    {
        Ok(v) => v,
        Err(e) => return only(cx, render_failure(cx, result, e, started), wall),
    };
    let items = match list {
        Value::Array(items) if items.is_empty() => {
            let message = format!("skipped: for_each `{}` gave an empty list", for_each.source);
            return only(
                cx,
                not_sent(result, SkipReason::EmptyForEach, message),
                wall,
            );
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
            return only(cx, render_failure(cx, result, e, started), wall);
        }
    };
    let labels = item_labels(&items);
    let mut out = Vec::with_capacity(items.len());
    for (item, label) in items.into_iter().zip(labels) {
        let wall = SystemTime::now();
        let mut r = result.clone();
        r.name = format!("{} [{label}]", step.base_name);
        r.id = item_id(&step.id, &label);
        if let Some((reason, message)) = cx.filtered(&step.base_name, &r.name, &step.tags) {
            out.push(reported(cx, not_sent(r, reason, message), wall));
            continue;
        }
        if let Some((reason, message, missing_env)) = not_to_send(cx, step) {
            r.missing_env = missing_env;
            out.push(reported(cx, not_sent(r, reason, message), wall));
            continue;
        }
        let mut scope = local.clone();
        scope.insert(ITEM, item);
        let one = run_one(cx, step, r, scope, vars, Instant::now()).await;
        out.push(reported(cx, one, wall));
    }
    out
}

/// A final result, stamped with when it started and ended and told to the plan
/// context (events, `--fail-fast`).
fn reported(cx: &PlanContext<'_>, mut result: StepResult, started: SystemTime) -> StepResult {
    result.started_at = Some(rfc3339_millis(started));
    result.finished_at = Some(rfc3339_millis(SystemTime::now()));
    cx.finished(&result);
    result
}

fn only(cx: &PlanContext<'_>, result: StepResult, started: SystemTime) -> Vec<StepResult> {
    vec![reported(cx, result, started)]
}

/// RFC 3339, UTC, with milliseconds: `2026-01-05T09:00:00.123Z`.
pub fn rfc3339_millis(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

/// A reason not to send, checked before each request: the step is pending or misses
/// an env var, the run was stopped, `--fail-fast` saw a failure. With the names of
/// the `requires_env` variables not set (empty unless that is the reason).
fn not_to_send(cx: &PlanContext<'_>, step: &Step) -> Option<(SkipReason, String, Vec<String>)> {
    if let Some(reason) = &step.flow.pending {
        return Some((
            SkipReason::Pending,
            format!("pending: {reason}"),
            Vec::new(),
        ));
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
        let missing = missing.into_iter().map(str::to_string).collect();
        return Some((SkipReason::RequiresEnv, message, missing));
    }
    if cx.cancelled() {
        let m = "interrupted: the run was stopped before this step";
        return Some((SkipReason::Interrupted, m.into(), Vec::new()));
    }
    if let Some(m) = cx.stopped_by_failure() {
        return Some((SkipReason::FailFast, m, Vec::new()));
    }
    None
}

/// Where a step that is not sent would have gone: its URL's path rendered with the
/// variables known now (a URL captured by an earlier step, say), so reports name it
/// as the run would have; `None` when a variable is still unknown.
fn known_path(cx: &PlanContext<'_>, step: &Step, vars: &Vars) -> Option<String> {
    let Some(Action::Http(request)) = &step.action else {
        return None;
    };
    let mut local = vars.clone();
    if let Some(item) = &step.flow.item {
        local.insert(ITEM, item.clone());
    }
    let url = cx
        .templates()
        .render(&request.url, &Scope::new(local))
        .ok()?;
    let url = reqwest::Url::parse(&url).ok()?;
    Some(cx.redactor().redact(url.path()))
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
    mut local: Vars,
    vars: &mut Vars,
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
                    SkipReason::WhenFalse,
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
            return not_sent(result, SkipReason::Pending, message.into());
        }
    };
    let outgoing = match render_request(cx, request, &scope) {
        Ok(o) => o,
        Err(Prepared::Render(e)) => return render_failure(cx, result, e, started),
        Err(Prepared::Failed(kind, message)) => {
            result.outcome = Outcome::Error;
            result.error_kind = Some(kind);
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
    // Parsed once for the cookies (before and after sending), the endpoint path, the
    // URL's password and the request itself.
    let parsed = outgoing.parsed_url();
    let sent_url = outgoing.shown_url(parsed.as_ref());
    learn_cookies(cx, parsed.as_ref());
    match &parsed {
        Some(url) => cx.learn_password_of(url),
        None => cx.learn_url_password(&outgoing.url),
    }
    let redactor = cx.redactor();
    result.request = Some(RequestInfo {
        method: outgoing.method.clone(),
        url: redactor.redact(&sent_url),
        headers: outgoing
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), redactor.redact_header(name, value)))
            .collect(),
    });
    // Reports show the path actually requested (`/api/events/evt_0004`), not its template.
    if let Some(url) = &parsed {
        result.endpoint.path = redactor.redact(url.path());
    }
    let exchange =
        send_with_retries(cx, &result.name, step, &expect, &outgoing, parsed.as_ref()).await;
    learn_cookies(cx, parsed.as_ref());
    result.attempts = exchange.attempts;
    result.duration_ms = started.elapsed().as_millis() as u64;
    match exchange.outcome {
        Sent::Interrupted => not_sent(
            result,
            SkipReason::Interrupted,
            "interrupted: the run was stopped while this step was in flight".into(),
        ),
        Sent::Failed(failure) => {
            result.outcome = Outcome::Error;
            result.error_kind = Some(failure.kind);
            result.message = Some(redactor.redact(&failure.message));
            result
        }
        Sent::Received(exchange) => {
            let (received, eval) = *exchange;
            learn_set_cookies(cx, &received.headers);
            let redactor = cx.redactor();
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
fn learn_cookies(cx: &PlanContext<'_>, url: Option<&reqwest::Url>) {
    let Some(url) = url else {
        return;
    };
    let Some(header) = cx.cookies.cookies(url) else {
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

/// Every cookie a server sets is a secret, also one the jar never sends back here
/// (another path or domain): its value can still be echoed in a body or a later URL.
fn learn_set_cookies(cx: &PlanContext<'_>, headers: &[(String, String)]) {
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("set-cookie") {
            continue;
        }
        let pair = value.split(';').next().unwrap_or_default();
        if let Some((_, cookie)) = pair.split_once('=') {
            let cookie = cookie.trim().trim_matches('"');
            cx.learn_secret(&Value::String(cookie.to_string()));
        }
    }
}

pub(crate) fn base_result_for(step: &Step) -> StepResult {
    StepResult {
        id: step.id.clone(),
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
        skip_reason: None,
        missing_env: Vec::new(),
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
        started_at: None,
        finished_at: None,
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

fn not_sent(mut result: StepResult, reason: SkipReason, message: String) -> StepResult {
    result.outcome = reason.outcome();
    result.skip_reason = Some(reason);
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
                SkipReason::MissingCapture,
                format!("skipped: depends on step \"{producer}\", which did not capture `{root}`"),
            );
        }
    }
    let file = result.file.as_deref().unwrap_or(&cx.plan.file);
    result.outcome = Outcome::Error;
    result.error_kind = Some(ErrorKind::TemplateError);
    result.message = Some(cx.redactor().redact(&format!(
        "{} (step \"{}\", {file}:{})",
        e.message, result.name, result.line
    )));
    result
}

struct Exchange {
    attempts: u32,
    outcome: Sent,
}

/// What came of sending a step (with its retries).
enum Sent {
    Received(Box<(Received, Evaluation)>),
    Failed(Failure),
    /// The run was stopped while the request was in flight.
    Interrupted,
}

async fn send_with_retries(
    cx: &PlanContext<'_>,
    step_name: &str,
    step: &Step,
    expect: &Expect,
    out: &Outgoing,
    url: Option<&reqwest::Url>,
) -> Exchange {
    let (max, delay) = step
        .flow
        .retry
        .map(|r| (r.attempts, r.delay))
        .unwrap_or((1, std::time::Duration::ZERO));
    let mut attempt = 0;
    loop {
        attempt += 1;
        // `biased`: polled in order, a stop first, and no random number per step.
        let outcome = tokio::select! {
            biased;
            _ = cx.cancel().cancelled() => Sent::Interrupted,
            sent = cx.http.send(out, url) => match sent {
                Ok(received) => {
                    let eval = evaluate(step, expect, &received);
                    Sent::Received(Box::new((received, eval)))
                }
                Err(failure) => Sent::Failed(failure),
            },
        };
        let done = match &outcome {
            Sent::Received(exchange) => exchange.1.holds(),
            Sent::Failed(_) | Sent::Interrupted => false,
        };
        if done || attempt >= max || cx.cancelled() {
            return Exchange {
                attempts: attempt,
                outcome,
            };
        }
        let reason = match &outcome {
            Sent::Received(exchange) => exchange.1.why_not(&cx.redactor()),
            Sent::Failed(failure) => cx.redactor().redact(&failure.message),
            // Not reached: an interrupted attempt ends the loop above.
            Sent::Interrupted => "interrupted".into(),
        };
        cx.attempt_failed(step_name, attempt, max, reason, delay.as_millis() as u64);
        tokio::select! {
            biased;
            _ = cx.cancel().cancelled() => {}
            _ = tokio::time::sleep(delay) => {}
        }
    }
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
