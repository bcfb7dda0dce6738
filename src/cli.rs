//! Command-line interface: arguments only; the work is in [`crate::app`].

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "planrun",
    version,
    about = "Declarative integration tests: YAML plans in; JUnit XML, a Markdown integration report and JSON results out",
    after_help = "Exit codes: 0 every sent step passed, 1 a step failed, 2 invalid plans or arguments (nothing sent)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run plans and write the reports.
    Run(RunArgs),
    /// Check plans without sending anything; every error as file:line:column.
    Validate(ValidateArgs),
    /// Show plans › phases › steps with method and URL.
    List(LoadArgs),
    /// Re-render the JUnit and Markdown reports from a saved results.json.
    Report(ReportArgs),
    /// Start the bundled demo target and run the bundled plans against it.
    Demo(DemoArgs),
    /// Print the JSON Schema of plans or of planrun.yaml (for editors).
    Schema(SchemaArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// `text` (file:line:column: message) or `json` (for tools).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args, Clone)]
pub struct SchemaArgs {
    /// `plan` (schemas/plan.schema.json), `suite` (planrun.yaml: schemas/planrun.schema.json)
    /// or `include` (files of shared steps: schemas/include.schema.json).
    #[arg(value_enum, default_value_t = SchemaKind::Plan)]
    pub which: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    Plan,
    Suite,
    Include,
}

#[derive(Debug, Args, Clone)]
pub struct LoadArgs {
    /// Plan files or folders (searched recursively, in file-name order).
    #[arg(default_value = "plans")]
    pub paths: Vec<PathBuf>,
    /// Environment from planrun.yaml whose vars every plan sees.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// A variable for every plan; wins over everything else. Repeatable.
    #[arg(long = "var", value_name = "K=V", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Plans run at once (steps within a plan always run in order). Default: CPUs.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Accept any TLS certificate (self-signed, expired, wrong host) for every step.
    #[arg(long)]
    pub insecure: bool,
    /// Another variable name whose value is a secret (masked as *** in every output).
    #[arg(long = "secret", value_name = "NAME")]
    pub secrets: Vec<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Which steps to send; the others are reported as skipped, naming the filter.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Send only steps with this tag (repeatable: any of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Do not send steps with this tag (repeatable).
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
    /// Send only steps whose name matches this glob (`*`, `?`; repeatable: any of them).
    #[arg(long = "step", value_name = "GLOB")]
    pub steps: Vec<String>,
    /// After the first failed step, send nothing more (the rest are reported as not run).
    #[arg(long)]
    pub fail_fast: bool,
}

#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// JUnit XML file.
    #[arg(long, value_name = "FILE", default_value = "reports/junit.xml")]
    pub junit: PathBuf,
    /// Markdown integration report.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "reports/integration-report.md"
    )]
    pub report: PathBuf,
    /// JSON results (re-render later with `planrun report`).
    #[arg(long, value_name = "FILE", default_value = "reports/results.json")]
    pub json: PathBuf,
    /// Add testcase file/line to the JUnit (GitHub/GitLab annotations; not junit-10.xsd valid).
    #[arg(long)]
    pub junit_locations: bool,
    /// Plain-text markers instead of emoji in the Markdown report.
    #[arg(long)]
    pub no_emoji: bool,
    #[command(flatten)]
    pub terminal: TerminalArgs,
}

/// What the terminal shows while a run goes.
#[derive(Debug, Args, Clone, Default)]
pub struct TerminalArgs {
    /// `text`: a line per step and a summary, for people; `ndjson`: the run's events as
    /// JSON lines on stdout, for tools (the other messages go to stderr).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Text,
    Ndjson,
}

#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// A results.json written by `planrun run`.
    #[arg(long, value_name = "FILE", default_value = "reports/results.json")]
    pub from: PathBuf,
    /// JUnit XML file to write.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Markdown report to write.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[arg(long)]
    pub junit_locations: bool,
    #[arg(long)]
    pub no_emoji: bool,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Only serve the demo target on this address (e.g. 127.0.0.1:3000), for running plans by hand.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<String>,
    /// `reference`: CRM-AI-PRO as on 2025-11-27 (slow calendar, no LLM keys, user-lookup
    /// bug); `healthy`: everything works.
    #[arg(long, value_enum, ignore_case = true, value_name = "NAME", default_value_t = DemoScenario::Reference)]
    pub scenario: DemoScenario,
    /// How long the simulated calendar takes to list events (default: 1500ms in the
    /// reference scenario, 50ms when healthy).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub calendar_delay: Option<std::time::Duration>,
    /// Plans to run against the demo target (default: the CRM-AI-PRO plans built into
    /// planrun, as in plans/crm-ai-pro/).
    #[arg(long, value_name = "PATH")]
    pub plans: Option<PathBuf>,
    /// Write the built-in demo plans, their planrun.yaml and the JSON Schemas to DIR (as
    /// DIR/plans/crm-ai-pro/…) to read and edit; runs nothing, overwrites nothing.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["serve", "plans"])]
    pub export: Option<PathBuf>,
    /// Environment of the plans' planrun.yaml to run with (its base_url is replaced by the target's).
    #[arg(long = "env", value_name = "NAME", default_value = "demo")]
    pub environment: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Which CRM-AI-PRO the demo target simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoScenario {
    /// As on 2025-11-27: slow calendar, no LLM keys, user-lookup bug.
    Reference,
    /// Everything works.
    Healthy,
}

fn parse_duration_arg(text: &str) -> Result<std::time::Duration, String> {
    crate::plan::duration::parse_duration(text)
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "`{text}` is not K=V: write --var base_url=http://127.0.0.1:8080"
        )),
    }
}
