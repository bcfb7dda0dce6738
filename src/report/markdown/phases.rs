//! "Results by Phase": how the run went phase by phase.

use std::fmt::Write as _;

use super::text::{fenced, inline, known_endpoint, value, Marks};
use crate::report::model;
use crate::results::{Outcome, RunResults, StepResult};

/// One block per phase, in plan order: a numbered list of its steps with their outcome.
pub(super) fn results_by_phase(out: &mut String, r: &RunResults, m: Marks) {
    let phases = model::phases(r);
    if phases.is_empty() {
        return;
    }
    out.push_str("## Results by Phase\n\n");
    for phase in phases {
        let s = phase.summary();
        let plan = &phase.plan.name;
        // Phase names are the plan's own ("Phase 1: OAuth flows"): shown as written.
        let heading = if phase.name == plan {
            inline(plan)
        } else {
            format!("{} — {}", inline(plan), inline(phase.name))
        };
        let _ = writeln!(out, "### {heading}\n\n{}\n", model::phase_result(&s));
        let mut lines = String::new();
        for (i, step) in phase.steps.iter().enumerate() {
            if i > 0 {
                lines.push('\n');
            }
            step_line(&mut lines, i + 1, step, m);
        }
        fenced(out, &lines);
    }
}

fn step_line(line: &mut String, n: usize, step: &StepResult, m: Marks) {
    let icon = m.outcome(step.outcome);
    let name = value(&step.name);
    // A pending step written without a request is listed by name alone.
    let _ = match known_endpoint(step) {
        None => write!(line, "{n}. {icon} {name}"),
        Some(e) => write!(line, "{n}. {icon} {e} — {name}"),
    };
    if step.attempts > 1 {
        let _ = write!(line, " ({} attempts)", step.attempts);
    }
    if !matches!(step.outcome, Outcome::Passed) {
        if let Some(msg) = &step.message {
            let _ = write!(line, "\n   {}", value(msg));
        }
    }
}
