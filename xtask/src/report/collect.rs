//! Reading the raw results back: criterion's estimates, the Python lines,
//! the footprint CSVs, the wasm sizes and speed lines, and the firmware
//! table, each into plain numbers. Anything missing or unreadable is
//! `None`, which the report shows as "not measured in this run".

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use crate::footprint::{SERIES_FILE, SUMMARY_FILE};

/// Raw files under `target/bench-results/`, named once for the bench and the report.
pub(crate) mod files {
    /// `cargo bench -p vitals-core` output (untimed facts are read from it).
    pub(crate) const CORE_BENCH: &str = "cargo-bench.txt";
    /// `cargo bench -p vitals-desktop` output (the sampler's median line).
    pub(crate) const DESKTOP_BENCH: &str = "desktop-bench.txt";
    /// The seed's Python script, one JSON object per line.
    pub(crate) const SEED_PYTHON: &str = "seed-python.jsonl";
    /// psutil sampled cold, one JSON line.
    pub(crate) const PSUTIL_COLD: &str = "psutil-cold.jsonl";
    /// The footprint minute as Markdown (read only when the CSV summary is absent).
    pub(crate) const FOOTPRINT_MD: &str = "footprint.md";
    /// `module,raw_bytes,gzip_bytes`: ours and the peer wasm logging crates.
    pub(crate) const WASM_SIZES: &str = "wasm-sizes.csv";
    /// The wasm speed test's output in headless Chromium.
    pub(crate) const WASM_SPEED_BROWSER: &str = "wasm-speed-browser.txt";
    /// The same test's native ring push.
    pub(crate) const WASM_SPEED_NATIVE: &str = "wasm-speed-native.txt";
    /// The log call in the page's own build (`tests/e2e.rs`).
    pub(crate) const WASM_SPEED_PAGE: &str = "wasm-speed-page.txt";
    /// The firmware footprint tables.
    pub(crate) const FIRMWARE: &str = "firmware-footprint.md";
    /// When the run started and ended, and the machine it ran on.
    pub(crate) const RUN_INFO: &str = "run-info.txt";
}

/// One process in the footprint minute.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Process {
    pub(crate) cpu_percent: Option<f64>,
    pub(crate) peak_rss_kib: Option<f64>,
    /// Median `/metrics` scrape in ms (exporters only).
    pub(crate) scrape_ms: Option<f64>,
}

/// A per-second reading of one process.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reading {
    pub(crate) seconds: f64,
    pub(crate) process: String,
    pub(crate) cpu_percent: Option<f64>,
    pub(crate) rss_kib: Option<f64>,
}

/// A wasm module's size after `wasm-opt -Oz`, and gzipped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct WasmSize {
    pub(crate) raw: f64,
    pub(crate) gzip: f64,
}

/// One firmware target's size probes.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct FirmwareTarget {
    /// Flash and RAM of `size_baseline`, `size_vitals`, `size_vitals_log`.
    pub(crate) probes: BTreeMap<String, (f64, f64)>,
}

/// The wire table of the firmware footprint.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Wire {
    pub(crate) log_record: Option<f64>,
    pub(crate) metric_sample: Option<f64>,
    pub(crate) frame_overhead: Option<f64>,
    pub(crate) defmt_frame: Option<f64>,
}

