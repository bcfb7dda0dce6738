//! Stable step ids: `plan/phase/step`, plus `[item]` for a `for_each` item, each part
//! slugged (`Payments` › `Phase 3: Refunds` › `charge refunded` for item `EUR` is
//! `payments/phase-3-refunds/charge-refunded[eur]`). A plan written with `steps:` (no
//! phases) has no phase part: `payments/charge-refunded`.
//!
//! The id depends only on names in the plan, so it stays the same across runs while the
//! plan is unchanged, and a run can be compared with last week's step by step. Two steps
//! of a run with the same id are rejected when the plans are loaded.

/// Lower-case; letters and digits (any script) kept; every other run of characters
/// one `-`; no `-` at either end. `_` when nothing is left.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_slug(&mut out, text);
    out
}

/// [`slug`] of `text`, written at the end of `out`.
fn push_slug(out: &mut String, text: &str) {
    let start = out.len();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if out.len() > start && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.len() > start && out.ends_with('-') {
        out.pop();
    }
    if out.len() == start {
        out.push('_');
    }
}

/// The id of a step (without a `for_each` item): `plan/phase/step`, or `plan/step`
/// when the phase is the plan itself (a plan written with `steps:`).
pub fn step_id(plan: &str, phase: &str, step: &str) -> String {
    step_id_in(&phase_prefix(plan, phase), step)
}

/// [`step_id`] in two halves, for the steps of one phase: `plan/phase/` (or `plan/`) once,
/// then each step's slug after it.
pub fn phase_prefix(plan: &str, phase: &str) -> String {
    if phase == plan {
        format!("{}/", slug(plan))
    } else {
        format!("{}/{}/", slug(plan), slug(phase))
    }
}

/// The id of the step `step` in the phase whose [`phase_prefix`] is `prefix`.
pub fn step_id_in(prefix: &str, step: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + step.len());
    id.push_str(prefix);
    push_slug(&mut id, step);
    id
}

/// The id of one `for_each` item of a step: `step-id[item]`, `item` being its label
/// as the testcase name shows it (`eur`, `eur #2` for a repeated label).
pub fn item_id(step_id: &str, label: &str) -> String {
    format!("{step_id}[{}]", slug(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_readable_slugs() {
        assert_eq!(
            item_id(
                &step_id("Payments", "Phase 3: Refunds", "charge refunded"),
                "EUR"
            ),
            "payments/phase-3-refunds/charge-refunded[eur]"
        );
        assert_eq!(
            step_id("Items API", "Items API", "read it back"),
            "items-api/read-it-back"
        );
        assert_eq!(slug("  Gmail — status (v2)!  "), "gmail-status-v2");
        assert_eq!(slug("Überprüfung"), "überprüfung");
        assert_eq!(slug("!!!"), "_");
        assert_eq!(item_id("a/b", "openai #2"), "a/b[openai-2]");
    }
}
