//! The history's scale targets (issue 12), measured with plain wall-clock time:
//! recording a 2,000-step run (≤ 50 ms), comparing with the previous run and trending
//! over 52 weekly runs of 2,000 steps (≤ 200 ms), and the file size of a year of weekly
//! demo runs (< 20 MB). `cargo bench --bench history` prints the figures.

use planrun::compare::{compare, CompareOptions, Snapshot};
use planrun::history::{History, Window};
use planrun::report::json;
use planrun::report::model::trends::{trends, DEFAULT_TREND_RUNS};
use planrun::results::RunResults;
use std::time::{Duration, Instant};

/// The demo's 67 steps, as saved by an earlier planrun.
const DEMO: &str = include_str!("../tests/fixtures/results-v1.json");

fn demo() -> RunResults {
    json::parse(DEMO).expect("the demo results parse")
}

/// The demo's steps repeated to `steps` steps, each with its own id.
fn scaled(steps: usize) -> RunResults {
    let mut r = demo();
    let template: Vec<_> = r.plans.iter().flat_map(|p| p.steps.clone()).collect();
    let mut plan = r.plans[0].clone();
    plan.steps = (0..steps)
        .map(|i| {
            let mut s = template[i % template.len()].clone();
            s.id = format!("{}#{i}", s.id);
            s
        })
        .collect();
    r.plans = vec![plan];
    r
}

/// Week `w` of 2026.
fn week(mut r: RunResults, w: u64) -> RunResults {
    let t = std::time::UNIX_EPOCH + Duration::from_secs(1_767_225_600 + w * 7 * 86_400);
    r.run.started_at = humantime::format_rfc3339_seconds(t).to_string();
    r
}

fn best_of(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..n).map(|_| f()).min().unwrap_or_default()
}

fn main() {
    let dir = std::env::temp_dir().join(format!("planrun-bench-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");

    // 1. Recording one 2,000-step run into a history that already holds 52 of them.
    let big = scaled(2_000);
    let path = dir.join("weekly.db");
    let mut h = History::open(&path).expect("open");
    for w in 0..52 {
        h.record(&week(big.clone(), w), None, false)
            .expect("record");
    }
    let mut w = 52;
    let record = best_of(5, || {
        let run = week(big.clone(), w);
        w += 1;
        let t = Instant::now();
        h.record(&run, None, false).expect("record");
        t.elapsed()
    });
    println!("record a 2,000-step run:                         {record:>9.1?}  (target ≤ 50 ms)");

    // 2. Reading 52 weeks back, comparing with the previous run and trending.
    let current = week(big.clone(), 200);
    let analyse = best_of(5, || {
        let t = Instant::now();
        let earlier = h.window(&current, &Window::last(52)).expect("window");
        let now = Snapshot::of(&current);
        let previous = earlier.last().expect("runs");
        let changes = compare(previous, &now, &CompareOptions::default());
        let t52 = trends(&earlier, &now, 52);
        let t8 = trends(&earlier, &now, DEFAULT_TREND_RUNS);
        std::hint::black_box((changes.count(), t52.runs.len(), t8.flaky.len()));
        t.elapsed()
    });
    println!("compare + trend over 52 runs of 2,000 steps:     {analyse:>9.1?}  (target ≤ 200 ms)");
    drop(h);

    // 3. A year of weekly demo runs.
    let path = dir.join("demo-year.db");
    let mut h = History::open(&path).expect("open");
    let d = demo();
    for w in 0..52 {
        h.record(&week(d.clone(), w), None, false).expect("record");
    }
    drop(h);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(dir.join("demo-year.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "a year of weekly demo runs (52 × {} steps):       {:>6.2} MB  (target < 20 MB)",
        d.plans.iter().map(|p| p.steps.len()).sum::<usize>(),
        size as f64 / 1e6
    );
    let size = std::fs::metadata(dir.join("weekly.db"))
        .map(|m| m.len())
        .unwrap_or(0)
        + std::fs::metadata(dir.join("weekly.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "57 runs of 2,000 steps, for scale:               {:>6.2} MB",
        size as f64 / 1e6
    );
    let _ = std::fs::remove_dir_all(&dir);
}
