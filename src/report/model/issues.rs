//! Critical issues: failed steps with an `on_failure`, one issue per distinct
//! `on_failure` (one cause, one action), most urgent first.

use super::integration_of;
use crate::results::{OnFailure, PlanResult, Priority, RunResults, StepResult};

/// Failing steps that share one `on_failure`.
pub struct Issue<'a> {
    pub on_failure: &'a OnFailure,
    /// In run order; never empty.
    pub steps: Vec<(&'a PlanResult, &'a StepResult)>,
}

impl<'a> Issue<'a> {
    /// The integrations the issue touches, in first-seen order.
    pub fn integrations(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = Vec::new();
        for (p, s) in &self.steps {
            let name = integration_of(p, s);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// `Integration: step` for one step, `A, B (3 steps)` for several.
    pub fn title(&self) -> String {
        match self.steps.as_slice() {
            [(plan, step)] => format!("{}: {}", integration_of(plan, step), step.name),
            steps => format!("{} ({} steps)", self.integrations().join(", "), steps.len()),
        }
    }
}

/// The issues of a run, by priority; run order is kept within a priority.
pub fn issues(r: &RunResults) -> Vec<Issue<'_>> {
    let mut issues: Vec<Issue> = Vec::new();
    for (plan, step) in r
        .plans
        .iter()
        .flat_map(|p| p.steps.iter().map(move |s| (p, s)))
    {
        let Some(f) = step
            .on_failure
            .as_ref()
            .filter(|_| step.outcome.is_failure())
        else {
            continue;
        };
        match issues.iter_mut().find(|i| i.on_failure == f) {
            Some(issue) => issue.steps.push((plan, step)),
            None => issues.push(Issue {
                on_failure: f,
                steps: vec![(plan, step)],
            }),
        }
    }
    issues.sort_by_key(|i| i.on_failure.priority);
    issues
}

/// Failed steps whose `on_failure` priority is critical or high.
pub fn critical_count(r: &RunResults) -> usize {
    r.plans
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.outcome.is_failure())
        .filter(|s| {
            s.on_failure
                .as_ref()
                .is_some_and(|f| matches!(f.priority, Priority::Critical | Priority::High))
        })
        .count()
}
