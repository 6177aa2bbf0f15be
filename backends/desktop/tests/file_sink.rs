//! The log file under stress and under failure: rotation while four threads
//! write and a fifth flushes, a `kill -9` right after alerts were shown, a
//! full disk, an unwritable path, and a broken rules file.
#![cfg(target_os = "linux")]

mod common;

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{poll, ChildGuard, Lines, VITALS};
use vitals_core::{Level, LevelFilter, Policy};
use vitals_desktop::sink::{FileFormat, RotatingFile, RotationConfig};
use vitals_desktop::{Hub, HubConfig};

const WORKERS: usize = 4;
const PER_WORKER: usize = 12_500;
const MAX_BYTES: u64 = 64 * 1024;

/// The message worker `w` writes as its line `n`: numbered, and of varying
/// length so rotation boundaries fall everywhere.
fn message(w: usize, n: usize) -> String {
    format!("w{w} n{n:05} {}", "x".repeat((n * 7 + w) % 53))
}

/// Every line of `app.log` and its rotated files, oldest file first, with
/// the size of each file.
fn read_all(path: &Path) -> (Vec<String>, Vec<u64>) {
    let mut files = Vec::new();
    let mut n = 1;
    loop {
        let rotated = RotatingFile::rotated_path(path, n);
        if !rotated.exists() {
            break;
        }
        files.push(rotated);
        n += 1;
    }
    files.reverse();
    files.push(path.to_owned());
    let mut lines = Vec::new();
    let mut sizes = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(text.is_empty() || text.ends_with('\n'), "{} ends inside a line", file.display());
        sizes.push(text.len() as u64);
        lines.extend(text.lines().map(str::to_owned));
    }
    (lines, sizes)
}

/// Writes `WORKERS × PER_WORKER` numbered lines from as many threads while
/// another thread flushes the hub in a loop; returns the hub.
fn write_under_load(dir: &Path, ring_bytes: usize, keep: usize) -> &'static Hub {
    let hub = Hub::new(&HubConfig { ring_bytes, policy: Policy::OverwriteOldest });
    let rotation = RotationConfig { max_bytes: MAX_BYTES, keep };
    let file = RotatingFile::open(dir.join("app.log"), FileFormat::Human, LevelFilter::Trace, rotation)
        .expect("open app.log");
    hub.add_sink(Box::new(file));
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Acquire) {
                hub.flush();
                std::thread::yield_now();
            }
        });
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                scope.spawn(move || {
                    for n in 0..PER_WORKER {
                        hub.ring()
                            .push_log(hub.now_us(), Level::Info, b"load", message(w, n).as_bytes())
                            .expect("the ring takes every line");
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("worker");
        }
        done.store(true, Ordering::Release);
    });
    hub.flush();
    hub
}

/// Splits a human line `TIME INFO  load: w1 n00042 xxx` into (worker, n),
/// checking that the rest of the line is exactly what was written.
fn parse(line: &str) -> (usize, usize) {
    let (time, text) = line.split_once(" INFO  load: ").unwrap_or_else(|| panic!("torn line {line:?}"));
    assert!(time.len() == 24 && time.ends_with('Z') && time.as_bytes()[10] == b'T', "torn line {line:?}");
    let mut words = text.splitn(3, ' ');
    let w = words.next().and_then(|w| w.strip_prefix('w')?.parse().ok());
    let n = words.next().and_then(|n| n.strip_prefix('n')?.parse().ok());
    let (Some(w), Some(n)) = (w, n) else { panic!("torn line {line:?}") };
    assert!(w < WORKERS && n < PER_WORKER, "line {line:?}");
    assert_eq!(text, message(w, n), "torn line {line:?}");
    (w, n)
}

