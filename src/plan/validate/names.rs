//! The checks of what is written, whatever the variables: plan, phase and step names
//! not empty, a URL with a scheme, `requires_env` names that are environment variable
//! names, and no template where a name is sent as written.

use super::Checker;
use crate::plan::hint::is_env_name;
use crate::plan::resolved::{At, Layer, ResolvedStep};
use crate::template::is_template;
use std::collections::HashSet;

impl<'a> Checker<'a> {
    pub(super) fn names_and_env(&mut self) {
        let plan = self.plan;
        let root = At::new(&plan.src, "");
        if plan.raw.name.trim().is_empty() {
            self.error(
                &root.key("name"),
                "the plan name is empty: give the plan a `name:`".into(),
            );
        }
        for (i, phase) in plan.raw.phases.iter().flatten().enumerate() {
            if phase.name.trim().is_empty() {
                let at = root.key("phases").index(i).key("name");
                self.error(&at, "the phase name is empty: give it a `name:`".into());
            }
        }
        let mut env_lists: Vec<(&[String], &At)> = Vec::new();
        let mut layers_seen: HashSet<(&str, &str)> = HashSet::new();
        // Steps side by side mostly share their layers: those of the step before are
        // in the set already, and comparing is cheaper than hashing.
        let mut before: &[Layer] = &[];
        for rs in &plan.steps {
            for layer in rs.layers.iter() {
                let at = &layer.at;
                let key = (at.src.shown.as_str(), at.path.as_str());
                let known = |l: &Layer| (l.at.src.shown.as_str(), l.at.path.as_str()) == key;
                if !before.iter().any(known) && layers_seen.insert(key) {
                    env_lists.push((&layer.defaults.requires_env, at));
                }
            }
            before = &rs.layers;
            if rs.step.name.trim().is_empty() {
                let msg =
                    "the step name is empty: every step needs a `name:` (the JUnit testcase name)";
                self.error(&rs.at.key("name"), msg.into());
            }
            if let Some(req) = &rs.step.request {
                let at = || rs.at.key("request").key("url");
                if req.url.trim().is_empty() {
                    self.error(&at(), "the request `url` is empty".into());
                } else if let Some(message) = no_scheme(&req.url) {
                    self.error(&at(), message);
                }
            }
            self.templated_keys(rs);
            env_lists.push((&rs.step.requires_env, &rs.at));
        }
        for (names, parent) in env_lists {
            if names.is_empty() {
                continue;
            }
            let list = parent.key("requires_env");
            for (k, name) in names.iter().enumerate() {
                if !is_env_name(name) {
                    let hint = name.to_ascii_uppercase().replace(['-', '.', ' '], "_");
                    self.error(
                        &list.index(k),
                        format!("`{name}` does not look like an environment variable name (A-Z, 0-9 and _, not starting with a digit): did you mean `{hint}`?"),
                    );
                }
            }
        }
    }

    /// Names (header, query, form, multipart, capture, expected header) are sent and
    /// matched as written: a template there would go out as `{{ key }}`.
    fn templated_keys(&mut self, rs: &ResolvedStep) {
        // (name, where its map is written, the keys down to the map, what it names);
        // the place is spelt out only for a name with a template.
        let mut keys: Vec<(&str, &At, &[&str], &str)> = Vec::new();
        for layer in rs.layers.iter() {
            let (d, at) = (&*layer.defaults, &layer.at);
            for k in d.headers.keys() {
                keys.push((k, at, &["headers"], "header name"));
            }
            for k in d.query.keys() {
                keys.push((k, at, &["query"], "query parameter name"));
            }
            for k in d.expect.iter().flat_map(|e| e.headers.keys()) {
                keys.push((k, at, &["expect", "headers"], "header name"));
            }
        }
        let step = &rs.step;
        let at = &rs.at;
        if let Some(req) = &step.request {
            for k in req.headers.keys() {
                keys.push((k, at, &["request", "headers"], "header name"));
            }
            for k in req.query.keys() {
                keys.push((k, at, &["request", "query"], "query parameter name"));
            }
            for k in req.form.iter().flat_map(|f| f.keys()) {
                keys.push((k, at, &["request", "form"], "form field name"));
            }
            for k in req.multipart.iter().flat_map(|f| f.keys()) {
                keys.push((k, at, &["request", "multipart"], "multipart field name"));
            }
        }
        for k in step.expect.headers.keys() {
            keys.push((k, at, &["expect", "headers"], "header name"));
        }
        for k in step.capture.keys() {
            keys.push((k, at, &["capture"], "capture name"));
        }
        for (key, parent, path, what) in keys {
            if is_template(key) {
                let at = path.iter().fold(parent.clone(), |at, k| at.key(k)).key(key);
                self.error(
                    &at,
                    format!("`{key}`: a {what} is used as written, templates in names are not rendered: write the name itself (templates go in values)"),
                );
            }
        }
    }
}

/// Why a URL with no template in front has no scheme, if so: `localhost:3000/x`.
fn no_scheme(url: &str) -> Option<String> {
    let url = url.trim();
    let literal = url.split("{{").next().unwrap_or("");
    if literal.is_empty() || url.contains("://") {
        return None;
    }
    Some(format!(
        "the URL `{url}` has no scheme: write `http://{url}` or `https://{url}` (or start it with a variable such as `{{{{ base_url }}}}`)"
    ))
}
