//! The firmware example (`firmware-example/`, its own workspace) in the suite
//! and the bench.
//!
//! - [`test_steps`]: installs QEMU and the bare-metal targets, checks the
//!   example's formatting and lints, builds it for every bare-metal target,
//!   and runs the demo in QEMU through `tests/tests/firmware_qemu.rs`
//!   (snapshot-checked; `bless` rewrites the snapshots), then checks with
//!   `tests/tests/firmware_panic_paths.rs` that no panic branch in the demo
//!   or the size probes comes from Vitals code.
//! - [`footprint`]: what Vitals adds to a firmware's flash and RAM, and the
//!   bytes its entries take on the wire beside defmt's, as a Markdown table.
//!
//! # The footprint by hand
//!
//! ```text
//! cd firmware-example
//! T=thumbv7m-none-eabi            # and thumbv6m-none-eabi
//! cargo build --release --target $T --target-dir target --bin size_baseline --bin size_vitals
//! cargo build --release --target $T --target-dir target --features ufmt --bin size_vitals_ufmt
//! cargo build --release --target $T --target-dir target --features log --bin size_vitals_log --bin size_baseline_log
//! SIZE=$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/llvm-size   # rustup component add llvm-tools
//! $SIZE -A target/$T/release/size_baseline target/$T/release/size_vitals target/$T/release/size_vitals_ufmt \
//!   target/$T/release/size_vitals_log target/$T/release/size_baseline_log
//! # the wire and defmt bytes: run a probe, then look at its two outputs
//! mkdir -p /tmp/probe && cd /tmp/probe
//! qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic \
//!   -semihosting-config enable=on,target=native \
//!   -kernel /path/to/firmware-example/target/thumbv7m-none-eabi/release/size_vitals > defmt.bin
//! ls -l defmt.bin size-probe.bin   # defmt frames on stdout; the ring's wire-format export
//! ```
//!
//! The section sizes here come from the ELF section headers, read directly
//! (the xtask stays std-only); `llvm-size -A` prints the same numbers.

use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::command::Cmd;
use crate::error::{Error, Result};
use crate::setup::{apt, rustup};
use crate::steps::Step;
use crate::workspace;

/// The example's folder under the workspace root.
const FIRMWARE_DIR: &str = "firmware-example";

/// The Debian package with `qemu-system-arm` (`lm3s6965evb`, `microbit`).
const QEMU_PACKAGE: &str = "qemu-system-arm";

/// Targets the example builds for: the two QEMU boards' (M3, M0), a
/// Cortex-M4F, and RISC-V (build only).
const BUILD_TARGETS: &[&str] =
    &["thumbv7m-none-eabi", "thumbv6m-none-eabi", "thumbv7em-none-eabihf", "riscv32imc-unknown-none-elf"];

/// Targets clippy checks the example for: one per architecture flavour.
const CLIPPY_TARGETS: &[&str] = &["thumbv7m-none-eabi", "thumbv6m-none-eabi", "riscv32imc-unknown-none-elf"];

/// The env var `tests/tests/firmware_qemu.rs` reads to rewrite its snapshots.
const BLESS_VAR: &str = "VITALS_BLESS";

/// The QEMU test builds the firmware twice before it runs it: generous,
/// for a cold build on two cores.
const QEMU_TEST_LIMIT: Duration = Duration::from_secs(20 * 60);

/// A size probe in QEMU finishes in well under a second.
const PROBE_LIMIT: Duration = Duration::from_secs(60);

/// Targets the footprint is measured on, with the QEMU board that runs them.
const FOOTPRINT_TARGETS: &[(&str, &str, &str)] =
    &[("thumbv7m-none-eabi", "lm3s6965evb", "cortex-m3"), ("thumbv6m-none-eabi", "microbit", "cortex-m0")];

/// The ring the `size_vitals*` probes declare (`global_ring!(RING, 1024)`):
/// RAM the user chose, not overhead.
const PROBE_RING_BYTES: u64 = 1024;

