//! The executor's event stream, as `--output ndjson` prints it: one JSON object per line
//! on stdout, every step started before it finishes, retries announced, plans and the
//! run framed by their start and finish.

use crate::common;

use common::{TestServer, Workspace};
use serde_json::Value;

const PLAN: &str = r#"
    name: Events
    vars:
      ids: [1, 2]
    steps:
      - name: comes up
        request: { url: "{{ base_url }}/flaky/events-{{ run_key }}/2" }
        retry: { attempts: 3, delay: 10ms }
        expect: { status: 200 }
      - name: later
        pending: the endpoint is not built yet
        request: { url: "{{ base_url }}/status/200" }
      - name: each
        for_each: "{{ ids }}"
        request: { url: "{{ base_url }}/echo/{{ item }}" }
        expect: { status: 200 }
      - name: broken
        request: { url: "{{ base_url }}/status/500" }
        expect: { status: 200 }
"#;

fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let kind = e["event"].as_str().unwrap().to_string();
            match (e.get("step"), e.get("result")) {
                (Some(step), _) => format!("{kind} {}", step.as_str().unwrap()),
                (_, Some(result)) => format!("{kind} {}", result["name"].as_str().unwrap()),
                _ => kind,
            }
        })
        .collect()
}

#[test]
fn ndjson_streams_every_event_of_the_run_in_order() {
    let server = TestServer::shared();
    let ws = Workspace::new("events");
    ws.write("plans/events.yaml", PLAN);
    let key = format!("run_key={}", std::process::id());
    let out = ws.run(&[
        "plans",
        "--var",
        &server.var(),
        "--var",
        &key,
        "--output",
        "ndjson",
    ]);
    assert_eq!(out.code(), 1, "{out}");
    let events = events(&out.exec.stdout);
    assert_eq!(
        kinds(&events),
        [
            "run_started",
            "plan_started",
            "step_started comes up",
            "attempt_failed comes up",
            "attempt_failed comes up",
            "step_finished comes up",
            "step_finished later",
            "step_started each [1]",
            "step_finished each [1]",
            "step_started each [2]",
            "step_finished each [2]",
            "step_started broken",
            "step_finished broken",
            "plan_finished",
            "run_finished",
        ],
        "{out}"
    );
    let started = &events[0];
    assert_eq!(started["total_steps"], 4);
    assert_eq!(started["plans"][0]["name"], "Events");
    assert_eq!(started["plans"][0]["file"], "plans/events.yaml");
    let retry = &events[3];
    assert_eq!(retry["plan"], 0);
    assert_eq!(retry["attempt"], 1);
    assert_eq!(retry["of"], 3);
    assert_eq!(retry["retry_in_ms"], 10);
    assert!(retry["reason"].as_str().unwrap().contains("503"), "{retry}");
    // A step_finished carries the step's result as results.json has it.
    let comes_up = &events[5]["result"];
    assert_eq!(comes_up["outcome"], "passed");
    assert_eq!(comes_up["attempts"], 3);
    assert_eq!(events[6]["result"]["outcome"], "not_tested");
    let finished = events.last().unwrap();
    assert_eq!(finished["summary"]["total"], 5);
    assert_eq!(finished["summary"]["failed"], 1);
    assert_eq!(finished["interrupted"], false);
    assert_eq!(events[13]["summary"]["passed"], 3);
    // Messages for people go to stderr, so stdout stays parseable.
    assert!(out.exec.stderr.contains("5 steps: 3 passed"), "{out}");
    assert!(
        out.exec.stderr.contains("JUnit XML: out/junit.xml"),
        "{out}"
    );
}

#[test]
fn concurrent_plans_each_keep_their_own_order_in_the_stream() {
    let server = TestServer::shared();
    let ws = Workspace::new("events-jobs");
    for name in ["a", "b", "c"] {
        ws.write(
            &format!("plans/{name}.yaml"),
            &format!(
                r#"
                name: Plan {name}
                steps:
                  - name: first
                    request: {{ url: "{{{{ base_url }}}}/delay/30" }}
                  - name: second
                    request: {{ url: "{{{{ base_url }}}}/status/200" }}
                "#
            ),
        );
    }
    let out = ws.run(&[
        "plans",
        "--var",
        &server.var(),
        "--jobs",
        "3",
        "--output",
        "ndjson",
    ]);
    assert_eq!(out.code(), 0, "{out}");
    let events = events(&out.exec.stdout);
    for plan in 0..3 {
        let mine: Vec<String> = kinds(
            &events
                .iter()
                .filter(|e| e["plan"] == plan)
                .cloned()
                .collect::<Vec<_>>(),
        );
        assert_eq!(
            mine,
            [
                "plan_started",
                "step_started first",
                "step_finished first",
                "step_started second",
                "step_finished second",
                "plan_finished",
            ],
            "plan {plan}\n{out}"
        );
    }
    assert_eq!(events.len(), 2 + 3 * 6, "{out}");
}
