//! The `vitals` command line: help texts (snapshots), `snapshot` in each
//! format (Prometheus text checked by promtool), `decode` of a stream made
//! here by the core's encoder, intact and damaged, and usage errors.
#![cfg(target_os = "linux")]

mod common;

use assert_cmd::Command;
use vitals_core::wire::{encode_frame, MAX_FRAME_LEN};
use vitals_core::{Cursor, Description, Event, Level, MetricId, MetricKind, Policy, Ring, Unit};

fn vitals() -> Command {
    let mut command = Command::new(common::VITALS);
    command.env_remove("VITALS_LOG").env("NO_COLOR", "1");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn help_texts() {
    let output = vitals().arg("--help").assert().success();
    insta::assert_snapshot!("vitals_help", text(&output.get_output().stdout));
    let output = vitals().args(["monitor", "--help"]).assert().success();
    insta::assert_snapshot!("monitor_help", text(&output.get_output().stdout));
}

#[test]
fn snapshot_prometheus_is_valid_exposition() {
    let output = vitals().args(["snapshot", "--prometheus"]).assert().success();
    let exposition = text(&output.get_output().stdout);
    // Every sample belongs to a family announced with HELP and TYPE.
    let mut families = Vec::new();
    for line in exposition.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(kind == "gauge" || kind == "counter", "{line}");
            assert!(exposition.contains(&format!("# HELP {name} ")), "no HELP for {name}");
            families.push(name.to_owned());
        } else if !line.starts_with('#') {
            let name = line.split(['{', ' ']).next().unwrap_or("");
            assert!(families.iter().any(|f| f == name), "sample before its TYPE: {line}");
        }
    }
    for family in ["vitals_memory_MemTotal_bytes", "vitals_cpu_usage_percent", "vitals_memory_usage_percent"]
    {
        assert!(families.iter().any(|f| f == family), "{family} missing:\n{exposition}");
    }
    let total = exposition
        .lines()
        .find_map(|l| l.strip_prefix("vitals_memory_MemTotal_bytes ")?.parse::<f64>().ok())
        .expect("a MemTotal sample");
    assert!(total > 0.0, "{total}");
    common::promtool_check_metrics(&exposition);
}

#[test]
fn snapshot_json_is_one_metric_object_per_line() {
    let output = vitals().args(["snapshot", "--json"]).assert().success();
    let stdout = text(&output.get_output().stdout);
    let mut metrics = Vec::new();
    for line in stdout.lines() {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert_eq!(value["type"], "metric", "{line}");
        let metric = value["metric"].as_str().unwrap_or_else(|| panic!("no \"metric\" field: {line}"));
        assert!(value["value"].is_number(), "{line}");
        metrics.push(metric.to_owned());
    }
    for wanted in ["cpu.usage", "memory.total", "memory.usage"] {
        assert!(metrics.iter().any(|m| m == wanted), "{wanted} missing:\n{stdout}");
    }
}

/// 2025-11-24T16:00:00Z, the wall-clock time of ring time 0 in the stream.
const ANCHOR_US: u64 = 1_764_000_000_000_000;

/// A stream of three frames, as a firmware or a page export writes it, and
/// the byte ranges of each frame.
fn stream() -> (Vec<u8>, Vec<std::ops::Range<usize>>) {
    let mut ring = Ring::new(vec![0u8; 8192], Policy::OverwriteOldest);
    let mut cursor = Cursor::new();
    let mut out = vec![0u8; MAX_FRAME_LEN];
    let mut bytes = Vec::new();
    let mut frames = Vec::new();
    let mut frame = |ring: &Ring<Vec<u8>>, cursor: &mut Cursor| {
        let encoded = encode_frame(ring, cursor, &mut out);
        assert!(encoded.entries > 0 && !encoded.more && encoded.lost == 0, "{encoded:?}");
        frames.push(bytes.len()..bytes.len() + encoded.bytes);
        bytes.extend_from_slice(&out[..encoded.bytes]);
    };
    let push = |result: Result<u64, vitals_core::PushError>| result.expect("push");
    push(ring.push_event(0, Event::Anchor { unix_us: ANCHOR_US }));
    push(ring.push_log(1_000, Level::Info, b"app", b"started, firmware 1.2.3"));
    push(ring.push_metric(250_000, MetricId::CPU_USAGE.series(), 12.5));
    push(ring.push_metric(250_000, MetricId::MEM_TOTAL.series(), 268_435_456.0));
    frame(&ring, &mut cursor);
    push(ring.push_log(1_500_000, Level::Warn, b"disk", b"usage 91% >= 90%"));
    push(ring.push_metric(1_500_250, MetricId::MEM_USAGE.series(), 73.25));
    push(ring.push_log(1_750_000, Level::Debug, b"net::wifi", b"rssi -67 dBm"));
    frame(&ring, &mut cursor);
    push(ring.push_log(2_000_000, Level::Error, b"net", b"link down"));
    push(ring.push_log(2_000_001, Level::Critical, b"power", b"brown-out, rebooting"));
    push(ring.push_metric(2_500_000, MetricId::CPU_USAGE.series(), 97.0));
    frame(&ring, &mut cursor);
    (bytes, frames)
}

#[test]
fn decode_prints_every_entry_of_a_clean_stream() {
    let (bytes, _) = stream();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("capture.bin");
    std::fs::write(&path, &bytes).expect("write capture");

    let output = vitals().arg("decode").arg(&path).assert().success();
    assert!(output.get_output().stderr.is_empty(), "{}", text(&output.get_output().stderr));
    insta::assert_snapshot!("decode_human", text(&output.get_output().stdout));

    // stdin, as JSON Lines.
    let output = vitals().args(["decode", "-", "--json"]).write_stdin(bytes).assert().success();
    let stdout = text(&output.get_output().stdout);
    for line in stdout.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    }
    insta::assert_snapshot!("decode_json", stdout);
}

