//! The demo firmware (`firmware-example/src/bin/vitals_demo.rs`) in QEMU,
//! on a Cortex-M3 (`lm3s6965evb`, thumbv7m) and a Cortex-M0 (`microbit`,
//! thumbv6m): built, run with a time limit, and its two outputs decoded and
//! checked —
//!
//! - the defmt frames on QEMU's stdout (semihosting), decoded with
//!   `defmt-decoder` against the ELF's defmt table;
//! - the wire-format exports the firmware writes through semihosting into
//!   QEMU's working directory, before its warm reset (`vitals-boot1.bin`) and
//!   after it (`vitals-boot2.bin`), decoded with `vitals_core::wire::Decoder`.
//!
//! The checks: every level present, plausible MCU samples, the threshold
//! alerts of the temperature ramp, the entries kept across the reset (with
//! a `Boot` event), and not one undecodable byte. The decoded text is then
//! compared with a snapshot in `tests/snapshots/` (values that depend on
//! the compiler, such as stack depths, normalized away); run with
//! `VITALS_BLESS=1` (`cargo xtask test --bless`) to rewrite the snapshots.
//! Nothing depends on timing: the firmware runs on a simulated clock.
//!
//! These tests need `qemu-system-arm` and the `thumbv6m-none-eabi` and
//! `thumbv7m-none-eabi` targets, so a plain `cargo test` skips them;
//! `cargo xtask test` installs both and runs them with `--ignored`.

use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

mod support;

use support::{build_firmware, firmware_dir};

use defmt_decoder::{DecodeError as DefmtDecodeError, Table};
use vitals_core::wire::{DecodeStats, Decoded, Decoder};
use vitals_core::{format, EntryKind, Event, Level, MetricId, ResetReason, CATALOG};

/// QEMU is stopped, and the test fails, after this long.
const QEMU_LIMIT: Duration = Duration::from_secs(60);

/// The env var that makes the test rewrite its snapshots instead of comparing.
const BLESS_VAR: &str = "VITALS_BLESS";

/// A QEMU machine and the target its firmware is built for.
struct Board {
    machine: &'static str,
    cpu: &'static str,
    target: &'static str,
    ram_bytes: f64,
}

const LM3S6965EVB: Board = Board {
    machine: "lm3s6965evb",
    cpu: "cortex-m3",
    target: "thumbv7m-none-eabi",
    ram_bytes: 64.0 * 1024.0,
};

const MICROBIT: Board =
    Board { machine: "microbit", cpu: "cortex-m0", target: "thumbv6m-none-eabi", ram_bytes: 16.0 * 1024.0 };

#[test]
#[ignore = "needs qemu-system-arm and the thumbv7m-none-eabi target; `cargo xtask test` runs it"]
fn demo_on_lm3s6965evb_cortex_m3() {
    check_demo(&LM3S6965EVB);
}

#[test]
#[ignore = "needs qemu-system-arm and the thumbv6m-none-eabi target; `cargo xtask test` runs it"]
fn demo_on_microbit_cortex_m0() {
    check_demo(&MICROBIT);
}

#[test]
#[ignore = "needs qemu-system-arm and the thumbv7m-none-eabi target; `cargo xtask test` runs it"]
fn corrupted_ring_starts_empty_on_lm3s6965evb_cortex_m3() {
    check_fault_firmware(&LM3S6965EVB);
}

#[test]
#[ignore = "needs qemu-system-arm and the thumbv6m-none-eabi target; `cargo xtask test` runs it"]
fn corrupted_ring_starts_empty_on_microbit_cortex_m0() {
    check_fault_firmware(&MICROBIT);
}

