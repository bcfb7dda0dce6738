//! `planrun demo`: a bundled target to run the bundled plans against, no set-up needed.
//! The target is CRM-AI-PRO as simulated by [`crm`], plus the small items API of
//! [`target`] that the README's tour and `plans/example` use, and the [`generic`]
//! endpoints the examples of docs/examples call. docs/demo.md lists every route.

pub mod crm;
pub mod embedded;
pub mod generic;
pub mod target;

use crate::app::{execute, load_options, EXIT_INVALID};
use crate::cli::{DemoArgs, LoadArgs};
use crate::run::RunOptions;
use axum::Router;
use crm::{CrmConfig, Scenario};
use std::net::SocketAddr;

/// Every demo route: CRM-AI-PRO, the example items API and the generic endpoints the
/// examples of docs/examples call.
pub fn router(config: CrmConfig) -> Router {
    crm::router(config)
        .merge(target::router())
        .merge(generic::router())
}

pub fn cmd_demo(args: &DemoArgs) -> i32 {
    if let Some(dir) = &args.export {
        return export(dir);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_INVALID;
        }
    };
    let mut config = CrmConfig::for_scenario(args.scenario);
    if let Some(delay) = args.calendar_delay {
        config.calendar_delay = delay;
    }
    if let Some(addr) = &args.serve {
        return runtime.block_on(async {
            match serve(addr, config).await {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("error: {e}");
                    EXIT_INVALID
                }
            }
        });
    }
    let env = demo_env(&config);
    let base_url = match runtime.block_on(spawn("127.0.0.1:0", config)) {
        Ok(addr) => format!("http://{addr}"),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INVALID;
        }
    };
    say!(
        "demo target (CRM-AI-PRO, scenario {}) listening on {base_url}",
        args.scenario.as_str()
    );
    // Kept until the run is over: the embedded plans, unpacked.
    let unpacked;
    let plans = match &args.plans {
        Some(path) => path.clone(),
        None => match embedded::Unpacked::new() {
            Ok(u) => {
                crate::plan::discover::show_as_current(&u.root);
                unpacked = u;
                unpacked.plans()
            }
            Err(e) => {
                eprintln!("error: cannot unpack the demo plans to a temporary folder: {e}");
                return EXIT_INVALID;
            }
        },
    };
    let load = LoadArgs {
        paths: vec![plans],
        environment: Some(args.environment.clone()),
        vars: vec![("base_url".into(), base_url)],
    };
    let mut load_opts = load_options(&load);
    load_opts.env = env.clone();
    let opts = RunOptions {
        env,
        ..RunOptions::default()
    };
    // The runner builds its own runtime; the target keeps serving on this one's threads.
    let code = execute(&load_opts, opts, &args.output);
    drop(runtime);
    if code == EXIT_INVALID || code == 130 {
        return code;
    }
    match args.scenario {
        Scenario::Reference => say!(
            "demo complete: failures above are the simulated CRM-AI-PRO's (as on 2025-11-27), not planrun's; try --scenario healthy"
        ),
        Scenario::Healthy => say!("demo complete (scenario healthy)"),
    }
    0
}

fn export(dir: &std::path::Path) -> i32 {
    match embedded::export(dir) {
        Ok(files) => {
            for file in &files {
                say!("wrote {}", file.display());
            }
            let plans = dir.join(embedded::PLANS_DIR);
            say!(
                "run them: `planrun demo --plans {}`, or serve the target with `planrun demo --serve 127.0.0.1:3000` and `planrun run {} --env demo`",
                plans.display(),
                plans.display()
            );
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_INVALID
        }
    }
}

/// The process environment plus what the demo target needs: its webhook secrets, and
/// LLM keys when the scenario has them, unless the caller set their own.
fn demo_env(config: &CrmConfig) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = std::env::vars().collect();
    let mut add = |name: &str, value: &str| {
        if !env.iter().any(|(k, _)| k == name) {
            env.push((name.to_string(), value.to_string()));
        }
    };
    add("STRIPE_WEBHOOK_SECRET", &config.stripe_secret);
    add("ELEVENLABS_WEBHOOK_SECRET", &config.elevenlabs_secret);
    if config.llm_keys_configured {
        add("OPENAI_API_KEY", "sk-planrun-demo");
        add("ANTHROPIC_API_KEY", "sk-ant-planrun-demo");
    }
    env
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
