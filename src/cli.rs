//! Command-line interface: arguments only; the work is in [`crate::app`].

mod history;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub use history::{CompareArgs, HistoryAction, HistoryArgs, HistoryRunArgs};

#[derive(Debug, Parser)]
#[command(
    name = "planrun",
    version,
    about = "Declarative integration tests: YAML plans in; JUnit XML, a Markdown integration report and JSON results out",
    after_help = MAIN_EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run plans and write the reports.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Check plans without sending anything; every error as file:line:column.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// Show plans › phases › steps with method and URL.
    #[command(after_help = LIST_EXAMPLES)]
    List(LoadArgs),
    /// Re-render the JUnit and Markdown reports from a saved results.json.
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// Merge the results of `run --shard` parts into the reports of one whole run.
    Merge(MergeArgs),
    /// Start the bundled demo target and run the bundled plans against it.
    #[command(after_help = DEMO_EXAMPLES)]
    Demo(DemoArgs),
    /// Print the JSON Schema of plans or of planrun.yaml (for editors).
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
    /// Print a completion script for a shell (bash, zsh, fish, powershell, elvish).
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print a manual page (roff), generated from these same options.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
    /// Start a suite: plans/planrun.yaml, an example plan, schemas, a CI snippet.
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// List the runs in a history file; import saved results into it; prune it.
    History(HistoryArgs),
    /// What changed between two saved results.json: regressions, recoveries, latency.
    Compare(CompareArgs),
}

const MAIN_EXAMPLES: &str = "\
Examples:
  planrun demo                              the bundled plans against the bundled target
  planrun validate plans/                   check plans, send nothing
  planrun run plans/ --env staging          run with planrun.yaml's `staging` vars
  planrun completions bash > ~/.local/share/bash-completion/completions/planrun

Exit codes: 0 every sent step passed, 1 a step failed, 2 invalid plans or command line
(nothing sent), 130 interrupted.";

const RUN_EXAMPLES: &str = "\
Examples:
  planrun run plans/ --env staging
  planrun run plans/smoke.yaml --var base_url=http://127.0.0.1:8080 --tag smoke
  planrun run plans/ --jobs 1 --fail-fast
  planrun run plans/ --output ndjson | jq -c 'select(.event == \"step_finished\")'

Exit codes: 0 every sent step passed, 1 a step failed, 2 invalid plans or command line
(nothing sent), 130 interrupted (the reports are still written).";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  planrun validate plans/
  planrun validate plans/ --env prod --format json";

const LIST_EXAMPLES: &str = "\
Examples:
  planrun list plans/
  planrun list plans/ --env staging         URLs with staging's variables filled in";

const REPORT_EXAMPLES: &str = "\
Example:
  planrun report --from reports/results.json --junit out.xml --report out.md --html out.html";

const DEMO_EXAMPLES: &str = "\
Examples:
  planrun demo
  planrun demo --scenario healthy
  planrun demo --serve 127.0.0.1:3000       serve the target; run plans by hand
  planrun demo --export demo/               write the demo plans out to read and edit";

const SCHEMA_EXAMPLES: &str = "\
Example:
  planrun schema plan > schemas/plan.schema.json";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  planrun completions bash > ~/.local/share/bash-completion/completions/planrun
  planrun completions zsh > \"${fpath[1]}/_planrun\"
  planrun completions fish > ~/.config/fish/completions/planrun.fish
  planrun completions powershell >> $PROFILE";

const INIT_EXAMPLES: &str = "\
Examples:
  planrun init                              a suite in the current folder
  planrun init my-tests && cd my-tests && planrun validate plans";

const MAN_EXAMPLES: &str = "\
Examples:
  planrun man > planrun.1 && man ./planrun.1
  planrun man run > planrun-run.1";

#[derive(Debug, Args, Clone)]
pub struct ManArgs {
    /// The command whose page to print (`run` gives planrun-run(1)); planrun(1) without.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete planrun in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// Folder to create the suite in (created when missing); nothing is overwritten.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// `text` (file:line:column: message) or `json` (for tools).
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args, Clone)]
pub struct SchemaArgs {
    /// `plan` (schemas/plan.schema.json), `suite` (planrun.yaml: schemas/planrun.schema.json),
    /// `include` (files of shared steps: schemas/include.schema.json) or `results`
    /// (results.json: schemas/results.schema.json).
    #[arg(value_enum, default_value_t = SchemaKind::Plan)]
    pub which: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    Plan,
    Suite,
    Include,
    Results,
}

