//! planrun: declarative integration tests.
//!
//! Flow, one direction: YAML → [`plan`] (typed, validated) → [`run`] (renders
//! templates, sends, checks, captures) → [`results`] → [`report`] (JUnit, Markdown,
//! JSON). Reporters read only the results model.

pub mod app;
pub mod cli;
pub mod console;
pub mod demo;
pub mod plan;
pub mod report;
pub mod results;
pub mod run;
pub mod template;
