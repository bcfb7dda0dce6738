//! "Trends": renders a [`Trends`] computed elsewhere as Mermaid `xychart-beta` charts
//! (GitHub draws them) with tables beside them that read without Mermaid.

use std::fmt::Write as _;

use super::text::{cell, inline, Marks};
use crate::report::model::trends::{LatencySeries, Point, Series, Trends};
use crate::report::model::LATENCY_STEPS_SHOWN;

pub(super) fn section(out: &mut String, t: &Trends, m: Marks) {
    out.push_str("## Trends\n\n");
    let (Some(first), Some(last)) = (t.runs.first(), t.runs.last()) else {
        return;
    };
    if t.runs.len() < 2 {
        out.push_str(
            "This is the first run of this suite and environment in the history: \
             trends start with the next run.\n\n",
        );
        return;
    }
    let _ = writeln!(
        out,
        "The last {} runs of this suite and environment, {} to {} (oldest first).\n",
        t.runs.len(),
        inline(&first.label),
        inline(&last.label)
    );
    let labels: Vec<&str> = t.runs.iter().map(|r| r.label.as_str()).collect();

    out.push_str("### Pass Rate by Integration\n\n");
    chart(
        out,
        "Pass rate, all integrations (%)",
        "Pass rate (%)",
        &labels,
        &[&t.overall.points],
        100.0,
    );
    rate_table(out, t, &labels);
    for s in t.integrations.iter().filter(|s| s.varies()) {
        let title = format!("{}: pass rate (%)", s.name);
        chart(out, &title, "Pass rate (%)", &labels, &[&s.points], 100.0);
    }

    if !t.latency.is_empty() {
        out.push_str("### Latency of Budgeted Steps\n\n");
        // Closest to their budget first; the comfortable rest in one line.
        let mut ranked: Vec<(&LatencySeries, f64)> =
            t.latency.iter().map(|s| (s, s.peak_share())).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (shown, rest) = ranked.split_at(ranked.len().min(LATENCY_STEPS_SHOWN));
        let shown: Vec<&LatencySeries> = shown.iter().map(|(s, _)| *s).collect();
        latency_table(out, &shown, &labels);
        if let Some(top) = rest.first().map(|(_, share)| *share) {
            let _ = writeln!(
                out,
                "The other {} budgeted steps peaked at {}% of their warn budget or less.\n",
                rest.len(),
                number((top * 1000.0).round() / 10.0)
            );
        }
        let over: Vec<&LatencySeries> = t.latency.iter().filter(|s| s.ever_over_budget()).collect();
        if !over.is_empty() {
            out.push_str(
                "Steps over their warn budget in the window (second line: the budget):\n\n",
            );
        }
        for s in over {
            latency_chart(out, s, &labels);
        }
    }

    out.push_str("### Flaky Steps\n\n");
    if t.flaky.is_empty() {
        out.push_str("None: no step went from passing to failing and back in these runs.\n\n");
        return;
    }
    out.push_str("| Step | Plan | Flips | History (oldest first) |\n|---|---|---|---|\n");
    for f in &t.flaky {
        let history: String = f
            .outcomes
            .iter()
            .map(|o| o.map_or("·", |o| m.outcome(o)))
            .collect::<Vec<_>>()
            .join(if m.0 { "" } else { " " });
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&f.name),
            cell(&f.plan),
            f.flips,
            history
        );
    }
    out.push('\n');
}

fn rate_table(out: &mut String, t: &Trends, labels: &[&str]) {
    header(out, &["Integration"], labels);
    for s in &t.integrations {
        row(out, &[cell(&s.name)], s, labels.len(), |v| format!("{v}%"));
    }
    out.push('\n');
}

fn latency_table(out: &mut String, series: &[&LatencySeries], labels: &[&str]) {
    header(out, &["Step", "Plan", "Budget (warn / fail)"], labels);
    for s in series {
        let budget = format!("{} / {}", ms(s.warn_ms), ms(s.fail_ms));
        let as_series = Series {
            name: String::new(),
            points: s.points.clone(),
        };
        row(
            out,
            &[cell(&s.name), cell(&s.plan), budget],
            &as_series,
            labels.len(),
            |v| format!("{} ms", number(v)),
        );
    }
    out.push('\n');
}

fn ms(v: Option<u64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v} ms"))
}

fn header(out: &mut String, first: &[&str], labels: &[&str]) {
    let cols: Vec<String> = first
        .iter()
        .map(|s| s.to_string())
        .chain(labels.iter().map(|l| cell(l)))
        .collect();
    let _ = writeln!(out, "| {} |", cols.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(cols.len()));
}

