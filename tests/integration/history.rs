//! The history store from the command line: `--history` records runs and the report
//! shows what changed; concurrent writers, a corrupt file and a newer schema;
//! `planrun history` (list, import, prune), `--baseline` and `planrun compare`.

use crate::common;

use common::{TestServer, Workspace};
use std::process::{Command, Stdio};

/// `code` and `ms` vary between runs: a regression and a latency change.
const PLAN: &str = r#"
    name: Weekly
    integration: Billing
    steps:
      - name: invoice status
        request: { url: "{{ base_url }}/status/{{ code }}" }
        expect: { status: 200 }
      - name: invoice list
        request: { url: "{{ base_url }}/delay/{{ ms }}" }
        expect: { status: 200 }
"#;

fn run(ws: &Workspace, extra: &[&str], code: &str, ms: &str) -> common::RunOutput {
    run_env(ws, extra, code, ms, &[])
}

fn run_env(
    ws: &Workspace,
    extra: &[&str],
    code: &str,
    ms: &str,
    envs: &[(&str, &str)],
) -> common::RunOutput {
    let base = TestServer::shared().var();
    let code = format!("code={code}");
    let ms = format!("ms={ms}");
    let mut args = vec!["plans", "--var", &base, "--var", &code, "--var", &ms];
    args.extend_from_slice(extra);
    ws.run_env(&args, envs)
}

#[test]
fn the_second_run_reports_what_changed_since_the_first() {
    let ws = Workspace::new("history-changes");
    ws.write("plans/weekly.yaml", PLAN);
    let first = run_env(
        &ws,
        &["--history", "h.db"],
        "200",
        "0",
        &[("GITHUB_SHA", "1111aaaa")],
    );
    assert_eq!(first.code(), 0, "{first}");
    assert!(
        !first.markdown.contains("Changes Since"),
        "no previous run, no section\n{}",
        first.markdown
    );
    assert!(
        first
            .exec
            .stdout
            .contains("History: run 1 recorded (2 steps)"),
        "{first}"
    );

    let second = run(&ws, &["--history", "h.db"], "500", "400");
    assert_eq!(second.code(), 1, "{second}");
    let md = &second.markdown;
    assert!(md.contains("## Changes Since the Previous Run"), "{md}");
    assert!(md.contains("(commit `1111aaaa`)"), "{md}");
    assert!(md.contains("**1 regression, 0 recoveries"), "{md}");
    assert!(
        md.contains("| invoice status | Weekly | ✅ | ❌ | StatusMismatch |"),
        "{md}"
    );
    assert!(md.contains("### Latency Changes"), "{md}");
    assert!(md.contains("| invoice list | Weekly | +"), "{md}");
    assert!(md.contains("| Billing | Up | Down |"), "{md}");

    let list = ws.exec(&["history", "--history", "h.db"], &[]);
    assert_eq!(list.code, 0, "{list}");
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two runs\n{list}");
    assert!(lines[1].starts_with("2 "), "newest first\n{list}");
    assert!(lines[2].ends_with("1111aaaa"), "{list}");
}

#[test]
fn two_concurrent_writers_both_land() {
    let ws = Workspace::new("history-concurrent");
    ws.write("plans/weekly.yaml", PLAN);
    let base = TestServer::shared().var();
    let spawn = |n: usize| {
        Command::new(env!("CARGO_BIN_EXE_planrun"))
            .args(["run", "plans", "--var", &base, "--var", "code=200"])
            .args(["--var", "ms=300", "--history", "h.db"])
            .args(["--json", &format!("out{n}/results.json")])
            .args(["--junit", &format!("out{n}/junit.xml")])
            .args(["--report", &format!("out{n}/report.md")])
            .current_dir(ws.root())
            .env_clear()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start planrun")
    };
    let (a, b) = (spawn(1), spawn(2));
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let list = ws.exec(&["history", "--history", "h.db"], &[]);
    assert_eq!(list.stdout.lines().count(), 3, "both runs recorded\n{list}");
}

#[test]
fn a_corrupt_history_is_a_clear_error_and_the_reports_are_still_written() {
    let ws = Workspace::new("history-corrupt");
    ws.write("plans/weekly.yaml", PLAN);
    ws.write("h.db", &"definitely not SQLite\n".repeat(300));
    let out = run(&ws, &["--history", "h.db"], "200", "0");
    assert_eq!(
        out.code(),
        2,
        "a passing run with an unusable history is not green"
    );
    assert!(out.exec.stderr.contains("not a planrun history"), "{out}");
    assert!(
        out.exec.stderr.contains("this run is not recorded"),
        "{out}"
    );
    assert_eq!(out.results.summary().passed, 2, "the reports are complete");
    assert!(
        ws.read("h.db").starts_with("definitely not"),
        "left untouched"
    );
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let ws = Workspace::new("history-newer");
    ws.write("plans/weekly.yaml", PLAN);
    let conn = rusqlite::Connection::open(ws.path("h.db")).unwrap();
    conn.execute_batch("PRAGMA application_id = 1347179086; PRAGMA user_version = 99;")
        .unwrap();
    drop(conn);
    let out = run(&ws, &["--history", "h.db"], "500", "0");
    assert_eq!(out.code(), 1, "a failing run keeps its exit code\n{out}");
    assert!(
        out.exec.stderr.contains("newer planrun (history schema 99"),
        "{out}"
    );
    assert!(!out.markdown.contains("Changes Since"));
}

