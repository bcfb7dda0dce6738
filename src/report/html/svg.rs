//! Inline SVG charts: drawn from numbers the report model computed, with every label
//! escaped. Each chart scales to the page width (a fixed viewBox) and carries a
//! `<title>` for screen readers.

use std::fmt::Write as _;

use super::escape::text;
use crate::report::sanitize::one_line;
use crate::results::render;
use crate::results::{Outcome, Summary};

const WIDTH: f64 = 1000.0;
/// Where the bars start: room for the row labels on the left.
const LABEL_WIDTH: f64 = 300.0;
/// Room on the right for the value written after a bar.
const NOTE_WIDTH: f64 = 220.0;
const ROW: f64 = 22.0;
const LABEL_MAX_CHARS: usize = 44;

/// One horizontal bar of a percentage chart.
pub(super) struct Bar {
    pub label: String,
    /// 0–100.
    pub value: f64,
    /// Written after the bar.
    pub note: String,
}

/// One step's response time and its budget.
pub(super) struct LatencyRow {
    pub label: String,
    pub outcome: Outcome,
    pub latency_ms: f64,
    pub warn_ms: Option<u64>,
    pub fail_ms: Option<u64>,
}

fn open(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} \
         {height}\" role=\"img\"><title>{}</title>",
        text(title)
    );
}

fn label(s: &str) -> String {
    text(&one_line(s, LABEL_MAX_CHARS))
}

/// Every step of the run in one stacked bar, by outcome, with a legend of counts.
pub(super) fn outcome_totals(out: &mut String, s: &Summary, emoji: bool) {
    let counts = [
        (Outcome::Passed, s.passed),
        (Outcome::Slow, s.slow),
        (Outcome::Failed, s.failed),
        (Outcome::Error, s.errors),
        (Outcome::NotTested, s.not_tested),
        (Outcome::NotConfigured, s.not_configured),
        (Outcome::Skipped, s.skipped),
    ];
    let total = s.total.max(1) as f64;
    open(out, 64.0, &format!("Outcome of the {} steps", s.total));
    let mut x = 0.0;
    for (outcome, n) in counts.iter().filter(|(_, n)| *n > 0) {
        let w = WIDTH * *n as f64 / total;
        let _ = write!(
            out,
            "<rect class=\"b-{}\" x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"24\">\
             <title>{} {n}</title></rect>",
            outcome.token(),
            render::style(*outcome).title
        );
        x += w;
    }
    let mut lx = 0.0;
    for (outcome, n) in counts.iter().filter(|(_, n)| *n > 0) {
        let style = render::style(*outcome);
        let mark = if emoji { style.icon } else { style.marker };
        let legend = format!("{mark} {} {n}", style.title);
        let _ = write!(
            out,
            "<rect class=\"b-{}\" x=\"{lx:.1}\" y=\"40\" width=\"12\" height=\"12\"/>\
             <text x=\"{:.1}\" y=\"51\">{}</text>",
            outcome.token(),
            lx + 16.0,
            text(&legend)
        );
        lx += 24.0 + 8.0 * legend.chars().count() as f64;
    }
    out.push_str("</svg>\n");
}

/// Horizontal bars on a 0–100 % scale.
pub(super) fn percent_bars(out: &mut String, title: &str, rows: &[Bar]) {
    if rows.is_empty() {
        return;
    }
    let span = WIDTH - LABEL_WIDTH - NOTE_WIDTH;
    open(out, ROW * rows.len() as f64 + 4.0, title);
    for (i, row) in rows.iter().enumerate() {
        let y = ROW * i as f64 + 2.0;
        let w = span * row.value.clamp(0.0, 100.0) / 100.0;
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{:.1}\">{}</text>\
             <rect class=\"b-track\" x=\"{LABEL_WIDTH}\" y=\"{y:.1}\" width=\"{span}\" height=\"16\"/>\
             <rect class=\"b-cover\" x=\"{LABEL_WIDTH}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"16\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y + 13.0,
            label(&row.label),
            LABEL_WIDTH + span + 8.0,
            y + 13.0,
            text(&row.note)
        );
    }
    out.push_str("</svg>\n");
}

