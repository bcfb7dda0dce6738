//! The history file's schema and its migrations. `PRAGMA user_version` holds the
//! schema version; each migration moves it up by one inside the opening transaction, so
//! two planruns opening the same new file never both migrate it.

use rusqlite::{Connection, TransactionBehavior};

/// The newest schema this planrun reads and writes.
pub const SCHEMA_VERSION: i64 = 3;

/// Marks the file as a planrun history (`PRAGMA application_id`, "PLRN").
pub const APPLICATION_ID: i64 = 0x504C_524E;

/// Migration `i` moves the schema from version `i` to `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    // 0 → 1: runs, and one row per step per run.
    "CREATE TABLE runs (
        run_id          INTEGER PRIMARY KEY,
        suite           TEXT NOT NULL,      -- `system` of planrun.yaml, '' when unset
        environment     TEXT NOT NULL,      -- `--env`, '' when none
        started_at      TEXT NOT NULL,      -- RFC 3339 UTC, as in results.json
        started_unix    INTEGER NOT NULL,
        finished_at     TEXT NOT NULL,
        duration_ms     INTEGER NOT NULL,
        host            TEXT NOT NULL,
        git_commit      TEXT,
        planrun_version TEXT NOT NULL,
        interrupted     INTEGER NOT NULL,
        passed INTEGER NOT NULL, slow INTEGER NOT NULL, failed INTEGER NOT NULL,
        errors INTEGER NOT NULL, not_tested INTEGER NOT NULL,
        not_configured INTEGER NOT NULL, skipped INTEGER NOT NULL
    );
    CREATE INDEX runs_by_suite ON runs (suite, environment, started_unix);
    CREATE TABLE step_results (
        run_id      INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        step_key    TEXT NOT NULL,      -- the step's stable id
        plan        TEXT NOT NULL,
        phase       TEXT NOT NULL,
        name        TEXT NOT NULL,
        integration TEXT,
        category    TEXT,
        outcome     TEXT NOT NULL,
        error_kind  TEXT,               -- snake_case token, as in results.json
        latency_us  INTEGER,
        duration_ms INTEGER NOT NULL,
        warn_ms     INTEGER,
        fail_ms     INTEGER,
        PRIMARY KEY (run_id, step_key)
    ) WITHOUT ROWID;
    CREATE INDEX step_results_by_key ON step_results (step_key, run_id);",
    // 1 → 2: a step's tags (a JSON array, NULL when none), for alerting rules by tag.
    "ALTER TABLE step_results ADD COLUMN tags TEXT;",
    // 2 → 3: what describes a step (id, plan, phase, name, integration, category,
    // budget, tags) is stored once in `steps` and each run's row refers to it by number,
    // in the run's order: a weekly run repeats the same steps, so its rows shrink to a
    // few integers, recording appends to the end of the table instead of updating an
    // index over step ids, and reading builds each step's strings once.
    "CREATE TABLE steps (
        step_id     INTEGER PRIMARY KEY,
        step_key    TEXT NOT NULL,      -- the step's stable id
        plan        TEXT NOT NULL,
        phase       TEXT NOT NULL,
        name        TEXT NOT NULL,
        integration TEXT,
        category    TEXT,
        warn_ms     INTEGER,
        fail_ms     INTEGER,
        tags        TEXT                -- a JSON array, NULL when none
    );
    CREATE INDEX steps_by_key ON steps (step_key);
    INSERT INTO steps (step_key, plan, phase, name, integration, category, warn_ms,
                       fail_ms, tags)
        SELECT DISTINCT step_key, plan, phase, name, integration, category, warn_ms,
               fail_ms, tags
        FROM step_results ORDER BY step_key;
    CREATE TABLE step_runs (
        run_id      INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,   -- the step's place in the run, from 0
        step_id     INTEGER NOT NULL,   -- in `steps` (no index: prune is the only
                                        -- reader by step, once, in one pass)
        outcome     TEXT NOT NULL,
        error_kind  TEXT,               -- snake_case token, as in results.json
        latency_us  INTEGER,
        duration_ms INTEGER NOT NULL,
        PRIMARY KEY (run_id, position)
    ) WITHOUT ROWID;
    INSERT INTO step_runs (run_id, position, step_id, outcome, error_kind, latency_us,
                           duration_ms)
        SELECT r.run_id,
               row_number() OVER (PARTITION BY r.run_id ORDER BY r.step_key) - 1,
               s.step_id, r.outcome, r.error_kind, r.latency_us, r.duration_ms
        FROM step_results r JOIN steps s
          ON s.step_key = r.step_key AND s.plan = r.plan AND s.phase = r.phase
         AND s.name = r.name AND s.integration IS r.integration
         AND s.category IS r.category AND s.warn_ms IS r.warn_ms
         AND s.fail_ms IS r.fail_ms AND s.tags IS r.tags;
    DROP TABLE step_results;
    -- What the run's results hash to (run and every step's id, outcome and timing), so
    -- `report --from` a recorded run knows it; NULL for runs recorded before.
    ALTER TABLE runs ADD COLUMN fingerprint TEXT;",
];

/// Why a file cannot be used as a history.
#[derive(Debug, PartialEq, Eq)]
pub enum SchemaProblem {
    /// An SQLite database, but another program's.
    Foreign,
    /// Written by a newer planrun.
    Newer(i64),
}

/// Brings the schema up to [`SCHEMA_VERSION`], or says why it cannot.
pub fn migrate(conn: &mut Connection) -> Result<Result<(), SchemaProblem>, rusqlite::Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app_id: i64 = tx.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if version == 0 {
        let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables > 0 || (app_id != 0 && app_id != APPLICATION_ID) {
            return Ok(Err(SchemaProblem::Foreign));
        }
    } else if app_id != APPLICATION_ID {
        return Ok(Err(SchemaProblem::Foreign));
    }
    if version > SCHEMA_VERSION {
        return Ok(Err(SchemaProblem::Newer(version)));
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_has_its_migration() {
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION);
    }

    #[test]
    fn migrates_once_and_refuses_newer_and_foreign_files() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), Ok(()));
        assert_eq!(
            migrate(&mut conn).unwrap(),
            Ok(()),
            "a second open is a no-op"
        );
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);

        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert_eq!(
            migrate(&mut conn).unwrap(),
            Err(SchemaProblem::Newer(SCHEMA_VERSION + 1))
        );

        let mut other = Connection::open_in_memory().unwrap();
        other.execute_batch("CREATE TABLE t (x)").unwrap();
        assert_eq!(migrate(&mut other).unwrap(), Err(SchemaProblem::Foreign));
    }

    #[test]
    fn a_version_1_file_gains_the_tags_column_with_the_step_descriptions() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), Ok(()));
        let tags: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('steps') WHERE name = 'tags'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tags, 1);
    }
}
