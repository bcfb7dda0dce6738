//! JUnit XML, written with quick-xml so every attribute is under our control.
//!
//! The default output validates against Jenkins xUnit's `junit-10.xsd` and is read by
//! GitLab, GitHub test-report actions, Azure DevOps and Jenkins: one `<testsuite>` per
//! plan, one `<testcase>` per step (sent or not), at most one result element per case,
//! integer counts that match the children, times with exactly three decimals.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::sanitize::{floor_char_boundary, one_line, strip_ansi, xml, xml_line};
use super::{utc_seconds, without_userinfo};
use crate::results::render::{self, check_line, check_line_with_kind, exact_line, skip_text};
use crate::results::{
    latency_text, ms_text, CheckStatus, Diagnostic, Outcome, PlanResult, ResponseInfo, RunResults,
    StepResult,
};

/// How the JUnit report is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JunitOptions {
    /// Adds `file` and `line` to each `<testcase>` (read by GitLab and some GitHub
    /// actions; rejected by `junit-10.xsd`, hence off by default).
    pub with_locations: bool,
}

/// Longest `message` attribute, in characters.
const MESSAGE_MAX_CHARS: usize = 250;
/// Response excerpt inside a `<failure>` / `<error>` body.
const FAILURE_EXCERPT_BYTES: usize = 2 * 1024;
/// Response excerpt inside `<system-out>`.
const SYSTEM_OUT_EXCERPT_BYTES: usize = 64 * 1024;
/// Longest single-line value (names, properties, check values).
const VALUE_MAX_CHARS: usize = 1000;

/// Renders the whole run as one JUnit XML document.
pub fn render(results: &RunResults, opts: &JunitOptions) -> String {
    let suites = build_suites(results, opts);
    write::write_document(&suites, results.run.duration_ms)
}

// ---------------------------------------------------------------------------
// The document model: built first (already sanitised), then written. Counts are
// derived from the cases, so they cannot disagree with the children.

struct Suite {
    name: String,
    time_ms: u64,
    timestamp: Option<String>,
    hostname: String,
    file: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case>,
}

struct Case {
    name: String,
    classname: String,
    time_ms: u64,
    location: Option<(String, u32)>,
    result: Option<CaseResult>,
    system_out: Option<String>,
}

struct CaseResult {
    kind: ResultKind,
    message: String,
    /// CamelCase token; not written for `<skipped>`.
    type_token: String,
    body: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ResultKind {
    Failure,
    Error,
    Skipped,
}

impl ResultKind {
    fn tag(self) -> &'static str {
        match self {
            ResultKind::Failure => "failure",
            ResultKind::Error => "error",
            ResultKind::Skipped => "skipped",
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of(cases: &[Case]) -> Counts {
        let mut c = Counts {
            tests: cases.len(),
            ..Counts::default()
        };
        for case in cases {
            match case.result.as_ref().map(|r| r.kind) {
                Some(ResultKind::Failure) => c.failures += 1,
                Some(ResultKind::Error) => c.errors += 1,
                Some(ResultKind::Skipped) => c.skipped += 1,
                None => {}
            }
        }
        c
    }

    fn add(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }
}

/// Hands out names unique within one scope: `x`, `x (2)`, `x (3)`, …
#[derive(Default)]
struct UniqueNames(HashSet<String>);

impl UniqueNames {
    fn take(&mut self, base: String) -> String {
        if self.0.insert(base.clone()) {
            return base;
        }
        // Finitely many names are taken, so the unbounded search always ends.
        #[allow(clippy::expect_used)]
        let unique = (2..)
            .map(|n| format!("{base} ({n})"))
            .find(|candidate| self.0.insert(candidate.clone()))
            .expect("an unused suffix exists");
        unique
    }
}

// ---------------------------------------------------------------------------
// Building

fn build_suites(results: &RunResults, opts: &JunitOptions) -> Vec<Suite> {
    let mut suite_names = UniqueNames::default();
    let mut suites: Vec<Suite> = results
        .plans
        .iter()
        .map(|plan| plan_suite(results, plan, opts, &mut suite_names))
        .collect();
    suites.extend(
        results
            .load_errors
            .iter()
            .map(|e| load_error_suite(results, e, &mut suite_names)),
    );
    suites
}

fn suite_name(raw: &str, names: &mut UniqueNames) -> String {
    let name = single_line(raw).replace('/', "-");
    names.take(if name.is_empty() {
        "unnamed".into()
    } else {
        name
    })
}

fn plan_suite(
    results: &RunResults,
    plan: &PlanResult,
    opts: &JunitOptions,
    names: &mut UniqueNames,
) -> Suite {
    let mut case_names = UniqueNames::default();
    let plan_slug = slug(&plan.name, "plan");
    let cases = plan
        .steps
        .iter()
        .map(|step| step_case(plan, &plan_slug, step, opts, &mut case_names))
        .collect();
    Suite {
        name: suite_name(&plan.name, names),
        time_ms: plan.duration_ms,
        timestamp: utc_seconds(&plan.started_at),
        hostname: single_line(results.run.host_of(&plan.file)),
        file: single_line(&plan.file),
        properties: plan_properties(results, plan),
        cases,
    }
}

fn plan_properties(results: &RunResults, plan: &PlanResult) -> Vec<(&'static str, String)> {
    let run = &results.run;
    let target = run.target.as_deref().map(without_userinfo);
    let optional = [
        ("integration", plan.integration.as_deref()),
        ("category", plan.category.as_deref()),
        ("environment", run.environment.as_deref()),
        ("target", target.as_deref()),
        ("system", run.system.as_deref()),
    ];
    let mut props = vec![
        ("planrun.version", single_line(&results.planrun_version)),
        ("plan.file", single_line(&plan.file)),
    ];
    props.extend(
        optional
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, single_line(v)))),
    );
    if run.interrupted {
        props.push(("run.interrupted", "true".into()));
    }
    props
}

