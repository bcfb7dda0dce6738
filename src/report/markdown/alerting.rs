//! "Alerting Thresholds": each `alerting:` rule with its current value and state, then
//! the latency budgets in force, one row per budget (not one per step).

use std::fmt::Write as _;

use super::text::{cell, Marks};
use crate::report::model::alerting::{budget_groups, AlertRow, Alerting};
use crate::report::model::alerting_text::rule_cells;
use crate::report::model::budget_limit;
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
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            budget_limit(g.warn_ms),
            budget_limit(g.fail_ms),
            g.steps,
            cell(&g.held_by())
        );
    }
    out.push('\n');
}

fn rule_row(out: &mut String, row: &AlertRow, m: Marks) {
    let [rule, watches, what, warn, critical, now, window, state] = rule_cells(row, m.0);
    let _ = writeln!(
        out,
        "| {} | {} | {what} | {warn} | {critical} | {now} | {window} | {state} |",
        cell(&rule),
        cell(&watches),
    );
}

#[cfg(test)]
mod tests {
    use crate::report::model::alerting_text::{percent, span};

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
