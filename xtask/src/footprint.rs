//! `cargo xtask bench`'s footprint run: `vitals monitor --interval 1s
//! --serve` beside Debian's `prometheus-node-exporter` and the seed's Python
//! `logging` + `psutil` loop, all three at once for the same minute, each
//! exporter scraped once a second; then a burst of scrapes timed per request.
//!
//! CPU is user+system time from `/proc/PID/stat` over the run; memory is the
//! peak resident set (`VmHWM` in `/proc/PID/status`).

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How long the three run side by side.
const RUN: Duration = Duration::from_secs(60);
/// Start-up left out of the CPU figure (imports, first listings); the peak
/// RSS still covers it.
pub(crate) const WARMUP: Duration = Duration::from_secs(5);
/// Scrapes timed per exporter in the latency burst.
const SCRAPES: usize = 200;

/// The seed's 1 Hz loop: its four psutil figures into `logging` to a file.
const SEED_LOOP: &str = r#"
import logging, sys, time
import psutil
logging.basicConfig(filename=sys.argv[1], level=logging.INFO)
end = time.time() + float(sys.argv[2])
psutil.cpu_percent(interval=None)
while time.time() < end:
    logging.info("cpu=%.1f mem=%.1f disk=%.1f sent=%d", psutil.cpu_percent(interval=None),
                 psutil.virtual_memory().percent, psutil.disk_usage("/").percent,
                 psutil.net_io_counters().bytes_sent)
    time.sleep(1)
"#;

/// The per-second time series, beside the summary table.
pub(crate) const SERIES_FILE: &str = "footprint.csv";
/// The summary figures in a form the report reads back.
pub(crate) const SUMMARY_FILE: &str = "footprint-summary.csv";

/// One process's use of the machine over the run.
#[derive(Debug)]
struct Usage {
    name: &'static str,
    cpu_percent: f64,
    peak_rss_kib: u64,
}

/// A child killed when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| Error::new(format!("no free port: {e}")))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| Error::new(e.to_string()))
}

fn spawn(name: &str, command: &mut Command) -> Result<Guard> {
    command.stdout(Stdio::null()).stderr(Stdio::null()).stdin(Stdio::null());
    command.spawn().map(Guard).map_err(|e| Error::new(format!("could not start {name}: {e}")))
}

/// Clock ticks of user+system time a process has used.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the `(comm)` that may hold spaces: utime is 14th, stime 15th overall.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// A `kB` field of `/proc/PID/status`.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.strip_prefix(field).is_some_and(|rest| rest.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM")
}

fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS")
}

/// Readings taken once a second from each process: CPU over the second
/// before, as a percentage of one core, and the resident set at that moment.
struct Series {
    names: Vec<&'static str>,
    /// Seconds since the three were started, which process, CPU %, RSS KiB.
    rows: Vec<(f64, usize, Option<f64>, Option<u64>)>,
}

impl Series {
    fn new(names: Vec<&'static str>) -> Self {
        Self { names, rows: Vec::new() }
    }

    fn push(&mut self, seconds: f64, process: usize, cpu_percent: Option<f64>, rss_kib: Option<u64>) {
        self.rows.push((seconds, process, cpu_percent, rss_kib));
    }

    /// `seconds,process,cpu_percent,rss_kib`; a reading that failed (the
    /// process had exited) is an empty field.
    fn to_csv(&self) -> String {
        let mut csv = String::from("seconds,process,cpu_percent,rss_kib\n");
        for (seconds, process, cpu, rss) in &self.rows {
            let cpu = cpu.map_or(String::new(), |c| format!("{c:.3}"));
            let rss = rss.map_or(String::new(), |r| r.to_string());
            let _ = writeln!(csv, "{seconds:.2},{},{cpu},{rss}", self.names[*process]);
        }
        csv
    }
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .unwrap_or(100.0)
}

/// GET `path` from `127.0.0.1:port`; the time to the last byte, if it answered 200.
fn scrape(port: u16, path: &str) -> Option<Duration> {
    let start = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut body = Vec::new();
    stream.read_to_end(&mut body).ok()?;
    let elapsed = start.elapsed();
    body.starts_with(b"HTTP/1.1 200").then_some(elapsed)
}

