//! planrun: declarative integration tests.
//!
//! Flow, one direction: YAML → [`plan`] (typed, validated) → [`run`] (renders
//! templates, sends, checks, captures) → [`results`] → [`report`] (JUnit, Markdown,
//! JSON). Reporters read only the results model.

// No panics reachable from input: `unwrap`/`expect` only in tests, or where an
// invariant is proven and said (`#[allow]` with the reason).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

/// `println!` that ignores a closed stdout (`planrun list | head`): the run must go on
/// and write its reports even when nobody reads the terminal.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::console::say_line(format_args!($($arg)*))
    };
}

pub mod alerting;
pub mod app;
pub mod cli;
pub mod compare;
pub mod console;
pub mod demo;
pub mod diagnostic;
pub mod exit;
pub mod history;
pub mod init;
pub mod merge;
pub mod plan;
pub mod report;
pub mod results;
pub mod run;
pub mod shard;
pub mod template;
pub mod tls;
