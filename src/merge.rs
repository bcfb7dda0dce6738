//! `planrun merge`: the results of every `--shard k/n` part become the results one
//! machine would have written for the whole suite. Parts that cannot make one run
//! (overlapping, from another suite or results version, a part missing) are refused,
//! naming the files, so a merged report never claims more than was checked.

use crate::results::{PlanResult, RunInfo, RunPart, RunResults, ShardInfo};
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, SystemTime};

/// One part's results and where they were read from.
pub struct Part {
    /// The file, as the user named it: every refusal names it.
    pub file: String,
    /// `version` as written in the file (before any upgrade on read).
    pub written_version: u64,
    pub results: RunResults,
}

/// The merged run, or why these parts do not make one run (a message naming the files).
pub fn merge(mut parts: Vec<Part>) -> Result<RunResults, String> {
    if parts.is_empty() {
        return Err("nothing to merge: give the results.json of every part".into());
    }
    let versions: Vec<(&str, u64)> = parts
        .iter()
        .map(|p| (p.file.as_str(), p.written_version))
        .collect();
    same_version(&versions)?;
    for part in &parts {
        if !part.results.load_errors.is_empty() {
            return Err(format!(
                "{}: its plans did not load ({} problems), so nothing was run: fix them \
                 (`planrun validate`) and run the parts again",
                part.file,
                part.results.load_errors.len()
            ));
        }
        if part.results.run.shard.is_none() {
            return Err(format!(
                "{} is not a part of a split run (it has no `run.shard`): merge the \
                 results.json written by `planrun run --shard k/n`",
                part.file
            ));
        }
    }
    let shard = |p: &Part| p.results.run.shard.clone().unwrap_or_else(empty_shard);
    let suite = shard(&parts[0]);
    for part in &parts[1..] {
        same_suite((&parts[0], &suite), (part, &shard(part)))?;
    }
    parts.sort_by_key(|p| shard(p).index);
    check_every_part_once(&parts, suite.total)?;
    let plans = plans_in_suite_order(&parts, &suite.suite_plans)?;
    Ok(RunResults {
        version: parts[0].results.version,
        planrun_version: parts[0].results.planrun_version.clone(),
        run: merged_run_info(&parts),
        plans,
        load_errors: Vec::new(),
    })
}

/// Parts written as different results versions (file, `version` as written) cannot be
/// one run: checked before reading them, since a newer planrun upgrades older ones.
pub fn same_version(parts: &[(&str, u64)]) -> Result<(), String> {
    let Some((first_file, first_version)) = parts.first() else {
        return Ok(());
    };
    match parts.iter().find(|(_, v)| v != first_version) {
        Some((file, version)) => Err(format!(
            "{file} is results version {version} but {first_file} is version \
             {first_version}: run every part with the same planrun release"
        )),
        None => Ok(()),
    }
}

fn empty_shard() -> ShardInfo {
    ShardInfo {
        index: 0,
        total: 0,
        suite_plans: Vec::new(),
    }
}

/// Parts of one suite agree on the split and on what the suite is.
fn same_suite(a: (&Part, &ShardInfo), b: (&Part, &ShardInfo)) -> Result<(), String> {
    let ((pa, sa), (pb, sb)) = (a, b);
    let (ra, rb) = (&pa.results.run, &pb.results.run);
    let differ = if sa.total != sb.total {
        Some(format!(
            "one is split in {} parts, the other in {}",
            sa.total, sb.total
        ))
    } else if sa.suite_plans != sb.suite_plans {
        let only_a: Vec<&String> = sa
            .suite_plans
            .iter()
            .filter(|p| !sb.suite_plans.contains(p))
            .collect();
        let only_b: Vec<&String> = sb
            .suite_plans
            .iter()
            .filter(|p| !sa.suite_plans.contains(p))
            .collect();
        Some(match (only_a.first(), only_b.first()) {
            (Some(p), _) => format!("{p} is in the suite of {} only", pa.file),
            (None, Some(p)) => format!("{p} is in the suite of {} only", pb.file),
            (None, None) => "their plans are in a different order".into(),
        })
    } else if ra.system != rb.system || ra.title != rb.title {
        Some("their planrun.yaml system or report title differ".into())
    } else if ra.environment != rb.environment {
        Some(format!(
            "one ran with --env {}, the other with --env {}",
            ra.environment.as_deref().unwrap_or("(none)"),
            rb.environment.as_deref().unwrap_or("(none)")
        ))
    } else {
        None
    };
    match differ {
        Some(why) => Err(format!(
            "{} and {} are parts of different suites ({why}): merge parts of one \
             `planrun run --shard k/n` of the same plans",
            pa.file, pb.file
        )),
        None => Ok(()),
    }
}