fn median(mut times: Vec<Duration>) -> Option<Duration> {
    times.sort();
    times.get(times.len() / 2).copied()
}

/// Runs the side-by-side minute and the scrape burst; writes a Markdown
/// table to `out` and prints it.
pub(crate) fn run(vitals: &Path, out: &Path) -> Result<()> {
    let dir = out.parent().unwrap_or(Path::new(".")).join("footprint");
    std::fs::create_dir_all(&dir).map_err(|e| Error::new(format!("{}: {e}", dir.display())))?;
    let seed_script = dir.join("seed_loop.py");
    std::fs::write(&seed_script, SEED_LOOP).map_err(|e| Error::new(e.to_string()))?;
    let (vitals_port, node_port) = (free_port()?, free_port()?);
    let secs = RUN.as_secs().to_string();
    let total_secs = (RUN + WARMUP).as_secs().to_string();

    let vitals_child = spawn(
        "vitals monitor",
        Command::new(vitals)
            .args(["monitor", "--no-tui", "--interval", "1s", "--duration"])
            .arg(format!("{total_secs}s"))
            .args([
                "--serve",
                &format!("127.0.0.1:{vitals_port}"),
                "--log",
                &dir.join("vitals-app.log").display().to_string(),
            ]),
    )?;
    let node_child = spawn(
        "prometheus-node-exporter",
        Command::new("/usr/bin/prometheus-node-exporter")
            .arg(format!("--web.listen-address=127.0.0.1:{node_port}")),
    )?;
    let seed_child = spawn(
        "seed python loop",
        Command::new("python3").arg(&seed_script).arg(dir.join("seed-app.log")).arg(&total_secs),
    )?;
    let children = [
        ("vitals monitor", &vitals_child),
        ("node_exporter", &node_child),
        ("seed python loop", &seed_child),
    ];
    let pids: Vec<u32> = children.iter().map(|(_, c)| c.0.id()).collect();
    println!(
        "footprint: running all three for {total_secs} s (CPU counted over the last {secs} s), \
         scraping both exporters every second"
    );
    let hz = clock_ticks_per_second();
    let spawned = Instant::now();
    let mut series = Series::new(children.iter().map(|(name, _)| *name).collect());
    let mut last_ticks: Vec<Option<u64>> = pids.iter().map(|&p| cpu_ticks(p)).collect();
    let mut last_at = spawned;
    let mut start_ticks = None;
    let mut started = spawned;
    let mut scrape_failures = [0u32; 2];
    let mut peaks = vec![0u64; pids.len()];
    let mut end_ticks = vec![0u64; pids.len()];
    // Stop a second early so `vitals monitor` (which stops itself after
    // `total_secs`) is still alive to read.
    while spawned.elapsed() + Duration::from_secs(1) < RUN + WARMUP {
        std::thread::sleep(Duration::from_secs(1));
        let warm = spawned.elapsed() >= WARMUP;
        if warm {
            for (i, port) in [vitals_port, node_port].into_iter().enumerate() {
                if scrape(port, "/metrics").is_none() {
                    scrape_failures[i] += 1;
                }
            }
        }
        let now = Instant::now();
        let ticks: Vec<Option<u64>> = pids.iter().map(|&p| cpu_ticks(p)).collect();
        let seconds = now.duration_since(last_at).as_secs_f64();
        for (i, &pid) in pids.iter().enumerate() {
            peaks[i] = peaks[i].max(peak_rss_kib(pid).unwrap_or(0));
            let cpu = match (last_ticks[i], ticks[i]) {
                (Some(before), Some(after)) => Some((after - before) as f64 / hz / seconds * 100.0),
                _ => None,
            };
            series.push(now.duration_since(spawned).as_secs_f64(), i, cpu, rss_kib(pid));
            end_ticks[i] = ticks[i].unwrap_or(end_ticks[i]);
        }
        last_ticks = ticks;
        last_at = now;
        // The CPU figure counts from the first reading after the warm-up.
        if warm && start_ticks.is_none() {
            start_ticks = Some(end_ticks.clone());
            started = now;
        }
    }
    let start_ticks = start_ticks.unwrap_or_else(|| end_ticks.clone());
    let elapsed = last_at.duration_since(started).as_secs_f64().max(1e-9);
    let usage: Vec<Usage> = children
        .iter()
        .enumerate()
        .map(|(i, (name, _))| Usage {
            name,
            cpu_percent: end_ticks[i].saturating_sub(start_ticks[i]) as f64 / hz / elapsed * 100.0,
            peak_rss_kib: peaks[i],
        })
        .collect();
    let csv = out.with_file_name(SERIES_FILE);
    std::fs::write(&csv, series.to_csv()).map_err(|e| Error::new(format!("{}: {e}", csv.display())))?;
    println!("footprint: per-second CPU and RSS in {}", csv.display());
    drop(seed_child);

    // The scrape burst, one exporter after the other, while both still run.
    let fresh_vitals = spawn(
        "vitals monitor",
        Command::new(vitals)
            .args(["monitor", "--no-tui", "--interval", "1s", "--duration", "60s", "--serve"])
            .arg(format!("127.0.0.1:{vitals_port}"))
            .args(["--log", &dir.join("vitals-burst.log").display().to_string()]),
    );
    drop(vitals_child);
    let _fresh = fresh_vitals?;
    std::thread::sleep(Duration::from_secs(3)); // let it take its first samples
    let burst = |port: u16| median((0..SCRAPES).filter_map(|_| scrape(port, "/metrics")).collect());
    let vitals_scrape = burst(vitals_port);
    let node_scrape = burst(node_port);
    drop(node_child);

    let mut table = String::new();
    let _ =
        writeln!(
            table,
            "| process (1 s interval; exporters scraped 1/s) | CPU over {secs} s after a {} s warm-up, % of one core | peak RSS |",
            WARMUP.as_secs()
        );
    let _ = writeln!(table, "|---|---|---|");
    for u in &usage {
        let _ = writeln!(
            table,
            "| {} | {:.2} | {:.1} MiB |",
            u.name,
            u.cpu_percent,
            u.peak_rss_kib as f64 / 1024.0
        );
    }
    let _ = writeln!(table, "\n| `/metrics` scrape, median of {SCRAPES} | time |\n|---|---|");
    let fmt =
        |d: Option<Duration>| d.map_or("failed".to_owned(), |d| format!("{:.3} ms", d.as_secs_f64() * 1e3));
    let _ = writeln!(table, "| vitals monitor --serve | {} |", fmt(vitals_scrape));
    let _ = writeln!(table, "| prometheus-node-exporter | {} |", fmt(node_scrape));
    for (name, failures) in [("vitals monitor", scrape_failures[0]), ("node_exporter", scrape_failures[1])] {
        if failures > 0 {
            let _ = writeln!(table, "\n{failures} scrapes of {name} failed during the minute.");
        }
    }
    print!("{table}");
    std::fs::write(out, table).map_err(|e| Error::new(format!("{}: {e}", out.display())))?;

    let scrapes = [(vitals_scrape, scrape_failures[0]), (node_scrape, scrape_failures[1])];
    let summary = summary_csv(&usage, &scrapes, elapsed);
    let summary_path = out.with_file_name(SUMMARY_FILE);
    std::fs::write(&summary_path, summary).map_err(|e| Error::new(format!("{}: {e}", summary_path.display())))
}

/// `process,cpu_percent,peak_rss_kib,scrape_median_ms,scrape_failures,cpu_seconds`,
/// one row per process; the scrape columns are empty for the seed loop,
/// which serves nothing, and for a burst that failed.
fn summary_csv(usage: &[Usage], scrapes: &[(Option<Duration>, u32)], cpu_seconds: f64) -> String {
    let mut csv =
        String::from("process,cpu_percent,peak_rss_kib,scrape_median_ms,scrape_failures,cpu_seconds\n");
    for (i, u) in usage.iter().enumerate() {
        let (scrape, failures) = match scrapes.get(i) {
            Some((time, failures)) => (
                time.map_or(String::new(), |t| format!("{:.4}", t.as_secs_f64() * 1e3)),
                failures.to_string(),
            ),
            None => (String::new(), String::new()),
        };
        let _ = writeln!(
            csv,
            "{},{:.4},{},{scrape},{failures},{cpu_seconds:.1}",
            u.name, u.cpu_percent, u.peak_rss_kib
        );
    }
    csv
}
