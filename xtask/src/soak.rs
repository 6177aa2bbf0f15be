//! `cargo xtask soak [--minutes N]`: `vitals monitor` (release build) at a
//! 100 ms interval for N minutes (default 10), `/metrics` scraped every
//! second, its resident set and open file descriptors read from `/proc`
//! every second into `target/soak/soak.csv`.
//!
//! It passes when, after warm-up, memory is flat (the mean RSS of the last
//! third is within a small slack of the middle third's), the fd count does
//! not grow, every scrape was a 200, the exporter's loss counters stayed 0,
//! the JSON log's sequence numbers have no gap, and the monitor exits 0 on
//! SIGTERM. Nothing here depends on how fast the machine is.
//!
//! Warm-up includes the ring's first lap: its buffer is zeroed memory the
//! kernel maps on first write, so resident memory climbs by the ring's size
//! until it wraps, then stays flat. The soak gives the monitor a 256 KiB
//! ring, which wraps within the first minutes, and fails if the ring has
//! not wrapped by the middle third (then the thirds would compare a
//! filling ring, not a leak).

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::command::Cmd;
use crate::error::{Error, Result};
use crate::steps::{self, Step, Summary};
use crate::workspace;

/// Minutes the soak runs unless `--minutes` says otherwise.
pub(crate) const DEFAULT_MINUTES: u64 = 10;
/// The monitor's sampling interval.
const INTERVAL: &str = "100ms";
/// The monitor's ring: small enough to wrap early in the run (see above).
const RING_BYTES: &str = "262144";
/// Mean RSS of the last third may exceed the middle third's by this much
/// (allocator noise, a rotation's buffers) before it counts as growth.
const RSS_SLACK_KIB: f64 = 512.0;
const RSS_SLACK_RATIO: f64 = 0.02;
/// Open fds may differ by this much between readings (a scrape's socket
/// still closing, the file being rotated).
const FD_SLACK: u64 = 2;

/// Builds the release `vitals`, then soaks it for `seconds`.
pub(crate) fn run(seconds: u64) -> Summary {
    steps::run_all(vec![
        Step::new("build vitals (release)").run(Cmd::cargo().args([
            "build",
            "--release",
            "-p",
            "vitals-desktop",
            "--bin",
            "vitals",
        ])),
        Step::new(format!("soak {seconds} s")).call(move || soak(seconds)),
    ])
}

/// One second's reading.
#[derive(Clone, Copy, Debug)]
struct Reading {
    seconds: f64,
    rss_kib: u64,
    /// The heap and other anonymous memory (`RssAnon`): what a leak grows.
    anon_kib: u64,
    fds: u64,
    status: u16,
    log_lost: f64,
    ring_dropped: f64,
    ring_overwritten: f64,
}

