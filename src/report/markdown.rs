//! The human integration report, in GitHub-flavoured Markdown: an overview table of
//! every integration, per-category details, critical failures, coverage. Everything is
//! computed from the results; nothing here knows about any particular product.

mod alerting;
mod changes;
mod next_steps;
mod phases;
mod summary;
#[cfg(test)]
mod tests;
mod text;
mod trends;

use std::fmt::Write as _;

use text::{cell, endpoint, exact, exact_cell, fenced, inline, known_endpoint, value, Marks};

use super::model::{self, Category, Group};
use super::sanitize::{clean, one_line};
use super::{date_of, host_port, percent};
use crate::compare::Changes;
use crate::results::render::{self, check_line};
use crate::results::{latency_text, CheckKind, CheckStatus, Outcome, RunResults, StepResult};

/// How the Markdown report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Emoji status markers (✅ ⚠️ ❌ 🔄); `false` writes `[PASS]`, `[SLOW]`, … instead.
    pub emoji: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions { emoji: true }
    }
}

/// The changes section alone, as `planrun compare` prints it.
pub fn render_changes(c: &Changes, opts: &MarkdownOptions) -> String {
    let mut out = String::new();
    changes::section(&mut out, c, Marks(opts.emoji));
    out
}

const DEFAULT_TITLE: &str = "Integration & Connector Test Report";
/// Long enough for a located message with its hint; bounded against hostile input.
const LOAD_ERROR_MAX_CHARS: usize = 2000;

/// Renders the integration report.
pub fn render(results: &RunResults, opts: &MarkdownOptions) -> String {
    render_with_changes(results, opts, None)
}

/// The integration report with a "Changes Since the Previous Run" section when
/// `changes` is given.
pub fn render_with_changes(
    results: &RunResults,
    opts: &MarkdownOptions,
    changes: Option<&Changes>,
) -> String {
    let context = model::Context {
        changes: changes.cloned(),
        ..model::Context::default()
    };
    render_in(results, opts, &context)
}

/// The integration report with what `context` adds: changes, trends.
pub fn render_in(results: &RunResults, opts: &MarkdownOptions, context: &model::Context) -> String {
    let integrations = model::integrations(results);
    let categories = model::categories(results);
    let m = Marks(opts.emoji);

    let mut out = String::new();
    header(&mut out, results);
    let changed = context.changes.as_ref().map(Changes::count);
    summary::section(&mut out, &model::summary::at_a_glance(results, changed), m);
    overview(&mut out, &integrations, m);
    if let Some(c) = &context.changes {
        changes::section(&mut out, c, m);
    }
    details(&mut out, results, &categories, m);
    let issues = model::issues(results);
    critical_failures(&mut out, &issues, m);
    coverage(&mut out, &integrations, &categories);
    if let Some(t) = &context.trends {
        trends::section(&mut out, t, m);
    }
    phases::results_by_phase(&mut out, results, m);
    alerting::section(&mut out, results, context.alerting.as_ref(), m);
    load_errors(&mut out, results);
    let next = model::next_steps::next_steps(results, &issues);
    next_steps::section(&mut out, &next, m);
    footer(&mut out, results, &integrations, issues.len(), next.count());
    out
}

// ---------------------------------------------------------------------------
// Sections

fn header(out: &mut String, r: &RunResults) {
    let run = &r.run;
    let title = run.title.as_deref().map(inline).filter(|t| !t.is_empty());
    let _ = writeln!(out, "# {}\n", title.as_deref().unwrap_or(DEFAULT_TITLE));
    let _ = writeln!(
        out,
        "**Test Date:** {}\n",
        inline(&date_of(&run.started_at))
    );
    let system = run.system.as_deref().map(inline).filter(|s| !s.is_empty());
    let _ = writeln!(out, "**System:** {}\n", system.as_deref().unwrap_or("—"));
    if let Some(env) = environment_line(r) {
        let _ = writeln!(out, "**Environment:** {env}\n");
    }
    suites_lines(out, r);
    if run.interrupted {
        out.push_str(
            "**Note:** the run was interrupted; steps not sent are reported as skipped.\n\n",
        );
    }
    out.push_str("---\n\n");
}

/// A run over several suites: each with its system, target and plans.
fn suites_lines(out: &mut String, r: &RunResults) {
    if r.run.suites.is_empty() {
        return;
    }
    out.push_str("**Suites:**\n\n");
    for suite in model::suite_lines(r) {
        let mut line = format!("- `{}`", suite.config.replace('`', "'"));
        if let Some(system) = &suite.system {
            line.push_str(&format!(" — {}", inline(system)));
        }
        if let Some(target) = &suite.target {
            line.push_str(&format!(" ({})", inline(target)));
        }
        let _ = writeln!(out, "{line}, {}", suite.plans);
    }
    out.push('\n');
}

