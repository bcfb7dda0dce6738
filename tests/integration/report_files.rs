//! The report files of a run: written together (one thread each), each attempted
//! whatever happens to the others, and the notes printed in a fixed order.

use crate::common;

use common::{TestServer, Workspace};

const PLAN: &str = r#"
    name: Files
    steps:
      - name: doc
        request:
          url: "{{ base_url }}/doc"
        expect:
          status: 200
"#;

#[test]
fn every_report_is_written_and_named_in_a_fixed_order() {
    let server = TestServer::shared();
    let ws = Workspace::new("report-files-all");
    ws.write("plans/files.yaml", PLAN);
    let base = server.var();
    let args = [
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
    ];
    for _ in 0..3 {
        let run = ws.exec(&args, &[]);
        assert_eq!(run.code, 0, "{run}");
        let notes: Vec<&str> = run
            .stdout
            .lines()
            .filter(|l| l.contains(": out/"))
            .collect();
        assert_eq!(
            notes,
            [
                "JSON results: out/results.json",
                "JUnit XML: out/junit.xml",
                "Markdown report: out/report.md",
                "HTML report: out/report.html",
            ],
            "{run}"
        );
    }
    assert!(ws.read("out/results.json").contains("\"name\": \"Files\""));
    assert!(ws.read("out/junit.xml").contains("<testcase name=\"doc\""));
    assert!(ws.read("out/report.md").contains("# Integration"));
    assert!(ws.read("out/report.html").contains("<html"));
}

#[test]
fn two_unwritable_paths_lose_two_reports_and_the_others_are_written() {
    let server = TestServer::shared();
    let ws = Workspace::new("report-files-two-lost");
    ws.write("plans/files.yaml", PLAN);
    ws.write("blocker", "a file where a folder should be");
    let base = server.var();
    let run = ws.exec(
        &[
            "run",
            "plans",
            "--var",
            &base,
            "--json",
            "blocker/results.json",
            "--junit",
            "out/junit.xml",
            "--report",
            "blocker/report.md",
            "--html",
            "out/report.html",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{run}");
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: cannot write"))
        .collect();
    assert_eq!(errors.len(), 2, "{run}");
    assert!(
        errors[0].starts_with("error: cannot write JSON results to blocker/results.json: "),
        "{run}"
    );
    assert!(
        errors[1].starts_with("error: cannot write Markdown report to blocker/report.md: "),
        "{run}"
    );
    assert!(ws.read("out/junit.xml").contains("<testcase name=\"doc\""));
    assert!(ws.read("out/report.html").contains("<html"));
}
