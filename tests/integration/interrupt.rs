//! Ctrl-C / SIGTERM: stop sending (also abandoning a request in flight), report what
//! did not run as skipped "interrupted", and still write every report.

use crate::common;

use common::{TestServer, Workspace};
use planrun::results::{Outcome, RunResults};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn interrupt_with(signal: &str) {
    let server = TestServer::start();
    let ws = Workspace::new(&format!("interrupt-{signal}"));
    ws.write(
        "plans/slow.yaml",
        "name: slow\nsteps:\n  - name: quick\n    request: { url: \"{{ base_url }}/doc\" }\n    expect: { status: 200 }\n  - name: hangs\n    timeout: 60s\n    request: { url: \"{{ base_url }}/delay/60000\" }\n  - name: never sent\n    request: { url: \"{{ base_url }}/doc\" }\n",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_planrun"))
        .args(["run", "plans", "--var", &server.var()])
        .args([
            "--junit",
            "out/junit.xml",
            "--report",
            "out/report.md",
            "--json",
            "out/results.json",
        ])
        .current_dir(ws.root())
        .env_clear()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start planrun");
    // Wait until the hanging request reached the server.
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.requests() < 2 {
        assert!(
            Instant::now() < deadline,
            "the plan never reached the slow step"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let status = child.wait().expect("planrun exits");
    assert_eq!(status.code(), Some(130), "an interrupted run exits 130");

    let results: RunResults =
        serde_json::from_str(&ws.read("out/results.json")).expect("results.json written");
    assert!(results.run.interrupted);
    let steps = &results.plans[0].steps;
    assert_eq!(steps[0].outcome, Outcome::Passed);
    for s in &steps[1..] {
        assert_eq!(s.outcome, Outcome::Skipped, "{}", s.name);
        assert!(
            s.message
                .as_deref()
                .unwrap_or("")
                .starts_with("interrupted"),
            "{:?}",
            s.message
        );
    }
    assert_eq!(
        server.requests(),
        2,
        "nothing is sent after the interruption"
    );
    let junit = ws.read("out/junit.xml");
    let doc = roxmltree::Document::parse(&junit).expect("JUnit well-formed");
    let skipped: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .collect();
    assert_eq!(skipped.len(), 2);
    assert!(
        ws.read("out/report.md").contains("hangs") || ws.read("out/report.md").contains("/delay/")
    );
}

#[test]
fn ctrl_c_stops_sending_and_writes_every_report() {
    interrupt_with("INT");
}

#[test]
fn sigterm_does_the_same() {
    interrupt_with("TERM");
}
