//! `planrun merge`: read every part's results.json, merge, write the reports of one run.

use super::reports::write_one;
use crate::cli::MergeArgs;
use crate::console::{summary_line, Notes};
use crate::exit;
use crate::merge::{merge, same_version, Part};
use crate::report::{html, json, junit, markdown};

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
    let junit_opts = junit::JunitOptions {
        with_locations: args.junit_locations,
    };
    let md_opts = markdown::MarkdownOptions {
        emoji: !args.no_emoji,
    };
    let json_ok = write_one("JSON results", &args.json, &json::render(&merged), notes);
    let junit_ok = write_one(
        "JUnit XML",
        &args.junit,
        &junit::render(&merged, &junit_opts),
        notes,
    );
    let md_ok = write_one(
        "Markdown report",
        &args.report,
        &markdown::render(&merged, &md_opts),
        notes,
    );
    let html_ok = args.html.as_ref().is_none_or(|path| {
        let opts = html::HtmlOptions {
            emoji: !args.no_emoji,
        };
        write_one("HTML report", path, &html::render(&merged, &opts), notes)
    });
    if !(json_ok && junit_ok && md_ok && html_ok) {
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
