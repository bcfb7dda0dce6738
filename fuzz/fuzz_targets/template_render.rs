//! Any template against any JSON scope: renders or errors, never panics.
//! Input: template text, a NUL byte, then a JSON object for the scope.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planrun::template::{Scope, Templates};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (source, scope) = text.split_once('\0').unwrap_or((text, "{}"));
    let vars = match serde_json::from_str::<serde_json::Value>(scope) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let mut templates = Templates::new();
    let scope = Scope::new(vars);
    if let Ok(t) = templates.text(source, "fuzz") {
        let _ = templates.render(&t, &scope);
    }
    if let Ok(t) = templates.typed(source, "fuzz") {
        let _ = templates.render_json(&t, &scope);
    }
    let json = serde_json::Value::String(source.to_string());
    if let Ok(v) = templates.value(&json, "fuzz") {
        let _ = templates.render_value(&v, &scope);
    }
});
