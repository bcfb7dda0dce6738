//! Trends over the runs of a history: pass rate per integration, latency of budgeted
//! steps as Mermaid charts, and flaky steps, read back from a real SQLite file.

use crate::common;

use common::{TestServer, Workspace};

/// `code` flips the status step; `ms` makes the budgeted step slow.
const PLAN: &str = r#"
    name: Weekly
    integration: Billing
    steps:
      - name: invoice status
        request: { url: "{{ base_url }}/status/{{ code }}" }
        expect: { status: 200 }
      - name: invoice list
        integration: Ledger
        request: { url: "{{ base_url }}/delay/{{ ms }}" }
        expect: { status: 200, latency: { warn: 300ms, fail: 5s } }
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
fn trends_chart_pass_rates_and_latency_and_name_flaky_steps() {
    let ws = Workspace::new("history-trends");
    ws.write("plans/weekly.yaml", PLAN);
    let first = run(&ws, &["--history", "h.db"], "200", "0");
    assert!(
        first
            .markdown
            .contains("This is the first run of this suite"),
        "{}",
        first.markdown
    );
    assert!(!first.markdown.contains("```mermaid"), "{}", first.markdown);
    run(&ws, &["--history", "h.db"], "500", "400");
    run(&ws, &["--history", "h.db"], "200", "0");
    let last = run(&ws, &["--history", "h.db"], "500", "0");
    let md = &last.markdown;
    assert!(md.contains("## Trends\n\nThe last 4 runs"), "{md}");
    // The overall pass rate: 2/2, 0/2 (slow counts as passing), 2/2, 1/2.
    assert!(
        md.contains("    y-axis \"Pass rate (%)\" 0 --> 100\n    line [100, 50, 100, 50]\n```"),
        "{md}"
    );
    assert!(md.contains("title \"Billing: pass rate (%)\""), "{md}");
    assert!(
        md.contains("| Billing | 100% | 0% | 100% | 0% |"),
        "per integration\n{md}"
    );
    assert!(
        md.contains("| Ledger | 100% | 100% | 100% | 100% |"),
        "{md}"
    );
    assert!(
        !md.contains("title \"Ledger: pass rate (%)\""),
        "a flat line is not charted\n{md}"
    );
    // The budgeted step went over its 300 ms warn budget once: charted with the budget.
    assert!(md.contains("title \"invoice list: latency (ms)\""), "{md}");
    assert!(
        md.contains("| invoice list | Weekly | 300 ms / 5000 ms |"),
        "{md}"
    );
    let budget_line = "    line [300, 300, 300, 300]\n";
    assert!(md.contains(budget_line), "{md}");
    assert!(md.contains("### Flaky Steps"), "{md}");
    assert!(
        md.contains("| invoice status | Weekly | 3 | ✅❌✅❌ |"),
        "{md}"
    );
    assert!(!md.contains("| invoice list | Weekly | 0 |"), "{md}");
}

#[test]
fn trend_runs_sets_the_window() {
    let ws = Workspace::new("history-trend-runs");
    ws.write("plans/weekly.yaml", PLAN);
    for code in ["200", "500", "200"] {
        run(&ws, &["--history", "h.db"], code, "0");
    }
    let last = run(&ws, &["--history", "h.db", "--trend-runs", "2"], "200", "0");
    let md = &last.markdown;
    assert!(md.contains("The last 2 runs"), "{md}");
    assert!(md.contains("| Billing | 100% | 100% |\n"), "{md}");
    assert!(
        md.contains("None: no step went from passing to failing and back"),
        "two runs cannot flip twice\n{md}"
    );
    // Without a history there is no trends section at all.
    let alone = run(&ws, &[], "200", "0");
    assert!(!alone.markdown.contains("## Trends"), "{}", alone.markdown);
}

const RULES: &str = r#"
system: Billing
alerting:
  - name: Billing failures
    integration: Billing
    failure_rate: { warn: 10%, critical: 30% }
    last: 3
"#;

#[test]
fn report_from_saved_results_reads_the_history_and_the_plans_rules() {
    let ws = Workspace::new("history-report-from");
    ws.write("plans/weekly.yaml", PLAN);
    ws.write("plans/planrun.yaml", RULES);
    run(&ws, &["--history", "h.db"], "200", "0");
    run(&ws, &["--history", "h.db"], "500", "0");
    let last = run(&ws, &["--history", "h.db"], "200", "0");
    assert_eq!(last.code(), 0, "{}", last.exec);

    // The run is recorded now: reporting it again must not take it for its own
    // previous run, nor count it twice in the trends.
    let again = ws.exec(
        &[
            "report",
            "--from",
            "out/results.json",
            "--report",
            "again.md",
            "--html",
            "again.html",
            "--history",
            "h.db",
            "plans",
        ],
        &[],
    );
    assert_eq!(again.code, 0, "{again}");
    let md = ws.read("again.md");
    assert!(md.contains("## Trends\n\nThe last 3 runs"), "{md}");
    assert!(md.contains("| Billing | 100% | 0% | 100% |"), "{md}");
    assert!(
        md.contains("Recoveries"),
        "compared with the run before\n{md}"
    );
    assert!(md.contains("over the runs of the history"), "{md}");
    assert!(md.contains("| Billing failures |"), "{md}");
    assert_eq!(md, last.markdown, "the report reads as the run wrote it");
    let html = ws.read("again.html");
    assert!(html.contains("<section id=\"trends\">"), "{html}");

    // Without a history the report says what it leaves out.
    let alone = ws.exec(
        &[
            "report",
            "--from",
            "out/results.json",
            "--report",
            "alone.md",
        ],
        &[],
    );
    assert_eq!(alone.code, 0, "{alone}");
    assert!(
        alone
            .stdout
            .contains("no history: the reports have no changes or trends section"),
        "{alone}"
    );
    assert!(!ws.read("alone.md").contains("## Trends"));

    // A history that is not there is an error, not a new empty file; the report is
    // still written.
    let missing = ws.exec(
        &[
            "report",
            "--from",
            "out/results.json",
            "--report",
            "missing.md",
            "--history",
            "nope.db",
        ],
        &[],
    );
    assert_eq!(missing.code, 2, "{missing}");
    assert!(
        missing.stderr.contains("history nope.db does not exist"),
        "{missing}"
    );
    assert!(!ws.exists("nope.db"));
    assert!(ws.exists("missing.md"));
}
