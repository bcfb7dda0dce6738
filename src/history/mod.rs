//! The history store: one SQLite file that every `planrun run --history FILE` adds its
//! run to, so reports can say what changed since the last run and how things trend.
//!
//! Written once per run in one transaction. WAL and a busy timeout let two runs record
//! into the same file at once; a file that is not a planrun history, is damaged, or was
//! written by a newer planrun is refused with a message saying what to do.

mod commit;
mod read;
mod schema;

pub use commit::git_commit;
pub use read::Window;
pub use schema::SCHEMA_VERSION;

use crate::compare::Snapshot;
use crate::results::{unix_seconds, ErrorKind, Outcome, RunResults};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};
use schema::SchemaProblem;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a writer waits for another one to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A problem with the history file, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "history {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for HistoryError {}

/// An open history file.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

/// One recorded run, as `planrun history` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    pub run_id: i64,
    pub suite: String,
    pub environment: String,
    pub started_at: String,
    pub duration_ms: u64,
    pub git_commit: Option<String>,
    pub interrupted: bool,
    pub passed: u64,
    pub slow: u64,
    pub failed: u64,
    pub errors: u64,
    /// Not tested, not configured and skipped together.
    pub not_sent: u64,
}

/// What [`History::record`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Added {
        run_id: i64,
        steps: usize,
    },
    /// Importing: the same run (suite, environment, host, start and end) was already there.
    AlreadyThere,
}

