//! TLS files a run uses besides the system roots: a CA bundle to trust (`--cacert`,
//! `tls: { ca }`) and a client certificate with its key (`tls: { cert, key }`), read and
//! checked once, when the plans are loaded (or `--cacert` is parsed), so a bad file is
//! a load error naming it, never a failed handshake later. Kept as PEM text: the HTTP
//! client builds its own objects from it.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;

/// A PEM file of one or more CA certificates to trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaFile {
    /// The path as users see it.
    pub shown: String,
    pub pem: Vec<u8>,
}

/// A client certificate (chain) and its private key, for servers that ask for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// `cert.pem + key.pem`, as users see the paths.
    pub shown: String,
    /// The certificate PEM followed by the key PEM.
    pub pem: Vec<u8>,
}

/// What a step's TLS trusts and presents besides the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: Vec<std::sync::Arc<CaFile>>,
    pub identity: Option<std::sync::Arc<ClientIdentity>>,
}

impl TlsFiles {
    pub fn is_empty(&self) -> bool {
        self.ca.is_empty() && self.identity.is_none()
    }

    /// Names what is configured: steps with the same key can share an HTTP client.
    pub fn key(&self) -> String {
        let mut parts: Vec<&str> = self.ca.iter().map(|c| c.shown.as_str()).collect();
        if let Some(id) = &self.identity {
            parts.push("client:");
            parts.push(&id.shown);
        }
        parts.join("|")
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        format!(
            "cannot read {what} {}: {e}",
            crate::plan::discover::display(path)
        )
    })
}

fn certificates(
    pem: &[u8],
    shown: &str,
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{what} {shown} is not valid PEM: {e}"))?;
    if certs.is_empty() {
        return Err(format!(
            "{what} {shown} holds no certificate (expected PEM blocks `-----BEGIN CERTIFICATE-----`)"
        ));
    }
    for (i, der) in certs.iter().enumerate() {
        x509_parser::parse_x509_certificate(der).map_err(|e| {
            format!(
                "{what} {shown}: certificate {} is not a valid X.509 certificate: {e}",
                i + 1
            )
        })?;
    }
    Ok(certs)
}

/// A CA bundle: at least one certificate, each a valid X.509 certificate.
pub fn read_ca(path: &Path) -> Result<CaFile, String> {
    let shown = crate::plan::discover::display(path);
    let pem = read(path, "CA file")?;
    certificates(&pem, &shown, "CA file")?;
    Ok(CaFile { shown, pem })
}

/// A client certificate and its key; the key must be the certificate's.
pub fn read_identity(cert: &Path, key: &Path) -> Result<ClientIdentity, String> {
    let cert_shown = crate::plan::discover::display(cert);
    let key_shown = crate::plan::discover::display(key);
    let cert_pem = read(cert, "client certificate")?;
    let key_pem = read(key, "client key")?;
    let chain = certificates(&cert_pem, &cert_shown, "client certificate")?;
    let private = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
        format!("client key {key_shown} holds no private key in PEM (PKCS#8, RSA or EC): {e}")
    })?;
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    rustls::sign::CertifiedKey::from_der(chain, private, &provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => format!(
            "client key {key_shown} does not belong to the certificate {cert_shown} (their public keys differ)"
        ),
        e => format!("client key {key_shown} cannot be used: {e}"),
    })?;
    let mut pem = cert_pem;
    if !pem.ends_with(b"\n") {
        pem.push(b'\n');
    }
    pem.extend_from_slice(&key_pem);
    Ok(ClientIdentity {
        shown: format!("{cert_shown} + {key_shown}"),
        pem,
    })
}
