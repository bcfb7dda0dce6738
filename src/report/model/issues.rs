//! Critical issues: every failed or errored step is in one. Steps whose plan triaged
//! them (`on_failure`) share one issue per distinct `on_failure` (one cause, one
//! action), most urgent first; a failing step without `on_failure` is an issue of its
//! own, untriaged (priority unknown), after the triaged ones.

use super::integration_of;
use crate::results::{OnFailure, PlanResult, Priority, RunResults, StepResult};

/// Failing steps that share one `on_failure`, or one untriaged failing step.
pub struct Issue<'a> {
    /// What the plan says to do about it; `None` when the step has no `on_failure`
    /// (untriaged: priority unknown).
    pub on_failure: Option<&'a OnFailure>,
    /// In run order; never empty.
    pub steps: Vec<(&'a PlanResult, &'a StepResult)>,
}

impl<'a> Issue<'a> {
    /// The triaged priority; `None` for an untriaged failure.
    pub fn priority(&self) -> Option<Priority> {
        self.on_failure.map(|f| f.priority)
    }

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

/// The issues of a run: the triaged ones by priority, then the untriaged ones; run
/// order is kept within a priority. Every failed or errored step is in exactly one.
pub fn issues(r: &RunResults) -> Vec<Issue<'_>> {
    let mut triaged: Vec<Issue> = Vec::new();
    let mut untriaged: Vec<Issue> = Vec::new();
    for (plan, step) in r
        .plans
        .iter()
        .flat_map(|p| p.steps.iter().map(move |s| (p, s)))
        .filter(|(_, s)| s.outcome.is_failure())
    {
        let Some(f) = step.on_failure.as_ref() else {
            untriaged.push(Issue {
                on_failure: None,
                steps: vec![(plan, step)],
            });
            continue;
        };
        match triaged.iter_mut().find(|i| i.on_failure == Some(f)) {
            Some(issue) => issue.steps.push((plan, step)),
            None => triaged.push(Issue {
                on_failure: Some(f),
                steps: vec![(plan, step)],
            }),
        }
    }
    triaged.sort_by_key(|i| i.priority());
    triaged.extend(untriaged);
    triaged
}
