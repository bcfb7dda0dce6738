//! `run --shard k/n` and `merge`: a suite run in four parts and merged gives the JSON,
//! JUnit and Markdown of one whole run (times aside); parts that do not make one run
//! are refused, naming the files.

use crate::common;

use common::{Exec, TestServer, Workspace};
use regex::Regex;
use serde_json::Value;

/// Plans of very different sizes (8, 1, 5, 2, 3, 1, 6, 4 steps) with passing, failing,
/// pending and skipped steps, and captures flowing from step to step inside a plan.
fn suite(ws: &Workspace) {
    let sizes = [8, 1, 5, 2, 3, 1, 6, 4];
    for (n, size) in sizes.iter().enumerate() {
        let mut plan = format!("name: Plan {n}\nsteps:\n");
        plan.push_str(
            "  - name: read the doc\n    request: { url: \"{{ base_url }}/doc\" }\n    \
             expect: { status: 200 }\n    capture: { id: \"$.id\" }\n",
        );
        for s in 1..*size {
            let step = match (n + s) % 4 {
                0 => format!(
                    "  - name: step {s} fails\n    request: {{ url: \"{{{{ base_url }}}}/status/500\" }}\n    expect: {{ status: 200 }}\n"
                ),
                1 => format!("  - name: step {s} is pending\n    pending: not built yet\n    request: {{ url: \"{{{{ base_url }}}}/doc\" }}\n"),
                _ => format!(
                    "  - name: step {s} uses the capture\n    request: {{ url: \"{{{{ base_url }}}}/echo/{{{{ id }}}}/{n}/{s}\" }}\n    expect: {{ status: 200 }}\n"
                ),
            };
            plan.push_str(&step);
        }
        std::fs::create_dir_all(ws.path("plans")).expect("plans folder");
        std::fs::write(ws.path(&format!("plans/p{n}.yaml")), plan).expect("write plan");
    }
}

fn run_part(ws: &Workspace, base: &str, shard: &str, name: &str) -> Exec {
    let (json, junit, md, html) = (
        format!("{name}/results.json"),
        format!("{name}/junit.xml"),
        format!("{name}/report.md"),
        format!("{name}/report.html"),
    );
    let mut args = vec![
        "run", "plans", "--var", base, "--jobs", "2", "--json", &json, "--junit", &junit,
        "--report", &md, "--html", &html,
    ];
    if !shard.is_empty() {
        args.extend_from_slice(&["--shard", shard]);
    }
    ws.exec(&args, &[])
}

fn merge(ws: &Workspace, parts: &[&str]) -> Exec {
    let mut args = vec!["merge"];
    args.extend_from_slice(parts);
    args.extend_from_slice(&[
        "--json",
        "merged/results.json",
        "--junit",
        "merged/junit.xml",
        "--report",
        "merged/report.md",
        "--html",
        "merged/report.html",
    ]);
    ws.exec(&args, &[])
}

/// Times are nulled; the merged run's list of parts is the one thing a single run lacks.
fn normalise_json(text: &str) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if [
                        "started_at",
                        "finished_at",
                        "duration_ms",
                        "latency_ms",
                        "latency_us",
                    ]
                    .contains(&key.as_str())
                    {
                        *value = Value::Null;
                    } else {
                        walk(value);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value: Value = serde_json::from_str(text).expect("results.json is JSON");
    if let Some(run) = value.get_mut("run").and_then(Value::as_object_mut) {
        run.remove("parts");
    }
    walk(&mut value);
    value
}

