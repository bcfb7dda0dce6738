//! `planrun completions SHELL` and `planrun man`: both generated from the one clap
//! definition in [`crate::cli`], so they list exactly the options planrun accepts.

use crate::cli::Cli;
use crate::exit;
use clap::CommandFactory;
use std::io::Write;

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "planrun", &mut out);
    // A closed stdout (`planrun completions bash | head`) is not an error.
    let _ = std::io::stdout().write_all(&out);
    exit::PASSED
}

pub fn man(subcommand: Option<&str>) -> i32 {
    let mut command = Cli::command();
    command.build();
    let page = match subcommand {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name) else {
                let known: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                eprintln!(
                    "error: no command `{name}`; the pages are: planrun man, or planrun man {}",
                    known.join("|")
                );
                return exit::INVALID;
            };
            // planrun-run(1), as git and cargo name theirs.
            let full = format!("planrun-{name}");
            sub.clone()
                .name(full.clone())
                .bin_name(full)
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut out) {
        eprintln!("error: cannot render the manual page: {e}");
        return exit::INVALID;
    }
    let _ = std::io::stdout().write_all(&out);
    exit::PASSED
}
