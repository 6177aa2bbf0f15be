//! `cargo xtask fuzz [--time N]`: each cargo-fuzz target in `fuzz/` for N
//! seconds, starting from its committed seeds (`fuzz/corpus/<target>/`) and
//! what earlier runs found (`fuzz/target/corpus/<target>/`), then a table
//! of executions per target, also written to `target/fuzz-results.md`.
//! `cargo xtask test` runs each for [`SMOKE_SECS`] from its seeds alone.
//!
//! A crash fails the target's step with the input libFuzzer saved and the
//! command that replays it.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::rc::Rc;

use crate::command::Cmd;
use crate::error::{Error, Result};
use crate::setup::{cargo_fuzz, rustup};
use crate::steps::{self, Step, Summary};
use crate::workspace;

/// The fuzz targets, `fuzz/fuzz_targets/<name>.rs`.
pub(crate) const TARGETS: &[&str] = &["wire_decoder", "filter_spec", "rules_file", "ring_ops"];

/// Seconds per target for `cargo xtask fuzz` without `--time`.
pub(crate) const DEFAULT_SECS: u64 = 60;

/// Seconds per target for the suite's smoke run: enough to replay the seeds
/// and shake out a fresh, shallow crash.
pub(crate) const SMOKE_SECS: u64 = 20;

/// The fuzz crate, its own workspace.
const FUZZ_DIR: &str = "fuzz";

/// An input slower than this many seconds is a finding (a hang).
const UNIT_TIMEOUT_SECS: u64 = 10;

/// cargo-fuzz flags for building and running alike, so a run never
/// rebuilds. No sanitizer: our crates deny `unsafe` code, so
/// AddressSanitizer would find nothing and only slow the build and every
/// run. Debug assertions and overflow checks on: an overflow is a finding.
const BUILD_FLAGS: &[&str] = &["--sanitizer", "none", "--debug-assertions"];

/// What one target's run did, from libFuzzer's closing statistics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Run {
    /// Inputs executed.
    executions: Option<u64>,
    /// Executions per second.
    per_second: Option<u64>,
    /// New inputs kept for coverage they added.
    new_inputs: Option<u64>,
    /// The input a crash or hang was written to.
    artifact: Option<String>,
}

impl Run {
    /// Reads libFuzzer's output: `-print_final_stats=1` lines, with the
    /// `Done N runs` line as a fallback, and where a crash was saved.
    fn parse(log: &str) -> Run {
        let mut run = Run::default();
        for line in log.lines() {
            let number = |prefix: &str| line.strip_prefix(prefix).and_then(|n| n.trim().parse().ok());
            if let Some(n) = number("stat::number_of_executed_units:") {
                run.executions = Some(n);
            } else if let Some(n) = number("stat::average_exec_per_sec:") {
                run.per_second = Some(n);
            } else if let Some(n) = number("stat::new_units_added:") {
                run.new_inputs = Some(n);
            } else if let Some(rest) = line.strip_prefix("Done ") {
                if run.executions.is_none() {
                    run.executions = rest.split_whitespace().next().and_then(|n| n.parse().ok());
                }
            } else if let Some((_, path)) = line.split_once("Test unit written to ") {
                run.artifact = Some(path.trim().to_owned());
            }
        }
        run
    }

    /// One row of the results table.
    fn row(&self, target: &str, secs: u64, passed: bool) -> String {
        let show = |n: Option<u64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
        let result = match (&self.artifact, passed) {
            (_, true) => "ok".to_owned(),
            (Some(path), false) => format!("FAILED: {path}"),
            (None, false) => "FAILED".to_owned(),
        };
        format!(
            "| {target} | {secs} | {} | {} | {} | {result} |\n",
            show(self.executions),
            show(self.per_second),
            show(self.new_inputs)
        )
    }
}

