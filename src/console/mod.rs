//! Terminal output while a run goes: one line per step, in plan order whatever
//! finishes first; on a terminal, a progress line on stderr naming the steps in flight.
//! `--quiet` leaves only the summary; `--verbose` adds, for each failing step, what was
//! sent and received ([`detail`]).
//!
//! When stdout is not a terminal (a CI log, a file, a pipe), step lines are collected
//! and written in batches, not one write per step: at the end of each plan, when
//! [`Console::write_out`] is called (every [`WRITE_EVERY`] while the run goes, before
//! anything goes to stderr, and at the end), and when [`BATCH_BYTES`] are waiting.
//! `--output ndjson` is not batched: each event is written as it happens, for tools
//! that follow the run live.

mod detail;
mod progress;

use crate::results::{render, Outcome, StepResult, Summary};
use crate::run::{Event, EventSink};
use detail::step_line;
use progress::Progress;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

/// How often the run writes out the step lines collected when stdout is not a terminal.
pub const WRITE_EVERY: Duration = Duration::from_millis(100);
/// Collected step lines past this size are written at once.
const BATCH_BYTES: usize = 64 * 1024;

/// How much the terminal shows (`--quiet`, `--verbose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// The summary only.
    Quiet,
    #[default]
    Normal,
    /// Failing steps with their failed checks, request and response.
    Verbose,
}

pub struct Console {
    state: Mutex<State>,
    progress: Option<Progress>,
    color: bool,
    verbosity: Verbosity,
    plan_names: Vec<String>,
    /// Stdout is not a terminal: lines are collected in `State::batch`.
    batched: bool,
}

struct State {
    /// Lines waiting for earlier plans to finish printing.
    pending: Vec<Vec<String>>,
    done: Vec<bool>,
    /// The plan whose lines are printed as they come.
    current: usize,
    header_printed: Vec<bool>,
    /// Lines printed but not yet written to stdout (when batched).
    batch: String,
}

impl Console {
    /// The progress line is drawn when stderr is a terminal (`NO_COLOR` or not: it
    /// removes colour only); colour when stdout is a terminal and `NO_COLOR` is unset.
    pub fn new(plan_names: Vec<String>, total_steps: usize, verbosity: Verbosity) -> Console {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let progress = (verbosity != Verbosity::Quiet && std::io::stderr().is_terminal())
            .then(|| Progress::new(total_steps));
        let n = plan_names.len();
        let stdout_is_terminal = std::io::stdout().is_terminal();
        Console {
            state: Mutex::new(State {
                pending: vec![Vec::new(); n],
                done: vec![false; n],
                current: 0,
                header_printed: vec![false; n],
                batch: String::new(),
            }),
            progress,
            color: !no_color && stdout_is_terminal,
            verbosity,
            plan_names,
            batched: !stdout_is_terminal,
        }
    }

    fn print(&self, batch: &mut String, lines: &[String]) {
        if self.batched {
            for l in lines {
                batch.push_str(l);
                batch.push('\n');
            }
            if batch.len() >= BATCH_BYTES {
                write_batch(batch);
            }
            return;
        }
        let out = || {
            for l in lines {
                say!("{l}");
            }
        };
        match &self.progress {
            Some(progress) => progress.suspend(out),
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
            self.print(&mut st.batch, &lines);
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

    /// Whether step lines are collected and written in batches (stdout is not a terminal).
    pub fn batched(&self) -> bool {
        self.batched
    }

    /// Writes out the step lines collected so far (when stdout is not a terminal).
    pub fn write_out(&self) {
        if let Ok(mut st) = self.state.lock() {
            write_batch(&mut st.batch);
        }
    }

    pub fn finish(&self) {
        self.write_out();
        if let Some(progress) = &self.progress {
            progress.finish();
        }
    }
}

impl EventSink for Console {
    fn event(&self, event: &Event) {
        match event {
            Event::StepStarted { plan, phase, step } => {
                if let Some(progress) = &self.progress {
                    let name = self.plan_names.get(*plan).map_or("", String::as_str);
                    progress.started(*plan, name, phase, step);
                }
            }
            Event::StepFinished { plan, result } => self.step_finished(*plan, result),
            Event::PlanFinished { plan, .. } => self.plan_finished(*plan),
            _ => {}
        }
    }
}

impl Console {
    fn step_finished(&self, plan_index: usize, step: &StepResult) {
        if let Some(progress) = &self.progress {
            progress.finished(plan_index, &step.phase, &step.name);
        }
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let plan = self.plan_names.get(plan_index).map_or("", String::as_str);
        let line = step_line(plan, step, self.color, self.verbosity);
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.pending[plan_index].push(line);
        if plan_index == st.current {
            self.flush(&mut st);
        }
    }

    fn plan_finished(&self, plan_index: usize) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.done[plan_index] = true;
        self.flush(&mut st);
        write_batch(&mut st.batch);
    }
}

fn write_batch(batch: &mut String) {
    if batch.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(batch.as_bytes()).and_then(|()| out.flush());
    batch.clear();
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
    /// `--quiet`: not shown.
    Hidden,
}

impl Notes {
    pub fn say(self, args: std::fmt::Arguments<'_>) {
        match self {
            Notes::Stdout => say_line(args),
            Notes::Stderr => eprintln!("{args}"),
            Notes::Hidden => {}
        }
    }
}

pub fn say_line(args: std::fmt::Arguments<'_>) {
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

/// The run's totals (as At a Glance words them) and how long it took.
pub fn summary_line(s: &Summary, duration_ms: u64) -> String {
    format!(
        "{} in {:.2} s",
        crate::report::model::glance_totals(s),
        duration_ms as f64 / 1000.0
    )
}
