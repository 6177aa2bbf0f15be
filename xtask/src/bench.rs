//! `cargo xtask bench`: the core's criterion benchmarks, then the seed's
//! Python baseline (`logging` + `psutil`) for comparison, with raw outputs
//! kept under `target/bench-results/` (criterion keeps its own under
//! `target/criterion/`).

use std::fs;
use std::path::PathBuf;

use crate::command::Cmd;
use crate::error::Error;
use crate::footprint;
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

/// Runs the benchmarks and returns what happened to each step.
pub(crate) fn run() -> Summary {
    let results = workspace::target_dir().join("bench-results");
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
    let python_cold_out: PathBuf = results.join("psutil-cold.jsonl");
    let rust_out: PathBuf = results.join("cargo-bench.txt");
    let python_out: PathBuf = results.join("seed-python.jsonl");

    let desktop = Cmd::cargo().args(["bench", "-p", "vitals-desktop", "--bench", "desktop"]);
    let desktop_out: PathBuf = results.join("desktop-bench.txt");
    let build_vitals = Cmd::cargo().args(["build", "--release", "-p", "vitals-desktop", "--bin", "vitals"]);
    let vitals_bin = workspace::target_dir().join("release").join("vitals");
    let footprint_out: PathBuf = results.join("footprint.md");

    println!("raw results go to {}", results.display());
    let mut plan = vec![
        Step::new("cargo bench (core)").call(make_dir).call(move || rust.run_tee(&rust_out)),
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
    plan.extend(crate::web::bench_steps());
    let firmware_out: PathBuf = results.join("firmware-footprint.md");
    plan.push(Step::new("footprint: firmware flash/RAM and wire bytes").call(move || {
        let table = crate::firmware::footprint()?;
        print!("{table}");
        std::fs::write(&firmware_out, table)
            .map_err(|e| crate::error::Error::new(format!("{}: {e}", firmware_out.display())))
    }));
    steps::run_all(plan)
}