fn row(out: &mut String, first: &[String], s: &Series, runs: usize, fmt: impl Fn(f64) -> String) {
    let mut cols: Vec<String> = first.to_vec();
    for run in 0..runs {
        let v = s.points.iter().find(|p| p.run == run);
        cols.push(v.map_or_else(|| "—".into(), |p| fmt(p.value)));
    }
    let _ = writeln!(out, "| {} |", cols.join(" | "));
}

fn latency_chart(out: &mut String, s: &LatencySeries, labels: &[&str]) {
    let title = format!("{}: latency (ms)", s.name);
    let budget = s.warn_ms.or(s.fail_ms).unwrap_or(0) as f64;
    let budget_line: Vec<Point> = s
        .points
        .iter()
        .map(|p| Point {
            run: p.run,
            value: budget,
        })
        .collect();
    let top = s.points.iter().map(|p| p.value).fold(budget, f64::max);
    chart(
        out,
        &title,
        "Latency (ms)",
        labels,
        &[&s.points, &budget_line],
        nice_ceiling(top * 1.1),
    );
}

/// A Mermaid line chart of `lines` over the runs where the first line has a value.
fn chart(
    out: &mut String,
    title: &str,
    y_title: &str,
    labels: &[&str],
    lines: &[&[Point]],
    y_max: f64,
) {
    let Some(first) = lines.first() else {
        return;
    };
    if first.len() < 2 {
        return;
    }
    let x: Vec<String> = first
        .iter()
        .map(|p| quoted(labels.get(p.run).copied().unwrap_or("")))
        .collect();
    let _ = writeln!(
        out,
        "```mermaid\nxychart-beta\n    title {}\n    x-axis [{}]\n    y-axis {} 0 --> {}",
        quoted(title),
        x.join(", "),
        quoted(y_title),
        number(y_max)
    );
    for line in lines {
        let values: Vec<String> = first
            .iter()
            .map(|p| {
                let v = line
                    .iter()
                    .find(|q| q.run == p.run)
                    .map_or(0.0, |q| q.value);
                number(v)
            })
            .collect();
        let _ = writeln!(out, "    line [{}]", values.join(", "));
    }
    out.push_str("```\n\n");
}

/// A Mermaid string: double quotes, none inside, on one line, no backticks (they could
/// close the fence).
fn quoted(s: &str) -> String {
    let clean: String = inline(s)
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '`' | '\\' => ' ',
            c => c,
        })
        .collect();
    format!("\"{clean}\"")
}

/// Whole numbers without a decimal point, others with one decimal.
fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// 1, 2 or 5 times a power of ten, at least `v`: a y-axis top that reads well.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|f| f * magnitude)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * magnitude)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{Snapshot, StepState};
    use crate::report::model::trends::trends;
    use crate::results::Outcome;

    fn run(day: u32, status: Outcome, latency_ms: u64) -> Snapshot {
        let step = |key: &str, integration: &str, outcome, latency_ms: u64| StepState {
            key: key.into(),
            plan: "Billing API".into(),
            phase: "Main".into(),
            name: key.into(),
            integration: Some(integration.into()),
            category: None,
            outcome,
            error_kind: None,
            latency_us: Some(latency_ms * 1000),
            duration_ms: latency_ms,
            warn_ms: Some(1000),
            fail_ms: Some(3000),
            tags: Vec::new().into(),
        };
        Snapshot {
            started_at: format!("2026-01-{day:02}T09:00:00Z"),
            git_commit: None,
            steps: vec![
                step("invoice status", "Billing", status, 40),
                step("invoice list", "Ledger", Outcome::Passed, latency_ms),
            ],
        }
    }

    #[test]
    fn snapshot() {
        use Outcome::{Failed, Passed};
        let earlier = [
            run(5, Passed, 300),
            run(12, Failed, 1400),
            run(19, Passed, 500),
        ];
        let t = trends(&earlier, &run(26, Failed, 350), 8);
        let mut out = String::new();
        section(&mut out, &t, Marks(true));
        insta::with_settings!({ snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!("markdown_trends", out);
        });
        let mut plain = String::new();
        section(&mut plain, &t, Marks(false));
        assert!(plain.contains("| [PASS] [FAIL] [PASS] [FAIL] |"), "{plain}");
    }

    #[test]
    fn ceilings_and_numbers() {
        assert_eq!(nice_ceiling(1100.0), 2000.0);
        assert_eq!(nice_ceiling(10.5), 20.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(number(100.0), "100");
        assert_eq!(number(33.333), "33.3");
        assert_eq!(quoted("a \"b\" `c`\nd"), "\"a 'b'  c  d\"");
    }
}
