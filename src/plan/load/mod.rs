//! YAML files → executable [`Suite`]: read, deserialize, splice includes
//! ([`include`]), check ([`validate`](super::validate)), merge defaults and compile
//! ([`compile`]). Every error is collected (not only the first) and located in its file.
//!
//! This file gathers a whole load: the suite configs (`config`), then each plan file
//! compiled on its own (`plan_file`), spread over the cores.

mod alerting;
mod compile;
mod config;
mod files;
mod for_each;
mod include;
mod plan_file;
mod request;

use super::discover::{self, display};
use super::model::{Config, Plan, Suite};
use crate::diagnostic::Diagnostic;
use crate::template::Templates;
use config::{Configs, LoadedConfig};
use indexmap::IndexMap;
pub use plan_file::compile_plan;
use plan_file::{Compiled, LoadContext};
pub use request::endpoint_path;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub paths: Vec<PathBuf>,
    /// `--env NAME`
    pub environment: Option<String>,
    /// `--var K=V`, in order; they win over everything.
    pub vars: Vec<(String, String)>,
    /// The process environment, visible as `env.*`.
    pub env: Vec<(String, String)>,
}

pub fn load(opts: &LoadOptions) -> Result<Suite, Vec<Diagnostic>> {
    let files = discover::plan_files(&opts.paths)?;
    let mut templates = Templates::new();
    let mut configs = Configs::default();
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut names: IndexMap<String, (String, String)> = IndexMap::new();
    // Each file's config first (in order: a config's error goes with its first plan),
    // then the plans compiled across the cores, then gathered in file order.
    let config_of: Vec<Result<usize, Option<Diagnostic>>> =
        files.iter().map(|file| configs.of(file, opts)).collect();
    let mut compiled = compile_files(&files, &config_of, &configs.loaded).into_iter();
    for (file, config) in files.iter().zip(&config_of) {
        let shown = display(file);
        let config = match config {
            Ok(index) => *index,
            Err(d) => {
                errors.extend(d.clone());
                continue;
            }
        };
        let Some(result) = compiled.next() else {
            continue;
        };
        match result {
            Ok((mut plan, mut found)) => {
                notes.append(&mut found);
                plan.config = config;
                configs.loaded[config].config.plans.push(plan.file.clone());
                let key = crate::plan::id::slug(&plan.name);
                if let Some((other_name, other)) =
                    names.insert(key.clone(), (plan.name.clone(), shown.clone()))
                {
                    let message = if other_name == plan.name {
                        format!(
                            "plan name `{}` is also used by {other}: plan names must be unique",
                            plan.name
                        )
                    } else {
                        format!("plan name `{}` gives the same step ids (`{key}/…`) as plan `{other_name}` in {other}: plan names must differ by more than case and punctuation", plan.name)
                    };
                    errors.push(Diagnostic::new(&shown, (1, 1), message));
                }
                plans.push(plan)
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    // A shared file with a mistake is reported once, not once per plan including it.
    let mut seen = HashSet::new();
    errors.retain(|d| seen.insert(d.clone()));
    templates.loaded();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut configs: Vec<Config> = configs.loaded.into_iter().map(|c| c.config).collect();
    for (index, config) in configs.iter().enumerate() {
        let its_plans: Vec<&Plan> = plans.iter().filter(|p| p.config == index).collect();
        errors.extend(alerting::unmatched(
            &config.alerting,
            &its_plans,
            &config.shown(),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if configs.is_empty() {
        // No plans: keep the config the paths would use, so messages can name it.
        configs.push(Config::default());
    }
    Ok(Suite {
        plans,
        templates,
        configs,
        environment: opts.environment.clone(),
        notes,
    })
}

/// Compiles the files whose config loaded (`config_of`), in their order. The files are
/// independent, so they are shared among threads, one per core: each thread has its
/// own templates and caches of included files, schemas and TLS files.
fn compile_files(
    files: &[PathBuf],
    config_of: &[Result<usize, Option<Diagnostic>>],
    configs: &[LoadedConfig],
) -> Vec<Compiled> {
    let jobs: Vec<(&PathBuf, &LoadedConfig)> = files
        .iter()
        .zip(config_of)
        .filter_map(|(file, config)| Some((file, &configs[*config.as_ref().ok()?])))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len() / 2)
        .max(1);
    let work = |next: &AtomicUsize| {
        let mut templates = Templates::new();
        let mut cx = LoadContext::new(&mut templates);
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some((file, config)) = jobs.get(index) else {
                break;
            };
            done.push((index, cx.compile_file(file, config)));
        }
        done
    };
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Compiled)> = if threads == 1 {
        work(&next)
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads).map(|_| scope.spawn(|| work(&next))).collect();
            // A worker's panic is the load's, as on one thread.
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, compiled)| compiled).collect()
}

/// The `planrun.yaml` of each suite the plans at `opts.paths` belong to, read and checked
/// without compiling the plans (no variable needs a value): for reporting on saved
/// results with the suites' `alerting:` rules and `history:`.
pub fn load_configs(opts: &LoadOptions) -> Result<Vec<Config>, Vec<Diagnostic>> {
    let files = discover::plan_files(&opts.paths)?;
    let mut configs = Configs::default();
    let mut errors = Vec::new();
    for file in &files {
        if let Err(Some(d)) = configs.of(file, opts) {
            errors.push(d);
        }
    }
    if errors.is_empty() {
        Ok(configs.loaded.into_iter().map(|c| c.config).collect())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_loaded_across_threads_come_back_in_file_order() {
        let dir = std::env::temp_dir().join(format!("planrun-load-order-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..12 {
            // Every third plan has a mistake; the others differ in their step count.
            let url = if i % 3 == 0 { "{{ x + }}" } else { "http://h" };
            let mut text = format!("name: plan {i}\nsteps:\n");
            for s in 0..=i {
                text.push_str(&format!(
                    "  - name: s{s}\n    request: {{ url: \"{url}\" }}\n"
                ));
            }
            std::fs::write(dir.join(format!("p{i:02}.yaml")), text).unwrap();
        }
        let opts = LoadOptions {
            paths: vec![dir.clone()],
            ..LoadOptions::default()
        };
        let errors = load(&opts).err().unwrap();
        let files: Vec<String> = errors
            .iter()
            .map(|e| e.file.rsplit('/').next().unwrap().to_string())
            .collect();
        let mut expected = Vec::new();
        for i in [0, 3, 6, 9] {
            expected.extend(std::iter::repeat_n(format!("p{i:02}.yaml"), i + 1));
        }
        assert_eq!(files, expected);
        for i in [0, 3, 6, 9] {
            std::fs::remove_file(dir.join(format!("p{i:02}.yaml"))).unwrap();
        }
        let suite = load(&opts).unwrap();
        let names: Vec<&str> = suite.plans.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["plan 1", "plan 2", "plan 4", "plan 5", "plan 7", "plan 8", "plan 10", "plan 11"]
        );
        assert!(suite
            .plans
            .iter()
            .all(|p| p.steps.len() == p.name[5..].parse::<usize>().unwrap() + 1));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
