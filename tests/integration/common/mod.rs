//! Shared pieces of the integration tests: a real HTTP test server on 127.0.0.1 (its
//! own thread and tokio runtime, so it outlives the blocking binary call), a temp
//! workspace per test, and a helper that runs the real `planrun` binary and parses
//! what it wrote.
#![allow(dead_code)]
pub mod crm;
pub mod demo_target;

pub mod server;
#[allow(unused_imports)] // not every test crate uses the server
pub use server::*;

use planrun::results::{PlanResult, RunResults, StepResult};
use serde_json::Value;
use std::fmt;
use std::path::{Path as FsPath, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

// ---------------------------------------------------------------- workspaces and runs

/// Removes the common leading indentation of the non-empty lines and a first empty
/// line, so plans can be written indented in test code.
pub fn unindent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line.get(indent..).unwrap_or("").trim_end());
        out.push('\n');
    }
    out
}

/// A fresh folder under the system temp dir; removed on drop unless the test failed.
/// The binary runs with it as the current directory, so paths it prints are relative.
pub struct Workspace {
    pub dir: PathBuf,
}

impl Workspace {
    pub fn new(tag: &str) -> Workspace {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("planrun-it-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create workspace");
        Workspace { dir }
    }

    /// Writes `text` (unindented) to `rel`, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Workspace {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, unindent(text)).expect("write file");
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel))
            .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.dir.join(rel).exists()
    }

    /// `planrun ARGS` in this folder with a clean environment plus `envs`.
    pub fn exec(&self, args: &[&str], envs: &[(&str, &str)]) -> Exec {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_planrun"));
        cmd.args(args)
            .current_dir(&self.dir)
            .env_clear()
            .envs(envs.iter().copied());
        let out = cmd.output().expect("run planrun");
        Exec {
            code: out.status.code().expect("planrun exited by a signal"),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `planrun run ARGS --junit out/junit.xml --report out/report.md --json
    /// out/results.json`, then reads and parses the three files.
    pub fn run(&self, args: &[&str]) -> RunOutput {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], envs: &[(&str, &str)]) -> RunOutput {
        let mut all = vec!["run"];
        all.extend_from_slice(args);
        all.extend_from_slice(&[
            "--junit",
            "out/junit.xml",
            "--report",
            "out/report.md",
            "--json",
            "out/results.json",
        ]);
        let exec = self.exec(&all, envs);
        let read = |rel: &str| {
            std::fs::read_to_string(self.dir.join(rel))
                .unwrap_or_else(|e| panic!("{rel} was not written ({e})\n{exec}"))
        };
        let json = read("out/results.json");
        let junit = read("out/junit.xml");
        let markdown = read("out/report.md");
        let results: RunResults = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("results.json does not parse: {e}\n{json}"));
        let raw: Value = serde_json::from_str(&json).expect("results.json is JSON");
        RunOutput {
            exec,
            results,
            raw,
            json,
            junit,
            markdown,
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    pub fn root(&self) -> &FsPath {
        &self.dir
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// What a `planrun` process did.
pub struct Exec {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Exec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--- exit code {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A `planrun run` and the three files it wrote.
pub struct RunOutput {
    pub exec: Exec,
    pub results: RunResults,
    /// results.json as untyped JSON, for checking the documented field names.
    pub raw: Value,
    pub json: String,
    pub junit: String,
    pub markdown: String,
}

impl RunOutput {
    pub fn code(&self) -> i32 {
        self.exec.code
    }

    pub fn plan(&self, name: &str) -> &PlanResult {
        self.results
            .plans
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no plan `{name}` in results\n{self}"))
    }

    /// The step named `name`, in whichever plan; the name must be unique in the run
    /// (else use [`RunOutput::step_in`]).
    pub fn step(&self, name: &str) -> &StepResult {
        let found: Vec<&StepResult> = self
            .results
            .plans
            .iter()
            .flat_map(|p| &p.steps)
            .filter(|s| s.name == name)
            .collect();
        match found[..] {
            [one] => one,
            [] => panic!("no step `{name}` in results\n{self}"),
            _ => panic!("several steps are named `{name}`: use step_in"),
        }
    }
}

impl RunOutput {
    /// The step named `step` in the plan named `plan`.
    pub fn step_in(&self, plan: &str, step: &str) -> &StepResult {
        self.plan(plan)
            .steps
            .iter()
            .find(|s| s.name == step)
            .unwrap_or_else(|| panic!("no step `{step}` in plan `{plan}`\n{self}"))
    }
}

impl fmt::Display for RunOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.exec)
    }
}

/// `data` compressed with an HTTP content coding: gzip, deflate (zlib), br or zstd.
pub fn compress(coding: &str, data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    match coding {
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).expect("gzip");
            e.finish().expect("gzip")
        }
        "deflate" => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).expect("deflate");
            e.finish().expect("deflate")
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                w.write_all(data).expect("br");
            }
            out
        }
        "zstd" => zstd::stream::encode_all(data, 3).expect("zstd"),
        other => panic!("no such coding {other}"),
    }
}