fn check_demo(board: &Board) {
    let elf_path = build_firmware(board.target, "vitals_demo");
    let elf = fs::read(&elf_path).unwrap_or_else(|e| panic!("reading {}: {e}", elf_path.display()));
    let workdir = firmware_dir().join("target").join("qemu").join(board.machine);
    let _ = fs::remove_dir_all(&workdir);
    fs::create_dir_all(&workdir).unwrap_or_else(|e| panic!("creating {}: {e}", workdir.display()));

    let stdout = run_qemu(board, &elf_path, &workdir);
    let defmt_lines = decode_defmt(&elf, &stdout);
    let before = decode_wire(&read(&workdir.join("vitals-boot1.bin")));
    let after = decode_wire(&read(&workdir.join("vitals-boot2.bin")));

    let snapshot = render(board, &defmt_lines, &before, &after);
    // Kept for a look when a check below fails.
    let actual_path = workdir.join("actual.snap");
    let _ = fs::write(&actual_path, &snapshot);
    eprintln!("decoded output: {}", actual_path.display());

    check_defmt(&defmt_lines);
    check_first_boot(board, &before);
    check_after_reset(&before, &after);
    compare_snapshot(board, &snapshot, &actual_path);
}

/// The decoded output as snapshot text.
fn render(board: &Board, defmt_lines: &[String], before: &Export, after: &Export) -> String {
    let mut snapshot = String::new();
    let _ = writeln!(snapshot, "# vitals_demo on QEMU {} ({}, {})\n", board.machine, board.cpu, board.target);
    snapshot.push_str("## defmt frames on QEMU's stdout\n\n");
    for line in defmt_lines {
        let _ = writeln!(snapshot, "{}", normalize(line));
    }
    for (name, export) in [("vitals-boot1.bin", &before), ("vitals-boot2.bin", &after)] {
        let _ = writeln!(
            snapshot,
            "\n## {name}: {} frames, {} entries, {} bad frames\n",
            export.stats.frames, export.stats.entries, export.stats.bad_frames
        );
        for entry in &export.entries {
            let _ = writeln!(snapshot, "{}", normalize(&entry.line));
        }
    }
    snapshot
}

// --- building and running ------------------------------------------------

/// `firmware-example/src/bin/fault_corrupt_ring.rs`: the ring's records
/// damaged before the first reset and its header before the second. Each
/// boot checks its own `BootReport` (the firmware exits non-zero otherwise);
/// here the defmt output must show both starts from empty with their reason,
/// and the final export must hold only the last boot's entries.
fn check_fault_firmware(board: &Board) {
    let elf_path = build_firmware(board.target, "fault_corrupt_ring");
    let elf = fs::read(&elf_path).unwrap_or_else(|e| panic!("reading {}: {e}", elf_path.display()));
    let workdir = firmware_dir().join("target").join("qemu").join(format!("fault-{}", board.machine));
    let _ = fs::remove_dir_all(&workdir);
    fs::create_dir_all(&workdir).unwrap_or_else(|e| panic!("creating {}: {e}", workdir.display()));

    let lines = decode_defmt(&elf, &run_qemu(board, &elf_path, &workdir));
    let text = lines.join("\n");
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(has("records overwritten"), "boot 1 did not damage the records:\n{text}");
    assert!(has("persistent ring corrupt (records), starting empty"), "boot 2 did not say why:\n{text}");
    assert!(has("ring header damaged"), "boot 2 did not damage the header:\n{text}");
    assert!(has("the ring started empty twice"), "boot 3 did not run to the end:\n{text}");
    assert!(!lines.iter().any(|l| l.starts_with("ERROR")), "a boot saw something else:\n{text}");

    let export = decode_wire(&read(&workdir.join("vitals-fault.bin")));
    let logs: Vec<&str> = export
        .entries
        .iter()
        .filter_map(|e| match &e.kind {
            Kind::Log { message, .. } => Some(message.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        logs.iter().any(|m| m.contains("persistent ring not found")),
        "the last boot's ring does not say it started empty: {logs:?}"
    );
    assert!(
        logs.iter().all(|m| !m.starts_with("boot 1") && !m.starts_with("boot 2")),
        "entries from before the damage came back: {logs:?}"
    );
    let boots = export.entries.iter().filter(|e| matches!(e.kind, Kind::Boot(ResetReason::Software))).count();
    assert_eq!(boots, 1, "the export should hold exactly the last boot's Boot event: {logs:?}");
}

/// Runs the firmware to its semihosting exit, in `workdir`; returns QEMU's
/// stdout (the defmt frames). Fails on a non-zero exit or after [`QEMU_LIMIT`].
fn run_qemu(board: &Board, elf: &Path, workdir: &Path) -> Vec<u8> {
    let mut child = Command::new("qemu-system-arm")
        .args(["-cpu", board.cpu, "-machine", board.machine, "-nographic"])
        .args(["-semihosting-config", "enable=on,target=native", "-kernel"])
        .arg(elf)
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start qemu-system-arm ({e}): `apt-get install qemu-system-arm`, or run `cargo xtask test`")
        });
    let mut stdout_pipe = child.stdout.take().expect("piped");
    let mut stderr_pipe = child.stderr.take().expect("piped");
    let stdout = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut bytes);
        bytes
    });
    let stderr = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for QEMU") {
            break Some(status);
        }
        if started.elapsed() > QEMU_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    match status {
        Some(status) if status.success() => stdout,
        Some(status) => panic!(
            "QEMU {} exited with {status}: the firmware reported a failure\nstderr: {stderr}\n{} bytes of defmt output",
            board.machine,
            stdout.len()
        ),
        None => panic!(
            "QEMU {} still ran after {} s and was stopped (the firmware never exited)\nstderr: {stderr}",
            board.machine,
            QEMU_LIMIT.as_secs()
        ),
    }
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("the firmware did not write {}: {e}", path.display()))
}

