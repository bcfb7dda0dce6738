//! What the terminal shows while a run goes: the progress line on a pseudo-terminal
//! (steps in flight with their own rising time), `NO_COLOR`, plain output off a
//! terminal, `--quiet` and `--verbose`.

use crate::common;

use common::{TestServer, Workspace};
use std::process::Command;

/// One call of about 1.5 s, then one failing step with an Authorization header.
fn slow_plan(server: &TestServer) -> String {
    format!(
        r#"
        name: Slow
        steps:
          - name: slow call
            request: {{ url: "{base}/delay/1500" }}
            expect: {{ status: 200 }}
          - name: wrong status
            request:
              url: "{base}/text"
              headers: {{ Authorization: "Bearer {TOKEN}", X-Trace: trace-1 }}
            expect:
              status: 201
              body: {{ contains: "not in the body" }}
        "#,
        base = server.base_url()
    )
}

const TOKEN: &str = "tok-5ecr3t-value";

/// `planrun ARGS` run by util-linux `script` on a pseudo-terminal: everything the
/// terminal received (stdout and stderr, escape codes and all). None without `script`.
fn on_a_pty(ws: &Workspace, args: &str, envs: &[(&str, &str)]) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!(
            "note: util-linux `script` is not installed: the pseudo-terminal test cannot run"
        );
        return None;
    }
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_planrun"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&ws.dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .envs(envs.iter().copied())
        .output()
        .expect("run script");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The times shown next to `step` on the progress line, in the order drawn.
fn in_flight_times(screen: &str, step: &str) -> Vec<f64> {
    let pattern = format!(r"› {} (\d+\.\d)s", regex::escape(step));
    let re = regex::Regex::new(&pattern).unwrap();
    re.captures_iter(screen)
        .map(|c| c[1].parse::<f64>().unwrap())
        .collect()
}

fn colour_codes(text: &str) -> usize {
    regex::Regex::new(r"\x1b\[[0-9;]*m")
        .unwrap()
        .find_iter(text)
        .count()
}

const RUN: &str = "run plans --json out/r.json --junit out/j.xml --report out/r.md";

#[test]
fn on_a_terminal_the_progress_line_names_the_step_in_flight_and_its_rising_time() {
    let server = TestServer::shared();
    let ws = Workspace::new("terminal-pty");
    ws.write("plans/slow.yaml", &slow_plan(server));
    let Some(screen) = on_a_pty(&ws, RUN, &[]) else {
        return;
    };
    let times = in_flight_times(&screen, "slow call");
    let mut distinct = times.clone();
    distinct.dedup();
    assert!(
        distinct.len() > 1,
        "redrawn while the call was in flight: {times:?}\n{screen}"
    );
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "the step's time only rises: {times:?}"
    );
    assert!(screen.contains("0/2 steps"), "{screen}");
    assert!(screen.contains("1/2 steps"), "{screen}");
    assert!(colour_codes(&screen) > 0, "colour on a terminal: {screen}");
    assert!(screen.contains("2 steps: 1 passed"), "{screen}");
}

#[test]
fn no_color_removes_colour_but_not_the_progress() {
    let server = TestServer::shared();
    let ws = Workspace::new("terminal-no-color");
    ws.write("plans/slow.yaml", &slow_plan(server));
    let Some(screen) = on_a_pty(&ws, RUN, &[("NO_COLOR", "1")]) else {
        return;
    };
    assert_eq!(colour_codes(&screen), 0, "{screen:?}");
    let mut times = in_flight_times(&screen, "slow call");
    times.dedup();
    assert!(times.len() > 1, "progress still drawn: {times:?}\n{screen}");
    assert!(screen.contains("status: expected 201"), "{screen}");
}

#[test]
fn off_a_terminal_the_lines_are_plain() {
    let server = TestServer::shared();
    let ws = Workspace::new("terminal-plain");
    ws.write("plans/slow.yaml", &slow_plan(server));
    ws.write(
        "plans/phased.yaml",
        &format!(
            "name: Phased\nphases:\n  - name: Health\n    steps:\n      - name: up\n        request: {{ url: \"{}/status/200\" }}\n",
            server.base_url()
        ),
    );
    let out = ws.run(&["plans"]);
    assert_eq!(out.code(), 1, "{out}");
    let all = format!("{}{}", out.exec.stdout, out.exec.stderr);
    assert!(!all.contains('\x1b'), "no escape codes: {all:?}");
    assert!(!all.contains(" steps 0s"), "no progress line: {all}");
    // A plan without phases is not named twice; a phase is named.
    assert!(all.contains("Slow › slow call  200"), "{all}");
    assert!(!all.contains("Slow › Slow"), "{all}");
    assert!(all.contains("Phased › Health › up  200"), "{all}");
    assert!(!all.contains("request: GET"), "--verbose only: {all}");
}

#[test]
fn quiet_prints_only_the_summary() {
    let server = TestServer::shared();
    let ws = Workspace::new("terminal-quiet");
    ws.write("plans/slow.yaml", &slow_plan(server));
    let out = ws.run(&["plans", "--quiet"]);
    assert_eq!(out.code(), 1, "{out}");
    let lines: Vec<&str> = out.exec.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].starts_with("2 steps: 1 passed, 0 slow, 1 failed"),
        "{out}"
    );
    assert_eq!(out.exec.stderr, "", "{out}");
    assert!(ws.exists("out/report.md"), "reports still written");
}

#[test]
fn verbose_shows_failed_checks_request_with_masked_headers_and_the_body() {
    let server = TestServer::shared();
    let ws = Workspace::new("terminal-verbose");
    ws.write("plans/slow.yaml", &slow_plan(server));
    let out = ws.run(&["plans", "--verbose"]);
    assert_eq!(out.code(), 1, "{out}");
    let stdout = &out.exec.stdout;
    let base = server.base_url();
    for line in [
        "      2 of 2 checks failed:",
        "        - status: expected 201, got 200 OK",
        &format!("      request: GET {base}/text"),
        "        Authorization: ***",
        "        X-Trace: trace-1",
        "      response: 200 OK, 37 bytes",
        "        | hello planrun",
        "        | state=ready code=XYZ-9",
    ] {
        assert!(stdout.lines().any(|l| l == line), "missing {line:?}\n{out}");
    }
    assert!(stdout.contains("body"), "{out}");
    assert!(!stdout.contains(TOKEN), "the token is masked: {out}");
    assert!(
        !out.json.contains(TOKEN),
        "and in the results: {}",
        out.json
    );
    let request = out.step("wrong status").request.as_ref().unwrap();
    assert_eq!(
        request.headers,
        [
            ("Authorization".to_string(), "***".to_string()),
            ("X-Trace".to_string(), "trace-1".to_string())
        ]
    );
    // The passing step is not expanded.
    assert!(!stdout.contains("/delay/1500\n"), "{out}");
}