/// Everything the report can show, each figure as measured or `None`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Results {
    /// Criterion's median per benchmark id (`push/ring_log_40B`), in ns per
    /// iteration divided by the benchmark's element throughput if it has one.
    pub(crate) criterion: BTreeMap<String, f64>,
    /// The seed's Python cases (`log_file`, ...), ns per operation.
    pub(crate) python: BTreeMap<String, f64>,
    /// psutil's four metrics sampled cold, ns.
    pub(crate) psutil_cold_ns: Option<f64>,
    /// Ring bytes per metric sample and samples held in 2 KiB.
    pub(crate) ring_bytes_per_sample: Option<(f64, f64)>,
    /// The desktop sampler's median full sample, ns.
    pub(crate) sysinfo_sample_ns: Option<f64>,
    /// The footprint minute, by process name.
    pub(crate) footprint: BTreeMap<String, Process>,
    /// The footprint minute second by second.
    pub(crate) footprint_series: Vec<Reading>,
    /// wasm module sizes by module name (`vitals-wasm`, `console_log`, ...).
    pub(crate) wasm_sizes: BTreeMap<String, WasmSize>,
    /// A `log` call from JavaScript, ns: into the release build the
    /// tests link, and into the page's own `min-size` build.
    pub(crate) js_log_call_ns: Option<f64>,
    pub(crate) page_log_call_ns: Option<f64>,
    /// Ring push inside wasm and natively, ns.
    pub(crate) wasm_push_ns: Option<f64>,
    pub(crate) native_push_ns: Option<f64>,
    /// Firmware probes by target triple.
    pub(crate) firmware: BTreeMap<String, FirmwareTarget>,
    pub(crate) wire: Wire,
    /// Raw files left out because they predate the run.
    pub(crate) stale: Vec<String>,
}

impl Results {
    /// Reads `results` (`target/bench-results`) and `criterion`
    /// (`target/criterion`); files last written before `since` are left
    /// out (and listed in `stale`), so a partial run does not pass off an
    /// older run's figures as its own.
    pub(crate) fn read(results: &Path, criterion: &Path, since: Option<SystemTime>) -> Self {
        let mut found = Results::default();
        let mut read = |name: &str| -> Option<String> {
            let path = results.join(name);
            let text = fs::read_to_string(&path).ok()?;
            if is_stale(&path, since) {
                found.stale.push(format!("target/bench-results/{name}"));
                return None;
            }
            Some(text)
        };
        let core = read(files::CORE_BENCH);
        let desktop = read(files::DESKTOP_BENCH);
        let python = read(files::SEED_PYTHON);
        let cold = read(files::PSUTIL_COLD);
        let summary = read(SUMMARY_FILE);
        let footprint_md = read(files::FOOTPRINT_MD);
        let series = read(SERIES_FILE);
        let sizes = read(files::WASM_SIZES);
        let browser = read(files::WASM_SPEED_BROWSER);
        let native = read(files::WASM_SPEED_NATIVE);
        let page = read(files::WASM_SPEED_PAGE);
        let firmware = read(files::FIRMWARE);

        found.ring_bytes_per_sample = core.as_deref().and_then(ring_density);
        found.sysinfo_sample_ns =
            desktop.as_deref().and_then(|t| line_field(t, "sample/sysinfo_full", "median_ns"));
        found.python = python.as_deref().map(python_cases).unwrap_or_default();
        found.psutil_cold_ns =
            cold.as_deref().map(python_cases).and_then(|c| c.get("sample_psutil_cold").copied());
        found.footprint = match (summary, footprint_md) {
            (Some(csv), _) => footprint_summary(&csv),
            (None, Some(md)) => footprint_markdown(&md),
            (None, None) => BTreeMap::new(),
        };
        found.footprint_series = series.as_deref().map(footprint_series).unwrap_or_default();
        found.wasm_sizes = sizes.as_deref().map(wasm_sizes).unwrap_or_default();
        found.js_log_call_ns = browser.as_deref().and_then(|t| ns_median(t, "log call from JavaScript:"));
        found.wasm_push_ns = browser.as_deref().and_then(|t| ns_median(t, "ring push, wasm:"));
        found.native_push_ns = native.as_deref().and_then(|t| ns_median(t, "ring push, native:"));
        found.page_log_call_ns =
            page.as_deref().and_then(|t| ns_median(t, "log call from JavaScript, page build:"));
        if let Some(md) = firmware {
            found.firmware = firmware_targets(&md);
            found.wire = wire(&md);
        }
        found.criterion = criterion_medians(criterion, since, &mut found.stale);
        found
    }

    /// A criterion median by id, ns.
    pub(crate) fn bench(&self, id: &str) -> Option<f64> {
        self.criterion.get(id).copied()
    }

