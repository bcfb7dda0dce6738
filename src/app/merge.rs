//! `planrun merge`: read every part's results.json, merge, write the reports of one run.

use super::reports::{write_reports, Targets};
use crate::cli::MergeArgs;
use crate::console::{summary_line, Notes};
use crate::exit;
use crate::merge::{merge, same_version, Part};
use crate::report::json;
use crate::report::model::Context;

pub fn cmd_merge(args: &MergeArgs) -> i32 {
    let outputs = [Some(&args.json), Some(&args.junit), Some(&args.report)];
    let outputs: Vec<_> = outputs
        .into_iter()
        .chain([args.html.as_ref()])
        .flatten()
        .collect();
    if let Some(input) = args.parts.iter().find(|p| outputs.contains(p)) {
        eprintln!(
            "error: {} is both a part to merge and an output: write the merged reports \
             elsewhere (--json, --junit, --report, --html)",
            input.display()
        );
        return exit::INVALID;
    }
    let mut texts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {file}: {e}");
                return exit::INVALID;
            }
        };
        // The version as written: a part upgraded on read is still from another release.
        let written_version = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("version").and_then(serde_json::Value::as_u64))
            .unwrap_or(0);
        texts.push((file, written_version, text));
    }
    let versions: Vec<(&str, u64)> = texts.iter().map(|(f, v, _)| (f.as_str(), *v)).collect();
    if let Err(e) = same_version(&versions) {
        eprintln!("error: {e}");
        return exit::INVALID;
    }
    let mut parts = Vec::with_capacity(texts.len());
    for (file, written_version, text) in texts {
        let results = match json::parse(&text) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {file}: {e}");
                return exit::INVALID;
            }
        };
        parts.push(Part {
            file,
            written_version,
            results,
        });
    }
    let merged = match merge(parts) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INVALID;
        }
    };
    let notes = Notes::Stdout;
    notes.say(format_args!(
        "merged {} parts: {}",
        merged.run.parts.len(),
        summary_line(&merged.summary(), merged.run.duration_ms)
    ));
    let targets = Targets {
        json: &args.json,
        junit: &args.junit,
        report: &args.report,
        html: args.html.as_deref(),
        junit_locations: args.junit_locations,
        emoji: !args.no_emoji,
    };
    // The parts' history is not read here: the reports have no changes or trends.
    let reports_ok = write_reports(&merged, &targets, notes, Context::default);
    if !reports_ok {
        return exit::INVALID;
    }
    let code = merged.exit_code();
    if code != exit::PASSED {
        return code;
    }
    // The parts' planrun.yaml is not read here, so only `--fail-on` sets the policy.
    match super::run::failed_by_policy(&merged, &args.fail_on) {
        Some(why) => {
            notes.say(format_args!("failing the run: {why}"));
            exit::STEP_FAILED
        }
        None => code,
    }
}
