//! The `expect` block: status forms, latency budgets, header/JSON/body checks.

use super::duration::{no_unit, parse_duration, PlanDuration};
use super::jsonpath::JsonPath;
use super::matcher::Expected;
use super::schema::Text;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::{de, Deserialize, Deserializer};
use serde_json::json;
use std::fmt;
use std::time::Duration;

/// Checks on a response; every check is evaluated and every failure reported.
#[derive(Debug, Clone, PartialEq, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Accepted status: a code (`200`), a class (`"2xx"`, quoted) or a list of either.
    #[schemars(example = 200, example = &"2xx", example = json!([200, 204]))]
    pub status: Option<StatusExpect>,
    /// Latency budget: `3s` (fail only) or `{ warn: 1s, fail: 3s }`. Over `warn` the step passes as Slow; over `fail` it fails.
    #[schemars(example = json!({"warn": "1s", "fail": "3s"}), example = &"3s")]
    pub latency: Option<LatencySpec>,
    /// Response header name (case-insensitive) → literal or matcher. Several values are joined with `, `.
    #[serde(default)]
    #[schemars(example = json!({"content-type": {"contains": "application/json"}}))]
    pub headers: IndexMap<String, Expected>,
    /// RFC 9535 JSONPath (starting with `$`) → literal or matcher. A path with wildcards, filters, slices or `..` compares the array of all selected values.
    #[serde(default)]
    #[schemars(example = json!({"$.connected": true, "$.id": {"type": "integer", "gt": 0}}))]
    pub json: IndexMap<JsonPath, Expected>,
    /// The raw response body: a literal (the whole body) or a matcher on its text.
    #[schemars(example = json!({"contains": "ok"}))]
    pub body: Option<Expected>,
    /// A JSON Schema file (relative to the file this is written in) the response body must validate against.
    #[schemars(with = "Option<Text>", example = &"schemas/item.schema.json")]
    pub schema: Option<String>,
    /// The server's certificate (HTTPS): `days_left`, `subject`, `issuer`, `sans`, `not_after`, each a literal or matcher.
    #[schemars(example = json!({"days_left": {"gt": 30}, "sans": {"contains": "api.example.com"}}))]
    pub tls: Option<TlsExpect>,
}

/// `expect.tls`: checks on the certificate the server presented.
#[derive(Debug, Clone, PartialEq, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct TlsExpect {
    /// Whole days until the certificate expires (negative once expired).
    #[schemars(example = json!({"gt": 30}))]
    pub days_left: Option<Expected>,
    /// The subject name, e.g. `CN=api.example.com, O=Example`.
    #[schemars(example = json!({"contains": "CN=api.example.com"}))]
    pub subject: Option<Expected>,
    /// The issuer name.
    #[schemars(example = json!({"contains": "O=Let's Encrypt"}))]
    pub issuer: Option<Expected>,
    /// The subject alternative names (DNS names and IP addresses), a list.
    #[schemars(example = json!({"contains": "api.example.com"}))]
    pub sans: Option<Expected>,
    /// End of validity, RFC 3339 UTC (`2027-01-05T09:00:00Z`).
    #[schemars(example = json!({"matches": "^2027-"}))]
    pub not_after: Option<Expected>,
}

impl TlsExpect {
    /// The keys given, in check order.
    pub fn entries(&self) -> Vec<(&'static str, &Expected)> {
        [
            ("days_left", &self.days_left),
            ("subject", &self.subject),
            ("issuer", &self.issuer),
            ("sans", &self.sans),
            ("not_after", &self.not_after),
        ]
        .into_iter()
        .filter_map(|(k, e)| Some((k, e.as_ref()?)))
        .collect()
    }

    fn entries_mut(&mut self) -> [&mut Option<Expected>; 5] {
        [
            &mut self.days_left,
            &mut self.subject,
            &mut self.issuer,
            &mut self.sans,
            &mut self.not_after,
        ]
    }

