//! The command line: exit codes, invalid plans (located errors, nothing sent, reports
//! still written), `validate` and `list`.

use crate::common;

use common::{TestServer, Workspace};
use planrun::results::Outcome;

const GOOD: &str = r#"
    name: Good
    phases:
      - name: Health
        steps:
          - name: up
            request: { url: "{{ base_url }}/status/200" }
            expect: { status: 200 }
      - name: Items
        steps:
          - name: create
            request:
              method: post
              url: "{{ base_url }}/items"
              json: { name: widget }
            expect: { status: 201 }
            capture: { id: $.id }
          - name: later
            pending: not yet
            request: { url: "{{ base_url }}/items/{{ id }}" }
          - name: needs a key
            requires_env: [PLANRUN_IT_LIST_VAR]
            request: { method: DELETE, url: "{{ base_url }}/items/1" }
"#;

const FAILING: &str = r#"
    name: Failing
    steps:
      - name: wrong status
        request: { url: "{{ base_url }}/status/500" }
        expect: { status: 200 }
"#;

/// An unknown key on line 5 (`expct`, column 5).
const TYPO: &str = r#"
    name: Typo
    steps:
      - name: x
        request: { url: "{{ base_url }}/status/200" }
        expct: { status: 200 }
"#;

#[test]
fn exit_code_is_0_when_every_sent_step_passed() {
    let server = TestServer::shared();
    let ws = Workspace::new("exit-0");
    ws.write("plans/good.yaml", GOOD);
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    let summary = out.results.summary();
    assert_eq!(
        (summary.passed, summary.not_tested, summary.not_configured),
        (2, 1, 1)
    );
    assert!(
        out.exec
            .stdout
            .contains("4 steps: 2 passed, 0 slow, 0 failed, 0 errors, 1 not tested, 1 not configured, 0 skipped"),
        "{out}"
    );
    for (what, file) in [
        ("JSON results", "out/results.json"),
        ("JUnit XML", "out/junit.xml"),
        ("Markdown report", "out/report.md"),
    ] {
        assert!(
            out.exec.stdout.contains(&format!("{what}: {file}")),
            "{out}"
        );
    }
}

#[test]
fn exit_code_is_1_when_a_step_failed() {
    let server = TestServer::shared();
    let ws = Workspace::new("exit-1");
    ws.write("plans/good.yaml", GOOD);
    ws.write("plans/failing.yaml", FAILING);
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    assert_eq!(out.step("wrong status").outcome, Outcome::Failed);
    assert_eq!(out.step("up").outcome, Outcome::Passed);
}

#[test]
fn an_invalid_plan_exits_2_sends_nothing_and_still_writes_reports() {
    // A server of its own: its counter must stay at 0.
    let server = TestServer::start();
    let ws = Workspace::new("exit-2");
    ws.write("plans/a_good.yaml", GOOD);
    ws.write("plans/b_typo.yaml", TYPO);
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 2, "{out}");
    let stderr = &out.exec.stderr;
    assert!(stderr.contains("plans/b_typo.yaml:5:5: "), "{stderr}");
    assert!(stderr.contains("unknown field `expct`"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(
        server.requests(),
        0,
        "a request was sent for an invalid suite"
    );

    // The reports say why.
    assert!(out.results.plans.is_empty());
    let errors = &out.results.load_errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].file.as_str(), errors[0].line),
        ("plans/b_typo.yaml", 5)
    );
    assert_eq!(out.raw["load_errors"][0]["column"], 5);
    assert!(
        errors[0].message.contains("unknown field `expct`"),
        "{errors:?}"
    );
    let doc = roxmltree::Document::parse(&out.junit).unwrap();
    let error = doc.descendants().find(|n| n.has_tag_name("error"));
    let error = error.unwrap_or_else(|| panic!("no <error> in\n{}", out.junit));
    assert_eq!(error.attribute("type"), Some("PlanInvalid"));
    let message = error.attribute("message").unwrap();
    assert!(message.starts_with("plans/b_typo.yaml:5:5: "), "{message}");
    assert!(message.contains("expct"), "{message}");
    assert!(out.markdown.contains("b_typo.yaml"), "{}", out.markdown);
}

#[test]
fn bad_arguments_exit_2() {
    let ws = Workspace::new("bad-args");
    ws.write("plans/good.yaml", GOOD);
    let bad_var = ws.exec(&["run", "plans", "--var", "no-equals-sign"], &[]);
    assert_eq!(bad_var.code, 2, "{bad_var}");
    assert!(bad_var.stderr.contains("is not K=V"), "{bad_var}");
    let missing = ws.exec(
        &[
            "run", "nowhere", "--junit", "o/j.xml", "--report", "o/r.md", "--json", "o/r.json",
        ],
        &[],
    );
    assert_eq!(missing.code, 2, "{missing}");
    assert!(missing.stderr.contains("nowhere"), "{missing}");
    assert!(
        ws.exists("o/j.xml"),
        "reports are written for a bad path too"
    );
}

#[test]
fn validate_accepts_a_good_plan_and_sends_nothing() {
    let server = TestServer::start();
    let ws = Workspace::new("validate-good");
    ws.write("plans/good.yaml", GOOD);
    ws.write("plans/failing.yaml", FAILING);
    let var = server.var();
    let out = ws.exec(&["validate", "plans", "--var", &var], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.stdout.trim(), "ok: 2 plans, 5 steps");
    assert_eq!(server.requests(), 0);
    assert!(
        !ws.exists("out") && !ws.exists("reports"),
        "validate writes no reports"
    );
}

