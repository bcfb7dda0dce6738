//! `proxy:` in planrun.yaml and `defaults`: the HTTP proxy requests go through, as
//! `--proxy` says it for a whole run (which wins over this). Checked when the plan is
//! loaded, so a typo stops the run at its line.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;

/// Where requests go: through a proxy, or straight to the server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProxySetting {
    /// `http://[user:pass@]host:port` (or `https://`); `NO_PROXY` still applies.
    Url(String),
    /// `none`: straight to the server, whatever `HTTP_PROXY` and the others say.
    Direct,
}

impl ProxySetting {
    fn parse(text: &str) -> Result<ProxySetting, String> {
        let text = text.trim();
        if text == "none" {
            return Ok(ProxySetting::Direct);
        }
        let rest = text
            .strip_prefix("http://")
            .or_else(|| text.strip_prefix("https://"));
        // The authority: what comes before any path, after any `user:pass@`.
        let host = rest
            .map(|r| r.split(['/', '?', '#']).next().unwrap_or(""))
            .map(|a| a.rsplit('@').next().unwrap_or(""));
        match host {
            Some(h) if !h.is_empty() && !h.starts_with(':') => Ok(ProxySetting::Url(text.to_string())),
            _ => Err(format!(
                "proxy `{text}` is not an http:// or https:// URL: write it as `http://host:port` (or `none` to go direct)"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for ProxySetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, so the error is raised where the value is (its line and column).
        struct V;
        impl de::Visitor<'_> for V {
            type Value = ProxySetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a proxy URL like `http://proxy.corp:3128`, or `none`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ProxySetting, E> {
                ProxySetting::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl JsonSchema for ProxySetting {
    fn schema_name() -> Cow<'static, str> {
        "ProxySetting".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An HTTP proxy every request goes through (`http://[user:pass@]host:port`; `NO_PROXY` still applies), or `none` to go straight to the servers whatever HTTP_PROXY says. `--proxy` wins over it.",
            "type": "string",
            "anyOf": [{"const": "none"}, {"pattern": "^https?://[^/:?#]"}],
            "examples": ["http://proxy.corp.example:3128", "none"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_or_none() {
        assert_eq!(
            ProxySetting::parse("http://qa:pw@proxy:3128"),
            Ok(ProxySetting::Url("http://qa:pw@proxy:3128".into()))
        );
        assert_eq!(ProxySetting::parse("none"), Ok(ProxySetting::Direct));
        for bad in [
            "proxy:3128",
            "socks5://p:1080",
            "http://",
            "http://:3128",
            "http:///x",
        ] {
            let e = ProxySetting::parse(bad).unwrap_err();
            assert!(e.contains("write it as `http://host:port`"), "{bad}: {e}");
        }
    }
}
