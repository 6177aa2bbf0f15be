//! Criterion benchmarks for `vitals-core`: the cost of putting an entry in
//! the ring, of a formatted `log` call, and of reading the ring back out.
//!
//! Run (about 3 minutes on two cores):
//!
//! ```text
//! cargo bench -p vitals-core --features log,critical-section,std --bench ring
//! ```
//!
//! Before the timed groups it prints a few untimed lines to stdout:
//! `ring_bytes_per_metric_sample=…` (1000 `cpu.usage` samples at 1 s steps
//! pushed into a 2 KiB overwriting ring: how many it holds and the bytes
//! each costs) and one `sample_line.*=` line per logger showing exactly what
//! each of them formats in the `format_log` group.
//!
//! Groups and what each benchmark measures (all timestamps come from a
//! `CounterClock`, read inside the timed loop):
//!
//! * `push` — one entry into a ring that is already full, so eviction of the
//!   oldest entry is part of every push.
//!   * `ring_log_40B`: `Ring::push_log` of a 40-byte message, target
//!     `app::net`, into a `Ring<[u8; 65536]>` with `Policy::OverwriteOldest`.
//!   * `heapless_historybuf_48B` (peer): `heapless::HistoryBuf<[u8; 48], 1024>::write`
//!     of the same 40 bytes copied into a `[u8; 48]` in the loop — a
//!     fixed-size overwrite ring with no framing, no level, no timestamp.
//!   * `shared_ring_log_40B`: as `ring_log_40B`, through a `static SharedRing`
//!     (uncontended; `critical-section`'s `std` implementation, a global mutex).
//!   * `ring_metric`: `Ring::push_metric` of a `cpu.usage` sample (f32-exact values).
//!   * `filtered_out`: `if vitals_core::enabled(Level::Debug) { push_log(..) }`
//!     with the global filter at `Info` — the price of a disabled call site.
//!   * `log_filtered_out`: `log::debug!` with the installed `RingLogger` at `Info`.
//! * `format_log` — a formatted log line, `"cpu={:.1} mem={:.2} step {}"`.
//!   * `vitals_log_info`: `log::info!` through the installed `RingLogger`
//!     (formats into a stack buffer, then one push into a 64 KiB `SharedRing`).
//!   * `vitals_logger_direct`: `log::Log::log(&LOGGER, &record)` with a
//!     prebuilt-per-call `log::Record` — same shape as the env_logger peer.
//!   * `env_logger_sink` (peer): `log::Log::log(&env_logger, &record)`, an
//!     `env_logger::Logger` (default features off: no colour, no timestamp;
//!     it writes `[INFO  bench] cpu=12.5 mem=40.25 step N\n`) piped to
//!     `std::io::sink()`. Not installed globally: only one `log` logger can be.
//!   * `tracing_fmt_sink` (peer): `tracing::info!` into a
//!     `tracing_subscriber::fmt()` subscriber writing to `std::io::sink`,
//!     no ANSI, default format (which includes an RFC 3339 wall-clock timestamp).
//!   * `core_fmt_only` (reference): `write!` of the same format string into a
//!     reused `String` — the share of every figure here that is formatting.
//!   * `tracing_fmt_sink_without_time` (peer): the same with `.without_time()`,
//!     closer to what env_logger does here.
//! * `push_by_size` — `Ring::push_log` into a full 64 KiB ring, as
//!   `push/ring_log_40B`, for messages of 0, 8, 32, 64, 128, 256 and 512
//!   bytes (512 is `MAX_MESSAGE_LEN`); `log/<bytes>`. How the push cost
//!   grows with the copy; `cargo xtask bench` plots it.
//! * `read` — a ring holding `N` mixed entries (40-byte logs and metric
//!   samples, alternating); throughput is per entry.
//!   * `iterate_per_entry`: `ring.iter()`, each entry `black_box`ed.
//!   * `export_frame_per_entry`: `wire::encode_frame` with a fresh `Cursor`
//!     until `more == false` (COBS + CRC frames, at most 4 KiB each).
//!   * `human_format_per_entry`: `format::human` of each entry (with an
//!     anchor, so ISO 8601 timestamps) into one reused `String`.

