//! The broken-plan corpus: `tests/broken/NN-name.yaml`, one mistake each (the last one
//! several, all reported at once). Each file says what `planrun validate` must print:
//! `# expect: LINE:COLUMN: message` (` … ` stands for any text), one line per error,
//! and optionally `# args: --env dev`. The real binary runs on each file, and its whole
//! stderr must equal the golden file `NN-name.stderr` next to it. After a deliberate
//! change of wording, `UPDATE_GOLDEN=1 cargo test --test integration validate_corpus`
//! rewrites the golden files (review the diff: the `# expect:` lines still hold).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn planrun(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planrun"))
        .args(args)
        .current_dir(root())
        .env_remove("FIXTURE_TOKEN")
        .output()
        .expect("planrun runs")
}

struct Case {
    rel: String,
    expects: Vec<(String, Vec<String>)>,
    args: Vec<String>,
}

fn corpus() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/broken"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".yaml") && name.as_bytes()[0].is_ascii_digit()
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            let rel = format!(
                "tests/broken/{}",
                file.file_name().unwrap().to_string_lossy()
            );
            let expects = text
                .lines()
                .filter_map(|l| l.strip_prefix("# expect: "))
                .map(|e| {
                    let (pos, message) = e.split_once(": ").expect("LINE:COLUMN: message");
                    let parts = message
                        .trim_end_matches(" …")
                        .split(" … ")
                        .map(String::from)
                        .collect();
                    (pos.to_string(), parts)
                })
                .collect();
            let args = text
                .lines()
                .find_map(|l| l.strip_prefix("# args: "))
                .map(|a| a.split_whitespace().map(String::from).collect())
                .unwrap_or_default();
            Case { rel, expects, args }
        })
        .collect()
}

#[test]
fn every_broken_plan_fails_with_its_located_message() {
    let cases = corpus();
    assert!(cases.len() >= 30, "only {} broken plans", cases.len());
    let mut stale = Vec::new();
    for case in &cases {
        assert!(
            !case.expects.is_empty(),
            "{}: no `# expect:` line",
            case.rel
        );
        let mut args = vec!["validate", case.rel.as_str()];
        args.extend(case.args.iter().map(String::as_str));
        let out = planrun(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}:\n{stderr}", case.rel);
        golden(&case.rel, &stderr, &mut stale);
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with(&format!("{}:", case.rel)) && !l.contains(": note: "))
            .collect();
        assert_eq!(
            errors.len(),
            case.expects.len(),
            "{}: expected {} errors, got:\n{stderr}",
            case.rel,
            case.expects.len()
        );
        for (pos, parts) in &case.expects {
            let prefix = format!("{}:{pos}: ", case.rel);
            let found = errors.iter().any(|line| {
                let Some(mut rest) = line.strip_prefix(&prefix) else {
                    return false;
                };
                parts.iter().all(|part| match rest.find(part.as_str()) {
                    Some(i) => {
                        rest = &rest[i + part.len()..];
                        true
                    }
                    None => false,
                })
            });
            assert!(
                found,
                "{}: no `{prefix}{}` in:\n{stderr}",
                case.rel,
                parts.join(" … ")
            );
        }
    }
    assert!(
        stale.is_empty(),
        "stderr differs from the golden file (UPDATE_GOLDEN=1 rewrites them):\n{}",
        stale.join("\n")
    );
}

/// Compares `stderr` with `plan`'s golden `.stderr` file, or rewrites it with
/// `UPDATE_GOLDEN=1`. A difference is recorded in `stale` (with a diff of the first
/// differing line), so one run lists every stale file.
fn golden(plan: &str, stderr: &str, stale: &mut Vec<String>) {
    let path = root().join(plan.replace(".yaml", ".stderr"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, stderr).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if want == stderr {
        return;
    }
    let first = want
        .lines()
        .zip(stderr.lines())
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("  want: {a}\n  got:  {b}"))
        .unwrap_or_else(|| {
            format!(
                "  want {} lines, got {}",
                want.lines().count(),
                stderr.lines().count()
            )
        });
    stale.push(format!("{}:\n{first}", path.display()));
}