fn load_error_suite(results: &RunResults, e: &Diagnostic, names: &mut UniqueNames) -> Suite {
    let location = e.to_string();
    let case = Case {
        name: "load".into(),
        classname: format!("planrun.{}", slug(&e.file, "plan")),
        time_ms: 0,
        location: None,
        result: Some(CaseResult {
            kind: ResultKind::Error,
            message: one_line(&xml(&location), MESSAGE_MAX_CHARS),
            type_token: "PlanInvalid".into(),
            body: xml(&location),
        }),
        system_out: None,
    };
    Suite {
        name: suite_name(&e.file, names),
        time_ms: 0,
        timestamp: utc_seconds(&results.run.started_at),
        hostname: single_line(&results.run.hostname),
        file: single_line(&e.file),
        properties: vec![
            ("planrun.version", single_line(&results.planrun_version)),
            ("plan.file", single_line(&e.file)),
        ],
        cases: vec![case],
    }
}

fn step_case(
    plan: &PlanResult,
    plan_slug: &str,
    step: &StepResult,
    opts: &JunitOptions,
    names: &mut UniqueNames,
) -> Case {
    let name = single_line(&step.name);
    Case {
        name: names.take(if name.is_empty() {
            "unnamed".into()
        } else {
            name
        }),
        classname: classname(plan, plan_slug, step),
        time_ms: step.duration_ms,
        location: opts
            .with_locations
            .then(|| (single_line(step_file(plan, step)), step.line)),
        result: case_result(plan, step),
        system_out: system_out(step),
    }
}

/// `<integration|category|planrun>.<plan>`, each part slugified: a stable dotted id.
fn classname(plan: &PlanResult, plan_slug: &str, step: &StepResult) -> String {
    let group = [
        &step.integration,
        &step.category,
        &plan.integration,
        &plan.category,
    ]
    .into_iter()
    .flatten()
    .map(|s| slug(s, ""))
    .find(|s| !s.is_empty())
    .unwrap_or_else(|| "planrun".into());
    format!("{group}.{plan_slug}")
}

/// Lowercase, every run of non-alphanumerics one `_`, no `_` at the ends.
fn slug(s: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in strip_ansi(s).chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_end_matches('_');
    if trimmed.is_empty() {
        fallback.into()
    } else {
        trimmed.into()
    }
}

fn case_result(plan: &PlanResult, step: &StepResult) -> Option<CaseResult> {
    let kind = match step.outcome {
        Outcome::Passed | Outcome::Slow => return None,
        Outcome::Failed => ResultKind::Failure,
        Outcome::Error => ResultKind::Error,
        Outcome::NotTested | Outcome::NotConfigured | Outcome::Skipped => ResultKind::Skipped,
    };
    if kind == ResultKind::Skipped {
        // The executor's messages say what kind of skip they are (`filtered: --tag x`).
        let reason = step
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| skip_text(step.skip_reason));
        return Some(CaseResult {
            kind,
            message: xml(&exact_line(reason, MESSAGE_MAX_CHARS)),
            type_token: String::new(),
            body: String::new(),
        });
    }
    let message = failure_message(step);
    let type_token = match (step.error_kind, kind) {
        (Some(k), _) => k.junit_type(),
        (None, ResultKind::Failure) => "CheckFailed".into(),
        (None, _) => "Error".into(),
    };
    Some(CaseResult {
        kind,
        message: xml(&exact_line(&message, MESSAGE_MAX_CHARS)),
        type_token,
        body: failure_body(plan, step, &message),
    })
}

fn failure_message(step: &StepResult) -> String {
    if let Some(m) = step.message.as_deref().filter(|m| !m.trim().is_empty()) {
        return m.to_string();
    }
    match step.checks.iter().find(|c| c.status == CheckStatus::Fail) {
        Some(c) => check_line(c),
        None if step.outcome == Outcome::Error => "error".into(),
        None => "check failed".into(),
    }
}

