//! Control flow of the plan language against a local server: step `vars`, `when`,
//! `retry`, `for_each`, and the run filters (`--tag`, `--skip-tag`, `--step`,
//! `--fail-fast`).

use crate::common;

use common::{TestServer, Workspace};
use planrun::results::Outcome;
use serde_json::{json, Value};

#[test]
fn step_vars_are_rendered_in_order_and_seen_by_request_checks_and_when() {
    let server = TestServer::shared();
    let ws = Workspace::new("step-vars");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Vars
        vars: { n: 2 }
        steps:
          - name: vars
            vars:
              doubled: "{{ n * 2 }}"
              label: "n={{ doubled }}"
              go: "{{ doubled > 3 }}"
            when: go
            request:
              method: POST
              url: "{{ base_url }}/echo/step-vars"
              json: { doubled: "{{ doubled }}", label: "{{ label }}" }
            expect:
              status: 200
              json:
                $.body.doubled: "{{ doubled }}"
                $.body.label: "{{ label }}"
          - name: not when
            vars: { go: "{{ n > 5 }}" }
            when: "{{ go }}"
            request: { url: "{{ base_url }}/echo/never" }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    let step = out.step("vars");
    assert_eq!(step.outcome, Outcome::Passed, "{:?}", step.checks);
    // The expected values were rendered: a number compared with a number.
    let expected: Vec<&str> = step
        .checks
        .iter()
        .map(|c| c.expected_text.as_str())
        .collect();
    assert_eq!(expected[1..], ["4", "\"n=4\""], "{:?}", step.checks);
    let sent = server.echoed("\"label\":\"n=4\"");
    assert_eq!(sent.len(), 1);
    let sent: Value = serde_json::from_str(&sent[0]).unwrap();
    assert_eq!(sent, json!({"doubled": 4, "label": "n=4"}));
    let skipped = out.step("not when");
    assert_eq!(skipped.outcome, Outcome::Skipped);
    assert_eq!(
        skipped.message.as_deref(),
        Some("skipped: when `{{ go }}` is false")
    );
    assert!(skipped.request.is_none());
    assert!(
        out.junit
            .contains("<skipped message=\"skipped: when `{{ go }}` is false\""),
        "{}",
        out.junit
    );
}

#[test]
fn retry_re_sends_until_checks_hold_and_reports_the_attempts() {
    let server = TestServer::start();
    let ws = Workspace::new("retry");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Retry
        steps:
          - name: comes up
            request: { url: "{{ base_url }}/flaky/up/3" }
            retry: { attempts: 5, delay: 10ms }
            expect: { status: 200, json: { $.status: up } }
          - name: never up
            request: { url: "{{ base_url }}/flaky/down/100" }
            retry: { attempts: 3, delay: 10ms }
            expect: { status: 200 }
          - name: no retry
            request: { url: "{{ base_url }}/flaky/once/100" }
            expect: { status: 200 }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let up = out.step("comes up");
    assert_eq!(up.outcome, Outcome::Passed);
    assert_eq!(up.attempts, 4);
    assert_eq!(server.flaky_count("up"), 4, "stops once the checks hold");
    let down = out.step("never up");
    assert_eq!(down.outcome, Outcome::Failed);
    assert_eq!(down.attempts, 3);
    assert_eq!(server.flaky_count("down"), 3);
    assert_eq!(
        down.message.as_deref(),
        Some("after 3 attempts: status: expected 200, got 503 Service Unavailable")
    );
    assert_eq!(out.step("no retry").attempts, 1);
    assert_eq!(server.flaky_count("once"), 1);
    // The attempts show in the JUnit body, the JSON results and the terminal.
    assert!(out.junit.contains("attempts: 4"), "{}", out.junit);
    assert!(out.junit.contains("attempts: 3"), "{}", out.junit);
    assert!(out
        .junit
        .contains("message=\"after 3 attempts: status: expected 200"));
    assert_eq!(out.raw["plans"][0]["steps"][0]["attempts"], 4);
    assert!(out.exec.stdout.contains("(4 attempts)"), "{out}");
    assert!(
        out.markdown.contains("after 3 attempts"),
        "{}",
        out.markdown
    );
}

