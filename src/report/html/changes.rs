//! "Changes Since the Previous Run": renders a [`Changes`] computed elsewhere
//! ([`crate::compare`]), as the Markdown report does; nothing here decides what changed.

use std::fmt::Write as _;

use super::escape::text;
use super::sections::Marks;
use crate::compare::{Changes, LatencyChange, OutcomeChange, StepRef};
use crate::report::date_of;
use crate::report::model::changes_counts;

pub(super) fn section(out: &mut String, c: &Changes, m: Marks) {
    out.push_str("<section id=\"changes\">\n<h2>Changes Since the Previous Run</h2>\n");
    let mut against = format!(
        "Compared with the run of {}",
        text(&date_of(&c.baseline_started_at))
    );
    if let Some(commit) = &c.baseline_commit {
        let short: String = commit.chars().take(12).collect();
        let _ = write!(against, " (commit <code>{}</code>)", text(&short));
    }
    let _ = writeln!(out, "<p>{against}.</p>");
    if c.count() == 0 {
        out.push_str(
            "<p>No changes: every step has the same outcome, latency within thresholds.</p>\n",
        );
    } else {
        let counts = changes_counts(c);
        let _ = writeln!(out, "<p><strong>{}.</strong></p>", text(&counts));
        outcome_table(out, "Regressions", &c.regressions, true, m);
        outcome_table(out, "Recoveries", &c.recoveries, true, m);
        outcome_table(out, "Newly Slow", &c.newly_slow, false, m);
        outcome_table(out, "Coverage Changes", &c.coverage_changes, false, m);
        step_list(out, "New Steps", &c.added, m);
        step_list(out, "Removed Steps", &c.removed, m);
        latency_table(out, &c.latency);
        if !c.integrations.is_empty() {
            out.push_str(
                "<h3>Integration Status Changes</h3>\n<table>\n<thead><tr><th>Integration</th>\
                 <th>Before</th><th>Now</th></tr></thead>\n<tbody>\n",
            );
            for i in &c.integrations {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    text(&i.integration),
                    i.from.label(),
                    i.to.label()
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
    }
    let (b, now) = (c.coverage_before, c.coverage_now);
    let _ = writeln!(
        out,
        "<p>Coverage: {} of {} steps sent, was {} of {}.</p>\n</section>",
        now.sent, now.total, b.sent, b.total
    );
}

fn outcome_table(out: &mut String, title: &str, rows: &[OutcomeChange], kind: bool, m: Marks) {
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h3>{title}</h3>\n<table>\n<thead><tr><th>Step</th><th>Plan</th><th>Before</th>\
         <th>Now</th>{}</tr></thead>\n<tbody>\n",
        if kind { "<th>Why</th>" } else { "" }
    );
    for r in rows {
        let _ = write!(
            out,
            "<tr data-outcome=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            r.to.token(),
            text(&r.name),
            text(&r.plan),
            m.outcome(r.from),
            m.outcome(r.to)
        );
        if kind {
            let why = r
                .error_kind
                .map_or_else(|| "—".to_string(), |k| k.junit_type());
            let _ = write!(out, "<td>{}</td>", text(&why));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn step_list(out: &mut String, title: &str, rows: &[StepRef], m: Marks) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h3>{title}</h3>\n<ul>");
    for r in rows {
        let _ = writeln!(
            out,
            "<li data-outcome=\"{}\">{} {} ({})</li>",
            r.outcome.token(),
            m.outcome(r.outcome),
            text(&r.name),
            text(&r.plan)
        );
    }
    out.push_str("</ul>\n");
}

fn latency_table(out: &mut String, rows: &[LatencyChange]) {
    if rows.is_empty() {
        return;
    }
    out.push_str(
        "<h3>Latency Changes</h3>\n<table>\n<thead><tr><th>Step</th><th>Plan</th>\
         <th>Change</th></tr></thead>\n<tbody>\n",
    );
    for r in rows {
        let delta = (r.delta_us() as f64 / 1000.0).round() as i64;
        let sign = if delta >= 0 { "+" } else { "−" };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{sign}{} ms, {} → {} ms</td></tr>",
            text(&r.name),
            text(&r.plan),
            delta.unsigned_abs(),
            (r.from_us + 500) / 1000,
            (r.to_us + 500) / 1000
        );
    }
    out.push_str("</tbody>\n</table>\n");
}