/// Each budgeted step's latency as a bar coloured by its outcome, with its warn
/// (amber) and fail (red) budgets as marks on the same scale.
pub(super) fn latency_bars(out: &mut String, rows: &[LatencyRow]) {
    if rows.is_empty() {
        out.push_str("<p>No budgeted step got a response.</p>\n");
        return;
    }
    let span = WIDTH - LABEL_WIDTH - NOTE_WIDTH;
    let max = rows
        .iter()
        .flat_map(|r| {
            [
                r.latency_ms,
                r.warn_ms.unwrap_or(0) as f64,
                r.fail_ms.unwrap_or(0) as f64,
            ]
        })
        .fold(1.0_f64, f64::max);
    let x_of = |ms: f64| LABEL_WIDTH + span * ms / max;
    open(
        out,
        ROW * rows.len() as f64 + 24.0,
        "Response time per budgeted step, with its warn and fail budgets",
    );
    for (i, row) in rows.iter().enumerate() {
        let y = ROW * i as f64 + 2.0;
        let mut note = format!("{:.0} ms", row.latency_ms);
        let budgets: Vec<String> = [(row.warn_ms, "warn"), (row.fail_ms, "fail")]
            .iter()
            .filter_map(|(ms, what)| ms.map(|ms| format!("{what} {ms}")))
            .collect();
        if !budgets.is_empty() {
            let _ = write!(note, " ({})", budgets.join(", "));
        }
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{:.1}\">{}</text>\
             <rect class=\"b-{}\" x=\"{LABEL_WIDTH}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"16\">\
             <title>{}</title></rect>",
            y + 13.0,
            label(&row.label),
            row.outcome.token(),
            (x_of(row.latency_ms) - LABEL_WIDTH).max(1.0),
            text(&note)
        );
        for (ms, class) in [(row.warn_ms, "warn-line"), (row.fail_ms, "fail-line")] {
            if let Some(ms) = ms {
                let x = x_of(ms as f64);
                let _ = write!(
                    out,
                    "<line class=\"{class}\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
                    y - 2.0,
                    y + 18.0
                );
            }
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LABEL_WIDTH + span + 8.0,
            y + 13.0,
            text(&note)
        );
    }
    let y = ROW * rows.len() as f64 + 16.0;
    let _ = writeln!(
        out,
        "<text x=\"{LABEL_WIDTH}\" y=\"{y:.1}\">0 ms</text>\
         <text x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"end\">{max:.0} ms</text></svg>",
        LABEL_WIDTH + span
    );
}

/// One line of a line chart: a series over the runs, or a budget drawn dashed.
pub(super) struct Line<'a> {
    pub name: &'a str,
    pub points: &'a [crate::report::model::trends::Point],
    pub style: LineStyle,
}

/// How a line is drawn: a series in its own colour, or a budget dashed in its colour.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum LineStyle {
    Series,
    WarnBudget,
    FailBudget,
}

/// Lines over the runs (x: run labels, y: 0 to `y_max`), each with a legend entry;
/// a run without a value leaves a gap in its line.
pub(super) fn line_chart(
    out: &mut String,
    title: &str,
    labels: &[&str],
    lines: &[Line],
    y_max: f64,
    unit: &str,
) {
    let (left, top, plot_w, plot_h) = (60.0, 10.0, WIDTH - 300.0, 180.0);
    let height = top + plot_h + 40.0 + ROW * lines.len().saturating_sub(6) as f64;
    let y_max = if y_max > 0.0 { y_max } else { 1.0 };
    let steps = labels.len().saturating_sub(1).max(1) as f64;
    let x_of = |run: usize| left + plot_w * run as f64 / steps;
    let y_of = |v: f64| top + plot_h - plot_h * v.clamp(0.0, y_max) / y_max;
    open(out, height, title);
    let _ = write!(
        out,
        "<rect class=\"b-track\" x=\"{left}\" y=\"{top}\" width=\"{plot_w}\" height=\"{plot_h}\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{:.0}{unit}</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">0{unit}</text>",
        left - 4.0,
        top + 10.0,
        y_max,
        left - 4.0,
        top + plot_h
    );
    for (run, l) in labels.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x_of(run),
            top + plot_h + 16.0,
            text(l)
        );
    }
    for (i, line) in lines.iter().enumerate() {
        let class = match line.style {
            LineStyle::FailBudget => "fail-line dashed".to_string(),
            LineStyle::WarnBudget => "warn-line dashed".to_string(),
            LineStyle::Series => format!("series s{}", i % 8),
        };
        // Consecutive runs are joined; a missing run starts a new segment.
        let mut segment: Vec<String> = Vec::new();
        let mut prev: Option<usize> = None;
        let flush = |segment: &mut Vec<String>, out: &mut String| {
            if segment.len() > 1 {
                let _ = write!(
                    out,
                    "<polyline class=\"{class}\" fill=\"none\" points=\"{}\"/>",
                    segment.join(" ")
                );
            }
            segment.clear();
        };
        for p in line.points {
            if prev.is_some_and(|r| r + 1 != p.run) {
                flush(&mut segment, out);
            }
            segment.push(format!("{:.1},{:.1}", x_of(p.run), y_of(p.value)));
            prev = Some(p.run);
        }
        flush(&mut segment, out);
        if line.style == LineStyle::Series {
            for p in line.points {
                let _ = write!(
                    out,
                    "<circle class=\"series s{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\">\
                     <title>{}: {}{unit}</title></circle>",
                    i % 8,
                    x_of(p.run),
                    y_of(p.value),
                    text(labels.get(p.run).copied().unwrap_or("")),
                    (p.value * 10.0).round() / 10.0
                );
            }
        }
        let ly = top + 12.0 + ROW * i as f64;
        let lx = left + plot_w + 20.0;
        let _ = write!(
            out,
            "<line class=\"{class}\" x1=\"{lx:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
             <text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>",
            lx + 18.0,
            ly - 4.0,
            ly - 4.0,
            lx + 24.0,
            label(line.name)
        );
    }
    out.push_str("</svg>\n");
}