/// Budgets from the issue: Memfault's SDK claims about 5 KB of flash and
/// 1.5 KB of RAM; Vitals aims lower.
const FLASH_BUDGET: u64 = 4096;
const RAM_OVERHEAD_BUDGET: u64 = 128;

/// The steps `cargo xtask test` runs for the firmware example, in order.
pub(crate) fn test_steps(bless: bool) -> Vec<Step> {
    let mut lints = Step::new("firmware fmt + clippy").run(firmware_cargo().args(["fmt", "--", "--check"]));
    for target in CLIPPY_TARGETS {
        lints = lints.run(
            firmware_cargo()
                .args(["clippy", "--release", "--features", "log", "--target", target])
                .args(["--", "-D", "warnings"]),
        );
    }
    let mut builds = Step::new("firmware build matrix");
    for target in BUILD_TARGETS {
        builds = builds.run(firmware_cargo().args([
            "build",
            "--release",
            "--features",
            "log",
            "--target",
            target,
        ]));
    }
    let mut qemu = Cmd::cargo()
        .args(["test", "-p", "vitals-tests", "--test", "firmware_qemu", "--", "--ignored"])
        .timeout(QEMU_TEST_LIMIT);
    if bless {
        qemu = qemu.env(BLESS_VAR, "1");
    }
    let panic_paths = Cmd::cargo()
        .args(["test", "-p", "vitals-tests", "--test", "firmware_panic_paths", "--", "--ignored"])
        .timeout(QEMU_TEST_LIMIT);
    vec![
        Step::new("firmware setup").call(|| {
            apt::ensure_apt(&[QEMU_PACKAGE])?;
            rustup::ensure_targets(BUILD_TARGETS)
        }),
        lints,
        builds,
        Step::new("firmware in QEMU (lm3s6965evb, microbit)").run(qemu),
        Step::new("firmware: no panic path from Vitals code").run(panic_paths),
    ]
}

/// `cargo` inside the example, so its `.cargo/config.toml` (target,
/// runner, `DEFMT_LOG`) applies, with its own target directory whatever
/// `CARGO_TARGET_DIR` says.
fn firmware_cargo() -> Cmd {
    Cmd::cargo().dir(firmware_dir()).env("CARGO_TARGET_DIR", target_dir().display().to_string())
}

fn firmware_dir() -> PathBuf {
    workspace::root().join(FIRMWARE_DIR)
}

/// The firmware's build cache, which the suite may clear once the firmware
/// steps are done (see `disk::make_room`).
pub(crate) fn target_dir() -> PathBuf {
    firmware_dir().join("target")
}

