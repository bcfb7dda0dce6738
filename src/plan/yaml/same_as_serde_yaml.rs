//! The deserializer must read every document as serde_yaml did: every YAML file of the
//! repository, and each of them with every value replaced in turn by a set of awkward
//! ones, gives the same value (or fails, and then serde_yaml words the error anyway).

use super::{de, events};
use crate::plan::types::{IncludeFile, PlanFile, SuiteConfig};
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::path::Path;

/// Values put in place of each value in turn: scalars of every resolution, quoting
/// and block styles, empty values, tags, lists and maps.
pub(super) const REPLACEMENTS: &[&str] = &[
    "~",
    "null",
    "",
    "\"\"",
    "''",
    "true",
    "False",
    "0",
    "-7",
    "+12",
    "0x1F",
    "0o17",
    "0b101",
    "-0x10",
    "012",
    "1.5",
    "-2e3",
    ".inf",
    "-.Inf",
    ".nan",
    "1_000",
    "2xx",
    "\"200\"",
    "'a: b'",
    "|\n  two\n  lines",
    ">-\n  folded\n  text",
    "[1, \"a\", b, ~]",
    "[]",
    "{}",
    "{ a: 1, b: [x] }",
    "!!str 12",
    "!!int \"7\"",
    "!!bool true",
    "!!float 1",
    "!!null ''",
    "!Custom x",
    "!Other { a: 1 }",
    "10s",
    "500ms",
    "1 MiB",
    "GET",
    "critical",
    "{ equals: 1 }",
    "[200, 201]",
    "{ json: $.id }",
    "18446744073709551615",
    "-9223372036854775808",
];

fn same<T: DeserializeOwned + Debug>(text: &str, what: &str) -> usize {
    let document = events::load(text);
    if !document.complete || document.problem.is_some() {
        return 0;
    }
    let ours = de::from_events::<T>(&document.events);
    let theirs = serde_yaml::from_str::<T>(text);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            let (ours, theirs) = (format!("{ours:?}"), format!("{theirs:?}"));
            assert_eq!(ours, theirs, "{what}:\n{text}");
            1
        }
        (Ok(ours), Err(e)) => panic!("{what}: serde_yaml fails ({e}), we read {ours:?}:\n{text}"),
        (Err(_), _) => 0,
    }
}

fn all_types(text: &str, what: &str) -> usize {
    same::<PlanFile>(text, what)
        + same::<IncludeFile>(text, what)
        + same::<SuiteConfig>(text, what)
        + same::<serde_json::Value>(text, what)
        + same::<indexmap::IndexMap<String, serde_json::Value>>(text, what)
}

pub(super) fn yaml_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            found.push(path);
        }
    }
}

/// Line `i` with its value (after `key: ` or `- `) replaced by `with`, indented to
/// stay inside its parent for multi-line replacements.
pub(super) fn replaced(text: &str, i: usize, with: &str) -> Option<String> {
    let line = text.lines().nth(i)?;
    let cut = line.find(": ").map(|c| c + 2).or_else(|| {
        line.trim_start()
            .starts_with("- ")
            .then(|| line.find("- ").unwrap_or(0) + 2)
    })?;
    let indent = " ".repeat(line.len() - line.trim_start().len() + 2);
    let with = with.replace('\n', &format!("\n{indent}"));
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(n, l)| {
            if n == i {
                format!("{}{with}", &l[..cut])
            } else {
                l.to_string()
            }
        })
        .collect();
    Some(lines.join("\n") + "\n")
}

#[test]
fn every_yaml_file_of_the_repository_and_its_variants_read_as_serde_yaml_reads_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests", "docs", "bench", "examples"] {
        yaml_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "found only {} YAML files", files.len());
    let mut read = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let what = file.display().to_string();
        read += all_types(&text, &what);
        // Four replacements per line, a different four on the next line (a debug
        // build parses each variant twice per type: every pair would take minutes).
        for i in 0..text.lines().count() {
            for k in 0..4 {
                let with = REPLACEMENTS[(i * 4 + k) % REPLACEMENTS.len()];
                if let Some(variant) = replaced(&text, i, with) {
                    let what = format!("{what} line {} = {with}", i + 1);
                    read += same::<PlanFile>(&variant, &what);
                    read += same::<serde_json::Value>(&variant, &what);
                }
            }
        }
    }
    // Most variants are read (not only failures compared): the check has teeth.
    assert!(read > 3_000, "only {read} documents read");
}

#[test]
fn anchors_aliases_tags_and_merge_keys_read_as_serde_yaml_reads_them() {
    let docs = [
        "a: &x { b: 1, c: [1, 2] }\nd: *x\ne: *x\n",
        "base: &b\n  k: v\nuse:\n  <<: *b\n  j: w\n",
        "list: [&n 1, *n, &s str, *s]\n",
        "t: !Variant { a: 1 }\nu: !Unit\nv: !Newtype 5\n",
        "e: !!str 012\nf: !!int 0x10\ng: !!float 1\nh: !!bool True\ni: !!null ~\n",
        "k: ! plain\nl: !local 12\n",
        "m: |\n  lit\n  eral\nn: >\n  fold\n  ed\n",
        "? complex\n: value\n",
        "'quoted key': 1\n\"another\": 2\n~: null key\n12: int key\n",
        "deep: [[[[[[1]]]]]]\n",
        "empty:\nlist: []\nmap: {}\n",
    ];
    let mut read = 0;
    for doc in docs {
        read += all_types(doc, doc);
    }
    assert!(read >= docs.len(), "only {read} documents read");
}
