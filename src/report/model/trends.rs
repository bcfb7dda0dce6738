//! Trends over the last runs of the same suite and environment: pass rate per
//! integration, latency per budgeted step, and the steps that flip between passing and
//! failing. Plain data (series of run → value) for the Markdown charts and the HTML SVG;
//! computed from history snapshots, nothing here reads the store.

use crate::compare::{Snapshot, StepState};
use crate::results::Outcome;
use indexmap::IndexMap;

/// How many runs a trend covers unless told otherwise (the current one included).
pub const DEFAULT_TREND_RUNS: usize = 8;

/// A step is flaky when its outcome flipped (passing ↔ failing) at least this often in
/// the window: one flip is a regression or a fix, two are not.
pub const FLAKY_MIN_FLIPS: usize = 2;

#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    /// The runs of the window, oldest first; the last one is the current run.
    pub runs: Vec<TrendRun>,
    /// Pass rate (%) of every step sent, run by run.
    pub overall: Series,
    /// Pass rate (%) per integration, in the current run's order.
    pub integrations: Vec<Series>,
    /// Latency (ms) of each step with a latency budget in the current run.
    pub latency: Vec<LatencySeries>,
    pub flaky: Vec<FlakyStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendRun {
    /// Short and unique within the window: `11-27`, or `11-27 09:00` when two runs share
    /// a day.
    pub label: String,
    pub started_at: String,
    pub git_commit: Option<String>,
}

/// One value of a series: in run `run` (an index into [`Trends::runs`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub run: usize,
    pub value: f64,
}

/// Values over the runs; a run without a value (nothing sent, step absent) has no point.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