    /// A Python case, ns.
    pub(crate) fn python(&self, case: &str) -> Option<f64> {
        self.python.get(case).copied()
    }
}

/// True when `path` was last written before `since`.
fn is_stale(path: &Path, since: Option<SystemTime>) -> bool {
    let Some(since) = since else { return false };
    fs::metadata(path).and_then(|m| m.modified()).is_ok_and(|modified| modified < since)
}

/// Every `<id>/new/estimates.json` under `dir`: the median's point
/// estimate, per element when `benchmark.json` declares an element throughput.
fn criterion_medians(
    dir: &Path,
    since: Option<SystemTime>,
    stale: &mut Vec<String>,
) -> BTreeMap<String, f64> {
    let mut medians = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() || path.file_name().is_some_and(|n| n == "report") {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                let estimates = path.join("estimates.json");
                let Ok(text) = fs::read_to_string(&estimates) else { continue };
                let Some(id) = folder.strip_prefix(dir).ok().map(|p| p.display().to_string()) else {
                    continue;
                };
                if is_stale(&estimates, since) {
                    stale.push(format!("criterion {id}"));
                    continue;
                }
                let elements = fs::read_to_string(path.join("benchmark.json"))
                    .ok()
                    .and_then(|b| json_number(&b, "Elements"))
                    .filter(|n| *n > 0.0)
                    .unwrap_or(1.0);
                if let Some(median) = median_estimate(&text) {
                    medians.insert(id, median / elements);
                }
            } else {
                pending.push(path);
            }
        }
    }
    medians
}

/// The number after `"key":` in a JSON text (the first occurrence).
pub(crate) fn json_number(json: &str, key: &str) -> Option<f64> {
    let quoted = format!("\"{key}\"");
    let after = &json[json.find(&quoted)? + quoted.len()..];
    let after = after.trim_start().strip_prefix(':')?.trim_start();
    let end = after.find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c))).unwrap_or(after.len());
    after[..end].parse().ok().filter(|v: &f64| v.is_finite())
}

/// `median.point_estimate` of a criterion `estimates.json`.
pub(crate) fn median_estimate(json: &str) -> Option<f64> {
    let median = &json[json.find("\"median\"")?..];
    json_number(median, "point_estimate")
}

/// The seed's JSON lines: `case` → `ns_per_op` (lines without one, such as
/// a skipped case, are left out).
pub(crate) fn python_cases(jsonl: &str) -> BTreeMap<String, f64> {
    jsonl
        .lines()
        .filter_map(|line| {
            let after = &line[line.find("\"case\"")? + 6..];
            let name = after.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
            let name = &name[..name.find('"')?];
            Some((name.to_owned(), json_number(line, "ns_per_op")?))
        })
        .collect()
}

/// `key=value` on the line that starts with `prefix`.
pub(crate) fn line_field(text: &str, prefix: &str, key: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.starts_with(prefix))?;
    line.split_whitespace().find_map(|word| word.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

/// `ring_bytes_per_metric_sample=9.7 samples_held=212 ...`.
fn ring_density(text: &str) -> Option<(f64, f64)> {
    let prefix = "ring_bytes_per_metric_sample";
    Some((line_field(text, prefix, prefix)?, line_field(text, prefix, "samples_held")?))
}

/// The median of the numbers before ` ns` after `marker` (`ring push,
/// wasm: 30.5 ns (...)`) on every line that has it: one line per run of a
/// speed test; the lower middle one of an even count.
pub(crate) fn ns_median(text: &str, marker: &str) -> Option<f64> {
    let mut values: Vec<f64> = text.lines().filter_map(|line| ns_on(line, marker)).collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len().checked_sub(1)? / 2).copied()
}

/// The number before ` ns` after `marker` on `line`.
fn ns_on(line: &str, marker: &str) -> Option<f64> {
    let after = &line[line.find(marker)? + marker.len()..];
    let value = after.split_whitespace().next()?;
    after.split_whitespace().nth(1).filter(|unit| *unit == "ns")?;
    value.parse().ok()
}