/// `cargo +nightly fuzz <subcommand> <flags>`, building into the fuzz
/// crate's own target directory whatever `CARGO_TARGET_DIR` says.
fn cargo_fuzz_args(subcommand: &str) -> Vec<String> {
    let mut args = vec![format!("+{}", rustup::NIGHTLY), "fuzz".to_owned(), subcommand.to_owned()];
    args.extend(BUILD_FLAGS.iter().map(|flag| (*flag).to_owned()));
    args
}

/// The fuzz crate's own target directory.
fn fuzz_target_dir() -> PathBuf {
    workspace::root().join(FUZZ_DIR).join("target")
}

/// The fuzz builds' caches, which the suite may clear once the smoke run is
/// done (see `disk::make_room`); the corpus beside them stays.
pub(crate) fn build_caches() -> Vec<PathBuf> {
    let dir = fuzz_target_dir();
    // `cargo fuzz` builds for the host (Linux here), into a folder named after it.
    let host = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    vec![dir.join(host), dir.join("release")]
}

/// Builds every target.
fn build() -> Cmd {
    Cmd::cargo()
        .args(cargo_fuzz_args("build"))
        .env("CARGO_TARGET_DIR", fuzz_target_dir().display().to_string())
}

/// Installs what fuzzing needs: the nightly toolchain and cargo-fuzz.
fn setup() -> Result<()> {
    rustup::ensure_nightly()?;
    cargo_fuzz::ensure()
}

/// Runs `target` for `secs` seconds from its seeds and the inputs in
/// `found`, where new ones go; its output goes to
/// `fuzz/target/logs/<target>.log`, libFuzzer's chatter only there.
/// Returns the statistics and whether it ended without a finding.
fn fuzz(target: &str, secs: u64, found: &Path) -> Result<(Run, bool)> {
    let fuzz_dir = workspace::root().join(FUZZ_DIR);
    let logs = fuzz_target_dir().join("logs");
    for dir in [found, logs.as_path()] {
        fs::create_dir_all(dir)
            .map_err(|e| Error::new(format!("could not create {}: {e}", dir.display())))?;
    }
    // libFuzzer adds new inputs to the first directory only: the committed
    // seeds stay as they are.
    let mut args = cargo_fuzz_args("run");
    args.push(target.to_owned());
    args.push(found.display().to_string());
    let seeds = fuzz_dir.join("corpus").join(target);
    if seeds.is_dir() {
        args.push(seeds.display().to_string());
    }
    args.extend([
        "--".to_owned(),
        format!("-max_total_time={secs}"),
        format!("-timeout={UNIT_TIMEOUT_SECS}"),
        "-print_final_stats=1".to_owned(),
    ]);
    let target_dir = fuzz_target_dir().display().to_string();
    let shown = Cmd::cargo().args(args.clone()).env("CARGO_TARGET_DIR", target_dir.clone());
    let log_path = logs.join(format!("{target}.log"));
    println!("$ {shown} 2> {}", log_path.display());

    let mut child = Command::new("cargo")
        .args(&args)
        .env("CARGO_TARGET_DIR", &target_dir)
        .current_dir(workspace::root())
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new(format!("could not start `{shown}`: {e} (is cargo on PATH?)")))?;
    let mut log = fs::File::create(&log_path)
        .map_err(|e| Error::new(format!("could not create {}: {e}", log_path.display())))?;
    let mut text = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line =
                line.map_err(|e| Error::new(format!("could not read the output of `{shown}`: {e}")))?;
            writeln!(log, "{line}").map_err(|e| Error::new(format!("{}: {e}", log_path.display())))?;
            if !is_progress(&line) {
                eprintln!("{line}");
            }
            text.push_str(&line);
            text.push('\n');
        }
    }
    let status = child.wait().map_err(|e| Error::new(format!("could not wait for `{shown}`: {e}")))?;
    let run = Run::parse(&text);
    println!(
        "fuzz {target}: {} executions in {secs} s ({}/s), {} new inputs",
        run.executions.map_or_else(|| "?".to_owned(), |n| n.to_string()),
        run.per_second.map_or_else(|| "?".to_owned(), |n| n.to_string()),
        run.new_inputs.map_or_else(|| "?".to_owned(), |n| n.to_string()),
    );
    Ok((run, status.success()))
}

