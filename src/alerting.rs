//! Alerting rules (`alerting:` of planrun.yaml), validated: which steps a rule watches,
//! what it measures (failure rate, a latency percentile), its thresholds and its window.
//! The report model evaluates them over the history; this module only says what they
//! are and which steps they select.

use crate::compare::StepState;
use regex::Regex;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct AlertRule {
    pub name: String,
    pub selector: Selector,
    pub measures: Vec<Measure>,
    pub window: AlertWindow,
    /// Where the rule is written in its planrun.yaml.
    pub line: u32,
}

/// Which steps a rule watches: every given criterion must hold.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    pub category: Option<String>,
    pub integration: Option<String>,
    pub tag: Option<String>,
    /// A glob on the step id (`payments/*`): `*` any run of characters, `?` one.
    pub step: Option<Glob>,
}

#[derive(Debug, Clone)]
pub struct Glob {
    pub pattern: String,
    regex: Regex,
}

impl Glob {
    /// `None` for an empty pattern.
    pub fn new(pattern: &str) -> Option<Glob> {
        if pattern.trim().is_empty() {
            return None;
        }
        let mut re = String::from("^");
        for c in pattern.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        Regex::new(&re).ok().map(|regex| Glob {
            pattern: pattern.to_string(),
            regex,
        })
    }

    pub fn matches(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// Thresholds: crossing `warn` is a warning, crossing `critical` is critical (strictly
/// above, as "> 5 % = Warning" reads).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    pub warn: Option<f64>,
    pub critical: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// Failed and errored steps over the steps sent, as a fraction (0.05 = 5 %).
    FailureRate(Levels),
    /// The `percentile`-th latency (nearest rank) of the responses, thresholds in ms.
    Latency { percentile: u8, levels: Levels },
}

impl Measure {
    pub fn levels(&self) -> Levels {
        match self {
            Measure::FailureRate(l) | Measure::Latency { levels: l, .. } => *l,
        }
    }
}

/// The runs a rule looks at, the current one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertWindow {
    Last(usize),
    Within(Duration),
}

/// The window when a rule gives none.
pub const DEFAULT_WINDOW: AlertWindow = AlertWindow::Last(20);

/// The latency percentiles a rule may name.
pub const PERCENTILES: [u8; 4] = [50, 90, 95, 99];

impl Selector {
    pub fn matches(&self, step: &StepState) -> bool {
        let integration = step
            .integration
            .as_deref()
            .filter(|i| !i.trim().is_empty())
            .unwrap_or(&step.plan);
        self.category
            .as_deref()
            .is_none_or(|c| step.category.as_deref() == Some(c))
            && self.integration.as_deref().is_none_or(|i| integration == i)
            && self
                .tag
                .as_deref()
                .is_none_or(|t| step.tags.iter().any(|x| x == t))
            && self.step.as_ref().is_none_or(|g| g.matches(&step.key))
    }

    /// `category Email, tag smoke`, for the report.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (what, v) in [
            ("category", &self.category),
            ("integration", &self.integration),
            ("tag", &self.tag),
        ] {
            if let Some(v) = v {
                parts.push(format!("{what} {v}"));
            }
        }
        if let Some(g) = &self.step {
            parts.push(format!("steps {}", g.pattern));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_ids() {
        let g = Glob::new("payments/*/create-?").unwrap();
        assert!(g.matches("payments/main/create-1"));
        assert!(!g.matches("payments/main/create-10"));
        assert!(!g.matches("x/payments/main/create-1"));
        assert!(Glob::new("a.b").unwrap().matches("a.b"));
        assert!(!Glob::new("a.b").unwrap().matches("axb"));
        assert!(Glob::new("  ").is_none());
    }
}
