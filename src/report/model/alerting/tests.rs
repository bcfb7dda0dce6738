use super::*;
use crate::alerting::{Glob, Levels, Selector};
use crate::report::fixture::fixture;
use std::time::Duration;

fn step(key: &str, category: &str, outcome: Outcome, latency_ms: u64) -> StepState {
    StepState {
        key: key.into(),
        plan: "Plan".into(),
        phase: "Main".into(),
        name: key.into(),
        integration: None,
        category: Some(category.into()),
        outcome,
        error_kind: None,
        latency_us: Some(latency_ms * 1000),
        duration_ms: latency_ms,
        warn_ms: None,
        fail_ms: None,
        tags: vec!["weekly".into()].into(),
    }
}

fn run(day: u32, steps: Vec<StepState>) -> Snapshot {
    Snapshot {
        started_at: format!("2026-01-{day:02}T09:00:00Z"),
        git_commit: None,
        steps,
    }
}

fn rule(selector: Selector, measure: Measure, window: AlertWindow) -> AlertRule {
    AlertRule {
        name: "rule".into(),
        selector,
        measures: vec![measure],
        window,
        line: 1,
    }
}

fn levels(warn: f64, critical: f64) -> Levels {
    Levels {
        warn: Some(warn),
        critical: Some(critical),
    }
}

use Outcome::{Failed, NotConfigured, Passed, Slow};

#[test]
fn failure_rate_over_the_last_runs_and_over_a_time() {
    // Email: 1 failure in 10 sends over the 5 runs; the oldest 2 runs hold it.
    let mut earlier = Vec::new();
    for day in 1..=4 {
        let outcome = if day == 1 { Failed } else { Passed };
        earlier.push(run(
            day,
            vec![
                step("mail/a", "Email", outcome, 10),
                step("mail/b", "Email", Slow, 10),
                step("pay/x", "Payments", NotConfigured, 0),
            ],
        ));
    }
    let current = run(
        5,
        vec![
            step("mail/a", "Email", Passed, 10),
            step("mail/b", "Email", Passed, 10),
        ],
    );
    let email = Selector {
        category: Some("Email".into()),
        ..Selector::default()
    };
    let rate = Measure::FailureRate(levels(0.05, 0.10));
    let all = evaluate(
        &[rule(email.clone(), rate, AlertWindow::Last(20))],
        &earlier,
        &current,
        true,
    );
    let row = &all.rows[0];
    assert_eq!((row.value, row.samples, row.runs), (Some(0.1), 10, 5));
    assert_eq!(
        row.state,
        AlertState::Warning,
        "10% is over 5%, not over 10%"
    );
    let recent = evaluate(
        &[rule(email.clone(), rate, AlertWindow::Last(3))],
        &earlier,
        &current,
        true,
    );
    assert_eq!(recent.rows[0].value, Some(0.0));
    assert_eq!(recent.rows[0].state, AlertState::Ok);
    let week = AlertWindow::Within(Duration::from_secs(4 * 86_400));
    let timed = evaluate(&[rule(email, rate, week)], &earlier, &current, true);
    assert_eq!(
        (timed.rows[0].runs, timed.rows[0].value),
        (5, Some(0.1)),
        "day 1 is 4 days before"
    );
    // Nothing sent: no data, never ok.
    let pay = Selector {
        category: Some("Payments".into()),
        ..Selector::default()
    };
    let none = evaluate(
        &[rule(pay, rate, AlertWindow::Last(20))],
        &earlier,
        &current,
        false,
    );
    assert_eq!(none.rows[0].state, AlertState::NoData);
    assert!(!none.from_history);
}

#[test]
fn latency_percentiles_by_nearest_rank() {
    let steps: Vec<StepState> = (1..=20)
        .map(|i| step(&format!("llm/s{i}"), "AI", Passed, i * 100))
        .collect();
    let current = run(1, steps);
    let by_glob = Selector {
        step: Glob::new("llm/*"),
        ..Selector::default()
    };
    let eval = |p: u8, w: f64, c: f64| {
        let m = Measure::Latency {
            percentile: p,
            levels: levels(w, c),
        };
        evaluate(
            &[rule(by_glob.clone(), m, AlertWindow::Last(1))],
            &[],
            &current,
            false,
        )
        .rows[0]
            .clone()
    };
    let p95 = eval(95, 1000.0, 1950.0);
    assert_eq!((p95.value, p95.samples), (Some(1900.0), 20));
    assert_eq!(p95.state, AlertState::Warning);
    assert_eq!(eval(50, 2000.0, 5000.0).value, Some(1000.0));
    assert_eq!(eval(99, 1000.0, 1500.0).state, AlertState::Critical);
    let tag = Selector {
        tag: Some("nope".into()),
        ..Selector::default()
    };
    let m = Measure::Latency {
        percentile: 95,
        levels: levels(1.0, 2.0),
    };
    assert_eq!(
        evaluate(&[rule(tag, m, AlertWindow::Last(1))], &[], &current, false).rows[0].state,
        AlertState::NoData
    );
}

#[test]
fn budgets_are_grouped_by_budget_not_repeated_per_step() {
    let groups = budget_groups(&fixture());
    let mut seen = std::collections::HashSet::new();
    for g in &groups {
        assert!(seen.insert((g.warn_ms, g.fail_ms)), "one group per budget");
        assert!(g.steps > 0 && !g.categories.is_empty());
    }
    let total: usize = groups.iter().map(|g| g.steps).sum();
    let budgeted = fixture()
        .plans
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| {
            s.latency_budget
                .is_some_and(|b| b.warn_ms.is_some() || b.fail_ms.is_some())
        })
        .count();
    assert_eq!(total, budgeted);
}
