//! Terminal output while a run goes: one line per step, in plan order whatever
//! finishes first; a progress bar on stderr when it is a terminal.

use crate::results::{latency_text, render, CheckStatus, Outcome, StepResult, Summary};
use crate::run::{Event, EventSink};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

pub struct Console {
    state: Mutex<State>,
    bar: Option<ProgressBar>,
    color: bool,
    plan_names: Vec<String>,
}

struct State {
    /// Lines waiting for earlier plans to finish printing.
    pending: Vec<Vec<String>>,
    done: Vec<bool>,
    /// The plan whose lines are printed as they come.
    current: usize,
    header_printed: Vec<bool>,
}

impl Console {
    pub fn new(plan_names: Vec<String>, total_steps: usize) -> Console {
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let bar = (!plain && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total_steps as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} steps {elapsed}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        let n = plan_names.len();
        Console {
            state: Mutex::new(State {
                pending: vec![Vec::new(); n],
                done: vec![false; n],
                current: 0,
                header_printed: vec![false; n],
            }),
            bar,
            color: !plain && std::io::stdout().is_terminal(),
            plan_names,
        }
    }

    fn print(&self, lines: &[String]) {
        let out = || {
            for l in lines {
                say!("{l}");
            }
        };
        match &self.bar {
            Some(bar) => bar.suspend(out),
            None => out(),
        }
    }

    fn flush(&self, st: &mut State) {
        while st.current < st.done.len() {
            let i = st.current;
            let mut lines = Vec::new();
            if !st.header_printed[i] {
                st.header_printed[i] = true;
                lines.push(self.paint(&format!("▸ {}", self.plan_names[i]), "1"));
            }
            lines.append(&mut st.pending[i]);
            self.print(&lines);
            if !st.done[i] {
                break;
            }
            st.current += 1;
        }
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl EventSink for Console {
    fn event(&self, event: &Event) {
        match event {
            Event::StepFinished { plan, result } => self.step_finished(*plan, result),
            Event::PlanFinished { plan, .. } => self.plan_finished(*plan),
            _ => {}
        }
    }
}

impl Console {
    fn step_finished(&self, plan_index: usize, step: &StepResult) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        let plan = self.plan_names.get(plan_index).map_or("", String::as_str);
        let line = step_line(plan, step, self.color);
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.pending[plan_index].push(line);
        if plan_index == st.current {
            self.flush(&mut st);
        }
    }

    fn plan_finished(&self, plan_index: usize) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.done[plan_index] = true;
        self.flush(&mut st);
    }
}

/// `--output ndjson`: every event as one JSON object per line on stdout, as it happens.
pub struct Ndjson;

impl EventSink for Ndjson {
    fn event(&self, event: &Event) {
        if let Ok(line) = serde_json::to_string(event) {
            say_line(format_args!("{line}"));
        }
    }
}

/// Where messages for people go: stdout, or stderr when stdout carries `--output ndjson`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notes {
    Stdout,
    Stderr,
}

impl Notes {
    pub fn say(self, args: std::fmt::Arguments<'_>) {
        match self {
            Notes::Stdout => say_line(args),
            Notes::Stderr => eprintln!("{args}"),
        }
    }
}

pub fn say_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_fmt(args).and_then(|()| out.write_all(b"\n"));
}

/// The outcome's icon, padded to two columns: terminals draw an emoji made with
/// VS16 (`⚠️`) one column wide.
pub fn icon(outcome: Outcome) -> String {
    let icon = render::style(outcome).icon;
    if icon.ends_with('\u{fe0f}') {
        format!("{icon} ")
    } else {
        icon.to_string()
    }
}

fn step_line(plan: &str, step: &StepResult, color: bool) -> String {
    let what = match &step.response {
        Some(r) => format!("{} {}", r.status, latency_text(r.latency_us)),
        None if step.outcome.was_sent() => "no response".into(),
        None => render::style(step.outcome).label.into(),
    };
    let retries = if step.attempts > 1 {
        format!(" ({} attempts)", step.attempts)
    } else {
        String::new()
    };
    let mut line = format!(
        "  {} {plan} › {} › {}  {what}{retries}",
        icon(step.outcome),
        step.phase,
        step.name
    );
    if let Some(m) = &step.message {
        if step.outcome != Outcome::Passed {
            let detail = detail_lines(step, m);
            line.push_str(&if color && step.outcome.is_failure() {
                format!("\x1b[31m{detail}\x1b[0m")
            } else {
                detail
            });
        }
    }
    line
}

/// The step's message; when several checks failed, every one of them, a line each
/// (the message names only the first).
fn detail_lines(step: &StepResult, message: &str) -> String {
    let failed: Vec<_> = step
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .collect();
    if step.outcome != Outcome::Failed || failed.len() < 2 {
        return format!("\n      {message}");
    }
    let mut out = format!(
        "\n      {} of {} checks failed:",
        failed.len(),
        step.checks.len()
    );
    for check in failed {
        out.push_str("\n        - ");
        out.push_str(&render::exact_line(&render::check_line(check), 160));
    }
    out
}

pub fn summary_line(s: &Summary, duration_ms: u64) -> String {
    format!(
        "{} steps: {} passed, {} slow, {} failed, {} errors, {} not tested, {} not configured, {} skipped in {:.2} s",
        s.total,
        s.passed,
        s.slow,
        s.failed,
        s.errors,
        s.not_tested,
        s.not_configured,
        s.skipped,
        duration_ms as f64 / 1000.0
    )
}
