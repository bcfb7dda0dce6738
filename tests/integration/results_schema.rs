//! `schemas/results.schema.json` is what the results types generate, and real results
//! (a run, and a version-1 file upgraded on read) validate against it.

use crate::common::{unindent, Workspace};
use planrun::results::schema::results_schema;
use serde_json::Value;

const FILE: &str = "schemas/results.schema.json";

fn rendered() -> String {
    let mut text = serde_json::to_string_pretty(&results_schema()).unwrap();
    text.push('\n');
    text
}

fn path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FILE)
}

#[test]
fn the_checked_in_results_schema_is_what_the_types_generate() {
    if std::env::var_os("PLANRUN_WRITE_SCHEMAS").is_some() {
        std::fs::write(path(), rendered()).unwrap();
    }
    let on_disk = std::fs::read_to_string(path()).unwrap_or_default();
    assert!(
        on_disk == rendered(),
        "{FILE} differs from what the code generates; regenerate with:\n\n    \
         PLANRUN_WRITE_SCHEMAS=1 cargo test --test integration results_schema\n"
    );
}

fn errors(doc: &Value) -> Vec<String> {
    let v = jsonschema::draft7::new(&results_schema()).expect("the schema compiles as draft-07");
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn real_results_validate() {
    let server = crate::common::server::TestServer::start();
    let ws = Workspace::new("results-schema");
    ws.write(
        "plans/p.yaml",
        &unindent(
            "
            name: Schema check
            steps:
              - name: ok
                request: { url: '{{ base_url }}/doc' }
                expect: { status: 200, json: { $.id: { type: integer, gt: 0 } }, latency: { warn: 1ms, fail: 10s } }
              - name: fails
                request: { url: '{{ base_url }}/status/503' }
                expect: { status: 200 }
              - name: later
                pending: not built yet
              - name: refused
                request: { url: 'http://127.0.0.1:9/x' }
            ",
        ),
    );
    let base = format!("base_url=http://{}", server.addr);
    let out = ws.run(&["plans/p.yaml", "--var", &base]);
    assert_eq!(errors(&out.raw), Vec::<String>::new(), "{}", out.json);
    // The schema does reject what is not results.
    let mut broken = out.raw.clone();
    broken["plans"][0]["steps"][0]["outcome"] = Value::from("fine");
    assert!(!errors(&broken).is_empty());
}

#[test]
fn an_upgraded_version_1_file_validates() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/results-v1.json"
    ))
    .unwrap();
    let upgraded = planrun::report::json::parse(&text).unwrap();
    let doc = serde_json::to_value(&upgraded).unwrap();
    assert_eq!(errors(&doc), Vec::<String>::new());
}

#[test]
fn planrun_schema_results_prints_the_checked_in_schema() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planrun"))
        .args(["schema", "results"])
        .output()
        .expect("run planrun schema results");
    assert!(out.status.success(), "{out:?}");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/results.schema.json");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema file")).expect("JSON");
    assert_eq!(printed, file);
}