#[test]
fn rotation_under_load_keeps_every_line_once_whole_and_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The ring holds everything even if the flusher never ran, so nothing
    // may be lost: the test checks the accounting, not luck.
    let hub = write_under_load(dir.path(), 16 << 20, 1000);
    assert_eq!(hub.lost(), 0, "entries lost");
    assert_eq!(hub.sink_errors(), 0, "sink errors");
    assert_eq!(hub.ring().stats().lost_total(), 0, "ring lost entries");

    let (lines, sizes) = read_all(&dir.path().join("app.log"));
    assert!(sizes.len() > 10, "only {} files: rotation did not happen", sizes.len());
    for (i, size) in sizes.iter().enumerate() {
        assert!(*size <= MAX_BYTES, "file {i} of {} has {size} bytes > {MAX_BYTES}", sizes.len());
    }
    // The hub's first entry is its clock anchor.
    assert!(lines[0].contains(" EVENT clock anchored at "), "{:?}", lines[0]);
    let mut next = [0usize; WORKERS];
    for line in &lines[1..] {
        let (w, n) = parse(line);
        assert_eq!(
            n, next[w],
            "worker {w}: line {n} where {} was due (lost, repeated or reordered)",
            next[w]
        );
        next[w] += 1;
    }
    assert_eq!(next, [PER_WORKER; WORKERS], "lines missing at the end");
    assert_eq!(lines.len(), 1 + WORKERS * PER_WORKER);
}

#[test]
fn a_ring_too_small_loses_lines_but_counts_every_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 64 KiB holds about a thousand of these entries: the writers outrun
    // the flusher now and then, and the oldest entries are overwritten.
    let hub = write_under_load(dir.path(), 64 * 1024, 1000);
    let (lines, sizes) = read_all(&dir.path().join("app.log"));
    for size in &sizes {
        assert!(*size <= MAX_BYTES, "a file has {size} bytes > {MAX_BYTES}");
    }
    let mut last: BTreeMap<usize, usize> = BTreeMap::new();
    let mut numbered = 0u64;
    for line in &lines {
        if line.contains(" EVENT clock anchored at ") {
            continue;
        }
        let (w, n) = parse(line);
        if let Some(&before) = last.get(&w) {
            assert!(n > before, "worker {w}: line {n} after line {before} (repeated or reordered)");
        }
        last.insert(w, n);
        numbered += 1;
    }
    let anchor = u64::from(lines.first().is_some_and(|l| l.contains(" EVENT clock anchored at ")));
    assert_eq!(
        numbered + anchor + hub.lost(),
        (WORKERS * PER_WORKER) as u64 + 1,
        "lines written ({numbered} + {anchor} anchor) plus lines counted lost ({}) must be every line pushed",
        hub.lost()
    );
}

/// `vitals monitor` writing to `log` with `rules`, stdout piped.
fn monitor(dir: &Path, log: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(VITALS);
    command
        .args(["monitor", "--no-tui"])
        .arg("--log")
        .arg(log)
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null());
    command
}

fn is_alert(line: &str) -> bool {
    [" WARN  ", " ERROR ", " CRIT"]
        .iter()
        .any(|level| line.get(24..).is_some_and(|rest| rest.starts_with(level)))
}

