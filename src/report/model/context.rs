//! What a report says beyond the run itself: what changed since an earlier run, how
//! things trend over the last runs, the alerting rules' states. Computed by the caller from the history (or a
//! baseline file); every writer (Markdown, HTML) renders the same context.

use super::alerting::Alerting;
use super::trends::Trends;
use crate::compare::Changes;

#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Against the previous run of the history, or `--baseline`.
    pub changes: Option<Changes>,
    /// Over the last runs of the history, the current one included.
    pub trends: Option<Trends>,
    /// The `alerting:` rules evaluated (over the history, or this run alone).
    pub alerting: Option<Alerting>,
}
