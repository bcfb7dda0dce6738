//! HTTP Digest access authentication (RFC 7616): MD5 and SHA-256, qop `auth` (or the
//! RFC 2069 form when the server offers no qop).

use sha2::Digest as _;

/// A `WWW-Authenticate: Digest …` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: Algorithm,
    /// The server offers qop `auth`.
    qop_auth: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Sha256,
}

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }

    fn hash(self, text: &str) -> String {
        let bytes: Vec<u8> = match self {
            Algorithm::Md5 => md5::Md5::digest(text.as_bytes()).to_vec(),
            Algorithm::Sha256 => sha2::Sha256::digest(text.as_bytes()).to_vec(),
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Challenge {
    /// The challenge in a `WWW-Authenticate` value, if it is a Digest one planrun
    /// can answer (MD5 or SHA-256).
    pub fn parse(header: &str) -> Option<Challenge> {
        let rest = header.trim();
        let (scheme, params) = rest.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("digest") {
            return None;
        }
        let params = parse_params(params);
        let get = |k: &str| {
            params
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        let algorithm = match get("algorithm").as_deref().map(str::to_ascii_uppercase) {
            None => Algorithm::Md5,
            Some(a) if a == "MD5" => Algorithm::Md5,
            Some(a) if a == "SHA-256" => Algorithm::Sha256,
            Some(_) => return None,
        };
        let qop_auth = get("qop").is_some_and(|q| q.split(',').any(|x| x.trim() == "auth"));
        Some(Challenge {
            realm: get("realm").unwrap_or_default(),
            nonce: get("nonce")?,
            opaque: get("opaque"),
            algorithm,
            qop_auth,
        })
    }

    /// The `Authorization` value answering this challenge.
    pub fn answer(&self, user: &str, password: &str, method: &str, uri: &str) -> String {
        let cnonce = uuid::Uuid::new_v4().simple().to_string();
        self.answer_with(user, password, method, uri, &cnonce)
    }

    fn answer_with(
        &self,
        user: &str,
        password: &str,
        method: &str,
        uri: &str,
        cnonce: &str,
    ) -> String {
        let h = |s: &str| self.algorithm.hash(s);
        let ha1 = h(&format!("{user}:{}:{password}", self.realm));
        let ha2 = h(&format!("{method}:{uri}"));
        let nc = "00000001";
        let mut out = format!(
            "Digest username=\"{user}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", algorithm={}",
            self.realm,
            self.nonce,
            self.algorithm.name()
        );
        let response = if self.qop_auth {
            out.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
            h(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", self.nonce))
        } else {
            h(&format!("{ha1}:{}:{ha2}", self.nonce))
        };
        out.push_str(&format!(", response=\"{response}\""));
        if let Some(opaque) = &self.opaque {
            out.push_str(&format!(", opaque=\"{opaque}\""));
        }
        out
    }
}

/// `a="x, y", b=z` → pairs; quoted values may hold commas and `\"`.
fn parse_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
        if chars.next().is_none() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ',')).collect();
        }
        out.push((name.trim().to_string(), value.trim().to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 §3.9.1: the worked example, MD5 and SHA-256.
    #[test]
    fn the_rfc_7616_examples() {
        let header = |alg: &str| {
            format!(
                "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm={alg}, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
            )
        };
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let md5 = Challenge::parse(&header("MD5")).unwrap();
        let answer = md5.answer_with("Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce);
        assert!(
            answer.contains("response=\"8ca523f5e9506fed4657c9700eebdbec\""),
            "{answer}"
        );
        let sha = Challenge::parse(&header("SHA-256")).unwrap();
        let answer = sha.answer_with("Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce);
        assert!(
            answer.contains(
                "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""
            ),
            "{answer}"
        );
        assert!(answer.contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""));
    }

    #[test]
    fn other_schemes_and_algorithms_are_not_answered() {
        assert_eq!(Challenge::parse("Basic realm=\"x\""), None);
        assert_eq!(
            Challenge::parse("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"),
            None
        );
    }
}
