//! `cargo xtask test`: installs what the suite needs, then runs it as a list
//! of steps: format, lints, tests, the no_std build matrix, the link check,
//! a fuzz smoke run, and Miri.

use std::path::PathBuf;
use std::time::Duration;

use crate::command::Cmd;
use crate::disk::{self, GIB};
use crate::setup::{apt, rustup};
use crate::steps::{self, Step, Summary};
use crate::workspace;

/// The core crate the suite checks on every target.
const CORE: &str = "vitals-core";

/// Bare-metal and wasm targets the core must build for without `std`.
const NO_STD_TARGETS: &[&str] =
    &["thumbv6m-none-eabi", "thumbv7em-none-eabihf", "riscv32imc-unknown-none-elf", "wasm32-unknown-unknown"];

/// Feature sets built for each no_std target; `""` is no features.
const NO_STD_FEATURE_SETS: &[&str] = &["", "defmt", "critical-section", "log", "log,defmt"];

/// The embedded backend, built for every bare-metal target too.
const EMBEDDED: &str = "vitals-embedded";

/// Feature sets of the embedded backend built for each bare-metal target;
/// `cortex-m` only where the target is an Arm Cortex-M.
const EMBEDDED_FEATURE_SETS: &[&str] = &["", "log", "defmt", "log,defmt"];
const EMBEDDED_CORTEX_M_FEATURE_SETS: &[&str] = &["cortex-m", "cortex-m,log,defmt"];

/// The standalone firmware-shaped crate that proves the core links without `std`.
const LINK_CHECK_DIR: &str = "nostd-check";

/// Cortex-M targets the link check builds for: M3 and M0.
const LINK_CHECK_TARGETS: &[&str] = &["thumbv7m-none-eabi", "thumbv6m-none-eabi"];

/// Every target `rustup` must have for the suite.
const ALL_TARGETS: &[&str] = &[
    "thumbv6m-none-eabi",
    "thumbv7m-none-eabi",
    "thumbv7em-none-eabihf",
    "riscv32imc-unknown-none-elf",
    "wasm32-unknown-unknown",
];

/// Features the workspace tests run with: every real feature of the core.
/// Not `--all-features`, which would also turn on the `max_level_off`
/// ceilings and compile logging out.
const TEST_FEATURES: &str = "vitals-core/std,vitals-core/alloc,vitals-core/log,vitals-core/defmt,\
vitals-core/critical-section,vitals-embedded/log,vitals-embedded/defmt,vitals-embedded/cortex-m";

/// Compile-time ceilings checked by `core/tests/static_ceiling.rs`: (features, profile flag).
const CEILING_CASES: &[(&str, &str)] = &[
    ("max_level_warn", ""),
    ("max_level_off", ""),
    ("max_level_debug,release_max_level_error", "--release"),
];

/// Debian packages the host tests need: `prometheus` gives `/usr/bin/prometheus`
/// and `/usr/bin/promtool`, which `backends/desktop/tests/prometheus_scrape.rs`
/// and `tests/cli.rs` run for real. Installing it starts no service: there is
/// no init system to start one here, and Debian's `policy-rc.d` (where present)
/// refuses it too.
const APT_PACKAGES: &[&str] = &["prometheus"];

/// The host target ThreadSanitizer runs on (`-Zbuild-std` needs it named).
const TSAN_TARGET: &str = "x86_64-unknown-linux-gnu";

/// Features Miri runs the core's tests with.
const MIRI_FEATURES: &str = "log,critical-section,std";

/// Proptest cases per property under Miri, which interprets every instruction.
const MIRI_PROPTEST_CASES: &str = "8";

/// Miri's time limit in seconds unless `XTASK_MIRI_TIMEOUT_SECS` says otherwise.
pub(crate) const MIRI_TIMEOUT_SECS: u64 = 45 * 60;

/// Options of `cargo xtask test`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TestOptions {
    /// `--skip-miri`: leave out the Miri step (and the nightly install).
    pub(crate) skip_miri: bool,
    /// `--quick`: host steps only (format, lints, tests); no cross builds, no Miri.
    pub(crate) quick: bool,
    /// `--bless`: rewrite the firmware QEMU test's snapshots instead of comparing.
    pub(crate) bless: bool,
}

/// Runs the suite and returns what happened to each step.
pub(crate) fn run(options: TestOptions) -> Summary {
    steps::run_all(plan(options))
}

