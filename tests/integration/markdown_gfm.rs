//! The Markdown report renders cleanly with GitHub's own Markdown engine: every table
//! parses as a table, with all its rows and no stray cells. Needs `cmark-gfm` (Debian
//! package cmark-gfm), so it is ignored by default; `.ci/run` installs the tool and
//! runs it with `cargo test --test integration markdown_gfm -- --ignored`.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

fn cmark_gfm(markdown: &str) -> String {
    let mut child = Command::new("cmark-gfm")
        .args(["--extension", "table", "--extension", "strikethrough"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cmark-gfm is installed (apt-get install cmark-gfm)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(markdown.as_bytes())
        .expect("write markdown");
    let out = child.wait_with_output().expect("cmark-gfm runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("UTF-8 HTML")
}

/// (tables, rows) as the Markdown source lays them out.
fn tables_in_source(markdown: &str) -> (usize, usize) {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut tables = 0;
    let mut rows = 0;
    let mut in_table = false;
    for (i, line) in lines.iter().enumerate() {
        let is_row = line.starts_with('|');
        let is_separator = is_row && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
        if is_row && !in_table && lines.get(i + 1).is_some_and(|n| n.starts_with("|---")) {
            tables += 1;
            in_table = true;
        }
        if !is_row {
            in_table = false;
        }
        if in_table && !is_separator {
            rows += 1;
        }
    }
    (tables, rows)
}

#[test]
#[ignore = "needs cmark-gfm; .ci/run installs it and runs this"]
fn the_demo_report_renders_on_github() {
    let ws = common::Workspace::new("gfm");
    let exec = ws.exec(
        &[
            "demo",
            "--plans",
            &format!("{}/plans/crm-ai-pro", env!("CARGO_MANIFEST_DIR")),
            "--junit",
            "out/junit.xml",
            "--report",
            "out/report.md",
            "--json",
            "out/results.json",
        ],
        &[],
    );
    assert_eq!(exec.code, 0, "{exec}");
    let markdown = ws.read("out/report.md");
    let html = cmark_gfm(&markdown);
    let (tables, rows) = tables_in_source(&markdown);
    assert!(tables >= 1, "the report has at least the overview table");
    assert_eq!(html.matches("<table>").count(), tables, "{html}");
    assert_eq!(
        html.matches("<tr>").count(),
        rows,
        "every row is a table row"
    );
    assert!(!html.contains("<td>|"), "no cell starts with a stray pipe");
    assert!(html.contains("<h1>"), "the title is a heading");
    // Fenced blocks stay code: nothing inside them turned into markup.
    assert_eq!(
        html.matches("<pre><code>").count(),
        markdown
            .lines()
            .filter(|l| l.starts_with("```") && l.trim_start_matches('`').is_empty())
            .count()
            / 2
    );
}
