//! The JSON Schema of `results.json` (draft-07), generated from the types of this
//! module so it cannot drift from them. Checked in as `schemas/results.schema.json`.

use super::RunResults;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// The schema of the current results version.
pub fn results_schema() -> Value {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RunResults>()
        .to_value()
}
