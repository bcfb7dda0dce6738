//! The progress line on a terminal: steps done of all, time so far, and each step in
//! flight with its own time, redrawn on a steady tick so a 9 s call is seen ticking.

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the line is redrawn while nothing finishes.
const TICK: Duration = Duration::from_millis(100);
/// Steps in flight named on the line; the others are counted.
const SHOWN_IN_FLIGHT: usize = 2;
/// A step's label is cut to this many characters, so the line fits a terminal.
const LABEL_CHARS: usize = 48;

pub struct Progress {
    bar: ProgressBar,
    in_flight: Arc<Mutex<Vec<InFlight>>>,
}

struct InFlight {
    plan: usize,
    phase: String,
    step: String,
    label: String,
    since: Instant,
}

impl Progress {
    pub fn new(total_steps: usize) -> Progress {
        let in_flight: Arc<Mutex<Vec<InFlight>>> = Arc::default();
        let bar = ProgressBar::new(total_steps as u64);
        let shown = in_flight.clone();
        let style = ProgressStyle::with_template(
            "{spinner} [{bar:24}] {pos}/{len} steps {elapsed}{in_flight}",
        )
        .map(|style| {
            style.progress_chars("=> ").with_key(
                "in_flight",
                move |_: &ProgressState, w: &mut dyn std::fmt::Write| write_in_flight(&shown, w),
            )
        });
        if let Ok(style) = style {
            bar.set_style(style);
        }
        bar.enable_steady_tick(TICK);
        Progress { bar, in_flight }
    }

    pub fn started(&self, plan: usize, plan_name: &str, phase: &str, step: &str) {
        let label: String = format!("{plan_name} › {step}");
        let label = match label.char_indices().nth(LABEL_CHARS) {
            Some((cut, _)) => format!("{}…", &label[..cut]),
            None => label,
        };
        let mut list = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        list.push(InFlight {
            plan,
            phase: phase.to_string(),
            step: step.to_string(),
            label,
            since: Instant::now(),
        });
    }

    pub fn finished(&self, plan: usize, phase: &str, step: &str) {
        let mut list = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        list.retain(|s| !(s.plan == plan && s.phase == phase && s.step == step));
        drop(list);
        self.bar.inc(1);
    }

    /// Runs `f` with the line cleared, then redraws it: for printing step lines.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `  ▸ Items › slow call 1.2s · Users › list 0.3s +2 more`.
fn write_in_flight(list: &Mutex<Vec<InFlight>>, w: &mut dyn std::fmt::Write) {
    let list = list.lock().unwrap_or_else(|e| e.into_inner());
    if list.is_empty() {
        return;
    }
    let mut text = String::from("  ▸ ");
    for (i, s) in list.iter().take(SHOWN_IN_FLIGHT).enumerate() {
        if i > 0 {
            text.push_str(" · ");
        }
        let _ = write!(text, "{} {:.1}s", s.label, s.since.elapsed().as_secs_f64());
    }
    if list.len() > SHOWN_IN_FLIGHT {
        let _ = write!(text, " +{} more", list.len() - SHOWN_IN_FLIGHT);
    }
    let _ = w.write_str(&text);
}
