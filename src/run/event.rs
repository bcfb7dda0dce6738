//! What the executor tells the outside world while a run goes: one stream of events
//! that the console, the progress display and `--output ndjson` consume (and a monitor
//! could). Events are plain data, serializable, in the order they happened for each plan;
//! plans running at once interleave.

use crate::results::{StepResult, Summary};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

/// One thing that happened during a run. Serialized with an `event` tag in snake_case
/// (`{"event":"step_started","plan":0,…}`), one JSON object per line with `--output ndjson`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "snake_case")]
// An event lives for one call to the sinks and is never stored, so the size of
// `StepFinished` (a borrowed result, owned only when read back) costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Event<'a> {
    /// Before anything is sent. `total_steps` counts the steps written in the plans; a
    /// `for_each` over a list known only at run time can add more.
    RunStarted {
        plans: Vec<PlanHeader>,
        total_steps: usize,
        /// RFC 3339, UTC.
        started_at: String,
    },
    /// A plan got its turn (`--jobs` bounds how many run at once).
    PlanStarted { plan: usize, name: String },
    /// A step (one item of a `for_each`) is being rendered and sent. Steps not sent at all
    /// (filtered, pending, not configured, interrupted before) have no `step_started`,
    /// only a `step_finished`.
    /// Borrowed from the executor's result being made: no copy per step.
    StepStarted {
        plan: usize,
        phase: Cow<'a, str>,
        step: Cow<'a, str>,
    },
    /// A request whose checks did not hold (or that got no response) will be sent again.
    AttemptFailed {
        plan: usize,
        step: String,
        /// 1-based number of the attempt that failed.
        attempt: u32,
        /// Attempts allowed in all (`retry.attempts`).
        of: u32,
        /// Why this attempt failed: the first failed check or the transport error.
        reason: String,
        /// The wait before the next attempt.
        retry_in_ms: u64,
    },
    /// A step's result, final (for every step of every plan, sent or not).
    /// Borrowed from the executor, which keeps the result: no copy per step.
    StepFinished {
        plan: usize,
        result: Cow<'a, StepResult>,
    },
    PlanFinished {
        plan: usize,
        name: String,
        duration_ms: u64,
        summary: Summary,
    },
    /// Everything is done; the reports are written after this.
    RunFinished {
        duration_ms: u64,
        summary: Summary,
        interrupted: bool,
    },
}

/// A plan as announced at the start of a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlanHeader {
    pub name: String,
    pub file: String,
    /// Steps written in the plan (see [`Event::RunStarted`]).
    pub steps: usize,
}

/// Where events go. Called from the executor's tasks, so it must be quick and must not
/// block on I/O for long; any `Fn(&Event) + Send + Sync` is a sink.
pub trait EventSink: Send + Sync {
    fn event(&self, event: &Event);
}

impl<F: Fn(&Event) + Send + Sync> EventSink for F {
    fn event(&self, event: &Event) {
        self(event)
    }
}

/// Sends every event to each of several sinks, in order.
pub struct Fanout(pub Vec<Arc<dyn EventSink>>);

impl EventSink for Fanout {
    fn event(&self, event: &Event) {
        for sink in &self.0 {
            sink.event(event);
        }
    }
}

/// A sink that ignores everything.
pub struct Discard;

impl EventSink for Discard {
    fn event(&self, _: &Event) {}
}
