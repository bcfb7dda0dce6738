//! "Trends": renders a [`Trends`] computed elsewhere ([`crate::report::model::trends`])
//! as inline SVG line charts, with the tables the Markdown report has beside its charts.

use std::fmt::Write as _;

use super::escape::text;
use super::sections::Marks;
use super::svg::{self, Line, LineStyle};
use crate::report::model::trends::{LatencySeries, Point, Series, Trends};
use crate::report::model::LATENCY_STEPS_SHOWN;

pub(super) fn section(out: &mut String, t: &Trends, m: Marks) {
    out.push_str("<section id=\"trends\">\n<h2>Trends</h2>\n");
    let (Some(first), Some(last)) = (t.runs.first(), t.runs.last()) else {
        out.push_str("</section>\n");
        return;
    };
    if t.runs.len() < 2 {
        out.push_str(
            "<p>This is the first run of this suite and environment in the history: \
             trends start with the next run.</p>\n</section>\n",
        );
        return;
    }
    let _ = writeln!(
        out,
        "<p>The last {} runs of this suite and environment, {} to {} (oldest first).</p>",
        t.runs.len(),
        text(&first.label),
        text(&last.label)
    );
    let labels: Vec<&str> = t.runs.iter().map(|r| r.label.as_str()).collect();

    out.push_str("<h3>Pass Rate by Integration</h3>\n");
    let mut lines = vec![Line {
        name: &t.overall.name,
        points: &t.overall.points,
        style: LineStyle::Series,
    }];
    lines.extend(t.integrations.iter().filter(|s| s.varies()).map(|s| Line {
        name: &s.name,
        points: &s.points,
        style: LineStyle::Series,
    }));
    svg::line_chart(out, "Pass rate per run (%)", &labels, &lines, 100.0, "%");
    table(out, "Integration", &labels, &t.integrations, "%");

    if !t.latency.is_empty() {
        out.push_str("<h3>Latency of Budgeted Steps</h3>\n");
        let mut ranked: Vec<&LatencySeries> = t.latency.iter().collect();
        ranked.sort_by(|a, b| b.peak_share().total_cmp(&a.peak_share()));
        for s in ranked.iter().take(LATENCY_STEPS_SHOWN) {
            latency_chart(out, s, &labels);
        }
        if ranked.len() > LATENCY_STEPS_SHOWN {
            let _ = writeln!(
                out,
                "<p>The other {} budgeted steps stayed further from their budget.</p>",
                ranked.len() - LATENCY_STEPS_SHOWN
            );
        }
    }

    out.push_str("<h3>Flaky Steps</h3>\n");
    if t.flaky.is_empty() {
        out.push_str(
            "<p>None: no step went from passing to failing and back in these runs.</p>\n\
             </section>\n",
        );
        return;
    }
    out.push_str(
        "<table>\n<thead><tr><th>Step</th><th>Plan</th><th>Flips</th>\
         <th>History (oldest first)</th></tr></thead>\n<tbody>\n",
    );
    for f in &t.flaky {
        let history: Vec<String> = f
            .outcomes
            .iter()
            .map(|o| o.map_or("·".to_string(), |o| m.outcome(o)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            text(&f.name),
            text(&f.plan),
            f.flips,
            history.join(" ")
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// One step's latency over the runs, with its warn and fail budgets as flat lines.
fn latency_chart(out: &mut String, s: &LatencySeries, labels: &[&str]) {
    let flat = |ms: Option<u64>| -> Vec<Point> {
        ms.map(|ms| {
            (0..labels.len())
                .map(|run| Point {
                    run,
                    value: ms as f64,
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let (warn, fail) = (flat(s.warn_ms), flat(s.fail_ms));
    let mut lines = vec![Line {
        name: &s.name,
        points: &s.points,
        style: LineStyle::Series,
    }];
    if !warn.is_empty() {
        lines.push(Line {
            name: "warn budget",
            points: &warn,
            style: LineStyle::WarnBudget,
        });
    }
    if !fail.is_empty() {
        lines.push(Line {
            name: "fail budget",
            points: &fail,
            style: LineStyle::FailBudget,
        });
    }
    let top = s
        .points
        .iter()
        .map(|p| p.value)
        .chain(s.warn_ms.into_iter().chain(s.fail_ms).map(|v| v as f64))
        .fold(1.0, f64::max);
    let title = format!("{} ({}): latency per run (ms)", s.name, s.plan);
    svg::line_chart(out, &title, labels, &lines, top * 1.1, " ms");
}

fn table(out: &mut String, first: &str, labels: &[&str], series: &[Series], unit: &str) {
    let _ = write!(out, "<table>\n<thead><tr><th>{first}</th>");
    for l in labels {
        let _ = write!(out, "<th>{}</th>", text(l));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for s in series {
        let _ = write!(out, "<tr><td>{}</td>", text(&s.name));
        for run in 0..labels.len() {
            match s.points.iter().find(|p| p.run == run) {
                Some(p) => {
                    let _ = write!(out, "<td>{}{unit}</td>", (p.value * 10.0).round() / 10.0);
                }
                None => out.push_str("<td>—</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}
