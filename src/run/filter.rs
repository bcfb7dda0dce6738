//! `--tag`, `--skip-tag` and `--step GLOB`: which steps a run sends. A step left out
//! is still reported, as skipped with the filter that left it out.

use crate::results::SkipReason;

/// The step filters of a run; the default sends every step.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `--tag`: only steps with at least one of these tags.
    pub tags: Vec<String>,
    /// `--skip-tag`: not the steps with any of these tags.
    pub skip_tags: Vec<String>,
    /// `--step`: only steps whose name matches one of these globs (`*`, `?`).
    pub steps: Vec<String>,
}

impl Filter {
    /// Why the step is left out, and the message saying so (`filtered: --tag smoke`), or `None` to send it. A
    /// `--step` glob may match the name as written or the testcase name
    /// (`per provider [openai]` for a `for_each` item).
    pub fn reason(
        &self,
        base_name: &str,
        name: &str,
        tags: &[String],
    ) -> Option<(SkipReason, String)> {
        if let Some(t) = self.skip_tags.iter().find(|t| tags.contains(t)) {
            let message = format!("filtered: --skip-tag {t}");
            return Some((SkipReason::FilteredByTag, message));
        }
        if !self.tags.is_empty() && !self.tags.iter().any(|t| tags.contains(t)) {
            let given: Vec<String> = self.tags.iter().map(|t| format!("--tag {t}")).collect();
            let message = format!("filtered: {}", given.join(" "));
            return Some((SkipReason::FilteredByTag, message));
        }
        if !self.steps.is_empty()
            && !self
                .steps
                .iter()
                .any(|g| glob(g, base_name) || glob(g, name))
        {
            let given: Vec<String> = self
                .steps
                .iter()
                .map(|g| format!("--step \"{g}\""))
                .collect();
            let message = format!("filtered: {}", given.join(" "));
            return Some((SkipReason::FilteredByStep, message));
        }
        None
    }

    /// Whether a `--step` glob could pick single items of a `for_each` step, so the
    /// list must be expanded before filtering.
    pub fn names_items(&self) -> bool {
        self.steps.iter().any(|g| g.contains('['))
    }

    /// Whether any filter was given.
    pub fn is_active(&self) -> bool {
        !(self.tags.is_empty() && self.skip_tags.is_empty() && self.steps.is_empty())
    }

    /// Whether the filters could send this step. `runtime_list`: a `for_each` whose
    /// items are known only when it runs, so a glob naming an item
    /// (`per provider [open*]`) is matched, generously, by its part before `[`.
    fn could_select(&self, step: &Candidate<'_>) -> bool {
        if self.reason(step.base_name, step.name, step.tags).is_none() {
            return true;
        }
        step.runtime_list
            && self.steps.iter().any(|g| match g.split_once('[') {
                Some((before, _)) => glob(before.trim_end(), step.base_name),
                None => false,
            })
            && (Filter {
                steps: Vec::new(),
                ..self.clone()
            })
            .reason(step.base_name, step.name, step.tags)
            .is_none()
    }

    /// `None` when the filters leave at least one step to send; otherwise what to tell
    /// the user: the filters given and what the plans have
    /// (`--tag nightly selected no step; tags in these plans: smoke, payments`).
    pub fn selects_nothing(&self, steps: &[Candidate<'_>]) -> Option<String> {
        if !self.is_active() || steps.iter().any(|s| self.could_select(s)) {
            return None;
        }
        let mut exists: Vec<String> = Vec::new();
        if !self.tags.is_empty() || !self.skip_tags.is_empty() {
            let mut tags: Vec<&str> = Vec::new();
            for t in steps.iter().flat_map(|s| s.tags.iter()) {
                if !tags.contains(&t.as_str()) {
                    tags.push(t);
                }
            }
            exists.push(match tags.is_empty() {
                true => "no step in these plans has a tag".to_string(),
                false => format!("tags in these plans: {}", tags.join(", ")),
            });
        }
        if !self.steps.is_empty() {
            let mut names: Vec<&str> = Vec::new();
            for s in steps {
                if !names.contains(&s.base_name) {
                    names.push(s.base_name);
                }
            }
            let shown = names.len().min(STEP_NAMES_SHOWN);
            let mut list = names[..shown].join(", ");
            if names.len() > shown {
                list.push_str(&format!(
                    ", … ({} more; `planrun list` shows them)",
                    names.len() - shown
                ));
            }
            exists.push(format!("steps in these plans: {list}"));
        }
        if steps.is_empty() {
            exists = vec!["these plans have no step".to_string()];
        }
        Some(format!(
            "{} selected no step; {}",
            self.describe(),
            exists.join("; ")
        ))
    }

    /// The filters as given: `--tag smoke --skip-tag slow --step "log*"`.
    pub fn describe(&self) -> String {
        let mut given: Vec<String> = Vec::new();
        given.extend(self.tags.iter().map(|t| format!("--tag {t}")));
        given.extend(self.skip_tags.iter().map(|t| format!("--skip-tag {t}")));
        given.extend(self.steps.iter().map(|g| format!("--step \"{g}\"")));
        given.join(" ")
    }
}

/// Step names listed when `--step` selects nothing.
const STEP_NAMES_SHOWN: usize = 10;

/// A step as the filters see it before the run.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub base_name: &'a str,
    pub name: &'a str,
    pub tags: &'a [String],
    /// A `for_each` list known only when the step runs.
    pub runtime_list: bool,
}

