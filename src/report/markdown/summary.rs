//! "At a Glance": the first thing the report says (see [`AtAGlance`]).

use std::fmt::Write as _;

use super::text::{inline, Marks};
use crate::report::model as words;
use crate::report::model::summary::AtAGlance;

pub(super) fn section(out: &mut String, g: &AtAGlance, m: Marks) {
    out.push_str("## At a Glance\n\n");
    let _ = writeln!(
        out,
        "{} **{}:** {} — {}.\n",
        m.outcome(g.verdict.outcome()),
        g.verdict.label(),
        words::glance_verdict(g),
        inline(&words::glance_timing(g)),
    );
    let _ = writeln!(out, "{}.\n", words::glance_totals(&g.totals));
    if let Some(n) = g.changes {
        let _ = writeln!(out, "**Changes since the previous run:** {n}\n");
    }
    if let Some((title, priority)) = &g.top_issue {
        let p = m.priority(*priority);
        // A dash, not parentheses: an untriaged priority has its own.
        let _ = writeln!(out, "**Top issue:** {} — {p}\n", inline(title));
    }
}