use std::hint::black_box;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use vitals_core::wire::{encode_frame, MAX_FRAME_LEN};
use vitals_core::{
    format, Clock, CounterClock, Cursor, Level, LevelFilter, MetricId, Policy, Ring, RingLogger, SharedRing,
    CATALOG,
};

/// The message every push benchmark stores: exactly 40 bytes.
const MSG: &[u8; 40] = b"connection to 10.0.0.7:8443 established.";
const TARGET: &[u8] = b"app::net";
const CAP: usize = 1 << 16;

/// The ring behind the installed `log` logger (`format_log`, `log_filtered_out`).
static LOG_RING: SharedRing<[u8; CAP]> = SharedRing::new([0; CAP], Policy::OverwriteOldest);
static LOGGER: RingLogger<[u8; CAP], CounterClock> = RingLogger::new(&LOG_RING, CounterClock::new());

/// The ring for `push/shared_ring_log_40B`.
static SHARED: SharedRing<[u8; CAP]> = SharedRing::new([0; CAP], Policy::OverwriteOldest);

/// Unix µs at ring time 0, so `human` prints ISO 8601 times.
const ANCHOR: i64 = 1_795_495_881_000_000;

/// A `cpu.usage` value that is exact in f32 and varies a little.
fn cpu_value(i: u64) -> f64 {
    42.5 + (i & 7) as f64 * 0.125
}

/// Pushes logs until the ring has overwritten something: steady state.
fn fill_logs<B: AsRef<[u8]> + AsMut<[u8]>>(ring: &mut Ring<B>, clock: &CounterClock) {
    while ring.first_seq() == 0 {
        let _ = ring.push_log(clock.now_us(), Level::Info, TARGET, MSG);
    }
}

fn push(c: &mut Criterion) {
    let mut group = c.benchmark_group("push");

    {
        let clock = CounterClock::new();
        let mut ring = Ring::new([0u8; CAP], Policy::OverwriteOldest);
        fill_logs(&mut ring, &clock);
        group.bench_function("ring_log_40B", |b| {
            b.iter(|| ring.push_log(clock.now_us(), Level::Info, black_box(TARGET), black_box(MSG)))
        });
    }

    {
        let mut history: Box<heapless::HistoryBuf<[u8; 48], 1024>> = Box::new(heapless::HistoryBuf::new());
        for _ in 0..2048 {
            history.write([0; 48]);
        }
        group.bench_function("heapless_historybuf_48B", |b| {
            b.iter(|| {
                let mut slot = [0u8; 48];
                slot[..MSG.len()].copy_from_slice(black_box(MSG));
                history.write(slot);
            })
        });
        black_box(history.recent());
    }

    {
        let clock = CounterClock::new();
        SHARED.with(|ring| fill_logs(ring, &clock));
        group.bench_function("shared_ring_log_40B", |b| {
            b.iter(|| SHARED.push_log(clock.now_us(), Level::Info, black_box(TARGET), black_box(MSG)))
        });
    }

    {
        let clock = CounterClock::new();
        let mut ring = Ring::new([0u8; CAP], Policy::OverwriteOldest);
        let series = MetricId::CPU_USAGE.series();
        let mut i = 0u64;
        while ring.first_seq() == 0 {
            i += 1;
            let _ = ring.push_metric(clock.now_us(), series, cpu_value(i));
        }
        group.bench_function("ring_metric", |b| {
            b.iter(|| {
                i += 1;
                ring.push_metric(clock.now_us(), black_box(series), black_box(cpu_value(i)))
            })
        });
    }

    {
        // The logger is installed at `Info` in `main`; make sure of it.
        LOGGER.set_level(LevelFilter::Info);
        vitals_core::set_max_level(LevelFilter::Info);
        let clock = CounterClock::new();
        let mut ring = Ring::new([0u8; CAP], Policy::OverwriteOldest);
        group.bench_function("filtered_out", |b| {
            b.iter(|| {
                if vitals_core::enabled(black_box(Level::Debug)) {
                    let _ = ring.push_log(clock.now_us(), Level::Debug, TARGET, MSG);
                }
            })
        });
        assert!(ring.is_empty(), "filtered_out pushed something");

        let before = LOG_RING.with(|ring| ring.next_seq());
        let mut i = 0u64;
        group.bench_function("log_filtered_out", |b| {
            b.iter(|| {
                i += 1;
                log::debug!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, black_box(i));
            })
        });
        assert_eq!(LOG_RING.with(|ring| ring.next_seq()), before, "log::debug! reached the ring");
    }

    group.finish();
}

