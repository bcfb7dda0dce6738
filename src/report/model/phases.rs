//! How the run went phase by phase, and the latency budgets the plans hold the
//! integrations to (the thresholds a monitor would alert on).

use super::{category_of, integration_of};
use crate::results::{PlanResult, RunResults, StepResult, Summary};

/// The steps of one phase of one plan.
pub struct Phase<'a> {
    pub plan: &'a PlanResult,
    pub name: &'a str,
    pub steps: Vec<&'a StepResult>,
}

impl Phase<'_> {
    pub fn summary(&self) -> Summary {
        Summary::of_steps(self.steps.iter().copied())
    }
}

/// Every phase of every plan, in plan order then order of first appearance.
pub fn phases(r: &RunResults) -> Vec<Phase<'_>> {
    let mut out: Vec<Phase> = Vec::new();
    for plan in &r.plans {
        let first = out.len();
        for step in &plan.steps {
            match out[first..].iter_mut().find(|p| p.name == step.phase) {
                Some(phase) => phase.steps.push(step),
                None => out.push(Phase {
                    plan,
                    name: &step.phase,
                    steps: vec![step],
                }),
            }
        }
    }
    out
}

/// One latency budget in force in a category, and the integrations holding it.
pub struct Budget {
    pub category: String,
    pub warn_ms: Option<u64>,
    pub fail_ms: Option<u64>,
    pub integrations: Vec<String>,
}

/// The distinct budgets by category, in first-seen order.
pub fn budgets(r: &RunResults) -> Vec<Budget> {
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
            let integration = integration_of(plan, step).to_string();
            match budgets.iter_mut().find(|x| {
                x.category == category && x.warn_ms == b.warn_ms && x.fail_ms == b.fail_ms
            }) {
                Some(x) => {
                    if !x.integrations.contains(&integration) {
                        x.integrations.push(integration);
                    }
                }
                None => budgets.push(Budget {
                    category,
                    warn_ms: b.warn_ms,
                    fail_ms: b.fail_ms,
                    integrations: vec![integration],
                }),
            }
        }
    }
    budgets
}
