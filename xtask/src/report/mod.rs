//! The report `cargo xtask bench` ends with: `BENCHMARKS.md` and its SVG
//! charts in `docs/bench/`, written from the raw results in
//! `target/bench-results/` and `target/criterion/`.
//!
//! - [`collect`]: the raw files read back into numbers;
//! - [`machine`]: the run's start, end and machine (`run-info.txt`);
//! - [`table`]: figures, ratios and targets as table cells;
//! - [`plots`]: the charts;
//! - [`markdown`]: the document.
//!
//! `cargo xtask bench --report-only` runs [`write`] alone.

pub(crate) mod collect;
pub(crate) mod machine;
mod markdown;
mod plots;
mod table;

use std::fs;
use std::path::Path;

use collect::{files, Results};
use machine::RunInfo;
use plots::{Bars, Line};

use crate::error::{Error, Result};
use crate::workspace;

/// Where the charts go, relative to the workspace root.
const PLOTS_DIR: &str = "docs/bench";

/// The footprint's processes, Vitals first, in the charts' colour order.
const FOOTPRINT_PROCESSES: &[&str] = &["vitals monitor", "node_exporter", "seed python loop"];

/// Each chart's path relative to the root, or why it was not drawn.
pub(crate) struct Plots {
    pub(crate) push_by_size: std::result::Result<String, String>,
    pub(crate) cpu: std::result::Result<String, String>,
    pub(crate) rss: std::result::Result<String, String>,
    pub(crate) wasm: std::result::Result<String, String>,
}

/// The raw results folder: `<target>/bench-results`.
pub(crate) fn results_dir() -> std::path::PathBuf {
    workspace::target_dir().join("bench-results")
}

/// Reads the raw results, draws the charts, and writes `BENCHMARKS.md`.
pub(crate) fn write() -> Result<()> {
    let results_dir = results_dir();
    let run = RunInfo::read(&results_dir.join(files::RUN_INFO));
    let results = Results::read(&results_dir, &workspace::target_dir().join("criterion"), run.started());
    let root = workspace::root();
    let plots_dir = root.join(PLOTS_DIR);
    fs::create_dir_all(&plots_dir).map_err(|e| Error::new(format!("{}: {e}", plots_dir.display())))?;
    let plots = draw(&results, &root);
    for plot in [&plots.push_by_size, &plots.cpu, &plots.rss, &plots.wasm] {
        match plot {
            Ok(path) => println!("report: wrote {path}"),
            Err(why) => println!("report: a chart was not drawn: {why}"),
        }
    }
    let text = markdown::render(&results, &run, &plots);
    let out = root.join("BENCHMARKS.md");
    fs::write(&out, text).map_err(|e| Error::new(format!("could not write {}: {e}", out.display())))?;
    println!("report: wrote {}", out.display());
    Ok(())
}

