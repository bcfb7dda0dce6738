//! The reqwest clients requests go out on: one per TLS and proxy setup (insecure or
//! not, CAs, client certificate, proxy), built on first use and shared by every step
//! with that setup (most runs have one). Redirects, cookies and credentials are handled
//! by the caller, not by the client, so steps can share them. Plain `http://` steps no
//! proxy applies to do not need one ([`super::direct`]): [`Clients::proxy_applies`]
//! says which do.

use super::classify::chain;
use super::{Failure, CONNECT_TIMEOUT};
use crate::plan::proxy::ProxySetting;
use crate::results::ErrorKind;
use crate::tls::TlsFiles;
use reqwest::Client;
use std::collections::HashMap;
use std::sync::Mutex;

pub(super) struct Clients {
    /// `--proxy`: wins over every step's `proxy`; without either, the proxies of the
    /// environment (`HTTP_PROXY`, …).
    cli_proxy: Option<ProxySetting>,
    /// A proxy variable reqwest honours for `http://` URLs is set (`HTTP_PROXY`,
    /// `ALL_PROXY`, either case, whatever its value and `NO_PROXY`: reqwest decides).
    env_proxy_for_http: bool,
    built: Mutex<HashMap<String, Result<Client, String>>>,
}

impl Clients {
    pub(super) fn new(cli_proxy: Option<&str>) -> Clients {
        let env_proxy_for_http = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
            .iter()
            .any(|name| std::env::var_os(name).is_some());
        Clients {
            cli_proxy: cli_proxy.map(|url| ProxySetting::Url(url.to_string())),
            env_proxy_for_http,
            built: Mutex::new(HashMap::new()),
        }
    }

    /// Whether an `http://` request of a step with this `proxy` may go through a
    /// proxy: `--proxy` or the step's proxy URL, else the environment's.
    pub(super) fn proxy_applies(&self, step_proxy: Option<&ProxySetting>) -> bool {
        match self.cli_proxy.as_ref().or(step_proxy) {
            Some(ProxySetting::Url(_)) => true,
            Some(ProxySetting::Direct) => false,
            None => self.env_proxy_for_http,
        }
    }

    /// The client for this setup, built the first time it is asked for.
    pub(super) fn get(
        &self,
        insecure: bool,
        tls: &TlsFiles,
        step_proxy: Option<&ProxySetting>,
    ) -> Result<Client, Failure> {
        let proxy = self.cli_proxy.as_ref().or(step_proxy);
        let key = format!("{insecure}|{}|{proxy:?}", tls.key());
        let mut built = self
            .built
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        built
            .entry(key)
            .or_insert_with(|| build(insecure, tls, proxy))
            .clone()
            .map_err(|e| Failure::new(ErrorKind::ClientError, e))
    }
}

fn build(insecure: bool, tls: &TlsFiles, proxy: Option<&ProxySetting>) -> Result<Client, String> {
    let mut builder = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .tls_danger_accept_invalid_certs(insecure)
        .tls_info(true)
        .user_agent(concat!("planrun/", env!("CARGO_PKG_VERSION")));
    for ca in &tls.ca {
        let certs = reqwest::Certificate::from_pem_bundle(&ca.pem)
            .map_err(|e| format!("cannot use the CA file {}: {}", ca.shown, chain(&e)))?;
        builder = builder.tls_certs_merge(certs);
    }
    if let Some(id) = &tls.identity {
        let identity = reqwest::Identity::from_pem(&id.pem).map_err(|e| {
            format!(
                "cannot use the client certificate {}: {}",
                id.shown,
                chain(&e)
            )
        })?;
        builder = builder.identity(identity);
    }
    // Without a proxy setting, reqwest reads HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and
    // NO_PROXY (either case) itself.
    match proxy {
        Some(ProxySetting::Url(url)) => {
            let proxy = reqwest::Proxy::all(url)
                .map_err(|e| format!("proxy {url}: {}", chain(&e)))?
                .no_proxy(reqwest::NoProxy::from_env());
            builder = builder.proxy(proxy);
        }
        Some(ProxySetting::Direct) => builder = builder.no_proxy(),
        None => {}
    }
    builder
        .build()
        .map_err(|e| format!("cannot start the HTTP client: {}", chain(&e)))
}
