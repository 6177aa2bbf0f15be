//! `cargo xtask bench`: every benchmark of the project beside its peers in
//! one run, then the report.
//!
//! In order: the core's criterion benchmarks, the desktop's, the seed's
//! Python baseline (`logging` + `psutil`) and psutil sampled cold, the
//! footprint minute (`vitals monitor` beside `prometheus-node-exporter` and
//! the seed's loop), the wasm module's size and speed, the firmware
//! footprint, and the wasm module's size beside `console_log` and
//! `tracing-wasm` built the same way. Raw outputs are kept under `target/bench-results/`
//! (criterion keeps its own under `target/criterion/`); the last step
//! writes `BENCHMARKS.md` and its charts from them ([`crate::report`]).

use std::fs;
use std::path::PathBuf;

use crate::command::Cmd;
use crate::error::Error;
use crate::footprint;
use crate::report::collect::files;
use crate::report::machine::RunInfo;
use crate::setup::{apt, python};
use crate::steps::{self, Step, Summary};
use crate::workspace;

/// The seed's baseline script, relative to the workspace root.
const SEED_BENCH: &str = "../shared/anchors/seed_python_bench.py";

/// psutil's sample of the seed's four metrics, each taken 200 ms after the
/// last like `sample/sysinfo_full` in the desktop bench (cold caches), so
/// the two compare like for like; the seed script's `sample_psutil` is the
/// same call in a tight loop (warm).
const PSUTIL_COLD: &str = r#"
import json, time, psutil
psutil.cpu_percent(interval=None)
times = []
for _ in range(50):
    time.sleep(0.2)
    t0 = time.perf_counter_ns()
    psutil.cpu_percent(interval=None)
    psutil.virtual_memory().percent
    psutil.disk_usage("/").percent
    psutil.net_io_counters().bytes_sent
    times.append(time.perf_counter_ns() - t0)
times.sort()
print(json.dumps({"case": "sample_psutil_cold", "n": len(times), "ns_per_op": times[len(times) // 2]}))
"#;

/// Features the core is benchmarked with: the bench's `required-features`.
/// Not `--all-features`, which also turns on `max_level_off` and so would
/// time logging calls that are compiled out.
const BENCH_FEATURES: &str = "std,log,critical-section";

/// The last step's name.
const REPORT_STEP: &str = "report: BENCHMARKS.md and docs/bench/*.svg";

/// Runs the benchmarks and the report, or with `report_only` the report
/// alone, and returns what happened to each step.
pub(crate) fn run(report_only: bool) -> Summary {
    if report_only {
        return steps::run_all(vec![Step::new(REPORT_STEP).call(crate::report::write)]);
    }
    let results = crate::report::results_dir();
    let seed = workspace::root().join(SEED_BENCH);
    let seed_missing = (!seed.is_file()).then_some("no ../shared/anchors/seed_python_bench.py");

    let make_dir = {
        let results = results.clone();
        move || {
            fs::create_dir_all(&results)
                .map_err(|e| Error::new(format!("could not create {}: {e}", results.display())))
        }
    };
    let rust = Cmd::cargo().args(["bench", "-p", "vitals-core", "--features", BENCH_FEATURES]);
    let python = Cmd::new("python3").arg(seed.display().to_string());
    let python_cold = Cmd::new("python3").args(["-c", PSUTIL_COLD]);
    let python_cold_out: PathBuf = results.join(files::PSUTIL_COLD);
    let rust_out: PathBuf = results.join(files::CORE_BENCH);
    let python_out: PathBuf = results.join(files::SEED_PYTHON);

    let desktop = Cmd::cargo().args(["bench", "-p", "vitals-desktop", "--bench", "desktop"]);
    let desktop_out: PathBuf = results.join(files::DESKTOP_BENCH);
    let build_vitals = Cmd::cargo().args(["build", "--release", "-p", "vitals-desktop", "--bin", "vitals"]);
    let vitals_bin = workspace::target_dir().join("release").join("vitals");
    let footprint_out: PathBuf = results.join(files::FOOTPRINT_MD);
    let run_info = results.join(files::RUN_INFO);

    println!("raw results go to {}", results.display());
    let mut plan = vec![
        Step::new("cargo bench (core)")
            .call(make_dir)
            .call({
                let run_info = run_info.clone();
                move || RunInfo::record_start(&run_info)
            })
            .call(move || rust.run_tee(&rust_out)),
        Step::new("cargo bench (desktop)").call(move || desktop.run_tee(&desktop_out)),
        Step::new("seed python baseline")
            .call(|| python::ensure_module("psutil", "psutil"))
            .call(move || python.run_tee(&python_out))
            .call(move || python_cold.run_tee(&python_cold_out))
            .skip_if(seed_missing),
        Step::new("footprint: monitor vs node_exporter vs seed loop")
            .call(|| apt::ensure_apt(&["prometheus-node-exporter"]))
            .call(|| python::ensure_module("psutil", "psutil"))
            .run(build_vitals)
            .call(move || footprint::run(&vitals_bin, &footprint_out)),
    ];
    plan.extend(crate::web::bench_steps(&results));
    let firmware_out: PathBuf = results.join(files::FIRMWARE);
    plan.push(Step::new("footprint: firmware flash/RAM and wire bytes").call(move || {
        let table = crate::firmware::footprint()?;
        print!("{table}");
        std::fs::write(&firmware_out, table)
            .map_err(|e| crate::error::Error::new(format!("{}: {e}", firmware_out.display())))
    }));
    // Last of the measurements: it needs crates.io for the peers, and a
    // failure here should cost the report only the peer figures.
    let peers_results = results.clone();
    plan.push(
        Step::new("size (vitals-wasm beside console_log and tracing-wasm)")
            .call(move || crate::wasm_peers::measure(&peers_results)),
    );
    let end = run_info.clone();
    plan.push(Step::new(REPORT_STEP).call(move || RunInfo::record_end(&end)).call(crate::report::write));
    let summary = steps::run_all(plan);
    if !summary.all_passed() {
        // The report step was skipped: write what the run did measure, so
        // its figures are not lost and the gaps are named.
        let _ = RunInfo::record_end(&run_info);
        match crate::report::write() {
            Ok(()) => {
                eprintln!("xtask: BENCHMARKS.md written from this partial run (missing figures are marked)")
            }
            Err(e) => eprintln!("xtask: could not write BENCHMARKS.md from the partial run: {e}"),
        }
    }
    summary
}