impl History {
    /// Opens (creating when absent) and migrates the history at `path`.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        let fail = |message: String| HistoryError {
            path: path.to_path_buf(),
            message,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| fail(format!("cannot create its folder: {e}")))?;
        }
        let mut conn = Connection::open(path).map_err(|e| fail(describe(&e)))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| fail(describe(&e)))?;
        // Switching a new file to WAL and its first migration can meet SQLITE_BUSY at once,
        // without the busy handler (two runs creating the same file); retry within the timeout.
        let started = std::time::Instant::now();
        let migrated = loop {
            let attempt = (|| -> rusqlite::Result<Result<(), SchemaProblem>> {
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "foreign_keys", "ON")?;
                // Under WAL, NORMAL syncs at checkpoints rather than at every commit:
                // the file cannot be corrupted by a crash, only the last run recorded
                // before a power cut can be lost, which is acceptable for a history.
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                // Reading a year of weekly runs touches a few MB: keep them in memory
                // (the default cache is 2 MB).
                conn.pragma_update(None, "cache_size", -16_384)?;
                schema::migrate(&mut conn)
            })();
            match attempt {
                Err(e)
                    if matches!(
                        e.sqlite_error_code(),
                        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked)
                    ) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other,
            }
        };
        match migrated.map_err(|e| fail(describe(&e)))? {
            Ok(()) => {}
            Err(SchemaProblem::Foreign) => {
                return Err(fail(
                    "is an SQLite database of another program, not a planrun history: \
                     give --history a new file name"
                        .into(),
                ))
            }
            Err(SchemaProblem::Newer(v)) => {
                return Err(fail(format!(
                    "was written by a newer planrun (history schema {v}; this planrun \
                     reads up to {SCHEMA_VERSION}): upgrade planrun, or give --history \
                     another file"
                )))
            }
        }
        Ok(History {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn fail(&self, e: rusqlite::Error) -> HistoryError {
        HistoryError {
            path: self.path.clone(),
            message: describe(&e),
        }
    }

    /// Adds a run and all its steps in one transaction. With `skip_known` (imports), a
    /// run already recorded is left alone; a live run is always added, even when another
    /// one started in the same second on the same host.
    pub fn record(
        &mut self,
        results: &RunResults,
        git_commit: Option<&str>,
        skip_known: bool,
    ) -> Result<Recorded, HistoryError> {
        let snapshot = Snapshot::of(results);
        let summary = results.summary();
        let run = &results.run;
        let started_unix = unix_seconds(&run.started_at);
        let write = |conn: &mut Connection| -> rusqlite::Result<Recorded> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if skip_known {
                let known: Option<i64> = tx
                    .query_row(
                        "SELECT run_id FROM runs WHERE suite = ?1 AND environment = ?2
                           AND host = ?3 AND started_at = ?4 AND finished_at = ?5",
                        params![
                            run.system.as_deref().unwrap_or(""),
                            run.environment.as_deref().unwrap_or(""),
                            run.hostname,
                            run.started_at,
                            run.finished_at,
                        ],
                        |r| r.get(0),
                    )
                    .optional()?;
                if known.is_some() {
                    return Ok(Recorded::AlreadyThere);
                }
            }
            tx.execute(
                "INSERT INTO runs (suite, environment, started_at, started_unix,
                    finished_at, duration_ms, host, git_commit, planrun_version, interrupted,
                    passed, slow, failed, errors, not_tested, not_configured, skipped,
                    fingerprint)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                    ?18)",
                params![
                    run.system.as_deref().unwrap_or(""),
                    run.environment.as_deref().unwrap_or(""),
                    run.started_at,
                    started_unix,
                    run.finished_at,
                    run.duration_ms as i64,
                    run.hostname,
                    git_commit,
                    results.planrun_version,
                    run.interrupted,
                    summary.passed as i64,
                    summary.slow as i64,
                    summary.failed as i64,
                    summary.errors as i64,
                    summary.not_tested as i64,
                    summary.not_configured as i64,
                    summary.skipped as i64,
                    fingerprint(results),
                ],
            )?;
            let run_id = tx.last_insert_rowid();
            {
                let mut find = tx.prepare(
                    "SELECT step_id FROM steps
                     WHERE step_key = ?1 AND plan = ?2 AND phase = ?3 AND name = ?4
                       AND integration IS ?5 AND category IS ?6 AND warn_ms IS ?7
                       AND fail_ms IS ?8 AND tags IS ?9",
                )?;
                let mut add = tx.prepare(
                    "INSERT INTO steps (step_key, plan, phase, name, integration, category,
                        warn_ms, fail_ms, tags)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                let mut insert = tx.prepare(
                    "INSERT INTO step_runs (run_id, position, step_id, outcome, error_kind,
                        latency_us, duration_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for (position, s) in snapshot.steps.iter().enumerate() {
                    let tags = tags_column(&s.tags);
                    let described = params![
                        s.key,
                        s.plan,
                        s.phase,
                        s.name,
                        s.integration,
                        s.category,
                        s.warn_ms.map(|v| v as i64),
                        s.fail_ms.map(|v| v as i64),
                        tags,
                    ];
                    let step_id = match find
                        .query_row(described, |r| r.get::<_, i64>(0))
                        .optional()?
                    {
                        Some(id) => id,
                        None => {
                            add.execute(described)?;
                            tx.last_insert_rowid()
                        }
                    };
                    insert.execute(params![
                        run_id,
                        position as i64,
                        step_id,
                        s.outcome.token(),
                        s.error_kind.map(ErrorKind::token),
                        s.latency_us.map(|v| v as i64),
                        s.duration_ms as i64,
                    ])?;
                }
            }
            tx.commit()?;
            Ok(Recorded::Added {
                run_id,
                steps: snapshot.steps.len(),
            })
        };
        write(&mut self.conn).map_err(|e| self.fail(e))
    }

    /// Recorded runs, newest first; at most `limit` when given.
    pub fn runs(&self, limit: Option<usize>) -> Result<Vec<RunRow>, HistoryError> {
        let read = || -> rusqlite::Result<Vec<RunRow>> {
            let mut stmt = self.conn.prepare(
                "SELECT run_id, suite, environment, started_at, duration_ms, git_commit,
                        interrupted, passed, slow, failed, errors,
                        not_tested + not_configured + skipped
                 FROM runs ORDER BY started_unix DESC, run_id DESC LIMIT ?1",
            )?;
            let limit = limit.map_or(-1, |n| n as i64);
            let rows = stmt.query_map([limit], |r| {
                Ok(RunRow {
                    run_id: r.get(0)?,
                    suite: r.get(1)?,
                    environment: r.get(2)?,
                    started_at: r.get(3)?,
                    duration_ms: r.get::<_, i64>(4)? as u64,
                    git_commit: r.get(5)?,
                    interrupted: r.get(6)?,
                    passed: r.get::<_, i64>(7)? as u64,
                    slow: r.get::<_, i64>(8)? as u64,
                    failed: r.get::<_, i64>(9)? as u64,
                    errors: r.get::<_, i64>(10)? as u64,
                    not_sent: r.get::<_, i64>(11)? as u64,
                })
            })?;
            rows.collect()
        };
        read().map_err(|e| self.fail(e))
    }

    /// The latest recorded run of the same suite and environment that started no later
    /// than `results` (which is not recorded yet), with its steps; `None` when there is
    /// none.
    pub fn previous(&self, results: &RunResults) -> Result<Option<Snapshot>, HistoryError> {
        let mut runs = self.window(results, &Window::last(1))?;
        Ok(runs.pop())
    }

    /// Deletes runs that started before `cutoff_unix` (and their steps), then compacts
    /// the file. Returns how many runs were deleted.
    pub fn prune(&mut self, cutoff_unix: i64) -> Result<usize, HistoryError> {
        let run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute("DELETE FROM runs WHERE started_unix < ?1", [cutoff_unix])?;
            // Step descriptions no run refers to any more.
            tx.execute(
                "DELETE FROM steps WHERE step_id NOT IN (SELECT step_id FROM step_runs)",
                [],
            )?;
            tx.commit()?;
            if n > 0 {
                conn.execute_batch("VACUUM")?;
            }
            Ok(n)
        };
        run(&mut self.conn).map_err(|e| self.fail(e))
    }
}

