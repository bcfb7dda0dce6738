//! "At a Glance": the first thing the report says (see [`AtAGlance`]).

use std::fmt::Write as _;

use super::text::{inline, Marks};
use crate::report::model::summary::{AtAGlance, Verdict};
use crate::results::Outcome;

pub(super) fn section(out: &mut String, g: &AtAGlance, m: Marks) {
    out.push_str("## At a Glance\n\n");
    let t = &g.totals;
    let sent = t.passed + t.slow + t.failed + t.errors;
    let verdict = match g.verdict {
        Verdict::Failed => format!(
            "{} **Failing:** {} of {sent} steps sent failed",
            m.outcome(Outcome::Failed),
            t.failed + t.errors
        ),
        Verdict::Passed => format!(
            "{} **Passing:** all {sent} steps sent passed",
            m.outcome(Outcome::Passed)
        ),
        Verdict::NothingSent => format!(
            "{} **Nothing checked:** no step was sent",
            m.outcome(Outcome::NotTested)
        ),
    };
    // The exact time and milliseconds: the form report normalisers already know.
    let _ = writeln!(
        out,
        "{verdict} — started {}, took {} ms.\n",
        inline(&g.started_at),
        g.duration_ms
    );
    let _ = writeln!(
        out,
        "{} steps: {} passed, {} slow, {} failed, {} error, {} not tested, {} not configured, {} skipped.\n",
        t.total, t.passed, t.slow, t.failed, t.errors, t.not_tested, t.not_configured, t.skipped
    );
    if let Some(n) = g.changes {
        let _ = writeln!(out, "**Changes since the previous run:** {n}\n");
    }
    if let Some((title, priority)) = &g.top_issue {
        let p = m.priority(*priority);
        let _ = writeln!(out, "**Top issue:** {} ({p})\n", inline(title));
    }
}
