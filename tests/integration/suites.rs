//! Several suites in one tree: each plan uses the nearest `planrun.yaml` above it, so
//! `validate`, `list` and `run` work over folders that each have their own config.

use crate::common;

use common::{TestServer, Workspace};
use planrun::results::Outcome;
use serde_json::Value;
use std::process::Command;

/// `plans/alpha` and `plans/beta`, each with its own config: different systems, vars and
/// environments (`dev` in both, `stage` only in beta), and one plan each that sends its
/// suite's `greeting` to the echo route.
fn two_suites(tag: &str, server: &TestServer) -> Workspace {
    let ws = Workspace::new(tag);
    ws.write(
        "plans/alpha/planrun.yaml",
        &format!(
            r#"
            system: Alpha
            report: {{ title: Alpha report }}
            vars: {{ greeting: from-alpha }}
            environments:
              dev: {{ base_url: "{base}", who: alpha-dev }}
            "#,
            base = server.base_url()
        ),
    );
    ws.write(
        "plans/beta/planrun.yaml",
        &format!(
            r#"
            system: Beta
            report: {{ title: Beta report }}
            vars: {{ greeting: from-beta }}
            environments:
              dev: {{ base_url: "{base}/echo/beta", who: beta-dev }}
              stage: {{ base_url: "http://127.0.0.1:1" }}
            "#,
            base = server.base_url()
        ),
    );
    for suite in ["alpha", "beta"] {
        ws.write(
            &format!("plans/{suite}/{suite}.yaml"),
            &format!(
                r#"
                name: {suite} plan
                steps:
                  - name: greet
                    request:
                      url: "{{{{ base_url }}}}/echo/{suite}"
                      headers: {{ X-Greeting: "{{{{ greeting }}}}", X-Who: "{{{{ who }}}}" }}
                    expect: {{ status: 200 }}
                "#
            ),
        );
    }
    ws
}

#[test]
fn validate_and_list_use_each_plans_own_config() {
    let server = TestServer::shared();
    let ws = two_suites("suites-validate", server);
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("ok: 2 plans, 2 steps"), "{out}");

    let out = ws.exec(&["list", "plans", "--env", "dev"], &[]);
    assert_eq!(out.code, 0, "{out}");
    let base = server.base_url();
    let expected = [
        "alpha plan (plans/alpha/alpha.yaml, 1 step; config plans/alpha/planrun.yaml)".to_string(),
        format!("    GET     {base}/echo/alpha  — greet"),
        "beta plan (plans/beta/beta.yaml, 1 step; config plans/beta/planrun.yaml)".to_string(),
        format!("    GET     {base}/echo/beta/echo/beta  — greet"),
    ];
    for line in &expected {
        assert!(
            out.stdout.lines().any(|l| l.trim_end() == line),
            "missing {line:?}\n{out}"
        );
    }
}

#[test]
fn run_sends_each_plan_with_its_suites_vars_and_records_both_suites() {
    let server = TestServer::shared();
    let ws = two_suites("suites-run", server);
    let out = ws.run(&["plans", "--env", "dev"]);
    assert_eq!(out.code(), 0, "{out}");
    let headers = |plan: &str| -> Value {
        let step = out.step_in(plan, "greet");
        assert_eq!(step.outcome, Outcome::Passed, "{out}");
        let body = &step.response.as_ref().unwrap().body_excerpt;
        serde_json::from_str::<Value>(body).unwrap()["headers"].clone()
    };
    assert_eq!(headers("alpha plan")["x-greeting"], "from-alpha");
    assert_eq!(headers("alpha plan")["x-who"], "alpha-dev");
    assert_eq!(headers("beta plan")["x-greeting"], "from-beta");
    assert_eq!(headers("beta plan")["x-who"], "beta-dev");

    let run = &out.results.run;
    assert_eq!(run.system.as_deref(), Some("Alpha + Beta"));
    assert_eq!(run.environment.as_deref(), Some("dev"));
    assert_eq!(run.title, None, "the suites' titles differ");
    assert_eq!(run.target, None, "the suites' targets differ");
    let suites: Vec<(Option<&str>, Option<&str>, &[String])> = run
        .suites
        .iter()
        .map(|s| (s.config.as_deref(), s.system.as_deref(), s.plans.as_slice()))
        .collect();
    assert_eq!(
        suites,
        [
            (
                Some("plans/alpha/planrun.yaml"),
                Some("Alpha"),
                &["plans/alpha/alpha.yaml".to_string()][..]
            ),
            (
                Some("plans/beta/planrun.yaml"),
                Some("Beta"),
                &["plans/beta/beta.yaml".to_string()][..]
            ),
        ]
    );
    assert_eq!(
        run.suites[0].target.as_deref(),
        Some(server.base_url().as_str())
    );
    assert!(
        out.markdown.contains("**System:** Alpha + Beta"),
        "{}",
        out.markdown
    );
    assert!(
        out.markdown.contains("- `plans/beta/planrun.yaml` — Beta"),
        "{}",
        out.markdown
    );
}

