//! Results files across versions: a stored version-1 file (written by planrun 0.1 from
//! the demo run) still renders, upgraded on read; a newer file is refused with a clear
//! message; step ids are stable across runs and unique within one.

use crate::common::{unindent, Workspace};
use planrun::results::{ErrorKind, Outcome, SkipReason, RESULTS_VERSION};
use serde_json::Value;
use std::collections::HashSet;

const V1_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/results-v1.json"
);

fn v1_text() -> String {
    std::fs::read_to_string(V1_FIXTURE).expect("the v1 fixture is checked in")
}

#[test]
fn a_version_1_file_is_upgraded_on_read() {
    let text = v1_text();
    let old: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(old["version"], 1, "the fixture is a real version-1 file");
    let r = planrun::report::json::parse(&text).expect("version 1 reads");
    assert_eq!(r.version, RESULTS_VERSION);

    let steps: Vec<_> = r.plans.iter().flat_map(|p| &p.steps).collect();
    let old_steps: Vec<&Value> = old["plans"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["steps"].as_array().unwrap())
        .collect();
    assert_eq!(steps.len(), old_steps.len());
    let ids: HashSet<&str> = steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), steps.len(), "ids are unique");
    for (new, old) in steps.iter().zip(&old_steps) {
        // Latency: whole milliseconds become microseconds.
        if let Some(resp) = &new.response {
            let ms = old["response"]["latency_ms"].as_u64().unwrap();
            assert_eq!(resp.latency_us, ms * 1000, "{}", new.id);
        }
        // Every failure and error keeps its kind, now typed.
        if new.outcome.is_failure() {
            let camel = old["error_kind"].as_str().unwrap();
            assert_eq!(
                new.error_kind.map(ErrorKind::junit_type).as_deref(),
                Some(camel)
            );
        }
        // Every step not sent gets its reason.
        if !new.outcome.was_sent() {
            assert!(new.skip_reason.is_some(), "{}: {:?}", new.id, new.message);
        }
        for (c, oc) in new.checks.iter().zip(old["checks"].as_array().unwrap()) {
            assert_eq!(c.expected_text, oc["expected"].as_str().unwrap());
            assert_eq!(c.actual_text, oc["actual"].as_str().unwrap());
        }
    }
    let calendar = steps
        .iter()
        .find(|s| s.outcome == Outcome::Slow)
        .expect("the demo has a slow step");
    assert!(calendar.id.starts_with("calendar"), "{}", calendar.id);
    let llm = steps
        .iter()
        .find(|s| s.outcome == Outcome::NotConfigured)
        .unwrap();
    assert_eq!(llm.skip_reason, Some(SkipReason::RequiresEnv));
}

#[test]
fn a_version_1_file_re_renders_both_reports() {
    let ws = Workspace::new("report-v1");
    let out = ws.exec(
        &[
            "report", "--from", V1_FIXTURE, "--junit", "j.xml", "--report", "r.md",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out}");
    let junit = ws.read("j.xml");
    let steps = v1_text().matches("\"outcome\":").count();
    assert_eq!(junit.matches("<testcase ").count(), steps);
    assert!(junit.contains(r#"type="StatusMismatch""#), "{junit}");
    insta::assert_snapshot!("v1_report_md", ws.read("r.md"));
}

#[test]
fn a_newer_file_says_to_upgrade_planrun() {
    let ws = Workspace::new("report-v3");
    let mut doc: Value = serde_json::from_str(&v1_text()).unwrap();
    doc["version"] = Value::from(RESULTS_VERSION + 1);
    ws.write("results.json", &doc.to_string());
    let out = ws.exec(
        &["report", "--from", "results.json", "--junit", "j.xml"],
        &[],
    );
    assert_eq!(out.code, 2, "{out}");
    let expected = format!(
        "error: results.json: the results are version {}; this planrun reads up to {RESULTS_VERSION}: upgrade planrun",
        RESULTS_VERSION + 1
    );
    assert!(out.stderr.contains(&expected), "{out}");
    assert!(!ws.exists("j.xml"));
}

const PLAN: &str = "
    name: Payments
    vars:
      currencies: [CHF]
    phases:
      - name: 'Phase 3: Refunds'
        steps:
          - name: charge refunded
            for_each: [EUR, usd, EUR]
            request: { url: '{{ base_url }}/status/200' }
          - name: dynamic
            for_each: '{{ currencies }}'
            request: { url: '{{ base_url }}/status/200' }
";

#[test]
fn step_ids_are_stable_readable_and_unique() {
    let server = crate::common::server::TestServer::start();
    let ws = Workspace::new("step-ids");
    ws.write("plans/p.yaml", &unindent(PLAN));
    let base = format!("base_url=http://{}", server.addr);
    let args = ["plans/p.yaml", "--var", &base];
    let first = ws.run(&args);
    let ids: Vec<&str> = first.results.plans[0]
        .steps
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "payments/phase-3-refunds/charge-refunded[eur]",
            "payments/phase-3-refunds/charge-refunded[usd]",
            "payments/phase-3-refunds/charge-refunded[eur-2]",
            "payments/phase-3-refunds/dynamic[chf]",
        ]
    );
    let again = ws.run(&args);
    let ids_again: Vec<&str> = again.results.plans[0]
        .steps
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(ids, ids_again, "the same plan gives the same ids");
    // Start and end times, RFC 3339 with milliseconds.
    let step = &first.results.plans[0].steps[0];
    let (start, end) = (
        step.started_at.as_deref().unwrap(),
        step.finished_at.as_deref().unwrap(),
    );
    assert!(start.len() == 24 && start.ends_with('Z'), "{start}");
    assert!(start <= end, "{start} {end}");
}

#[test]
fn steps_whose_ids_clash_are_rejected_with_both_places() {
    let ws = Workspace::new("step-id-clash");
    ws.write(
        "plans/p.yaml",
        &unindent(
            "
            name: Payments
            steps:
              - name: Charge refunded
                request: { url: 'http://127.0.0.1:9/a' }
              - name: charge-refunded
                request: { url: 'http://127.0.0.1:9/b' }
            ",
        ),
    );
    let out = ws.exec(&["validate", "plans/p.yaml"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("plans/p.yaml:5:"), "{out}");
    assert!(out.stderr.contains("`payments/charge-refunded`"), "{out}");
    assert!(out.stderr.contains("the step at plans/p.yaml:3"), "{out}");
}
