//! How an `alerting:` rule reads in a report: one wording for the Markdown and the HTML.

use super::alerting::{AlertRow, AlertState};
use super::words::count;
use crate::alerting::{AlertWindow, Levels, Measure};

/// The cells of a rule's row, as raw text (each writer escapes them): rule, watches,
/// measure, warning, critical, now, window, state.
pub fn rule_cells(row: &AlertRow, emoji: bool) -> [String; 8] {
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
        Some(v) => format!(
            "{} ({})",
            show(v),
            count(row.samples, "response", "responses")
        ),
    };
    let runs = count(row.runs, "run", "runs");
    let window = match row.window {
        AlertWindow::Last(n) => format!("{runs} (last {n})"),
        AlertWindow::Within(d) => format!("{runs} (within {})", span(d.as_secs())),
    };
    [
        row.rule.clone(),
        row.watches.clone(),
        what,
        warn,
        critical,
        now,
        window,
        state(row.state, emoji).to_string(),
    ]
}

/// `30 days`, `12 hours`, `90 minutes`: the largest whole unit.
pub(crate) fn span(secs: u64) -> String {
    let (n, one, many) = match secs {
        s if s >= 86_400 && s % 86_400 == 0 => (s / 86_400, "day", "days"),
        s if s >= 3_600 && s % 3_600 == 0 => (s / 3_600, "hour", "hours"),
        s if s >= 60 && s % 60 == 0 => (s / 60, "minute", "minutes"),
        s => (s, "second", "seconds"),
    };
    count(n as usize, one, many)
}

fn thresholds(l: Levels, show: &dyn Fn(f64) -> String) -> (String, String) {
    let f = |v: Option<f64>| v.map_or("—".into(), |v| format!("> {}", show(v)));
    (f(l.warn), f(l.critical))
}

/// `0.1%`, `5%`, `12.5%`: as few decimals as the value needs.
pub(crate) fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    let text = format!("{p:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

fn state(s: AlertState, emoji: bool) -> &'static str {
    match (emoji, s) {
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