#[test]
fn one_suite_alone_keeps_its_own_run_facts() {
    let server = TestServer::shared();
    let ws = two_suites("suites-one", server);
    let out = ws.run(&["plans/alpha", "--env", "dev"]);
    assert_eq!(out.code(), 0, "{out}");
    let run = &out.results.run;
    assert_eq!(run.system.as_deref(), Some("Alpha"));
    assert_eq!(run.title.as_deref(), Some("Alpha report"));
    assert!(run.suites.is_empty(), "one suite: no `suites` list");
    assert!(!out.json.contains("\"suites\""), "{}", out.json);
}

#[test]
fn an_env_unknown_to_one_suite_names_that_suite_and_its_environments() {
    let server = TestServer::shared();
    let ws = two_suites("suites-env", server);
    for command in ["validate", "list", "run"] {
        let out = ws.exec(&[command, "plans", "--env", "stage"], &[]);
        assert_eq!(out.code, 2, "{command}: {out}");
        assert!(
            out.stderr.contains(
                "plans/alpha/planrun.yaml:1:1: --env stage: unknown environment in the suite \
                 plans/alpha/planrun.yaml; it has: dev"
            ),
            "{command}: {out}"
        );
        assert!(
            !out.stderr.contains("beta/planrun.yaml"),
            "{command}: {out}"
        );
    }
}

#[test]
fn suites_naming_different_histories_need_one_history_flag() {
    let server = TestServer::shared();
    let ws = two_suites("suites-history", server);
    for suite in ["alpha", "beta"] {
        let config = ws.read(&format!("plans/{suite}/planrun.yaml"));
        ws.write(
            &format!("plans/{suite}/planrun.yaml"),
            &format!("{config}history: {suite}.db\n"),
        );
    }
    let out = ws.exec(&["run", "plans", "--env", "dev"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("name different `history:` files"),
        "{out}"
    );
    assert!(out.stderr.contains("give --history FILE"), "{out}");
    let out = ws.run(&["plans", "--env", "dev", "--history", "both.db"]);
    assert_eq!(out.code(), 0, "{out}");
    assert!(ws.exists("both.db"));
}

/// The README's own commands over the repository's plans, two suites side by side.
#[test]
fn the_readme_commands_work_on_the_repository_plans() {
    for args in [
        &["validate", "plans/"][..],
        &["list", "plans/"],
        &["list", "plans/", "--env", "demo"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_planrun"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run planrun");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}\n{stdout}\n{stderr}");
        if args[0] == "list" {
            assert!(
                stdout.contains("; config plans/example/planrun.yaml)")
                    && stdout.contains("; config plans/crm-ai-pro/planrun.yaml)"),
                "{stdout}"
            );
        }
    }
}

#[test]
fn each_suites_fail_on_applies_to_its_own_plans() {
    let server = TestServer::shared();
    let ws = two_suites("suites-fail-on", server);
    let config = ws.read("plans/alpha/planrun.yaml");
    ws.write(
        "plans/alpha/planrun.yaml",
        &format!("{config}fail_on: [not-tested]\n"),
    );
    let pending = "name: beta later\nsteps:\n  - name: later\n    pending: not built yet\n";
    ws.write("plans/beta/later.yaml", pending);
    let out = ws.run(&["plans", "--env", "dev"]);
    assert_eq!(
        out.code(),
        0,
        "beta's pending step is beta's business\n{out}"
    );
    ws.write(
        "plans/alpha/later.yaml",
        &pending.replace("beta later", "alpha later"),
    );
    let out = ws.run(&["plans", "--env", "dev"]);
    assert_eq!(out.code(), 1, "{out}");
    assert!(
        out.exec
            .stdout
            .contains("failing the run: 1 step not tested (--fail-on not-tested)"),
        "only alpha's pending step counts\n{out}"
    );
}

#[test]
fn a_run_over_two_suites_splits_into_shards_and_merges_back() {
    let server = TestServer::shared();
    let ws = two_suites("suites-shards", server);
    for k in ["1", "2"] {
        let out = ws.exec(
            &[
                "run",
                "plans",
                "--env",
                "dev",
                "--shard",
                &format!("{k}/2"),
                "--json",
                &format!("part{k}/results.json"),
                "--junit",
                &format!("part{k}/junit.xml"),
                "--report",
                &format!("part{k}/report.md"),
            ],
            &[],
        );
        assert_eq!(out.code, 0, "{out}");
        let part: planrun::results::RunResults =
            serde_json::from_str(&ws.read(&format!("part{k}/results.json"))).unwrap();
        assert_eq!(part.plans.len(), 1, "one suite's plan in each part");
        assert_eq!(
            part.run.system.as_deref(),
            Some("Alpha + Beta"),
            "every part names the whole run's suites, so merge takes them as one"
        );
    }
    let out = ws.exec(
        &[
            "merge",
            "part1/results.json",
            "part2/results.json",
            "--json",
            "merged/results.json",
            "--junit",
            "merged/junit.xml",
            "--report",
            "merged/report.md",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out}");
    let merged: planrun::results::RunResults =
        serde_json::from_str(&ws.read("merged/results.json")).unwrap();
    assert_eq!(merged.plans.len(), 2);
    assert_eq!(merged.run.system.as_deref(), Some("Alpha + Beta"));
    assert_eq!(merged.run.suites.len(), 2);
}