/// Builds the size probes for each of [`FOOTPRINT_TARGETS`], measures their
/// sections, runs them in QEMU, and returns the figures as Markdown.
pub(crate) fn footprint() -> Result<String> {
    apt::ensure_apt(&[QEMU_PACKAGE])?;
    let targets: Vec<&str> = FOOTPRINT_TARGETS.iter().map(|(target, _, _)| *target).collect();
    rustup::ensure_targets(&targets)?;

    let mut out = String::from("## Firmware footprint\n\n");
    let _ = writeln!(
        out,
        "Size probes in `firmware-example/src/bin/`, `opt-level = \"z\"`, fat LTO, `panic = \"abort\"`: \
         `size_baseline` (defmt over semihosting, eight readings, saved to a host file), `size_vitals` \
         (+ a {PROBE_RING_BYTES}-byte ring, `vitals_embedded::info!` and a metric sample per reading, \
         `stream_to`), `size_vitals_ufmt` (the same with the macros formatting through ufmt, feature \
         `ufmt`), `size_vitals_log` (the same through `log::info!` and a `RingLogger` without per-target \
         rules), `size_baseline_log` (`size_baseline` also logging each reading through `log::info!` to \
         a plain logger that prints the formatted message through defmt: the same firmware as \
         `size_vitals_log` without Vitals, which links `core::fmt` for `log`'s messages either way; \
         `size_vitals_log` is also compared with it). \
         Flash = `.vector_table` + `.text` + `.rodata` + `.data`; RAM = `.data` + `.bss` + `.uninit`. \
         Budget: flash added ≤ {FLASH_BUDGET} B, RAM added beyond the ring's own bytes ≤ \
         {RAM_OVERHEAD_BUDGET} B (Memfault's SDK claims about 5 KB flash and 1.5 KB RAM).\n"
    );
    let mut wire = None;
    for (target, machine, cpu) in FOOTPRINT_TARGETS {
        build_probes(target)?;
        let release = firmware_dir().join("target").join(target).join("release");
        let probes =
            ["size_baseline", "size_vitals", "size_vitals_ufmt", "size_vitals_log", "size_baseline_log"];
        let mut sizes = Vec::new();
        for probe in probes {
            sizes.push((probe, Sections::read(&release.join(probe))?));
        }
        out.push_str(&size_table(target, &sizes));
        if wire.is_none() {
            let run = run_probe(&release.join("size_vitals"), machine, cpu)?;
            wire = Some((target, machine, run));
        }
    }
    if let Some((target, machine, run)) = wire {
        out.push_str(&wire_table(target, machine, &run)?);
    }
    Ok(out)
}

/// `size_baseline` and `size_vitals` without features, then
/// `size_vitals_ufmt` and the two `log` probes each with only their own,
/// so no probe carries another's code.
fn build_probes(target: &str) -> Result<()> {
    firmware_cargo()
        .args(["build", "--release", "--target", target, "--bin", "size_baseline", "--bin", "size_vitals"])
        .run()?;
    firmware_cargo()
        .args(["build", "--release", "--target", target, "--features", "ufmt", "--bin", "size_vitals_ufmt"])
        .run()?;
    firmware_cargo()
        .args(["build", "--release", "--target", target, "--features", "log", "--bin", "size_vitals_log"])
        .args(["--bin", "size_baseline_log"])
        .run()
}

/// Sizes of the sections that end up in flash or RAM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sections {
    vector_table: u64,
    text: u64,
    rodata: u64,
    data: u64,
    bss: u64,
    uninit: u64,
}

impl Sections {
    fn read(elf: &Path) -> Result<Self> {
        let bytes = fs::read(elf).map_err(|e| Error::new(format!("reading {}: {e}", elf.display())))?;
        Self::parse(&bytes).map_err(|why| Error::new(format!("{}: {why}", elf.display())))
    }

    /// Reads a little-endian ELF32's section headers (what the Arm and
    /// RISC-V 32-bit targets produce).
    fn parse(elf: &[u8]) -> std::result::Result<Self, String> {
        if elf.get(..4) != Some(b"\x7fELF") {
            return Err("not an ELF file".into());
        }
        if elf.get(4..6) != Some(&[1, 1]) {
            return Err("not a little-endian 32-bit ELF".into());
        }
        let u16_at = |at: usize| elf.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let u32_at = |at: usize| elf.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let truncated = || "truncated section headers".to_owned();
        let shoff = u32_at(0x20).ok_or_else(truncated)? as usize;
        let shentsize = usize::from(u16_at(0x2E).ok_or_else(truncated)?);
        let shnum = usize::from(u16_at(0x30).ok_or_else(truncated)?);
        let shstrndx = usize::from(u16_at(0x32).ok_or_else(truncated)?);
        let header = |i: usize| shoff + i * shentsize;
        let names_at = u32_at(header(shstrndx) + 16).ok_or_else(truncated)? as usize;
        let mut sections = Sections::default();
        for i in 0..shnum {
            let name_at = names_at + u32_at(header(i)).ok_or_else(truncated)? as usize;
            let name_bytes = elf.get(name_at..).ok_or_else(truncated)?;
            let name = &name_bytes[..name_bytes.iter().position(|&b| b == 0).unwrap_or(name_bytes.len())];
            let size = u64::from(u32_at(header(i) + 20).ok_or_else(truncated)?);
            match name {
                b".vector_table" => sections.vector_table += size,
                b".text" | b".init" | b".trap" => sections.text += size,
                b".rodata" | b".srodata" => sections.rodata += size,
                b".data" | b".sdata" => sections.data += size,
                b".bss" | b".sbss" => sections.bss += size,
                b".uninit" => sections.uninit += size,
                _ => {}
            }
        }
        Ok(sections)
    }