/// `footprint-summary.csv`.
pub(crate) fn footprint_summary(csv: &str) -> BTreeMap<String, Process> {
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let number = |i: usize| cells.get(i).and_then(|c| c.trim().parse::<f64>().ok());
            let name = cells.first()?.trim();
            (!name.is_empty()).then(|| {
                let process =
                    Process { cpu_percent: number(1), peak_rss_kib: number(2), scrape_ms: number(3) };
                (name.to_owned(), process)
            })
        })
        .collect()
}

/// `footprint.md` as the footprint run has written it (before the CSV summary existed).
pub(crate) fn footprint_markdown(md: &str) -> BTreeMap<String, Process> {
    let mut found: BTreeMap<String, Process> = BTreeMap::new();
    for line in md.lines().filter(|l| l.starts_with("| ") && !l.starts_with("|---")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        match cells.as_slice() {
            [name, cpu, rss] if rss.ends_with("MiB") => {
                let process = found.entry((*name).to_owned()).or_default();
                process.cpu_percent = cpu.parse().ok();
                process.peak_rss_kib =
                    rss.trim_end_matches("MiB").trim().parse::<f64>().ok().map(|m| m * 1024.0);
            }
            [name, time] if time.ends_with(" ms") => {
                let name = if name.starts_with("vitals") { "vitals monitor" } else { "node_exporter" };
                found.entry(name.to_owned()).or_default().scrape_ms =
                    time.trim_end_matches(" ms").parse().ok();
            }
            _ => {}
        }
    }
    found
}

/// `footprint.csv`: `seconds,process,cpu_percent,rss_kib`.
pub(crate) fn footprint_series(csv: &str) -> Vec<Reading> {
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            Some(Reading {
                seconds: cells.first()?.parse().ok()?,
                process: (*cells.get(1)?).to_owned(),
                cpu_percent: cells.get(2).and_then(|c| c.parse().ok()),
                rss_kib: cells.get(3).and_then(|c| c.parse().ok()),
            })
        })
        .collect()
}

/// `wasm-sizes.csv`: `module,raw_bytes,gzip_bytes`.
pub(crate) fn wasm_sizes(csv: &str) -> BTreeMap<String, WasmSize> {
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let size = WasmSize { raw: cells.get(1)?.parse().ok()?, gzip: cells.get(2)?.parse().ok()? };
            Some(((*cells.first()?).to_owned(), size))
        })
        .collect()
}

/// The cells of a Markdown table row, trimmed, backticks removed.
fn cells(line: &str) -> Vec<String> {
    line.trim().trim_matches('|').split('|').map(|c| c.trim().replace('`', "")).collect()
}

/// The leading number of a cell (`12828 (over 4096)` → 12828).
fn leading_number(cell: &str) -> Option<f64> {
    cell.split_whitespace().next()?.parse().ok()
}

/// The size tables of `firmware-footprint.md`: under each `### <target>`,
/// rows `| probe | .text | .rodata | .data | .bss | flash | RAM | ... |`.
pub(crate) fn firmware_targets(md: &str) -> BTreeMap<String, FirmwareTarget> {
    let mut targets: BTreeMap<String, FirmwareTarget> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in md.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            let name = heading.trim();
            current = (!name.contains(' ')).then(|| name.to_owned());
            continue;
        }
        let Some(target) = &current else { continue };
        if !line.starts_with("| `size_") {
            continue;
        }
        let row = cells(line);
        if let (Some(flash), Some(ram)) =
            (row.get(5).and_then(|c| leading_number(c)), row.get(6).and_then(|c| leading_number(c)))
        {
            targets.entry(target.clone()).or_default().probes.insert(row[0].clone(), (flash, ram));
        }
    }
    targets
}

