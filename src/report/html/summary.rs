//! "At a Glance", as the Markdown report words it ([`crate::report::model::summary`]).

use std::fmt::Write as _;

use super::escape::text;
use super::sections::Marks;
use crate::report::model::{self, summary::AtAGlance};

pub(super) fn section(out: &mut String, g: &AtAGlance, m: Marks) {
    out.push_str("<section id=\"at-a-glance\">\n<h2>At a Glance</h2>\n");
    let _ = writeln!(
        out,
        "<p>{} <strong>{}:</strong> {} — {}.</p>",
        m.outcome(g.verdict.outcome()),
        g.verdict.label(),
        text(&model::glance_verdict(g)),
        text(&model::glance_timing(g)),
    );
    let _ = writeln!(out, "<p>{}.</p>", text(&model::glance_totals(&g.totals)));
    if let Some(n) = g.changes {
        let _ = writeln!(
            out,
            "<p><strong>Changes since the previous run:</strong> {n}</p>"
        );
    }
    if let Some((title, priority)) = &g.top_issue {
        let _ = writeln!(
            out,
            "<p><strong>Top issue:</strong> {} — {}</p>",
            text(title),
            m.priority(*priority)
        );
    }
    out.push_str("</section>\n");
}