#[test]
fn validate_prints_every_error_of_every_file() {
    let ws = Workspace::new("validate-bad");
    ws.write("plans/a_good.yaml", GOOD);
    ws.write("plans/b_typo.yaml", TYPO);
    ws.write(
        "plans/c_several.yaml",
        r#"
        name: Several
        steps:
          - name: bad template
            request: { url: "{{ base_url + }}/x" }
          - name: bad template
            request: { url: "{{ base_url }}/y", method: "G T" }
            expect: { status: 999 }
        "#,
    );
    ws.write(
        "plans/d_matcher.yaml",
        r#"
        name: Bad matcher
        steps:
          - name: unknown matcher key
            request: { url: "{{ base_url }}/doc" }
            expect:
              json:
                $.id: { greater_than: 3 }
        "#,
    );
    let out = ws.exec(
        &["validate", "plans", "--var", "base_url=http://127.0.0.1:1"],
        &[],
    );
    assert_eq!(out.code, 2, "{out}");
    let stderr = &out.stderr;
    assert!(stderr.contains("plans/b_typo.yaml:5:5: "), "{stderr}");
    assert!(stderr.contains("unknown field `expct`"), "{stderr}");
    assert!(stderr.contains("plans/d_matcher.yaml:"), "{stderr}");
    assert!(stderr.contains("greater_than"), "{stderr}");
    assert!(stderr.contains("plans/c_several.yaml:"), "{stderr}");
    assert!(!stderr.contains("a_good.yaml"), "{stderr}");
    let located = stderr
        .lines()
        .filter(|l| {
            let mut parts = l.splitn(4, ':');
            let file = parts.next().unwrap_or("");
            let line = parts.next().unwrap_or("");
            let col = parts.next().unwrap_or("");
            file.starts_with("plans/") && line.parse::<u32>().is_ok() && col.parse::<u32>().is_ok()
        })
        .count();
    // typo: 1; matcher: 1; several: at least one (parse errors stop at the first).
    assert!(located >= 3, "{stderr}");
    let files = stderr.lines().last().unwrap_or_default();
    assert!(files.contains("in 3 files"), "{stderr}");
}

#[test]
fn list_shows_plans_phases_and_steps_with_method_and_url() {
    let ws = Workspace::new("list");
    ws.write("plans/good.yaml", GOOD);
    ws.write("plans/failing.yaml", FAILING);
    let out = ws.exec(
        &["list", "plans", "--var", "base_url=http://127.0.0.1:1"],
        &[],
    );
    assert_eq!(out.code, 0, "{out}");
    let lines: Vec<&str> = out.stdout.lines().map(str::trim_end).collect();
    let expected = [
        "Failing (plans/failing.yaml, 1 step; no planrun.yaml)",
        "  Failing",
        "    GET     http://127.0.0.1:1/status/500  — wrong status",
        "Good (plans/good.yaml, 4 steps; no planrun.yaml)",
        "  Health",
        "    GET     http://127.0.0.1:1/status/200  — up",
        "  Items",
        "    POST    http://127.0.0.1:1/items  — create",
        "    GET     http://127.0.0.1:1/items/{{ id }}  — later  [pending]",
        "    DELETE  http://127.0.0.1:1/items/1  — needs a key  [requires PLANRUN_IT_LIST_VAR]",
    ];
    assert_eq!(lines, expected, "{out}");
}

#[test]
fn a_problem_repeated_in_many_steps_is_shown_three_times_then_counted() {
    let ws = Workspace::new("validate-repeated");
    let mut plan = String::from("name: Repeated\nsteps:\n");
    for i in 0..6 {
        plan.push_str(&format!(
            "  - name: step {i}\n    request: {{ url: \"{{{{ missing_base }}}}/x\" }}\n"
        ));
    }
    ws.write("plans/repeated.yaml", &plan);
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    let shown = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("plans/repeated.yaml:") && l.contains("`missing_base`"))
        .count();
    assert_eq!(shown, 3, "{out}");
    assert!(
        out.stderr
            .contains("... and 3 more like: undefined variable `missing_base`"),
        "{out}"
    );
    assert!(out.stderr.contains("error: 6 problems in 1 file"), "{out}");
    // Tools still get every one.
    let json = ws.exec(&["validate", "plans", "--format", "json"], &[]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc["errors"].as_array().map(Vec::len), Some(6), "{json}");
}

#[test]
fn list_fills_in_the_urls_with_the_variables_it_knows() {
    let ws = Workspace::new("list-env");
    ws.write(
        "plans/planrun.yaml",
        "environments:\n  staging:\n    base_url: https://staging.example.com\n",
    );
    ws.write(
        "plans/p.yaml",
        r#"
        name: Listed
        vars:
          api: "{{ base_url }}/api"
        steps:
          - name: create
            request: { url: "{{ api }}/items?key={{ env.SERVICE_API_KEY }}" }
            capture: { item_id: $.id }
          - name: read back
            request: { url: "{{ base_url }}/items/{{ item_id }}" }
        "#,
    );
    let secret = [("SERVICE_API_KEY", "sk-live-1234567890")];
    let out = ws.exec(&["list", "plans", "--env", "staging"], &secret);
    assert_eq!(out.code, 0, "{out}");
    // Known variables are filled in, secrets masked, a capture left as written.
    assert!(
        out.stdout
            .contains("GET     https://staging.example.com/api/items?key=***  — create"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("GET     https://staging.example.com/items/{{ item_id }}  — read back"),
        "{out}"
    );
    assert!(!out.stdout.contains("sk-live"), "{out}");
}
