//! Alerting thresholds: each `alerting:` rule evaluated over its window of runs (the
//! history's, or this run alone), and the latency budgets in force grouped by budget.

use super::{category_of, integration_of};
use crate::alerting::{AlertRule, AlertWindow, Measure};
use crate::compare::{Snapshot, StepState};
use crate::results::{unix_seconds, Outcome, PlanResult, RunResults, StepResult};

#[derive(Debug, Clone, PartialEq)]
pub struct Alerting {
    /// False when there is no history: every rule then looks at this run alone.
    pub from_history: bool,
    pub rows: Vec<AlertRow>,
}

/// One measure of one rule, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRow {
    pub rule: String,
    /// What the rule watches, in words (`category Email`).
    pub watches: String,
    pub measure: Measure,
    pub window: AlertWindow,
    /// A fraction (failure rate) or milliseconds (latency); `None` when no step it
    /// watches was sent in the window.
    pub value: Option<f64>,
    /// Steps sent (failure rate) or responses (latency) the value comes from.
    pub samples: usize,
    /// Runs in the window, this one included.
    pub runs: usize,
    pub state: AlertState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertState {
    Ok,
    Warning,
    Critical,
    /// Nothing it watches was sent in the window.
    NoData,
}

/// Evaluates `rules` over `earlier` runs (oldest first) and `current`.
pub fn evaluate(
    rules: &[AlertRule],
    earlier: &[Snapshot],
    current: &Snapshot,
    from_history: bool,
) -> Alerting {
    let now = unix_seconds(&current.started_at);
    let mut rows = Vec::new();
    for rule in rules {
        let window: Vec<&Snapshot> = match rule.window {
            AlertWindow::Last(n) => {
                let keep = n.max(1) - 1;
                earlier[earlier.len().saturating_sub(keep)..]
                    .iter()
                    .collect()
            }
            AlertWindow::Within(d) => {
                let since = now.saturating_sub(d.as_secs() as i64);
                earlier
                    .iter()
                    .filter(|s| unix_seconds(&s.started_at) >= since)
                    .collect()
            }
        };
        let window: Vec<&Snapshot> = window.into_iter().chain([current]).collect();
        let steps: Vec<&StepState> = window
            .iter()
            .flat_map(|s| s.steps.iter())
            .filter(|s| rule.selector.matches(s))
            .collect();
        for measure in &rule.measures {
            let (value, samples) = match measure {
                Measure::FailureRate(_) => failure_rate(&steps),
                Measure::Latency { percentile, .. } => latency(&steps, *percentile),
            };
            rows.push(AlertRow {
                rule: rule.name.clone(),
                watches: rule.selector.describe(),
                measure: *measure,
                window: rule.window,
                value,
                samples,
                runs: window.len(),
                state: state(value, measure),
            });
        }
    }
    Alerting { from_history, rows }
}

fn failure_rate(steps: &[&StepState]) -> (Option<f64>, usize) {
    let sent: Vec<Outcome> = steps
        .iter()
        .map(|s| s.outcome)
        .filter(|o| matches!(o, Outcome::Passed | Outcome::Slow) || o.is_failure())
        .collect();
    let failed = sent.iter().filter(|o| o.is_failure()).count();
    let rate = (!sent.is_empty()).then(|| failed as f64 / sent.len() as f64);
    (rate, sent.len())
}

/// The nearest-rank percentile of the latencies, in ms.
fn latency(steps: &[&StepState], percentile: u8) -> (Option<f64>, usize) {
    let mut us: Vec<u64> = steps.iter().filter_map(|s| s.latency_us).collect();
    us.sort_unstable();
    if us.is_empty() {
        return (None, 0);
    }
    let rank = (f64::from(percentile) / 100.0 * us.len() as f64).ceil() as usize;
    let v = us[rank.clamp(1, us.len()) - 1];
    (Some(v as f64 / 1000.0), us.len())
}

fn state(value: Option<f64>, measure: &Measure) -> AlertState {
    let Some(v) = value else {
        return AlertState::NoData;
    };
    let levels = measure.levels();
    if levels.critical.is_some_and(|c| v > c) {
        AlertState::Critical
    } else if levels.warn.is_some_and(|w| v > w) {
        AlertState::Warning
    } else {
        AlertState::Ok
    }
}

/// A budgeted step that got a response, for the response-time chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetedLatency<'a> {
    pub plan: &'a PlanResult,
    pub step: &'a StepResult,
    pub latency_ms: f64,
    pub warn_ms: Option<u64>,
    pub fail_ms: Option<u64>,
}

impl BudgetedLatency<'_> {
    /// Its latency over its warn budget (else its fail budget).
    pub fn share(&self) -> f64 {
        let budget = self.warn_ms.or(self.fail_ms).unwrap_or(0).max(1) as f64;
        self.latency_ms / budget
    }
}

/// Every budgeted step that got a response, nearest (or furthest over) its budget
/// first; a report shows the first [`super::LATENCY_STEPS_SHOWN`].
pub fn budgeted_latencies(r: &RunResults) -> Vec<BudgetedLatency<'_>> {
    let mut rows: Vec<BudgetedLatency> = r
        .plans
        .iter()
        .flat_map(|plan| plan.steps.iter().map(move |step| (plan, step)))
        .filter_map(|(plan, step)| {
            let budget = step.latency_budget?;
            if budget.warn_ms.is_none() && budget.fail_ms.is_none() {
                return None;
            }
            Some(BudgetedLatency {
                plan,
                step,
                latency_ms: step.response.as_ref()?.latency_us as f64 / 1000.0,
                warn_ms: budget.warn_ms,
                fail_ms: budget.fail_ms,
            })
        })
        .collect();
    // Stable: steps equally near their budget stay in run order.
    rows.sort_by(|a, b| b.share().total_cmp(&a.share()));
    rows
}

/// One latency budget (warn, fail) and everything held to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetGroup {
    pub warn_ms: Option<u64>,
    pub fail_ms: Option<u64>,
    pub steps: usize,
    /// Categories in first-seen order, each with its integrations.
    pub categories: Vec<(String, Vec<String>)>,
}

/// The distinct latency budgets of the run, strictest first, each with the categories
/// and integrations holding it.
pub fn budget_groups(r: &RunResults) -> Vec<BudgetGroup> {
    let mut groups: Vec<BudgetGroup> = Vec::new();
    for plan in &r.plans {
        for step in &plan.steps {
            let Some(b) = step.latency_budget else {
                continue;
            };
            if b.warn_ms.is_none() && b.fail_ms.is_none() {
                continue;
            }
            let idx = match groups
                .iter()
                .position(|g| g.warn_ms == b.warn_ms && g.fail_ms == b.fail_ms)
            {
                Some(i) => i,
                None => {
                    groups.push(BudgetGroup {
                        warn_ms: b.warn_ms,
                        fail_ms: b.fail_ms,
                        steps: 0,
                        categories: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let g = &mut groups[idx];
            g.steps += 1;
            let (category, integration) = (category_of(plan, step), integration_of(plan, step));
            match g.categories.iter_mut().find(|(c, _)| c == category) {
                Some((_, integrations)) => {
                    if !integrations.iter().any(|i| i == integration) {
                        integrations.push(integration.to_string());
                    }
                }
                None => g
                    .categories
                    .push((category.to_string(), vec![integration.to_string()])),
            }
        }
    }
    groups.sort_by_key(|g| (g.warn_ms.or(g.fail_ms), g.fail_ms));
    groups
}

#[cfg(test)]
mod tests;