/// The file the step is written in: an included file, or the plan.
fn step_file<'a>(plan: &'a PlanResult, step: &'a StepResult) -> &'a str {
    step.file.as_deref().unwrap_or(&plan.file)
}

fn failure_body(plan: &PlanResult, step: &StepResult, message: &str) -> String {
    let mut body = xml(&exact_line(message, VALUE_MAX_CHARS));
    let _ = write!(
        body,
        "\n  --> {}:{} (step \"{}\")",
        single_line(step_file(plan, step)),
        step.line,
        single_line(&step.name)
    );
    if let Some(req) = &step.request {
        let _ = write!(
            body,
            "\n  {} {}",
            single_line(&req.method),
            request_url(&req.url)
        );
    }
    for check in &step.checks {
        body.push_str("\n  ");
        body.push_str(&xml(&exact_line(
            &check_line_with_kind(check),
            VALUE_MAX_CHARS,
        )));
    }
    if let Some(resp) = &step.response {
        let _ = write!(
            body,
            "\n  response: {} ({} bytes):\n{}",
            status_text(resp),
            resp.body_bytes,
            excerpt(resp, FAILURE_EXCERPT_BYTES)
        );
    }
    body
}

fn system_out(step: &StepResult) -> Option<String> {
    let mut out = String::new();
    if let Some(req) = &step.request {
        let outcome = match &step.response {
            Some(resp) => format!("{} in {}", status_text(resp), latency_text(resp.latency_us)),
            None => format!("no response after {}", ms_text(step.duration_ms)),
        };
        let _ = writeln!(
            out,
            "{} {} -> {outcome}",
            single_line(&req.method),
            request_url(&req.url)
        );
    }
    if step.attempts > 1 {
        let _ = writeln!(out, "attempts: {}", step.attempts);
    }
    if let Some(resp) = &step.response {
        for hop in &resp.redirects {
            let _ = writeln!(out, "redirect {}", single_line(&hop.describe()));
        }
        if let (Some(encoding), Some(wire)) = (&resp.encoding, resp.wire_bytes) {
            let _ = writeln!(
                out,
                "content-encoding {}: {wire} bytes on the wire, {} decoded",
                single_line(encoding),
                resp.body_bytes
            );
        }
        if let Some(charset) = render::charset_text(resp) {
            let _ = writeln!(out, "body: {}", single_line(&charset));
        }
        if let Some(cert) = &resp.tls {
            let text = render::certificate_text(cert);
            let _ = writeln!(out, "certificate: {}", single_line(&text));
        }
    }
    for (name, value) in &step.captures {
        let value = value.to_string();
        let value = xml(&exact_line(&value, VALUE_MAX_CHARS));
        let _ = writeln!(out, "captured {} = {value}", single_line(name));
    }
    if step.outcome == Outcome::Slow {
        let _ = writeln!(out, "{}", slow_note(step));
    }
    if let Some(resp) = &step.response {
        let _ = write!(
            out,
            "response body ({} bytes):\n{}\n",
            resp.body_bytes,
            excerpt(resp, SYSTEM_OUT_EXCERPT_BYTES)
        );
    }
    (!out.is_empty()).then_some(out)
}

fn slow_note(step: &StepResult) -> String {
    let latency = latency_text(step.latency_us());
    match step.latency_budget.and_then(|b| b.warn_ms) {
        Some(warn) => format!("latency {latency} over warn budget {warn} ms"),
        None => format!("latency {latency} over warn budget"),
    }
}

fn status_text(resp: &ResponseInfo) -> String {
    let mut text = format!("{} {}", resp.status, single_line(&resp.reason));
    text.truncate(text.trim_end().len());
    text
}

fn request_url(url: &str) -> String {
    single_line(&without_userinfo(url))
}

/// The start of the body (cut before sanitising, at a char boundary), with
/// `...[truncated N bytes]` counting everything not shown, including what the
/// executor already left out of the excerpt.
fn excerpt(resp: &ResponseInfo, max_bytes: usize) -> String {
    let text = &resp.body_excerpt;
    let cut = floor_char_boundary(text, max_bytes);
    let total = resp.body_bytes.max(text.len() as u64);
    let omitted = total - cut as u64;
    let shown = &text[..cut];
    let mut shown = if shown.contains('\r') {
        xml(&shown.replace("\r\n", "\n"))
    } else {
        xml(shown)
    };
    if omitted > 0 {
        let _ = write!(shown, "...[truncated {omitted} bytes]");
    }
    shown
}

/// Sanitised, on one line, capped: for attributes and one-line fields.
fn single_line(s: &str) -> String {
    xml_line(s, VALUE_MAX_CHARS)
}

#[cfg(test)]
mod tests;
mod write;
