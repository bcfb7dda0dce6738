//! Finding plan files and the suite config.

use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

pub const SUITE_CONFIG_NAMES: [&str; 2] = ["planrun.yaml", "planrun.yml"];

fn is_plan_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    yaml && !SUITE_CONFIG_NAMES.contains(&name)
}

/// Every plan file below `paths`: folders recursively, sorted by path; files as given.
/// Below a folder, names starting with `.` (hidden) or `_` (files of shared steps for
/// `include:`, like `plans/_shared/oauth.yaml`) are not plans and are left out.
pub fn plan_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            if let Err(e) = walk(path, &mut files) {
                errors.push(Diagnostic::new(
                    &display(path),
                    (1, 1),
                    format!("cannot read folder: {e}"),
                ));
            }
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            errors.push(Diagnostic::new(
                &display(path),
                (1, 1),
                "no such file or folder: give a plan file or a folder of plans",
            ));
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let skipped = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') || n.starts_with('_'));
            !skipped
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if is_plan_file(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// The suite config a plan file uses: `planrun.yaml` in its folder or the nearest
/// folder above it, looking no higher than the current directory (when the plan is
/// inside it) so a config elsewhere on the disk is never picked up by accident.
pub fn suite_config_of(plan_file: &Path) -> Option<PathBuf> {
    let start = match plan_file.parent()? {
        p if p.as_os_str().is_empty() => Path::new("."),
        p => p,
    };
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let cwd = std::env::current_dir().ok();
    let mut dir: Option<&Path> = Some(&start);
    while let Some(d) = dir {
        for name in SUITE_CONFIG_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if cwd.as_deref() == Some(d) {
            break;
        }
        dir = d.parent();
    }
    None
}

/// A folder whose files are shown relative to it, as if it were the current directory.
static SHOWN_AS_CURRENT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Files under `root` are shown relative to it from now on: `planrun demo` unpacks its
/// embedded plans to a temporary folder, and the reports name them `plans/crm-ai-pro/…`
/// as in the checkout, not by a temporary path that is gone after the run.
pub fn show_as_current(root: &Path) {
    let _ = SHOWN_AS_CURRENT.set(root.to_path_buf());
}

/// A path as users see it: relative to the current directory when inside it, `/` separated.
pub fn display(path: &Path) -> String {
    let shown = SHOWN_AS_CURRENT
        .get()
        .and_then(|root| path.strip_prefix(root).ok().map(Path::to_path_buf))
        .or_else(|| {
            let cwd = std::env::current_dir().ok()?;
            path.strip_prefix(cwd).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf());
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}
