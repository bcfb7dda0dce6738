//! What a step sends as written: the request (method, URL, headers, query, one body),
//! its body forms (text, file, multipart parts), credentials and TLS files. Apart from
//! the plan's structure: these are also written in `defaults` and `planrun.yaml`, and
//! several are read by hand for clearer errors.

use crate::plan::schema::{Method, Text};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::{de, Deserialize, Deserializer};
use serde_json::{json, Value};
use std::fmt;

/// What a step sends. One body at most: `json`, `form`, `body` or `multipart`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// HTTP method (default GET).
    #[schemars(with = "Option<Method>", example = &"POST")]
    pub method: Option<String>,
    /// Required. The URL, a template.
    #[schemars(with = "Text", example = &"{{ base_url }}/api/items")]
    pub url: String,
    /// Query parameters (merged over the defaults'); values are templates.
    #[serde(default)]
    #[schemars(example = json!({"page": 2, "q": "{{ term }}"}))]
    pub query: IndexMap<String, Scalar>,
    /// Request headers (merged over the defaults', case-insensitive); values are templates.
    #[serde(default)]
    #[schemars(example = json!({"X-Request-Id": "qa-{{ timestamp() }}"}))]
    pub headers: IndexMap<String, Scalar>,
    /// Any YAML value, sent as JSON (Content-Type set for you), templated recursively. A string that is exactly one `{{ expr }}` keeps its type.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value", example = json!({"name": "widget", "count": "{{ n }}"}))]
    pub json: Option<Value>,
    /// A form, sent `application/x-www-form-urlencoded`; values are templates.
    #[schemars(example = json!({"grant_type": "client_credentials"}))]
    pub form: Option<IndexMap<String, Scalar>>,
    /// A raw body: a template (set `Content-Type` yourself), or `{ file: PATH }` to send a file's bytes as they are (relative to the file the step is written in).
    #[schemars(example = &"<ping/>", example = json!({"file": "data/order.json"}))]
    pub body: Option<RawBody>,
    /// A `multipart/form-data` body: field name → text (a template) or `{ file: PATH }` (relative to the plan file).
    #[schemars(example = json!({"title": "Q3 report", "attachment": {"file": "files/report.csv", "content_type": "text/csv"}}))]
    pub multipart: Option<IndexMap<String, MultipartField>>,
    /// Credentials: `{ basic: { user, password } }`, `{ bearer: TOKEN }` or `{ digest: { user, password } }` (RFC 7616, MD5 or SHA-256); values are templates and masked in every report. Overrides the `auth` of `defaults`; `none` sends none.
    #[schemars(example = json!({"basic": {"user": "qa", "password": "{{ env.API_PASSWORD }}"}}), example = json!({"bearer": "{{ env.API_TOKEN }}"}), example = &"none")]
    pub auth: Option<AuthSetting>,
    /// Follow up to 10 redirects (default false: a 302 is checked, not followed).
    #[schemars(example = true)]
    pub follow_redirects: Option<bool>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A header, query or form value: YAML scalars are sent as their text.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Scalar(s)),
            Value::Number(n) => Ok(Scalar(n.to_string())),
            Value::Bool(b) => Ok(Scalar(b.to_string())),
            Value::Null => Ok(Scalar(String::new())),
            _ => Err(de::Error::custom(
                "expected a string, number or boolean (a list or map cannot be a header, query or form value)",
            )),
        }
    }
}

/// `auth:` credentials, or `none` (no credentials, whatever `defaults` say).
#[derive(Debug, Clone, PartialEq)]
pub enum AuthSetting {
    None,
    Spec(AuthSpec),
}

// The schema of `AuthSetting`, which is read by hand (serde's untagged errors are vague).
/// Credentials: `none`, or one of `basic`, `bearer`, `digest`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum AuthSettingSchema {
    None(NoAuth),
    Spec(AuthSpec),
}

/// `none`: no credentials.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum NoAuth {
    #[serde(rename = "none")]
    None,
}

