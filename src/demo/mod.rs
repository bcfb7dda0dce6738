//! `planrun demo`: a bundled target to run the bundled plans against, no set-up needed.
//! The target is CRM-AI-PRO as simulated by [`crm`], plus the small items API of
//! [`target`] that the README's tour and `plans/example` use, and the [`generic`]
//! endpoints the examples of docs/examples call. docs/demo.md lists every route.
//! The `planrun demo` command that runs plans against it is `app::demo`: this module
//! knows nothing of the command line.

pub mod crm;
pub mod embedded;
pub mod generic;
pub mod target;

use axum::Router;
use crm::CrmConfig;
use std::net::SocketAddr;

/// Every demo route: CRM-AI-PRO, the example items API and the generic endpoints the
/// examples of docs/examples call.
pub fn router(config: CrmConfig) -> Router {
    crm::router(config)
        .merge(target::router())
        .merge(generic::router())
}

/// Serve every demo route on `addr` in the background; returns the bound address.
pub async fn spawn(addr: &str, config: CrmConfig) -> Result<SocketAddr, String> {
    spawn_router(addr, router(config)).await
}

/// Serve `app` on `addr` in the background; returns the bound address (port 0 picks one).
pub async fn spawn_router(addr: &str, app: Router) -> Result<SocketAddr, String> {
    let (listener, bound) = bind(addr).await?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(bound)
}

/// Serve every demo route on `addr` until interrupted.
pub async fn serve(addr: &str, config: CrmConfig) -> Result<(), String> {
    let (listener, bound) = bind(addr).await?;
    say!(
        "demo target (CRM-AI-PRO, scenario {}) listening on http://{bound} (Ctrl-C to stop)",
        config.scenario.as_str()
    );
    say!(
        "docs/examples run against it: WEBHOOK_SECRET={} planrun run docs/examples --var base_url=http://{bound}",
        generic::WEBHOOK_SECRET
    );
    axum::serve(listener, router(config))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

async fn bind(addr: &str) -> Result<(tokio::net::TcpListener, SocketAddr), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    Ok((listener, bound))
}
