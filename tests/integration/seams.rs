//! The module seams the code's one-way flow relies on, checked on the source: the demo
//! target knows nothing of the command line or the commands, the command line knows
//! nothing of the demo's types, and reporters never reach into the executor.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// `(file, line)` of every mention of `crate::<module>` in the files under `under`.
fn mentions(under: &str, module: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let path = root.join(under);
    let files = if path.is_dir() {
        rust_files(&path)
    } else {
        vec![path]
    };
    let needle = format!("crate::{module}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let rest = line.split(&needle).skip(1);
            if rest
                .into_iter()
                .any(|r| r.starts_with("::") || r.starts_with([';', ',', '}', ' ']) || r.is_empty())
            {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_scan_finds_imports_that_are_there() {
    // `planrun demo` (in app) uses the demo target: the scan must see that.
    assert!(!mentions("app", "demo").is_empty());
    assert!(!mentions("app/mod.rs", "cli").is_empty());
}

#[test]
fn the_demo_target_does_not_import_the_commands_or_the_command_line() {
    for module in ["app", "cli", "console"] {
        assert_eq!(
            mentions("demo", module),
            Vec::<String>::new(),
            "demo uses {module}"
        );
    }
}

#[test]
fn the_command_line_does_not_import_demo_or_executor_types() {
    for module in ["demo", "run", "app"] {
        assert_eq!(
            mentions("cli.rs", module),
            Vec::<String>::new(),
            "cli uses {module}"
        );
    }
}

#[test]
fn reporters_and_the_executor_do_not_import_the_terminal_or_the_commands() {
    for under in ["report", "run", "results", "plan"] {
        for module in ["app", "cli", "console"] {
            assert_eq!(
                mentions(under, module),
                Vec::<String>::new(),
                "{under} uses {module}"
            );
        }
    }
    assert_eq!(
        mentions("report", "run"),
        Vec::<String>::new(),
        "a reporter uses run"
    );
}