#[test]
fn for_each_makes_one_testcase_per_item_with_item_in_scope() {
    let server = TestServer::shared();
    let ws = Workspace::new("for-each");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Each
        vars:
          ids: [7, 8]
        steps:
          - name: literal
            for_each: [openai-gpt4o, { name: claude, tier: 2 }, 3, openai-gpt4o]
            request: { url: "{{ base_url }}/echo/each/{{ item.name if item is mapping else item }}" }
            expect: { status: 200 }
          - name: from a var
            for_each: "{{ ids }}"
            vars: { path: "/items/{{ item }}" }
            request: { url: "{{ base_url }}/echo{{ path }}" }
            expect:
              status: 200
              json: { $.path: "/echo/items/{{ item }}" }
            capture: { last: $.path }
          - name: down providers
            for_each: [ok-a, down-b]
            request: { url: "{{ base_url }}/providers/{{ item }}/health" }
            expect:
              status: 200
              json: { $.id: "{{ item }}" }
          - name: after
            request: { url: "{{ base_url }}/echo{{ last }}" }
            expect: { status: 200 }
          - name: not a list
            for_each: "{{ ids[0] }}"
            request: { url: "{{ base_url }}/echo/x" }
          - name: empty
            for_each: "{{ ids[5:] }}"
            request: { url: "{{ base_url }}/echo/x" }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let names: Vec<&str> = out
        .plan("Each")
        .steps
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "literal [openai-gpt4o]",
            "literal [claude]",
            "literal [3]",
            "literal [openai-gpt4o #2]",
            "from a var [7]",
            "from a var [8]",
            "down providers [ok-a]",
            "down providers [down-b]",
            "after",
            "not a list",
            "empty",
        ]
    );
    let urls: Vec<String> = out.plan("Each").steps[..4]
        .iter()
        .map(|s| s.request.as_ref().unwrap().url.clone())
        .collect();
    assert!(urls[1].ends_with("/echo/each/claude"), "{urls:?}");
    assert!(urls[2].ends_with("/echo/each/3"), "{urls:?}");
    for s in &out.plan("Each").steps[..6] {
        assert_eq!(s.outcome, Outcome::Passed, "{}: {:?}", s.name, s.message);
    }
    // Each item is its own testcase: one fails, the other passes.
    assert_eq!(out.step("down providers [ok-a]").outcome, Outcome::Passed);
    let down = out.step("down providers [down-b]");
    assert_eq!(down.outcome, Outcome::Failed);
    assert_eq!(down.checks[1].expected_text, "\"down-b\"");
    // The last item's capture is what later steps see.
    assert!(out
        .step("after")
        .request
        .as_ref()
        .unwrap()
        .url
        .ends_with("/echo/echo/items/8"));
    let not_list = out.step("not a list");
    assert_eq!(not_list.outcome, Outcome::Error);
    assert!(
        not_list
            .message
            .as_deref()
            .unwrap()
            .contains("for_each `{{ ids[0] }}` gave 7, not a list"),
        "{:?}",
        not_list.message
    );
    let empty = out.step("empty");
    assert_eq!(empty.outcome, Outcome::Skipped);
    assert_eq!(
        empty.message.as_deref(),
        Some("skipped: for_each `{{ ids[5:] }}` gave an empty list")
    );
    assert!(out.junit.contains("<testcase name=\"literal [claude]\""));
    assert!(out.junit.contains("<testcase name=\"from a var [8]\""));
}

#[test]
fn item_is_only_in_scope_inside_for_each_steps() {
    let ws = Workspace::new("item-scope");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Scope
        vars: { base_url: "http://127.0.0.1:9" }
        steps:
          - name: each
            for_each: [a]
            request: { url: "{{ base_url }}/{{ item }}" }
          - name: outside
            request: { url: "{{ base_url }}/{{ item }}" }
          - name: list uses item
            for_each: "{{ item }}"
            request: { url: "{{ base_url }}/x" }
        "#,
    );
    let out = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(out.code, 2, "{out}");
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("plans/p.yaml:"))
        .collect();
    assert_eq!(errors.len(), 2, "{out}");
    assert!(errors[0].starts_with("plans/p.yaml:8:16: undefined variable `item`: `item` is defined only in steps with `for_each`"), "{out}");
    assert!(
        errors[1].starts_with("plans/p.yaml:10:5: undefined variable `item`"),
        "{out}"
    );
}

const TAGGED: &str = r#"
    name: Tagged
    tags: [api]
    steps:
      - name: login
        tags: [smoke]
        request: { url: "{{ base_url }}/echo/filter/login" }
        expect: { status: 200 }
      - name: report
        tags: [slow]
        request: { url: "{{ base_url }}/echo/filter/report" }
        expect: { status: 200 }
      - name: search items
        request: { url: "{{ base_url }}/echo/filter/search" }
        expect: { status: 200 }
      - name: per region
        for_each: [eu, us]
        tags: [smoke]
        request: { url: "{{ base_url }}/echo/filter/{{ item }}" }
        expect: { status: 200 }