/// A hash of what makes a run itself: its start, end and host, and every step's id,
/// outcome, duration and latency (to the microsecond), hex.
fn fingerprint(results: &RunResults) -> String {
    use sha2::Digest;
    let run = &results.run;
    let mut hash = sha2::Sha256::new();
    for part in [&run.started_at, &run.finished_at, &run.hostname] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.update(run.duration_ms.to_le_bytes());
    for step in results.plans.iter().flat_map(|p| &p.steps) {
        hash.update(step.id.as_bytes());
        hash.update([0, step.outcome as u8]);
        hash.update(step.duration_ms.to_le_bytes());
        let latency = step.response.as_ref().map_or(u64::MAX, |r| r.latency_us);
        hash.update(latency.to_le_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Tags as stored: a JSON array, `NULL` when there are none.
fn tags_column(tags: &[String]) -> Option<String> {
    if tags.is_empty() {
        None
    } else {
        serde_json::to_string(tags).ok()
    }
}

/// The error in words a user can act on: a damaged file and a locked one say so.
fn describe(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            "is not a planrun history (not an SQLite database, or damaged): move it \
             aside and planrun starts a new one"
                .into()
        }
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => format!(
            "still locked by another writer after {} s: try again when the other run \
             has finished",
            BUSY_TIMEOUT.as_secs()
        ),
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen) => {
            format!("cannot be opened for writing: {e}")
        }
        _ => e.to_string(),
    }
}

/// A token written by [`ErrorKind::token`]; `None` for one this planrun does not know.
fn error_kind(token: &str) -> Option<ErrorKind> {
    serde_json::from_value(serde_json::Value::String(token.to_string())).ok()
}

fn outcome_from_name(name: &str) -> Outcome {
    match name {
        "passed" => Outcome::Passed,
        "slow" => Outcome::Slow,
        "failed" => Outcome::Failed,
        "error" => Outcome::Error,
        "not_tested" => Outcome::NotTested,
        "not_configured" => Outcome::NotConfigured,
        // Only this planrun writes the column; an unknown word reads as not sent.
        _ => Outcome::Skipped,
    }
}

#[cfg(test)]
mod tests;