#[test]
fn all_static_errors_of_a_file_come_at_once_in_json_too() {
    let out = planrun(&[
        "validate",
        "tests/broken/53-many-mistakes-all-reported.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["valid"], false);
    let errors = v["errors"].as_array().unwrap();
    let at: Vec<(u64, u64)> = errors
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(at, [(11, 20), (12, 24), (13, 9), (14, 20)]);
    assert!(errors
        .iter()
        .all(|e| e["file"] == "tests/broken/53-many-mistakes-all-reported.yaml"));
    assert!(errors[3]["message"]
        .as_str()
        .unwrap()
        .contains("undefined variable `nope`"));
}

#[test]
fn good_plans_validate_with_notes_for_what_comes_from_outside() {
    let out = planrun(&["validate", "tests/plans"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok: 2 plans, 11 steps"));
    assert!(stderr.contains(
        "tests/plans/every-form.yaml:18:5: note: `env.FIXTURE_TOKEN` is read from the environment"
    ), "{stderr}");
    assert!(
        stderr.contains(
            "note: `tenant` is defined in environments dev, staging of tests/plans/planrun.yaml: run with --env dev"
        ),
        "{stderr}"
    );

    let out = planrun(&[
        "validate",
        "tests/plans",
        "--env",
        "dev",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["plans"], 2);
    assert_eq!(v["errors"], serde_json::json!([]));
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    // With an environment chosen, its variables are simply defined.
    assert!(notes.iter().all(|n| !n.contains("tenant")), "{notes:?}");
    assert!(
        notes.iter().any(|n| n.contains("env.FIXTURE_TOKEN")),
        "{notes:?}"
    );

    // `region` exists only in `staging` (the corpus checks --env dev): with it, all is well.
    let out = planrun(&[
        "validate",
        "tests/broken/40-variable-not-in-chosen-environment.yaml",
        "--env",
        "staging",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("planrun-validate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_misspelt_suite_config_key_gets_a_hint() {
    let dir = temp_dir("suite");
    std::fs::write(
        dir.join("planrun.yaml"),
        "system: X\nenviroments:\n  dev: {}\n",
    )
    .unwrap();
    std::fs::write(dir.join("p.yaml"), "name: p\nsteps: []\n").unwrap();
    let out = planrun(&["validate", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("planrun.yaml:2:1: unknown field `enviroments`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `environments`?"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A note every plan gives the same way (a `--var` they all read) is printed once, at
/// its first place, with how many other files say it; `--format json` keeps each one.
#[test]
fn a_note_many_plans_share_is_printed_once() {
    let dir = temp_dir("shared-note");
    for p in ["a", "b", "c"] {
        std::fs::write(
            dir.join(format!("{p}.yaml")),
            format!("name: {p}\nsteps:\n  - name: s\n    request: {{ url: \"{{{{ base_url }}}}/{p}\" }}\n"),
        )
        .unwrap();
    }
    let plans = dir.to_string_lossy().into_owned();
    let out = planrun(&["validate", &plans, "--var", "base_url=http://x"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains(": note: ")).collect();
    assert_eq!(
        notes,
        [format!(
            "{}: note: `base_url` comes from --var (not checked here) (and in 2 other files)",
            dir.join("a.yaml:4:16").display()
        )],
        "{stderr}"
    );

    let out = planrun(&[
        "validate",
        &plans,
        "--var",
        "base_url=http://x",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 3, "{v}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `run` validates first: a plan whose second step uses a variable nobody defines is
/// refused with exit 2, and its first (valid) step is never sent.
#[test]
fn run_sends_nothing_when_validation_fails() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let dir = temp_dir("run");
    let plan = format!(
        "name: p\nsteps:\n  - name: ok\n    request: {{ url: \"http://{}/x\" }}\n  - name: bad\n    request: {{ url: \"http://{}/{{{{ undefined_thing }}}}\" }}\n",
        listener.local_addr().unwrap(),
        listener.local_addr().unwrap()
    );
    std::fs::write(dir.join("p.yaml"), plan).unwrap();
    let out_dir = dir.join("out");
    let path = |f: &str| out_dir.join(f).to_string_lossy().into_owned();
    let plan_dir = dir.to_string_lossy().into_owned();
    let out = planrun(&[
        "run",
        &plan_dir,
        "--junit",
        &path("j.xml"),
        "--report",
        &path("r.md"),
        "--json",
        &path("r.json"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("undefined variable `undefined_thing`"),
        "{stderr}"
    );
    let accepted = listener.accept();
    assert!(
        matches!(&accepted, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "a request was sent: {accepted:?}"
    );
    let results = std::fs::read_to_string(out_dir.join("r.json")).unwrap();
    assert!(
        results.contains("undefined_thing"),
        "load errors are in the results"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn schema_command_prints_the_checked_in_schemas() {
    for (which, file) in [
        ("plan", "schemas/plan.schema.json"),
        ("suite", "schemas/planrun.schema.json"),
        ("include", "schemas/include.schema.json"),
    ] {
        let out = planrun(&["schema", which]);
        assert_eq!(out.status.code(), Some(0));
        let on_disk = std::fs::read_to_string(Path::new(&root()).join(file)).unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), on_disk, "{which}");
    }
    let out = planrun(&["schema"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"title\": \"planrun plan\""));
}
