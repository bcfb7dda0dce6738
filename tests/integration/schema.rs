//! The JSON Schemas in `schemas/` are what the code generates, are valid draft-07, and
//! are exact both ways: every plan the loader accepts validates, and unknown keys and
//! wrong shapes are rejected.

use planrun::plan::load::compile_plan;
use planrun::plan::schema::{include_schema, plan_schema, render, suite_schema};
use planrun::plan::types::{IncludeFile, SuiteConfig};
use planrun::plan::yaml;
use planrun::template::Templates;
use serde_json::Value;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "cargo run -q -- schema plan > schemas/plan.schema.json && cargo run -q -- schema suite > schemas/planrun.schema.json && cargo run -q -- schema include > schemas/include.schema.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft7::new(schema).expect("the schema compiles as draft-07")
}

/// The YAML document as the JSON a schema validator sees.
fn as_json(text: &str) -> Value {
    yaml::from_str::<Value>(text).unwrap_or_else(|e| panic!("not YAML: {e:?}\n{text}"))
}

fn plan_loads(text: &str) -> Result<(), String> {
    plan_file_loads("t.yaml", text)
}

/// Includes, JSON Schemas and multipart files are looked for next to `file`.
fn plan_file_loads(file: &str, text: &str) -> Result<(), String> {
    compile_plan(file, text, &mut Templates::new())
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

fn schema_errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn checked_in_schemas_are_what_the_code_generates() {
    for (file, schema) in [
        ("schemas/plan.schema.json", plan_schema()),
        ("schemas/planrun.schema.json", suite_schema()),
        ("schemas/include.schema.json", include_schema()),
    ] {
        let on_disk = std::fs::read_to_string(root().join(file)).unwrap_or_default();
        assert!(
            on_disk == render(&schema),
            "{file} differs from what the code generates; regenerate with:\n\n    {REGENERATE}\n"
        );
    }
}

#[test]
fn schemas_are_valid_draft_07() {
    for schema in [plan_schema(), suite_schema(), include_schema()] {
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(jsonschema::meta::is_valid(&schema));
        validator(&schema);
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

fn is_suite_config(p: &Path) -> bool {
    p.file_stem().is_some_and(|s| s == "planrun")
}

/// A file of shared steps for `include:`: under a folder (or named) starting with `_`.
fn is_include_file(rel: &str) -> bool {
    rel.split('/').any(|part| part.starts_with('_'))
}

/// Every plan and suite config under `plans/` and `tests/` that the loader accepts is
/// accepted by the schema; under `plans/` and `tests/plans/` the loader must accept them
/// all, and each starts with the yaml-language-server modeline.
#[test]
fn every_plan_the_loader_accepts_validates() {
    let plan_v = validator(&plan_schema());
    let suite_v = validator(&suite_schema());
    let include_v = validator(&include_schema());
    let mut files = Vec::new();
    yaml_files(&root().join("plans"), &mut files);
    yaml_files(&root().join("docs/examples"), &mut files);
    yaml_files(&root().join("tests"), &mut files);
    let mut checked = 0;
    for file in files {
        let rel = file
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("tests/broken/") {
            continue; // the broken corpus: see the next test
        }
        let must_load = rel.starts_with("plans/")
            || rel.starts_with("tests/plans/")
            || rel.starts_with("docs/examples/");
        let text = std::fs::read_to_string(&file).unwrap();
        let (loads, v, schema_file) = if is_suite_config(&file) {
            let ok = text.trim().is_empty() || yaml::from_str::<SuiteConfig>(&text).is_ok();
            (ok, &suite_v, "planrun.schema.json")
        } else if is_include_file(&rel) {
            let ok = yaml::from_str::<IncludeFile>(&text).is_ok();
            (ok, &include_v, "include.schema.json")
        } else {
            (
                plan_file_loads(&rel, &text).is_ok(),
                &plan_v,
                "plan.schema.json",
            )
        };
        if must_load {
            assert!(loads, "{rel} does not load");
            let depth = rel.matches('/').count();
            let modeline = format!(
                "# yaml-language-server: $schema={}schemas/{schema_file}",
                "../".repeat(depth)
            );
            assert!(
                text.starts_with(&modeline),
                "{rel} must start with `{modeline}`"
            );
        }
        if loads && !text.trim().is_empty() {
            let errors = schema_errors(v, &as_json(&text));
            assert!(
                errors.is_empty(),
                "{rel}: the loader accepts it but the schema says {errors:#?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} files checked");
}

/// Each broken fixture says whether the schema must reject it (`# schema: invalid`: a
/// wrong key or shape) or cannot (`# schema: valid`: only `planrun validate` finds it).
#[test]
fn broken_fixtures_are_rejected_where_a_schema_can_see_it() {
    let plan_v = validator(&plan_schema());
    let mut files = Vec::new();
    yaml_files(&root().join("tests/broken"), &mut files);
    let (mut rejected, mut beyond) = (0, 0);
    for file in files.iter().filter(|f| !is_suite_config(f)) {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        let verdict = text
            .lines()
            .find_map(|l| l.strip_prefix("# schema: "))
            .unwrap_or_else(|| panic!("{name}: no `# schema:` line"))
            .trim();
        match verdict {
            "invalid" => {
                assert!(
                    !plan_v.is_valid(&as_json(&text)),
                    "{name}: the schema accepts it"
                );
                rejected += 1;
            }
            "valid" => {
                let errors = schema_errors(&plan_v, &as_json(&text));
                assert!(errors.is_empty(), "{name}: {errors:#?}");
                beyond += 1;
            }
            // Not YAML a schema validator can read (a syntax error, a duplicate key).
            "syntax" => assert!(
                yaml::from_str::<serde_yaml::Value>(&text).is_err(),
                "{name}"
            ),
            other => panic!("{name}: unknown verdict {other}"),
        }
    }
    assert!(
        rejected >= 15 && beyond >= 8,
        "{rejected} rejected, {beyond} beyond"
    );
}

fn step_doc(fragment: &str) -> String {
    let body: String = fragment.lines().map(|l| format!("    {l}\n")).collect();
    let request = if fragment.starts_with("request:") {
        ""
    } else {
        "    request: { url: \"http://h\" }\n"
    };
    format!("name: p\nsteps:\n  - name: s\n{request}{body}")
}

/// Step-level fragments: the loader and the schema agree on every one.
const BOTH_ACCEPT: &[&str] = &[
    "expect: { status: 200 }",
    "expect: { status: \"2xx\" }",
    "expect: { status: \"5XX\" }",
    "expect: { status: \" 404 \" }",
    "expect: { status: \"+200\" }",
    "expect: { status: [200, \"204\", \"3xx\"] }",
    "expect: { status: [[200], 201] }",
    "expect: { status: ~ }",
    "expect:",
    "timeout: 750ms",
    "timeout: \"10 s\"",
    "timeout: .5s",
    "timeout: 5min",
    "timeout:",
    "expect: { latency: 3s }",
    "expect: { latency: { warn: 1s } }",
    "expect: { json: { $.a: 1, $.b: [1, 2], $.c: null, $.d: x } }",
    "expect: { json: { $.a: { equals: { x: 1 } }, $.b: { equals: null } } }",
    "expect: { json: { $.a: { type: null }, $.b: { type: ~, exists: true } } }",
    "expect: { json: { $.a: { type: integer, gt: 0, gte: 0.5, lt: 9, lte: 9 } } }",
    "expect: { json: { $.a: { length: 2 }, $.b: { length: { gte: 1 } } } }",
    "expect: { json: { $.a: { each: { gt: 0 } }, $.b: { count: 0 }, $.c: { count: { lt: 3 } } } }",
    "expect: { json: { $.a: { one_of: [1, a, null] }, $.b: { matches: \"^x\" } } }",
    "expect: { json: { $.a: { matches: 5 }, $.b: { matches: ~, type: string } } }",
    "expect: { json: { $.a: { contains: 1, not_contains: { k: v }, not_equals: 2 } } }",
    "expect: { json: { $.a: { exists: ~, gt: 1 } } }",
    "expect: { json: { \"$['a b']\": 1, \"$..x\": { count: 1 }, \"$.a[?@.b == 1]\": [] } }",
    "expect: { headers: { X-A: 1, x-b: { contains: a }, x-c: ~ } }",
    "expect: { body: ok }",
    "expect: { body: { contains: ok } }",
    "capture: { a: $.x }",
    "capture: { a: { json: $.x } }",
    "capture: { a: { header: Location } }",
    "capture: { a: { regex: \"x(\\\\d)\" } }",
    "capture: { a: { regex: \"x(\\\\d)\", from: body } }",
    "capture: { a: { regex: \"x(\\\\d)\", from: { header: L } } }",
    "capture: { a: { json: $.x, header: ~ } }",
    "capture:",
    "retry: { attempts: 1 }",
    "retry: { attempts: 2, delay: 1s }",
    "on_failure: { priority: low }",
    "on_failure: { priority: critical, impact: x, action: y }",
    "tags: [a, 1, true]",
    "tags:",
    "requires_env: [A_B, _C1]",
    "pending: 5",
    "when: \"flag and n > 1\"",
    "description:",
    "vars: { a: 1, b: [x], c: { d: \"{{ a }}\" } }",
    "request: { url: \"http://h\", method: post }",
    "request: { url: \"http://h\", method: true }",
    "request: { url: \"http://h\", json: null }",
    "request: { url: \"http://h\", json: [1, \"{{ a }}\"] }",
    "request: { url: \"http://h\", form: { a: 1, b: true, c: ~ } }",
    "request: { url: \"http://h\", body: text, follow_redirects: true }",
    "request: { url: \"http://h\", headers: { A: 1 }, query: { q: x } }",
    "request: { url: \"http://h\", form: ~, headers: }",
    "for_each: [a, 1, { name: b }]",
    "for_each: \"{{ providers }}\"",
    "for_each: providers",
    "insecure: true",
    "max_body_size: 10MiB",
    "max_body_size: 1000",
    "max_body_size: 1.5",
    "max_body_size: \" 1.5 kb \"",
    "expect: { schema: ~ }",
    "request: { url: \"http://h\", multipart: { a: text, b: 1, c: ~ } }",
    "pending: not built yet",
    "vars: { a: \"{{ 'a b' | urlencode }}\", b: \"{{ [1] | tojson }}\" }",
    "request: { url: \"http://h\", headers: { X-Sig: \"{{ sha256(request.body) }}\" } }",
];

const BOTH_REJECT: &[&str] = &[
    "timeout: 10",
    "timeout: 1.5",
    "timeout: \"3\"",
    "expect: { latency: 3 }",
    "expect: { latency: { warn: 1, fail: 2.5 } }",
    "expct: {}",
    "expect: { stauts: 200 }",
    "expect: { status: 600 }",
    "expect: { status: 99 }",
    "expect: { status: \"6xx\" }",
    "expect: { status: ok }",
    "expect: { status: [] }",
    "expect: { status: 200.5 }",
    "expect: { status: { code: 200 } }",
    "timeout: fast",
    "timeout: -1",
    "timeout: \"10 weeks\"",
    "timeout: [1]",
    "expect: { latency: 1.5 }",
    "expect: { latency: -3 }",
    "expect: { latency: {} }",
    "expect: { latency: { warn: 1s, slow: 2s } }",
    "expect: { latency: { warn: soon } }",
    "expect: { json: { a.b: 1 } }",
    "expect: { json: { \" $.a\": 1 } }",
    "expect: { json: { $.a: {} } }",
    "expect: { json: { $.a: { contain: x } } }",
    "expect: { json: { $.a: { type: text } } }",
    "expect: { json: { $.a: { gt: x } } }",
    "expect: { json: { $.a: { one_of: 1 } } }",
    "expect: { json: { $.a: { exists: maybe } } }",
    "expect: { json: [1] }",
    "expect: { headers: [a] }",
    "capture: { a: x.y }",
    "capture: { a: { json: $.x, header: L } }",
    "capture: { a: { from: body } }",
    "capture: { a: { header: L, from: body } }",
    "capture: { a: { regex: \"x(\\\\d)\", from: header } }",
    "capture: { a: { regex: \"x(\\\\d)\", from: { header: L, extra: 1 } } }",
    "capture: { a: { jsn: $.x } }",
    "capture: { a: {} }",
    "capture: { a: 5 }",
    "retry: { attempts: 0 }",
    "retry: { attempts: -1 }",
    "retry: { tries: 2 }",
    "retry: { delay: 1s }",
    "on_failure: { priority: urgent }",
    "on_failure: { impact: x }",
    "requires_env: [lower_case]",
    "requires_env: [1A]",
    "requires_env: A",
    "tags: { a: 1 }",
    "vars: [a]",
    "request: { url: \"http://h\", method: \"G T\" }",
    "request: { url: \"http://h\", method: 5 }",
    "request: { url: \"http://h\", query: { a: [1] } }",
    "request: { url: \"http://h\", headers: { a: { b: 1 } } }",
    "request: { method: GET }",
    "request: { url: \"http://h\", bdy: y }",
    "request: \"http://h\"",
    "unknown: 1",
    "for_each: 3",
    "for_each: { a: 1 }",
    "insecure: maybe",
    "max_body_size: 10 megs",
    "max_body_size: -1",
    "max_body_size: 0",
    "max_body_size: 0.5",
    "max_body_size: [1]",
    "expect: { schema: [a.json] }",
    "request: { url: \"http://h\", multipart: { a: [1] } }",
    "request: { url: \"http://h\", multipart: { a: { path: x } } }",
    "request: { url: \"http://h\", multipart: { a: { filename: x } } }",
    "include: x.yaml",
];

/// Only the loader sees these (what `planrun validate` adds to the schema).
const BEYOND_THE_SCHEMA: &[&str] = &[
    "expect: { latency: { warn: 3s, fail: 1s } }",
    "expect: { latency: { warn: ~ } }",
    "expect: { json: { $.a: { matches: \"(\" } } }",
    "expect: { json: { \"$.a[\": 1 } }",
    "expect: { json: { $.a: { exists: ~ } } }",
    "capture: { a: { regex: x } }",
    "request: { url: \"http://h\", json: {}, body: y }",
    "timeout: 99999999999999d",
    "for_each: []",
    "max_body_size: \"0\"",
    "expect: { schema: does-not-exist.json }",
    "request: { url: \"http://h\", multipart: { a: { file: missing.bin } } }",
    "request: { url: \"http://h\", json: {}, multipart: { a: x } }",
    "request: { url: 123 }",
    "request: { url: \"localhost:3000/x\" }",
    "request: { url: \"http://h\", headers: { \"X-{{ a }}\": 1 } }",
    "capture: { \"{{ a }}\": $.x }",
    "vars: { a: \"{{ x | urlencod }}\" }",
    "vars: { a: \"{{ uuid4() }}\" }",
];

#[test]
fn schema_and_loader_agree_on_every_step_form() {
    let v = validator(&plan_schema());
    for fragment in BOTH_ACCEPT {
        let doc = step_doc(fragment);
        plan_loads(&doc).unwrap_or_else(|e| panic!("loader rejects `{fragment}`: {e}"));
        let errors = schema_errors(&v, &as_json(&doc));
        assert!(
            errors.is_empty(),
            "schema rejects `{fragment}`: {errors:#?}"
        );
    }
    for fragment in BOTH_REJECT {
        let doc = step_doc(fragment);
        assert!(plan_loads(&doc).is_err(), "loader accepts `{fragment}`");
        assert!(!v.is_valid(&as_json(&doc)), "schema accepts `{fragment}`");
    }
    for fragment in BEYOND_THE_SCHEMA {
        let doc = step_doc(fragment);
        assert!(plan_loads(&doc).is_err(), "loader accepts `{fragment}`");
        let errors = schema_errors(&v, &as_json(&doc));
        assert!(errors.is_empty(), "`{fragment}`: {errors:#?}");
    }
}

#[test]
fn schema_and_loader_agree_on_plan_and_suite_shapes() {
    let v = validator(&plan_schema());
    let accept = [
        "name: p\nsteps: []",
        "name: p\nphases:\n  - name: a\n    steps: []\n    defaults: { timeout: 1s }",
        "name: 2024\nsteps: []\nvars:\ndefaults:\ntags: [a]",
        "name: p\nphases: []\nsteps: ~",
    ];
    let reject = [
        "name: p",
        "name: p\nsteps: []\nphases: []",
        "nme: p\nsteps: []",
        "steps: []",
        "name: p\nsteps: []\nvars: [1]",
        "name: p\nsteps: []\ndefaults: { timout: 1s }",
        "name: p\nsteps: []\ndefaults: { expect: { status: 700 } }",
        "name: p\nphases: [{ name: a }]",
        "name: p\nphases: [{ name: a, steps: [], stps: [] }]",
        "name: p\nsteps: {}",
    ];
    for doc in accept {
        plan_loads(doc).unwrap_or_else(|e| panic!("loader rejects {doc:?}: {e}"));
        assert!(schema_errors(&v, &as_json(doc)).is_empty(), "{doc:?}");
    }
    for doc in reject {
        assert!(plan_loads(doc).is_err(), "loader accepts {doc:?}");
        assert!(!v.is_valid(&as_json(doc)), "schema accepts {doc:?}");
    }
    let sv = validator(&suite_schema());
    let suite_ok = [
        "system: X",
        "vars: { a: 1 }\nenvironments: { dev: { b: 2 }, prod: {} }",
        "report: { title: T, review_every: 7d }",
        "report:\nsystem: 5",
    ];
    let suite_bad = [
        "sytem: X",
        "report: { titel: x }",
        "report: { review_every: soon }",
        "environments: { dev: [1] }",
        "vars: [1]",
    ];
    for doc in suite_ok {
        assert!(yaml::from_str::<SuiteConfig>(doc).is_ok(), "{doc:?}");
        assert!(schema_errors(&sv, &as_json(doc)).is_empty(), "{doc:?}");
    }
    for doc in suite_bad {
        assert!(yaml::from_str::<SuiteConfig>(doc).is_err(), "{doc:?}");
        assert!(!sv.is_valid(&as_json(doc)), "{doc:?}");
    }
}