#[test]
fn decode_skips_damage_reports_it_and_goes_on() {
    let (clean, frames) = stream();
    // Garbage (no 0x00, so no frame boundary) in the middle of frame 2.
    let middle = frames[1].start + frames[1].len() / 2;
    let mut damaged = clean[..middle].to_vec();
    damaged.extend_from_slice(b"\x13\x37 line noise \xff\xfe\x01");
    damaged.extend_from_slice(&clean[middle..]);

    let output = vitals().arg("decode").write_stdin(damaged).assert().code(1);
    let stdout = text(&output.get_output().stdout);
    let stderr = text(&output.get_output().stderr);
    assert!(stderr.contains("vitals decode: skipped "), "{stderr}");
    assert!(stderr.contains("damaged spans; decoded 7 entries from 2 frames"), "{stderr}");
    // The entries of frames 1 and 3 are there; those of frame 2 are not.
    let clean_lines = text(&vitals().arg("decode").write_stdin(clean).assert().success().get_output().stdout);
    let clean_lines: Vec<&str> = clean_lines.lines().collect();
    let decoded: Vec<&str> = stdout.lines().collect();
    assert_eq!(clean_lines.len(), 10, "{clean_lines:#?}");
    let mut expected = clean_lines[..4].to_vec(); // anchor, log, 2 metrics
    expected.extend_from_slice(&clean_lines[7..]); // error, critical, metric
    assert_eq!(decoded, expected, "stderr: {stderr}");
    assert!(stderr.contains("3 entries missing here"), "{stderr}");
}

/// A page's export: custom metrics and a label named by description
/// records, one of them only after the samples it names.
#[test]
fn decode_names_custom_metrics_from_the_stream() {
    let heap = MetricId(MetricId::CUSTOM_BASE);
    let fps = MetricId(MetricId::CUSTOM_BASE + 1);
    let mut ring = Ring::new(vec![0u8; 4096], Policy::OverwriteOldest);
    let named = |metric, name, unit| Description::Metric { metric, name, unit, kind: MetricKind::Gauge };
    ring.push_description(0, named(heap, "browser.js_heap_used", Unit::Bytes)).expect("push");
    ring.push_metric(1_000, heap.series(), 12_582_912.0).expect("push");
    ring.push_metric(2_000, fps.instance(1), 59.5).expect("push");
    ring.push_description(3_000, named(fps, "browser.fps", Unit::Hertz)).expect("push");
    ring.push_description(3_000, Description::Label { series: fps.instance(1), label: "main" })
        .expect("push");
    let mut out = vec![0u8; MAX_FRAME_LEN];
    let frame = encode_frame(&ring, &mut Cursor::new(), &mut out);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("page.bin");
    std::fs::write(&path, &out[..frame.bytes]).expect("write export");

    // A file is read for names first: every sample is named.
    let output = vitals().arg("decode").arg(&path).assert().success();
    let lines = text(&output.get_output().stdout);
    assert!(lines.contains("METRIC browser.js_heap_used 12.0 MiB"), "{lines}");
    assert!(lines.contains("METRIC browser.fps{instance=main} 59.5Hz"), "{lines}");
    assert!(lines.contains("DESCRIBE metric#129 = browser.fps (hertz, gauge)"), "{lines}");
    assert!(!lines.contains("METRIC metric#"), "{lines}");

    // From stdin, a name applies from its description on.
    let output = vitals().arg("decode").write_stdin(out[..frame.bytes].to_vec()).assert().success();
    let lines = text(&output.get_output().stdout);
    assert!(lines.contains("METRIC browser.js_heap_used 12.0 MiB"), "{lines}");
    assert!(lines.contains("METRIC metric#129{instance=1} 59.5"), "{lines}");
}

#[test]
fn decode_of_a_missing_file_is_a_usage_error() {
    let output = vitals().args(["decode", "/nonexistent-dir/capture.bin"]).assert().code(2);
    let stderr = text(&output.get_output().stderr);
    assert!(stderr.contains("cannot open /nonexistent-dir/capture.bin"), "{stderr}");
    assert!(stderr.contains("No such file or directory"), "{stderr}");
}

#[test]
fn a_bad_interval_lists_the_accepted_forms() {
    let output = vitals().args(["monitor", "--no-tui", "--interval", "fast"]).assert().code(2);
    let stderr = text(&output.get_output().stderr);
    assert!(stderr.contains("invalid duration \"fast\""), "{stderr}");
    for form in ["500ms", "1s", "2.5s", "10m", "1h"] {
        assert!(stderr.contains(form), "{form} not listed: {stderr}");
    }
    assert!(output.get_output().stdout.is_empty());
}

/// The promtool check used above is not vacuous: a lint it must not excuse
/// fails the test, and so does text that does not parse.
#[test]
#[should_panic(expected = "promtool lint problems")]
fn the_promtool_check_fails_on_other_lints() {
    common::promtool_check_metrics("# HELP jobs_done Jobs done.\n# TYPE jobs_done counter\njobs_done 1\n");
}

#[test]
#[should_panic(expected = "promtool check metrics failed")]
fn the_promtool_check_fails_on_bad_text() {
    common::promtool_check_metrics("vitals_cpu_usage_percent{ 1\n");
}
