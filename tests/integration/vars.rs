//! Variables: `planrun.yaml` vars and environments (`--env`), `--var` winning over
//! them, `{{ env.NAME }}` from the process environment, and undefined variables.

use crate::common;

use common::{RunOutput, TestServer, Workspace};
use planrun::results::Outcome;
use serde_json::Value;

fn suite_config(server: &TestServer) -> String {
    format!(
        r#"
        system: Vars test
        vars:
          greeting: from-suite
          suite_only: suite-value
        environments:
          dev:
            base_url: {base}
            greeting: from-dev
            env_name: dev
          staging:
            base_url: http://127.0.0.1:1
            greeting: from-staging
            env_name: staging
        "#,
        base = server.base_url()
    )
}

const ECHO_VARS: &str = r#"
    name: Vars
    steps:
      - name: echo vars
        request:
          url: "{{ base_url }}/echo/vars"
          headers:
            X-Greeting: "{{ greeting }}"
            X-Env-Name: "{{ env_name }}"
            X-Suite: "{{ suite_only }}"
            X-Process: "{{ env.PLANRUN_IT_PROCESS_VAR }}"
        expect: { status: 200 }
"#;

fn workspace(tag: &str, server: &TestServer) -> Workspace {
    let ws = Workspace::new(tag);
    ws.write("plans/planrun.yaml", &suite_config(server));
    ws.write("plans/vars.yaml", ECHO_VARS);
    ws
}

/// The headers the echo server received for `step`.
fn echoed_headers(out: &RunOutput, step: &str) -> Value {
    let step = out.step(step);
    assert_eq!(step.outcome, Outcome::Passed, "{out}");
    let body = &step.response.as_ref().unwrap().body_excerpt;
    let echo: Value = serde_json::from_str(body).unwrap();
    echo["headers"].clone()
}

#[test]
fn env_selects_planrun_yaml_environment_and_env_reads_the_process() {
    let server = TestServer::shared();
    let ws = workspace("vars-env", server);
    let out = ws.run_env(
        &["plans", "--env", "dev"],
        &[("PLANRUN_IT_PROCESS_VAR", "from-process")],
    );
    assert_eq!(out.code(), 0, "{out}");
    let h = echoed_headers(&out, "echo vars");
    assert_eq!(
        h["x-greeting"], "from-dev",
        "the environment wins over suite vars"
    );
    assert_eq!(h["x-env-name"], "dev");
    assert_eq!(h["x-suite"], "suite-value");
    assert_eq!(h["x-process"], "from-process");
    assert_eq!(out.results.run.environment.as_deref(), Some("dev"));
    assert_eq!(
        out.results.run.target.as_deref(),
        Some(server.base_url().as_str())
    );
    assert_eq!(out.results.run.system.as_deref(), Some("Vars test"));
}

#[test]
fn var_on_the_command_line_wins_over_the_environment() {
    let server = TestServer::shared();
    let ws = workspace("vars-cli", server);
    let out = ws.run_env(
        &["plans", "--env", "dev", "--var", "greeting=from-cli"],
        &[("PLANRUN_IT_PROCESS_VAR", "x")],
    );
    assert_eq!(out.code(), 0, "{out}");
    let h = echoed_headers(&out, "echo vars");
    assert_eq!(h["x-greeting"], "from-cli");
    assert_eq!(h["x-env-name"], "dev");
}

#[test]
fn an_unknown_environment_is_an_invalid_run_listing_the_known_ones() {
    let server = TestServer::start();
    let ws = workspace("vars-unknown-env", &server);
    let out = ws.run(&["plans", "--env", "prod"]);
    assert_eq!(out.code(), 2, "{out}");
    let stderr = &out.exec.stderr;
    assert!(stderr.contains("--env prod"), "{stderr}");
    assert!(stderr.contains("dev, staging"), "{stderr}");
    assert_eq!(server.requests(), 0);
}

#[test]
fn an_undefined_variable_at_run_time_is_an_error_naming_variable_step_and_file() {
    let server = TestServer::shared();
    let ws = Workspace::new("vars-undefined-runtime");
    ws.write(
        "plans/undefined.yaml",
        r#"
        name: Undefined
        steps:
          - name: reads an unset env var
            request:
              url: "{{ base_url }}/echo/x"
              headers: { X-Missing: "{{ env.PLANRUN_IT_NOT_SET }}" }
            expect: { status: 200 }
          - name: runs anyway
            request: { url: "{{ base_url }}/status/200" }
            expect: { status: 200 }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let step = out.step("reads an unset env var");
    assert_eq!(step.outcome, Outcome::Error);
    assert_eq!(
        step.error_kind,
        Some(planrun::results::ErrorKind::TemplateError)
    );
    assert!(step.request.is_none(), "nothing was sent");
    let message = step.message.as_deref().unwrap();
    assert!(message.contains("PLANRUN_IT_NOT_SET"), "{message}");
    assert!(message.contains("reads an unset env var"), "{message}");
    assert!(message.contains("plans/undefined.yaml"), "{message}");
    assert_eq!(out.step("runs anyway").outcome, Outcome::Passed);
}

#[test]
fn an_undefined_plain_variable_is_found_before_anything_is_sent() {
    let server = TestServer::start();
    let ws = Workspace::new("vars-undefined-static");
    ws.write(
        "plans/undefined.yaml",
        r#"
        name: Undefined
        steps:
          - name: uses nope
            request: { url: "{{ base_url }}/echo/{{ nope }}" }
            expect: { status: 200 }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 2, "{out}");
    let stderr = &out.exec.stderr;
    let line = stderr
        .lines()
        .find(|l| l.contains("`nope`"))
        .unwrap_or_else(|| panic!("the variable is not named\n{out}"));
    assert!(line.starts_with("plans/undefined.yaml:4:"), "{line}");
    assert_eq!(server.requests(), 0);
}
