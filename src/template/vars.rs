//! The variables of a render, in two layers: the suite's (`env`, `planrun.yaml`,
//! `--var`), made into a template value once per run and shared by every step, under
//! a plan's and a step's own (plan vars, captures, step vars, `item`), which win.
//! Copying a `Vars` copies two pointers; the suite's layer (the whole process
//! environment among it) is never copied or converted again.

use minijinja::value::{Enumerator, Object, Serde, Value as JValue};
use serde_json::{Map, Value};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Vars {
    suite: Arc<SuiteLayer>,
    own: Arc<Map<String, Value>>,
}

#[derive(Debug, Default)]
struct SuiteLayer {
    json: Map<String, Value>,
    /// `json` as a template value, converted once.
    value: JValue,
}

impl Vars {
    /// The suite's variables: the shared layer every plan starts from.
    pub fn suite(vars: Map<String, Value>) -> Vars {
        let value = JValue::from(Serde(&vars));
        Vars {
            suite: Arc::new(SuiteLayer { json: vars, value }),
            own: Arc::default(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.own.get(name).or_else(|| self.suite.json.get(name))
    }

    /// Sets a variable of the plan or step; the suite's layer is left as it is.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) {
        Arc::make_mut(&mut self.own).insert(name.into(), value);
    }

    /// Every variable in one map, own ones winning (for listing, not for rendering).
    pub fn merged(&self) -> Map<String, Value> {
        let mut all = self.suite.json.clone();
        for (k, v) in self.own.iter() {
            all.insert(k.clone(), v.clone());
        }
        all
    }

    /// The template context: the suite's value itself when there is nothing of
    /// the plan's own, a layered lookup otherwise.
    pub(super) fn context(&self) -> JValue {
        if self.own.is_empty() {
            self.suite.value.clone()
        } else {
            JValue::from_object(Layered(self.clone()))
        }
    }
}

impl From<Map<String, Value>> for Vars {
    /// Variables of their own, with no suite layer (tests, `planrun list`).
    fn from(own: Map<String, Value>) -> Vars {
        Vars {
            suite: Arc::default(),
            own: Arc::new(own),
        }
    }
}

/// Looks a name up in the own layer, then the suite's. An own value is converted
/// when a template reads it, so unread variables cost nothing.
#[derive(Debug)]
struct Layered(Vars);

impl Object for Layered {
    fn get_value(self: &Arc<Self>, key: &JValue) -> Option<JValue> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<JValue> {
        if let Some(v) = self.0.own.get(key) {
            return Some(JValue::from(Serde(v)));
        }
        self.0.suite.json.get(key)?;
        self.0.suite.value.get_attr(key).ok()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let own = self.0.own.keys();
        let suite = self
            .0
            .suite
            .json
            .keys()
            .filter(|k| !self.0.own.contains_key(*k));
        Enumerator::Values(own.chain(suite).map(|k| JValue::from(k.as_str())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Scope, Templates};
    use serde_json::json;

    fn suite() -> Vars {
        match json!({"base_url": "http://suite", "env": {"HOME": "/root"}}) {
            Value::Object(m) => Vars::suite(m),
            _ => unreachable!(),
        }
    }

    #[test]
    fn own_variables_win_and_copies_keep_their_own() {
        let plan = suite();
        let mut step = plan.clone();
        step.insert("base_url", json!("http://step"));
        step.insert("id", json!(7));
        let mut t = Templates::new();
        let url = t.text("{{ base_url }}/{{ id }}{{ env.HOME }}").unwrap();
        let rendered = t.render(&url, &Scope::new(step.clone())).unwrap();
        assert_eq!(rendered, "http://step/7/root");
        // The plan's copy never saw the step's variables.
        let err = t.render(&url, &Scope::new(plan.clone())).unwrap_err();
        assert_eq!(err.undefined.as_deref(), Some("id"));
        assert_eq!(plan.get("base_url"), Some(&json!("http://suite")));
        // Typed templates keep the type of an own value; `merged` lists both layers.
        let id = t.typed("{{ id }}").unwrap();
        assert_eq!(
            t.render_json(&id, &Scope::new(step.clone())).unwrap(),
            json!(7)
        );
        let all = step.merged();
        let keys: Vec<&str> = all.keys().map(String::as_str).collect();
        assert_eq!(keys, ["base_url", "env", "id"]);
        assert_eq!(all["base_url"], json!("http://step"));
    }

    #[test]
    fn templates_can_iterate_the_whole_context() {
        let mut step = suite();
        step.insert("id", json!(1));
        let mut t = Templates::new();
        let names = t
            .text("{% for k in ['id', 'base_url'] %}{{ k }} {% endfor %}")
            .unwrap();
        assert_eq!(t.render(&names, &Scope::new(step)).unwrap(), "id base_url ");
    }
}