impl JsonSchema for AuthSetting {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AuthSetting".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        AuthSettingSchema::json_schema(generator)
    }
}

impl<'de> Deserialize<'de> for AuthSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = AuthSetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`none` or one of `{ basic: … }`, `{ bearer: … }`, `{ digest: … }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AuthSetting, E> {
                match v {
                    "none" => Ok(AuthSetting::None),
                    _ => Err(E::custom(format!(
                        "auth `{v}`: write `none`, or one of `basic: {{ user, password }}`, `bearer: TOKEN`, `digest: {{ user, password }}`"
                    ))),
                }
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<AuthSetting, A::Error> {
                AuthSpec::deserialize(MapAccessDeserializer::new(map)).map(AuthSetting::Spec)
            }
        }
        d.deserialize_any(V)
    }
}

/// `auth:` one of `basic`, `bearer`, `digest`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1, "maxProperties" = 1))]
pub struct AuthSpec {
    /// `Authorization: Basic …` from a user and password.
    #[schemars(example = json!({"user": "qa", "password": "{{ env.API_PASSWORD }}"}))]
    pub basic: Option<Credentials>,
    /// `Authorization: Bearer <token>`; a template.
    #[schemars(with = "Option<Text>", example = &"{{ env.API_TOKEN }}")]
    pub bearer: Option<String>,
    /// HTTP Digest (RFC 7616, MD5 or SHA-256, qop `auth`): answered when the server challenges with 401.
    #[schemars(example = json!({"user": "qa", "password": "{{ env.API_PASSWORD }}"}))]
    pub digest: Option<Credentials>,
}

/// `{ user, password }`; both templates.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Required. The user name.
    #[schemars(with = "Text", example = &"qa")]
    pub user: String,
    /// Required. The password (masked in every report).
    #[schemars(with = "Text", example = &"{{ env.API_PASSWORD }}")]
    pub password: String,
}

/// `tls: { ca, cert, key }`: files read when the plans are loaded.
#[derive(Debug, Clone, PartialEq, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct TlsSpec {
    /// A PEM file of CA certificates trusted besides the system roots (a private CA).
    #[schemars(with = "Option<Text>", example = &"certs/internal-ca.pem")]
    pub ca: Option<String>,
    /// A client certificate (PEM, the chain may follow) presented to servers that ask for one (mTLS); needs `key`.
    #[schemars(with = "Option<Text>", example = &"certs/client.pem")]
    pub cert: Option<String>,
    /// The private key of `cert` (PEM: PKCS#8, RSA or EC).
    #[schemars(with = "Option<Text>", example = &"certs/client.key")]
    pub key: Option<String>,
}

/// `body:` text (a template) or a file sent as it is.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawBody {
    #[schemars(with = "Text")]
    Text(String),
    File(BodyFile),
}

/// `body: { file: data/order.json, content_type: application/json }`
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyFile {
    /// Required. Path relative to the file the step is written in; the bytes are sent unchanged (not a template).
    #[schemars(example = &"data/order.json")]
    pub file: String,
    /// Sent as `Content-Type` unless the step sets that header (default: guessed from the extension).
    #[schemars(example = &"application/json")]
    pub content_type: Option<String>,
}

/// One part of a `multipart` body.
#[derive(Debug, Clone, PartialEq)]
pub enum MultipartField {
    /// A text field; a template.
    Text(String),
    /// A file, read when the step is sent.
    File(FilePart),
}

/// `{ file: files/a.png, filename: avatar.png, content_type: image/png }`
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePart {
    /// Path relative to the file the step is written in.
    pub file: String,
    /// The file name sent (default: the file's own name).
    pub filename: Option<String>,
    /// Default: guessed from the extension, else `application/octet-stream`.
    pub content_type: Option<String>,
}

impl<'de> Deserialize<'de> for MultipartField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = MultipartField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text value or `{ file: PATH }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(String::new()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<MultipartField, A::Error> {
                FilePart::deserialize(MapAccessDeserializer::new(map)).map(MultipartField::File)
            }
        }
        d.deserialize_any(V)
    }
}