/// Message sizes `push_by_size` times, up to `MAX_MESSAGE_LEN`.
const PUSH_SIZES: [usize; 7] = [0, 8, 32, 64, 128, 256, 512];

fn push_by_size(c: &mut Criterion) {
    let mut group = c.benchmark_group("push_by_size");
    let text = [b'x'; 512];
    for size in PUSH_SIZES {
        let message = &text[..size];
        let clock = CounterClock::new();
        let mut ring = Ring::new([0u8; CAP], Policy::OverwriteOldest);
        while ring.first_seq() == 0 {
            let _ = ring.push_log(clock.now_us(), Level::Info, TARGET, message);
        }
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("log", size), message, |b, message| {
            b.iter(|| ring.push_log(clock.now_us(), Level::Info, black_box(TARGET), black_box(message)))
        });
    }
    group.finish();
}

fn env_logger_to(pipe: Box<dyn std::io::Write + Send>) -> env_logger::Logger {
    env_logger::Builder::new()
        .target(env_logger::Target::Pipe(pipe))
        .filter_level(log::LevelFilter::Info)
        .build()
}

fn format_log(c: &mut Criterion) {
    let mut group = c.benchmark_group("format_log");
    LOGGER.set_level(LevelFilter::Info);

    let mut i = 0u64;
    group.bench_function("vitals_log_info", |b| {
        b.iter(|| {
            i += 1;
            log::info!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, black_box(i));
        })
    });

    // Reference, not a logger: the formatting every logger here has to do,
    // into a reused buffer. `{:.1}` of 12.5 is a tie that core::fmt settles
    // with its slow exact (Dragon) path, so this dominates every figure.
    let mut text = String::with_capacity(64);
    group.bench_function("core_fmt_only", |b| {
        b.iter(|| {
            use std::fmt::Write as _;
            i += 1;
            text.clear();
            let _ = write!(text, "cpu={:.1} mem={:.2} step {}", 12.5, 40.25, black_box(i));
            black_box(&text);
        })
    });

    group.bench_function("vitals_logger_direct", |b| {
        b.iter(|| {
            i += 1;
            log::Log::log(
                &LOGGER,
                &log::Record::builder()
                    .args(format_args!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, black_box(i)))
                    .level(log::Level::Info)
                    .target("bench")
                    .build(),
            );
        })
    });

    let env = env_logger_to(Box::new(std::io::sink()));
    group.bench_function("env_logger_sink", |b| {
        b.iter(|| {
            i += 1;
            log::Log::log(
                &env,
                &log::Record::builder()
                    .args(format_args!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, black_box(i)))
                    .level(log::Level::Info)
                    .target("bench")
                    .build(),
            );
        })
    });

    let subscriber = tracing_subscriber::fmt().with_writer(std::io::sink).with_ansi(false).finish();
    tracing::subscriber::with_default(subscriber, || {
        group.bench_function("tracing_fmt_sink", |b| {
            b.iter(|| {
                i += 1;
                tracing::info!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, black_box(i));
            })
        });
    });

    let subscriber =
        tracing_subscriber::fmt().with_writer(std::io::sink).with_ansi(false).without_time().finish();
    tracing::subscriber::with_default(subscriber, || {
        group.bench_function("tracing_fmt_sink_without_time", |b| {
            b.iter(|| {
                i += 1;
                tracing::info!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, black_box(i));
            })
        });
    });

    group.finish();
}

