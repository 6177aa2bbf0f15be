//! End to end on the host: `log` macros from many threads → `RingLogger` →
//! `SharedRing` → wire frames → `Decoder` → text formats, with per-target
//! filtering from an env_logger-style spec.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use vitals_core::wire::{encode_frame, Decoded, Decoder, MAX_FRAME_LEN};
use vitals_core::{
    format, Cursor, EntryKind, Event, Level, LevelFilter, MetricId, Policy, RingLogger, SharedRing, StdClock,
    CATALOG,
};

static RING: SharedRing<[u8; 1 << 18]> = SharedRing::new([0; 1 << 18], Policy::DropNewest);

fn logger() -> &'static RingLogger<[u8; 1 << 18], StdClock> {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    let logger: &'static RingLogger<_, _> = Box::leak(Box::new(RingLogger::new(&RING, StdClock::new())));
    assert!(!INSTALLED.swap(true, Ordering::SeqCst), "one logger per test binary");
    logger.install(LevelFilter::Trace).unwrap();
    logger
}

#[test]
fn log_macros_to_decoded_text() {
    let logger = logger();
    logger.set_spec("info,noisy=error,app::net=trace").unwrap();
    let clock = StdClock::new();
    RING.push_event(0, Event::Anchor { unix_us: clock.unix_us_at_origin() }).unwrap();

    let threads: Vec<_> = (0..4)
        .map(|t| {
            thread::spawn(move || {
                for i in 0..250 {
                    log::info!(target: "app::worker", "thread {t} step {i} cpu={:.1}", 12.5);
                    log::trace!(target: "app::net::tcp", "packet {i}");
                    log::warn!(target: "noisy", "filtered out {i}");
                    log::debug!(target: "app::worker", "filtered out too");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    log::error!(target: "noisy", "this one passes");
    RING.push_metric(1, MetricId::CPU_USAGE.series(), 42.5).unwrap();

    let stats = RING.stats();
    assert_eq!(stats.written_at(Level::Info), 1000);
    assert_eq!(stats.written_at(Level::Trace), 1000);
    assert_eq!(stats.written_at(Level::Warn), 0);
    assert_eq!(stats.written_at(Level::Debug), 0);
    assert_eq!(stats.written_at(Level::Error), 1);
    assert_eq!(stats.dropped_total(), 0);

    // Export the whole ring as frames, the way a backend ships it.
    let mut cursor = Cursor::new();
    let mut out = [0u8; MAX_FRAME_LEN];
    let mut stream = Vec::new();
    loop {
        let frame = RING.with(|ring| encode_frame(ring, &mut cursor, &mut out));
        stream.extend_from_slice(&out[..frame.bytes]);
        assert_eq!(frame.lost, 0);
        if !frame.more {
            break;
        }
    }

    let mut decoder = Decoder::new();
    let mut lines = Vec::new();
    let mut per_thread = [0usize; 4];
    let mut last_seq = None;
    decoder.feed(&stream, |item| {
        let Decoded::Entry { entry, anchor } = item else { panic!("unexpected {item:?}") };
        assert!(last_seq.is_none_or(|s| entry.seq == s + 1), "sequence numbers without gaps");
        last_seq = Some(entry.seq);
        if let EntryKind::Log(log) = entry.kind {
            if let Some(rest) = std::str::from_utf8(log.message).unwrap().strip_prefix("thread ") {
                per_thread[rest[..1].parse::<usize>().unwrap()] += 1;
            }
        }
        let mut line = String::new();
        format::human(&mut line, &entry, anchor, &CATALOG).unwrap();
        lines.push(line);
    });
    assert_eq!(per_thread, [250; 4]);
    assert_eq!(decoder.stats().skipped_bytes, 0);
    assert_eq!(lines.len(), 2 + 2000 + 1);
    let year = &lines[1][..2];
    assert_eq!(year, "20", "anchored lines carry wall-clock time: {}", lines[1]);
    assert!(lines.iter().any(|l| l.contains(" ERROR noisy: this one passes")));
    assert!(lines.last().unwrap().ends_with("METRIC cpu.usage 42.5%"));

    // A bad spec is refused with the item and position, and changes nothing.
    let err = logger.set_spec("info,app=loud").unwrap_err();
    assert_eq!(err.position, 5);
    log::trace!(target: "app::net", "still traced");
    assert_eq!(RING.stats().written_at(Level::Trace), 1001);
}