// --- defmt ---------------------------------------------------------------

/// One line per defmt frame: `LEVEL message`. Every byte must belong to a
/// frame that decodes.
fn decode_defmt(elf: &[u8], stdout: &[u8]) -> Vec<String> {
    let table = Table::parse(elf).expect("reading the ELF's defmt table").expect("the ELF has a defmt table");
    let mut decoder = table.new_stream_decoder();
    let mut lines = Vec::new();
    // rzCOBS frames, each ending in 0x00: feed them one at a time, so each
    // must decode to exactly one frame.
    let (frames, trailing) = match stdout.iter().rposition(|&b| b == 0) {
        Some(last) => (&stdout[..=last], &stdout[last + 1..]),
        None => (&stdout[..0], stdout),
    };
    assert!(trailing.is_empty(), "{} bytes after the last defmt frame: {trailing:02x?}", trailing.len());
    for (i, frame) in frames.split_inclusive(|&b| b == 0).enumerate() {
        if frame == [0] {
            continue; // a lone delimiter: defmt's encoder starts each boot with one, to resynchronise
        }
        decoder.received(frame);
        match decoder.decode() {
            Ok(frame) => {
                let level = frame.level().map_or("PRINT", |level| level.as_str());
                lines.push(format!("{:<5} {}", level.to_uppercase(), frame.display_message()));
            }
            Err(DefmtDecodeError::UnexpectedEof | DefmtDecodeError::Malformed) => {
                panic!("defmt frame #{i} ({} bytes) does not decode: {frame:02x?}", frame.len())
            }
        }
        assert!(
            matches!(decoder.decode(), Err(DefmtDecodeError::UnexpectedEof)),
            "defmt frame #{i} held more than one frame"
        );
    }
    assert!(!lines.is_empty(), "no defmt output at all");
    lines
}

fn check_defmt(lines: &[String]) {
    for level in ["TRACE", "DEBUG", "INFO ", "WARN ", "ERROR"] {
        assert!(
            lines.iter().any(|l| l.starts_with(level)),
            "no defmt frame at {level}:\n{}",
            lines.join("\n")
        );
    }
    let has = |text: &str| lines.iter().any(|l| l.contains(text));
    assert!(has("CRITICAL"), "the CRITICAL log entry did not reach defmt");
    assert!(has("threshold temperature#0 -> CRITICAL"), "no critical threshold crossing in defmt");
    assert!(has("survived the reset"), "the second boot did not report the kept entries");
    assert!(has("boot, reset reason: software"), "no Boot event after the software reset in defmt");
    assert!(has("exported") && has("vitals-boot2.bin"), "the second export was not reported");
}

// --- the wire format -----------------------------------------------------

