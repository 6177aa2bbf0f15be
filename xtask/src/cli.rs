//! The command line: which xtask command to run, with what options.

use crate::error::{Error, Result};
use crate::suite::TestOptions;

/// The help text, printed by `cargo xtask help` and after a usage error.
pub(crate) const HELP: &str = "\
cargo xtask <command> [options]

Commands:
  test [--skip-miri] [--quick] [--bless]
        Install what the suite needs (rustup targets, nightly with miri and
        rust-src, Debian's prometheus for the scrape tests), then run it,
        stopping at the first failing step:
        fmt, clippy, tests, the no_std build matrix, the nostd-check link
        check, a fuzz smoke run (see fuzz), and Miri. Ends with a table and
        `xtask: N passed, N failed`.
          --skip-miri  leave out Miri (the fuzz smoke still needs nightly)
          --quick      host steps only: fmt, clippy, tests
          --bless      rewrite the firmware QEMU test's expected-output
                       snapshots (tests/tests/snapshots/) instead of
                       comparing with them (same as VITALS_BLESS=1)
  bench [--report-only]
        Every benchmark beside its peers in one run: cargo bench for
        vitals-core (features std,log,critical-section) and vitals-desktop,
        the seed's Python baseline (../shared/anchors/seed_python_bench.py,
        if present), a one-minute footprint run of `vitals monitor` beside
        prometheus-node-exporter and the seed's Python loop, the wasm
        module's size beside console_log and tracing-wasm and its speed in
        headless Chromium, and the firmware footprint; raw output in
        target/bench-results/. Ends by writing BENCHMARKS.md and its
        charts (docs/bench/*.svg).
          --report-only  only write BENCHMARKS.md and the charts from the
                         raw results already in target/
  soak [--minutes N]
        Run the release `vitals monitor` at a 100 ms interval for N minutes
        (default 10), scraping /metrics every second; RSS and open fds go
        to target/soak/soak.csv. Fails on memory or fd growth after
        warm-up, a failed scrape, a lost line or a log sequence gap.
  fuzz [--time N]
        Install cargo-fuzz and nightly, build the fuzz targets in fuzz/
        (wire_decoder, filter_spec, rules_file, ring_ops) and run each for
        N seconds (default 60) from its seeds in fuzz/corpus/<target>/;
        prints executions per target and writes them to
        target/fuzz-results.md. A crash fails with the saved input and the
        command that replays it. `test` runs each for 20 s (fuzz smoke).
  web
        Build the page (vitals-wasm, min-size, wasm-bindgen --target web,
        wasm-opt -Oz) into wasm/www/pkg and serve wasm/www on
        http://127.0.0.1:$XTASK_WEB_PORT/ (default 8080).
  help
        This text.

Environment:
  XTASK_MIRI_TIMEOUT_SECS  Miri's time limit in seconds (default 2700).
  MIRIFLAGS                Extra Miri flags; -Zmiri-disable-isolation is added.
";

/// What `cargo xtask` was asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// `cargo xtask test`.
    Test(TestOptions),
    /// `cargo xtask bench [--report-only]`.
    Bench {
        /// Only write `BENCHMARKS.md` from the raw results already there.
        report_only: bool,
    },
    /// `cargo xtask web`.
    Web,
    /// `cargo xtask soak --minutes N`, in seconds.
    Soak(u64),
    /// `cargo xtask fuzz --time N`: seconds per fuzz target.
    Fuzz(u64),
    /// `cargo xtask help` (or no command).
    Help,
}

/// Reads the arguments after `cargo xtask`.
pub(crate) fn parse<I>(args: I) -> Result<Action>
where
    I: IntoIterator<Item = String>,
{
    let mut args = args.into_iter();
    let Some(command) = args.next() else {
        return Ok(Action::Help);
    };
    let rest: Vec<String> = args.collect();
    match command.as_str() {
        "test" => {
            let mut options = TestOptions::default();
            for arg in &rest {
                match arg.as_str() {
                    "--skip-miri" => options.skip_miri = true,
                    "--quick" => options.quick = true,
                    "--bless" => options.bless = true,
                    other => return Err(unknown_option("test", other)),
                }
            }
            Ok(Action::Test(options))
        }
        "bench" => match rest.first().map(String::as_str) {
            None => Ok(Action::Bench { report_only: false }),
            Some("--report-only") if rest.len() == 1 => Ok(Action::Bench { report_only: true }),
            Some("--report-only") => Err(unknown_option("bench", &rest[1])),
            Some(other) => Err(unknown_option("bench", other)),
        },
        "web" => match rest.first() {
            None => Ok(Action::Web),
            Some(o) => Err(unknown_option("web", o)),
        },
        "soak" => parse_soak(&rest),
        "fuzz" => parse_fuzz(&rest),
        "help" | "--help" | "-h" => Ok(Action::Help),
        other => Err(Error::new(format!(
            "unknown command `{other}`; the commands are test, bench, soak, fuzz, web and help"
        ))),
    }
}

/// `soak [--minutes N]`: N a positive number of minutes (0.5 is 30 s).
fn parse_soak(rest: &[String]) -> Result<Action> {
    match rest {
        [] => Ok(Action::Soak(crate::soak::DEFAULT_MINUTES * 60)),
        [flag, value] if flag == "--minutes" => match value.parse::<f64>() {
            Ok(minutes) if minutes > 0.0 && minutes < 1e6 => {
                Ok(Action::Soak((minutes * 60.0).round() as u64))
            }
            _ => {
                Err(Error::new(format!("`--minutes {value}`: expected a positive number, e.g. --minutes 10")))
            }
        },
        [other, ..] => Err(unknown_option("soak", other)),
    }
}

/// `fuzz [--time N]`: N whole seconds per target, above 0.
fn parse_fuzz(rest: &[String]) -> Result<Action> {
    match rest {
        [] => Ok(Action::Fuzz(crate::fuzz::DEFAULT_SECS)),
        [flag, value] if flag == "--time" => match value.parse::<u64>() {
            Ok(seconds) if seconds > 0 => Ok(Action::Fuzz(seconds)),
            _ => {
                Err(Error::new(format!("`--time {value}`: expected whole seconds above 0, e.g. --time 300")))
            }
        },
        [flag] if flag == "--time" => Err(Error::new("`--time` needs a number of seconds, e.g. --time 300")),
        [other, ..] => Err(unknown_option("fuzz", other)),
    }
}

/// The error for an option `command` does not take.
fn unknown_option(command: &str, option: &str) -> Error {
    Error::new(format!("`cargo xtask {command}` does not take `{option}`; see `cargo xtask help`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Result<Action> {
        parse(words.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn test_takes_its_two_flags_in_any_order() {
        let both = TestOptions { skip_miri: true, quick: true, bless: false };
        assert_eq!(parse_words("test --quick --skip-miri").unwrap(), Action::Test(both));
        assert_eq!(parse_words("test").unwrap(), Action::Test(TestOptions::default()));
    }

    #[test]
    fn help_states_the_real_miri_default() {
        let default = format!("(default {})", crate::suite::MIRI_TIMEOUT_SECS);
        assert!(HELP.contains(&default), "HELP does not say {default}");
    }

    #[test]
    fn no_command_is_help() {
        assert_eq!(parse_words("").unwrap(), Action::Help);
    }

    #[test]
    fn unknown_words_are_errors_that_name_them() {
        let err = parse_words("test --fast").unwrap_err();
        assert!(err.to_string().contains("--fast"), "{err}");
        let err = parse_words("deploy").unwrap_err();
        assert!(err.to_string().contains("deploy"), "{err}");
        assert!(parse_words("bench --all").is_err());
        assert!(parse_words("bench --report-only --all").is_err());
    }

    #[test]
    fn bench_can_only_write_the_report() {
        assert_eq!(parse_words("bench").unwrap(), Action::Bench { report_only: false });
        assert_eq!(parse_words("bench --report-only").unwrap(), Action::Bench { report_only: true });
    }

    #[test]
    fn fuzz_takes_seconds_per_target() {
        assert_eq!(parse_words("fuzz").unwrap(), Action::Fuzz(crate::fuzz::DEFAULT_SECS));
        assert_eq!(parse_words("fuzz --time 300").unwrap(), Action::Fuzz(300));
        for bad in ["fuzz --time", "fuzz --time 0", "fuzz --time 1.5", "fuzz --time -3", "fuzz --minutes 5"] {
            let err = parse_words(bad).unwrap_err();
            assert!(err.to_string().contains(bad.split_whitespace().nth(1).unwrap()), "{bad}: {err}");
        }
        assert!(HELP.contains(&format!("(default {})", crate::fuzz::DEFAULT_SECS)));
        assert!(HELP.contains(&format!("each for {} s", crate::fuzz::SMOKE_SECS)));
    }

    #[test]
    fn soak_takes_minutes() {
        assert_eq!(parse_words("soak").unwrap(), Action::Soak(600));
        assert_eq!(parse_words("soak --minutes 0.5").unwrap(), Action::Soak(30));
        assert!(parse_words("soak --minutes -1").is_err());
        assert!(parse_words("soak --hours 1").is_err());
    }
}