/// `(message bytes, ns)` from the `push_by_size` group, by size.
pub(crate) fn push_by_size_points(r: &Results) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = r
        .criterion
        .iter()
        .filter_map(|(id, ns)| Some((id.strip_prefix("push_by_size/log/")?.parse().ok()?, *ns)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points
}

/// One series per footprint process from the per-second readings.
fn footprint_lines(r: &Results, value: impl Fn(&collect::Reading) -> Option<f64>) -> Vec<Line> {
    FOOTPRINT_PROCESSES
        .iter()
        .map(|name| Line {
            name: (*name).to_owned(),
            points: r
                .footprint_series
                .iter()
                .filter(|reading| reading.process == *name)
                .filter_map(|reading| Some((reading.seconds, value(reading)?)))
                .collect(),
        })
        .filter(|line| !line.points.is_empty())
        .collect()
}

/// Seconds the CPU chart averages over: one second of a process this idle
/// reads as 0 or 1 % at the kernel's 100 Hz tick.
const CPU_WINDOW: usize = 10;

/// The trailing mean of the last `window` points, for points at or after
/// `from` seconds (earlier ones are start-up, not the steady state).
fn moving_average(points: &[(f64, f64)], window: usize, from: f64) -> Vec<(f64, f64)> {
    let steady: Vec<(f64, f64)> = points.iter().copied().filter(|p| p.0 >= from).collect();
    (0..steady.len())
        .map(|i| {
            let start = (i + 1).saturating_sub(window);
            let slice = &steady[start..=i];
            (steady[i].0, slice.iter().map(|p| p.1).sum::<f64>() / slice.len() as f64)
        })
        .collect()
}

/// Draws each chart that has data; the paths are relative to `root`.
fn draw(r: &Results, root: &Path) -> Plots {
    let chart = |name: &str, draw: &dyn Fn(&Path) -> Result<()>| {
        let relative = format!("{PLOTS_DIR}/{name}");
        draw(&root.join(&relative)).map(|()| relative).map_err(|e| e.to_string())
    };
    let no_data = |what: &str| Err(format!("{what} not measured in this run"));

    let sizes = push_by_size_points(r);
    let push_by_size = if sizes.is_empty() {
        no_data("push_by_size")
    } else {
        chart("ring-push-by-size.svg", &|path| {
            let line = Line {
                name: "Vitals Ring::push_log (full ring, eviction included)".into(),
                points: sizes.clone(),
            };
            plots::lines(
                path,
                "Ring push latency by message size (criterion median)",
                "message bytes",
                "ns per push",
                &[line],
            )
        })
    };

    let warm = crate::footprint::WARMUP.as_secs_f64();
    let cpu_lines: Vec<Line> = footprint_lines(r, |reading| reading.cpu_percent)
        .into_iter()
        .map(|line| Line { points: moving_average(&line.points, CPU_WINDOW, warm), ..line })
        .filter(|line| !line.points.is_empty())
        .collect();
    let cpu = if cpu_lines.is_empty() {
        no_data("the footprint's per-second series")
    } else {
        chart("monitor-cpu.svg", &|path| {
            plots::lines(
                path,
                "CPU after the warm-up, 10 s moving average",
                "seconds since start",
                "% of one core",
                &cpu_lines,
            )
        })
    };
    let rss_lines = footprint_lines(r, |reading| reading.rss_kib.map(|k| k / 1024.0));
    let rss = if rss_lines.is_empty() {
        no_data("the footprint's per-second series")
    } else {
        chart("monitor-rss.svg", &|path| {
            plots::lines(
                path,
                "Resident memory over the footprint run",
                "seconds since start",
                "RSS, MiB",
                &rss_lines,
            )
        })
    };

    let ours = r.wasm_sizes.get("vitals-wasm").copied();
    let wasm = match ours {
        None => no_data("vitals-wasm's size"),
        Some(ours) => {
            let mut groups = vec![Bars {
                name: "vitals-wasm".into(),
                values: vec![ours.raw / 1024.0, ours.gzip / 1024.0],
            }];
            for (name, size, measured) in markdown::wasm_peers(r) {
                let name = if measured { name } else { format!("{name} (issue's figure)") };
                groups.push(Bars { name, values: vec![size.raw / 1024.0, size.gzip / 1024.0] });
            }
            chart("wasm-size.svg", &|path| {
                plots::bars(
                    path,
                    "wasm module size after wasm-opt -Oz (metadata stripped)",
                    "KiB",
                    &["raw", "gzip -9"],
                    &groups,
                    |v| format!("{v:.1}"),
                )
            })
        }
    };
    Plots { push_by_size, cpu, rss, wasm }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_average_trails_and_skips_the_warm_up() {
        let points = [(1.0, 90.0), (6.0, 0.0), (7.0, 1.0), (8.0, 0.0), (9.0, 1.0)];
        assert_eq!(moving_average(&points, 2, 5.0), [(6.0, 0.0), (7.0, 0.5), (8.0, 0.5), (9.0, 0.5)]);
        assert!(moving_average(&points, 3, 100.0).is_empty());
    }

    #[test]
    fn push_sizes_come_in_byte_order() {
        let mut r = Results::default();
        for (id, ns) in
            [("push_by_size/log/512", 40.0), ("push_by_size/log/8", 26.0), ("push/ring_metric", 18.0)]
        {
            r.criterion.insert(id.into(), ns);
        }
        assert_eq!(push_by_size_points(&r), [(8.0, 26.0), (512.0, 40.0)]);
    }
}
