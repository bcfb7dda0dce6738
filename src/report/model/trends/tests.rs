use super::*;

fn step(key: &str, integration: &str, outcome: Outcome, latency_ms: Option<u64>) -> StepState {
    StepState {
        key: key.into(),
        plan: "Plan".into(),
        phase: "Phase".into(),
        name: key.into(),
        integration: Some(integration.into()),
        category: None,
        outcome,
        error_kind: None,
        latency_us: latency_ms.map(|ms| ms * 1000),
        duration_ms: 0,
        warn_ms: Some(1000),
        fail_ms: Some(3000),
        tags: Vec::new().into(),
    }
}

fn run(day: u32, steps: Vec<StepState>) -> Snapshot {
    Snapshot {
        started_at: format!("2026-01-{day:02}T09:00:00Z"),
        git_commit: None,
        steps,
    }
}

use Outcome::{Failed, NotConfigured, Passed, Slow};

#[test]
fn pass_rate_per_integration_and_latency_per_budgeted_step() {
    let earlier = vec![
        run(
            1,
            vec![
                step("a", "Mail", Passed, Some(100)),
                step("b", "Pay", Failed, Some(50)),
            ],
        ),
        run(
            8,
            vec![
                step("a", "Mail", Slow, Some(1500)),
                step("b", "Pay", Passed, Some(60)),
            ],
        ),
    ];
    let current = run(
        15,
        vec![
            step("a", "Mail", Passed, Some(120)),
            step("b", "Pay", NotConfigured, None),
            step("c", "Pay", Passed, Some(10)),
        ],
    );
    let t = trends(&earlier, &current, 8);
    let labels: Vec<&str> = t.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["01-01", "01-08", "01-15"]);
    let values = |s: &Series| {
        s.points
            .iter()
            .map(|p| (p.run, p.value))
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&t.overall), [(0, 50.0), (1, 100.0), (2, 100.0)]);
    assert_eq!(t.integrations.len(), 2);
    assert_eq!(t.integrations[0].name, "Mail");
    assert_eq!(
        values(&t.integrations[1]),
        [(0, 0.0), (1, 100.0), (2, 100.0)]
    );
    // b has a budget but no response now; its earlier latencies still count.
    let b = &t.latency[1];
    assert_eq!(b.key, "b");
    assert_eq!(
        b.points
            .iter()
            .map(|p| (p.run, p.value))
            .collect::<Vec<_>>(),
        [(0, 50.0), (1, 60.0)]
    );
    assert!(t.latency[0].ever_over_budget(), "a was 1500 ms over 1000");
    assert!(!b.ever_over_budget());
    assert_eq!(t.latency.len(), 3);
}

#[test]
fn the_window_keeps_the_newest_runs() {
    let earlier: Vec<Snapshot> = (1..=10)
        .map(|d| run(d, vec![step("a", "Mail", Passed, Some(d as u64))]))
        .collect();
    let current = run(20, vec![step("a", "Mail", Passed, Some(1))]);
    let t = trends(&earlier, &current, 4);
    let labels: Vec<&str> = t.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["01-08", "01-09", "01-10", "01-20"]);
    assert_eq!(trends(&earlier, &current, 1).runs.len(), 1);
}

#[test]
fn flaky_means_two_flips_between_passing_and_failing() {
    let outcomes = [Passed, Failed, NotConfigured, Passed, Passed, Failed];
    let all: Vec<Snapshot> = outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            run(
                i as u32 + 1,
                vec![
                    step("flips", "X", *o, None),
                    // One regression is not flakiness.
                    step("broke", "X", if i < 3 { Passed } else { Failed }, None),
                ],
            )
        })
        .collect();
    let (current, earlier) = all.split_last().unwrap();
    let t = trends(earlier, current, 8);
    assert_eq!(t.flaky.len(), 1);
    let f = &t.flaky[0];
    assert_eq!(f.key, "flips");
    assert_eq!(f.flips, 3, "P F (skip) P P F");
    assert_eq!(f.outcomes, outcomes.map(Some).to_vec());
}

#[test]
fn labels_grow_until_unique() {
    let mut a = run(1, vec![]);
    let mut b = run(1, vec![]);
    a.started_at = "2026-01-01T09:00:00Z".into();
    b.started_at = "2026-01-01T09:00:30Z".into();
    let t = trends(&[a.clone()], &b, 8);
    let labels: Vec<&str> = t.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["01-01 09:00:00", "01-01 09:00:30"]);
    b.started_at = "2026-01-01T09:05:00Z".into();
    let t = trends(&[a.clone()], &b, 8);
    assert_eq!(t.runs[1].label, "01-01 09:05");
    let t = trends(&[a.clone()], &a, 8);
    assert_eq!(t.runs[1].label, "run 2");
}
