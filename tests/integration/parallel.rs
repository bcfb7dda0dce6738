//! Plans run concurrently up to `--jobs`, and outputs stay in plan (file-name) order
//! whatever finishes first. Overlap is judged from the server's own records of when
//! each request started and ended.

use crate::common;

use common::{Recorded, RunOutput, TestServer, Workspace};
use planrun::results::Outcome;

/// Three plans; the first (by file name) is the slowest, so it finishes last when the
/// plans run at once.
fn run_three(tag: &str, jobs: &str) -> (RunOutput, Vec<Recorded>) {
    let server = TestServer::shared();
    let ws = Workspace::new(tag);
    for (file, plan, ms) in [
        ("a.yaml", "A", 900),
        ("b.yaml", "B", 300),
        ("c.yaml", "C", 300),
    ] {
        ws.write(
            &format!("plans/{file}"),
            &format!(
                r#"
                name: Plan {plan}
                steps:
                  - name: sleep in {plan}
                    request: {{ url: "{{{{ base_url }}}}/record/{tag}-{plan}?ms={ms}" }}
                    expect: {{ status: 200 }}
                "#
            ),
        );
    }
    let out = ws.run(&["plans", "--jobs", jobs, "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    let recorded = server.recorded(&format!("{tag}-"));
    assert_eq!(recorded.len(), 3, "{recorded:?}");
    (out, recorded)
}

fn overlap(a: &Recorded, b: &Recorded) -> bool {
    a.start < b.end && b.start < a.end
}

fn pairs(r: &[Recorded]) -> Vec<(&Recorded, &Recorded)> {
    vec![(&r[0], &r[1]), (&r[0], &r[2]), (&r[1], &r[2])]
}

/// Plans, steps and terminal sections come out in file-name order.
fn assert_plan_order(out: &RunOutput) {
    let names: Vec<&str> = out.results.plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Plan A", "Plan B", "Plan C"]);
    let files: Vec<&str> = out.results.plans.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(files, ["plans/a.yaml", "plans/b.yaml", "plans/c.yaml"]);
    for plan in &out.results.plans {
        assert_eq!(plan.steps[0].outcome, Outcome::Passed, "{}", plan.name);
    }
    let stdout = &out.exec.stdout;
    let at = |needle: &str| {
        stdout
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not on stdout\n{out}"))
    };
    assert!(at("▸ Plan A") < at("sleep in A"));
    assert!(at("sleep in A") < at("▸ Plan B"), "{out}");
    assert!(at("▸ Plan B") < at("▸ Plan C"), "{out}");
    // The JUnit and the Markdown report follow the same order.
    let suite = |name: &str| {
        out.junit
            .find(&format!("<testsuite name=\"{name}\""))
            .unwrap()
    };
    assert!(suite("Plan A") < suite("Plan B") && suite("Plan B") < suite("Plan C"));
}

#[test]
fn with_three_jobs_plans_overlap_and_keep_file_order() {
    let (out, recorded) = run_three("jobs3", "3");
    assert!(
        pairs(&recorded).into_iter().any(|(a, b)| overlap(a, b)),
        "no two requests overlapped: {recorded:?}"
    );
    // The first plan really finished last, so the order below is not completion order.
    let end = |label: &str| {
        recorded
            .iter()
            .find(|r| r.label.ends_with(label))
            .unwrap()
            .end
    };
    assert!(
        end("-A") > end("-B") && end("-A") > end("-C"),
        "{recorded:?}"
    );
    assert_plan_order(&out);
}

#[test]
fn with_one_job_plans_run_one_after_another() {
    let (out, mut recorded) = run_three("jobs1", "1");
    for (a, b) in pairs(&recorded) {
        assert!(!overlap(a, b), "{a:?} overlapped {b:?}");
    }
    recorded.sort_by_key(|r| r.start);
    for w in recorded.windows(2) {
        assert!(w[0].end <= w[1].start, "{recorded:?}");
    }
    assert_plan_order(&out);
}