#[test]
fn kill_9_after_alerts_loses_nothing_that_was_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules.toml");
    // Thresholds every machine crosses on the first sample: memory and disk
    // in use, and the monitor's own resident memory.
    std::fs::write(
        &rules,
        "[rule.\"memory.usage\"]\nwarn = 0.001\nfor = 1\n\n\
         [rule.\"disk.usage\"]\nwarn = 0.001\nerror = 0.002\nfor = 1\n\n\
         [rule.\"process.rss\"]\nwarn = 1\nerror = 2\ncritical = 3\nfor = 1\n",
    )
    .expect("rules");
    let log = dir.path().join("app.log");
    let mut child = ChildGuard::spawn(
        "vitals monitor",
        monitor(dir.path(), &log, &["--interval", "200ms", "--rules"])
            .arg(&rules)
            .stdout(Stdio::piped())
            .stderr(File::create(dir.path().join("stderr")).expect("stderr file")),
    );
    let stdout = Lines::collect(child.child().stdout.take().expect("stdout"));
    // Wait for the alerts, then for the stream to go on a while, so the
    // kill lands in the middle of steady writing.
    poll("alerts on stdout followed by more lines", Duration::from_secs(60), || {
        if let Some(status) = child.try_wait() {
            panic!("monitor exited ({status}): {:?}", std::fs::read_to_string(dir.path().join("stderr")));
        }
        let lines = stdout.snapshot();
        match lines.iter().position(|l| is_alert(l)) {
            Some(first) if lines.len() > first + 100 => Ok(()),
            _ => Err(format!("{} lines so far", lines.len())),
        }
    });
    let status = child.kill();
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "{status}");
    // Everything the monitor printed before it died, read to the end of the pipe.
    let shown = stdout.finish();
    let file: HashSet<String> =
        std::fs::read_to_string(&log).expect("app.log").lines().map(str::to_owned).collect();
    let alerts: Vec<&String> = shown.iter().filter(|l| is_alert(l)).collect();
    assert!(alerts.len() >= 3, "expected memory, disk and rss alerts: {alerts:#?}");
    let missing: Vec<&String> = alerts.iter().copied().filter(|l| !file.contains(*l)).collect();
    assert!(missing.is_empty(), "alerts shown on stdout but not in app.log: {missing:#?}");
    // Stronger: nothing reaches stdout before it is in the file.
    let missing: Vec<&String> = shown.iter().filter(|l| !file.contains(*l)).collect();
    assert!(missing.is_empty(), "{} lines shown but not in app.log, e.g. {:?}", missing.len(), &missing[..1]);
}

#[test]
fn a_full_disk_is_reported_once_and_sampling_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    // stdout and stderr into one file, so their order is the order written.
    let out = dir.path().join("output");
    let file = File::create(&out).expect("output file");
    let mut child = ChildGuard::spawn(
        "vitals monitor",
        monitor(dir.path(), Path::new("/dev/full"), &["--interval", "200ms", "--duration", "3s"])
            .stdout(file.try_clone().expect("dup"))
            .stderr(file),
    );
    let status = child.wait_timeout(Duration::from_secs(120));
    let output = std::fs::read_to_string(&out).expect("output");
    assert_eq!(status.code(), Some(0), "{output}");
    let reports: Vec<usize> = output
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("cannot write to /dev/full"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(reports.len(), 1, "the fault must be reported exactly once:\n{output}");
    let report = output.lines().nth(reports[0]).expect("report");
    assert!(report.contains("No space left on device"), "{report}");
    // The sampling went on: whole ticks (one cpu.usage line each) after the report.
    let ticks_after =
        output.lines().skip(reports[0] + 1).filter(|l| l.contains(" METRIC cpu.usage ")).count();
    assert!(ticks_after >= 2, "{ticks_after} ticks after the report:\n{output}");
    assert!(output.contains("monitor stopped after"), "{output}");
}

#[test]
fn an_unwritable_log_path_is_a_usage_error_naming_the_path_and_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = monitor(dir.path(), Path::new("/nonexistent-dir/app.log"), &["--duration", "1s"])
        .output()
        .expect("run vitals");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/nonexistent-dir/app.log"), "{stderr}");
    assert!(stderr.contains("No such file or directory"), "{stderr}");
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn a_rules_file_with_a_syntax_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "[rule.\"cpu.usage\"]\nwarn = 80\nerror = = 90\n").expect("rules");
    let log = dir.path().join("app.log");
    let output =
        monitor(dir.path(), &log, &["--duration", "1s", "--rules"]).arg(&rules).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let at = format!("{}:3:9: ", rules.display());
    assert!(stderr.contains(&at), "expected {at:?} in {stderr}");
    assert!(!log.exists(), "a bad rules file must stop the monitor before it opens the log");
}
