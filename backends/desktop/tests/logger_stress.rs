//! The installed desktop logger under load: `log::info!` (and some
//! `log::warn!`, which flush on the calling thread) from 8 threads, metric
//! samples from a ninth, the file sink rotating every 64 KiB, and the
//! exporter scraped over real HTTP the whole time (`/metrics` and
//! `/entries?since=`). Afterwards every line is in the rotated set exactly
//! once, whole and in its thread's order, or counted in `Hub::lost` (and
//! `vitals_log_lost_total`); every scrape was a `200 OK`.
#![cfg(target_os = "linux")]

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::http_get;
use vitals_core::{LevelFilter, MetricId, Policy};
use vitals_desktop::sink::{FileFormat, RotatingFile, RotationConfig};
use vitals_desktop::{init, Config, Exporter, HubConfig};

const THREADS: usize = 8;
const PER_THREAD: usize = 6_000;
const MAX_BYTES: u64 = 64 * 1024;

fn message(t: usize, n: usize) -> String {
    format!("t{t} n{n} {}", "y".repeat((n * 11 + t) % 61))
}

/// Every line of `app.log` and its rotated files, oldest first; checks each
/// file ends with a whole line and stays under the rotation size.
fn read_rotated_set(path: &Path) -> (Vec<String>, usize) {
    let mut files = Vec::new();
    let mut n = 1;
    while RotatingFile::rotated_path(path, n).exists() {
        files.push(RotatingFile::rotated_path(path, n));
        n += 1;
    }
    files.reverse();
    files.push(path.to_owned());
    let mut lines = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(text.is_empty() || text.ends_with('\n'), "{} ends inside a line", file.display());
        assert!(text.len() as u64 <= MAX_BYTES, "{} has {} bytes", file.display(), text.len());
        lines.extend(text.lines().map(str::to_owned));
    }
    (lines, files.len())
}

/// (thread, n) of a hammer line, checking the text is exactly what was logged.
fn hammer_line(line: &str) -> Option<(usize, usize)> {
    let (_, text) = line.split_once(" stress: ")?;
    let rest = text.strip_prefix('t')?;
    let (t, rest) = rest.split_once(" n")?;
    let n = rest.split(' ').next()?;
    let (t, n): (usize, usize) = (t.parse().ok()?, n.parse().ok()?);
    assert_eq!(text, message(t, n), "torn line {line:?}");
    Some((t, n))
}

/// A `/metrics` sample value.
fn exposed(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

#[test]
fn eight_threads_log_while_the_file_rotates_and_the_exporter_is_scraped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("app.log");
    std::env::remove_var("VITALS_LOG");
    let hub = init(Config {
        spec: "info".to_owned(),
        file: Some(log.clone()),
        file_format: FileFormat::Human,
        // Keep every rotated file: the test counts lines, so none may age out.
        rotation: RotationConfig { max_bytes: MAX_BYTES, keep: 100_000 },
        stderr: LevelFilter::Off,
        // Small enough that the writers can outrun the flusher on this
        // machine: losses are allowed, but each must be counted.
        hub: HubConfig { ring_bytes: 128 * 1024, policy: Policy::OverwriteOldest },
        flush_interval: Duration::from_millis(5),
    })
    .expect("init");
    let exporter = Exporter::serve("127.0.0.1:0", hub).expect("serve");
    let addr = exporter.local_addr().to_string();

    let done = AtomicBool::new(false);
    // The writers start once both scrapers have been answered once, so
    // scraping really overlaps the logging (and is never skipped).
    let scraping = AtomicUsize::new(0);
    let (metric_scrapes, entry_scrapes) = std::thread::scope(|s| {
        let metrics = s.spawn(|| {
            let mut scrapes = 0u32;
            loop {
                let (status, body) = http_get(&addr, "/metrics").expect("GET /metrics");
                assert_eq!(status, 200, "{body}");
                assert!(body.contains("vitals_log_lost_total "), "{body}");
                scrapes += 1;
                if scrapes == 1 {
                    scraping.fetch_add(1, Ordering::AcqRel);
                }
                if done.load(Ordering::Acquire) {
                    break;
                }
            }
            scrapes
        });
        let entries = s.spawn(|| {
            let (mut since, mut scrapes) = (0u64, 0u32);
            loop {
                let (status, body) =
                    http_get(&addr, &format!("/entries?since={since}&limit=500")).expect("GET /entries");
                assert_eq!(status, 200, "{body}");
                for line in body.lines() {
                    let value: serde_json::Value =
                        serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                    let seq = value["seq"].as_u64().unwrap_or_else(|| panic!("no seq: {line}"));
                    assert!(seq >= since, "seq {seq} below since={since}");
                    since = seq + 1;
                }
                scrapes += 1;
                if scrapes == 1 {
                    scraping.fetch_add(1, Ordering::AcqRel);
                }
                if done.load(Ordering::Acquire) {
                    break;
                }
            }
            scrapes
        });
        let sampler = s.spawn(|| {
            let mut n = 0u32;
            while !done.load(Ordering::Acquire) {
                hub.record(MetricId::CPU_USAGE.series(), f64::from(n % 100));
                n += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        let started = std::time::Instant::now();
        while scraping.load(Ordering::Acquire) < 2 {
            if metrics.is_finished() || entries.is_finished() || started.elapsed() > Duration::from_secs(60) {
                // A scraper failed (its panic comes out of the join below).
                done.store(true, Ordering::Release);
                break;
            }
            std::thread::yield_now();
        }
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                s.spawn(move || {
                    for n in 0..PER_THREAD {
                        if n % 500 == 0 {
                            log::warn!(target: "stress", "{}", message(t, n));
                        } else {
                            log::info!(target: "stress", "{}", message(t, n));
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("worker");
        }
        done.store(true, Ordering::Release);
        sampler.join().expect("sampler");
        (metrics.join().expect("metrics scraper"), entries.join().expect("entries scraper"))
    });
    log::logger().flush();

    let (lines, files) = read_rotated_set(&log);
    assert!(files > 20, "only {files} files: rotation did not happen");
    let mut seen = HashSet::new();
    let mut last = [None::<usize>; THREADS];
    for line in &lines {
        let Some((t, n)) = hammer_line(line) else { continue };
        assert!(seen.insert((t, n)), "t{t} n{n} written twice");
        assert!(last[t].is_none_or(|l| n > l), "t{t} n{n} after n{:?}", last[t]);
        last[t] = Some(n);
    }
    let stats = hub.ring().stats();
    let lost = hub.lost();
    assert_eq!(hub.sink_errors(), 0);
    // Every entry the ring numbered is one line in the set, or counted lost.
    assert_eq!(
        lines.len() as u64 + lost,
        stats.next_seq,
        "{} lines + {lost} lost != {} entries",
        lines.len(),
        stats.next_seq
    );
    // And the hammer lines in particular: written once, or among the lost.
    let hammered = (THREADS * PER_THREAD) as u64;
    assert!(
        seen.len() as u64 <= hammered && seen.len() as u64 + lost >= hammered,
        "{} of {hammered} hammer lines written, {lost} lost",
        seen.len()
    );
    let (status, metrics) = http_get(&addr, "/metrics").expect("final scrape");
    assert_eq!(status, 200);
    assert_eq!(exposed(&metrics, "vitals_log_lost_total"), Some(lost as f64), "{metrics}");
    assert!(metric_scrapes > 0 && entry_scrapes > 0, "{metric_scrapes} / {entry_scrapes} scrapes");
    println!(
        "{} lines in {files} files, {lost} lost, {metric_scrapes} /metrics and {entry_scrapes} /entries scrapes",
        lines.len()
    );
}