    /// `self` (nearer) over `outer`, per key.
    fn merged_over(&self, outer: &TlsExpect) -> TlsExpect {
        let pick = |a: &Option<Expected>, b: &Option<Expected>| a.clone().or_else(|| b.clone());
        TlsExpect {
            days_left: pick(&self.days_left, &outer.days_left),
            subject: pick(&self.subject, &outer.subject),
            issuer: pick(&self.issuer, &outer.issuer),
            sans: pick(&self.sans, &outer.sans),
            not_after: pick(&self.not_after, &outer.not_after),
        }
    }
}

impl std::hash::Hash for JsonPath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.source.hash(state)
    }
}
impl Eq for JsonPath {}

impl Expect {
    /// `self` (nearer) over `outer` (defaults): scalars replace, maps merge per key.
    pub fn merged_over(&self, outer: &Expect) -> Expect {
        // Most steps have no `defaults.expect` above them.
        if outer.is_unset() {
            return self.clone();
        }
        let mut headers = outer.headers.clone();
        for (k, v) in &self.headers {
            headers.shift_remove(k);
            headers.insert(k.clone(), v.clone());
        }
        let mut json = outer.json.clone();
        for (k, v) in &self.json {
            json.insert(k.clone(), v.clone());
        }
        Expect {
            status: self.status.clone().or_else(|| outer.status.clone()),
            latency: self.latency.or(outer.latency),
            headers,
            json,
            body: self.body.clone().or_else(|| outer.body.clone()),
            schema: self.schema.clone().or_else(|| outer.schema.clone()),
            tls: match (&self.tls, &outer.tls) {
                (Some(near), Some(far)) => Some(near.merged_over(far)),
                (near, far) => near.clone().or_else(|| far.clone()),
            },
        }
    }
}

impl Expect {
    /// Nothing expected (no key written).
    fn is_unset(&self) -> bool {
        let Expect {
            status,
            latency,
            headers,
            json,
            body,
            schema,
            tls,
        } = self;
        status.is_none()
            && latency.is_none()
            && headers.is_empty()
            && json.is_empty()
            && body.is_none()
            && schema.is_none()
            && tls.is_none()
    }
}

/// Where an expected value is written below `expect`, spelt out only when needed.
enum Path<'a> {
    Header(&'a str),
    Json(&'a str),
    Body,
    Tls(&'a str),
}

impl Expect {
    /// Every template string in the expected values, with its path below `expect`
    /// (`json.$.id`, `headers.x-id`, `body`), for compiling and checking at load time.
    pub fn template_strings(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        // The path is spelt only for entries holding a template (most hold none).
        let entries = self
            .headers
            .iter()
            .map(|(name, e)| (Path::Header(name), e))
            .chain(
                self.json
                    .iter()
                    .map(|(path, e)| (Path::Json(&path.source), e)),
            )
            .chain(self.body.iter().map(|e| (Path::Body, e)))
            .chain(
                self.tls
                    .iter()
                    .flat_map(TlsExpect::entries)
                    .map(|(k, e)| (Path::Tls(k), e)),
            );
        let mut found = Vec::new();
        for (path, e) in entries {
            e.template_strings(&mut found);
            if found.is_empty() {
                continue;
            }
            let path = match path {
                Path::Header(name) => format!("headers.{name}"),
                Path::Json(source) => format!("json.{source}"),
                Path::Body => "body".to_string(),
                Path::Tls(k) => format!("tls.{k}"),
            };
            out.extend(found.drain(..).map(|s| (path.clone(), s)));
        }
        out
    }

    /// A copy with every template string in the expected values replaced by its value.
    pub fn rendered<E>(
        &self,
        render: &mut dyn FnMut(&str) -> Result<serde_json::Value, E>,
    ) -> Result<Expect, E> {
        let mut out = self.clone();
        for e in out.headers.values_mut() {
            *e = e.rendered(render)?;
        }
        for e in out.json.values_mut() {
            *e = e.rendered(render)?;
        }
        if let Some(e) = &mut out.body {
            *e = e.rendered(render)?;
        }
        if let Some(tls) = &mut out.tls {
            for e in tls.entries_mut().into_iter().flatten() {
                *e = e.rendered(render)?;
            }
        }
        Ok(out)
    }
}

/// One accepted status: an exact code or a class like `2xx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPattern {
    Code(u16),
    Class(u8),
}

impl StatusPattern {
    pub fn accepts(self, status: u16) -> bool {
        match self {
            StatusPattern::Code(c) => c == status,
            StatusPattern::Class(c) => status / 100 == c as u16,
        }
    }

    fn parse(text: &str) -> Result<StatusPattern, String> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        if lower.len() == 3 && lower.ends_with("xx") {
            if let Some(d) = lower.chars().next().and_then(|c| c.to_digit(10)) {
                if (1..=5).contains(&d) {
                    return Ok(StatusPattern::Class(d as u8));
                }
            }
        }
        match t.parse::<u16>() {
            Ok(code) => StatusPattern::code(code as u64),
            Err(_) => Err(format!(
                "invalid status `{text}`: write a code (200), a class (\"2xx\") or a list ([200, 204])"
            )),
        }
    }

    fn code(code: u64) -> Result<StatusPattern, String> {
        if (100..=599).contains(&code) {
            Ok(StatusPattern::Code(code as u16))
        } else {
            Err(format!(
                "invalid status {code}: HTTP status codes are 100 to 599"
            ))
        }
    }
}