    /// Bytes in flash: code, constants, and the initial values of `.data`.
    fn flash(&self) -> u64 {
        self.vector_table + self.text + self.rodata + self.data
    }

    /// Bytes of static RAM (the stack comes on top).
    fn ram(&self) -> u64 {
        self.data + self.bss + self.uninit
    }
}

fn size_table(target: &str, sizes: &[(&str, Sections)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n### {target}\n");
    let _ = writeln!(out, "| probe | .text | .rodata | .data | .bss | flash | RAM | flash added | RAM added (beyond the ring) |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let Some((_, base)) = sizes.first() else { return out };
    let log_base = sizes.iter().find(|(name, _)| *name == "size_baseline_log").map(|(_, s)| *s);
    for (name, s) in sizes {
        let (flash_added, ram_added) =
            (s.flash() as i64 - base.flash() as i64, s.ram() as i64 - base.ram() as i64);
        let (flash_cell, ram_cell) = if name == &"size_baseline" {
            ("—".to_owned(), "—".to_owned())
        } else if name == &"size_baseline_log" {
            (
                format!("{flash_added} (`log`, `core::fmt` and the defmt logger; no budget)"),
                format!("{ram_added}"),
            )
        } else if let (true, Some(log_base)) = (name == &"size_vitals_log", log_base) {
            let flash_added = s.flash() as i64 - log_base.flash() as i64;
            let overhead = s.ram() as i64 - log_base.ram() as i64 - PROBE_RING_BYTES as i64;
            let flash_ok = if flash_added <= FLASH_BUDGET as i64 { "within" } else { "over" };
            let ram_ok = if overhead <= RAM_OVERHEAD_BUDGET as i64 { "within" } else { "over" };
            (
                format!(
                    "{flash_added} against `size_baseline_log` ({flash_ok} {FLASH_BUDGET}); {} against `size_baseline`",
                    s.flash() as i64 - base.flash() as i64
                ),
                format!("{ram_added} ({overhead:+} beyond the ring against `size_baseline_log`; {ram_ok} {RAM_OVERHEAD_BUDGET})"),
            )
        } else {
            let overhead = ram_added - PROBE_RING_BYTES as i64;
            let flash_ok = if flash_added <= FLASH_BUDGET as i64 { "within" } else { "over" };
            let ram_ok = if overhead <= RAM_OVERHEAD_BUDGET as i64 { "within" } else { "over" };
            (
                format!("{flash_added} ({flash_ok} {FLASH_BUDGET})"),
                format!("{ram_added} ({overhead:+} beyond the ring; {ram_ok} {RAM_OVERHEAD_BUDGET})"),
            )
        };
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {} | {} | {} | {} | {flash_cell} | {ram_cell} |",
            s.text,
            s.rodata,
            s.data,
            s.bss,
            s.flash(),
            s.ram()
        );
    }
    out
}

/// What a probe wrote: defmt frames on stdout, the wire export in a file.
struct ProbeRun {
    stdout: Vec<u8>,
    export: Vec<u8>,
}

/// Runs `elf` in QEMU in a fresh folder and collects both outputs.
fn run_probe(elf: &Path, machine: &str, cpu: &str) -> Result<ProbeRun> {
    let name = elf.file_name().map_or("probe".into(), |n| n.to_string_lossy().into_owned());
    let workdir = firmware_dir().join("target").join("footprint").join(format!("{name}-{machine}"));
    let _ = fs::remove_dir_all(&workdir);
    fs::create_dir_all(&workdir).map_err(|e| Error::new(format!("creating {}: {e}", workdir.display())))?;
    let shown = format!(
        "(cd {} && qemu-system-arm -cpu {cpu} -machine {machine} -nographic -semihosting-config \
         enable=on,target=native -kernel {})",
        workdir.display(),
        elf.display()
    );
    println!("$ {shown}");
    let mut child = Command::new("qemu-system-arm")
        .args([
            "-cpu",
            cpu,
            "-machine",
            machine,
            "-nographic",
            "-semihosting-config",
            "enable=on,target=native",
        ])
        .arg("-kernel")
        .arg(elf)
        .current_dir(&workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::new(format!("could not start `{shown}`: {e} (is {QEMU_PACKAGE} installed?)")))?;
    let mut pipe = child.stdout.take().ok_or_else(|| Error::new("QEMU's stdout was not piped"))?;
    let reader = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > PROBE_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::new(format!(
                    "`{shown}` ran past {} s and was stopped",
                    PROBE_LIMIT.as_secs()
                )));
            }
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(Error::new(format!("waiting for `{shown}`: {e}"))),
        }
    };
    let stdout = reader.join().map_err(|_| Error::new("the stdout reader panicked"))?;
    if !status.success() {
        return Err(Error::new(format!("`{shown}` failed ({status}): the probe could not save its export")));
    }
    let export_path = workdir.join("size-probe.bin");
    let export = fs::read(&export_path)
        .map_err(|e| Error::new(format!("the probe wrote no {}: {e}", export_path.display())))?;
    Ok(ProbeRun { stdout, export })
}

