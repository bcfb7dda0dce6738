use super::*;
use crate::report::fixture::fixture;

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("planrun-history-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("history.db")
}

fn at(mut r: RunResults, started_at: &str) -> RunResults {
    r.run.started_at = started_at.to_string();
    r
}

#[test]
fn records_lists_and_finds_the_previous_run() {
    let path = temp_file("record");
    let mut h = History::open(&path).unwrap();
    let first = at(fixture(), "2026-01-05T09:00:00Z");
    let second = at(fixture(), "2026-01-12T09:00:00Z");
    let steps: usize = first.plans.iter().map(|p| p.steps.len()).sum();
    assert!(
        h.previous(&first).unwrap().is_none(),
        "nothing before the first"
    );
    assert_eq!(
        h.record(&first, Some("c0ffee"), true).unwrap(),
        Recorded::Added { run_id: 1, steps }
    );
    assert_eq!(
        h.record(&first, None, true).unwrap(),
        Recorded::AlreadyThere
    );
    h.record(&second, None, false).unwrap();
    drop(h);

    // Reopened from the file: everything is there.
    let h = History::open(&path).unwrap();
    let runs = h.runs(None).unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].started_at, "2026-01-12T09:00:00Z");
    assert_eq!(runs[1].git_commit.as_deref(), Some("c0ffee"));
    let s = first.summary();
    assert_eq!(
        (runs[1].passed, runs[1].failed, runs[1].errors),
        (s.passed as u64, s.failed as u64, s.errors as u64)
    );
    // A run between the two: its previous run is the first, not the later second.
    let between = at(fixture(), "2026-01-08T09:00:00Z");
    let prev = h.previous(&between).unwrap().unwrap();
    assert_eq!(prev.started_at, "2026-01-05T09:00:00Z");
    assert_eq!(prev.git_commit.as_deref(), Some("c0ffee"));
    let mut expected = crate::compare::Snapshot::of(&first).steps;
    let mut got = prev.steps;
    expected.sort_by(|a, b| a.key.cmp(&b.key));
    got.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(got, expected, "steps read back as written");
}

#[test]
fn another_environment_is_not_a_previous_run() {
    let path = temp_file("env");
    let mut h = History::open(&path).unwrap();
    let mut staging = at(fixture(), "2026-01-05T09:00:00Z");
    staging.run.environment = Some("staging".into());
    h.record(&staging, None, false).unwrap();
    let mut prod = at(fixture(), "2026-01-12T09:00:00Z");
    prod.run.environment = Some("prod".into());
    assert!(h.previous(&prod).unwrap().is_none());
}

#[test]
fn prune_deletes_old_runs_and_their_steps() {
    let path = temp_file("prune");
    let mut h = History::open(&path).unwrap();
    h.record(&at(fixture(), "2025-01-05T09:00:00Z"), None, false)
        .unwrap();
    h.record(&at(fixture(), "2026-01-05T09:00:00Z"), None, false)
        .unwrap();
    let cutoff = unix_seconds("2025-06-01T00:00:00Z");
    assert_eq!(h.prune(cutoff).unwrap(), 1);
    assert_eq!(h.runs(None).unwrap().len(), 1);
    let orphans: i64 = h
        .conn
        .query_row(
            "SELECT count(*) FROM step_results WHERE run_id NOT IN (SELECT run_id FROM runs)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

#[test]
fn a_corrupt_file_is_a_clear_error() {
    let path = temp_file("corrupt");
    std::fs::write(
        &path,
        b"this is not a database, it is a text file of some length....",
    )
    .unwrap();
    let err = History::open(&path).err().unwrap().to_string();
    assert!(err.contains("not a planrun history"), "{err}");
    assert!(err.contains("move it aside"), "{err}");
}

#[test]
fn a_newer_schema_is_a_clear_error() {
    let path = temp_file("newer");
    drop(History::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    let err = History::open(&path).err().unwrap().to_string();
    assert!(err.contains("newer planrun"), "{err}");
    assert!(
        err.contains(&format!("schema {}", SCHEMA_VERSION + 1)),
        "{err}"
    );
}

#[test]
fn another_programs_database_is_refused() {
    let path = temp_file("foreign");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE users (id INTEGER)")
        .unwrap();
    drop(conn);
    let err = History::open(&path).err().unwrap().to_string();
    assert!(err.contains("another program"), "{err}");
}

#[test]
fn a_window_is_the_newest_runs_or_those_within_a_time_oldest_first() {
    let path = temp_file("window");
    let mut h = History::open(&path).unwrap();
    for day in 1..=9 {
        let mut r = at(fixture(), &format!("2026-01-0{day}T09:00:00Z"));
        r.plans[0].steps[0].tags = vec!["billing".into(), "weekly".into()];
        h.record(&r, None, false).unwrap();
    }
    let mut other_env = at(fixture(), "2026-01-08T10:00:00Z");
    other_env.run.environment = Some("prod-elsewhere".into());
    h.record(&other_env, None, false).unwrap();
    let now = at(fixture(), "2026-01-10T09:00:00Z");
    let days = |w: Window| -> Vec<String> {
        h.window(&now, &w)
            .unwrap()
            .iter()
            .map(|s| s.started_at[8..10].to_string())
            .collect()
    };
    assert_eq!(days(Window::last(3)), ["07", "08", "09"]);
    let within = Window {
        last: 1,
        within_secs: Some(5 * 86_400),
    };
    assert_eq!(days(within), ["05", "06", "07", "08", "09"]);
    assert_eq!(
        days(within.union(Window::last(6))),
        ["04", "05", "06", "07", "08", "09"]
    );
    let runs = h.window(&now, &Window::last(2)).unwrap();
    let steps: usize = now.plans.iter().map(|p| p.steps.len()).sum();
    assert!(
        runs.iter().all(|r| r.steps.len() == steps),
        "each with all its steps"
    );
    let tagged: Vec<&Vec<String>> = runs[0]
        .steps
        .iter()
        .map(|s| &s.tags)
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        tagged,
        [&vec!["billing".to_string(), "weekly".to_string()]],
        "tags read back"
    );
    assert!(h
        .window(&at(fixture(), "2025-12-01T00:00:00Z"), &Window::last(5))
        .unwrap()
        .is_empty());
}
