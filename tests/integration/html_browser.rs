//! The demo's HTML report in a real browser: Debian's Chromium, headless, loads the
//! page from disk, runs its script and dumps the DOM. The test fails on any console
//! message (a script error, a resource the Content-Security-Policy refused), on a page
//! whose script did not run to its end, and on sections or charts left empty. Needs
//! `chromium`, so it is ignored by default; `.ci/run` installs it and runs this with
//! `cargo test --test integration html_browser -- --ignored`.

use crate::common;
use crate::html_report::{document, markdown_sections, texts};

use std::process::Command;

#[test]
#[ignore = "needs chromium; .ci/run installs it and runs this"]
fn the_demo_report_renders_in_a_browser_without_errors() {
    let ws = common::Workspace::new("html-browser");
    // Two runs with a history, as a team runs it weekly: the second report has the
    // changes since the first and the trends.
    for scenario in ["reference", "healthy"] {
        let exec = ws.exec(
            &[
                "demo",
                "--scenario",
                scenario,
                "--history",
                "h.db",
                "--junit",
                "out/junit.xml",
                "--report",
                "out/report.md",
                "--json",
                "out/results.json",
                "--html",
                "out/report.html",
            ],
            &[],
        );
        assert!(exec.code <= 1, "{exec}");
    }
    let page = ws.path("out/report.html");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", ws.path("chromium-profile").display()),
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium is installed (apt-get install chromium)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    // Chromium logs each console message as `INFO:CONSOLE(line)] "message", source: …`.
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert_eq!(console, Vec::<&str>::new(), "console messages");

    let dom = String::from_utf8(out.stdout).expect("UTF-8 DOM");
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script ran to its end"
    );
    // The filter is shown once the script ran, with "All" pressed: nothing hidden.
    assert!(
        dom.contains("data-show=\"all\" aria-pressed=\"true\""),
        "All is pressed"
    );
    assert!(!dom.contains(" hidden"), "nothing is hidden");

    // The browser's DOM, serialised as HTML, is not XML: read the sections from the
    // page as written, and check the browser kept them.
    let html = ws.read("out/report.html");
    let sections = document(&crate::html_report::parse(&html), |d| texts(d, "h2"));
    assert_eq!(sections, markdown_sections(&ws.read("out/report.md")));
    for expected in [
        "Changes Since the Previous Run",
        "Trends",
        "Critical Integration Failures",
    ] {
        assert!(
            sections.iter().any(|s| s == expected),
            "{expected}: {sections:?}"
        );
    }
    for section in &sections {
        assert!(
            dom.contains(&format!("<h2>{}</h2>", section.replace('&', "&amp;"))),
            "{section} rendered"
        );
    }
    for empty in [
        "<td></td>",
        "<dd></dd>",
        "<li></li>",
        "<summary></summary>",
        "<pre></pre>",
        "<h3></h3>",
        "<h4></h4>",
    ] {
        assert!(!dom.contains(empty), "an empty {empty} in the page");
    }
    let charts = dom.matches("<svg class=\"chart\"").count();
    assert!(
        charts >= 5,
        "totals, coverage by type, latency, pass-rate and latency trends: {charts}"
    );
    assert!(dom.contains("<polyline"), "the trend lines");
    assert!(dom.matches("<rect").count() > 10, "the charts have bars");
}
