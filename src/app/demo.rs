//! `planrun demo`: start the bundled target ([`crate::demo`]) and run the bundled plans
//! against it, serve it alone (`--serve`), or write the plans out (`--export`).

use super::load_options;
use super::run::execute;
use crate::cli::{DemoArgs, DemoScenario, LoadArgs};
use crate::demo::crm::{CrmConfig, Scenario};
use crate::demo::{embedded, serve, spawn};
use crate::exit;
use crate::run::RunOptions;

fn scenario(arg: DemoScenario) -> Scenario {
    match arg {
        DemoScenario::Reference => Scenario::Reference,
        DemoScenario::Healthy => Scenario::Healthy,
    }
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
            return exit::INVALID;
        }
    };
    let mut config = CrmConfig::for_scenario(scenario(args.scenario));
    if let Some(delay) = args.calendar_delay {
        config.calendar_delay = delay;
    }
    if let Some(addr) = &args.serve {
        return runtime.block_on(async {
            match serve(addr, config).await {
                Ok(()) => exit::PASSED,
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::INVALID
                }
            }
        });
    }
    let env = demo_env(&config);
    let base_url = match runtime.block_on(spawn("127.0.0.1:0", config)) {
        Ok(addr) => format!("http://{addr}"),
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INVALID;
        }
    };
    say!(
        "demo target (CRM-AI-PRO, scenario {}) listening on {base_url}",
        scenario(args.scenario).as_str()
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
                return exit::INVALID;
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
    let code = execute(&load_opts, opts, &[], &args.output, None);
    drop(runtime);
    if code == exit::INVALID || code == exit::INTERRUPTED {
        return code;
    }
    match scenario(args.scenario) {
        Scenario::Reference => say!(
            "demo complete: failures above are the simulated CRM-AI-PRO's (as on 2025-11-27), not planrun's; try --scenario healthy"
        ),
        Scenario::Healthy => say!("demo complete (scenario healthy)"),
    }
    exit::PASSED
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
            exit::PASSED
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::INVALID
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
