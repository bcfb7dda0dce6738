//! A response body as text: decoded by its `Content-Type` charset (or BOM) with
//! encoding_rs; JSON is UTF-8 (RFC 8259). A body that is not text (an image, a
//! zip, bytes with NULs) is binary: reports show a short hex excerpt of it.

use encoding_rs::{Encoding, UTF_8};
use std::borrow::Cow;

/// The body as checks and reports see it. The text borrows the body's bytes when they
/// are already valid UTF-8 (the usual case), so a large body is not held twice.
pub struct BodyText<'a> {
    pub text: Cow<'a, str>,
    /// The charset it was decoded from (`windows-1252`, `GBK`, `UTF-16LE`, …).
    pub charset: &'static str,
    /// Some bytes did not decode and were replaced by U+FFFD.
    pub lossy: bool,
    /// Not text: a binary content type, or bytes no text has (NUL).
    pub binary: bool,
}

/// `Content-Type`'s media type, lower-case, without parameters.
pub fn media_type(content_type: Option<&str>) -> String {
    content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"'))
    })
}

pub fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// Media types that are text whatever their bytes look like.
fn is_textual(media: &str) -> bool {
    media.starts_with("text/")
        || is_json(media)
        || media.ends_with("+xml")
        || matches!(
            media,
            "application/xml"
                | "application/javascript"
                | "application/x-www-form-urlencoded"
                | "application/yaml"
                | "application/x-yaml"
                | "application/x-ndjson"
                | "application/graphql"
        )
}

/// Media types that are never text.
fn is_binary_type(media: &str) -> bool {
    ["image/", "audio/", "video/", "font/"]
        .iter()
        .any(|p| media.starts_with(p))
        && media != "image/svg+xml"
        || matches!(
            media,
            "application/octet-stream"
                | "application/pdf"
                | "application/zip"
                | "application/gzip"
                | "application/x-protobuf"
                | "application/protobuf"
                | "application/wasm"
                | "application/msgpack"
        )
}

pub fn decode<'a>(content_type: Option<&str>, body: &'a [u8]) -> BodyText<'a> {
    let media = media_type(content_type);
    let declared = content_type.and_then(charset_param);
    // JSON is UTF-8 whatever it says; a BOM says more than a header.
    let encoding = match Encoding::for_bom(body) {
        Some((enc, _)) => enc,
        None if is_json(&media) => UTF_8,
        None => declared
            .and_then(|label| Encoding::for_label(label.as_bytes()))
            .unwrap_or(UTF_8),
    };
    let binary = is_binary_type(&media)
        || (!is_textual(&media)
            && encoding == UTF_8
            && (body.contains(&0) || std::str::from_utf8(body).is_err()));
    let (text, used, lossy) = encoding.decode(body);
    BodyText {
        text,
        charset: used.name(),
        lossy,
        binary,
    }
}

/// How a binary body is shown: its type, size and the first bytes in hex.
pub fn binary_excerpt(media: &str, body: &[u8]) -> String {
    const SHOWN: usize = 32;
    let hex: Vec<String> = body
        .iter()
        .take(SHOWN)
        .map(|b| format!("{b:02x}"))
        .collect();
    let more = if body.len() > SHOWN { " …" } else { "" };
    let media = if media.is_empty() {
        "no content type"
    } else {
        media
    };
    format!(
        "[binary body: {media}, {} bytes] {}{more}",
        body.len(),
        hex.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_charset_decodes_the_text() {
        let latin1 = decode(Some("text/plain; charset=ISO-8859-1"), b"caf\xe9");
        assert_eq!(latin1.text, "café");
        assert_eq!(latin1.charset, "windows-1252");
        assert!(!latin1.lossy && !latin1.binary);
        let gbk = decode(Some("text/html;charset=\"gb2312\""), b"\xc4\xe3\xba\xc3");
        assert_eq!(gbk.text, "你好");
        let arabic = decode(
            Some("text/plain; charset=windows-1256"),
            b"\xe3\xd1\xcd\xc8\xc7",
        );
        assert_eq!(arabic.text, "مرحبا");
    }

    #[test]
    fn a_bom_wins_and_json_is_utf8() {
        let utf16 = decode(Some("text/plain"), b"\xff\xfeh\0i\0");
        assert_eq!((utf16.text.as_ref(), utf16.charset), ("hi", "UTF-16LE"));
        let json = decode(Some("application/json; charset=latin1"), "\"é\"".as_bytes());
        assert_eq!(json.text, "\"é\"");
    }

    #[test]
    fn lossy_decoding_is_flagged() {
        let bad = decode(Some("text/plain; charset=utf-8"), b"ok \xff");
        assert!(bad.lossy);
        assert!(!bad.binary, "a declared text type stays text");
    }

    #[test]
    fn binary_bodies_are_recognised_and_shown_in_hex() {
        let png = b"\x89PNG\r\n\x1a\n\0\0";
        assert!(decode(Some("image/png"), png).binary);
        assert!(decode(None, png).binary, "NULs and invalid UTF-8, no type");
        assert!(decode(Some("application/octet-stream"), b"abc").binary);
        assert_eq!(
            binary_excerpt("image/png", png),
            "[binary body: image/png, 10 bytes] 89 50 4e 47 0d 0a 1a 0a 00 00"
        );
    }
}
