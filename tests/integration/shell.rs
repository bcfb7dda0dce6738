//! The shell knows planrun: completion scripts and manual pages generated from the one
//! clap definition, and environment variables standing in for the common options.

use crate::common;

use common::{TestServer, Workspace};

#[test]
fn completion_scripts_for_every_shell_name_the_options() {
    let ws = Workspace::new("completions");
    for (shell, marker) in [
        ("bash", "_planrun()"),
        ("zsh", "#compdef planrun"),
        ("fish", "complete -c planrun"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[planrun]"),
    ] {
        let out = ws.exec(&["completions", shell], &[]);
        assert_eq!(out.code, 0, "{shell}: {out}");
        assert!(out.stdout.contains(marker), "{shell} lacks {marker}");
        for option in ["fail-fast", "junit-locations", "export"] {
            assert!(out.stdout.contains(option), "{shell} lacks --{option}");
        }
    }
    let out = ws.exec(&["completions", "tcsh"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("possible values"), "{out}");
}

#[test]
fn manual_pages_for_planrun_and_each_command() {
    let ws = Workspace::new("man");
    let main = ws.exec(&["man"], &[]);
    assert_eq!(main.code, 0, "{main}");
    assert!(main.stdout.contains(".TH planrun 1"), "{main}");
    for command in ["run", "validate", "list", "report", "demo", "completions"] {
        assert!(main.stdout.contains(command), "planrun(1) lacks {command}");
    }
    let run = ws.exec(&["man", "run"], &[]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains(".TH planrun-run 1"), "{run}");
    assert!(run.stdout.contains(".SH \"SELECTING STEPS\""), "{run}");
    assert!(run.stdout.contains(r"\fB\-\-fail\-fast\fR"), "{run}");
    let unknown = ws.exec(&["man", "nope"], &[]);
    assert_eq!(unknown.code, 2, "{unknown}");
    assert!(unknown.stderr.contains("no command `nope`"), "{unknown}");
}

#[test]
fn help_groups_options_and_shows_examples_and_environment_bindings() {
    let ws = Workspace::new("help");
    let run = ws.exec(&["run", "--help"], &[]);
    assert_eq!(run.code, 0, "{run}");
    for heading in [
        "Plans:",
        "Reports:",
        "Terminal:",
        "Sending:",
        "Selecting steps:",
        "Examples:",
    ] {
        assert!(run.stdout.contains(heading), "no {heading}\n{run}");
    }
    assert!(run.stdout.contains("[env: PLANRUN_JOBS=]"), "{run}");
    assert!(run.stdout.contains("[env: PLANRUN_ENV=]"), "{run}");
    let report = ws.exec(&["report", "--help"], &[]);
    assert!(
        report
            .stdout
            .contains("Plain-text markers instead of emoji"),
        "{report}"
    );
    assert!(report.stdout.contains("Add testcase file/line"), "{report}");
}

#[test]
fn environment_variables_stand_in_for_env_jobs_output_and_report_paths() {
    let server = TestServer::shared();
    let ws = Workspace::new("env-bindings");
    ws.write(
        "plans/planrun.yaml",
        &format!(
            "environments:\n  local:\n    base_url: {}\n",
            server.base_url()
        ),
    );
    ws.write(
        "plans/p.yaml",
        r#"
        name: Bound
        steps:
          - name: up
            request: { url: "{{ base_url }}/status/200" }
        "#,
    );
    let envs = [
        ("PLANRUN_ENV", "local"),
        ("PLANRUN_JOBS", "1"),
        ("PLANRUN_OUTPUT", "ndjson"),
        ("PLANRUN_JUNIT", "ci/junit.xml"),
        ("PLANRUN_REPORT", "ci/report.md"),
        ("PLANRUN_JSON", "ci/results.json"),
    ];
    let out = ws.exec(&["run", "plans"], &envs);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout.starts_with("{\"event\":\"run_started\""),
        "{out}"
    );
    for file in ["ci/junit.xml", "ci/report.md", "ci/results.json"] {
        assert!(ws.exists(file), "{file} not written\n{out}");
    }
    // The command line wins over the environment.
    let out = ws.exec(&["run", "plans", "--env", "nope"], &envs);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("nope"), "{out}");
    let out = ws.exec(&["run", "plans"], &[("PLANRUN_JOBS", "many")]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("many"), "{out}");
}
