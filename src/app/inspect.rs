//! `validate`, `schema` and `list`: what the plans say, without sending anything.

use super::{load_options, print_diagnostics};
use crate::cli::{Format, LoadArgs, SchemaArgs, SchemaKind, ValidateArgs};
use crate::diagnostic::Diagnostic;
use crate::exit;
use crate::plan::load::load;
use crate::plan::model::{Plan, Suite};
use crate::plan::schema;
use crate::report::model::count;
use crate::template::{Scope, Text};

pub(super) fn cmd_validate(args: &ValidateArgs) -> i32 {
    let json_out = args.format == Format::Json;
    let (errors, notes, plans, steps) = match load(&load_options(&args.load)) {
        Ok(suite) if suite.plans.is_empty() => {
            let message = format!(
                "no plans (*.yaml, *.yml) found in {}",
                shown_paths(&args.load)
            );
            if !json_out {
                eprintln!("error: {message}");
                return exit::INVALID;
            }
            let where_ = shown_paths(&args.load);
            (
                vec![Diagnostic::new(&where_, (1, 1), message)],
                suite.notes,
                0,
                0,
            )
        }
        Ok(mut suite) => {
            let steps: usize = suite.plans.iter().map(|p| p.steps.len()).sum();
            let (plans, notes) = (suite.plans.len(), std::mem::take(&mut suite.notes));
            // The process ends right after: freeing every compiled plan first would cost
            // more than a tenth of validating them (~60 M instructions for 500 plans).
            std::mem::forget(suite);
            (Vec::new(), notes, plans, steps)
        }
        Err(errors) => (errors, Vec::new(), 0, 0),
    };
    let code = if errors.is_empty() {
        exit::PASSED
    } else {
        exit::INVALID
    };
    if json_out {
        let list = |ds: &[Diagnostic]| -> Vec<serde_json::Value> {
            ds.iter()
                .map(|d| serde_json::to_value(d).unwrap_or_default())
                .collect()
        };
        let out = serde_json::json!({
            "valid": errors.is_empty(),
            "plans": plans,
            "steps": steps,
            "errors": list(&errors),
            "notes": list(&notes),
        });
        say!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return code;
    }
    for line in grouped_notes(&notes) {
        eprintln!("{line}");
    }
    if errors.is_empty() {
        say!(
            "ok: {}, {}",
            count(plans, "plan", "plans"),
            count(steps, "step", "steps")
        );
    } else {
        print_diagnostics(&errors);
    }
    code
}

pub(super) fn cmd_schema(args: &SchemaArgs) -> i32 {
    let schema = match args.which {
        SchemaKind::Plan => schema::plan_schema(),
        SchemaKind::Suite => schema::suite_schema(),
        SchemaKind::Include => schema::include_schema(),
        SchemaKind::Results => crate::results::schema::results_schema(),
    };
    use std::io::Write;
    // A closed stdout (`planrun schema | head`) is not an error.
    let _ = std::io::stdout().write_all(schema::render(&schema).as_bytes());
    exit::PASSED
}

fn shown_paths(args: &LoadArgs) -> String {
    let v: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    v.join(", ")
}

pub(super) fn cmd_list(args: &LoadArgs) -> i32 {
    let suite = match load(&load_options(args)) {
        Ok(s) => s,
        Err(errors) => {
            print_diagnostics(&errors);
            return exit::INVALID;
        }
    };
    let env: Vec<(String, String)> = std::env::vars().collect();
    let redactor = crate::run::redact::Redactor::from_env(&env, &[]);
    for plan in &suite.plans {
        let config = match &suite.config_of(plan).file {
            Some(file) => format!("config {}", crate::plan::discover::display(file)),
            None => "no planrun.yaml".to_string(),
        };
        say!(
            "{} ({}, {}; {config})",
            plan.name,
            plan.file,
            count(plan.steps.len(), "step", "steps")
        );
        let known = known_vars(&suite, plan);
        let mut phase: Option<&str> = None;
        for step in &plan.steps {
            if phase != Some(step.phase.as_str()) {
                phase = Some(&step.phase);
                say!("  {}", step.phase);
            }
            let flow = &step.flow;
            let mut note = match (&flow.pending, flow.requires_env.is_empty()) {
                (Some(_), _) => "  [pending]".to_string(),
                (None, false) => format!("  [requires {}]", flow.requires_env.join(", ")),
                _ => String::new(),
            };
            if let Some(each) = &flow.for_each {
                note.push_str(&format!("  [for each of {}]", each.source));
            }
            if let Some(file) = &step.file {
                note.push_str(&format!("  [from {file}:{}]", step.line));
            }
            let (method, target) = match step.http() {
                Some(r) => (r.method.as_str(), shown_url(&suite, &r.url, &known)),
                None => ("", String::new()),
            };
            let target = redactor.redact(&target);
            say!("    {method:<7} {target}  — {}{note}", step.name);
        }
    }
    exit::PASSED
}

/// The variables `list` knows without sending anything: the suite's (planrun.yaml,
/// `--env`, `--var`) and the plan's own `vars` that render from them.
fn known_vars(suite: &Suite, plan: &Plan) -> serde_json::Map<String, serde_json::Value> {
    let mut vars = suite.config_of(plan).globals.clone();
    for (name, value) in &plan.vars {
        let scope = Scope::new(vars.clone());
        if let Ok(v) = suite.templates.render_value(value, &scope) {
            vars.insert(name.clone(), v);
        }
    }
    vars
}

/// A step's URL with the variables `list` knows filled in; a URL that needs more
/// (a capture, an item of `for_each`) keeps those `{{ … }}` as written.
fn shown_url(
    suite: &Suite,
    url: &Text,
    known: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let scope = Scope::new(known.clone());
    if let Ok(rendered) = suite.templates.render(url, &scope) {
        return rendered;
    }
    // Fill in the plain `{{ name }}` it knows, leave the rest.
    let source = url.source();
    let mut out = String::new();
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let expr = rest[start + 2..start + len].trim();
        out.push_str(&rest[..start]);
        match known.get(expr) {
            Some(serde_json::Value::String(v)) => out.push_str(v),
            Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                out.push_str(&v.to_string())
            }
            _ => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// The notes as `validate` prints them: a note said the same way in several files (a
/// `--var` every plan reads) is printed once, at its first place, with how many other
/// files say it too. `--format json` keeps every note with its own place.
fn grouped_notes(notes: &[Diagnostic]) -> Vec<String> {
    use std::collections::hash_map::{Entry, HashMap};
    use std::collections::HashSet;
    // message → (its first note, the files that say it)
    let mut groups: HashMap<&str, (usize, HashSet<&str>)> = HashMap::new();
    let mut shown = Vec::new();
    for (i, note) in notes.iter().enumerate() {
        match groups.entry(&note.message) {
            Entry::Vacant(e) => {
                e.insert((i, HashSet::from([note.file.as_str()])));
                shown.push(i);
            }
            // Said again in a file that said it already: another place, shown as well.
            Entry::Occupied(mut e) => {
                if !e.get_mut().1.insert(&note.file) {
                    shown.push(i);
                }
            }
        }
    }
    shown
        .into_iter()
        .map(|i| {
            let note = &notes[i];
            match &groups[note.message.as_str()] {
                (first, files) if *first == i && files.len() > 1 => format!(
                    "{} (and in {})",
                    note.as_note(),
                    count(files.len() - 1, "other file", "other files")
                ),
                _ => note.as_note(),
            }
        })
        .collect()
}
