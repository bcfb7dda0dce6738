//! Latency budgets (slow vs failed), and requests that get no response (timeouts,
//! refused connections): errors that do not stop the run.
//! Budgets are generous against the server-side delays; no wall-clock upper bounds.

use crate::common;

use common::{closed_port, TestServer, Workspace};
use planrun::results::{CheckKind, CheckStatus, Outcome};

const LATENCY: &str = r#"
    name: Latency
    steps:
      - name: fast
        request: { url: "{{ base_url }}/delay/0" }
        expect:
          status: 200
          latency: { warn: 5s, fail: 10s }
      - name: over warn
        request: { url: "{{ base_url }}/delay/300" }
        expect:
          status: 200
          latency: { warn: 50ms, fail: 10s }
      - name: over fail
        request: { url: "{{ base_url }}/delay/400" }
        expect:
          status: 200
          latency: { warn: 50ms, fail: 100ms }
"#;

#[test]
fn over_warn_is_slow_and_over_fail_is_failed() {
    let server = TestServer::shared();
    let ws = Workspace::new("latency");
    ws.write("plans/latency.yaml", LATENCY);
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");

    let latency_check = |name: &str| {
        let step = out.step(name);
        let c = step.checks.iter().find(|c| c.kind == CheckKind::Latency);
        c.unwrap_or_else(|| panic!("{name}: no latency check"))
            .clone()
    };

    let fast = out.step("fast");
    assert_eq!(fast.outcome, Outcome::Passed);
    assert_eq!(latency_check("fast").status, CheckStatus::Pass);

    let slow = out.step("over warn");
    assert_eq!(slow.outcome, Outcome::Slow, "{:?}", slow.checks);
    let c = latency_check("over warn");
    assert_eq!(c.status, CheckStatus::Warn);
    assert_eq!(c.expected_text, "≤ 10000 ms (warn 50 ms)");
    assert_eq!(c.matcher, "budget");
    assert_eq!(
        c.expected,
        serde_json::json!({"warn_ms": 50, "fail_ms": 10_000})
    );
    // The response cannot be faster than the server's own delay.
    let latency_us = slow.response.as_ref().unwrap().latency_us;
    assert!(latency_us >= 300_000, "{latency_us}");
    assert_eq!(c.actual, serde_json::json!(latency_us));
    assert_eq!(c.actual_text, planrun::results::latency_text(latency_us));
    let budget = slow.latency_budget.unwrap();
    assert_eq!((budget.warn_ms, budget.fail_ms), (Some(50), Some(10_000)));
    assert_eq!(out.raw["plans"][0]["steps"][1]["outcome"], "slow");
    assert_eq!(
        out.raw["plans"][0]["steps"][1]["checks"][1]["status"],
        "warn"
    );

    let failed = out.step("over fail");
    assert_eq!(failed.outcome, Outcome::Failed);
    assert_eq!(
        failed.error_kind,
        Some(planrun::results::ErrorKind::LatencyBudgetExceeded)
    );
    let c = latency_check("over fail");
    assert_eq!(c.status, CheckStatus::Fail);
    let message = failed.message.as_deref().unwrap();
    assert_eq!(
        message,
        format!(
            "latency: expected ≤ 100 ms (warn 50 ms), got {}",
            c.actual_text
        )
    );
    // The status check held: only the budget failed.
    assert_eq!(failed.checks[0].status, CheckStatus::Pass);
}

#[test]
fn a_slow_step_alone_does_not_fail_the_run() {
    let server = TestServer::shared();
    let ws = Workspace::new("slow-only");
    ws.write(
        "plans/slow.yaml",
        r#"
        name: Slow only
        steps:
          - name: slow but fine
            request: { url: "{{ base_url }}/delay/300" }
            expect:
              status: 200
              latency: { warn: 50ms, fail: 10s }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.step("slow but fine").outcome, Outcome::Slow);
    assert_eq!(out.code(), 0, "slow is a warning, not a failure\n{out}");
    assert!(
        !out.junit.contains("<failure") && !out.junit.contains("<error"),
        "{}",
        out.junit
    );
}

const ERRORS: &str = r#"
    name: Errors
    steps:
      - name: times out
        timeout: 200ms
        request: { url: "{{ base_url }}/delay/3000" }
        expect: { status: 200 }
      - name: after the timeout
        request: { url: "{{ base_url }}/status/200" }
        expect: { status: 200 }
      - name: refused
        request: { url: "http://127.0.0.1:{{ closed_port }}/nothing-here" }
        expect: { status: 200 }
      - name: after the refusal
        request: { url: "{{ base_url }}/status/200" }
        expect: { status: 200 }
"#;

#[test]
fn timeouts_and_refused_connections_are_errors_and_the_run_goes_on() {
    let server = TestServer::shared();
    let ws = Workspace::new("errors");
    ws.write("plans/errors.yaml", ERRORS);
    let port = closed_port().to_string();
    let closed = format!("closed_port={port}");
    let out = ws.run(&["plans", "--var", &server.var(), "--var", &closed]);
    assert_eq!(out.code(), 1, "{out}");

    let timeout = out.step("times out");
    assert_eq!(timeout.outcome, Outcome::Error);
    assert_eq!(
        timeout.error_kind,
        Some(planrun::results::ErrorKind::Timeout)
    );
    assert!(timeout.response.is_none());
    assert!(timeout.request.is_some(), "the request was sent");
    let message = timeout.message.as_deref().unwrap();
    assert!(message.contains("timed out"), "{message}");
    assert!(message.contains("200 ms"), "{message}");

    let refused = out.step("refused");
    assert_eq!(refused.outcome, Outcome::Error);
    assert_eq!(
        refused.error_kind,
        Some(planrun::results::ErrorKind::ConnectionRefused)
    );
    let message = refused.message.as_deref().unwrap();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");

    // The run continued after each error.
    assert_eq!(out.step("after the timeout").outcome, Outcome::Passed);
    assert_eq!(out.step("after the refusal").outcome, Outcome::Passed);

    // JUnit: <error> with the kind as its type.
    let doc = roxmltree::Document::parse(&out.junit).unwrap();
    let error_type = |case: &str| {
        let tc = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(case))
            .unwrap_or_else(|| panic!("no testcase {case}"));
        assert!(
            !tc.children().any(|c| c.has_tag_name("failure")),
            "{case}: an error is not a failure"
        );
        tc.children()
            .find(|c| c.has_tag_name("error"))
            .and_then(|e| e.attribute("type"))
            .map(str::to_string)
    };
    assert_eq!(error_type("times out").as_deref(), Some("Timeout"));
    assert_eq!(error_type("refused").as_deref(), Some("ConnectionRefused"));
    assert_eq!(error_type("after the timeout"), None);
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("errors"), Some("2"));
    assert_eq!(suite.attribute("failures"), Some("0"));
}
