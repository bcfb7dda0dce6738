//! `alerting:` rules of planrun.yaml: validated at their line, evaluated over the runs of
//! a real history (or this run alone), shown with their state in the report.

use crate::common;

use common::{TestServer, Workspace};

const PLAN: &str = r#"
    name: Weekly
    category: Billing
    integration: Stripe
    steps:
      - name: invoice status
        tags: [money]
        request: { url: "{{ base_url }}/status/{{ code }}" }
        expect: { status: 200 }
      - name: invoice list
        request: { url: "{{ base_url }}/delay/{{ ms }}" }
        expect: { status: 200, latency: { warn: 2s, fail: 5s } }
"#;

const RULES: &str = r#"
system: Billing
alerting:
  - name: Billing failures
    category: Billing
    failure_rate: { warn: 10%, critical: 30% }
    last: 3
  - name: Money step failures
    tag: money
    failure_rate: { critical: 50% }
    within: 7d
  - name: Invoice latency
    step: "weekly/*invoice-list"
    p95: { warn: 200ms, critical: 5s }
"#;

fn run(ws: &Workspace, extra: &[&str], code: &str, ms: &str) -> common::RunOutput {
    let base = TestServer::shared().var();
    let code = format!("code={code}");
    let ms = format!("ms={ms}");
    let mut args = vec!["plans", "--var", &base, "--var", &code, "--var", &ms];
    args.extend_from_slice(extra);
    ws.run(&args)
}

#[test]
fn rules_are_evaluated_over_the_history_with_their_state() {
    let ws = Workspace::new("alerting-history");
    ws.write("plans/weekly.yaml", PLAN);
    ws.write("plans/planrun.yaml", RULES);
    let alone = run(&ws, &[], "500", "0");
    let md = &alone.markdown;
    assert!(
        md.contains("No history: each rule is evaluated on this run alone."),
        "{md}"
    );
    assert!(
        md.contains("| Billing failures | category Billing | failure rate | > 10% | > 30% | 50% (2 sent) | 1 run (last 3) | ❌ Critical |"),
        "{md}"
    );

    for code in ["200", "200", "200"] {
        run(&ws, &["--history", "h.db"], code, "0");
    }
    let last = run(&ws, &["--history", "h.db"], "500", "300");
    let md = &last.markdown;
    assert!(md.contains("over the runs of the history"), "{md}");
    // Last 3 runs: 1 failure in 6 sends.
    assert!(
        md.contains("| Billing failures | category Billing | failure rate | > 10% | > 30% | 16.67% (6 sent) | 3 runs (last 3) | ⚠️ Warning |"),
        "{md}"
    );
    // Within 7 days: all 4 runs, 1 of 4 money steps failed.
    assert!(
        md.contains("| Money step failures | tag money | failure rate | — | > 50% | 25% (4 sent) | 4 runs (within 7 days) | ✅ OK |"),
        "{md}"
    );
    assert!(
        md.contains("| Invoice latency | steps weekly/*invoice-list | p95 latency | > 200 ms |"),
        "{md}"
    );
    assert!(
        md.contains("(4 responses) | 4 runs (last 20) | ⚠️ Warning |"),
        "{md}"
    );
    // The budgets follow, one row per budget.
    assert!(
        md.contains("### Latency Budgets\n\n| Warning | Critical | Steps | Held by |\n|---|---|---|---|\n| > 2000 ms | > 5000 ms | 1 | Billing (Stripe) |"),
        "{md}"
    );
}

/// Each bad rule is exit 2 naming planrun.yaml, the line and what to write.
#[test]
fn bad_rules_are_errors_at_their_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "  - name: r\n    category: Billing\n    failure_rate: { warn: 5 }\n",
            ":5:",
            "the percentage `5` has no `%`: write `5%`",
        ),
        (
            "  - name: r\n    category: Billing\n    failure_rate: { warn: 120% }\n",
            ":5:",
            "a rate is between 0% and 100%",
        ),
        (
            "  - name: r\n    category: Billing\n    p95: { warn: 2 }\n",
            ":5:",
            "has no unit",
        ),
        (
            "  - name: r\n    failure_rate: { warn: 5% }\n",
            ":3:",
            "alerting rule `r`: say which steps it watches",
        ),
        (
            "  - name: r\n    category: Billing\n",
            ":3:",
            "alerting rule `r`: give a threshold",
        ),
        (
            "  - name: r\n    category: Billing\n    p95: { warn: 5s, critical: 2s }\n",
            ":5:",
            "`p95`: `warn` is above `critical`",
        ),
        (
            "  - name: r\n    category: Billing\n    p95: { warn: 1s }\n    last: 5\n    within: 7d\n",
            ":7:",
            "give `last` (runs) or `within` (a duration), not both",
        ),
        (
            "  - name: r\n    category: Biling\n    p95: { warn: 1s }\n",
            ":3:",
            "alerting rule `r` watches no step (category Biling)",
        ),
        (
            "  - name: r\n    category: Billing\n    p97: { warn: 1s }\n",
            ":5:",
            "unknown field `p97`",
        ),
    ];
    for (i, (rule, line, message)) in cases.iter().enumerate() {
        let ws = Workspace::new(&format!("alerting-bad-{i}"));
        ws.write("plans/weekly.yaml", PLAN);
        ws.write(
            "plans/planrun.yaml",
            &format!("system: Billing\nalerting:\n{rule}"),
        );
        let vars = [
            "--var",
            "base_url=http://x",
            "--var",
            "code=1",
            "--var",
            "ms=1",
        ];
        let mut args = vec!["validate", "plans"];
        args.extend(vars);
        let out = ws.exec(&args, &[]);
        assert_eq!(out.code, 2, "{rule}\n{out}");
        let expected = format!("planrun.yaml{line}");
        assert!(out.stderr.contains(&expected), "{expected} in\n{out}");
        assert!(out.stderr.contains(message), "{message} in\n{out}");
    }
}
