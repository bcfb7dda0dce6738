//! Snapshots of the JUnit XML and the Markdown report of one fixed run (passed, slow,
//! failed, error, pending and not-configured steps), with everything that varies
//! between runs normalised; and `planrun report` re-rendering both byte for byte.

use crate::common;

use common::{closed_port, TestServer, Workspace};
use planrun::results::Outcome;
use regex::Regex;
use std::sync::OnceLock;

const SUITE: &str = r#"
    system: Snapshot Shop
    report:
      title: Snapshot Integration Report
      review_every: 7d
"#;

const SHOP: &str = r#"
    name: Shop API
    category: Core
    integration: Shop
    phases:
      - name: Catalog
        steps:
          - name: catalog is up
            request: { url: "{{ base_url }}/doc" }
            expect:
              status: 200
              headers: { content-type: { contains: application/json } }
              json:
                $.status: ok
                $.items[*].price: { each: { gte: 0 } }
          - name: search is slow
            request: { url: "{{ base_url }}/delay/300" }
            expect:
              status: 200
              latency: { warn: 50ms, fail: 10s }
      - name: Orders
        integration: Orders
        steps:
          - name: create order
            request:
              method: POST
              url: "{{ base_url }}/status/503"
              json: { sku: widget, qty: 2 }
            expect:
              status: 201
              json: { $.code: 201 }
            on_failure:
              priority: critical
              impact: Nobody can order
              action: Restart the order service
          - name: order history
            request: { url: "http://127.0.0.1:{{ closed_port }}/orders" }
            expect: { status: 200 }
      - name: Payments
        integration: Payments
        category: Billing
        steps:
          - name: refund
            pending: needs a payment sandbox
            request: { method: POST, url: "{{ base_url }}/refunds" }
          - name: charge card
            requires_env: [PLANRUN_IT_PAYMENTS_ACCOUNT]
            request: { method: POST, url: "{{ base_url }}/charges" }
            expect: { status: 200 }
"#;

struct FixedRun {
    results_json: String,
    junit: String,
    markdown: String,
}

fn fixed_run() -> &'static FixedRun {
    static RUN: OnceLock<FixedRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let server = TestServer::shared();
        let ws = Workspace::new("snapshots");
        ws.write("plans/planrun.yaml", SUITE);
        ws.write("plans/shop.yaml", SHOP);
        let closed = format!("closed_port={}", closed_port());
        let out = ws.run(&["plans", "--var", &server.var(), "--var", &closed]);
        assert_eq!(out.code(), 1, "{out}");
        let outcomes: Vec<Outcome> = out.results.plans[0]
            .steps
            .iter()
            .map(|s| s.outcome)
            .collect();
        use Outcome::*;
        assert_eq!(
            outcomes,
            [Passed, Slow, Failed, Error, NotTested, NotConfigured],
            "{out}"
        );
        FixedRun {
            results_json: out.json,
            junit: out.junit,
            markdown: out.markdown,
        }
    })
}

/// Replaces what differs between runs: durations, measured milliseconds, timestamps,
/// dates, the hostname and the ports of the test servers.
fn normalise(text: &str) -> String {
    let rules = [
        (r#"time="[0-9.]+""#, r#"time="0.000""#),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "<TIMESTAMP>"),
        (r"\d{4}-\d{2}-\d{2}", "<DATE>"),
        (r#"hostname="[^"]*""#, r#"hostname="<HOST>""#),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:<PORT>"),
        (r"\b\d+(\.\d+)?( ?)ms\b", "<N>${2}ms"),
    ];
    let mut out = text.to_string();
    for (pattern, replacement) in rules {
        out = Regex::new(pattern)
            .unwrap()
            .replace_all(&out, replacement)
            .into_owned();
    }
    out
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", normalise(&fixed_run().junit));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("markdown", normalise(&fixed_run().markdown));
}

#[test]
fn report_re_renders_the_same_junit_and_markdown_from_results_json() {
    let run = fixed_run();
    let ws = Workspace::new("report-again");
    std::fs::create_dir_all(ws.path("out")).unwrap();
    std::fs::write(ws.path("out/results.json"), &run.results_json).unwrap();
    let out = ws.exec(
        &[
            "report",
            "--from",
            "out/results.json",
            "--junit",
            "again/junit.xml",
            "--report",
            "again/report.md",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(ws.read("again/junit.xml"), run.junit, "JUnit differs");
    assert_eq!(ws.read("again/report.md"), run.markdown, "Markdown differs");
    // Byte-equal, not only text-equal.
    let bytes = |rel: &str| std::fs::read(ws.path(rel)).unwrap();
    assert_eq!(bytes("again/junit.xml"), run.junit.as_bytes());
    assert_eq!(bytes("again/report.md"), run.markdown.as_bytes());
}

#[test]
fn report_refuses_a_file_that_is_not_results_json() {
    let ws = Workspace::new("report-bad-input");
    ws.write("results.json", "{\"version\": 999}");
    let out = ws.exec(
        &["report", "--from", "results.json", "--junit", "j.xml"],
        &[],
    );
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("results.json"), "{out}");
    assert!(!ws.exists("j.xml"));
}
