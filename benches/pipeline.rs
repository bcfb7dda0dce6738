//! Micro-benchmarks of the parts of a run that are not the network: loading plans,
//! rendering templates, writing the three reports. `cargo bench --bench pipeline`;
//! bench/compare.sh measures whole runs against Hurl and the wrk floor.

use planrun::plan::load::{load, LoadOptions};
use planrun::report::{json, junit, markdown};
use planrun::results::RunResults;
use planrun::template::{Scope, Templates, Vars};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn main() {
    divan::main();
}

/// A plan of `steps` GET steps with two JSONPath checks each, as bench/compare.sh runs.
fn plan_text(name: &str, steps: usize) -> String {
    let mut text = format!("name: {name}\nsteps:\n");
    for s in 1..=steps {
        text.push_str(&format!(
            "  - name: step {s}\n    request:\n      url: \"{{{{ base_url }}}}/health?s={s}\"\n      headers: {{ X-Step: \"{s}\" }}\n    expect:\n      status: 200\n      json:\n        $.status: ok\n        $.version: {{ type: string, matches: \"^[0-9]\" }}\n"
        ));
    }
    text
}

/// A folder of `plans` plan files, removed when dropped.
struct PlanDir(PathBuf);

impl PlanDir {
    fn new(plans: usize, steps: usize) -> PlanDir {
        let dir = std::env::temp_dir().join(format!(
            "planrun-bench-{}-{plans}x{steps}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for p in 0..plans {
            let file = dir.join(format!("plan-{p:04}.yaml"));
            std::fs::write(file, plan_text(&format!("plan {p}"), steps)).unwrap();
        }
        PlanDir(dir)
    }
}

impl Drop for PlanDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Loading: read, parse, check and compile, as `planrun validate` and `run` do.
mod load_plans {
    use super::*;

    #[divan::bench(args = [(1, 2000), (500, 10)])]
    fn load_suite(bencher: divan::Bencher, (plans, steps): (usize, usize)) {
        let dir = PlanDir::new(plans, steps);
        let opts = LoadOptions {
            paths: vec![dir.0.clone()],
            vars: vec![("base_url".into(), "http://127.0.0.1:1".into())],
            env: std::env::vars().collect(),
            ..LoadOptions::default()
        };
        bencher.bench(|| load(&opts).unwrap());
    }
}

/// Parsing alone: one plan's YAML to the typed plan and its positions, in one parse
/// (src/plan/yaml).
mod parse_yaml {
    use super::*;
    use planrun::plan::types::PlanFile;
    use planrun::plan::yaml::from_str_indexed;

    #[divan::bench(args = [10, 2000])]
    fn plan_file(bencher: divan::Bencher, steps: usize) {
        let text = plan_text("plan", steps);
        bencher.bench(|| from_str_indexed::<PlanFile>(&text).unwrap());
    }
}

/// Rendering one step's URL with the whole process environment among the variables.
mod render {
    use super::*;

    fn suite_vars() -> Map<String, Value> {
        let env: Map<String, Value> = (0..60)
            .map(|i| (format!("ENV_VAR_{i}"), Value::String(format!("value {i}"))))
            .collect();
        let mut vars = Map::new();
        vars.insert("env".into(), Value::Object(env));
        vars.insert("base_url".into(), json!("http://127.0.0.1:8080"));
        vars
    }

    #[divan::bench]
    fn url_with_suite_vars(bencher: divan::Bencher) {
        let mut templates = Templates::new();
        let url = templates.text("{{ base_url }}/health?s=1").unwrap();
        let vars = Vars::suite(suite_vars());
        bencher.bench(|| {
            let scope = Scope::new(vars.clone());
            templates.render(&url, &scope).unwrap()
        });
    }

    #[divan::bench]
    fn url_with_a_capture(bencher: divan::Bencher) {
        let mut templates = Templates::new();
        let url = templates
            .text("{{ base_url }}/items/{{ item_id }}")
            .unwrap();
        let mut vars = Vars::suite(suite_vars());
        vars.insert("item_id", json!(42));
        bencher.bench(|| {
            let scope = Scope::new(vars.clone());
            templates.render(&url, &scope).unwrap()
        });
    }
}

/// Writing the three reports of a run of 2,000 passing steps.
mod reports {
    use super::*;

    /// Results as `planrun run` makes them for bench/compare.sh's plan, read through
    /// the results parser so fields added later take their defaults.
    fn results(steps: usize) -> RunResults {
        let check = |kind: &str, subject: &str, matcher: &str, expected: Value, actual: Value| {
            json!({
                "kind": kind, "subject": subject, "matcher": matcher,
                "expected": expected, "actual": actual, "status": "pass",
                "expected_text": expected.to_string(), "actual_text": actual.to_string(),
            })
        };
        let steps: Vec<Value> = (1..=steps)
            .map(|s| {
                json!({
                    "id": format!("bench/default/step-{s}"), "name": format!("step {s}"),
                    "phase": "default", "line": 3 + 9 * s, "integration": null, "category": null,
                    "tags": [], "outcome": "passed", "message": null, "error_kind": null,
                    "skip_reason": null,
                    "endpoint": {"method": "GET", "path": "/health"},
                    "request": {"method": "GET", "url": format!("http://127.0.0.1:8080/health?s={s}")},
                    "response": {"status": 200, "reason": "OK", "latency_us": 180 + s as u64,
                        "body_bytes": 51, "body_excerpt": "{\"status\":\"ok\",\"version\":\"1.22.1\",\"uptime_s\":86400}"},
                    "started_at": "2026-01-05T09:00:00.123Z", "finished_at": "2026-01-05T09:00:00.124Z",
                    "duration_ms": 1,
                    "checks": [
                        check("status", "status", "status", json!(200), json!(200)),
                        check("json", "$.status", "equals", json!("ok"), json!("ok")),
                        check("json", "$.version", "type", json!("string"), json!("1.22.1")),
                    ],
                    "captures": {}, "latency_budget": null, "on_failure": null, "attempts": 1,
                })
            })
            .collect();
        let doc = json!({
            "version": planrun::results::RESULTS_VERSION,
            "planrun_version": "0.0.0",
            "run": {"started_at": "2026-01-05T09:00:00Z", "finished_at": "2026-01-05T09:00:01Z",
                "duration_ms": 1000, "hostname": "bench", "system": null, "environment": null,
                "target": "http://127.0.0.1:8080", "title": null, "next_review": null},
            "plans": [{"name": "bench", "file": "bench.yaml", "category": null, "integration": null,
                "started_at": "2026-01-05T09:00:00Z", "duration_ms": 1000, "steps": steps}],
        });
        json::parse(&doc.to_string()).unwrap()
    }

    #[divan::bench]
    fn results_json(bencher: divan::Bencher) {
        let results = results(2000);
        bencher.bench(|| json::render(&results));
    }

    #[divan::bench]
    fn junit_xml(bencher: divan::Bencher) {
        let results = results(2000);
        let opts = junit::JunitOptions::default();
        bencher.bench(|| junit::render(&results, &opts));
    }

    #[divan::bench]
    fn markdown_report(bencher: divan::Bencher) {
        let results = results(2000);
        let opts = markdown::MarkdownOptions::default();
        bencher.bench(|| markdown::render(&results, &opts));
    }
}
