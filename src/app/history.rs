//! The history commands, and what a run does with its history: compare with the
//! previous run (or a baseline file) before the reports are written, record after.

use crate::alerting::{AlertRule, AlertWindow};
use crate::cli::{CompareArgs, HistoryAction, HistoryArgs, HistoryRunArgs};
use crate::compare::{compare, CompareOptions, Snapshot};
use crate::console::Notes;
use crate::exit;
use crate::history::{git_commit, History, Recorded, RunRow, Window};
use crate::report::model::alerting::evaluate;
use crate::report::model::trends::trends;
use crate::report::model::Context;
use crate::report::{json, markdown};
use crate::results::RunResults;
use crate::shard::{PlanWeight, RecordedDurations, StepCount};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// `--history` (or `PLANRUN_HISTORY`, through clap), then `history:` of planrun.yaml.
pub fn history_path(args: &HistoryRunArgs, from_config: Option<&Path>) -> Option<PathBuf> {
    args.history
        .clone()
        .or_else(|| from_config.map(Path::to_path_buf))
}

/// Whether the results are a run being recorded, or saved results (`report --from`)
/// that the history may hold already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Live,
    FromFile,
}

/// A run's history: opened before the reports so they can show the changes and trends.
pub struct RunHistory {
    store: Option<History>,
    /// Set when the history file or the baseline could not be used (already printed).
    pub failed: bool,
    /// What the reports add from the history or the baseline.
    pub context: Context,
}

impl RunHistory {
    /// Opens the history and compares `results` with the baseline. Problems are printed
    /// and remembered in `failed`; the reports are written regardless.
    pub fn prepare(
        results: &RunResults,
        args: &HistoryRunArgs,
        path: Option<PathBuf>,
        rules: &[AlertRule],
        saved: Saved,
    ) -> Self {
        let mut failed = false;
        let store = path.and_then(|p| match History::open(&p) {
            Ok(h) => Some(h),
            Err(e) => {
                eprintln!("error: {e}; this run is not recorded");
                failed = true;
                None
            }
        });
        let current = Snapshot::of(results);
        // The history is read once: the window the trends and the alerting rules need,
        // the previous run last.
        let earlier = match &store {
            Some(store) => {
                let window = rules
                    .iter()
                    .fold(Window::last(args.trend_runs.max(1)), |w, rule| {
                        w.union(rule_window(rule))
                    });
                let read = match saved {
                    Saved::Live => store.window(results, &window),
                    Saved::FromFile => store.window_of_saved(results, &window),
                };
                match read {
                    Ok(runs) => runs,
                    Err(e) => {
                        eprintln!("error: {e}");
                        failed = true;
                        Vec::new()
                    }
                }
            }
            None => Vec::new(),
        };
        let baseline = match &args.baseline {
            Some(file) => match read_results(file) {
                Ok(r) => Some(Snapshot::of(&r)),
                Err(e) => {
                    eprintln!("error: --baseline {e}");
                    failed = true;
                    None
                }
            },
            None => earlier.last().cloned(),
        };
        let changes = baseline.map(|b| compare(&b, &current, &CompareOptions::default()));
        let trends =
            (store.is_some() && !failed).then(|| trends(&earlier, &current, args.trend_runs));
        let from_history = store.is_some() && !failed;
        let alerting =
            (!rules.is_empty()).then(|| evaluate(rules, &earlier, &current, from_history));
        RunHistory {
            store,
            failed,
            context: Context {
                changes,
                trends,
                alerting,
            },
        }
    }

    /// Records the run (after its reports are written). False when it could not be.
    pub fn record(&mut self, results: &RunResults, env: &[(String, String)], notes: Notes) -> bool {
        let Some(store) = &mut self.store else {
            return !self.failed;
        };
        match store.record(results, git_commit(env).as_deref(), false) {
            Ok(Recorded::Added { run_id, steps }) => {
                notes.say(format_args!(
                    "History: run {run_id} recorded ({steps} steps)"
                ));
                !self.failed
            }
            Ok(Recorded::AlreadyThere) => !self.failed,
            Err(e) => {
                eprintln!("error: {e}; this run is not recorded");
                false
            }
        }
    }
}

/// The earlier runs a rule looks at (its window includes the current run).
fn rule_window(rule: &AlertRule) -> Window {
    match rule.window {
        AlertWindow::Last(n) => Window::last(n.saturating_sub(1)),
        AlertWindow::Within(d) => Window {
            last: 0,
            within_secs: Some(d.as_secs()),
        },
    }
}

