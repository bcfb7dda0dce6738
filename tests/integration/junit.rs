//! The JUnit XML of real runs, parsed back and held to the junit-10 rules: the shape,
//! the counts, the time format, only the attributes junit-10.xsd allows, and at most
//! one result element per testcase.

use crate::common;

use common::{closed_port, RunOutput, TestServer, Workspace};
use roxmltree::{Document, Node};
use std::collections::BTreeMap;

const MIXED: &str = r#"
    name: Mixed
    integration: Mixed API
    phases:
      - name: One
        steps:
          - name: passes
            request: { url: "{{ base_url }}/doc" }
            expect: { status: 200, json: { $.status: ok } }
          - name: slow
            request: { url: "{{ base_url }}/delay/300" }
            expect: { status: 200, latency: { warn: 50ms, fail: 10s } }
          - name: fails
            request: { url: "{{ base_url }}/status/503" }
            expect: { status: 200 }
            capture: { token: $.token }
      - name: Two
        steps:
          - name: errors
            request: { url: "http://127.0.0.1:{{ closed_port }}/" }
            expect: { status: 200 }
          - name: pending
            pending: waiting for a sandbox
            request: { url: "{{ base_url }}/doc" }
          - name: not configured
            requires_env: [PLANRUN_IT_NEVER_SET]
            request: { url: "{{ base_url }}/doc" }
          - name: skipped
            request: { url: "{{ base_url }}/echo/{{ token }}" }
"#;

const GOOD: &str = r#"
    name: Good
    steps:
      - name: one
        request: { url: "{{ base_url }}/status/200" }
        expect: { status: 200 }
      - name: two
        request: { url: "{{ base_url }}/status/204" }
        expect: { status: "2xx" }
"#;

fn run(tag: &str, extra: &[&str]) -> RunOutput {
    let server = TestServer::shared();
    let ws = Workspace::new(tag);
    ws.write("plans/a_mixed.yaml", MIXED);
    ws.write("plans/b_good.yaml", GOOD);
    let closed = format!("closed_port={}", closed_port());
    let mut args = vec!["plans", "--var", &closed, "--var"];
    let base = server.var();
    args.push(&base);
    args.extend_from_slice(extra);
    let out = ws.run(&args);
    assert_eq!(out.code(), 1, "{out}");
    out
}

const ALLOWED: &[(&str, &[&str])] = &[
    (
        "testsuites",
        &["name", "time", "tests", "failures", "disabled", "errors"],
    ),
    (
        "testsuite",
        &[
            "name",
            "tests",
            "failures",
            "errors",
            "time",
            "disabled",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
            "version",
        ],
    ),
    (
        "testcase",
        &["name", "assertions", "time", "classname", "status", "class"],
    ),
    ("failure", &["message", "type"]),
    ("error", &["message", "type"]),
    ("skipped", &["message"]),
    ("property", &["name", "value"]),
    ("properties", &[]),
    ("system-out", &[]),
    ("system-err", &[]),
];

/// Child elements junit-10.xsd allows under each element.
const CHILDREN: &[(&str, &[&str])] = &[
    ("testsuites", &["testsuite"]),
    (
        "testsuite",
        &["properties", "testcase", "system-out", "system-err"],
    ),
    ("properties", &["property"]),
    (
        "testcase",
        &["skipped", "error", "failure", "system-out", "system-err"],
    ),
];

fn elements<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(|c| c.is_element())
}

fn count_attr(n: Node, name: &str) -> usize {
    let text = n
        .attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no `{name}`", n.tag_name().name()));
    text.parse()
        .unwrap_or_else(|_| panic!("`{name}` = {text:?} is not a count"))
}

/// Checks every junit-10 rule; returns suite name → testcase names.
/// `extra` lists testcase attributes allowed beyond junit-10 (`--junit-locations`).
fn check_junit10(xml: &str, extra: &[&str]) -> BTreeMap<String, Vec<String>> {
    let doc = Document::parse(xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let time = regex::Regex::new(r"^\d+\.\d{3}$").unwrap();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        let allowed = ALLOWED
            .iter()
            .find(|(t, _)| *t == tag)
            .unwrap_or_else(|| panic!("element <{tag}> is not junit-10"))
            .1;
        for a in n.attributes() {
            let ok =
                allowed.contains(&a.name()) || (tag == "testcase" && extra.contains(&a.name()));
            assert!(
                ok,
                "<{tag}> has attribute `{}` that junit-10 does not allow",
                a.name()
            );
        }
        if let Some(t) = n.attribute("time") {
            assert!(time.is_match(t), "<{tag}> time={t:?}");
        }
        if let Some((_, kids)) = CHILDREN.iter().find(|(t, _)| *t == tag) {
            for c in elements(n) {
                let name = c.tag_name().name();
                assert!(kids.contains(&name), "<{name}> is not allowed in <{tag}>");
            }
        }
    }
    let mut totals = [0usize; 3];
    let mut suites = BTreeMap::new();
    for suite in elements(root) {
        let cases: Vec<Node> = elements(suite)
            .filter(|c| c.has_tag_name("testcase"))
            .collect();
        let mut counts = [0usize; 3]; // failures, errors, skipped
        for case in &cases {
            let results: Vec<&str> = elements(*case)
                .map(|c| c.tag_name().name())
                .filter(|t| ["failure", "error", "skipped"].contains(t))
                .collect();
            assert!(results.len() <= 1, "testcase with {results:?}");
            match results.first() {
                Some(&"failure") => counts[0] += 1,
                Some(&"error") => counts[1] += 1,
                Some(&"skipped") => counts[2] += 1,
                _ => {}
            }
            for r in
                elements(*case).filter(|c| c.has_tag_name("failure") || c.has_tag_name("error"))
            {
                assert!(r.attribute("message").is_some() && r.attribute("type").is_some());
            }
        }
        let name = suite.attribute("name").unwrap().to_string();
        assert_eq!(count_attr(suite, "tests"), cases.len(), "{name}: tests");
        assert_eq!(count_attr(suite, "failures"), counts[0], "{name}: failures");
        assert_eq!(count_attr(suite, "errors"), counts[1], "{name}: errors");
        assert_eq!(count_attr(suite, "skipped"), counts[2], "{name}: skipped");
        totals[0] += cases.len();
        totals[1] += counts[0];
        totals[2] += counts[1];
        let names = cases
            .iter()
            .map(|c| c.attribute("name").unwrap().to_string())
            .collect();
        suites.insert(name, names);
    }
    assert_eq!(count_attr(root, "tests"), totals[0], "root tests");
    assert_eq!(count_attr(root, "failures"), totals[1], "root failures");
    assert_eq!(count_attr(root, "errors"), totals[2], "root errors");
    suites
}

