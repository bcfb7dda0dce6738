//! The demo plans, compiled into the binary so `planrun demo` works from any folder
//! (after `cargo install`, or a copied binary). A test keeps [`FILES`] in step with
//! `plans/crm-ai-pro/`.

use crate::plan::schema;
use std::path::{Path, PathBuf};

/// The folder of the demo plans, as the reports name it.
pub const PLANS_DIR: &str = "plans/crm-ai-pro";

macro_rules! embed {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $path)),
        )
    };
}

/// Every file of `plans/crm-ai-pro/`: path (relative to the checkout), contents.
pub const FILES: &[(&str, &str)] = &[
    embed!("plans/crm-ai-pro/planrun.yaml"),
    embed!("plans/crm-ai-pro/ai-llm.yaml"),
    embed!("plans/crm-ai-pro/calendar.yaml"),
    embed!("plans/crm-ai-pro/database.yaml"),
    embed!("plans/crm-ai-pro/email.yaml"),
    embed!("plans/crm-ai-pro/mcp.yaml"),
    embed!("plans/crm-ai-pro/payments.yaml"),
    embed!("plans/crm-ai-pro/voice-meetings.yaml"),
];

/// The JSON Schemas the plans' modelines point at (`../../schemas/…`), written next to
/// exported plans so editors find them.
pub fn schema_files() -> Vec<(&'static str, String)> {
    vec![
        (
            "schemas/plan.schema.json",
            schema::render(&schema::plan_schema()),
        ),
        (
            "schemas/planrun.schema.json",
            schema::render(&schema::suite_schema()),
        ),
        (
            "schemas/include.schema.json",
            schema::render(&schema::include_schema()),
        ),
    ]
}

/// Writes the demo plans under `root` (as `root/plans/crm-ai-pro/…`), for running.
pub fn unpack(root: &Path) -> std::io::Result<()> {
    for (rel, text) in FILES {
        write(&root.join(rel), text)?;
    }
    Ok(())
}

/// `planrun demo --export DIR`: the demo plans, their planrun.yaml and the schemas
/// their modelines name, under `dir`. Nothing is written when any file exists already.
/// Returns the files written.
pub fn export(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<(PathBuf, String)> = FILES
        .iter()
        .map(|(rel, text)| (dir.join(rel), text.to_string()))
        .collect();
    files.extend(
        schema_files()
            .into_iter()
            .map(|(rel, text)| (dir.join(rel), text)),
    );
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(format!(
            "not overwriting {} (remove {} or export to another folder): {}",
            if existing.len() == 1 {
                "a file that exists"
            } else {
                "files that exist"
            },
            if existing.len() == 1 { "it" } else { "them" },
            existing.join(", ")
        ));
    }
    for (path, text) in &files {
        write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// A fresh private folder for the unpacked plans; removed on drop.
pub struct Unpacked {
    pub root: PathBuf,
}

impl Unpacked {
    pub fn new() -> std::io::Result<Unpacked> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let root =
            std::env::temp_dir().join(format!("planrun-demo-{}-{nanos}", std::process::id()));
        // `create_dir`, not `create_dir_all`: fails rather than reuse a folder someone made.
        std::fs::create_dir(&root)?;
        let unpacked = Unpacked { root };
        unpack(&unpacked.root)?;
        Ok(unpacked)
    }

    pub fn plans(&self) -> PathBuf {
        self.root.join(PLANS_DIR)
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adding a file to plans/crm-ai-pro/ without embedding it (or the reverse) fails here.
    #[test]
    fn the_embedded_files_are_the_files_of_the_plans_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk: Vec<String> = std::fs::read_dir(root.join(PLANS_DIR))
            .unwrap()
            .map(|e| e.unwrap())
            .inspect(|e| assert!(e.path().is_file(), "{:?}: embed sub-folders too", e.path()))
            .map(|e| format!("{PLANS_DIR}/{}", e.file_name().to_string_lossy()))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn export_writes_everything_once_and_refuses_to_overwrite() {
        let dir = std::env::temp_dir().join(format!("planrun-export-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let written = export(&dir).unwrap();
        assert_eq!(written.len(), FILES.len() + 3);
        let config = std::fs::read_to_string(dir.join("plans/crm-ai-pro/planrun.yaml")).unwrap();
        assert_eq!(config, FILES[0].1);
        assert!(dir.join("schemas/plan.schema.json").is_file());
        std::fs::write(dir.join("plans/crm-ai-pro/email.yaml"), "edited").unwrap();
        let err = export(&dir).unwrap_err();
        assert!(err.contains("not overwriting"), "{err}");
        assert!(err.contains("email.yaml"), "{err}");
        let kept = std::fs::read_to_string(dir.join("plans/crm-ai-pro/email.yaml")).unwrap();
        assert_eq!(kept, "edited");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
