//! Project automation, run as `cargo xtask <command>` (see `cargo xtask help`).
//!
//! std only, so it builds before anything else is installed; it installs
//! what each command needs, then runs the commands from the workspace root.

mod bench;
mod cli;
mod command;
mod disk;
mod error;
mod firmware;
mod footprint;
mod fuzz;
mod process_tree;
mod report;
mod setup;
mod soak;
mod steps;
mod suite;
mod wasm_peers;
mod web;
mod workspace;

use std::process::ExitCode;

use cli::Action;

/// Parses the command line, runs the command, and exits non-zero if any step
/// failed (2 for a usage error).
fn main() -> ExitCode {
    let action = match cli::parse(std::env::args().skip(1)) {
        Ok(action) => action,
        Err(e) => {
            eprintln!("xtask: {e}\n\n{}", cli::HELP);
            return ExitCode::from(2);
        }
    };
    if matches!(action, Action::Test(_) | Action::Bench { .. }) {
        keep_builds_lean();
    }
    let summary = match action {
        Action::Test(options) => suite::run(options),
        Action::Bench { report_only } => bench::run(report_only),
        Action::Web => web::serve(),
        Action::Soak(seconds) => soak::run(seconds),
        Action::Fuzz(seconds) => fuzz::run(seconds),
        Action::Help => {
            print!("{}", cli::HELP);
            return ExitCode::SUCCESS;
        }
    };
    if summary.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Turns off cargo's incremental compilation for every cargo the run starts,
/// unless the caller chose: its caches (gigabytes under `target/*/incremental`)
/// only speed up the next edit-and-rebuild of a workspace crate, which a
/// suite or bench run is not. Done first, before any thread is started.
fn keep_builds_lean() {
    if std::env::var_os("CARGO_INCREMENTAL").is_none() {
        std::env::set_var("CARGO_INCREMENTAL", "0");
    }
}