/// Record sizes found in a wire-format stream (`core/FORMAT.md`).
#[derive(Debug, Default, PartialEq, Eq)]
struct WireRecords {
    /// Encoded frames, delimiter included.
    frame_bytes: Vec<usize>,
    /// Log records: their size, and their message's length.
    logs: Vec<(usize, usize)>,
    metrics: Vec<usize>,
    events: Vec<usize>,
}

impl WireRecords {
    /// Splits `stream` into frames and records. The CRC is not checked:
    /// this counts bytes; `tests/tests/firmware_qemu.rs` checks content.
    fn parse(stream: &[u8]) -> std::result::Result<Self, String> {
        let mut found = WireRecords::default();
        for chunk in stream.split(|&b| b == 0).filter(|chunk| !chunk.is_empty()) {
            let frame = cobs_decode(chunk).ok_or("bad COBS framing")?;
            let body = frame.get(..frame.len().saturating_sub(4)).ok_or("frame shorter than its CRC")?;
            let flags = *body.get(1).ok_or("frame without a header")?;
            let mut at = 2;
            varint(body, &mut at).ok_or("bad first_seq")?;
            varint(body, &mut at).ok_or("bad base_ts")?;
            if flags & 1 != 0 {
                varint(body, &mut at).ok_or("bad anchor")?;
            }
            while at < body.len() {
                let start = at;
                let len = varint(body, &mut at).ok_or("bad record length")? as usize;
                let record = body.get(at..at + len).ok_or("record past the frame's end")?;
                at += len;
                let size = at - start;
                match record.first().map(|tag| tag & 3) {
                    Some(0) => {
                        let mut inner = 1;
                        varint(record, &mut inner).ok_or("bad timestamp delta")?;
                        let target_len = varint(record, &mut inner).ok_or("bad target length")? as usize;
                        found.logs.push((size, record.len().saturating_sub(inner + target_len)));
                    }
                    Some(1) => found.metrics.push(size),
                    _ => found.events.push(size),
                }
            }
            found.frame_bytes.push(chunk.len() + 1);
        }
        Ok(found)
    }