/// A ring of `N` alternating 40-byte logs and `cpu.usage` samples, 1 ms apart.
fn mixed_ring() -> Ring<[u8; CAP]> {
    const N: u64 = 1000;
    let mut ring = Ring::new([0u8; CAP], Policy::DropNewest);
    for i in 0..N {
        let ts = i * 1_000;
        let pushed = if i % 2 == 0 {
            ring.push_log(ts, Level::Info, TARGET, MSG)
        } else {
            ring.push_metric(ts, MetricId::CPU_USAGE.series(), cpu_value(i))
        };
        pushed.expect("the read benchmark's ring holds all its entries");
    }
    assert_eq!(ring.len() as u64, N);
    ring
}

fn read(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    let ring = mixed_ring();
    let n = ring.len() as u64;
    group.throughput(Throughput::Elements(n));

    group.bench_with_input(BenchmarkId::new("iterate_per_entry", n), &ring, |b, ring| {
        b.iter(|| {
            for entry in ring.iter() {
                black_box(entry);
            }
        })
    });

    let mut out = vec![0u8; MAX_FRAME_LEN];
    group.bench_with_input(BenchmarkId::new("export_frame_per_entry", n), &ring, |b, ring| {
        b.iter(|| {
            let mut cursor = Cursor::new();
            let mut entries = 0;
            loop {
                let frame = encode_frame(ring, &mut cursor, &mut out);
                black_box(&out[..frame.bytes]);
                entries += frame.entries;
                if !frame.more {
                    break;
                }
            }
            entries
        })
    });

    let mut line = String::with_capacity(256);
    group.bench_with_input(BenchmarkId::new("human_format_per_entry", n), &ring, |b, ring| {
        b.iter(|| {
            for entry in ring.iter() {
                line.clear();
                let _ = format::human(&mut line, &entry, Some(ANCHOR), &CATALOG);
                black_box(line.as_str());
            }
        })
    });

    group.finish();
}

/// A `Write` that keeps what it is given, to show what a logger formats.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).trim_end().to_owned()
    }
}

/// Untimed facts printed once: ring density for metrics, and the line each
/// logger in `format_log` produces.
fn print_facts() {
    let mut ring = Ring::new([0u8; 2048], Policy::OverwriteOldest);
    for i in 0..1000u64 {
        let _ = ring.push_metric(i * 1_000_000, MetricId::CPU_USAGE.series(), cpu_value(i));
    }
    let held = ring.len();
    println!(
        "ring_bytes_per_metric_sample={:.1} samples_held={held} ring_bytes=2048 step_us=1000000",
        2048.0 / held as f64
    );

    let record = |f: &mut dyn FnMut(&log::Record<'_>)| {
        f(&log::Record::builder()
            .args(format_args!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, 7))
            .level(log::Level::Info)
            .target("bench")
            .build());
    };

    let captured = Capture::default();
    let env = env_logger_to(Box::new(captured.clone()));
    record(&mut |r| log::Log::log(&env, r));
    log::Log::flush(&env);
    println!("sample_line.env_logger={:?}", captured.text());

    let captured = Capture::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, 7);
    });
    println!("sample_line.tracing_fmt={:?}", captured.text());

    let before = LOG_RING.with(|ring| ring.next_seq());
    record(&mut |r| log::Log::log(&LOGGER, r));
    let line = LOG_RING.with(|ring| {
        let entry = ring.iter().last().filter(|e| e.seq >= before)?;
        let mut line = String::new();
        format::human(&mut line, &entry, Some(ANCHOR), &CATALOG).ok()?;
        Some(line)
    });
    println!("sample_line.vitals_human={:?}", line.unwrap_or_default());
    let _ = std::io::stdout().flush();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = push, push_by_size, format_log, read
}

fn main() {
    LOGGER.install(LevelFilter::Info).expect("no other `log` logger is installed");
    print_facts();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