/// `staging (api.example.com:8443)`, or whichever half is known.
fn environment_line(r: &RunResults) -> Option<String> {
    let env = r
        .run
        .environment
        .as_deref()
        .map(inline)
        .filter(|s| !s.is_empty());
    let target = r.run.target.as_deref().map(|t| inline(&host_port(t)));
    match (env, target) {
        (Some(e), Some(t)) => Some(format!("{e} ({t})")),
        (Some(e), None) => Some(e),
        (None, Some(t)) => Some(t),
        (None, None) => None,
    }
}

fn overview(out: &mut String, groups: &[Group], m: Marks) {
    out.push_str("## Integration Status Overview\n\n");
    if groups.is_empty() {
        out.push_str("No steps were run.\n\n");
        return;
    }
    out.push_str("| Integration | Status | Health | Notes |\n|---|---|---|---|\n");
    for g in groups {
        let status = g.status();
        let (status_text, health) = (status.connection(), g.health().label());
        let _ = writeln!(
            out,
            "| {} | {} {status_text} | {health} | {} |",
            cell(g.name),
            m.status(status),
            exact_cell(&model::notes(g))
        );
    }
    out.push('\n');
}

/// `📧 Email Integrations` when planrun.yaml's `report.categories` says so; the icon
/// only with emoji.
fn category_heading(r: &RunResults, name: &str, m: Marks) -> String {
    let label = r.run.categories.get(name);
    let title = label.and_then(|l| l.title.as_deref()).unwrap_or(name);
    match label.and_then(|l| l.icon.as_deref()).filter(|_| m.0) {
        Some(icon) => inline(&format!("{icon} {title}")),
        None => inline(title),
    }
}

fn details(out: &mut String, r: &RunResults, categories: &[Category], m: Marks) {
    out.push_str("## Detailed Integration Tests\n\n");
    for cat in categories {
        let _ = writeln!(out, "### {}\n", category_heading(r, cat.name, m));
        for g in &cat.integrations {
            let _ = writeln!(out, "#### {}\n", inline(g.name));
            fenced(out, &integration_block(g, m));
        }
    }
}

fn integration_block(g: &Group, m: Marks) -> String {
    let status = g.status();
    let word = status.word();
    let (sent, total) = g.endpoints();
    let mut b = format!(
        "Status: {} {word}\nEndpoints Tested: {sent}/{total}\nSteps Sent: {}/{}\n",
        m.status(status),
        g.sent(),
        g.steps.len()
    );
    for step in g.steps.iter().filter(|s| s.outcome.was_sent()) {
        b.push('\n');
        sent_step(&mut b, step, m);
    }
    for (outcome, label) in [
        (Outcome::NotTested, "Not Tested"),
        (Outcome::NotConfigured, "Not Configured"),
        (Outcome::Skipped, "Skipped"),
    ] {
        let steps: Vec<_> = g.steps.iter().filter(|s| s.outcome == outcome).collect();
        if steps.is_empty() {
            continue;
        }
        let _ = writeln!(b, "\n{} {label}:", m.outcome(outcome));
        for s in steps {
            // By name, as the plan says it, with where it would go when known.
            let what = match known_endpoint(s) {
                Some(e) => format!("{} — {e}", value(&s.name)),
                None => value(&s.name),
            };
            let _ = write!(b, "   - {what}");
            if let Some(reason) = s.message.as_deref().map(value).filter(|r| !r.is_empty()) {
                let _ = write!(b, "  ({reason})");
            }
            b.push('\n');
        }
    }
    b
}

/// One sent (or errored) step: endpoint, response, and the checks worth reading.
fn sent_step(b: &mut String, step: &StepResult, m: Marks) {
    // The step's name tells apart steps that share an endpoint.
    let name = value(&step.name);
    let _ = match known_endpoint(step) {
        Some(e) => writeln!(b, "{} {e} — {name}", m.outcome(step.outcome)),
        None => writeln!(b, "{} {name}", m.outcome(step.outcome)),
    };
    if let Some(resp) = &step.response {
        let _ = write!(
            b,
            "   Response: {} ({})",
            value(&format!("{} {}", resp.status, resp.reason)),
            latency_text(resp.latency_us)
        );
        if step.outcome == Outcome::Slow {
            let _ = write!(b, " {} over warn budget", m.outcome(Outcome::Slow));
            if let Some(warn) = step.latency_budget.and_then(|b| b.warn_ms) {
                let _ = write!(b, " {warn} ms");
            }
        }
        b.push('\n');
        if let Some(text) = render::charset_text(resp) {
            let _ = writeln!(b, "   Body: {}", value(&text));
        }
        // The certificate where the step checked it (HTML shows every one received).
        let checked_tls = step.checks.iter().any(|c| c.kind == CheckKind::Tls);
        if let (Some(cert), true) = (&resp.tls, checked_tls) {
            let _ = writeln!(
                b,
                "   Certificate: {}",
                value(&render::certificate_text(cert))
            );
        }
    }
    match step.outcome {
        Outcome::Passed | Outcome::Slow => {
            for c in step.checks.iter().filter(|c| c.status != CheckStatus::Fail) {
                if matches!(
                    c.kind,
                    CheckKind::Json | CheckKind::Header | CheckKind::Body
                ) {
                    let line = format!("{}: {}", c.subject, c.actual_text);
                    let _ = writeln!(b, "   {}", value(&line));
                }
            }
        }
        Outcome::Failed => {
            let failed: Vec<_> = step
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Fail)
                .collect();
            for c in &failed {
                let _ = writeln!(b, "   {}", value(&check_line(c)));
            }
            if failed.is_empty() {
                let _ = writeln!(
                    b,
                    "   {}",
                    value(step.message.as_deref().unwrap_or("failed"))
                );
            }
        }
        _ => {
            let _ = writeln!(
                b,
                "   Error: {}",
                value(step.message.as_deref().unwrap_or("error"))
            );
        }
    }
}