    /// Frame bytes beyond the records: header, CRC, COBS and delimiter.
    fn overhead(&self) -> usize {
        let records: usize = self.logs.iter().map(|(size, _)| size).sum::<usize>()
            + self.metrics.iter().sum::<usize>()
            + self.events.iter().sum::<usize>();
        self.frame_bytes.iter().sum::<usize>().saturating_sub(records)
    }
}

/// Reverses COBS: `None` for bytes no encoder writes.
fn cobs_decode(encoded: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(encoded.len());
    let mut at = 0;
    while at < encoded.len() {
        let code = usize::from(encoded[at]);
        if code == 0 {
            return None;
        }
        let run = encoded.get(at + 1..at + code)?;
        out.extend_from_slice(run);
        at += code;
        if code < 0xFF && at < encoded.len() {
            out.push(0);
        }
    }
    Some(out)
}

/// Unsigned LEB128 at `*at`, advancing it.
fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..70).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7F).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// defmt frame sizes on a stdout stream: rzCOBS frames ending in 0x00, lone
/// delimiters (defmt starts a stream with one) left out.
fn defmt_frame_sizes(stdout: &[u8]) -> Vec<usize> {
    stdout
        .split_inclusive(|&b| b == 0)
        .filter(|frame| frame.len() > 1 && frame.ends_with(&[0]))
        .map(<[u8]>::len)
        .collect()
}

fn mean(values: impl IntoIterator<Item = usize>) -> f64 {
    let (sum, count) = values.into_iter().fold((0, 0), |(sum, count), v| (sum + v, count + 1));
    if count == 0 {
        0.0
    } else {
        sum as f64 / f64::from(count)
    }
}