#[test]
fn history_comes_from_the_environment_or_planrun_yaml() {
    let ws = Workspace::new("history-config");
    ws.write("plans/weekly.yaml", PLAN);
    ws.write("plans/planrun.yaml", "history: ../state/runs.db\n");
    let out = run(&ws, &[], "200", "0");
    assert_eq!(out.code(), 0, "{out}");
    assert!(ws.exists("state/runs.db"), "relative to planrun.yaml");

    let out = run_env(&ws, &[], "200", "0", &[("PLANRUN_HISTORY", "env.db")]);
    assert_eq!(out.code(), 0, "{out}");
    assert!(
        ws.exists("env.db"),
        "PLANRUN_HISTORY wins over planrun.yaml"
    );
    let list = ws.exec(&["history", "--history", "state/runs.db"], &[]);
    assert_eq!(
        list.stdout.lines().count(),
        2,
        "one run in planrun.yaml's\n{list}"
    );
    let out = run(&ws, &["--history", "flag.db"], "200", "0");
    assert!(ws.exists("flag.db"), "--history wins over both\n{out}");
}

#[test]
fn a_baseline_file_needs_no_history_and_compare_prints_the_changes() {
    let ws = Workspace::new("history-baseline");
    ws.write("plans/weekly.yaml", PLAN);
    run(&ws, &[], "200", "0");
    std::fs::copy(ws.path("out/results.json"), ws.path("old.json")).unwrap();
    let out = run(&ws, &["--baseline", "old.json"], "503", "0");
    assert!(
        out.markdown
            .contains("| invoice status | Weekly | ✅ | ❌ |"),
        "{}",
        out.markdown
    );
    assert!(!ws.exists("h.db"));

    let cmp = ws.exec(
        &["compare", "old.json", "out/results.json", "--no-emoji"],
        &[],
    );
    assert_eq!(cmp.code, 0, "{cmp}");
    assert!(cmp.stdout.contains("### Regressions"), "{cmp}");
    assert!(
        cmp.stdout
            .contains("| invoice status | Weekly | [PASS] | [FAIL] |"),
        "{cmp}"
    );

    let bad = ws.exec(&["compare", "old.json", "missing.json"], &[]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("cannot read missing.json"), "{bad}");
}

#[test]
fn import_backfills_once_and_prune_keeps_recent_runs() {
    let ws = Workspace::new("history-import");
    ws.write("plans/weekly.yaml", PLAN);
    run(&ws, &[], "200", "0");
    let mut old: serde_json::Value = serde_json::from_str(&ws.read("out/results.json")).unwrap();
    old["run"]["started_at"] = "2020-01-06T09:00:00Z".into();
    old["run"]["finished_at"] = "2020-01-06T09:00:01Z".into();
    ws.write("old.json", &old.to_string());

    let imp = ws.exec(
        &[
            "history",
            "--history",
            "h.db",
            "import",
            "out/results.json",
            "old.json",
        ],
        &[],
    );
    assert_eq!(imp.code, 0, "{imp}");
    assert!(
        imp.stdout.contains("old.json: imported as run 2 (2 steps)"),
        "{imp}"
    );
    let again = ws.exec(
        &["history", "import", "old.json"],
        &[("PLANRUN_HISTORY", "h.db")],
    );
    assert!(
        again.stdout.contains("old.json: already in the history"),
        "{again}"
    );

    let prune = ws.exec(
        &["history", "--history", "h.db", "prune", "--keep", "52w"],
        &[],
    );
    assert_eq!(prune.code, 0, "{prune}");
    assert!(prune.stdout.contains("pruned 1 run older than"), "{prune}");
    let list = ws.exec(&["history", "--history", "h.db"], &[]);
    assert_eq!(list.stdout.lines().count(), 2, "{list}");
    assert!(!list.stdout.contains("2020-01-06"), "{list}");
}

#[test]
fn history_without_a_file_says_what_to_give() {
    let ws = Workspace::new("history-none");
    let out = ws.exec(&["history"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("give --history FILE or set PLANRUN_HISTORY"),
        "{out}"
    );
    let out = ws.exec(&["history", "--history", "nope.db"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("does not exist"), "{out}");
    assert!(!ws.exists("nope.db"), "listing creates nothing");
}
