//! `planrun demo`: a bundled target to run the bundled plans against, no set-up needed.

pub mod crm;
pub mod target;

use crate::app::{execute, load_options, EXIT_INVALID};
use crate::cli::{DemoArgs, LoadArgs};
use crate::run::RunOptions;

pub fn cmd_demo(args: &DemoArgs) -> i32 {
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
    if let Some(addr) = &args.serve {
        return runtime.block_on(async {
            match target::serve(addr).await {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("error: {e}");
                    EXIT_INVALID
                }
            }
        });
    }
    let base_url = match runtime.block_on(target::spawn("127.0.0.1:0")) {
        Ok(addr) => format!("http://{addr}"),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INVALID;
        }
    };
    println!("demo target listening on {base_url}");
    let load = LoadArgs {
        paths: vec![args.plans.clone()],
        environment: None,
        vars: vec![("base_url".into(), base_url)],
    };
    // The runner builds its own runtime; the target keeps serving on this one's threads.
    let code = execute(&load_options(&load), RunOptions::default(), &args.output);
    drop(runtime);
    if code == EXIT_INVALID {
        return code;
    }
    println!("demo complete: failures above, if any, are the demo target's simulated faults");
    0
}
