//! `--shard k/n`: which plans this machine runs when a suite is split over n CI jobs.
//!
//! A plan never splits (captures flow through its steps). Plans are dealt out
//! longest-processing-time first: heaviest plan first, each to the lightest shard so far,
//! ties broken by suite order and shard number. The split depends only on the plans'
//! weights and order, so every machine given the same files computes the same one.

use crate::plan::model::Plan;
use std::collections::HashMap;
use std::fmt;

/// One part of a suite split n ways: `index` is 1-based, as CI systems number jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub total: usize,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

/// GitLab's `parallel:` sets these on every job (1-based index).
pub const GITLAB_INDEX: &str = "CI_NODE_INDEX";
pub const GITLAB_TOTAL: &str = "CI_NODE_TOTAL";

impl Shard {
    /// Parses `k/n` (1 ≤ k ≤ n), or `auto` from GitLab's `CI_NODE_INDEX`/`CI_NODE_TOTAL`
    /// looked up in `env`.
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        if text.trim() == "auto" {
            let (Some(index), Some(total)) = (env(GITLAB_INDEX), env(GITLAB_TOTAL)) else {
                return Err(format!(
                    "--shard auto reads {GITLAB_INDEX} and {GITLAB_TOTAL} (set by GitLab CI's \
                     `parallel:`), and they are not both set: give --shard k/n instead"
                ));
            };
            return Shard::parse_pair(&index, &total).map_err(|e| {
                format!("--shard auto: {GITLAB_INDEX}={index}, {GITLAB_TOTAL}={total}: {e}")
            });
        }
        let Some((index, total)) = text.split_once('/') else {
            return Err(format!(
                "--shard `{text}` is not k/n: write --shard 2/4 for the second of four parts, \
                 or --shard auto on GitLab CI"
            ));
        };
        Shard::parse_pair(index, total).map_err(|e| format!("--shard `{text}`: {e}"))
    }

    fn parse_pair(index: &str, total: &str) -> Result<Shard, String> {
        let number = |what: &str, text: &str| -> Result<usize, String> {
            text.trim()
                .parse::<usize>()
                .map_err(|_| format!("{what} `{text}` is not a whole number"))
        };
        let index = number("the part", index)?;
        let total = number("the number of parts", total)?;
        if total == 0 {
            return Err("the number of parts must be at least 1".into());
        }
        if !(1..=total).contains(&index) {
            return Err(format!(
                "the part must be between 1 and {total} (parts are numbered from 1)"
            ));
        }
        Ok(Shard { index, total })
    }
}

/// How heavy a plan is, for balancing: its step count, or its steps' recorded durations
/// when the run history has them.
pub trait PlanWeight {
    fn weight(&self, plan: &Plan) -> u64;
}

/// Every step counts the same.
pub struct StepCount;

impl PlanWeight for StepCount {
    fn weight(&self, plan: &Plan) -> u64 {
        plan.steps.len() as u64
    }
}

/// Steps' last recorded durations (ms) from the run history, by step id. A plan weighs
/// the sum of its steps' (every item of a `for_each` step); a step never recorded weighs
/// the mean of those that were, so a new plan still counts.
pub struct RecordedDurations {
    by_step: HashMap<String, u64>,
    unknown_step: u64,
}

impl RecordedDurations {
    /// `None` when nothing was recorded: step counts are then the better guess.
    pub fn new(recorded: &HashMap<String, u64>) -> Option<RecordedDurations> {
        if recorded.is_empty() {
            return None;
        }
        let mut by_step: HashMap<String, u64> = HashMap::new();
        for (key, ms) in recorded {
            // `charge[eur]` and `charge[usd]` are items of the step `charge`.
            let step = key.split_once('[').map_or(key.as_str(), |(step, _)| step);
            // At least 1 ms: a step that took no time still takes a turn.
            *by_step.entry(step.to_string()).or_default() += (*ms).max(1);
        }
        let total: u64 = recorded.values().map(|ms| (*ms).max(1)).sum();
        let unknown_step = (total / recorded.len() as u64).max(1);
        Some(RecordedDurations {
            by_step,
            unknown_step,
        })
    }

    /// How many of `plans`' steps have a recorded duration, of how many.
    pub fn known_steps(&self, plans: &[Plan]) -> (usize, usize) {
        let steps = plans.iter().flat_map(|p| &p.steps);
        let total = steps.clone().count();
        (
            steps.filter(|s| self.by_step.contains_key(&s.id)).count(),
            total,
        )
    }
}

impl PlanWeight for RecordedDurations {
    fn weight(&self, plan: &Plan) -> u64 {
        plan.steps
            .iter()
            .map(|s| {
                self.by_step
                    .get(&s.id)
                    .copied()
                    .unwrap_or(self.unknown_step)
            })
            .sum()
    }
}