/// The suite as data: every step, in order, with the ones `options` leave out
/// marked skipped.
fn plan(options: TestOptions) -> Vec<Step> {
    let quick = options.quick.then_some("--quick");
    let miri_skip = quick.or(options.skip_miri.then_some("--skip-miri"));
    let needs_targets = quick.is_none();
    let needs_miri = miri_skip.is_none();

    let mut plan = vec![
        Step::new("setup").call(move || {
            println!("{}", disk::report());
            rustup::ensure_components(None, &["rustfmt", "clippy"])?;
            apt::ensure_apt(APT_PACKAGES)?;
            if needs_targets {
                rustup::ensure_targets(ALL_TARGETS)?;
            }
            if needs_miri {
                rustup::ensure_nightly()?;
                rustup::ensure_components(Some(rustup::NIGHTLY), &["miri", "rust-src"])?;
            } else if needs_targets {
                // ThreadSanitizer rebuilds std from source on nightly.
                rustup::ensure_nightly()?;
                rustup::ensure_components(Some(rustup::NIGHTLY), &["rust-src"])?;
            }
            Ok(())
        }),
        Step::new("fmt")
            .run(Cmd::cargo().args(["fmt", "--all", "--", "--check"]))
            .run(link_check_cargo().args(["fmt", "--", "--check"]))
            .run(Cmd::cargo().dir(workspace::root().join("fuzz")).args(["fmt", "--", "--check"])),
        Step::new("clippy (all features)").run(Cmd::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ])),
        Step::new("clippy (core, no features)").run(Cmd::cargo().args([
            "clippy",
            "-p",
            CORE,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        // The wasm cdylib is tested without defmt: defmt's interned-string
        // symbols (JSON names) break the export list of a host cdylib link.
        Step::new("test (workspace, all core features)")
            .run(Cmd::cargo().args([
                "test",
                "--workspace",
                "--exclude",
                "vitals-wasm",
                "--features",
                TEST_FEATURES,
            ]))
            .run(Cmd::cargo().args(["test", "-p", "vitals-wasm"]))
            // The firmware macros formatting through ufmt instead of core::fmt.
            .run(Cmd::cargo().args(["test", "-p", EMBEDDED, "--features", "ufmt", "--test", "ufmt_macros"])),
        Step::new("test (core, no features)").run(Cmd::cargo().args(["test", "-p", CORE])),
    ];
    let mut ceilings = Step::new("test (compile-time ceilings)");
    for (features, profile) in CEILING_CASES {
        let cmd = Cmd::cargo().args(["test", "-p", CORE, "--test", "static_ceiling", "--features", features]);
        ceilings = ceilings.run(if profile.is_empty() { cmd } else { cmd.args([*profile]) });
    }
    plan.push(ceilings);
    for target in NO_STD_TARGETS {
        let mut step = Step::new(format!("no_std {target}")).skip_if(quick);
        for features in NO_STD_FEATURE_SETS {
            let cmd = Cmd::cargo().args(["build", "-p", CORE, "--target", target]);
            step = step.run(if features.is_empty() { cmd } else { cmd.args(["--features", features]) });
        }
        if *target != "wasm32-unknown-unknown" {
            let cortex_m = target.starts_with("thumb");
            let sets = EMBEDDED_FEATURE_SETS
                .iter()
                .chain(EMBEDDED_CORTEX_M_FEATURE_SETS.iter().filter(|_| cortex_m));
            for features in sets {
                let cmd = Cmd::cargo().args(["build", "-p", EMBEDDED, "--target", target]);
                step = step.run(if features.is_empty() { cmd } else { cmd.args(["--features", features]) });
            }
        }
        plan.push(step);
    }
    for target in LINK_CHECK_TARGETS {
        plan.push(
            Step::new(format!("link check {target}"))
                .run(link_check_cargo().args(["build", "--release", "--target", target]))
                .skip_if(quick),
        );
    }
    plan.extend(crate::web::test_steps().into_iter().map(|step| step.skip_if(quick)));
    plan.extend(crate::firmware::test_steps(options.bless).into_iter().map(|step| step.skip_if(quick)));
    plan.push(
        tsan_step().first(|| disk::make_room(LATE_STEP_ROOM, &spent_caches(Late::Tsan))).skip_if(quick),
    );
    plan.push(
        crate::fuzz::smoke_step()
            .first(|| disk::make_room(LATE_STEP_ROOM, &spent_caches(Late::Fuzz)))
            .skip_if(quick),
    );
    plan.push(
        Step::new("miri")
            .call(|| disk::make_room(LATE_STEP_ROOM, &spent_caches(Late::Miri)))
            .run(
                Cmd::cargo()
                    .args(["+nightly", "miri", "test", "-p", CORE, "--features", MIRI_FEATURES])
                    .env("MIRIFLAGS", miri_flags())
                    .env("PROPTEST_CASES", MIRI_PROPTEST_CASES)
                    .timeout(miri_timeout()),
            )
            // The embedded backend's unsafe parts: the reset-surviving ring
            // and stack painting.
            .run(
                Cmd::cargo()
                    .args(["+nightly", "miri", "test", "-p", EMBEDDED])
                    .env("MIRIFLAGS", miri_flags())
                    .env("PROPTEST_CASES", MIRI_PROPTEST_CASES)
                    .timeout(miri_timeout()),
            )
            .skip_if(miri_skip),
    );
    plan
}

/// Room each of the three nightly steps at the end makes before it builds:
/// each writes a cache of its own of 0.5 to 0.8 GiB.
const LATE_STEP_ROOM: u64 = 2 * GIB;

/// The nightly steps at the end of the suite, which build from scratch.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Late {
    Tsan,
    Fuzz,
    Miri,
}