/// An entry from an export, owned.
#[derive(Clone, Debug, PartialEq)]
struct WireEntry {
    seq: u64,
    timestamp_us: u64,
    kind: Kind,
    /// logfmt, for the snapshot.
    line: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Log { level: Level, target: String, message: String },
    Metric { metric: MetricId, instance: u16, value: f64 },
    Boot(ResetReason),
    Threshold { to: Option<Level> },
    Other,
}

struct Export {
    entries: Vec<WireEntry>,
    stats: DecodeStats,
}

fn decode_wire(bytes: &[u8]) -> Export {
    let mut decoder = Decoder::new();
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut on_item = |item: Decoded<'_>| match item {
        Decoded::Entry { entry, anchor } => {
            let kind = match entry.kind {
                EntryKind::Log(log) => Kind::Log {
                    level: log.level,
                    target: String::from_utf8_lossy(log.target).into_owned(),
                    message: String::from_utf8_lossy(log.message).into_owned(),
                },
                EntryKind::Metric(sample) => Kind::Metric {
                    metric: sample.series.metric,
                    instance: sample.series.instance,
                    value: sample.value,
                },
                EntryKind::Event(Event::Boot { reason }) => Kind::Boot(reason),
                EntryKind::Event(Event::Threshold(crossing)) => Kind::Threshold { to: crossing.to },
                _ => Kind::Other,
            };
            let mut line = String::new();
            format::logfmt(&mut line, &entry, anchor, &CATALOG).expect("a String never fails");
            entries.push(WireEntry { seq: entry.seq, timestamp_us: entry.timestamp_us, kind, line });
        }
        Decoded::Gap { lost } => problems.push(format!("gap of {lost} entries")),
        Decoded::Skipped { bytes, error } => problems.push(format!("{bytes} bytes skipped: {error}")),
    };
    decoder.feed(bytes, &mut on_item);
    decoder.finish(&mut on_item);
    let stats = decoder.stats();
    assert!(problems.is_empty(), "the export does not decode cleanly: {problems:?} ({stats:?})");
    assert_eq!((stats.bad_frames, stats.skipped_bytes), (0, 0), "undecodable bytes in the export");
    assert!(!entries.is_empty(), "the export holds no entries");
    Export { entries, stats }
}

fn samples(export: &Export, wanted: MetricId) -> Vec<(u64, f64)> {
    export
        .entries
        .iter()
        .filter_map(|e| match e.kind {
            Kind::Metric { metric, value, .. } if metric == wanted => Some((e.timestamp_us, value)),
            _ => None,
        })
        .collect()
}

fn check_first_boot(board: &Board, export: &Export) {
    let entries = &export.entries;
    for level in [Level::Trace, Level::Debug, Level::Info, Level::Warn, Level::Error, Level::Critical] {
        assert!(
            entries.iter().any(|e| matches!(&e.kind, Kind::Log { level: l, .. } if *l == level)),
            "no {level:?} log entry in the first export"
        );
    }
    assert!(entries.iter().any(|e| e.kind == Kind::Boot(ResetReason::PowerOn)), "no power-on Boot event");

    let uptime = samples(export, MetricId::UPTIME);
    assert!(uptime.len() >= 10, "only {} uptime samples", uptime.len());
    assert!(uptime.windows(2).all(|w| w[1].1 > w[0].1), "uptime does not increase: {uptime:?}");
    let stack = samples(export, MetricId::STACK_HIGH_WATER);
    assert!(!stack.is_empty(), "no stack high-water samples");
    assert!(
        stack.iter().all(|&(_, bytes)| bytes > 0.0 && bytes < board.ram_bytes),
        "stack high-water outside (0, RAM): {stack:?}"
    );
    let ring_used = samples(export, MetricId::RING_USED);
    assert!(ring_used.iter().all(|&(_, bytes)| bytes > 0.0), "ring used 0: {ring_used:?}");
    assert!(!samples(export, MetricId::RING_DROPPED).is_empty(), "no ring-dropped samples");
    let cpu = samples(export, MetricId::CPU_USAGE);
    assert!(!cpu.is_empty(), "no CPU samples");
    assert!(cpu.iter().all(|&(_, load)| (0.0..=100.0).contains(&load)), "CPU load outside 0..100: {cpu:?}");
    let temperature = samples(export, MetricId::TEMPERATURE);
    assert!(temperature.iter().any(|&(_, t)| t > 80.0), "the temperature ramp never passed 80 °C");

    // The alert: the ramp crosses warn, error and critical, and comes back.
    for to in [Some(Level::Warn), Some(Level::Error), Some(Level::Critical), None] {
        assert!(
            entries.iter().any(|e| e.kind == Kind::Threshold { to }),
            "no threshold crossing to {to:?} in the first export"
        );
    }
    // Each crossing also wrote a log entry, at the level reached, under the metric's name.
    for level in [Level::Warn, Level::Error, Level::Critical] {
        assert!(
            entries.iter().any(|e| matches!(
                &e.kind,
                Kind::Log { level: l, target, message } if *l == level && target == "temperature" && message.contains('≥')
            )),
            "no {level:?} alert entry from the temperature rule"
        );
    }
}