fn wire_table(target: &str, machine: &str, run: &ProbeRun) -> Result<String> {
    let records =
        WireRecords::parse(&run.export).map_err(|why| Error::new(format!("size_vitals' export: {why}")))?;
    let defmt = defmt_frame_sizes(&run.stdout);
    let mut out = String::new();
    let _ =
        writeln!(out, "\n### Bytes per entry on the wire (`size_vitals` on {target}, QEMU `{machine}`)\n");
    let _ = writeln!(
        out,
        "The same reading goes out twice: `defmt::info!(\"temperature {{=i32}} mC\", t)` on semihosting \
         stdout, and into the ring as `info!(\"temperature {{}} mC\", t)` (target `size_vitals`) plus a \
         metric sample, exported with `stream_to` ({} frames, {} bytes).\n",
        records.frame_bytes.len(),
        run.export.len()
    );
    let _ = writeln!(out, "| what | count | bytes each (mean) |");
    let _ = writeln!(out, "|---|---:|---:|");
    let message_len = mean(records.logs.iter().map(|(_, message)| *message));
    let _ = writeln!(
        out,
        "| Vitals log record, `temperature 41000 mC` ({message_len:.0}-byte message, 11-byte target, 1 s step) | {} | {:.1} |",
        records.logs.len(),
        mean(records.logs.iter().map(|(size, _)| *size))
    );
    let _ = writeln!(
        out,
        "| Vitals metric sample, `temperature` (catalog id, integer value, 0 µs step) | {} | {:.1} |",
        records.metrics.len(),
        mean(records.metrics.iter().copied())
    );
    if !records.events.is_empty() {
        let _ = writeln!(
            out,
            "| Vitals events | {} | {:.1} |",
            records.events.len(),
            mean(records.events.iter().copied())
        );
    }
    let frames = records.frame_bytes.len().max(1);
    let _ = writeln!(
        out,
        "| Vitals frame overhead (header, CRC-32C, COBS, delimiter), per frame | {} | {:.1} |",
        records.frame_bytes.len(),
        records.overhead() as f64 / frames as f64
    );
    let _ = writeln!(
        out,
        "| defmt frame for the same message (index, u64 timestamp, i32; rzCOBS, delimiter) | {} | {:.1} |",
        defmt.len(),
        mean(defmt.iter().copied())
    );
    let _ = writeln!(
        out,
        "\nA metric sample with an f32-exact value takes 3 bytes more than an integer one, an f64 value 7 \
         more (`core/FORMAT.md`). Each enabled `info!` also takes a 512-byte `MessageBuf` on the caller's \
         stack while it formats."
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// COBS as the core writes it.
    fn cobs_encode(data: &[u8]) -> Vec<u8> {
        let mut out = vec![0];
        let mut code_at = 0;
        for &byte in data {
            if byte == 0 {
                out[code_at] = (out.len() - code_at) as u8;
                code_at = out.len();
                out.push(0);
            } else {
                out.push(byte);
                if out.len() - code_at == 0xFF {
                    out[code_at] = 0xFF;
                    code_at = out.len();
                    out.push(0);
                }
            }
        }
        out[code_at] = (out.len() - code_at) as u8;
        out
    }

    #[test]
    fn cobs_round_trips() {
        for data in [&b""[..], b"\0", b"a\0b", b"\0\0x\0", &[7u8; 600]] {
            assert_eq!(cobs_decode(&cobs_encode(data)).as_deref(), Some(data), "{data:?}");
        }
        assert_eq!(cobs_decode(&[3, 1]), None, "a run past the end");
    }

    #[test]
    fn varints_decode_and_stop_at_the_end() {
        let mut at = 0;
        assert_eq!(varint(&[0xAC, 0x02, 0x05], &mut at), Some(300));
        assert_eq!(varint(&[0xAC, 0x02, 0x05], &mut at), Some(5));
        assert_eq!(varint(&[0x80], &mut 0), None);
    }

    #[test]
    fn records_are_sized_by_kind() {
        // version 1, no flags, first_seq 0, base_ts 0; a log record
        // (INFO, target "ab", message "hi!"), a metric sample, a Boot event;
        // then a CRC (not checked here).
        let log = [8, 0b0000_1000, 0, 2, b'a', b'b', b'h', b'i', b'!'];
        let metric = [4, 0b01, 0, 13, 41];
        let boot = [3, 0b0000_0110, 0, 3];
        let mut body = vec![1, 0, 0, 0];
        body.extend_from_slice(&log);
        body.extend_from_slice(&metric);
        body.extend_from_slice(&boot);
        body.extend_from_slice(&[0xDE, 0xAD, 0xBE, 0xEF]);
        let mut stream = vec![0];
        stream.extend(cobs_encode(&body));
        stream.push(0);
        let records = WireRecords::parse(&stream).expect("parses");
        assert_eq!(records.logs, [(9, 3)]);
        assert_eq!(records.metrics, [5]);
        assert_eq!(records.events, [4]);
        assert_eq!(records.frame_bytes, [body.len() + 2]);
        assert_eq!(records.overhead(), body.len() + 2 - 18);
    }

    #[test]
    fn defmt_frames_skip_lone_delimiters_and_partial_tails() {
        assert_eq!(defmt_frame_sizes(&[0, 1, 2, 0, 3, 0, 0, 9]), [3, 2]);
    }

    #[test]
    fn sections_of_the_xtask_itself_are_not_an_elf32() {
        let own = std::env::current_exe().expect("the test binary");
        if let Ok(bytes) = fs::read(own) {
            // A 64-bit host ELF is refused with a reason, not misread.
            if bytes.get(4) == Some(&2) {
                assert!(Sections::parse(&bytes).is_err());
            }
        }
        assert!(Sections::parse(b"not an elf").is_err());
    }

    #[test]
    fn every_step_has_a_name_and_bless_reaches_the_test() {
        assert_eq!(test_steps(false).len(), 5);
        assert_eq!(test_steps(true).len(), 5);
    }
}
