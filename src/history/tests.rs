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
            "SELECT count(*) FROM step_runs WHERE run_id NOT IN (SELECT run_id FROM runs)",
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
    let tagged: Vec<&[String]> = runs[0]
        .steps
        .iter()
        .map(|s| &*s.tags)
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        tagged,
        [&["billing".to_string(), "weekly".to_string()][..]],
        "tags read back"
    );
    assert!(h
        .window(&at(fixture(), "2025-12-01T00:00:00Z"), &Window::last(5))
        .unwrap()
        .is_empty());
}

/// A history written by a planrun of schema 2 (one row per step per run, every
/// description repeated), with `runs` weekly runs of `results`.
fn schema_2_file(path: &Path, results: &RunResults, runs: usize) {
    let mut conn = Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    for sql in &schema::MIGRATIONS[..2] {
        tx.execute_batch(sql).unwrap();
    }
    tx.pragma_update(None, "user_version", 2).unwrap();
    tx.pragma_update(None, "application_id", schema::APPLICATION_ID)
        .unwrap();
    for week in 0..runs {
        let started = format!("2026-01-{:02}T09:00:00Z", 1 + 7 * week);
        tx.execute(
            "INSERT INTO runs (suite, environment, started_at, started_unix, finished_at,
                duration_ms, host, git_commit, planrun_version, interrupted, passed, slow,
                failed, errors, not_tested, not_configured, skipped)
             VALUES (?3, ?4, ?1, ?2, ?1, 1000, 'h', NULL, '0.1', 0, 1, 0, 0, 0, 0, 0, 0)",
            params![
                started,
                unix_seconds(&started),
                results.run.system.as_deref().unwrap_or(""),
                results.run.environment.as_deref().unwrap_or(""),
            ],
        )
        .unwrap();
        let run_id = tx.last_insert_rowid();
        for s in &Snapshot::of(results).steps {
            tx.execute(
                "INSERT INTO step_results (run_id, step_key, plan, phase, name, integration,
                    category, outcome, error_kind, latency_us, duration_ms, warn_ms,
                    fail_ms, tags)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    run_id,
                    s.key,
                    s.plan,
                    s.phase,
                    s.name,
                    s.integration,
                    s.category,
                    s.outcome.token(),
                    s.error_kind.map(ErrorKind::token),
                    s.latency_us.map(|v| v as i64),
                    s.duration_ms as i64,
                    s.warn_ms.map(|v| v as i64),
                    s.fail_ms.map(|v| v as i64),
                    tags_column(&s.tags),
                ],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

#[test]
fn a_schema_2_file_is_migrated_with_every_step_kept() {
    let path = temp_file("schema-2");
    let mut results = fixture();
    results.plans[0].steps[0].tags = vec!["billing".into()];
    schema_2_file(&path, &results, 3);

    let mut h = History::open(&path).unwrap();
    let version: i64 = h
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let now = at(results.clone(), "2026-02-01T09:00:00Z");
    let runs = h.window(&now, &Window::last(10)).unwrap();
    assert_eq!(runs.len(), 3);
    let mut expected = Snapshot::of(&results).steps;
    expected.sort_by(|a, b| a.key.cmp(&b.key));
    for run in &runs {
        assert_eq!(run.steps, expected, "each run's steps, by id");
    }
    // Described once however many runs repeat them.
    let described: i64 = h
        .conn
        .query_row("SELECT count(*) FROM steps", [], |r| r.get(0))
        .unwrap();
    assert_eq!(described as usize, expected.len());
    // And the migrated file takes new runs, sharing the descriptions.
    h.record(&now, None, false).unwrap();
    let described_after: i64 = h
        .conn
        .query_row("SELECT count(*) FROM steps", [], |r| r.get(0))
        .unwrap();
    assert_eq!(described_after, described);
    assert_eq!(h.runs(None).unwrap().len(), 4);
}

#[test]
fn a_step_described_differently_gets_its_own_description_and_prune_drops_unused_ones() {
    let path = temp_file("describe");
    let mut h = History::open(&path).unwrap();
    let old = at(fixture(), "2025-01-05T09:00:00Z");
    h.record(&old, None, false).unwrap();
    let mut renamed = at(fixture(), "2026-01-05T09:00:00Z");
    renamed.plans[0].steps[0].category = Some("Renamed category".into());
    h.record(&renamed, None, false).unwrap();
    let count = |h: &History| -> i64 {
        h.conn
            .query_row("SELECT count(*) FROM steps", [], |r| r.get(0))
            .unwrap()
    };
    let steps: i64 = old.plans.iter().map(|p| p.steps.len() as i64).sum();
    assert_eq!(count(&h), steps + 1);
    let later = at(fixture(), "2026-01-12T09:00:00Z");
    let back = h.previous(&later).unwrap().unwrap();
    assert_eq!(
        back.steps[0].category.as_deref(),
        Some("Renamed category"),
        "read back as recorded, in the run's order"
    );
    assert_eq!(h.prune(unix_seconds("2025-06-01T00:00:00Z")).unwrap(), 1);
    assert_eq!(
        count(&h),
        steps,
        "the description only the pruned run used is gone"
    );
}

#[test]
fn saved_results_already_recorded_are_not_their_own_earlier_run() {
    let path = temp_file("saved");
    let mut h = History::open(&path).unwrap();
    let first = at(fixture(), "2026-01-05T09:00:00Z");
    let second = at(fixture(), "2026-01-12T09:00:00Z");
    h.record(&first, None, false).unwrap();
    h.record(&second, None, false).unwrap();
    let started =
        |runs: Vec<Snapshot>| -> Vec<String> { runs.into_iter().map(|s| s.started_at).collect() };
    assert_eq!(
        started(h.window_of_saved(&second, &Window::last(5)).unwrap()),
        ["2026-01-05T09:00:00Z"]
    );
    // A live run that happens to share its second with a recorded one still sees it.
    assert_eq!(
        started(h.window(&second, &Window::last(5)).unwrap()),
        ["2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"]
    );
    // Another run that started and ended in the same seconds on the same host is not
    // taken for it.
    let mut twin = second.clone();
    let step = twin.plans[0]
        .steps
        .iter_mut()
        .find(|s| s.response.is_some())
        .unwrap();
    step.response.as_mut().unwrap().latency_us += 1;
    h.record(&twin, None, false).unwrap();
    assert_eq!(
        h.window_of_saved(&second, &Window::last(5)).unwrap().len(),
        2,
        "the first run and the twin"
    );
}