fn normalise_text(text: &str) -> String {
    let rules: [(&str, &str); 7] = [
        // The HTML's charts: bar lengths follow the latencies.
        (r#"\b(x|x1|x2|width)="[\d.]+""#, r#"$1="<n>""#),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<timestamp>"),
        (r"\d{4}-\d\d-\d\d( \d\d:\d\d(:\d\d)?( UTC)?)?", "<date>"),
        (r#"time="\d+\.\d{3}""#, r#"time="<s>""#),
        (r"\d+(\.\d+)? ?(ms|s)\b", "<t>"),
        (r"\(\d+ms\)", "(<t>)"),
        (r"<t>( / <t>)+", "<t>"),
    ];
    let mut out = text.to_string();
    for (pattern, with) in rules {
        out = Regex::new(pattern)
            .expect("normalisation regex")
            .replace_all(&out, with)
            .into_owned();
    }
    out
}

fn steps_of(json: &Value) -> usize {
    json["plans"]
        .as_array()
        .map(|plans| {
            plans
                .iter()
                .map(|p| p["steps"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn four_parts_merge_into_the_reports_of_one_run() {
    let server = TestServer::shared();
    let ws = Workspace::new("shards-four");
    suite(&ws);
    let base = server.var();
    let whole = run_part(&ws, &base, "", "whole");
    assert_eq!(whole.code, 1, "a step fails in the suite\n{whole}");
    let mut part_steps = Vec::new();
    for k in 1..=4 {
        let part = run_part(&ws, &base, &format!("{k}/4"), &format!("part{k}"));
        assert!(part.code <= 1, "{part}");
        assert!(part.stdout.contains(&format!("part {k}/4: ")), "{part}");
        let json: Value =
            serde_json::from_str(&ws.read(&format!("part{k}/results.json"))).expect("JSON");
        assert_eq!(json["run"]["shard"]["index"], k);
        assert_eq!(json["run"]["shard"]["total"], 4);
        assert_eq!(
            json["run"]["shard"]["suite_plans"].as_array().map(Vec::len),
            Some(8)
        );
        part_steps.push(steps_of(&json));
    }
    // Balanced by step count: 30 steps in four parts, none over 1.5× the mean (7.5).
    assert_eq!(part_steps.iter().sum::<usize>(), 30, "{part_steps:?}");
    assert!(
        part_steps.iter().all(|&n| n as f64 <= 1.5 * 7.5),
        "{part_steps:?}"
    );

    // Parts given in any order.
    let merged = merge(
        &ws,
        &[
            "part3/results.json",
            "part1/results.json",
            "part4/results.json",
            "part2/results.json",
        ],
    );
    assert_eq!(
        merged.code, whole.code,
        "the merged verdict is the run's\n{merged}"
    );
    assert!(merged.stdout.contains("merged 4 parts"), "{merged}");

    let merged_json = ws.read("merged/results.json");
    let whole_json = ws.read("whole/results.json");
    assert_eq!(normalise_json(&merged_json), normalise_json(&whole_json));
    assert_eq!(
        normalise_text(&ws.read("merged/junit.xml")),
        normalise_text(&ws.read("whole/junit.xml"))
    );
    assert_eq!(
        normalise_text(&ws.read("merged/report.md")),
        normalise_text(&ws.read("whole/report.md"))
    );
    assert_eq!(
        normalise_text(&ws.read("merged/report.html")),
        normalise_text(&ws.read("whole/report.html"))
    );

    // Every part listed with its host; the run spans them all.
    let run: Value = serde_json::from_str(&merged_json).expect("JSON");
    let parts = run["run"]["parts"].as_array().expect("run.parts");
    let shards: Vec<&str> = parts.iter().filter_map(|p| p["shard"].as_str()).collect();
    assert_eq!(shards, ["1/4", "2/4", "3/4", "4/4"]);
    assert!(parts.iter().all(|p| p["hostname"].is_string()));
    let starts: Vec<&str> = parts
        .iter()
        .filter_map(|p| p["started_at"].as_str())
        .collect();
    assert_eq!(
        run["run"]["started_at"].as_str(),
        starts.iter().min().copied()
    );
    assert!(
        run["run"].get("shard").is_none(),
        "a merged run is not a part"
    );
}

#[test]
fn a_part_without_plans_is_a_note_and_merges() {
    let server = TestServer::shared();
    let ws = Workspace::new("shards-empty");
    for name in ["a", "b"] {
        ws.write(
            &format!("plans/{name}.yaml"),
            &format!(
                r#"
                name: Plan {name}
                steps:
                  - name: reads
                    request: {{ url: "{{{{ base_url }}}}/doc" }}
                    expect: {{ status: 200 }}
                "#
            ),
        );
    }
    let base = server.var();
    for k in 1..=3 {
        let part = run_part(&ws, &base, &format!("{k}/3"), &format!("part{k}"));
        assert_eq!(part.code, 0, "{part}");
        if k == 3 {
            assert!(
                part.stdout.contains("note: part 3/3 has no plans"),
                "{part}"
            );
        }
    }
    let merged = merge(
        &ws,
        &[
            "part1/results.json",
            "part2/results.json",
            "part3/results.json",
        ],
    );
    assert_eq!(merged.code, 0, "{merged}");
    let run: Value = serde_json::from_str(&ws.read("merged/results.json")).expect("JSON");
    assert_eq!(steps_of(&run), 2);
}

#[test]
fn invalid_shards_exit_2_saying_what_to_write() {
    let ws = Workspace::new("shards-invalid");
    ws.write(
        "plans/a.yaml",
        "name: A\nsteps:\n  - name: s\n    pending: later\n",
    );
    for (shard, says) in [
        ("0/4", "between 1 and 4"),
        ("5/4", "between 1 and 4"),
        ("two/4", "not a whole number"),
        ("2", "is not k/n"),
        ("auto", "CI_NODE_INDEX"),
    ] {
        let out = ws.exec(&["run", "plans", "--shard", shard], &[]);
        assert_eq!(out.code, 2, "{shard}: {out}");
        assert!(out.stderr.contains(says), "{shard}: {out}");
        assert!(
            !ws.exists("reports/results.json"),
            "nothing ran for {shard}"
        );
    }
    // GitLab's parallel: sets the part.
    let out = ws.exec(
        &["run", "plans", "--shard", "auto", "--json", "auto.json"],
        &[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "2")],
    );
    assert_eq!(out.code, 0, "{out}");
    let json: Value = serde_json::from_str(&ws.read("auto.json")).expect("JSON");
    assert_eq!(json["run"]["shard"]["index"], 1);
    assert_eq!(json["run"]["shard"]["total"], 2);
}

/// Two plans split in two parts, for the refusals.
fn two_parts(tag: &str) -> Workspace {
    let ws = Workspace::new(tag);
    for name in ["a", "b"] {
        ws.write(
            &format!("plans/{name}.yaml"),
            &format!("name: Plan {name}\nsteps:\n  - name: s\n    pending: later\n"),
        );
    }
    for k in 1..=2 {
        let part = run_part(
            &ws,
            "base_url=http://127.0.0.1:9",
            &format!("{k}/2"),
            &format!("part{k}"),
        );
        assert_eq!(part.code, 0, "{part}");
    }
    ws
}

#[test]
fn merged_junit_names_the_host_of_each_part() {
    let ws = two_parts("shards-hosts");
    for (k, host) in [(1, "runner-a"), (2, "runner-b")] {
        let path = format!("part{k}/results.json");
        let mut json: Value = serde_json::from_str(&ws.read(&path)).expect("JSON");
        json["run"]["hostname"] = Value::from(host);
        std::fs::write(ws.path(&path), json.to_string()).expect("write part");
    }
    let out = merge(&ws, &["part2/results.json", "part1/results.json"]);
    assert_eq!(out.code, 0, "{out}");
    let xml = ws.read("merged/junit.xml");
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML");
    let hosts: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| {
            let props = n.descendants().filter(|p| p.has_tag_name("property"));
            let file = props
                .filter(|p| p.attribute("name") == Some("plan.file"))
                .find_map(|p| p.attribute("value"))
                .unwrap_or_default();
            (file, n.attribute("hostname").unwrap_or_default())
        })
        .collect();
    let run: Value = serde_json::from_str(&ws.read("merged/results.json")).expect("JSON");
    let part_of = |file: &str| -> String {
        let parts = run["run"]["parts"].as_array().expect("parts");
        let part = parts
            .iter()
            .find(|p| {
                p["plan_files"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|f| f == file))
            })
            .unwrap_or_else(|| panic!("no part lists {file}: {run}"));
        part["hostname"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(hosts.len(), 2, "{xml}");
    for (file, host) in &hosts {
        assert_eq!(*host, part_of(file), "{xml}");
    }
    let mut seen: Vec<&str> = hosts.iter().map(|(_, h)| *h).collect();
    seen.sort();
    assert_eq!(seen, ["runner-a", "runner-b"], "each suite its part's host");
    assert_eq!(run["run"]["hostname"], "runner-a, runner-b");
}

fn assert_refused(out: &Exec, says: &[&str]) {
    assert_eq!(out.code, 2, "{out}");
    for needle in says {
        assert!(out.stderr.contains(needle), "expected `{needle}`\n{out}");
    }
}

#[test]
fn merge_refuses_overlapping_parts() {
    let ws = two_parts("shards-overlap");
    let out = merge(&ws, &["part1/results.json", "part1/results.json"]);
    assert_refused(
        &out,
        &["part1/results.json and part1/results.json", "both part 1/2"],
    );
    // A part 2 that ran part 1's plan.
    let mut json: Value = serde_json::from_str(&ws.read("part1/results.json")).expect("JSON");
    json["run"]["shard"]["index"] = 2.into();
    std::fs::write(ws.path("fake2.json"), json.to_string()).expect("write");
    let out = merge(&ws, &["part1/results.json", "fake2.json"]);
    assert_refused(
        &out,
        &[
            "part1/results.json and fake2.json",
            "plans/a.yaml",
            "overlap",
        ],
    );

    // The same steps under another plan file: refused by step id.
    json["plans"][0]["file"] = "plans/a-copy.yaml".into();
    std::fs::write(ws.path("fake3.json"), json.to_string()).expect("write");
    let out = merge(&ws, &["part1/results.json", "fake3.json"]);
    assert_refused(
        &out,
        &["step plan-a/", "in both part1/results.json and fake3.json"],
    );
}

#[test]
fn merge_refuses_a_missing_part() {
    let ws = two_parts("shards-missing");
    let out = merge(&ws, &["part2/results.json"]);
    assert_refused(&out, &["part 1/2 is missing", "part2/results.json (2/2)"]);
}

#[test]
fn merge_refuses_parts_of_different_suites() {
    let ws = two_parts("shards-suites");
    ws.write(
        "plans/c.yaml",
        "name: Plan c\nsteps:\n  - name: s\n    pending: later\n",
    );
    let part = run_part(&ws, "base_url=http://127.0.0.1:9", "2/2", "other2");
    assert_eq!(part.code, 0, "{part}");
    let out = merge(&ws, &["part1/results.json", "other2/results.json"]);
    assert_refused(
        &out,
        &[
            "part1/results.json and other2/results.json",
            "different suites",
            "plans/c.yaml",
        ],
    );
}

#[test]
fn merge_refuses_other_results_versions_and_whole_runs() {
    let ws = two_parts("shards-versions");
    let mut json: Value = serde_json::from_str(&ws.read("part2/results.json")).expect("JSON");
    json["version"] = 99.into();
    std::fs::write(ws.path("v99.json"), json.to_string()).expect("write");
    let out = merge(&ws, &["part1/results.json", "v99.json"]);
    assert_refused(
        &out,
        &["v99.json is results version 99", "part1/results.json"],
    );

    let whole = ws.exec(&["run", "plans", "--json", "whole.json"], &[]);
    assert_eq!(whole.code, 0, "{whole}");
    let out = merge(&ws, &["whole.json", "part2/results.json"]);
    assert_refused(&out, &["whole.json is not a part of a split run"]);

    // An input is never overwritten by the merged output.
    let out = ws.exec(
        &[
            "merge",
            "part1/results.json",
            "part2/results.json",
            "--json",
            "part1/results.json",
        ],
        &[],
    );
    assert_refused(
        &out,
        &["part1/results.json is both a part to merge and an output"],
    );
}

#[test]
fn merge_honours_fail_on() {
    let ws = two_parts("merge-fail-on");
    let parts = ["part1/results.json", "part2/results.json"];
    let out = merge(&ws, &parts);
    assert_eq!(
        out.code, 0,
        "only pending steps: a pass without a policy\n{out}"
    );
    let mut args = vec!["merge"];
    args.extend_from_slice(&parts);
    args.extend_from_slice(&["--json", "m/results.json", "--junit", "m/junit.xml"]);
    args.extend_from_slice(&["--report", "m/report.md", "--fail-on", "not-tested"]);
    let out = ws.exec(&args, &[]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stdout
            .contains("2 steps not tested (--fail-on not-tested)"),
        "{out}"
    );
}

/// With a history, shards balance recorded time: the one slow one-step plan runs alone,
/// where step counts would pair it with a plan of three quick steps.
#[test]
fn shards_balance_recorded_durations_when_the_history_has_them() {
    let server = TestServer::shared();
    let ws = Workspace::new("shards-durations");
    ws.write(
        "plans/a-slow.yaml",
        "name: Slow\nsteps:\n  - name: waits\n    request: { url: \"{{ base_url }}/delay/400\" }\n    expect: { status: 200 }\n",
    );
    for n in ["b", "c", "d"] {
        let mut plan = format!("name: Quick {n}\nsteps:\n");
        for s in 1..=3 {
            plan.push_str(&format!(
                "  - name: quick {s}\n    request: {{ url: \"{{{{ base_url }}}}/doc\" }}\n    expect: {{ status: 200 }}\n"
            ));
        }
        ws.write(&format!("plans/{n}-quick.yaml"), &plan);
    }
    let base = server.var();
    let parts = |history: Option<&str>| -> Vec<(Vec<String>, String)> {
        (1..=2)
            .map(|k| {
                let (shard, json) = (format!("{k}/2"), format!("part{k}.json"));
                let mut args = vec![
                    "run", "plans", "--var", &base, "--shard", &shard, "--json", &json,
                ];
                if let Some(h) = history {
                    args.extend_from_slice(&["--history", h]);
                }
                let out = ws.exec(&args, &[]);
                assert_eq!(out.code, 0, "{out}");
                let text = std::fs::read_to_string(ws.path(&json)).expect("part results");
                let results: Value = serde_json::from_str(&text).expect("json");
                let plans = results["plans"]
                    .as_array()
                    .expect("plans")
                    .iter()
                    .map(|p| p["name"].as_str().unwrap_or_default().to_string())
                    .collect();
                (plans, format!("{}{}", out.stdout, out.stderr))
            })
            .collect()
    };
    // Step counts 1, 3, 3, 3: the slow plan shares a part with a quick one.
    let by_steps = parts(None);
    assert_eq!(by_steps[0].0, ["Quick b", "Quick d"]);
    assert_eq!(by_steps[1].0, ["Slow", "Quick c"]);
    // Once a whole run is recorded, the 400 ms plan weighs more than the three others.
    let whole = ws.exec(&["run", "plans", "--var", &base, "--history", "h.db"], &[]);
    assert_eq!(whole.code, 0, "{whole}");
    let by_time = parts(Some("h.db"));
    assert_eq!(by_time[0].0, ["Slow"]);
    assert_eq!(by_time[1].0, ["Quick b", "Quick c", "Quick d"]);
    assert!(
        by_time[0]
            .1
            .contains("shards balanced by the durations recorded in h.db (10 of 10 steps known)"),
        "{}",
        by_time[0].1
    );
}