/// Parts sorted by shard: each of 1..=total exactly once.
fn check_every_part_once(parts: &[Part], total: usize) -> Result<(), String> {
    let index = |p: &Part| p.results.run.shard.as_ref().map_or(0, |s| s.index);
    for pair in parts.windows(2) {
        if index(&pair[0]) == index(&pair[1]) {
            return Err(format!(
                "{} and {} are both part {}/{total}: they overlap; give each part once",
                pair[0].file,
                pair[1].file,
                index(&pair[0])
            ));
        }
    }
    let have: BTreeSet<usize> = parts.iter().map(index).collect();
    let missing: Vec<String> = (1..=total)
        .filter(|i| !have.contains(i))
        .map(|i| format!("{i}/{total}"))
        .collect();
    if !missing.is_empty() {
        let given: Vec<String> = parts
            .iter()
            .map(|p| format!("{} ({}/{total})", p.file, index(p)))
            .collect();
        return Err(format!(
            "{} {} {} missing: got {}; merge the results of every part",
            if missing.len() == 1 { "part" } else { "parts" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            given.join(", ")
        ));
    }
    Ok(())
}

/// Every plan of the suite once, in the suite's order; a step in two parts is refused.
fn plans_in_suite_order(parts: &[Part], suite_plans: &[String]) -> Result<Vec<PlanResult>, String> {
    let mut step_owner: HashMap<String, &str> = HashMap::new();
    let mut by_file: HashMap<&str, (&PlanResult, &str)> = HashMap::new();
    for part in parts {
        for plan in &part.results.plans {
            if let Some((_, other)) = by_file.insert(&plan.file, (plan, &part.file)) {
                return Err(format!(
                    "{} and {} both ran plan {}: the parts overlap; merge parts of one split",
                    other, part.file, plan.file
                ));
            }
            // Step ids are unique in a run, so the same id twice is the same step.
            for step in &plan.steps {
                if let Some(other) = step_owner.insert(step.id.clone(), &part.file) {
                    return Err(format!(
                        "step {} (plan {}) is in both {other} and {}: the parts overlap",
                        step.id, plan.file, part.file
                    ));
                }
            }
        }
    }
    let mut plans = Vec::with_capacity(suite_plans.len());
    for file in suite_plans {
        match by_file.remove(file.as_str()) {
            Some((plan, _)) => plans.push(plan.clone()),
            None => {
                return Err(format!(
                    "plan {file} of the suite is in no part: merge the results of every part"
                ))
            }
        }
    }
    if let Some((file, (_, part))) = by_file.into_iter().next() {
        return Err(format!(
            "{part} has plan {file}, which is not in its suite's plan list: it was not \
             written by `planrun run --shard`"
        ));
    }
    Ok(plans)
}

/// The first part's suite facts; the run spans the earliest start to the latest finish.
fn merged_run_info(parts: &[Part]) -> RunInfo {
    let runs: Vec<&RunInfo> = parts.iter().map(|p| &p.results.run).collect();
    let mut run = runs[0].clone();
    run.started_at = runs
        .iter()
        .map(|r| r.started_at.clone())
        .min_by_key(|t| time_of(t))
        .unwrap_or_default();
    run.finished_at = runs
        .iter()
        .map(|r| r.finished_at.clone())
        .max_by_key(|t| time_of(t))
        .unwrap_or_default();
    let span = time_of(&run.finished_at)
        .duration_since(time_of(&run.started_at))
        .unwrap_or_default();
    let longest = runs.iter().map(|r| r.duration_ms).max().unwrap_or(0);
    run.duration_ms = (span.as_millis() as u64).max(longest);
    let mut hosts: Vec<&str> = Vec::new();
    for r in &runs {
        if !hosts.contains(&r.hostname.as_str()) {
            hosts.push(&r.hostname);
        }
    }
    run.hostname = hosts.join(", ");
    run.interrupted = runs.iter().any(|r| r.interrupted);
    run.shard = None;
    run.parts = parts
        .iter()
        .map(|p| {
            let r = &p.results.run;
            RunPart {
                shard: r
                    .shard
                    .as_ref()
                    .map(|s| format!("{}/{}", s.index, s.total))
                    .unwrap_or_default(),
                hostname: r.hostname.clone(),
                started_at: r.started_at.clone(),
                finished_at: r.finished_at.clone(),
                plans: p.results.plans.len(),
                plan_files: p.results.plans.iter().map(|p| p.file.clone()).collect(),
            }
        })
        .collect();
    run
}

/// RFC 3339 as written by planrun; an unreadable time sorts first.
fn time_of(text: &str) -> SystemTime {
    humantime::parse_rfc3339_weak(text).unwrap_or(SystemTime::UNIX_EPOCH + Duration::ZERO)
}