#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Plans")]
pub struct LoadArgs {
    /// Plan files or folders (searched recursively, in file-name order).
    #[arg(default_value = "plans")]
    pub paths: Vec<PathBuf>,
    /// Environment from planrun.yaml whose vars every plan sees.
    #[arg(long = "env", value_name = "NAME", env = "PLANRUN_ENV")]
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
    #[arg(long, value_name = "N", env = "PLANRUN_JOBS", help_heading = "Sending")]
    pub jobs: Option<usize>,
    /// Accept any TLS certificate (self-signed, expired, wrong host) for every step.
    #[arg(long, help_heading = "Sending")]
    pub insecure: bool,
    /// A PEM file of CA certificates every step trusts besides the system roots (a
    /// private CA); adds to `tls: { ca }` in the plans.
    #[arg(long, value_name = "FILE", help_heading = "Sending")]
    pub cacert: Option<PathBuf>,
    /// Send every request through this HTTP proxy (`http://[user:pass@]host:port`);
    /// hosts in NO_PROXY still go direct. Wins over `proxy:` in planrun.yaml and
    /// defaults; without either, HTTP_PROXY, HTTPS_PROXY and NO_PROXY (or lower case)
    /// are followed.
    #[arg(long, value_name = "URL", help_heading = "Sending")]
    pub proxy: Option<String>,
    /// Another variable name whose value is a secret (masked as *** in every output).
    #[arg(long = "secret", value_name = "NAME", help_heading = "Sending")]
    pub secrets: Vec<String>,
    /// Also fail the run (exit 1) when a step has this outcome: slow, not-configured,
    /// not-tested, skipped (repeatable or comma-separated; adds to `fail_on:` in planrun.yaml).
    #[arg(long = "fail-on", value_name = "KIND", value_delimiter = ',')]
    pub fail_on: Vec<crate::exit::FailOn>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Run only part k of n of the plans (e.g. 2/4), split the same way on every machine,
    /// balanced by step count; `auto` reads GitLab's CI_NODE_INDEX/CI_NODE_TOTAL. Merge the
    /// parts' results.json with `planrun merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

/// Which steps to send; the others are reported as skipped, naming the filter.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Selecting steps")]
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
#[command(next_help_heading = "Reports")]
pub struct OutputArgs {
    /// JUnit XML file.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "reports/junit.xml",
        env = "PLANRUN_JUNIT"
    )]
    pub junit: PathBuf,
    /// Markdown integration report.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "reports/integration-report.md",
        env = "PLANRUN_REPORT"
    )]
    pub report: PathBuf,
    /// JSON results (re-render later with `planrun report`).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "reports/results.json",
        env = "PLANRUN_JSON"
    )]
    pub json: PathBuf,
    /// Also write the report as one self-contained HTML page (charts, filter by outcome).
    #[arg(long, value_name = "FILE", env = "PLANRUN_HTML")]
    pub html: Option<PathBuf>,
    /// Add testcase file/line to the JUnit (GitHub/GitLab annotations; not junit-10.xsd valid).
    #[arg(long)]
    pub junit_locations: bool,
    /// Plain-text markers instead of emoji in the Markdown and HTML reports.
    #[arg(long)]
    pub no_emoji: bool,
    #[command(flatten)]
    pub terminal: TerminalArgs,
    #[command(flatten)]
    pub history: HistoryRunArgs,
}

/// What the terminal shows while a run goes.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Terminal")]
pub struct TerminalArgs {
    /// `text`: a line per step and a summary, for people; `ndjson`: the run's events as
    /// JSON lines on stdout, for tools (the other messages go to stderr).
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value_t = OutputFormat::Text,
        env = "PLANRUN_OUTPUT"
    )]
    pub output: OutputFormat,
    /// Print only the summary line (and errors): no step lines, no progress, no report paths.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// For each failing step, also print every failed check, the request line and
    /// headers (secrets masked) and the first lines of the response body.
    #[arg(long, short = 'v')]
    pub verbose: bool,
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
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    pub junit: Option<PathBuf>,
    /// Markdown report to write.
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    pub report: Option<PathBuf>,
    /// HTML report to write (one self-contained page).
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    pub html: Option<PathBuf>,
    /// Add testcase file/line to the JUnit (GitHub/GitLab annotations; not junit-10.xsd valid).
    #[arg(long, help_heading = "Reports")]
    pub junit_locations: bool,
    /// Plain-text markers instead of emoji in the Markdown and HTML reports.
    #[arg(long, help_heading = "Reports")]
    pub no_emoji: bool,
    #[command(flatten)]
    pub history: HistoryRunArgs,
    /// The plans the results came from (files or folders, as given to `run`): the
    /// `alerting:` rules and `history:` of their planrun.yaml apply to the reports.
    #[arg(value_name = "PLANS")]
    pub plans: Vec<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct MergeArgs {
    /// The results.json of every part (`planrun run --shard k/n … --json FILE`).
    #[arg(required = true, value_name = "RESULTS")]
    pub parts: Vec<PathBuf>,
    /// Merged JSON results.
    #[arg(long, value_name = "FILE", default_value = "reports/results.json")]
    pub json: PathBuf,
    /// Merged JUnit XML.
    #[arg(long, value_name = "FILE", default_value = "reports/junit.xml")]
    pub junit: PathBuf,
    /// Merged Markdown integration report.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "reports/integration-report.md"
    )]
    pub report: PathBuf,
    /// Merged HTML report (one self-contained page).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Add testcase file/line to the JUnit (GitHub/GitLab annotations; not junit-10.xsd valid).
    #[arg(long, help_heading = "Reports")]
    pub junit_locations: bool,
    /// Plain-text markers instead of emoji in the Markdown and HTML reports.
    #[arg(long, help_heading = "Reports")]
    pub no_emoji: bool,
    /// Also fail the merged run (exit 1) when a step has this outcome: slow, not-configured,
    /// not-tested, skipped (repeatable or comma-separated), as `run --fail-on` does.
    #[arg(long = "fail-on", value_name = "KIND", value_delimiter = ',')]
    pub fail_on: Vec<crate::exit::FailOn>,
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

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `--help`, completions and the man page all read this text: none may be blank.
    #[test]
    fn every_command_and_option_says_what_it_does() {
        fn walk(command: &clap::Command, path: &str, blank: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin
                    && arg
                        .get_help()
                        .is_none_or(|h| h.to_string().trim().is_empty())
                {
                    blank.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_about().is_none() {
                    blank.push(format!("{path} {}", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), blank);
            }
        }
        let mut command = Cli::command();
        command.build();
        let mut blank = Vec::new();
        walk(&command, "planrun", &mut blank);
        assert_eq!(blank, Vec::<String>::new(), "options without help text");
    }
}