/// Build caches of the steps that have run by the time `step` does, in
/// the order they are removed when the disk is short
/// (`disk::make_room`): the other nightly builds first, then the
/// firmware's and the cross builds, and the host build last.
fn spent_caches(step: Late) -> Vec<PathBuf> {
    let target = workspace::target_dir();
    let mut dirs = Vec::new();
    if step != Late::Tsan {
        dirs.push(tsan_target_dir());
    }
    if step == Late::Miri {
        dirs.extend(crate::fuzz::build_caches());
    }
    dirs.push(crate::firmware::target_dir());
    dirs.push(workspace::root().join(LINK_CHECK_DIR).join("target"));
    dirs.extend(NO_STD_TARGETS.iter().map(|t| target.join(t)));
    dirs.push(target.join("release"));
    dirs.push(target.join("debug"));
    dirs
}

/// ThreadSanitizer's own target directory.
fn tsan_target_dir() -> PathBuf {
    workspace::target_dir().join("tsan")
}

/// The shared ring, the global level filter and the ring logger hammered
/// from many threads (`tests/tests/shared_ring_threads.rs`) under
/// ThreadSanitizer, with std rebuilt instrumented. Its own target directory:
/// the sanitizer flags would otherwise rebuild everything else's cache.
fn tsan_step() -> Step {
    Step::new("thread sanitizer (shared ring)").run(
        Cmd::cargo()
            .args(["+nightly", "test", "-Zbuild-std", "--target", TSAN_TARGET])
            .args(["-p", "vitals-tests", "--test", "shared_ring_threads"])
            .env("RUSTFLAGS", "-Zsanitizer=thread")
            .env("CARGO_TARGET_DIR", tsan_target_dir().display().to_string()),
    )
}

/// `cargo` run from inside the link-check crate, so its own `.cargo/config.toml`
/// and `Cargo.lock` apply (cargo reads config from the working directory).
fn link_check_cargo() -> Cmd {
    Cmd::cargo().dir(workspace::root().join(LINK_CHECK_DIR))
}

/// `MIRIFLAGS` for the suite: the caller's flags plus `-Zmiri-disable-isolation`,
/// which lets tests read the clock and environment.
fn miri_flags() -> String {
    let theirs = std::env::var("MIRIFLAGS").unwrap_or_default();
    format!("{theirs} -Zmiri-disable-isolation").trim().to_owned()
}

/// Miri's time limit: `XTASK_MIRI_TIMEOUT_SECS`, or [`MIRI_TIMEOUT_SECS`].
fn miri_timeout() -> Duration {
    let secs = std::env::var("XTASK_MIRI_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(MIRI_TIMEOUT_SECS);
    Duration::from_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_the_steps_build_for_is_installed_by_setup() {
        for target in NO_STD_TARGETS.iter().chain(LINK_CHECK_TARGETS) {
            assert!(ALL_TARGETS.contains(target), "{target} missing from ALL_TARGETS");
        }
    }

    #[test]
    fn the_full_suite_has_one_step_per_job() {
        // setup, fmt, 2 clippy, 3 test, one per no_std target, one per link check, tsan, fuzz smoke, miri
        let web = crate::web::test_steps().len();
        let firmware = crate::firmware::test_steps(false).len();
        let expected =
            1 + 1 + 2 + 3 + NO_STD_TARGETS.len() + LINK_CHECK_TARGETS.len() + web + firmware + 1 + 1 + 1;
        assert_eq!(plan(TestOptions::default()).len(), expected);
    }
}
