//! The report's sections, in the Markdown report's order and wording: the same model
//! ([`crate::report::model`]) and the same renderer of outcomes, laid out as HTML.

use std::fmt::Write as _;

use super::escape::{text, value};
use super::svg;
use crate::report::model::{self, Category, Group, Status};
use crate::report::{date_of, host_port, percent};
use crate::results::render;
use crate::results::{Outcome, Priority, RunResults, StepResult, Summary};

/// Emoji or plain-text markers, as [`crate::results::render`] defines them.
#[derive(Clone, Copy)]
pub(super) struct Marks(pub(super) bool);

impl Marks {
    pub(super) fn outcome(self, o: Outcome) -> String {
        format!(
            "<span class=\"o-{}\">{}</span>",
            o.token(),
            render::mark(o, self.0)
        )
    }

    fn status(self, s: Status) -> String {
        format!(
            "<span class=\"s-{}\">{}</span>",
            status_token(s),
            s.mark(self.0)
        )
    }

    pub(super) fn priority(self, p: Option<Priority>) -> String {
        text(&render::issue_priority(p, self.0))
    }
}

fn status_token(s: Status) -> &'static str {
    match s {
        Status::Operational => "operational",
        Status::Slow => "slow",
        Status::Partial => "partial",
        Status::Failing => "failing",
        Status::NotConfigured => "not-configured",
        Status::NotTested => "not-tested",
    }
}

/// `METHOD /path`, escaped; empty for a pending step written without a request or a
/// URL whose template was never rendered (see [`model::known_endpoint`]).
pub(super) fn endpoint(step: &StepResult) -> String {
    model::known_endpoint(step)
        .map(|e| value(&e).trim().to_string())
        .unwrap_or_default()
}

pub(super) fn header(out: &mut String, r: &RunResults, title: &str) {
    let run = &r.run;
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<dl class=\"facts\">",
        text(title)
    );
    let system = run.system.as_deref().filter(|s| !s.trim().is_empty());
    fact(out, "Test Date", &text(&date_of(&run.started_at)));
    fact(out, "System", &text(system.unwrap_or("—")));
    let env = run.environment.as_deref().filter(|s| !s.trim().is_empty());
    let target = run.target.as_deref().map(host_port);
    let environment = match (env, target) {
        (Some(e), Some(t)) => Some(format!("{e} ({t})")),
        (Some(e), None) => Some(e.to_string()),
        (None, Some(t)) => Some(t),
        (None, None) => None,
    };
    if let Some(e) = environment {
        fact(out, "Environment", &text(&e));
    }
    out.push_str("</dl>\n");
    suites(out, r);
    if run.interrupted {
        out.push_str(
            "<p class=\"note\"><strong>Note:</strong> the run was interrupted; steps not \
             sent are reported as skipped.</p>\n",
        );
    }
    out.push_str("</header>\n");
}

/// A run over several suites: each with its system, target and plans.
fn suites(out: &mut String, r: &RunResults) {
    if r.run.suites.is_empty() {
        return;
    }
    out.push_str("<p><strong>Suites:</strong></p>\n<ul>\n");
    for suite in model::suite_lines(r) {
        let _ = write!(out, "<li><code>{}</code>", text(&suite.config));
        if let Some(system) = &suite.system {
            let _ = write!(out, " — {}", text(system));
        }
        if let Some(target) = &suite.target {
            let _ = write!(out, " ({})", text(target));
        }
        let _ = writeln!(out, ", {}</li>", suite.plans);
    }
    out.push_str("</ul>\n");
}

pub(super) fn fact(out: &mut String, label: &str, html: &str) {
    let _ = writeln!(out, "<dt>{label}</dt><dd>{html}</dd>");
}

