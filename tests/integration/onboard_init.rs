//! `planrun init`: a new suite that validates at once, runs green against the demo
//! target, and never overwrites anything.

use crate::common;

use common::demo_target::DemoTarget;
use common::Workspace;
use planrun::demo::crm::CrmConfig;
use planrun::results::Outcome;
use serde_json::Value;

#[test]
fn init_then_validate_then_run_against_the_demo_target() {
    let ws = Workspace::new("init");
    let out = ws.exec(&["init"], &[]);
    assert_eq!(out.code, 0, "{out}");
    for file in [
        "plans/planrun.yaml",
        "plans/example.yaml",
        "ci/github-actions.yml",
        "schemas/plan.schema.json",
        "schemas/planrun.schema.json",
        ".gitignore",
    ] {
        assert!(ws.exists(file), "{file}\n{out}");
        assert!(out.stdout.contains(&format!("wrote {file}")), "{out}");
    }
    assert!(ws.read(".gitignore").lines().any(|l| l == "reports/"));

    let validate = ws.exec(&["validate", "plans"], &[]);
    assert_eq!(validate.code, 0, "{validate}");
    assert!(
        validate.stdout.contains("ok: 1 plan, 3 steps"),
        "{validate}"
    );
    // Also with each of its environments.
    for env in ["local", "staging"] {
        let v = ws.exec(&["validate", "plans", "--env", env], &[]);
        assert_eq!(v.code, 0, "--env {env}: {v}");
    }

    let target = DemoTarget::start(CrmConfig::reference());
    let run = ws.run(&["plans", "--var", &target.var()]);
    assert_eq!(run.code(), 0, "{run}");
    let steps = &run.plan("Example service").steps;
    assert_eq!(steps.len(), 3);
    assert!(steps.iter().all(|s| s.outcome == Outcome::Passed), "{run}");
    assert_eq!(run.results.run.system.as_deref(), Some("My service"));
    assert_eq!(
        run.results.run.title.as_deref(),
        Some("Integration Test Report")
    );
    assert!(run.results.run.next_review.is_some());
}

#[test]
fn the_scaffold_matches_the_schemas_its_modelines_name() {
    let ws = Workspace::new("init-schemas");
    assert_eq!(ws.exec(&["init"], &[]).code, 0);
    for (file, schema) in [
        ("plans/example.yaml", "plan.schema.json"),
        ("plans/planrun.yaml", "planrun.schema.json"),
    ] {
        let text = ws.read(file);
        let modeline = format!("# yaml-language-server: $schema=../schemas/{schema}");
        assert!(text.starts_with(&modeline), "{file}");
        let schema: Value = serde_json::from_str(&ws.read(&format!("schemas/{schema}"))).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let doc: Value = planrun::plan::yaml::from_str(&text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
    // The CI snippet is YAML that runs the plans and keeps the reports.
    let ci: Value = planrun::plan::yaml::from_str(&ws.read("ci/github-actions.yml")).unwrap();
    let steps = ci["jobs"]["planrun"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter().any(|r| r.starts_with("planrun run plans")),
        "{runs:?}"
    );
    assert!(steps.iter().any(|s| s["with"]["path"] == "reports/"));
}

#[test]
fn init_into_a_folder_refuses_to_overwrite_and_keeps_a_gitignore() {
    let ws = Workspace::new("init-again");
    ws.write("proj/.gitignore", "target/");
    let out = ws.exec(&["init", "proj"], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("cd proj"), "{out}");
    assert_eq!(ws.read("proj/.gitignore"), "target/\nreports/\n");

    std::fs::write(ws.path("proj/plans/example.yaml"), "name: mine\n").unwrap();
    let again = ws.exec(&["init", "proj"], &[]);
    assert_eq!(again.code, 2, "{again}");
    assert!(again.stderr.contains("not overwriting"), "{again}");
    assert!(again.stderr.contains("proj/plans/example.yaml"), "{again}");
    assert_eq!(ws.read("proj/plans/example.yaml"), "name: mine\n");
    assert_eq!(
        ws.read("proj/.gitignore"),
        "target/\nreports/\n",
        "unchanged"
    );

    // A .gitignore that ignores reports/ already is kept as it is.
    ws.write("other/.gitignore", "/reports\n");
    let out = ws.exec(&["init", "other"], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(ws.read("other/.gitignore"), "/reports\n");
}