fn critical_failures(out: &mut String, issues: &[model::Issue], m: Marks) {
    out.push_str("## Critical Integration Failures\n\n");
    if issues.is_empty() {
        out.push_str("No critical failures.\n\n");
        return;
    }
    for (i, issue) in issues.iter().enumerate() {
        let (_, first) = issue.steps[0];
        let _ = writeln!(
            out,
            "### {}. {} {}\n",
            i + 1,
            m.outcome(first.outcome),
            inline(&issue.title())
        );
        let _ = writeln!(out, "**Priority:** {}\n", m.priority(issue.priority()));
        match issue.on_failure {
            Some(f) => {
                for (label, text) in [
                    ("Impact", &f.impact),
                    ("Fix Time", &f.fix_time),
                    ("Action", &f.action),
                ] {
                    if let Some(t) = text.as_deref().map(inline).filter(|t| !t.is_empty()) {
                        let _ = writeln!(out, "**{label}:** {t}\n");
                    }
                }
            }
            None => {
                let (plan, step) = issue.steps[0];
                let file = step.file.as_deref().unwrap_or(&plan.file);
                let _ = writeln!(
                    out,
                    "**Action:** triage it: add `on_failure` (priority, impact, action) to the step at {}:{}\n",
                    inline(file),
                    step.line
                );
            }
        }
        if let [(_, only)] = issue.steps.as_slice() {
            let failure = only.message.as_deref().unwrap_or("failed");
            let _ = writeln!(out, "**Failure:** {}\n", exact(failure));
        } else {
            out.push_str("**Failures:**\n\n");
            for (_, s) in &issue.steps {
                let failure = s.message.as_deref().unwrap_or("failed");
                let _ = writeln!(
                    out,
                    "- {} — {}: {}",
                    inline(&endpoint(s)),
                    inline(&s.name),
                    exact(failure)
                );
            }
            out.push('\n');
        }
    }
}

fn coverage(out: &mut String, groups: &[Group], categories: &[Category]) {
    out.push_str("## Integration Test Coverage\n\n");
    let c = model::coverage(groups);
    let totals = model::coverage_facts(&c);
    let mut b = aligned(&totals, "");
    if !categories.is_empty() {
        b.push_str("\nCoverage by Type:\n");
        let rows: Vec<(String, String)> = categories
            .iter()
            .map(|cat| (value(cat.name), model::category_coverage(cat).1))
            .collect();
        b.push_str(&aligned(&rows, "  "));
    }
    fenced(out, &b);
}

/// `label: value` lines with the values lined up.
fn aligned<L: AsRef<str>>(rows: &[(L, String)], indent: &str) -> String {
    let width = rows
        .iter()
        .map(|(l, _)| l.as_ref().chars().count() + 1)
        .max()
        .unwrap_or(0);
    let mut b = String::new();
    for (label, v) in rows {
        let label = format!("{}:", label.as_ref());
        let _ = writeln!(b, "{indent}{label:<width$} {v}", width = width);
    }
    b
}

fn load_errors(out: &mut String, r: &RunResults) {
    if r.load_errors.is_empty() {
        return;
    }
    out.push_str("## Plan Load Errors\n\n");
    // A fenced block keeps each message whole: the hint at its end is the useful part.
    let lines: Vec<String> = r
        .load_errors
        .iter()
        .map(|e| one_line(&clean(&e.to_string()), LOAD_ERROR_MAX_CHARS))
        .collect();
    fenced(out, &lines.join("\n"));
}

fn footer(out: &mut String, r: &RunResults, groups: &[Group], issues: usize, actions: usize) {
    out.push_str("---\n\n");
    let _ = writeln!(
        out,
        "**Test Completed:** {}\n",
        inline(&date_of(&r.run.finished_at))
    );
    if let Some(next) = r
        .run
        .next_review
        .as_deref()
        .map(inline)
        .filter(|n| !n.is_empty())
    {
        let _ = writeln!(out, "**Next Review:** {next}\n");
    }
    let c = model::coverage(groups);
    let partly = if c.partial > 0 {
        format!(" ({} only partly)", c.partial)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "**Test Coverage:** {}% of integrations{partly}, {}% of steps sent\n",
        percent(c.tested, c.total),
        percent(c.steps_sent, c.steps_total)
    );
    // The number of items the failures section lists, triaged or not.
    let _ = writeln!(out, "**Critical Issues:** {issues}\n");
    let _ = writeln!(out, "**Action Items:** {actions}");
}
