//! `alerting:` rules, checked: a selector, at least one threshold, `warn` not above
//! `critical`, one window; and, once the plans are loaded, a selector that selects
//! some step. Each problem is located at its rule in planrun.yaml.

use crate::alerting::{AlertRule, AlertWindow, Glob, Levels, Measure, Selector, DEFAULT_WINDOW};
use crate::compare::StepState;
use crate::diagnostic::Diagnostic;
use crate::plan::alerting::{AlertRuleSpec, LevelsSpec};
use crate::plan::model::Plan;
use crate::plan::yaml::Positions;
use crate::results::Outcome;

/// The rules of one planrun.yaml (`file` as shown in messages).
pub(super) fn compile(
    specs: &[AlertRuleSpec],
    file: &str,
    positions: &Positions,
) -> Result<Vec<AlertRule>, Diagnostic> {
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let at = |key: &str| {
                let path = format!("alerting[{i}]{}", if key.is_empty() { String::new() } else { format!(".{key}") });
                positions.locate(&path)
            };
            let fail = |key: &str, message: String| {
                Diagnostic::new(file, at(key), format!("alerting rule `{}`: {message}", spec.name))
            };
            let step = match spec.step.as_deref() {
                Some(p) => Some(Glob::new(p).ok_or_else(|| {
                    fail("step", "`step` is an empty glob: write a step id pattern, like `payments/*`".into())
                })?),
                None => None,
            };
            let selector = Selector {
                category: spec.category.clone(),
                integration: spec.integration.clone(),
                tag: spec.tag.clone(),
                step,
            };
            if selector.category.is_none()
                && selector.integration.is_none()
                && selector.tag.is_none()
                && selector.step.is_none()
            {
                return Err(fail(
                    "",
                    "say which steps it watches: `category`, `integration`, `tag` or `step` (a glob on step ids)".into(),
                ));
            }
            let mut measures = Vec::new();
            if let Some(l) = &spec.failure_rate {
                measures.push(Measure::FailureRate(levels(l, |p| p.0, "failure_rate", &fail)?));
            }
            for (percentile, spec_levels, key) in [
                (50, &spec.p50, "p50"),
                (90, &spec.p90, "p90"),
                (95, &spec.p95, "p95"),
                (99, &spec.p99, "p99"),
            ] {
                if let Some(l) = spec_levels {
                    let levels = levels(l, |d| d.0.as_secs_f64() * 1000.0, key, &fail)?;
                    measures.push(Measure::Latency { percentile, levels });
                }
            }
            if measures.is_empty() {
                return Err(fail(
                    "",
                    "give a threshold: `failure_rate: { warn: 5%, critical: 10% }` or a latency percentile like `p95: { warn: 2s, critical: 5s }`".into(),
                ));
            }
            let window = match (spec.last, spec.within) {
                (Some(_), Some(_)) => {
                    return Err(fail("within", "give `last` (runs) or `within` (a duration), not both".into()))
                }
                (Some(0), None) => return Err(fail("last", "`last` counts runs: at least 1".into())),
                (Some(n), None) => AlertWindow::Last(n as usize),
                (None, Some(d)) if d.0.is_zero() => {
                    return Err(fail("within", "`within` must be longer than 0".into()))
                }
                (None, Some(d)) => AlertWindow::Within(d.0),
                (None, None) => DEFAULT_WINDOW,
            };
            Ok(AlertRule {
                name: spec.name.clone(),
                selector,
                measures,
                window,
                line: at("").0,
            })
        })
        .collect()
}

fn levels<T: Copy>(
    spec: &LevelsSpec<T>,
    value: impl Fn(T) -> f64,
    key: &str,
    fail: &dyn Fn(&str, String) -> Diagnostic,
) -> Result<Levels, Diagnostic> {
    let levels = Levels {
        warn: spec.warn.map(&value),
        critical: spec.critical.map(&value),
    };
    match (levels.warn, levels.critical) {
        (None, None) => Err(fail(
            key,
            format!("`{key}` needs `warn`, `critical` or both"),
        )),
        (Some(w), Some(c)) if w > c => Err(fail(
            key,
            format!("`{key}`: `warn` is above `critical`: the warning comes first"),
        )),
        _ => Ok(levels),
    }
}

/// A rule whose selector selects no step of the plans using its planrun.yaml.
pub(super) fn unmatched(rules: &[AlertRule], plans: &[&Plan], file: &str) -> Vec<Diagnostic> {
    // Most suites have no rules: no step list to make.
    if rules.is_empty() {
        return Vec::new();
    }
    let steps: Vec<StepState> = plans
        .iter()
        .flat_map(|p| {
            p.steps.iter().map(move |s| StepState {
                key: s.id.clone().into(),
                plan: p.name.clone().into(),
                phase: s.phase.clone().into(),
                name: s.name.clone().into(),
                integration: s
                    .integration
                    .as_deref()
                    .or(p.integration.as_deref())
                    .map(Into::into),
                category: s
                    .category
                    .as_deref()
                    .or(p.category.as_deref())
                    .map(Into::into),
                outcome: Outcome::NotTested,
                error_kind: None,
                latency_us: None,
                duration_ms: 0,
                warn_ms: None,
                fail_ms: None,
                tags: s.tags.clone().into(),
            })
        })
        .collect();
    rules
        .iter()
        .filter(|r| !steps.iter().any(|s| r.selector.matches(s)))
        .map(|r| {
            Diagnostic::new(
                file,
                (r.line, 1),
                format!(
                    "alerting rule `{}` watches no step ({}): check the name, or remove the rule",
                    r.name,
                    r.selector.describe()
                ),
            )
        })
        .collect()
}
