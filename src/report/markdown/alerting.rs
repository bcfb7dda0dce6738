//! "Alerting Thresholds": each `alerting:` rule with its current value and state, then
//! the latency budgets in force, one row per budget (not one per step).

use std::fmt::Write as _;

use super::text::{cell, Marks};
use crate::alerting::{AlertWindow, Levels, Measure};
use crate::report::model::alerting::{budget_groups, AlertRow, AlertState, Alerting};
use crate::results::RunResults;

pub(super) fn section(out: &mut String, r: &RunResults, alerting: Option<&Alerting>, m: Marks) {
    let budgets = budget_groups(r);
    let rows = alerting.map_or(&[][..], |a| &a.rows[..]);
    if budgets.is_empty() && rows.is_empty() {
        return;
    }
    out.push_str("## Alerting Thresholds\n\n");
    if let Some(a) = alerting.filter(|a| !a.rows.is_empty()) {
        if a.from_history {
            out.push_str(
                "The rules of planrun.yaml, over the runs of the history (this one included).\n\n",
            );
        } else {
            out.push_str(
                "No history: each rule is evaluated on this run alone. Record runs with \
                 `--history FILE` to follow the rates over weeks.\n\n",
            );
        }
        out.push_str(
            "| Rule | Watches | Measure | Warning | Critical | Now | Window | State |\n\
             |---|---|---|---|---|---|---|---|\n",
        );
        for row in rows {
            rule_row(out, row, m);
        }
        out.push('\n');
    }
    if budgets.is_empty() {
        return;
    }
    out.push_str(
        "### Latency Budgets\n\n| Warning | Critical | Steps | Held by |\n|---|---|---|---|\n",
    );
    for g in &budgets {
        let held: Vec<String> = g
            .categories
            .iter()
            .map(|(category, integrations)| {
                if integrations.len() == 1 && &integrations[0] == category {
                    category.clone()
                } else {
                    format!("{category} ({})", integrations.join(", "))
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            g.warn_ms.map_or("—".into(), |v| format!("> {v} ms")),
            g.fail_ms.map_or("—".into(), |v| format!("> {v} ms")),
            g.steps,
            cell(&held.join("; "))
        );
    }
    out.push('\n');
}

fn rule_row(out: &mut String, row: &AlertRow, m: Marks) {
    let (what, levels) = match row.measure {
        Measure::FailureRate(l) => ("failure rate".to_string(), l),
        Measure::Latency { percentile, levels } => (format!("p{percentile} latency"), levels),
    };
    let is_rate = matches!(row.measure, Measure::FailureRate(_));
    let show = |v: f64| {
        if is_rate {
            percent(v)
        } else {
            format!("{} ms", (v * 10.0).round() / 10.0)
        }
    };
    let (warn, critical) = thresholds(levels, &show);
    let now = match row.value {
        None => "no step sent".to_string(),
        Some(v) if is_rate => format!("{} ({} sent)", show(v), row.samples),
        Some(v) => format!("{} ({} responses)", show(v), row.samples),
    };
    let runs = match row.runs {
        1 => "1 run".to_string(),
        n => format!("{n} runs"),
    };
    let window = match row.window {
        AlertWindow::Last(n) => format!("{runs} (last {n})"),
        AlertWindow::Within(d) => format!("{runs} (within {})", span(d.as_secs())),
    };
    let _ = writeln!(
        out,
        "| {} | {} | {what} | {warn} | {critical} | {now} | {window} | {} |",
        cell(&row.rule),
        cell(&row.watches),
        state(row.state, m)
    );
}

/// `30 days`, `12 hours`, `90 minutes`: the largest whole unit.
fn span(secs: u64) -> String {
    let (n, unit) = match secs {
        s if s >= 86_400 && s % 86_400 == 0 => (s / 86_400, "day"),
        s if s >= 3_600 && s % 3_600 == 0 => (s / 3_600, "hour"),
        s if s >= 60 && s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn thresholds(l: Levels, show: &dyn Fn(f64) -> String) -> (String, String) {
    let f = |v: Option<f64>| v.map_or("—".into(), |v| format!("> {}", show(v)));
    (f(l.warn), f(l.critical))
}

/// `0.1%`, `5%`, `12.5%`: as few decimals as the value needs.
fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    let text = format!("{p:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

fn state(s: AlertState, m: Marks) -> &'static str {
    match (m.0, s) {
        (true, AlertState::Ok) => "✅ OK",
        (true, AlertState::Warning) => "⚠️ Warning",
        (true, AlertState::Critical) => "❌ Critical",
        (true, AlertState::NoData) => "🔄 No data",
        (false, AlertState::Ok) => "[OK]",
        (false, AlertState::Warning) => "[WARNING]",
        (false, AlertState::Critical) => "[CRITICAL]",
        (false, AlertState::NoData) => "[NO DATA]",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_naturally() {
        assert_eq!(percent(0.001), "0.1%");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(1.0 / 3.0), "33.33%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(span(30 * 86_400), "30 days");
        assert_eq!(span(3_600), "1 hour");
        assert_eq!(span(90), "90 seconds");
    }
}