fn read_results(path: &Path) -> Result<RunResults, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    json::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn cmd_history(args: &HistoryArgs) -> i32 {
    let Some(path) = args.history.clone() else {
        eprintln!("error: which history? give --history FILE or set PLANRUN_HISTORY");
        return exit::INVALID;
    };
    if args.action.is_none() && !path.exists() {
        eprintln!(
            "error: history {} does not exist: record runs with `planrun run --history {}`",
            path.display(),
            path.display()
        );
        return exit::INVALID;
    }
    let mut store = match History::open(&path) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INVALID;
        }
    };
    match &args.action {
        None => list(&store, args.last),
        Some(HistoryAction::Import { files }) => import(&mut store, files),
        Some(HistoryAction::Prune { keep }) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let cutoff = now.saturating_sub(keep.as_secs()) as i64;
            match store.prune(cutoff) {
                Ok(n) => {
                    say!(
                        "pruned {n} run{} older than {}",
                        if n == 1 { "" } else { "s" },
                        humantime::format_duration(*keep)
                    );
                    exit::PASSED
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::INVALID
                }
            }
        }
    }
}

fn list(store: &History, last: usize) -> i32 {
    let runs = match store.runs(Some(last)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INVALID;
        }
    };
    if runs.is_empty() {
        say!("no runs recorded yet");
        return exit::PASSED;
    }
    say!(
        "{:<5} {:<20} {:<12} {:>6} {:>5} {:>6} {:>5} {:>8} {:>9}  commit",
        "run",
        "started (UTC)",
        "environment",
        "passed",
        "slow",
        "failed",
        "error",
        "not sent",
        "duration"
    );
    for r in &runs {
        say!("{}", row(r));
    }
    exit::PASSED
}

fn row(r: &RunRow) -> String {
    let env = if r.environment.is_empty() {
        "—"
    } else {
        &r.environment
    };
    let commit: String = r
        .git_commit
        .as_deref()
        .unwrap_or("—")
        .chars()
        .take(12)
        .collect();
    format!(
        "{:<5} {:<20} {:<12} {:>6} {:>5} {:>6} {:>5} {:>8} {:>8}s  {commit}{}",
        r.run_id,
        r.started_at,
        env,
        r.passed,
        r.slow,
        r.failed,
        r.errors,
        r.not_sent,
        crate::report::seconds(r.duration_ms),
        if r.interrupted { "  (interrupted)" } else { "" }
    )
}

fn import(store: &mut History, files: &[PathBuf]) -> i32 {
    let mut code = exit::PASSED;
    for file in files {
        let outcome = read_results(file)
            .and_then(|r| store.record(&r, None, true).map_err(|e| e.to_string()));
        match outcome {
            Ok(Recorded::Added { run_id, steps }) => {
                say!(
                    "{}: imported as run {run_id} ({steps} steps)",
                    file.display()
                )
            }
            Ok(Recorded::AlreadyThere) => say!("{}: already in the history", file.display()),
            Err(e) => {
                eprintln!("error: {e}");
                code = exit::INVALID;
            }
        }
    }
    code
}

pub fn cmd_compare(args: &CompareArgs) -> i32 {
    let (old, new) = match (read_results(&args.old), read_results(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return exit::INVALID;
        }
    };
    let changes = compare(
        &Snapshot::of(&old),
        &Snapshot::of(&new),
        &CompareOptions::default(),
    );
    let opts = markdown::MarkdownOptions {
        emoji: !args.no_emoji,
    };
    say!("{}", markdown::render_changes(&changes, &opts).trim_end());
    exit::PASSED
}

/// How `--shard` weighs plans: by their steps' durations recorded in the history when it
/// has some for this environment (longest first balances time, not step counts), else by
/// step count.
pub fn shard_weights(
    path: Option<&Path>,
    environment: Option<&str>,
    plans: &[crate::plan::model::Plan],
    notes: &Notes,
) -> Box<dyn PlanWeight> {
    // An absent file stays absent: opening would create it before the run records.
    let Some(path) = path.filter(|p| p.exists()) else {
        return Box::new(StepCount);
    };
    let recorded = History::open(path).and_then(|h| h.step_durations(environment.unwrap_or("")));
    match recorded.map(|d| RecordedDurations::new(&d)) {
        Ok(Some(weights)) => {
            let (known, total) = weights.known_steps(plans);
            notes.say(format_args!(
                "shards balanced by the durations recorded in {} ({known} of {total} steps known)",
                path.display()
            ));
            Box::new(weights)
        }
        Ok(None) => Box::new(StepCount),
        Err(e) => {
            notes.say(format_args!("note: {e}; shards balanced by step count"));
            Box::new(StepCount)
        }
    }
}
