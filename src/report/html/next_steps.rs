//! "Next Steps", as the Markdown report lists them ([`NextSteps`]).

use std::fmt::Write as _;

use super::escape::text;
use super::sections::Marks;
use crate::report::model::next_steps::{configure_line, critical_line, NextSteps};

pub(super) fn section(out: &mut String, n: &NextSteps, m: Marks) {
    if n.count() == 0 {
        return;
    }
    out.push_str("<section id=\"next-steps\">\n<h2>Next Steps</h2>\n");
    if !n.critical.is_empty() {
        out.push_str("<h3>Critical Actions</h3>\n<ol>\n");
        for (title, p, action, fix) in &n.critical {
            let line = critical_line(title, action, fix.as_deref());
            let _ = writeln!(out, "<li>{} {}</li>", m.priority(*p), text(&line));
        }
        out.push_str("</ol>\n");
    }
    if !n.configure.is_empty() {
        out.push_str("<h3>Keys to Configure</h3>\n<ul>\n");
        for (key, steps) in &n.configure {
            let _ = writeln!(out, "<li>{}</li>", text(&configure_line(key, steps)));
        }
        out.push_str("</ul>\n");
    }
    if !n.automate.is_empty() {
        out.push_str("<h3>Pending Steps to Automate</h3>\n<ul>\n");
        for step in &n.automate {
            let _ = writeln!(out, "<li>{}</li>", text(step));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}
