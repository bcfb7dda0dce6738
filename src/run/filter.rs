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
}
