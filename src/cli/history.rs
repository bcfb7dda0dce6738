//! Arguments of the history commands (`planrun history`, `planrun compare`) and the
//! history options of `run` and `demo`.

use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// Where a run is recorded and what it is compared with.
#[derive(Debug, Args, Clone)]
pub struct HistoryRunArgs {
    /// History file (SQLite): `run` records the run in it, and the reports show the
    /// changes since the previous run of the same suite and environment, the trends and
    /// the alerting rules over it. Default: `history:` in planrun.yaml.
    #[arg(long, value_name = "FILE", env = "PLANRUN_HISTORY")]
    pub history: Option<PathBuf>,
    /// Compare with this saved results.json instead (no history needed).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// How many runs the report's trends cover (this one included), from the history.
    #[arg(long, value_name = "N", default_value_t = crate::report::model::trends::DEFAULT_TREND_RUNS, value_parser = clap::value_parser!(usize))]
    pub trend_runs: usize,
}

#[derive(Debug, Args, Clone)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub action: Option<HistoryAction>,
    /// History file.
    #[arg(long, value_name = "FILE", global = true, env = "PLANRUN_HISTORY")]
    pub history: Option<PathBuf>,
    /// List at most N runs, newest first.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub last: usize,
}

#[derive(Debug, Subcommand, Clone)]
pub enum HistoryAction {
    /// Add saved results.json files to the history (runs already in it are skipped).
    Import {
        /// results.json files written by `planrun run`.
        #[arg(required = true, value_name = "RESULTS")]
        files: Vec<PathBuf>,
    },
    /// Delete runs older than a duration (`52w`, `365d`) and compact the file.
    Prune {
        /// Keep the runs that started within this long before now.
        #[arg(long, value_name = "DURATION", value_parser = parse_keep)]
        keep: Duration,
    },
}

#[derive(Debug, Args, Clone)]
pub struct CompareArgs {
    /// The earlier results.json.
    pub old: PathBuf,
    /// The later results.json.
    pub new: PathBuf,
    /// Plain-text markers instead of emoji.
    #[arg(long)]
    pub no_emoji: bool,
}

/// A duration for `--keep`: the plan durations (`30d`, `12h`) plus weeks (`52w`).
fn parse_keep(text: &str) -> Result<Duration, String> {
    match text.trim().strip_suffix('w') {
        Some(weeks) => weeks
            .trim()
            .parse::<u64>()
            .map(|w| Duration::from_secs(w * 7 * 86_400))
            .map_err(|_| format!("invalid duration `{text}`: write e.g. `52w` or `365d`")),
        None => crate::plan::duration::parse_duration(text),
    }
}