/// libFuzzer's chatter, kept in the log only: progress lines (`#123 NEW
/// cov: …`), start-up notes, corpus merging, the recommended dictionary,
/// and the sanitizer hooks a build without a sanitizer lacks.
fn is_progress(line: &str) -> bool {
    ["#", "\"", "INFO: ", "MERGE-", "WARNING: Failed to find function"].iter().any(|p| line.starts_with(p))
}

/// The error for a target that found something.
fn finding(target: &str, run: &Run) -> Error {
    let log = fuzz_target_dir().join("logs").join(format!("{target}.log"));
    match &run.artifact {
        Some(input) => Error::new(format!(
            "fuzz target {target} found a crash or hang, saved as {input}; replay it with \
             `cargo +nightly fuzz run {} {target} {input}` and keep it as a test \
             (core/tests/fuzz_regressions.rs); output in {}",
            BUILD_FLAGS.join(" "),
            log.display()
        )),
        None => Error::new(format!("fuzz target {target} failed; see {}", log.display())),
    }
}

/// The results table in Markdown.
fn report(secs: u64, rows: &str) -> String {
    let mut out = String::new();
    let nightly = Cmd::new("rustc")
        .args([format!("+{}", rustup::NIGHTLY), "--version".to_owned()])
        .probe()
        .unwrap_or_default();
    let _ = writeln!(out, "# Fuzzing\n");
    let _ = writeln!(
        out,
        "`cargo xtask fuzz --time {secs}`: cargo-fuzz {}, {}, `{}`. Seeds from \
         `fuzz/corpus/<target>/`, new inputs kept in `fuzz/target/corpus/<target>/`, \
         output in `fuzz/target/logs/`.\n",
        cargo_fuzz::VERSION,
        nightly.trim(),
        BUILD_FLAGS.join(" ")
    );
    out.push_str("| target | seconds | executions | per second | new inputs | result |\n");
    out.push_str("|---|---:|---:|---:|---:|---|\n");
    out.push_str(rows);
    out
}

/// Runs every target for `secs` seconds and returns what happened.
pub(crate) fn run(secs: u64) -> Summary {
    let results = workspace::target_dir().join("fuzz-results.md");
    let rows = Rc::new(RefCell::new(String::new()));
    let mut plan = vec![Step::new("setup").call(setup), Step::new("build fuzz targets").run(build())];
    for target in TARGETS {
        let rows = Rc::clone(&rows);
        let results = results.clone();
        plan.push(Step::new(format!("fuzz {target} ({secs} s)")).call(move || {
            let (run, passed) = fuzz(target, secs, &found_dir(target))?;
            rows.borrow_mut().push_str(&run.row(target, secs, passed));
            // Written after every target, so a finding still leaves the table.
            write_report(&results, &report(secs, &rows.borrow()))?;
            if passed {
                Ok(())
            } else {
                Err(finding(target, &run))
            }
        }));
    }
    let summary = steps::run_all(plan);
    if !rows.borrow().is_empty() {
        println!("\n{}\n(written to {})", report(secs, &rows.borrow()), results.display());
    }
    summary
}

fn write_report(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)
            .map_err(|e| Error::new(format!("could not create {}: {e}", dir.display())))?;
    }
    fs::write(path, text).map_err(|e| Error::new(format!("could not write {}: {e}", path.display())))
}

/// Where `cargo xtask fuzz` keeps the new inputs it finds, so each run
/// goes on from the last.
fn found_dir(target: &str) -> PathBuf {
    fuzz_target_dir().join("corpus").join(target)
}

