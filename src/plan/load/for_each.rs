//! `for_each`: one step, run once per item with `{{ item }}` in scope. A literal list
//! is expanded here, when the plan is loaded; a template (a list from a capture or a
//! variable) is kept and expanded when the step runs (see `run::step`).

use crate::plan::id::item_id;
use crate::plan::model::{item_labels, ForEach, Step};
use crate::template::TValue;
use serde_json::Value;

pub(crate) enum ForEachSpec {
    /// A list without templates: known now.
    Items(Vec<Value>),
    /// A template, or a list holding templates: known when the step runs.
    Template { list: TValue, source: String },
}

/// The steps `step` stands for: one per literal item (named `name [item]`), or the step
/// itself carrying a list to render when it runs.
pub(crate) fn expand(step: Step, spec: ForEachSpec) -> Vec<Step> {
    match spec {
        ForEachSpec::Items(items) => {
            let labels = item_labels(&items);
            items
                .into_iter()
                .zip(labels)
                .map(|(item, label)| {
                    let mut one = step.clone();
                    one.id = item_id(&step.id, &label);
                    one.name = format!("{} [{label}]", step.base_name);
                    one.flow.item = Some(item);
                    one
                })
                .collect()
        }
        ForEachSpec::Template { list, source } => {
            let mut step = step;
            step.flow.for_each = Some(ForEach { list, source });
            vec![step]
        }
    }
}
