//! Functions every template can call: `uuid()`, `now()`, `timestamp()`,
//! `hmac_sha256(key, msg)`, `sha256(s)`, `md5(s)`, `base64(s)`.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use minijinja::value::Value as JValue;
use minijinja::{Environment, Error, ErrorKind};
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

/// Functions every template can call (registered by [`register`]).
pub const FUNCTIONS: [&str; 7] = [
    "now",
    "timestamp",
    "uuid",
    "hmac_sha256",
    "sha256",
    "base64",
    "md5",
];

/// A function argument as text: strings as they are, other values as they print.
fn text_arg(function: &str, value: &JValue) -> Result<String, Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            format!("{function}() got an undefined value"),
        ));
    }
    Ok(match value.as_str() {
        Some(s) => s.to_string(),
        None if value.is_none() => String::new(),
        None => value.to_string(),
    })
}

/// HMAC-SHA256 of `msg` with `key`, as lower-case hex (webhook signatures).
pub fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    // HMAC accepts keys of any length: this never fails.
    #[allow(clippy::expect_used)]
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Adds [`FUNCTIONS`] to `env`.
pub(super) fn register(env: &mut Environment<'static>) {
    env.add_function(FUNCTIONS[0], || {
        humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
    });
    env.add_function(FUNCTIONS[1], || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    });
    env.add_function(FUNCTIONS[2], || uuid::Uuid::new_v4().to_string());
    env.add_function(FUNCTIONS[3], |key: JValue, msg: JValue| {
        Ok::<_, Error>(hmac_sha256_hex(
            text_arg("hmac_sha256", &key)?.as_bytes(),
            text_arg("hmac_sha256", &msg)?.as_bytes(),
        ))
    });
    env.add_function(FUNCTIONS[4], |s: JValue| {
        Ok::<_, Error>(hex(&Sha256::digest(text_arg("sha256", &s)?.as_bytes())))
    });
    env.add_function(FUNCTIONS[5], |s: JValue| {
        Ok::<_, Error>(BASE64.encode(text_arg("base64", &s)?.as_bytes()))
    });
    env.add_function(FUNCTIONS[6], |s: JValue| {
        Ok::<_, Error>(hex(&md5::Md5::digest(text_arg("md5", &s)?.as_bytes())))
    });
}

#[cfg(test)]
mod md5_tests {
    #[test]
    fn md5_is_the_hex_digest_of_the_text() {
        let mut env = minijinja::Environment::new();
        super::register(&mut env);
        let out = env.render_str("{{ md5('test') }}", ()).unwrap();
        assert_eq!(out, "098f6bcd4621d373cade4e832627b4f6");
    }
}
