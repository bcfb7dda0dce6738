//! Reading runs back: the recent runs of one suite and environment, with their steps,
//! in two queries whatever the number of runs (one for the runs, one for their steps).

use super::{error_kind, outcome_from_name, History, HistoryError};
use crate::compare::{Snapshot, StepState};
use crate::results::{unix_seconds, Outcome, RunResults};
use rusqlite::params;
use std::collections::HashMap;

/// Which earlier runs to read: the newest `last` ones, and every one that started within
/// `within_secs` before the current run (the union, so one read serves several windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub last: usize,
    pub within_secs: Option<u64>,
}

impl Window {
    pub fn last(n: usize) -> Window {
        Window {
            last: n,
            within_secs: None,
        }
    }

    /// The smallest window holding both.
    pub fn union(self, other: Window) -> Window {
        Window {
            last: self.last.max(other.last),
            within_secs: match (self.within_secs, other.within_secs) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

impl History {
    /// The recorded runs of the same suite and environment as `results` (a run being
    /// recorded: not in the history yet) that started no later than it and fall in
    /// `window`, oldest first, each with its steps.
    pub fn window(
        &self,
        results: &RunResults,
        window: &Window,
    ) -> Result<Vec<Snapshot>, HistoryError> {
        self.read_window(results, window, false)
    }

    /// As [`History::window`] for saved results, which may be recorded already: that
    /// run (same start, end, host and step timings; for runs recorded by an older
    /// planrun, same host, start and end) is not its own earlier run.
    pub fn window_of_saved(
        &self,
        results: &RunResults,
        window: &Window,
    ) -> Result<Vec<Snapshot>, HistoryError> {
        self.read_window(results, window, true)
    }

    fn read_window(
        &self,
        results: &RunResults,
        window: &Window,
        saved: bool,
    ) -> Result<Vec<Snapshot>, HistoryError> {
        let run = &results.run;
        let now = unix_seconds(&run.started_at);
        let since = window
            .within_secs
            .map(|s| now.saturating_sub(i64::try_from(s).unwrap_or(i64::MAX)));
        let read = || -> rusqlite::Result<Vec<Snapshot>> {
            let mut stmt = self.conn.prepare(
                "SELECT run_id, started_at, started_unix, git_commit FROM runs
                 WHERE suite = ?1 AND environment = ?2 AND started_unix <= ?3
                   AND NOT (?4 AND (fingerprint = ?5 OR (fingerprint IS NULL
                        AND host = ?6 AND started_at = ?7 AND finished_at = ?8)))
                 ORDER BY started_unix DESC, run_id DESC",
            )?;
            let mut rows = stmt.query(params![
                run.system.as_deref().unwrap_or(""),
                run.environment.as_deref().unwrap_or(""),
                now,
                saved,
                saved.then(|| super::fingerprint(results)),
                run.hostname,
                run.started_at,
                run.finished_at,
            ])?;
            // Newest first; stop at the first run outside both halves of the window.
            let mut runs: Vec<(i64, Snapshot)> = Vec::new();
            while let Some(r) = rows.next()? {
                let started_unix: i64 = r.get(2)?;
                let in_last = runs.len() < window.last;
                let in_time = since.is_some_and(|s| started_unix >= s);
                if !in_last && !in_time {
                    break;
                }
                runs.push((
                    r.get(0)?,
                    Snapshot {
                        started_at: r.get(1)?,
                        git_commit: r.get(3)?,
                        steps: Vec::new(),
                    },
                ));
            }
            if runs.is_empty() {
                return Ok(Vec::new());
            }
            let index: HashMap<i64, usize> = runs
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (*id, i))
                .collect();
            // Run ids are integers read from the file: listing them inline is safe.
            let ids: Vec<String> = runs.iter().map(|(id, _)| id.to_string()).collect();
            let ids = ids.join(",");
            // Each run's rows first (a few integers each), then each step they name
            // described once, then the snapshots.
            struct Row {
                run: usize,
                step_id: i64,
                outcome: Outcome,
                error_kind: Option<crate::results::ErrorKind>,
                latency_us: Option<u64>,
                duration_ms: u64,
            }
            let mut stmt = self.conn.prepare(&format!(
                "SELECT run_id, step_id, outcome, error_kind, latency_us, duration_ms
                 FROM step_runs WHERE run_id IN ({ids}) ORDER BY run_id, position"
            ))?;
            let mut rows = stmt.query([])?;
            let mut read: Vec<Row> = Vec::new();
            let mut step_ids: std::collections::BTreeSet<i64> = Default::default();
            while let Some(r) = rows.next()? {
                let Some(&run) = index.get(&r.get::<_, i64>(0)?) else {
                    continue;
                };
                let step_id: i64 = r.get(1)?;
                step_ids.insert(step_id);
                read.push(Row {
                    run,
                    step_id,
                    outcome: outcome_from_name(r.get_ref(2)?.as_str()?),
                    error_kind: match r.get_ref(3)?.as_str_or_null()? {
                        Some(token) => error_kind(token),
                        None => None,
                    },
                    latency_us: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
                    duration_ms: r.get::<_, i64>(5)? as u64,
                });
            }
            // Step ids are integers read from the file: listing them inline is safe.
            let step_ids: Vec<String> = step_ids.iter().map(i64::to_string).collect();
            let mut stmt = self.conn.prepare(&format!(
                "SELECT step_id, step_key, plan, phase, name, integration, category,
                        warn_ms, fail_ms, tags
                 FROM steps WHERE step_id IN ({})",
                step_ids.join(",")
            ))?;
            let mut described: HashMap<i64, StepState> = HashMap::new();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let tags: Option<String> = r.get(9)?;
                described.insert(
                    r.get(0)?,
                    StepState {
                        key: r.get(1)?,
                        plan: r.get(2)?,
                        phase: r.get(3)?,
                        name: r.get(4)?,
                        integration: r.get(5)?,
                        category: r.get(6)?,
                        outcome: Outcome::Skipped,
                        error_kind: None,
                        latency_us: None,
                        duration_ms: 0,
                        warn_ms: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
                        fail_ms: r.get::<_, Option<i64>>(8)?.map(|v| v as u64),
                        tags: tags
                            .and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
                            .unwrap_or_default()
                            .into(),
                    },
                );
            }
            for row in read {
                let Some(step) = described.get(&row.step_id) else {
                    continue;
                };
                runs[row.run].1.steps.push(StepState {
                    outcome: row.outcome,
                    error_kind: row.error_kind,
                    latency_us: row.latency_us,
                    duration_ms: row.duration_ms,
                    ..step.clone()
                });
            }
            runs.reverse();
            Ok(runs.into_iter().map(|(_, s)| s).collect())
        };
        read().map_err(|e| self.fail(e))
    }
}

impl History {
    /// The newest recorded duration (ms) of every step sent in `environment`, by step id,
    /// to balance shards by time. Interrupted runs and steps not sent are left out.
    pub fn step_durations(&self, environment: &str) -> Result<HashMap<String, u64>, HistoryError> {
        let read = || -> rusqlite::Result<HashMap<String, u64>> {
            let mut stmt = self.conn.prepare(
                "SELECT d.step_key, s.duration_ms FROM step_runs s
                   JOIN runs r ON r.run_id = s.run_id
                   JOIN steps d ON d.step_id = s.step_id
                 WHERE r.environment = ?1 AND r.interrupted = 0
                   AND s.outcome IN ('passed', 'slow', 'failed', 'error')
                 ORDER BY r.started_unix, r.run_id",
            )?;
            let mut rows = stmt.query(params![environment])?;
            let mut newest = HashMap::new();
            while let Some(row) = rows.next()? {
                let key: String = row.get(0)?;
                let ms: i64 = row.get(1)?;
                // Oldest first, so a later run's duration replaces an earlier one.
                newest.insert(key, u64::try_from(ms).unwrap_or(0));
            }
            Ok(newest)
        };
        read().map_err(|e| self.fail(e))
    }
}