impl Series {
    /// Whether the value moved at all in the window.
    pub fn varies(&self) -> bool {
        self.points
            .windows(2)
            .any(|w| (w[0].value - w[1].value).abs() > f64::EPSILON)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LatencySeries {
    /// The step's stable id.
    pub key: String,
    pub name: String,
    pub plan: String,
    pub warn_ms: Option<u64>,
    pub fail_ms: Option<u64>,
    /// Milliseconds, in runs where a response came back.
    pub points: Vec<Point>,
}

impl LatencySeries {
    /// Over its warn budget in some run of the window.
    pub fn ever_over_budget(&self) -> bool {
        let limit = self.warn_ms.or(self.fail_ms);
        limit.is_some_and(|l| self.points.iter().any(|p| p.value > l as f64))
    }

    /// Its highest latency in the window over its warn budget (or fail budget): the
    /// reports show the steps nearest their budget first.
    pub fn peak_share(&self) -> f64 {
        let budget = self.warn_ms.or(self.fail_ms).unwrap_or(0).max(1) as f64;
        self.points.iter().map(|p| p.value).fold(0.0, f64::max) / budget
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlakyStep {
    pub key: String,
    pub name: String,
    pub plan: String,
    /// Its outcome in each run of the window (`None`: not in that run).
    pub outcomes: Vec<Option<Outcome>>,
    /// Passing ↔ failing transitions, runs where it was not sent left out.
    pub flips: usize,
}

/// The trends over `earlier` runs (oldest first, from the history) and the `current` one,
/// keeping the newest `runs` runs in all.
pub fn trends(earlier: &[Snapshot], current: &Snapshot, runs: usize) -> Trends {
    let keep = runs.max(1) - 1;
    let earlier = &earlier[earlier.len().saturating_sub(keep)..];
    let window: Vec<&Snapshot> = earlier.iter().chain(std::iter::once(current)).collect();
    let labels = labels(&window);
    let trend_runs = window
        .iter()
        .zip(labels)
        .map(|(s, label)| TrendRun {
            label,
            started_at: s.started_at.clone(),
            git_commit: s.git_commit.clone(),
        })
        .collect();
    let names = integration_names(current);
    let (overall, per_integration) = pass_rates(&window, &names);
    let runs_by_key = by_key(&window);
    Trends {
        runs: trend_runs,
        overall: Series {
            name: "All integrations".into(),
            points: overall,
        },
        integrations: names
            .keys()
            .zip(per_integration)
            .map(|(name, points)| Series {
                name: name.to_string(),
                points,
            })
            .collect(),
        latency: latency(&runs_by_key, current),
        flaky: flaky(&runs_by_key, current),
    }
}

/// The integration a step reports under: its own, else its plan's name.
fn integration(s: &StepState) -> &str {
    s.integration
        .as_deref()
        .filter(|i| !i.trim().is_empty())
        .unwrap_or(&s.plan)
}

/// The current run's integrations in order, each with its index.
fn integration_names(current: &Snapshot) -> IndexMap<&str, usize> {
    let mut names: IndexMap<&str, usize> = IndexMap::new();
    for s in &current.steps {
        let next = names.len();
        names.entry(integration(s)).or_insert(next);
    }
    names
}

/// Passed or slow.
fn good(o: Outcome) -> bool {
    matches!(o, Outcome::Passed | Outcome::Slow)
}

/// Sent and answered one way or the other: what a pass rate counts.
fn significant(o: Outcome) -> bool {
    good(o) || o.is_failure()
}

/// The pass rate of every run, overall and per integration in `names`, counted in one
/// pass over each run's steps.
fn pass_rates(
    window: &[&Snapshot],
    names: &IndexMap<&str, usize>,
) -> (Vec<Point>, Vec<Vec<Point>>) {
    let rate = |run: usize, (sent, passed): (usize, usize)| {
        (sent > 0).then(|| Point {
            run,
            value: (passed as f64 * 1000.0 / sent as f64).round() / 10.0,
        })
    };
    let mut overall = Vec::new();
    let mut per_integration: Vec<Vec<Point>> = vec![Vec::new(); names.len()];
    let mut counts: Vec<(usize, usize)> = vec![(0, 0); names.len()];
    for (run, snap) in window.iter().enumerate() {
        counts.iter_mut().for_each(|c| *c = (0, 0));
        let mut all = (0, 0);
        for s in snap.steps.iter().filter(|s| significant(s.outcome)) {
            let passed = usize::from(good(s.outcome));
            all = (all.0 + 1, all.1 + passed);
            if let Some(&i) = names.get(integration(s)) {
                counts[i] = (counts[i].0 + 1, counts[i].1 + passed);
            }
        }
        overall.extend(rate(run, all));
        for (points, c) in per_integration.iter_mut().zip(&counts) {
            points.extend(rate(run, *c));
        }
    }
    (overall, per_integration)
}

/// Each run's steps by key, built once.
fn by_key<'a>(window: &[&'a Snapshot]) -> Vec<IndexMap<&'a str, &'a StepState>> {
    window
        .iter()
        .map(|s| s.steps.iter().map(|st| (st.key.as_ref(), st)).collect())
        .collect()
}

fn latency(runs: &[IndexMap<&str, &StepState>], current: &Snapshot) -> Vec<LatencySeries> {
    current
        .steps
        .iter()
        .filter(|s| s.warn_ms.is_some() || s.fail_ms.is_some())
        .map(|s| LatencySeries {
            key: s.key.to_string(),
            name: s.name.to_string(),
            plan: s.plan.to_string(),
            warn_ms: s.warn_ms,
            fail_ms: s.fail_ms,
            points: runs
                .iter()
                .enumerate()
                .filter_map(|(run, steps)| {
                    let us = steps.get(s.key.as_ref())?.latency_us?;
                    Some(Point {
                        run,
                        value: (us as f64 / 100.0).round() / 10.0,
                    })
                })
                .collect(),
        })
        .collect()
}

fn flaky(runs: &[IndexMap<&str, &StepState>], current: &Snapshot) -> Vec<FlakyStep> {
    // Every step of the window, current ones first, then those gone since.
    let mut keys: IndexMap<&str, &StepState> =
        current.steps.iter().map(|s| (s.key.as_ref(), s)).collect();
    for steps in runs.iter().rev() {
        for (k, s) in steps {
            keys.entry(k).or_insert(s);
        }
    }
    keys.into_iter()
        .filter_map(|(key, s)| {
            let outcomes: Vec<Option<Outcome>> = runs
                .iter()
                .map(|steps| steps.get(key).map(|st| st.outcome))
                .collect();
            let sent: Vec<bool> = outcomes
                .iter()
                .flatten()
                .filter(|o| significant(**o))
                .map(|o| good(*o))
                .collect();
            let flips = sent.windows(2).filter(|w| w[0] != w[1]).count();
            (flips >= FLAKY_MIN_FLIPS).then(|| FlakyStep {
                key: key.to_string(),
                name: s.name.to_string(),
                plan: s.plan.to_string(),
                outcomes,
                flips,
            })
        })
        .collect()
}

/// `MM-DD`; `MM-DD HH:MM` when two runs of the window share a day, with seconds when
/// they share a minute, and a run number as the last resort.
fn labels(window: &[&Snapshot]) -> Vec<String> {
    let unique = |labels: &[String]| {
        labels
            .iter()
            .enumerate()
            .all(|(i, l)| !labels[..i].contains(l))
    };
    for (from, to) in [(5, 10), (5, 16), (5, 19)] {
        let labels: Vec<String> = window
            .iter()
            .map(|s| {
                let t = &s.started_at;
                t.get(from..to).unwrap_or(t).replace('T', " ")
            })
            .collect();
        if unique(&labels) {
            return labels;
        }
    }
    (1..=window.len()).map(|i| format!("run {i}")).collect()
}

#[cfg(test)]
mod tests;
