//! What a report says beyond the run itself: what changed since an earlier run, how
//! things trend over the last runs. Computed by the caller from the history (or a
//! baseline file); every writer (Markdown, HTML) renders the same context.

use super::trends::Trends;
use crate::compare::Changes;

#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Against the previous run of the history, or `--baseline`.
    pub changes: Option<Changes>,
    /// Over the last runs of the history, the current one included.
    pub trends: Option<Trends>,
}