/// Splits plans with these weights (in suite order) into `total` parts; each part lists
/// plan positions in suite order. Longest-processing-time first: no part ends up more
/// than 4/3 of the best possible split's heaviest part.
pub fn partition(weights: &[u64], total: usize) -> Vec<Vec<usize>> {
    let total = total.max(1);
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Heaviest first; equal weights keep suite order (sort_by is stable).
    order.sort_by(|&a, &b| weights[b].cmp(&weights[a]));
    let mut parts: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut loads = vec![0u64; total];
    for plan in order {
        let lightest = (0..total).min_by_key(|&p| (loads[p], p)).unwrap_or(0);
        loads[lightest] += weights[plan];
        parts[lightest].push(plan);
    }
    for part in &mut parts {
        part.sort_unstable();
    }
    parts
}

/// The plans of `shard`, in suite order; the others are dropped.
pub fn select(plans: Vec<Plan>, shard: Shard, weigh: &dyn PlanWeight) -> Vec<Plan> {
    let weights: Vec<u64> = plans.iter().map(|p| weigh.weight(p)).collect();
    let parts = partition(&weights, shard.total);
    let mine: std::collections::HashSet<usize> = parts
        .get(shard.index - 1)
        .map(|p| p.iter().copied().collect())
        .unwrap_or_default();
    plans
        .into_iter()
        .enumerate()
        .filter(|(i, _)| mine.contains(i))
        .map(|(_, p)| p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!(
            Shard::parse("2/4", no_env),
            Ok(Shard { index: 2, total: 4 })
        );
        assert_eq!(
            Shard::parse("1/1", no_env),
            Ok(Shard { index: 1, total: 1 })
        );
    }

    #[test]
    fn refuses_what_is_not_a_part() {
        for (text, says) in [
            ("0/4", "between 1 and 4"),
            ("5/4", "between 1 and 4"),
            ("1/0", "at least 1"),
            ("x/4", "`x` is not a whole number"),
            ("-1/4", "not a whole number"),
            ("3", "is not k/n"),
            ("", "is not k/n"),
        ] {
            let err = Shard::parse(text, no_env).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn auto_reads_gitlab_variables() {
        let gitlab = |name: &str| match name {
            "CI_NODE_INDEX" => Some("3".to_string()),
            "CI_NODE_TOTAL" => Some("5".to_string()),
            _ => None,
        };
        assert_eq!(
            Shard::parse("auto", gitlab),
            Ok(Shard { index: 3, total: 5 })
        );
        let err = Shard::parse("auto", no_env).unwrap_err();
        assert!(err.contains("CI_NODE_INDEX"), "{err}");
        let bad =
            |name: &str| (name == "CI_NODE_INDEX" || name == "CI_NODE_TOTAL").then(|| "0".into());
        let err = Shard::parse("auto", bad).unwrap_err();
        assert!(err.contains("CI_NODE_INDEX=0"), "{err}");
    }

    fn loads(weights: &[u64], parts: &[Vec<usize>]) -> Vec<u64> {
        parts
            .iter()
            .map(|p| p.iter().map(|&i| weights[i]).sum())
            .collect()
    }

    #[test]
    fn every_plan_lands_in_exactly_one_part() {
        let weights = [5, 1, 9, 3, 3, 0, 7, 2];
        for total in 1..=10 {
            let parts = partition(&weights, total);
            assert_eq!(parts.len(), total);
            let mut all: Vec<usize> = parts.concat();
            all.sort_unstable();
            assert_eq!(all, (0..weights.len()).collect::<Vec<_>>(), "{total} parts");
            for part in &parts {
                assert!(
                    part.windows(2).all(|w| w[0] < w[1]),
                    "suite order: {part:?}"
                );
            }
        }
    }

    #[test]
    fn the_split_depends_only_on_the_weights() {
        let weights = [4, 4, 4, 4, 2, 2, 1];
        assert_eq!(partition(&weights, 3), partition(&weights, 3));
        assert_eq!(
            partition(&weights, 3),
            vec![vec![0, 3], vec![1, 4, 6], vec![2, 5]]
        );
    }

    /// Plans of very different sizes: no part over 1.5× the mean, where the biggest plan
    /// alone does not already exceed it.
    #[test]
    fn plans_of_very_different_sizes_balance() {
        let weights = [40, 3, 30, 1, 12, 2, 10, 1, 8, 6, 5, 25, 4, 2, 1, 18, 9, 3];
        let sum: u64 = weights.iter().sum();
        for total in 2..=4 {
            let parts = partition(&weights, total);
            let mean = sum as f64 / total as f64;
            let max = *loads(&weights, &parts).iter().max().unwrap_or(&0);
            assert!(
                max as f64 <= 1.5 * mean,
                "{total} parts: heaviest {max}, mean {mean}: {:?}",
                loads(&weights, &parts)
            );
        }
        // Four parts of 180 steps: LPT finds the perfectly even split.
        assert_eq!(
            loads(&weights, &partition(&weights, 4)),
            vec![45, 45, 45, 45]
        );
    }

    #[test]
    fn more_parts_than_plans_leaves_parts_empty() {
        let parts = partition(&[3, 1], 4);
        assert_eq!(parts, vec![vec![0], vec![1], vec![], vec![]]);
    }
}