fn case<'a, 'i>(doc: &'a Document<'i>, name: &str) -> Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no testcase {name}"))
}

#[test]
fn a_run_with_every_outcome_keeps_the_junit_10_rules() {
    let out = run("junit-rules", &[]);
    let suites = check_junit10(&out.junit, &[]);
    // One suite per plan, one testcase per step, not-sent steps included.
    let expected: BTreeMap<String, Vec<String>> = out
        .results
        .plans
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.steps.iter().map(|s| s.name.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(suites, expected);
    assert_eq!(suites["Mixed"].len(), 7);

    let doc = Document::parse(&out.junit).unwrap();
    let result_of = |name: &str| {
        elements(case(&doc, name))
            .find(|c| ["failure", "error", "skipped"].contains(&c.tag_name().name()))
            .map(|r| {
                let tag = r.tag_name().name().to_string();
                (tag, r.attribute("type").map(str::to_string))
            })
    };
    assert_eq!(result_of("passes"), None);
    assert_eq!(result_of("slow"), None, "slow is a pass with a note");
    assert_eq!(
        result_of("fails"),
        Some(("failure".into(), Some("StatusMismatch".into())))
    );
    assert_eq!(
        result_of("errors"),
        Some(("error".into(), Some("ConnectionRefused".into())))
    );
    assert_eq!(result_of("pending"), Some(("skipped".into(), None)));
    assert_eq!(result_of("not configured"), Some(("skipped".into(), None)));
    assert_eq!(result_of("skipped"), Some(("skipped".into(), None)));
    let skipped_message = |name: &str| {
        let n = elements(case(&doc, name)).find(|c| c.has_tag_name("skipped"));
        n.and_then(|s| s.attribute("message")).unwrap().to_string()
    };
    assert_eq!(skipped_message("pending"), "pending: waiting for a sandbox");
    assert!(skipped_message("not configured").starts_with("not configured: "));
    assert!(skipped_message("not configured").contains("PLANRUN_IT_NEVER_SET"));
    let slow_out = elements(case(&doc, "slow"))
        .find(|c| c.has_tag_name("system-out"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(slow_out.contains("over warn budget 50 ms"), "{slow_out}");
    // No locations unless asked for.
    assert!(case(&doc, "passes").attribute("file").is_none());
}

#[test]
fn junit_locations_add_file_and_line_to_testcases() {
    let out = run("junit-locations", &["--junit-locations"]);
    check_junit10(&out.junit, &["file", "line"]);
    let doc = Document::parse(&out.junit).unwrap();
    for plan in &out.results.plans {
        for step in &plan.steps {
            let tc = case(&doc, &step.name);
            assert_eq!(
                tc.attribute("file"),
                Some(plan.file.as_str()),
                "{}",
                step.name
            );
            assert_eq!(
                tc.attribute("line"),
                Some(step.line.to_string().as_str()),
                "{}",
                step.name
            );
        }
    }
    // Lines point at the steps in the plan file.
    assert_eq!(out.results.plans[0].file, "plans/a_mixed.yaml");
    assert_eq!(out.step("passes").line, 6);
    assert_eq!(out.step("errors").line, 18);
}

#[test]
fn a_plan_that_does_not_load_still_gets_junit_10_output() {
    let ws = Workspace::new("junit-load-error");
    ws.write("plans/good.yaml", GOOD);
    ws.write(
        "plans/typo.yaml",
        r#"
        name: Typo
        steps:
          - name: x
            request: { url: "http://127.0.0.1:9/" }
            expct: { status: 200 }
        "#,
    );
    let out = ws.run(&["plans", "--var", "base_url=http://127.0.0.1:9"]);
    assert_eq!(out.code(), 2, "{out}");
    let suites = check_junit10(&out.junit, &[]);
    assert_eq!(suites.len(), 1, "{suites:?}");
    let doc = Document::parse(&out.junit).unwrap();
    let error = doc.descendants().find(|n| n.has_tag_name("error")).unwrap();
    assert_eq!(error.attribute("type"), Some("PlanInvalid"));
    let message = error.attribute("message").unwrap();
    assert!(message.starts_with("plans/typo.yaml:5:"), "{message}");
    assert!(message.contains("expct"), "{message}");
}
