//! "Results by Phase" and "Alerting Thresholds": how the run went phase by phase, and
//! the latency budgets the plans hold the integrations to.

use std::fmt::Write as _;

use super::model::category_of;
use super::text::{endpoint, fenced, inline, value, Marks};
use crate::results::{Outcome, PlanResult, RunResults, StepResult, Summary};

/// One block per phase, in plan order: a numbered list of its steps with their outcome.
pub(super) fn results_by_phase(out: &mut String, r: &RunResults, m: Marks) {
    let phases: Vec<(&PlanResult, &str, Vec<&StepResult>)> = r
        .plans
        .iter()
        .flat_map(|plan| {
            phases_of(plan)
                .into_iter()
                .map(move |(name, steps)| (plan, name, steps))
        })
        .collect();
    if phases.is_empty() {
        return;
    }
    out.push_str("## Results by Phase\n\n");
    for (plan, phase, steps) in phases {
        let s = Summary::of_steps(steps.iter().copied());
        // Phase names are the plan's own ("Phase 1: OAuth flows"): shown as written.
        let heading = if phase == plan.name {
            inline(&plan.name)
        } else {
            format!("{} — {}", inline(&plan.name), inline(phase))
        };
        let _ = writeln!(
            out,
            "### {heading}\n\n{} of {} steps passed{}\n",
            s.passed + s.slow,
            s.total,
            tail(&s)
        );
        let lines: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| step_line(i + 1, step, m))
            .collect();
        fenced(out, &lines.join("\n"));
    }
}

fn tail(s: &Summary) -> String {
    let mut parts = Vec::new();
    for (n, what) in [
        (s.slow, "slow"),
        (s.failed + s.errors, "failing"),
        (s.not_tested, "not tested"),
        (s.not_configured, "not configured"),
        (s.skipped, "skipped"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn step_line(n: usize, step: &StepResult, m: Marks) -> String {
    let icon = m.outcome(step.outcome);
    let name = value(&step.name);
    // A pending step written without a request is listed by name alone.
    let mut line = match endpoint(step) {
        e if e.trim().is_empty() => format!("{n}. {icon} {name}"),
        e => format!("{n}. {icon} {e} — {name}"),
    };
    if step.attempts > 1 {
        let _ = write!(line, " ({} attempts)", step.attempts);
    }
    if !matches!(step.outcome, Outcome::Passed) {
        if let Some(msg) = &step.message {
            let _ = write!(line, "\n   {}", value(msg));
        }
    }
    line
}

/// Steps grouped by phase name, phases in order of first appearance.
fn phases_of(plan: &PlanResult) -> Vec<(&str, Vec<&StepResult>)> {
    let mut phases: Vec<(&str, Vec<&StepResult>)> = Vec::new();
    for step in &plan.steps {
        match phases.iter_mut().find(|(name, _)| *name == step.phase) {
            Some((_, steps)) => steps.push(step),
            None => phases.push((&step.phase, vec![step])),
        }
    }
    phases
}

/// The latency budgets in force, by category (split by integration when a category
/// holds several budgets), as the alerting thresholds a monitor would use.
pub(super) fn alerting_thresholds(out: &mut String, r: &RunResults) {
    // (category, warn ms, fail ms, integrations holding that budget)
    type Budget = (String, Option<u64>, Option<u64>, Vec<String>);
    let mut budgets: Vec<Budget> = Vec::new();
    for plan in &r.plans {
        for step in &plan.steps {
            let Some(b) = step.latency_budget else {
                continue;
            };
            if b.warn_ms.is_none() && b.fail_ms.is_none() {
                continue;
            }
            let category = category_of(plan, step).to_string();
            let integration = super::model::integration_of(plan, step).to_string();
            match budgets
                .iter_mut()
                .find(|(c, w, f, _)| *c == category && *w == b.warn_ms && *f == b.fail_ms)
            {
                Some((_, _, _, names)) => {
                    if !names.contains(&integration) {
                        names.push(integration);
                    }
                }
                None => budgets.push((category, b.warn_ms, b.fail_ms, vec![integration])),
            }
        }
    }
    if budgets.is_empty() {
        return;
    }
    out.push_str("## Alerting Thresholds\n\n");
    let mut rows: Vec<(String, String)> = Vec::new();
    for (category, warn, fail, names) in &budgets {
        let shared = budgets.iter().filter(|(c, ..)| c == category).count() > 1;
        let label = if shared {
            format!("{category} ({}) Response Time", names.join(", "))
        } else {
            format!("{category} Response Time")
        };
        let mut first = true;
        for (limit, what) in [(warn, "Warning"), (fail, "Critical")] {
            if let Some(ms) = limit {
                let l = if first { value(&label) } else { String::new() };
                rows.push((l, format!("> {ms}ms = {what}")));
                first = false;
            }
        }
    }
    let width = rows
        .iter()
        .map(|(l, _)| l.chars().count() + 1)
        .max()
        .unwrap_or(0);
    let lines: Vec<String> = rows
        .iter()
        .map(|(l, v)| {
            let label = if l.is_empty() {
                String::new()
            } else {
                format!("{l}:")
            };
            format!("{label:<width$} {v}")
        })
        .collect();
    fenced(out, &lines.join("\n"));
}