"#;

fn outcomes(out: &common::RunOutput) -> Vec<(String, Outcome, Option<String>)> {
    out.plan("Tagged")
        .steps
        .iter()
        .map(|s| (s.name.clone(), s.outcome, s.message.clone()))
        .collect()
}

#[test]
fn tag_and_step_filters_skip_the_rest_naming_the_filter() {
    let server = TestServer::start();
    let ws = Workspace::new("filters");
    ws.write("plans/p.yaml", TAGGED);
    let base = server.var();

    let out = ws.run(&["plans", "--var", &base, "--tag", "smoke"]);
    assert_eq!(out.code(), 0, "{out}");
    let tag = Some("filtered: --tag smoke".to_string());
    assert_eq!(
        outcomes(&out),
        [
            ("login".into(), Outcome::Passed, None),
            ("report".into(), Outcome::Skipped, tag.clone()),
            ("search items".into(), Outcome::Skipped, tag),
            ("per region [eu]".into(), Outcome::Passed, None),
            ("per region [us]".into(), Outcome::Passed, None),
        ]
    );
    assert!(
        out.junit.contains("filtered: --tag smoke\"/>"),
        "{}",
        out.junit
    );

    let out = ws.run(&["plans", "--var", &base, "--skip-tag", "slow"]);
    let o = outcomes(&out);
    assert_eq!(o[1].1, Outcome::Skipped);
    assert_eq!(o[1].2.as_deref(), Some("filtered: --skip-tag slow"));
    assert!(o
        .iter()
        .enumerate()
        .all(|(i, s)| i == 1 || s.1 == Outcome::Passed));

    let out = ws.run(&["plans", "--var", &base, "--step", "search*"]);
    let sent: Vec<&str> = out
        .plan("Tagged")
        .steps
        .iter()
        .filter(|s| s.outcome == Outcome::Passed)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(sent, ["search items"]);
    assert_eq!(
        out.step("login").message.as_deref(),
        Some("filtered: --step \"search*\"")
    );

    // A glob naming one item of a for_each.
    let out = ws.run(&["plans", "--var", &base, "--step", "per region [us]"]);
    let sent: Vec<&str> = out
        .plan("Tagged")
        .steps
        .iter()
        .filter(|s| s.outcome == Outcome::Passed)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(sent, ["per region [us]"]);
    assert_eq!(out.code(), 0);
}

#[test]
fn fail_fast_stops_sending_after_the_first_failure() {
    let server = TestServer::start();
    let ws = Workspace::new("fail-fast");
    ws.write(
        "plans/a.yaml",
        r#"
        name: A
        steps:
          - name: fine
            request: { url: "{{ base_url }}/flaky/ff-fine/0" }
            expect: { status: 200 }
          - name: breaks
            request: { url: "{{ base_url }}/flaky/ff-breaks/9" }
            expect: { status: 200 }
          - name: after
            request: { url: "{{ base_url }}/flaky/ff-after/0" }
            expect: { status: 200 }
          - name: each
            for_each: [1, 2]
            request: { url: "{{ base_url }}/flaky/ff-each/0" }
        "#,
    );
    ws.write(
        "plans/b.yaml",
        r#"
        name: B
        steps:
          - name: later plan
            request: { url: "{{ base_url }}/flaky/ff-other/0" }
            expect: { status: 200 }
        "#,
    );
    // One plan at a time, so "after the first failure" is in a known order.
    let out = ws.run(&[
        "plans",
        "--var",
        &server.var(),
        "--fail-fast",
        "--jobs",
        "1",
    ]);
    assert_eq!(out.code(), 1, "{out}");
    assert_eq!(out.step("fine").outcome, Outcome::Passed);
    assert_eq!(out.step("breaks").outcome, Outcome::Failed);
    let stop = "not run: --fail-fast after failure of \"breaks\"";
    for name in ["after", "each [1]", "each [2]"] {
        let s = out.step(name);
        assert_eq!(s.outcome, Outcome::Skipped, "{name}");
        assert_eq!(s.message.as_deref(), Some(stop), "{name}");
    }
    assert_eq!(
        out.step("later plan").message.as_deref(),
        Some("not run: --fail-fast after failure of \"breaks\" in plan \"A\"")
    );
    for key in ["ff-after", "ff-each", "ff-other"] {
        assert_eq!(server.flaky_count(key), 0, "{key} was sent");
    }
    assert!(!out.results.run.interrupted);

    // Without the flag, everything runs.
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.step("after").outcome, Outcome::Passed);
    assert_eq!(server.flaky_count("ff-other"), 1);
}
