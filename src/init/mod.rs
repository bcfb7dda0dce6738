//! `planrun init [DIR]`: a suite that validates at once and runs against the demo
//! target, for a newcomer to edit: plans/planrun.yaml, an example plan, the JSON
//! Schemas the modelines name, a CI snippet and `reports/` in .gitignore.

use crate::exit;
use crate::plan::discover::display;
use std::path::{Path, PathBuf};

/// What `init` writes, relative to DIR (the JSON Schemas come from [`crate::plan::schema`]).
const FILES: &[(&str, &str)] = &[
    ("plans/planrun.yaml", include_str!("planrun.yaml")),
    ("plans/example.yaml", include_str!("plan.yaml")),
    ("ci/github-actions.yml", include_str!("github-actions.yml")),
];

const GITIGNORE_LINE: &str = "reports/";

/// `planrun init DIR`: writes the scaffold and says what to do next.
pub fn cmd_init(dir: &Path) -> i32 {
    match init(dir) {
        Ok(written) => {
            for line in &written {
                say!("{line}");
            }
            say!("");
            say!("next:");
            if dir != Path::new(".") {
                say!("  cd {}", dir.display());
            }
            say!("  planrun validate plans                     # checks them, sends nothing");
            say!("  planrun demo --serve 127.0.0.1:3000        # in another terminal: a target to try them on");
            say!("  planrun run plans                          # reports in reports/");
            say!("then point base_url in plans/planrun.yaml at your service and write your own plans.");
            exit::PASSED
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::INVALID
        }
    }
}

/// Writes the scaffold under `dir`; nothing at all when one of its files exists.
/// Returns a line per file written.
pub fn init(dir: &Path) -> Result<Vec<String>, String> {
    let mut files: Vec<(PathBuf, String)> = FILES
        .iter()
        .map(|(rel, text)| (dir.join(rel), text.to_string()))
        .collect();
    files.extend(
        crate::demo::embedded::schema_files()
            .into_iter()
            .map(|(rel, text)| (dir.join(rel), text)),
    );
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| display(path))
        .collect();
    if !existing.is_empty() {
        return Err(format!(
            "not overwriting what is there: {} (init writes a new suite; remove these or give another folder: planrun init DIR)",
            existing.join(", ")
        ));
    }
    let mut written = Vec::new();
    for (path, text) in &files {
        write_new(path, text)?;
        written.push(format!("wrote {}", display(path)));
    }
    written.push(ignore_reports(&dir.join(".gitignore"))?);
    Ok(written)
}

fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    // `create_new`: a file that appeared since the check is still not overwritten.
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)
}

/// `reports/` in .gitignore: a new file, or a line added to the one there (kept as is).
fn ignore_reports(path: &Path) -> Result<String, String> {
    let shown = display(path);
    match std::fs::read_to_string(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = format!("# planrun's reports (junit.xml, integration-report.md, results.json)\n{GITIGNORE_LINE}\n");
            write_new(path, &text)?;
            Ok(format!("wrote {shown}"))
        }
        Err(e) => Err(format!("cannot read {shown}: {e}")),
        Ok(text) => {
            let ignored = text
                .lines()
                .any(|l| matches!(l.trim(), "reports/" | "reports" | "/reports" | "/reports/"));
            if ignored {
                return Ok(format!("kept {shown} (it ignores reports/ already)"));
            }
            let mut more = String::new();
            if !text.is_empty() && !text.ends_with('\n') {
                more.push('\n');
            }
            more.push_str(GITIGNORE_LINE);
            more.push('\n');
            use std::io::Write;
            std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(more.as_bytes()))
                .map_err(|e| format!("cannot add to {shown}: {e}"))?;
            Ok(format!("added {GITIGNORE_LINE} to {shown}"))
        }
    }
}
