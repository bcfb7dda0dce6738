//! `include:`: shared step lists and defaults from other files. Paths are relative to
//! the including file; missing files and cycles are errors at the including line with
//! the chain of includes; files under `_` folders are not run as plans.

use crate::common;

use common::{TestServer, Workspace};
use planrun::results::Outcome;

#[test]
fn nested_includes_splice_steps_with_vars_defaults_and_their_own_lines() {
    let server = TestServer::shared();
    let ws = Workspace::new("include-nested");
    ws.write(
        "plans/_lib/login.yaml",
        r#"
        vars: { who: nobody }
        defaults:
          headers: { X-From: login-file }
        steps:
          - name: log in as {{ who }}
            request:
              method: POST
              url: "{{ base_url }}/echo/login/{{ who }}"
              headers: { X-Who: "{{ who }}" }
            expect:
              status: 200
              json: { $.path: "/echo/login/{{ who }}" }
          - include: deeper/ping.yaml
            vars: { what: "after {{ who }}" }
        "#,
    );
    ws.write(
        "plans/_lib/deeper/ping.yaml",
        r#"
        steps:
          - name: ping
            request: { url: "{{ base_url }}/echo/ping?what={{ what }}&who={{ who }}" }
            expect:
              status: 200
              json:
                $.query.what: "{{ what }}"
                "$.headers['x-from']": login-file
        "#,
    );
    ws.write(
        "plans/p.yaml",
        r#"
        name: Nested
        defaults:
          headers: { X-From: plan }
        phases:
          - name: first
            steps:
              - include: _lib/login.yaml
                vars: { who: alice }
          - name: second
            steps:
              - name: own step
                request: { url: "{{ base_url }}/echo/own" }
                expect: { status: 200, json: { "$.headers['x-from']": plan } }
              - include: _lib/login.yaml
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    assert_eq!(out.results.plans.len(), 1, "files under _lib are not plans");
    let steps = &out.plan("Nested").steps;
    let shown: Vec<(&str, &str, Option<&str>, u32)> = steps
        .iter()
        .map(|s| (s.phase.as_str(), s.name.as_str(), s.file.as_deref(), s.line))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "first",
                "log in as {{ who }}",
                Some("plans/_lib/login.yaml"),
                5
            ),
            ("first", "ping", Some("plans/_lib/deeper/ping.yaml"), 2),
            ("second", "own step", None, 11),
            (
                "second",
                "log in as {{ who }}",
                Some("plans/_lib/login.yaml"),
                5
            ),
            ("second", "ping", Some("plans/_lib/deeper/ping.yaml"), 2),
        ]
    );
    let urls: Vec<&str> = steps
        .iter()
        .map(|s| s.request.as_ref().unwrap().url.as_str())
        .collect();
    assert!(urls[0].ends_with("/echo/login/alice"), "{urls:?}");
    assert!(
        urls[1].ends_with("/echo/ping?what=after%20alice&who=alice")
            || urls[1].ends_with("/echo/ping?what=after alice&who=alice"),
        "{urls:?}"
    );
    // Without `vars:` beside the include, the file's own `vars` are the defaults.
    assert!(urls[3].ends_with("/echo/login/nobody"), "{urls:?}");
    assert!(steps.iter().all(|s| s.outcome == Outcome::Passed));
    // The file shows in JUnit with --junit-locations and in results.json.
    assert_eq!(
        out.raw["plans"][0]["steps"][0]["file"],
        "plans/_lib/login.yaml"
    );
    assert!(out.raw["plans"][0]["steps"][2].get("file").is_none());
}

#[test]
fn a_missing_file_and_a_cycle_are_errors_at_the_including_line_with_the_chain() {
    let ws = Workspace::new("include-errors");
    ws.write(
        "plans/_shared/a.yaml",
        r#"
        steps:
          - include: b.yaml
        "#,
    );
    ws.write(
        "plans/_shared/b.yaml",
        r#"
        steps:
          - name: b
            request: { url: "http://127.0.0.1:9/b" }
          - include: a.yaml
        "#,
    );
    ws.write(
        "plans/_shared/uses-missing.yaml",
        r#"
        steps:
          - include: nowhere/oauth.yaml
        "#,
    );
    ws.write(
        "plans/p.yaml",
        r#"
        name: Broken includes
        steps:
          - include: _shared/missing.yaml
          - include: _shared/a.yaml
          - include: _shared/uses-missing.yaml
        "#,
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("plans/"))
        .collect();
    assert_eq!(errors.len(), 3, "{out}");
    assert!(errors.contains(&"plans/_shared/b.yaml:4:5: include cycle: plans/p.yaml → plans/_shared/a.yaml → plans/_shared/b.yaml → plans/_shared/a.yaml: a file cannot include itself, directly or through others"), "{out}");
    assert!(errors.contains(&"plans/_shared/uses-missing.yaml:2:5: cannot include `nowhere/oauth.yaml`: plans/_shared/nowhere/oauth.yaml does not exist (include chain: plans/p.yaml → plans/_shared/uses-missing.yaml → plans/_shared/nowhere/oauth.yaml); paths are relative to the including file"), "{out}");
    assert!(errors.contains(&"plans/p.yaml:3:5: cannot include `_shared/missing.yaml`: plans/_shared/missing.yaml does not exist (include chain: plans/p.yaml → plans/_shared/missing.yaml); paths are relative to the including file"), "{out}");
}

