//! The report model: what a human report says, computed from the results alone —
//! steps grouped by integration and category, each group's health and status,
//! coverage, the critical issues, the phases and the latency budgets. The Markdown
//! writer formats it; an HTML writer or a monitor would read the same model.

use std::collections::HashSet;

pub mod alerting;
pub mod alerting_text;
mod context;
mod issues;
pub mod next_steps;
mod phases;
pub mod summary;
pub mod trends;
mod words;

pub use context::Context;
pub use issues::{issues, Issue};
pub use phases::{budgets, phases, Budget, Phase};
pub use words::{
    budget_limit, category_coverage, changes_counts, count, coverage_facts, glance_timing,
    glance_totals, glance_verdict, notes, phase_result, sent_note, suite_lines, SuiteLine,
};

use crate::results::{Outcome, PlanResult, RunResults, StepResult};

/// How many budgeted steps a latency table or chart shows, those nearest their budget
/// first (the Markdown and the HTML report alike); the rest are counted in a line.
pub const LATENCY_STEPS_SHOWN: usize = 10;

/// Steps of one integration, in run order (possibly restricted to one category).
pub struct Group<'a> {
    pub name: &'a str,
    pub steps: Vec<&'a StepResult>,
}

/// Steps of one category, grouped by integration in first-seen order.
pub struct Category<'a> {
    pub name: &'a str,
    pub integrations: Vec<Group<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Every step was sent and passed within its warn budget.
    Healthy,
    /// Every sent step passed within its warn budget, but not every step was sent
    /// (not configured, not tested, skipped): only part of the integration is known.
    Partial,
    /// Every sent step passed, some over the warn budget.
    Slow,
    /// A step failed or errored.
    Down,
    /// Nothing was sent.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Operational,
    Slow,
    /// Only some steps were sent, and they passed.
    Partial,
    Failing,
    NotConfigured,
    NotTested,
}

impl Status {
    /// The marker of a group's status: as in the users' own reports, an integration
    /// that is not configured is marked like a failing one.
    pub fn mark(self, emoji: bool) -> &'static str {
        match (emoji, self) {
            (true, Status::Operational) => "✅",
            (true, Status::Slow | Status::Partial) => "⚠️",
            (true, Status::Failing | Status::NotConfigured) => "❌",
            (true, Status::NotTested) => "🔄",
            (false, Status::Operational) => "[PASS]",
            (false, Status::Slow) => "[SLOW]",
            (false, Status::Partial) => "[PARTIAL]",
            (false, Status::Failing) => "[FAIL]",
            (false, Status::NotConfigured) => "[NOT CONFIGURED]",
            (false, Status::NotTested) => "[NOT TESTED]",
        }
    }
}

pub const UNCATEGORISED: &str = "Uncategorised";

/// The integration label of a step: its own (already resolved), the plan's, or the
/// plan name.
pub fn integration_of<'a>(plan: &'a PlanResult, step: &'a StepResult) -> &'a str {
    non_empty(step.integration.as_deref())
        .or(non_empty(plan.integration.as_deref()))
        .unwrap_or(&plan.name)
}

pub fn category_of<'a>(plan: &'a PlanResult, step: &'a StepResult) -> &'a str {
    non_empty(step.category.as_deref())
        .or(non_empty(plan.category.as_deref()))
        .unwrap_or(UNCATEGORISED)
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.trim().is_empty())
}

fn all_steps(results: &RunResults) -> impl Iterator<Item = (&PlanResult, &StepResult)> {
    results
        .plans
        .iter()
        .flat_map(|p| p.steps.iter().map(move |s| (p, s)))
}

/// Appends `step` to the group called `name`, creating it at the end when new.
fn push<'a>(groups: &mut Vec<Group<'a>>, name: &'a str, step: &'a StepResult) {
    match groups.iter_mut().find(|g| g.name == name) {
        Some(g) => g.steps.push(step),
        None => groups.push(Group {
            name,
            steps: vec![step],
        }),
    }
}

/// One group per integration, in first-seen order.
pub fn integrations(results: &RunResults) -> Vec<Group<'_>> {
    let mut groups = Vec::new();
    for (plan, step) in all_steps(results) {
        push(&mut groups, integration_of(plan, step), step);
    }
    groups
}

/// One entry per category in first-seen order, each with its integrations.
pub fn categories(results: &RunResults) -> Vec<Category<'_>> {
    let mut cats: Vec<Category> = Vec::new();
    for (plan, step) in all_steps(results) {
        let name = category_of(plan, step);
        let idx = match cats.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                cats.push(Category {
                    name,
                    integrations: Vec::new(),
                });
                cats.len() - 1
            }
        };
        push(
            &mut cats[idx].integrations,
            integration_of(plan, step),
            step,
        );
    }
    cats
}