impl fmt::Display for StatusPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusPattern::Code(c) => write!(f, "{c}"),
            StatusPattern::Class(c) => write!(f, "{c}xx"),
        }
    }
}

/// `200`, `"2xx"` or `[200, 204]`: any one accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusExpect(pub Vec<StatusPattern>);

impl StatusExpect {
    pub fn accepts(&self, status: u16) -> bool {
        self.0.iter().any(|p| p.accepts(status))
    }
}

impl fmt::Display for StatusExpect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|p| p.to_string()).collect();
        f.write_str(&parts.join(" or "))
    }
}

impl<'de> Deserialize<'de> for StatusExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = StatusExpect;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a status code (200), a class (\"2xx\") or a list ([200, 204])")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StatusExpect, E> {
                StatusPattern::code(v)
                    .map(|p| StatusExpect(vec![p]))
                    .map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StatusExpect, E> {
                self.visit_u64(u64::try_from(v).unwrap_or(0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StatusExpect, E> {
                StatusPattern::parse(v)
                    .map(|p| StatusExpect(vec![p]))
                    .map_err(E::custom)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StatusExpect, A::Error> {
                let mut all = Vec::new();
                while let Some(one) = seq.next_element::<StatusExpect>()? {
                    all.extend(one.0);
                }
                if all.is_empty() {
                    return Err(de::Error::custom(
                        "empty status list: give at least one code",
                    ));
                }
                Ok(StatusExpect(all))
            }
        }
        d.deserialize_any(V)
    }
}

/// `3s` (fail budget only) or `{ warn: 1s, fail: 3s }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LatencySpec {
    pub warn: Option<Duration>,
    pub fail: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LatencyMap {
    warn: Option<PlanDuration>,
    fail: Option<PlanDuration>,
}

impl<'de> Deserialize<'de> for LatencySpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = LatencySpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration (`3s`) or `{ warn: 1s, fail: 3s }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LatencySpec, E> {
                let fail = parse_duration(v).map_err(E::custom)?;
                Ok(LatencySpec {
                    warn: None,
                    fail: Some(fail),
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LatencySpec, E> {
                Err(E::custom(no_unit(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LatencySpec, E> {
                Err(E::custom(no_unit(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LatencySpec, E> {
                Err(E::custom(no_unit(v)))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<LatencySpec, A::Error> {
                let m = LatencyMap::deserialize(MapAccessDeserializer::new(map))?;
                if m.warn.is_none() && m.fail.is_none() {
                    return Err(de::Error::custom(
                        "latency budget needs `warn`, `fail` or both",
                    ));
                }
                if let (Some(w), Some(f)) = (m.warn, m.fail) {
                    if w.0 > f.0 {
                        return Err(de::Error::custom(
                            "latency `warn` must not be greater than `fail`",
                        ));
                    }
                }
                Ok(LatencySpec {
                    warn: m.warn.map(|d| d.0),
                    fail: m.fail.map(|d| d.0),
                })
            }
        }
        d.deserialize_any(V)
    }
}
