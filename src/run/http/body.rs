//! Response bodies: read to the end under the size cap, then decoded by their
//! `Content-Encoding` (gzip, deflate, br, zstd) here rather than inside reqwest, so
//! results keep the encoding and both sizes, a decoded body is capped too, and a
//! body that does not decode is an error naming its encoding.

use super::{show_bytes, Failure};
use crate::results::ErrorKind;
use std::io::Read;

/// What `Accept-Encoding` says unless a step sets it: what browsers and curl send.
pub const DEFAULT_ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// Decodes `wire` by `content_encoding` (a list, applied in order, so decoded in
/// reverse). `None` (no or `identity` encoding): the body as it came.
pub(super) fn decode(
    content_encoding: Option<&str>,
    wire: Vec<u8>,
    cap: usize,
    status: &str,
) -> Result<(Vec<u8>, Option<String>), Failure> {
    let codings: Vec<String> = content_encoding
        .unwrap_or("")
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    if codings.is_empty() {
        return Ok((wire, None));
    }
    let mut body = wire;
    for coding in codings.iter().rev() {
        body = decode_one(coding, &body, cap, status)?;
    }
    Ok((body, Some(codings.join(", "))))
}

fn decode_one(coding: &str, data: &[u8], cap: usize, status: &str) -> Result<Vec<u8>, Failure> {
    let reader: Box<dyn Read + '_> = match coding {
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(data)),
        "deflate" => {
            // RFC 9110 says zlib-wrapped; some servers send raw deflate: accept both.
            if looks_like_zlib(data) {
                Box::new(flate2::read::ZlibDecoder::new(data))
            } else {
                Box::new(flate2::read::DeflateDecoder::new(data))
            }
        }
        "br" => Box::new(brotli::Decompressor::new(data, 8192)),
        "zstd" => match zstd::stream::read::Decoder::with_buffer(data) {
            Ok(d) => Box::new(d),
            Err(e) => return Err(undecodable(coding, &e.to_string())),
        },
        other => {
            return Err(Failure::new(
                ErrorKind::DecodeError,
                format!(
                    "the body is compressed with `{other}`, which planrun cannot decode (gzip, deflate, br and zstd are supported; set `Accept-Encoding` to ask for another)"
                ),
            ))
        }
    };
    let mut out = Vec::new();
    // One byte over the cap tells "over" from "exactly at".
    let mut limited = reader.take(cap as u64 + 1);
    limited
        .read_to_end(&mut out)
        .map_err(|e| undecodable(coding, &e.to_string()))?;
    if out.len() > cap {
        return Err(Failure::new(
            ErrorKind::BodyTooLarge,
            format!(
                "response body over the {} cap once decoded from {coding} ({status}; raise `max_body_size` if this is expected)",
                show_bytes(cap)
            ),
        ));
    }
    Ok(out)
}

fn looks_like_zlib(data: &[u8]) -> bool {
    match data {
        [cmf, flg, ..] => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

fn undecodable(coding: &str, why: &str) -> Failure {
    Failure::new(
        ErrorKind::DecodeError,
        format!("{coding} body could not be decoded: {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn identity_and_absent_are_left_alone() {
        let (body, enc) = decode(Some("identity"), b"x".to_vec(), 10, "200 OK").unwrap();
        assert_eq!((body.as_slice(), enc), (&b"x"[..], None));
    }

    #[test]
    fn stacked_codings_are_undone_in_reverse() {
        let twice = gzip(&gzip(b"hello"));
        let (body, enc) = decode(Some("gzip, gzip"), twice, 100, "200 OK").unwrap();
        assert_eq!(body, b"hello");
        assert_eq!(enc.as_deref(), Some("gzip, gzip"));
    }

    #[test]
    fn a_broken_body_names_its_encoding() {
        let e = decode(Some("gzip"), b"not gzip".to_vec(), 100, "200 OK").unwrap_err();
        assert_eq!(e.kind, ErrorKind::DecodeError);
        assert!(
            e.message.starts_with("gzip body could not be decoded: "),
            "{}",
            e.message
        );
    }

    #[test]
    fn the_cap_applies_to_the_decoded_body() {
        let bomb = gzip(&vec![0u8; 10_000]);
        let e = decode(Some("gzip"), bomb, 1024, "200 OK").unwrap_err();
        assert_eq!(e.kind, ErrorKind::BodyTooLarge);
        assert!(
            e.message
                .contains("1 KiB cap once decoded from gzip (200 OK"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_unknown_coding_says_which() {
        let e = decode(Some("compress"), b"x".to_vec(), 100, "200 OK").unwrap_err();
        assert!(e.message.contains("`compress`"), "{}", e.message);
    }
}