/// The wire table of `firmware-footprint.md`: the mean column of its rows.
pub(crate) fn wire(md: &str) -> Wire {
    let mean_of = |starts: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {starts}")))
            .and_then(|l| cells(l).last().and_then(|c| leading_number(c)))
    };
    Wire {
        log_record: mean_of("Vitals log record"),
        metric_sample: mean_of("Vitals metric sample"),
        frame_overhead: mean_of("Vitals frame overhead"),
        defmt_frame: mean_of("defmt frame"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criterion_median_is_the_median_not_the_mean() {
        let json = r#"{"mean":{"confidence_interval":{"lower_bound":26.0},"point_estimate":26.47},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":25.6,"upper_bound":25.8},"point_estimate":25.725,"standard_error":0.048},"slope":null}"#;
        assert_eq!(median_estimate(json), Some(25.725));
        assert_eq!(median_estimate(r#"{"mean":{"point_estimate":1.0}}"#), None);
        assert_eq!(json_number(r#"{"throughput":{"Elements":1000}}"#, "Elements"), Some(1000.0));
        assert_eq!(json_number(r#"{"x": 1.5e-3}"#, "x"), Some(0.0015));
        assert_eq!(json_number(r#"{"x": null}"#, "x"), None);
    }

    #[test]
    fn criterion_folders_are_read_per_element() {
        let dir = std::env::temp_dir().join(format!("xtask-report-criterion-{}", std::process::id()));
        let new = dir.join("read/iterate_per_entry/1000/new");
        fs::create_dir_all(&new).unwrap();
        fs::write(new.join("estimates.json"), r#"{"median":{"point_estimate":24432.0}}"#).unwrap();
        fs::write(new.join("benchmark.json"), r#"{"throughput":{"Elements":1000}}"#).unwrap();
        let plain = dir.join("push/ring_log_40B/new");
        fs::create_dir_all(&plain).unwrap();
        fs::write(plain.join("estimates.json"), r#"{"median":{"point_estimate":25.8}}"#).unwrap();
        let mut stale = Vec::new();
        let medians = criterion_medians(&dir, None, &mut stale);
        assert_eq!(medians.get("read/iterate_per_entry/1000"), Some(&24.432));
        assert_eq!(medians.get("push/ring_log_40B"), Some(&25.8));
        let future = SystemTime::now() + std::time::Duration::from_secs(3600);
        assert!(criterion_medians(&dir, Some(future), &mut stale).is_empty());
        assert_eq!(stale.len(), 2, "{stale:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn python_lines_skip_cases_without_a_figure() {
        let jsonl = "{\"case\": \"log_file\", \"n\": 200000, \"ns_per_op\": 9399.9}\n\
                     {\"case\": \"sample_psutil\", \"skipped\": \"psutil not installed\"}\n\
                     not json\n";
        let cases = python_cases(jsonl);
        assert_eq!(cases.get("log_file"), Some(&9399.9));
        assert_eq!(cases.len(), 1);
    }

    #[test]
    fn bench_output_lines_give_their_fields() {
        let text = "noise\nring_bytes_per_metric_sample=9.7 samples_held=212 ring_bytes=2048\n\
                    sample/sysinfo_full median_ns=111706 min_ns=106588\n";
        assert_eq!(ring_density(text), Some((9.7, 212.0)));
        assert_eq!(line_field(text, "sample/sysinfo_full", "median_ns"), Some(111_706.0));
        assert_eq!(line_field(text, "sample/sysinfo_full", "median"), None);
        let speed = "running 2 tests\nlog call from JavaScript: 250.5 ns (median of 21 rounds of 20000)\n\
                     ring push, wasm: 30.5 ns (median)\n";
        assert_eq!(ns_median(speed, "log call from JavaScript:"), Some(250.5));
        assert_eq!(ns_median(speed, "ring push, wasm:"), Some(30.5));
        assert_eq!(ns_median(speed, "ring push, native:"), None);
        assert_eq!(ns_median("ring push, wasm: 3 ms", "ring push, wasm:"), None, "only ns");
        let runs = "ring push, wasm: 41.0 ns\nother\nring push, wasm: 30.5 ns\nring push, wasm: 62.0 ns\n";
        assert_eq!(ns_median(runs, "ring push, wasm:"), Some(41.0));
        assert_eq!(ns_median("ring push, wasm: 9 ns\nring push, wasm: 7 ns", "ring push, wasm:"), Some(7.0));
        assert_eq!(ns_median("nothing", "ring push, wasm:"), None);
    }

    #[test]
    fn footprint_reads_the_csvs_and_the_older_markdown() {
        let csv = "process,cpu_percent,peak_rss_kib,scrape_median_ms,scrape_failures,cpu_seconds\n\
                   vitals monitor,0.1000,3891,0.1370,0,59.0\n\
                   seed python loop,0.0500,16282,,,59.0\n";
        let summary = footprint_summary(csv);
        assert_eq!(summary["vitals monitor"].scrape_ms, Some(0.137));
        assert_eq!(summary["seed python loop"].scrape_ms, None);
        assert_eq!(summary["seed python loop"].peak_rss_kib, Some(16282.0));

        let md = "| process (60 s) | CPU | peak RSS |\n|---|---|---|\n| vitals monitor | 0.10 | 3.8 MiB |\n\
                  | node_exporter | 0.81 | 20.6 MiB |\n\n| `/metrics` scrape | time |\n|---|---|\n\
                  | vitals monitor --serve | 0.137 ms |\n| prometheus-node-exporter | 5.848 ms |\n";
        let old = footprint_markdown(md);
        assert_eq!(old["vitals monitor"].cpu_percent, Some(0.10));
        assert_eq!(old["node_exporter"].peak_rss_kib, Some(20.6 * 1024.0));
        assert_eq!(old["node_exporter"].scrape_ms, Some(5.848));

        let series = footprint_series("seconds,process,cpu_percent,rss_kib\n1.00,node_exporter,,20480\n");
        assert_eq!(series[0].cpu_percent, None);
        assert_eq!(series[0].rss_kib, Some(20480.0));
    }

    #[test]
    fn firmware_tables_give_flash_ram_and_wire_bytes() {
        let md = "## Firmware footprint\n\n### thumbv7m-none-eabi\n\n\
            | probe | .text | .rodata | .data | .bss | flash | RAM | flash added | RAM added |\n\
            |---|---:|---:|---:|---:|---:|---:|---:|---:|\n\
            | `size_baseline` | 2000 | 500 | 0 | 100 | 2596 | 100 | — | — |\n\
            | `size_vitals` | 12000 | 3000 | 8 | 1300 | 15424 | 1332 | 12828 (over 4096) | 1232 (+208 beyond the ring; over 128) |\n\
            \n### Bytes per entry on the wire (`size_vitals` on thumbv7m-none-eabi, QEMU `lm3s6965evb`)\n\n\
            | what | count | bytes each (mean) |\n|---|---:|---:|\n\
            | Vitals log record, `temperature 41000 mC` (19-byte message) | 8 | 37.0 |\n\
            | Vitals metric sample, `temperature` | 8 | 5.2 |\n\
            | Vitals frame overhead (header, CRC-32C, COBS, delimiter), per frame | 2 | 11.5 |\n\
            | defmt frame for the same message | 8 | 9.0 |\n";
        let targets = firmware_targets(md);
        assert_eq!(targets.len(), 1, "the wire heading is not a target");
        let probes = &targets["thumbv7m-none-eabi"].probes;
        assert_eq!(probes["size_baseline"], (2596.0, 100.0));
        assert_eq!(probes["size_vitals"], (15424.0, 1332.0));
        let wire = wire(md);
        assert_eq!(wire.log_record, Some(37.0));
        assert_eq!(wire.metric_sample, Some(5.2));
        assert_eq!(wire.frame_overhead, Some(11.5));
        assert_eq!(wire.defmt_frame, Some(9.0));
    }

    #[test]
    fn wasm_sizes_csv() {
        let sizes = wasm_sizes("module,raw_bytes,gzip_bytes\nvitals-wasm,101706,45841\nbroken,x,1\n");
        assert_eq!(sizes["vitals-wasm"], WasmSize { raw: 101_706.0, gzip: 45_841.0 });
        assert_eq!(sizes.len(), 1);
    }
}