fn check_after_reset(before: &Export, after: &Export) {
    let boot = after
        .entries
        .iter()
        .position(|e| e.kind == Kind::Boot(ResetReason::Software))
        .expect("no Boot event with reason `software` after the reset");
    // Everything the first boot exported is still there, unchanged, with the
    // same sequence numbers, right before the new Boot event.
    let kept = &after.entries[..boot];
    assert_eq!(kept.len(), before.entries.len(), "entries lost across the reset");
    for (old, new) in before.entries.iter().zip(kept) {
        assert_eq!(old, new, "an entry changed across the reset");
    }
    assert!(
        after.entries[boot].seq > before.entries.last().map_or(0, |e| e.seq),
        "sequence numbers restarted across the reset"
    );
    assert!(
        after.entries[boot..].iter().any(
            |e| matches!(&e.kind, Kind::Log { message, .. } if message.starts_with("back after a software reset"))
        ),
        "no log entry from the second boot"
    );
}

// --- snapshots -----------------------------------------------------------

/// Replaces numbers that depend on the compiler (stack depths) with `<n>`.
fn normalize(line: &str) -> String {
    const VOLATILE: &[&str] = &["stack painted: ", "stack.high_water"];
    let Some(marker) = VOLATILE.iter().find(|m| line.contains(*m)) else {
        return line.to_owned();
    };
    let start = line.find(marker).map_or(0, |i| i + marker.len());
    let (head, tail) = line.split_at(start);
    let mut out = head.to_owned();
    let mut in_number = false;
    for c in tail.chars() {
        if c.is_ascii_digit() || (in_number && c == '.') {
            if !in_number {
                out.push_str("<n>");
                in_number = true;
            }
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

fn compare_snapshot(board: &Board, actual: &str, actual_path: &Path) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("snapshots")
        .join(format!("firmware_qemu__{}.snap", board.machine));
    if std::env::var_os(BLESS_VAR).is_some_and(|v| v != "0") {
        fs::create_dir_all(path.parent().expect("has a parent")).expect("creating the snapshot folder");
        fs::write(&path, actual).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        eprintln!("blessed {}", path.display());
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "no snapshot at {} ({e}); review {} and run `cargo xtask test --bless` (or set {BLESS_VAR}=1) to accept it",
            path.display(),
            actual_path.display()
        )
    });
    if expected == actual {
        return;
    }
    let mut diff = String::new();
    let (old, new): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..old.len().max(new.len()) {
        let (a, b) = (old.get(i).copied(), new.get(i).copied());
        if a != b {
            let _ =
                writeln!(diff, "line {}:\n- {}\n+ {}", i + 1, a.unwrap_or("<none>"), b.unwrap_or("<none>"));
            if diff.lines().count() > 30 {
                break;
            }
        }
    }
    panic!(
        "the decoded output differs from {}:\n{diff}\nthe whole output is in {}; if the change is intended, \
         run `cargo xtask test --bless` (or set {BLESS_VAR}=1)",
        path.display(),
        actual_path.display()
    );
}
