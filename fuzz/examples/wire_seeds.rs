//! Writes the `wire_decoder` target's raw-mode seeds: real streams from
//! the core's encoder, each behind the mode byte (0x00: one piece, else
//! chunked), into `fuzz/corpus/wire_decoder/`.
//!
//! `cargo run --example wire_seeds` from `fuzz/`.

use std::fs;
use std::path::Path;

use vitals_core::wire::{encode_frame, MAX_FRAME_LEN, MIN_FRAME_BUFFER};
use vitals_core::{Crossing, Cursor, Event, Level, MetricId, Policy, ResetReason, Ring, Series};

/// Every frame after `cursor`, encoded into a buffer of `buffer` bytes.
fn export(ring: &Ring<Vec<u8>>, cursor: &mut Cursor, buffer: usize, stream: &mut Vec<u8>) {
    let mut out = vec![0u8; buffer];
    loop {
        let frame = encode_frame(ring, cursor, &mut out);
        stream.extend_from_slice(&out[..frame.bytes]);
        if !frame.more {
            break;
        }
    }
}

fn every_kind() -> Ring<Vec<u8>> {
    let mut ring = Ring::new(vec![0u8; 2048], Policy::OverwriteOldest);
    let _ = ring.push_event(10, Event::Boot { reason: ResetReason::Watchdog });
    let _ = ring.push_event(20, Event::Anchor { unix_us: 1_795_495_881_000_000 });
    let _ = ring.push_log(30, Level::Warn, b"net::tcp", b"link down");
    let _ = ring.push_log(25, Level::Info, "ui".as_bytes(), "caf\u{e9} \u{20ac}".as_bytes());
    let _ = ring.push_metric(40, MetricId::CPU_USAGE.series(), 93.5);
    let _ = ring.push_metric(41, Series::new(MetricId::DISK_USAGE, 2), f64::NAN);
    let _ = ring.push_event(50, Event::Dropped { count: 3 });
    let crossing = Crossing {
        series: MetricId::CPU_USAGE.series(),
        from: None,
        to: Some(Level::Error),
        value: 93.5,
        threshold: 90.0,
    };
    let _ = ring.push_event(60, Event::Threshold(crossing));
    let _ = ring.push_log(70, Level::Critical, b"t", &[b'x'; 600]);
    ring
}

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join("wire_decoder");
    fs::create_dir_all(&dir)?;
    let write = |name: &str, mode: u8, stream: &[u8]| {
        let mut bytes = vec![mode];
        bytes.extend_from_slice(stream);
        fs::write(dir.join(name), bytes)
    };

    let ring = every_kind();
    let mut whole = Vec::new();
    export(&ring, &mut Cursor::new(), MAX_FRAME_LEN, &mut whole);
    write("raw-every-kind", 0x00, &whole)?;
    write("raw-every-kind-chunked", 0x07, &whole)?;

    // Many small frames from a buffer just big enough for any entry.
    let mut small = Vec::new();
    export(&ring, &mut Cursor::new(), MIN_FRAME_BUFFER, &mut small);
    write("raw-small-frames", 0x03, &small)?;

    // A gap: the ring overwrote entries before they were sent.
    let mut ring = Ring::new(vec![0u8; 256], Policy::OverwriteOldest);
    let mut cursor = Cursor::new();
    let mut gap = Vec::new();
    let _ = ring.push_log(1, Level::Info, b"t", b"first");
    export(&ring, &mut cursor, MAX_FRAME_LEN, &mut gap);
    for i in 0..40 {
        let _ = ring.push_log(2 + i, Level::Info, b"t", b"filler filler filler");
    }
    export(&ring, &mut cursor, MAX_FRAME_LEN, &mut gap);
    write("raw-gap", 0x00, &gap)?;

    // Damage: a flipped byte in the first frame, then an intact copy, then
    // a frame cut short at the end of the stream.
    let mut damaged = small.clone();
    damaged[5] ^= 0x40;
    damaged.extend_from_slice(&whole);
    damaged.extend_from_slice(&whole[..whole.len() / 2]);
    write("raw-damaged", 0x05, &damaged)?;

    // Not ours: too long without a delimiter, then a good frame.
    let mut junk = vec![0x55u8; MAX_FRAME_LEN + 10];
    junk.push(0);
    junk.extend_from_slice(&whole);
    write("raw-too-long", 0x01, &junk)?;
    Ok(())
}