/// The overview table, the outcome totals as a chart, and the filter buttons (shown
/// once the script runs; without it every step stays visible).
pub(super) fn overview(out: &mut String, r: &RunResults, groups: &[Group], m: Marks) {
    out.push_str("<section id=\"overview\">\n<h2>Integration Status Overview</h2>\n");
    if groups.is_empty() {
        out.push_str("<p>No steps were run.</p>\n</section>\n");
        return;
    }
    let summary = r.summary();
    svg::outcome_totals(out, &summary, m.0);
    filter_buttons(out, &summary);
    out.push_str(
        "<table>\n<thead><tr><th>Integration</th><th>Status</th><th>Health</th>\
         <th>Notes</th></tr></thead>\n<tbody>\n",
    );
    for g in groups {
        let status = g.status();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
            text(g.name),
            m.status(status),
            status.connection(),
            g.health().label(),
            value(&model::notes(g))
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn filter_buttons(out: &mut String, s: &Summary) {
    let not_run = s.not_tested + s.not_configured + s.skipped;
    let buttons = [
        ("all", "All", s.total),
        ("failed error", "Failing", s.failed + s.errors),
        ("slow", "Slow", s.slow),
        ("passed", "Passed", s.passed),
        ("not_tested not_configured skipped", "Not run", not_run),
    ];
    out.push_str("<nav class=\"filter\" id=\"filter\" hidden=\"\" aria-label=\"Show steps\">");
    for (show, label, n) in buttons {
        if n == 0 && show != "all" {
            continue;
        }
        let _ = write!(
            out,
            "<button type=\"button\" data-show=\"{show}\">{label} ({n})</button>"
        );
    }
    out.push_str("</nav>\n");
}

pub(super) fn details(out: &mut String, r: &RunResults, categories: &[Category], m: Marks) {
    out.push_str("<section id=\"details\">\n<h2>Detailed Integration Tests</h2>\n");
    for cat in categories {
        let label = r.run.categories.get(cat.name);
        let title = label.and_then(|l| l.title.as_deref()).unwrap_or(cat.name);
        let heading = match label.and_then(|l| l.icon.as_deref()).filter(|_| m.0) {
            Some(icon) => format!("{icon} {title}"),
            None => title.to_string(),
        };
        let _ = writeln!(out, "<h3>{}</h3>", text(&heading));
        for g in &cat.integrations {
            integration(out, g, m);
        }
    }
    out.push_str("</section>\n");
}

fn integration(out: &mut String, g: &Group, m: Marks) {
    let status = g.status();
    let (sent, total) = g.endpoints();
    let _ = writeln!(
        out,
        "<h4>{}</h4>\n<p>Status: {} {} · Endpoints Tested: {sent}/{total} · Steps Sent: \
         {}/{}</p>",
        text(g.name),
        m.status(status),
        status.word(),
        g.sent(),
        g.steps.len()
    );
    for step in &g.steps {
        super::step::details(out, step, m);
    }
}

pub(super) fn critical_failures(out: &mut String, issues: &[model::Issue], m: Marks) {
    out.push_str("<section id=\"critical\">\n<h2>Critical Integration Failures</h2>\n");
    if issues.is_empty() {
        out.push_str("<p>No critical failures.</p>\n</section>\n");
        return;
    }
    for (i, issue) in issues.iter().enumerate() {
        let (_, first) = issue.steps[0];
        let _ = writeln!(
            out,
            "<article data-outcome=\"{}\">\n<h3>{}. {} {}</h3>\n<dl class=\"facts\">",
            first.outcome.token(),
            i + 1,
            m.outcome(first.outcome),
            text(&issue.title())
        );
        fact(out, "Priority", &m.priority(issue.priority()));
        match issue.on_failure {
            Some(f) => {
                for (label, t) in [
                    ("Impact", &f.impact),
                    ("Fix Time", &f.fix_time),
                    ("Action", &f.action),
                ] {
                    if let Some(t) = t.as_deref().filter(|t| !t.trim().is_empty()) {
                        fact(out, label, &text(t));
                    }
                }
            }
            None => {
                let (plan, step) = issue.steps[0];
                let file = step.file.as_deref().unwrap_or(&plan.file);
                let action = format!(
                    "triage it: add <code>on_failure</code> (priority, impact, action) to \
                     the step at {}:{}",
                    text(file),
                    step.line
                );
                fact(out, "Action", &action);
            }
        }
        out.push_str("</dl>\n<ul>\n");
        for (_, s) in &issue.steps {
            let failure = s.message.as_deref().unwrap_or("failed");
            let _ = writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                endpoint(s),
                value(failure)
            );
        }
        out.push_str("</ul>\n</article>\n");
    }
    out.push_str("</section>\n");
}

pub(super) fn coverage(out: &mut String, groups: &[Group], categories: &[Category]) {
    out.push_str("<section id=\"coverage\">\n<h2>Integration Test Coverage</h2>\n");
    let c = model::coverage(groups);
    out.push_str("<dl class=\"facts\">");
    for (label, v) in model::coverage_facts(&c) {
        fact(out, label, &v);
    }
    out.push_str("</dl>\n");
    if !categories.is_empty() {
        out.push_str("<h3>Coverage by Type</h3>\n");
        let rows: Vec<svg::Bar> = categories
            .iter()
            .map(|cat| {
                let (share, note) = model::category_coverage(cat);
                svg::Bar {
                    label: cat.name.to_string(),
                    value: share as f64,
                    note,
                }
            })
            .collect();
        svg::percent_bars(out, "Steps sent by category", &rows);
    }
    out.push_str("</section>\n");
}

pub(super) fn results_by_phase(out: &mut String, r: &RunResults, m: Marks) {
    let phases = model::phases(r);
    if phases.is_empty() {
        return;
    }
    out.push_str("<section id=\"phases\">\n<h2>Results by Phase</h2>\n");
    for phase in phases {
        let s = phase.summary();
        let plan = &phase.plan.name;
        let heading = if phase.name == plan {
            text(plan)
        } else {
            format!("{} — {}", text(plan), text(phase.name))
        };
        let _ = writeln!(
            out,
            "<h3>{heading}</h3>\n<p>{}</p>\n<ol>",
            text(&model::phase_result(&s))
        );
        for step in &phase.steps {
            let what = endpoint(step);
            let _ = write!(
                out,
                "<li data-outcome=\"{}\">{} ",
                step.outcome.token(),
                m.outcome(step.outcome)
            );
            if !what.is_empty() {
                let _ = write!(out, "<code>{what}</code> — ");
            }
            out.push_str(&text(&step.name));
            if step.attempts > 1 {
                let _ = write!(out, " ({} attempts)", step.attempts);
            }
            if step.outcome != Outcome::Passed {
                if let Some(msg) = &step.message {
                    let _ = write!(out, "<br/><span class=\"meta\">{}</span>", value(msg));
                }
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
}

/// Each `alerting:` rule with its value and state, the latency budgets (one row per
/// budget), and every budgeted step's latency against them, as the Markdown has them.
pub(super) fn alerting_thresholds(
    out: &mut String,
    r: &RunResults,
    alerting: Option<&model::alerting::Alerting>,
    m: Marks,
) {
    let budgets = model::alerting::budget_groups(r);
    let rows = alerting.map_or(&[][..], |a| &a.rows[..]);
    if budgets.is_empty() && rows.is_empty() {
        return;
    }
    out.push_str("<section id=\"thresholds\">\n<h2>Alerting Thresholds</h2>\n");
    if let Some(a) = alerting.filter(|a| !a.rows.is_empty()) {
        out.push_str(if a.from_history {
            "<p>The rules of planrun.yaml, over the runs of the history (this one included).</p>\n"
        } else {
            "<p>No history: each rule is evaluated on this run alone. Record runs with \
             <code>--history FILE</code> to follow the rates over weeks.</p>\n"
        });
        out.push_str(
            "<table>\n<thead><tr><th>Rule</th><th>Watches</th><th>Measure</th><th>Warning</th>\
             <th>Critical</th><th>Now</th><th>Window</th><th>State</th></tr></thead>\n<tbody>\n",
        );
        for row in rows {
            out.push_str("<tr>");
            for c in model::alerting_text::rule_cells(row, m.0) {
                let _ = write!(out, "<td>{}</td>", text(&c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if budgets.is_empty() {
        out.push_str("</section>\n");
        return;
    }
    out.push_str(
        "<h3>Latency Budgets</h3>\n<table>\n<thead><tr><th>Warning</th><th>Critical</th>\
         <th>Steps</th><th>Held by</th></tr></thead>\n<tbody>\n",
    );
    for g in &budgets {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            text(&model::budget_limit(g.warn_ms)),
            text(&model::budget_limit(g.fail_ms)),
            g.steps,
            text(&g.held_by())
        );
    }
    out.push_str("</tbody>\n</table>\n<h3>Response Time per Step</h3>\n");
    let all = model::alerting::budgeted_latencies(r);
    let steps: Vec<svg::LatencyRow> = all
        .iter()
        .take(model::LATENCY_STEPS_SHOWN)
        .map(|b| svg::LatencyRow {
            label: format!("{}: {}", model::integration_of(b.plan, b.step), b.step.name),
            outcome: b.step.outcome,
            latency_ms: b.latency_ms,
            warn_ms: b.warn_ms,
            fail_ms: b.fail_ms,
        })
        .collect();
    svg::latency_bars(out, &steps);
    if all.len() > steps.len() {
        let _ = writeln!(
            out,
            "<p>The {} steps nearest their budget; the other {} stayed further from it.</p>",
            steps.len(),
            all.len() - steps.len()
        );
    }
    out.push_str("</section>\n");
}

pub(super) fn load_errors(out: &mut String, r: &RunResults) {
    if r.load_errors.is_empty() {
        return;
    }
    out.push_str("<section id=\"load-errors\">\n<h2>Plan Load Errors</h2>\n<pre>");
    for e in &r.load_errors {
        let _ = writeln!(out, "{}", text(&e.to_string()));
    }
    out.push_str("</pre>\n</section>\n");
}

pub(super) fn footer(
    out: &mut String,
    r: &RunResults,
    groups: &[Group],
    issues: usize,
    actions: usize,
) {
    out.push_str("<footer>\n<dl class=\"facts\">");
    fact(out, "Test Completed", &text(&date_of(&r.run.finished_at)));
    if let Some(next) = r
        .run
        .next_review
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        fact(out, "Next Review", &text(next));
    }
    let c = model::coverage(groups);
    let partly = if c.partial > 0 {
        format!(" ({} only partly)", c.partial)
    } else {
        String::new()
    };
    let coverage = format!(
        "{}% of integrations{partly}, {}% of steps sent",
        percent(c.tested, c.total),
        percent(c.steps_sent, c.steps_total)
    );
    fact(out, "Test Coverage", &coverage);
    // The number of items the failures section lists, triaged or not.
    fact(out, "Critical Issues", &issues.to_string());
    fact(out, "Action Items", &actions.to_string());
    out.push_str("</dl>\n</footer>\n");
}
