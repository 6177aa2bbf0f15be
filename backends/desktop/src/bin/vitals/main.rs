//! `vitals`: watch this machine, log what it does, serve it to Prometheus,
//! and read Vitals dumps from any platform.
//!
//! Exit codes: 0 success; 1 a runtime failure (or, for `decode`, input with
//! damaged spans that were skipped); 2 bad usage or configuration (a bad
//! flag value, an unwritable log path, a bad rules file, a port in use).

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod decode;
mod duration;
mod monitor;
mod snapshot;
mod tui;

/// Vitals: levelled logs and system metrics in one stream.
#[derive(Debug, Parser)]
#[command(name = "vitals", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sample the machine, write metric lines and alerts to a log, show them live.
    Monitor(monitor::Args),
    /// Take one sample and print it.
    Snapshot(snapshot::Args),
    /// Decode a Vitals binary stream (firmware UART capture, page export, dump).
    Decode(decode::Args),
}

/// A failure with the exit code it deserves.
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Bad usage or configuration: exit 2.
    pub(crate) fn usage(message: impl std::fmt::Display) -> Self {
        Failure { code: 2, message: message.to_string() }
    }

    /// A runtime failure: exit 1.
    pub(crate) fn runtime(message: impl std::fmt::Display) -> Self {
        Failure { code: 1, message: message.to_string() }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Monitor(args) => monitor::run(args),
        Command::Snapshot(args) => snapshot::run(&args),
        Command::Decode(args) => decode::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("vitals: {}", failure.message);
            }
            ExitCode::from(failure.code)
        }
    }
}

/// The sampler's minimum spacing of CPU readings, for commands that need two.
pub(crate) fn cpu_settle() -> Duration {
    sysinfo::MINIMUM_CPU_UPDATE_INTERVAL.max(Duration::from_millis(200))
}
