//! `alerting:` of planrun.yaml as written: rules with a selector, thresholds and a
//! window. Deserialized here (a bad percentage or duration is an error at its line);
//! [`crate::plan::load`] checks the rest and turns them into [`crate::alerting`] rules.

use super::duration::PlanDuration;
use super::schema::Text;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer};
use serde_json::json;
use std::borrow::Cow;
use std::fmt;

/// One alerting rule: the steps it watches (any of `category`, `integration`, `tag`,
/// `step`; all given must hold), what it measures and over which runs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = json!({"name": "Email sync failures", "category": "Email", "failure_rate": {"warn": "5%", "critical": "10%"}, "last": 20}))]
pub struct AlertRuleSpec {
    /// Required. How the report names the rule.
    #[schemars(with = "Text", example = &"Payment failures")]
    pub name: String,
    /// Watch the steps of this category.
    #[schemars(with = "Option<Text>", example = &"Payments")]
    pub category: Option<String>,
    /// Watch the steps of this integration.
    #[schemars(with = "Option<Text>", example = &"Stripe Payments")]
    pub integration: Option<String>,
    /// Watch the steps with this tag.
    #[schemars(with = "Option<Text>", example = &"payments")]
    pub tag: Option<String>,
    /// Watch the steps whose id matches this glob (`*` any characters, `?` one).
    #[schemars(with = "Option<Text>", example = &"payments/*")]
    pub step: Option<String>,
    /// Failed and errored steps over the steps sent, as percentages.
    #[schemars(example = json!({"warn": "5%", "critical": "10%"}))]
    pub failure_rate: Option<LevelsSpec<Percent>>,
    /// Median latency thresholds.
    #[schemars(example = json!({"warn": "1s", "critical": "3s"}))]
    pub p50: Option<LevelsSpec<PlanDuration>>,
    /// 90th percentile latency thresholds.
    #[schemars(example = json!({"warn": "2s", "critical": "5s"}))]
    pub p90: Option<LevelsSpec<PlanDuration>>,
    /// 95th percentile latency thresholds.
    #[schemars(example = json!({"warn": "2s", "critical": "5s"}))]
    pub p95: Option<LevelsSpec<PlanDuration>>,
    /// 99th percentile latency thresholds.
    #[schemars(example = json!({"warn": "2s", "critical": "5s"}))]
    pub p99: Option<LevelsSpec<PlanDuration>>,
    /// Over the last N runs, this one included (default 20).
    #[schemars(range(min = 1), example = &20)]
    pub last: Option<u32>,
    /// Over the runs that started within this long before this one (instead of `last`).
    #[schemars(example = &"7d")]
    pub within: Option<PlanDuration>,
}

/// Thresholds: above `warn` is a warning, above `critical` is critical.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelsSpec<T> {
    /// Above this, the rule's state is Warning.
    #[schemars(extend("examples" = ["5%", "2s"]))]
    pub warn: Option<T>,
    /// Above this, the rule's state is Critical.
    #[schemars(extend("examples" = ["10%", "5s"]))]
    pub critical: Option<T>,
}

/// A percentage written with its sign: `5%`, `0.1%`. Holds the fraction (0.05).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percent(pub f64);

fn parse_percent(text: &str) -> Result<Percent, String> {
    let t = text.trim();
    let Some(number) = t.strip_suffix('%') else {
        return Err(format!(
            "invalid percentage `{text}`: write a number and `%`, like `5%` or `0.1%`"
        ));
    };
    let value: f64 = number.trim().parse().map_err(|_| {
        format!("invalid percentage `{text}`: write a number and `%`, like `5%` or `0.1%`")
    })?;
    if !(0.0..=100.0).contains(&value) {
        return Err(format!(
            "invalid percentage `{text}`: a rate is between 0% and 100%"
        ));
    }
    Ok(Percent(value / 100.0))
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a percentage like `5%` or `0.1%`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Percent, E> {
                parse_percent(v).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Percent, E> {
                Err(E::custom(format!(
                    "the percentage `{v}` has no `%`: write `{v}%`"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Percent, E> {
                Err(E::custom(format!(
                    "the percentage `{v}` has no `%`: write `{v}%`"
                )))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Percent, E> {
                Err(E::custom(format!(
                    "the percentage `{v}` has no `%`: write `{v}%`"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A percentage with its sign, from 0% to 100%: `5%`, `0.1%`.",
            "type": "string",
            "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*%\\s*$",
            "examples": ["5%", "0.1%"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_need_their_sign_and_a_range() {
        assert_eq!(parse_percent("5%").unwrap(), Percent(0.05));
        assert_eq!(parse_percent(" 0.1 %").unwrap().0, 0.001);
        assert!(parse_percent("5").unwrap_err().contains("like `5%`"));
        assert!(parse_percent("150%")
            .unwrap_err()
            .contains("between 0% and 100%"));
        assert!(parse_percent("-1%").is_err());
    }
}
