//! "Changes Since the Previous Run": renders a [`Changes`] computed elsewhere
//! ([`crate::compare`]); nothing here decides what changed.

use std::fmt::Write as _;

use super::text::{cell, inline, Marks};
use crate::compare::{Changes, LatencyChange, OutcomeChange, StepRef};
use crate::report::date_of;
use crate::report::model::changes_counts;

pub(super) fn section(out: &mut String, c: &Changes, m: Marks) {
    out.push_str("## Changes Since the Previous Run\n\n");
    let mut against = format!(
        "Compared with the run of {}",
        inline(&date_of(&c.baseline_started_at))
    );
    if let Some(commit) = &c.baseline_commit {
        let short: String = commit.chars().take(12).collect();
        let _ = write!(against, " (commit `{}`)", inline(&short).replace('`', ""));
    }
    let _ = writeln!(out, "{against}.\n");
    if c.count() == 0 {
        out.push_str("No changes: every step has the same outcome, latency within thresholds.\n\n");
        coverage_line(out, c);
        return;
    }
    let _ = writeln!(out, "**{}.**\n", changes_counts(c));
    outcome_table(out, "Regressions", &c.regressions, "Failure", m);
    outcome_table(out, "Recoveries", &c.recoveries, "Was failing with", m);
    outcome_table(out, "Newly Slow", &c.newly_slow, "", m);
    outcome_table(out, "Coverage Changes", &c.coverage_changes, "", m);
    step_list(out, "New Steps", &c.added, m);
    step_list(out, "Removed Steps", &c.removed, m);
    latency_table(out, &c.latency);
    if !c.integrations.is_empty() {
        out.push_str(
            "### Integration Status Changes\n\n| Integration | Before | Now |\n|---|---|---|\n",
        );
        for i in &c.integrations {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&i.integration),
                i.from.label(),
                i.to.label()
            );
        }
        out.push('\n');
    }
    coverage_line(out, c);
}

fn coverage_line(out: &mut String, c: &Changes) {
    let (b, n) = (c.coverage_before, c.coverage_now);
    let _ = writeln!(
        out,
        "Coverage: {} of {} steps sent, was {} of {}.\n",
        n.sent, n.total, b.sent, b.total
    );
}

fn outcome_table(out: &mut String, title: &str, rows: &[OutcomeChange], why: &str, m: Marks) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title}\n");
    if why.is_empty() {
        out.push_str("| Step | Plan | Before | Now |\n|---|---|---|---|\n");
    } else {
        let _ = writeln!(
            out,
            "| Step | Plan | Before | Now | {why} |\n|---|---|---|---|---|"
        );
    }
    for r in rows {
        let _ = write!(
            out,
            "| {} | {} | {} | {} |",
            cell(&r.name),
            cell(&r.plan),
            m.outcome(r.from),
            m.outcome(r.to)
        );
        if !why.is_empty() {
            let kind = r
                .error_kind
                .map_or_else(|| "—".to_string(), |k| k.junit_type());
            let _ = write!(out, " {} |", cell(&kind));
        }
        out.push('\n');
    }
    out.push('\n');
}

fn step_list(out: &mut String, title: &str, rows: &[StepRef], m: Marks) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title}\n");
    for r in rows {
        let _ = writeln!(
            out,
            "- {} {} ({})",
            m.outcome(r.outcome),
            inline(&r.name),
            inline(&r.plan)
        );
    }
    out.push('\n');
}

fn latency_table(out: &mut String, rows: &[LatencyChange]) {
    if rows.is_empty() {
        return;
    }
    out.push_str("### Latency Changes\n\n| Step | Plan | Change |\n|---|---|---|\n");
    for r in rows {
        let delta = (r.delta_us() as f64 / 1000.0).round() as i64;
        let sign = if delta >= 0 { "+" } else { "−" };
        let _ = writeln!(
            out,
            "| {} | {} | {sign}{} ms, {} → {} ms |",
            cell(&r.name),
            cell(&r.plan),
            delta.unsigned_abs(),
            ms(r.from_us),
            ms(r.to_us)
        );
    }
    out.push('\n');
}

/// Microseconds as whole milliseconds, rounded.
fn ms(us: u64) -> u64 {
    (us + 500) / 1000
}
