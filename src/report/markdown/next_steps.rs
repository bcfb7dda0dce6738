//! "Next Steps" (see [`NextSteps`]).

use std::fmt::Write as _;

use super::text::{inline, Marks};
use crate::report::model::next_steps::{configure_line, critical_line, NextSteps};

pub(super) fn section(out: &mut String, n: &NextSteps, m: Marks) {
    if n.count() == 0 {
        return;
    }
    out.push_str("## Next Steps\n\n");
    if !n.critical.is_empty() {
        out.push_str("### Critical Actions\n\n");
        for (i, (title, p, action, fix)) in n.critical.iter().enumerate() {
            let line = critical_line(title, action, fix.as_deref());
            let _ = writeln!(out, "{}. {} {}", i + 1, m.priority(*p), inline(&line));
        }
        out.push('\n');
    }
    if !n.configure.is_empty() {
        out.push_str("### Keys to Configure\n\n");
        for (key, steps) in &n.configure {
            let _ = writeln!(out, "- {}", inline(&configure_line(key, steps)));
        }
        out.push('\n');
    }
    if !n.automate.is_empty() {
        out.push_str("### Pending Steps to Automate\n\n");
        for step in &n.automate {
            let _ = writeln!(out, "- {}", inline(step));
        }
        out.push('\n');
    }
}