#[test]
fn mistakes_in_included_files_are_located_in_them() {
    let ws = Workspace::new("include-mistakes");
    ws.write(
        "plans/_shared/typo.yaml",
        r#"
        steps:
          - name: s
            request: { url: "http://127.0.0.1:9/{{ undefined_here }}" }
            expct: { status: 200 }
        "#,
    );
    ws.write(
        "plans/_shared/plan-like.yaml",
        r#"
        name: I am a plan
        steps: []
        "#,
    );
    ws.write(
        "plans/_shared/undefined.yaml",
        r#"
        steps:
          - name: s
            request: { url: "http://127.0.0.1:9/{{ undefined_here }}" }
        "#,
    );
    ws.write(
        "plans/p.yaml",
        r#"
        name: Mistakes
        steps:
          - include: _shared/typo.yaml
          - include: _shared/plan-like.yaml
          - include: _shared/undefined.yaml
            name: not allowed here
        "#,
    );
    ws.write(
        "plans/q.yaml",
        r#"
        name: Also includes the typo
        steps:
          - include: _shared/typo.yaml
        "#,
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("plans/"))
        .collect();
    let has = |prefix: &str| errors.iter().filter(|e| e.starts_with(prefix)).count();
    assert_eq!(
        has("plans/_shared/typo.yaml:4:5: steps[0]: unknown field `expct`"),
        1,
        "reported once: {out}"
    );
    assert_eq!(
        has("plans/_shared/plan-like.yaml:1:1: unknown field `name`"),
        1,
        "{out}"
    );
    assert!(errors.iter().any(|e| e.contains("not a plan")), "{out}");
    assert_eq!(has("plans/p.yaml:3:5: cannot include `_shared/typo.yaml`: plans/_shared/typo.yaml has errors"), 1, "{out}");
    assert_eq!(
        has("plans/q.yaml:3:5: cannot include `_shared/typo.yaml`"),
        1,
        "{out}"
    );
    assert_eq!(
        has("plans/p.yaml:6:5: an `include:` item takes only `vars` beside it, not `name`"),
        1,
        "{out}"
    );
    assert_eq!(
        has("plans/_shared/undefined.yaml:3:16: undefined variable `undefined_here`"),
        1,
        "{out}"
    );
}

#[test]
fn a_step_list_file_given_as_a_plan_gets_a_hint() {
    let ws = Workspace::new("include-hint");
    ws.write(
        "plans/shared.yaml",
        r#"
        steps:
          - name: s
            request: { url: "http://127.0.0.1:9/" }
        "#,
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("missing field `name`"), "{out}");
    assert!(
        out.stderr.contains("goes in a folder starting with `_`"),
        "{out}"
    );
}

#[test]
fn a_plan_level_include_brings_defaults_and_vars_the_plan_can_override() {
    let server = TestServer::shared();
    let ws = Workspace::new("include-defaults");
    ws.write(
        "plans/_shared/common.yaml",
        r#"
        vars: { api: v1, tenant: shared }
        defaults:
          headers: { X-Api: "{{ api }}", X-Tenant: "{{ tenant }}" }
          expect: { status: 200 }
        "#,
    );
    ws.write(
        "plans/p.yaml",
        r#"
        name: With defaults
        include: _shared/common.yaml
        vars: { tenant: mine }
        steps:
          - name: defaults apply
            request: { url: "{{ base_url }}/echo/defaults" }
            expect:
              json:
                "$.headers['x-api']": v1
                "$.headers['x-tenant']": mine
          - name: status default
            request: { url: "{{ base_url }}/status/500" }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let ok = out.step("defaults apply");
    assert_eq!(ok.outcome, Outcome::Passed, "{:?}", ok.checks);
    assert_eq!(ok.checks[0].subject, "status", "the shared expect applies");
    assert_eq!(out.step("status default").outcome, Outcome::Failed);
}