/// A child killed when dropped, so a failed check leaves nothing running.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn soak(seconds: u64) -> Result<()> {
    let out = workspace::target_dir().join("soak");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| Error::new(format!("cannot create {}: {e}", out.display())))?;
    let vitals = workspace::target_dir().join("release").join("vitals");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| Error::new(format!("no free port on 127.0.0.1: {e}")))?
        .port();
    let addr = format!("127.0.0.1:{port}");
    let create = |name: &str| {
        std::fs::File::create(out.join(name))
            .map_err(|e| Error::new(format!("cannot create {}: {e}", out.join(name).display())))
    };
    let child = Command::new(&vitals)
        .args(["monitor", "--no-tui", "--interval", INTERVAL, "--log-format", "json", "--serve", &addr])
        .args(["--ring-bytes", RING_BYTES])
        .arg("--log")
        .arg(out.join("app.log"))
        .stdin(Stdio::null())
        .stdout(create("stdout.log")?)
        .stderr(create("stderr.log")?)
        .spawn()
        .map_err(|e| Error::new(format!("cannot start {}: {e}", vitals.display())))?;
    let mut child = Guard(child);
    let pid = child.0.id();
    println!("soak: vitals monitor (pid {pid}) every {INTERVAL}, serving {addr}, for {seconds} s");

    // The clock starts once the exporter answers.
    let ready_by = Instant::now() + Duration::from_secs(60);
    while scrape(&addr).is_none_or(|(status, _)| status != 200) {
        if Instant::now() > ready_by || child.0.try_wait().ok().flatten().is_some() {
            return Err(Error::new(format!(
                "vitals monitor never served {addr}; see {}",
                out.join("stderr.log").display()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let length = Duration::from_secs(seconds);
    let started = Instant::now();
    let mut readings: Vec<Reading> = Vec::new();
    let mut csv = create("soak.csv")?;
    let header = "seconds,rss_kib,rss_anon_kib,fds,scrape_status,vitals_log_lost_total,\
                  vitals_ring_dropped_total,vitals_ring_overwritten_total\n";
    csv.write_all(header.as_bytes()).map_err(|e| Error::new(format!("soak.csv: {e}")))?;
    let mut next = started;
    while started.elapsed() < length {
        next += Duration::from_secs(1);
        if let Some(status) = child.0.try_wait().map_err(|e| Error::new(e.to_string()))? {
            return Err(Error::new(format!(
                "vitals monitor exited early ({status}); see {}",
                out.join("stderr.log").display()
            )));
        }
        let (status, body) = scrape(&addr).unwrap_or((0, String::new()));
        let reading = Reading {
            seconds: started.elapsed().as_secs_f64(),
            rss_kib: status_kib(pid, "VmRSS").unwrap_or(0),
            anon_kib: status_kib(pid, "RssAnon").unwrap_or(0),
            fds: open_fds(pid).unwrap_or(0),
            status,
            log_lost: exposed(&body, "vitals_log_lost_total").unwrap_or(f64::NAN),
            ring_dropped: exposed(&body, "vitals_ring_dropped_total").unwrap_or(f64::NAN),
            ring_overwritten: exposed(&body, "vitals_ring_overwritten_total").unwrap_or(f64::NAN),
        };
        let line = format!(
            "{:.1},{},{},{},{},{},{},{}\n",
            reading.seconds,
            reading.rss_kib,
            reading.anon_kib,
            reading.fds,
            reading.status,
            reading.log_lost,
            reading.ring_dropped,
            reading.ring_overwritten
        );
        csv.write_all(line.as_bytes()).map_err(|e| Error::new(format!("soak.csv: {e}")))?;
        readings.push(reading);
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    // SIGTERM: the monitor flushes and exits 0.
    let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(status) = child.0.try_wait().map_err(|e| Error::new(e.to_string()))? {
            break status;
        }
        if Instant::now() > deadline {
            return Err(Error::new("vitals monitor did not exit within 30 s of SIGTERM"));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let log = check_log(&out.join("app.log"));
    let verdict = judge(&readings, exit.success(), &log);
    let report = report(&readings, &log, verdict.as_ref().err());
    println!("{report}");
    let _ = std::fs::write(out.join("summary.txt"), &report);
    verdict
}

/// What the JSON log says: lines, sequence gaps, Dropped events, whether the
/// last line is the monitor's goodbye.
#[derive(Debug, Default)]
struct LogCheck {
    files: usize,
    lines: u64,
    gaps: u64,
    dropped_events: u64,
    stopped_cleanly: bool,
    problem: Option<String>,
}

fn check_log(path: &Path) -> LogCheck {
    let mut check = LogCheck::default();
    let mut files: Vec<PathBuf> =
        (1..).map(|n| PathBuf::from(format!("{}.{n}", path.display()))).take_while(|p| p.exists()).collect();
    files.reverse();
    files.push(path.to_owned());
    check.files = files.len();
    let mut next_seq: Option<u64> = None;
    let mut last = String::new();
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                check.problem = Some(format!("cannot read {}: {e}", file.display()));
                return check;
            }
        };
        if !text.is_empty() && !text.ends_with('\n') {
            check.problem = Some(format!("{} ends inside a line", file.display()));
        }
        for line in text.lines() {
            check.lines += 1;
            let Some(seq) = json_u64(line, "\"seq\":") else {
                check.problem = Some(format!("a line without a seq: {line}"));
                continue;
            };
            if let Some(expected) = next_seq {
                check.gaps += seq.saturating_sub(expected);
                if seq < expected {
                    check.problem = Some(format!("seq {seq} after {}: repeated or reordered", expected - 1));
                }
            }
            next_seq = Some(seq + 1);
            if line.contains("\"event\":\"dropped\"") {
                check.dropped_events += 1;
            }
            last.clear();
            last.push_str(line);
        }
    }
    check.stopped_cleanly = last.contains("monitor stopped after");
    check
}

/// The number after `key` in a JSON line (enough for our own flat objects).
fn json_u64(line: &str, key: &str) -> Option<u64> {
    let rest = &line[line.find(key)? + key.len()..];
    let digits: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn mean(values: impl Iterator<Item = u64>) -> f64 {
    let (sum, n) = values.fold((0u64, 0u64), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum as f64 / n as f64
    }
}

/// One figure of a reading, such as its RSS.
type Measure = fn(&Reading) -> u64;

/// Thirds of the run: warm-up, middle, last.
fn thirds(readings: &[Reading]) -> (&[Reading], &[Reading], &[Reading]) {
    let third = readings.len() / 3;
    (&readings[..third], &readings[third..2 * third], &readings[2 * third..])
}

fn judge(readings: &[Reading], exited_ok: bool, log: &LogCheck) -> Result<()> {
    let mut problems = Vec::new();
    if readings.len() < 6 {
        problems.push(format!("only {} readings: run longer", readings.len()));
    }
    let (warmup, middle, last) = thirds(readings);
    if !middle.first().is_some_and(|r| r.ring_overwritten > 0.0) && readings.len() >= 6 {
        problems.push(format!(
            "the ring had not wrapped by {:.0} s, so memory was still filling it: run longer",
            warmup.last().map_or(0.0, |r| r.seconds)
        ));
    }
    let measures: [(&str, Measure); 2] = [("RSS", |r| r.rss_kib), ("RssAnon", |r| r.anon_kib)];
    for (what, kib) in measures {
        let (middle_mean, last_mean) = (mean(middle.iter().map(kib)), mean(last.iter().map(kib)));
        if last_mean > middle_mean * (1.0 + RSS_SLACK_RATIO) + RSS_SLACK_KIB {
            problems.push(format!(
                "{what} grew: mean {middle_mean:.0} KiB in the middle third, {last_mean:.0} KiB in the last"
            ));
        }
    }
    let settled = middle.iter().map(|r| r.fds).min().unwrap_or(0);
    if let Some(most) = last.iter().map(|r| r.fds).max() {
        if most > settled + FD_SLACK {
            problems.push(format!("open fds grew: {settled} after warm-up, up to {most} in the last third"));
        }
    }
    let bad: Vec<String> = readings
        .iter()
        .filter(|r| r.status != 200)
        .map(|r| format!("{:.0}s: {}", r.seconds, r.status))
        .collect();
    if !bad.is_empty() {
        problems.push(format!(
            "{} scrapes were not 200 (0: no answer): {:?}",
            bad.len(),
            &bad[..bad.len().min(5)]
        ));
    }
    if readings.iter().any(|r| r.log_lost != 0.0 || r.ring_dropped != 0.0) {
        problems.push("vitals_log_lost_total or vitals_ring_dropped_total went above 0".to_owned());
    }
    if log.gaps > 0 || log.dropped_events > 0 {
        problems.push(format!("app.log: {} sequence gaps, {} Dropped events", log.gaps, log.dropped_events));
    }
    if let Some(problem) = &log.problem {
        problems.push(format!("app.log: {problem}"));
    }
    if !log.stopped_cleanly {
        problems.push("app.log does not end with the monitor's \"monitor stopped\" line".to_owned());
    }
    if !exited_ok {
        problems.push("vitals monitor did not exit 0 on SIGTERM".to_owned());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::new(format!("soak failed:\n  {}", problems.join("\n  "))))
    }
}

fn report(readings: &[Reading], log: &LogCheck, failure: Option<&Error>) -> String {
    let (warmup, middle, last) = thirds(readings);
    let rss = |r: &Reading| r.rss_kib;
    let anon = |r: &Reading| r.anon_kib;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "soak: {} readings over {:.0} s",
        readings.len(),
        readings.last().map_or(0.0, |r| r.seconds)
    );
    let _ = writeln!(
        out,
        "  RSS KiB: start {} / peak {} / end {}; mean warm-up {:.0}, middle {:.0}, last {:.0}",
        readings.first().map_or(0, rss),
        readings.iter().map(rss).max().unwrap_or(0),
        readings.last().map_or(0, rss),
        mean(warmup.iter().map(rss)),
        mean(middle.iter().map(rss)),
        mean(last.iter().map(rss)),
    );
    let _ = writeln!(
        out,
        "  RssAnon KiB: start {} / peak {} / end {}; mean warm-up {:.0}, middle {:.0}, last {:.0}",
        readings.first().map_or(0, anon),
        readings.iter().map(anon).max().unwrap_or(0),
        readings.last().map_or(0, anon),
        mean(warmup.iter().map(anon)),
        mean(middle.iter().map(anon)),
        mean(last.iter().map(anon)),
    );
    let wrapped = readings.iter().find(|r| r.ring_overwritten > 0.0).map_or(-1.0, |r| r.seconds);
    let _ = writeln!(out, "  ring ({RING_BYTES} bytes) first wrapped at {wrapped:.0} s");
    let _ = writeln!(
        out,
        "  open fds: start {} / min {} / max {} / end {}",
        readings.first().map_or(0, |r| r.fds),
        readings.iter().map(|r| r.fds).min().unwrap_or(0),
        readings.iter().map(|r| r.fds).max().unwrap_or(0),
        readings.last().map_or(0, |r| r.fds),
    );
    let ok = readings.iter().filter(|r| r.status == 200).count();
    let _ = writeln!(out, "  scrapes: {ok} of {} answered 200", readings.len());
    let _ = writeln!(
        out,
        "  app.log: {} lines in {} files, {} sequence gaps, {} Dropped events, clean stop: {}",
        log.lines, log.files, log.gaps, log.dropped_events, log.stopped_cleanly
    );
    let _ = write!(out, "  result: {}", failure.map_or("ok".to_owned(), ToString::to_string));
    out
}

/// `GET /metrics`: status and body.
fn scrape(addr: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    Some((status, body))
}

/// A sample value from Prometheus text, for a series without labels.
fn exposed(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

/// A `kB` field of `/proc/PID/status`, e.g. `VmRSS`.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.split_whitespace().next()?.parse().ok())
}

fn open_fds(pid: u32) -> Option<u64> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(seconds: f64, rss_kib: u64, fds: u64) -> Reading {
        Reading {
            seconds,
            rss_kib,
            anon_kib: rss_kib / 4,
            fds,
            status: 200,
            log_lost: 0.0,
            ring_dropped: 0.0,
            ring_overwritten: seconds,
        }
    }

    fn clean_log() -> LogCheck {
        LogCheck { files: 1, lines: 10, stopped_cleanly: true, ..LogCheck::default() }
    }

    #[test]
    fn flat_memory_passes_and_growth_fails() {
        let flat: Vec<Reading> =
            (0..30u32).map(|s| reading(f64::from(s), 8000 + u64::from(s % 3), 9)).collect();
        assert!(judge(&flat, true, &clean_log()).is_ok());
        let growing: Vec<Reading> =
            (0..30u32).map(|s| reading(f64::from(s), 8000 + 200 * u64::from(s), 9)).collect();
        let err = judge(&growing, true, &clean_log()).unwrap_err().to_string();
        assert!(err.contains("RSS grew"), "{err}");
    }

    #[test]
    fn a_ring_still_filling_in_the_middle_third_is_not_judged() {
        let mut readings: Vec<Reading> = (0..30u32).map(|s| reading(f64::from(s), 8000, 9)).collect();
        for r in &mut readings[..15] {
            r.ring_overwritten = 0.0;
        }
        let err = judge(&readings, true, &clean_log()).unwrap_err().to_string();
        assert!(err.contains("the ring had not wrapped"), "{err}");
    }

    #[test]
    fn fd_growth_lost_lines_and_bad_scrapes_fail() {
        let mut readings: Vec<Reading> =
            (0..30u32).map(|s| reading(f64::from(s), 8000, 9 + u64::from(s) / 5)).collect();
        readings[4].status = 503;
        readings[7].log_lost = 1.0;
        let err = judge(&readings, true, &clean_log()).unwrap_err().to_string();
        for wanted in ["open fds grew", "1 scrapes were not 200", "vitals_log_lost_total"] {
            assert!(err.contains(wanted), "{wanted} missing: {err}");
        }
    }

    #[test]
    fn json_seq_is_read_from_our_lines() {
        assert_eq!(json_u64(r#"{"seq":42,"ts":"x"}"#, "\"seq\":"), Some(42));
        assert_eq!(json_u64(r#"{"ts":"x"}"#, "\"seq\":"), None);
    }
}