/// `*` matches any run of characters, `?` one character; everything else itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matching with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("login*", "login with password"));
        assert!(glob("*status", "Gmail status"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(glob("*", ""));
        assert!(glob("*a*b*", "xxaxxbxx"));
        assert!(!glob("login", "login 2"));
        assert!(glob("per provider [open*]", "per provider [openai-gpt4o]"));
    }

    #[test]
    fn reasons_name_the_filter() {
        let tags = vec!["smoke".to_string(), "email".to_string()];
        let f = Filter {
            tags: vec!["smoke".into()],
            ..Filter::default()
        };
        assert_eq!(f.reason("a", "a", &tags), None);
        assert_eq!(
            f.reason("a", "a", &[]).map(|r| r.1).as_deref(),
            Some("filtered: --tag smoke")
        );
        let f = Filter {
            skip_tags: vec!["email".into()],
            ..Filter::default()
        };
        assert_eq!(
            f.reason("a", "a", &tags).map(|r| r.1).as_deref(),
            Some("filtered: --skip-tag email")
        );
        let f = Filter {
            steps: vec!["log*".into()],
            ..Filter::default()
        };
        assert_eq!(f.reason("login", "login", &[]), None);
        assert_eq!(
            f.reason("logout", "x [1]", &[]),
            None,
            "the name as written counts"
        );
        assert_eq!(
            f.reason("status", "status", &[]),
            Some((
                SkipReason::FilteredByStep,
                "filtered: --step \"log*\"".to_string()
            ))
        );
    }

    fn step<'a>(name: &'a str, tags: &'a [String]) -> Candidate<'a> {
        Candidate {
            base_name: name,
            name,
            tags,
            runtime_list: false,
        }
    }

    #[test]
    fn a_filter_that_selects_nothing_names_the_filter_and_what_exists() {
        let smoke = vec!["smoke".to_string()];
        let pay = vec!["payments".to_string(), "smoke".to_string()];
        let steps = [step("login", &smoke), step("charge", &pay)];
        assert_eq!(Filter::default().selects_nothing(&steps), None);
        let f = Filter {
            tags: vec!["nightly".into()],
            ..Filter::default()
        };
        assert_eq!(
            f.selects_nothing(&steps).as_deref(),
            Some("--tag nightly selected no step; tags in these plans: smoke, payments")
        );
        let f = Filter {
            tags: vec!["payments".into()],
            ..Filter::default()
        };
        assert_eq!(f.selects_nothing(&steps), None);
        let f = Filter {
            skip_tags: vec!["smoke".into()],
            ..Filter::default()
        };
        assert_eq!(
            f.selects_nothing(&steps).as_deref(),
            Some("--skip-tag smoke selected no step; tags in these plans: smoke, payments")
        );
        let f = Filter {
            steps: vec!["log out*".into()],
            ..Filter::default()
        };
        assert_eq!(
            f.selects_nothing(&steps).as_deref(),
            Some("--step \"log out*\" selected no step; steps in these plans: login, charge")
        );
        let f = Filter {
            tags: vec!["payments".into()],
            steps: vec!["login".into()],
            ..Filter::default()
        };
        assert!(
            f.selects_nothing(&steps).is_some(),
            "filters combine: login is not tagged payments"
        );
    }

    #[test]
    fn an_item_glob_may_select_a_list_known_only_at_run_time() {
        let none: Vec<String> = Vec::new();
        let mut each = step("per provider", &none);
        each.runtime_list = true;
        let f = Filter {
            steps: vec!["per provider [open*]".into()],
            ..Filter::default()
        };
        assert_eq!(f.selects_nothing(&[each]), None);
        let f = Filter {
            steps: vec!["other [open*]".into()],
            ..Filter::default()
        };
        assert!(f.selects_nothing(&[each]).is_some());
    }
}