/// Whether the step's endpoint was actually exercised. An error before sending (a
/// template error, say) has no request and does not count.
pub fn endpoint_sent(step: &StepResult) -> bool {
    match step.outcome {
        Outcome::Passed | Outcome::Slow | Outcome::Failed => true,
        Outcome::Error => step.request.is_some() || step.response.is_some(),
        Outcome::NotTested | Outcome::NotConfigured | Outcome::Skipped => false,
    }
}

/// `METHOD /path` as the run knew it (raw text: each writer escapes it), or `None`
/// for a step without a request or whose URL still holds a template (a variable never
/// known, as for a step not configured): reports never show a template raw.
pub fn known_endpoint(step: &StepResult) -> Option<String> {
    let e = &step.endpoint;
    if e.path.contains("{{") || (e.method.trim().is_empty() && e.path.trim().is_empty()) {
        return None;
    }
    Some(format!("{} {}", e.method, e.path))
}

/// Distinct endpoints (method + path) sent, and distinct endpoints in total.
pub fn endpoint_coverage<'a>(steps: impl IntoIterator<Item = &'a StepResult>) -> (usize, usize) {
    let mut all = HashSet::new();
    let mut sent = HashSet::new();
    for step in steps {
        // A pending step written without a request has no endpoint yet.
        if step.endpoint.method.is_empty() && step.endpoint.path.is_empty() {
            continue;
        }
        let key = (
            step.endpoint.method.to_ascii_uppercase(),
            step.endpoint.path.as_str(),
        );
        if endpoint_sent(step) {
            sent.insert(key.clone());
        }
        all.insert(key);
    }
    (sent.len(), all.len())
}

impl Group<'_> {
    pub fn health(&self) -> Health {
        let outcomes = || self.steps.iter().map(|s| s.outcome);
        if outcomes().any(Outcome::is_failure) {
            Health::Down
        } else if outcomes().any(|o| o == Outcome::Slow) {
            Health::Slow
        } else if outcomes().all(|o| o == Outcome::Passed) && !self.steps.is_empty() {
            Health::Healthy
        } else if outcomes().any(|o| o == Outcome::Passed) {
            Health::Partial
        } else {
            Health::Unknown
        }
    }

    /// The status leads with what is known: an integration with some steps not sent
    /// is Partly Tested, slow or not (its health still says Slow), unless it fails.
    pub fn status(&self) -> Status {
        match self.health() {
            Health::Healthy => Status::Operational,
            Health::Slow if self.partly_sent() => Status::Partial,
            Health::Slow => Status::Slow,
            Health::Partial => Status::Partial,
            Health::Down => Status::Failing,
            Health::Unknown if self.count(Outcome::NotConfigured) > 0 => Status::NotConfigured,
            Health::Unknown => Status::NotTested,
        }
    }

    /// Some steps were sent and some not (not configured, not tested, skipped).
    pub fn partly_sent(&self) -> bool {
        let sent = self.sent();
        sent > 0 && sent < self.steps.len()
    }

    /// Steps whose request went out (see [`endpoint_sent`]), out of [`Group::steps`].
    pub fn sent(&self) -> usize {
        self.steps.iter().filter(|s| endpoint_sent(s)).count()
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.steps.iter().filter(|s| s.outcome == outcome).count()
    }

    pub fn endpoints(&self) -> (usize, usize) {
        endpoint_coverage(self.steps.iter().copied())
    }

    pub fn first(&self, pred: impl Fn(Outcome) -> bool) -> Option<&StepResult> {
        self.steps.iter().copied().find(|s| pred(s.outcome))
    }

    /// The slow step with the highest latency.
    pub fn slowest(&self) -> Option<&StepResult> {
        self.steps
            .iter()
            .copied()
            .filter(|s| s.outcome == Outcome::Slow)
            .max_by_key(|s| s.latency_us())
    }
}

/// Counts over integrations for the coverage section.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub total: usize,
    /// Integrations with at least one step sent.
    pub tested: usize,
    /// Every step sent and passed within budget.
    pub passing: usize,
    /// Some steps sent, all of them passed (some maybe slow); others not sent.
    pub partial: usize,
    pub failing: usize,
    pub warnings: usize,
    pub untested: usize,
    /// Steps sent, and steps in all, over every integration.
    pub steps_sent: usize,
    pub steps_total: usize,
}

pub fn coverage(groups: &[Group]) -> Coverage {
    let mut c = Coverage {
        total: groups.len(),
        ..Coverage::default()
    };
    // By status, so the counts agree with the overview's rows.
    for g in groups {
        match g.status() {
            Status::Operational => c.passing += 1,
            Status::Partial => c.partial += 1,
            Status::Slow => c.warnings += 1,
            Status::Failing => c.failing += 1,
            Status::NotConfigured | Status::NotTested => c.untested += 1,
        }
    }
    c.tested = c.total - c.untested;
    c.steps_sent = groups.iter().map(Group::sent).sum();
    c.steps_total = groups.iter().map(|g| g.steps.len()).sum();
    c
}