/// The suite's step: install, build, and run each target [`SMOKE_SECS`]
/// from its committed seeds only (what earlier runs found can grow to tens
/// of thousands of inputs, whose loading alone would outlast the run).
pub(crate) fn smoke_step() -> Step {
    Step::new("fuzz smoke").call(setup).run(build()).call(|| {
        for target in TARGETS {
            let scratch = fuzz_target_dir().join("smoke-corpus").join(target);
            if scratch.exists() {
                fs::remove_dir_all(&scratch)
                    .map_err(|e| Error::new(format!("could not empty {}: {e}", scratch.display())))?;
            }
            let (run, passed) = fuzz(target, SMOKE_SECS, &scratch)?;
            if !passed {
                return Err(finding(target, &run));
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_a_source_and_seeds() {
        let fuzz = workspace::root().join(FUZZ_DIR);
        for target in TARGETS {
            assert!(fuzz.join("fuzz_targets").join(format!("{target}.rs")).is_file(), "{target}.rs missing");
            let seeds = fuzz.join("corpus").join(target);
            let count = fs::read_dir(&seeds).map(|dir| dir.count()).unwrap_or(0);
            assert!(count > 0, "no seeds in {}", seeds.display());
        }
    }

    #[test]
    fn final_statistics_are_read() {
        let log = "\
#1048576\tpulse  cov: 812 ft: 3120 corp: 410/61Kb exec/s: 34952 rss: 61Mb
#1234567\tDONE   cov: 815 ft: 3131 corp: 412/62Kb lim: 4096 exec/s: 41152 rss: 62Mb
Done 1234567 runs in 30 second(s)
stat::number_of_executed_units: 1234567
stat::average_exec_per_sec:     41152
stat::new_units_added:          95
stat::slowest_unit_time_sec:    0
";
        let run = Run::parse(log);
        assert_eq!(
            run,
            Run {
                executions: Some(1_234_567),
                per_second: Some(41_152),
                new_inputs: Some(95),
                artifact: None
            }
        );
    }

    #[test]
    fn done_line_counts_without_final_stats_and_a_crash_names_its_input() {
        let log = "\
==1234== ERROR: libFuzzer: deadly signal
artifact_prefix='/w/fuzz/artifacts/ring_ops/'; Test unit written to /w/fuzz/artifacts/ring_ops/crash-8cfe21
Done 8717 runs in 3 second(s)
";
        let run = Run::parse(log);
        assert_eq!(run.executions, Some(8717));
        assert_eq!(run.artifact.as_deref(), Some("/w/fuzz/artifacts/ring_ops/crash-8cfe21"));
        assert!(run.row("ring_ops", 20, false).contains("FAILED: /w/fuzz/artifacts/ring_ops/crash-8cfe21"));
    }

    #[test]
    fn progress_stays_in_the_log_and_findings_are_shown() {
        assert!(is_progress("#4096\tpulse  cov: 812 ft: 3120 corp: 410/61Kb exec/s: 2048 rss: 61Mb"));
        assert!(is_progress("\"\\377\\377\" # Uses: 15"));
        assert!(is_progress("INFO: Seed: 897136473"));
        assert!(!is_progress("thread '<unnamed>' panicked at fuzz_targets/ring_ops.rs:105:25:"));
        assert!(!is_progress("stat::number_of_executed_units: 46345"));
    }

    /// The suite's step for real: cargo-fuzz, a nightly build, 80 s of
    /// fuzzing. `cargo test -p xtask -- --ignored fuzz_smoke`.
    #[test]
    #[ignore = "installs cargo-fuzz and nightly, builds and fuzzes for minutes"]
    fn fuzz_smoke_step_passes() {
        assert!(steps::run_all(vec![smoke_step()]).all_passed());
        let scratch = fuzz_target_dir().join("smoke-corpus");
        assert!(TARGETS.iter().all(|t| scratch.join(t).is_dir()));
    }

    #[test]
    fn build_and_run_share_flags_so_running_never_rebuilds() {
        let build = cargo_fuzz_args("build");
        let run = cargo_fuzz_args("run");
        assert_eq!(build[3..], run[3..]);
        assert_eq!(build[..2], ["+nightly", "fuzz"]);
    }
}
