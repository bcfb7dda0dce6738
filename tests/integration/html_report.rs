//! `--html FILE`: the HTML report of a real run (`run`, re-rendered by `report`), its
//! sections those of the Markdown report, every text from the run shown as text,
//! nothing loaded from anywhere. The same page in a real browser: `html_browser`.

use crate::common;

use common::{TestServer, Workspace};

/// The page as a document: it is written as polyglot (well-formed) markup, so an XML
/// parser reads it once its inline script is left out.
pub(crate) fn parse(html: &str) -> String {
    let start = html.find("<script>").expect("the page's own script");
    let end = html.find("</script>").expect("its end") + "</script>".len();
    let body = format!("{}{}", &html[..start], &html[end..]);
    document(&body, |_| ());
    body
}

pub(crate) fn document<T>(body: &str, f: impl FnOnce(&roxmltree::Document) -> T) -> T {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(body, options)
        .unwrap_or_else(|e| panic!("the page is not well-formed: {e}"));
    f(&doc)
}

/// The text of every element called `tag`, in document order.
pub(crate) fn texts(doc: &roxmltree::Document, tag: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect()
        })
        .collect()
}

/// The Markdown report's `## ` headings.
pub(crate) fn markdown_sections(md: &str) -> Vec<String> {
    md.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::to_string)
        .collect()
}

/// A page that loads nothing: no resource by URL in any form.
pub(crate) fn assert_self_contained(html: &str) {
    for needle in [
        "src=", "href=", "<link", "url(", "@import", "<iframe", "<object",
    ] {
        assert!(!html.contains(needle), "the page has {needle}");
    }
    assert_eq!(html.matches("<script").count(), 1, "one inline script");
}

const PLAN: &str = r#"
    name: Hostile <b>names</b>
    integration: Echo
    category: Core
    defaults:
      expect:
        latency: { warn: 2s, fail: 5s }
    steps:
      - name: "<script>alert('name')</script> & co"
        request:
          method: POST
          url: "{{ base_url }}/echo/x"
          json: { note: "<script>alert('body')</script>" }
        expect:
          status: 200
          json:
            $.body.note: "plain text"
      - name: a passing step
        request:
          url: "{{ base_url }}/doc"
        expect:
          status: 200
      - name: not built yet
        pending: waits for the API
        request:
          url: "{{ base_url }}/doc"
"#;

#[test]
fn run_and_report_write_the_same_self_contained_page() {
    let server = TestServer::shared();
    let ws = Workspace::new("html-run");
    ws.write("plans/hostile.yaml", PLAN);
    let base = server.var();
    let run = ws.exec(
        &[
            "run",
            "plans",
            "--var",
            &base,
            "--json",
            "out/results.json",
            "--junit",
            "out/junit.xml",
            "--report",
            "out/report.md",
            "--html",
            "out/report.html",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "the hostile step fails\n{run}");
    assert!(run.stdout.contains("HTML report: out/report.html"), "{run}");
    let html = ws.read("out/report.html");
    assert_self_contained(&html);

    let body = parse(&html);
    let (sections, steps, pres, title) = document(&body, |d| {
        let steps: Vec<(String, String)> = d
            .descendants()
            .filter(|n| n.has_tag_name("details"))
            .map(|n| {
                let summary = n
                    .children()
                    .find(|c| c.has_tag_name("summary"))
                    .map(|s| {
                        s.descendants()
                            .filter(|t| t.is_text())
                            .filter_map(|t| t.text())
                            .collect()
                    })
                    .unwrap_or_default();
                (
                    n.attribute("data-outcome").unwrap_or("").to_string(),
                    summary,
                )
            })
            .collect();
        (texts(d, "h2"), steps, texts(d, "pre"), texts(d, "title"))
    });
    assert_eq!(sections, markdown_sections(&ws.read("out/report.md")));
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert_eq!(steps[0].0, "failed");
    assert!(
        steps[0].1.contains("<script>alert('name')</script> & co"),
        "the name reads as written: {steps:?}"
    );
    assert_eq!(
        [steps[1].0.as_str(), steps[2].0.as_str()],
        ["passed", "not_tested"]
    );
    assert!(
        pres.iter()
            .any(|p| p.contains(r#""note":"<script>alert('body')</script>""#)),
        "the response is shown as text: {pres:?}"
    );
    assert_eq!(title[0], "Integration & Connector Test Report");

    // Re-rendered from the saved results: the same page, also with --no-emoji.
    let report = ws.exec(
        &[
            "report",
            "--from",
            "out/results.json",
            "--html",
            "again.html",
        ],
        &[],
    );
    assert_eq!(report.code, 0, "{report}");
    assert_eq!(ws.read("again.html"), html);
    let plain = ws.exec(
        &[
            "report",
            "--from",
            "out/results.json",
            "--html",
            "plain.html",
            "--no-emoji",
        ],
        &[],
    );
    assert_eq!(plain.code, 0, "{plain}");
    let plain = ws.read("plain.html");
    assert!(plain.contains("[FAIL]") && !plain.contains('❌'));
}

#[test]
fn an_unwritable_html_path_is_exit_2_and_the_other_reports_are_written() {
    let server = TestServer::shared();
    let ws = Workspace::new("html-unwritable");
    ws.write("plans/hostile.yaml", PLAN);
    ws.write("blocker", "a file where a folder should be");
    let base = server.var();
    let run = ws.exec(
        &[
            "run",
            "plans",
            "--var",
            &base,
            "--json",
            "out/results.json",
            "--junit",
            "out/junit.xml",
            "--report",
            "out/report.md",
            "--html",
            "blocker/report.html",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("cannot write HTML report to blocker/report.html"),
        "{run}"
    );
    assert!(ws.exists("out/results.json") && ws.exists("out/report.md"));
}
