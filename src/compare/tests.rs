use super::*;

fn step(name: &str, outcome: Outcome, latency_ms: Option<u64>) -> StepState {
    StepState {
        key: format!("plan/phase/{name}").into(),
        plan: "Plan".into(),
        phase: "Phase".into(),
        name: name.into(),
        integration: Some(format!("int-{name}").into()),
        category: None,
        outcome,
        error_kind: outcome.is_failure().then_some(ErrorKind::StatusMismatch),
        latency_us: latency_ms.map(|ms| ms * 1000),
        duration_ms: latency_ms.unwrap_or(0),
        warn_ms: None,
        fail_ms: None,
        tags: Vec::new().into(),
    }
}

fn snap(steps: Vec<StepState>) -> Snapshot {
    Snapshot {
        started_at: "2026-01-05T09:00:00Z".into(),
        git_commit: Some("abc".into()),
        steps,
    }
}

fn names<T>(v: &[T], f: impl Fn(&T) -> &str) -> Vec<String> {
    v.iter().map(|x| f(x).to_string()).collect()
}

#[test]
fn classifies_each_kind_of_change() {
    use Outcome::*;
    let old = snap(vec![
        step("regress", Passed, Some(50)),
        step("recover", Error, None),
        step("slower", Passed, Some(60)),
        step("same", Passed, Some(100)),
        step("jitter", Passed, Some(10)),
        step("pending", NotTested, None),
        step("gone", Passed, Some(5)),
        step("newly slow", Passed, Some(900)),
    ]);
    let new = snap(vec![
        step("regress", Failed, Some(55)),
        step("recover", Passed, Some(40)),
        step("slower", Passed, Some(600)),
        step("same", Passed, Some(110)),
        step("jitter", Passed, Some(90)),
        step("pending", Passed, Some(20)),
        step("fresh", Passed, Some(5)),
        step("newly slow", Slow, Some(950)),
    ]);
    let c = compare(&old, &new, &CompareOptions::default());
    assert_eq!(names(&c.regressions, |x| &x.name), ["regress"]);
    assert_eq!(c.regressions[0].error_kind, Some(ErrorKind::StatusMismatch));
    assert_eq!(names(&c.recoveries, |x| &x.name), ["recover"]);
    assert_eq!(c.recoveries[0].error_kind, Some(ErrorKind::StatusMismatch));
    assert_eq!(names(&c.newly_slow, |x| &x.name), ["newly slow"]);
    assert_eq!(names(&c.coverage_changes, |x| &x.name), ["pending"]);
    assert_eq!(names(&c.added, |x| &x.name), ["fresh"]);
    assert_eq!(names(&c.removed, |x| &x.name), ["gone"]);
    // 60 → 600 is reported; 10 → 90 is under 100 ms; 100 → 110 is under 1.5×.
    assert_eq!(names(&c.latency, |x| &x.name), ["slower"]);
    assert_eq!(c.latency[0].delta_us(), 540_000);
    assert_eq!(c.coverage_before, Coverage { sent: 7, total: 8 });
    assert_eq!(c.coverage_now, Coverage { sent: 8, total: 8 });
    let ints: Vec<_> = c
        .integrations
        .iter()
        .map(|i| (i.integration.as_str(), i.from, i.to))
        .collect();
    assert_eq!(
        ints,
        [
            (
                "int-regress",
                IntegrationStatus::Up,
                IntegrationStatus::Down
            ),
            (
                "int-recover",
                IntegrationStatus::Down,
                IntegrationStatus::Up
            ),
            (
                "int-pending",
                IntegrationStatus::Untested,
                IntegrationStatus::Up
            ),
            (
                "int-newly slow",
                IntegrationStatus::Up,
                IntegrationStatus::Degraded
            ),
        ]
    );
    assert_eq!(c.count(), 11);
    assert_eq!(c.baseline_commit.as_deref(), Some("abc"));
}

#[test]
fn identical_runs_have_no_changes() {
    let s = snap(vec![
        step("a", Outcome::Passed, Some(50)),
        step("b", Outcome::Failed, Some(50)),
    ]);
    let c = compare(&s, &s, &CompareOptions::default());
    assert_eq!(c.count(), 0);
}

#[test]
fn faster_steps_are_latency_changes_too() {
    let old = snap(vec![step("a", Outcome::Passed, Some(2000))]);
    let new = snap(vec![step("a", Outcome::Passed, Some(200))]);
    let c = compare(&old, &new, &CompareOptions::default());
    assert_eq!(c.latency[0].delta_us(), -1_800_000);
}

#[test]
fn snapshot_of_results_keys_steps_by_their_id() {
    let results = crate::report::fixture::fixture();
    let s = Snapshot::of(&results);
    let total: usize = results.plans.iter().map(|p| p.steps.len()).sum();
    assert_eq!(s.steps.len(), total);
    assert_eq!(&*s.steps[0].key, results.plans[0].steps[0].id.as_str());
}
