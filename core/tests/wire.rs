//! Wire format: round trips, resynchronisation after random corruption,
//! gaps, and random bytes into the decoder.

use proptest::prelude::*;
use vitals_core::wire::{encode_frame, DecodeError, Decoded, Decoder, MAX_FRAME_LEN, MIN_FRAME_BUFFER};
use vitals_core::{Cursor, Description, Entry, EntryKind, Event, Level, MetricId, Policy, Ring, Series};

#[derive(Clone, Debug, PartialEq)]
struct Seen {
    seq: u64,
    ts: u64,
    text: String,
}

fn seen(entry: &Entry<'_>) -> Seen {
    // Debug output covers every field; f64 bits via {:?} of the entry are exact enough
    // except NaN payloads, so metrics are keyed by bits.
    let text = match entry.kind {
        EntryKind::Metric(s) => format!("{:?}/{:x}", s.series, s.value.to_bits()),
        other => format!("{other:?}"),
    };
    Seen { seq: entry.seq, ts: entry.timestamp_us, text }
}

fn fill(ring: &mut Ring<Vec<u8>>, items: &[(u8, Vec<u8>, u64, i32)]) {
    let mut ts = 0u64;
    for (i, (kind, bytes, bits, dt)) in items.iter().enumerate() {
        ts = ts.wrapping_add_signed(i64::from(*dt));
        let _ = match kind % 4 {
            0 => ring.push_log(ts, Level::from_u8(kind % 6).unwrap(), b"wire::test", bytes),
            1 => ring.push_metric(
                ts,
                Series::new(MetricId(*kind as u16), (i % 3) as u16),
                f64::from_bits(*bits),
            ),
            2 => ring.push_event(ts, Event::Anchor { unix_us: *bits }),
            _ => ring.push_description(
                ts,
                Description::Label {
                    series: Series::new(MetricId(*kind as u16), (*bits >> 48) as u16),
                    label: std::str::from_utf8(&bytes[..bytes.len().min(48)]).unwrap_or("not utf-8"),
                },
            ),
        };
    }
}

fn export(ring: &Ring<Vec<u8>>, frame_buffer: usize) -> (Vec<u8>, usize) {
    let mut cursor = Cursor::new();
    let mut out = vec![0u8; frame_buffer];
    let mut stream = Vec::new();
    let mut frames = 0;
    loop {
        let frame = encode_frame(ring, &mut cursor, &mut out);
        stream.extend_from_slice(&out[..frame.bytes]);
        frames += usize::from(frame.bytes > 0);
        if !frame.more {
            break;
        }
    }
    (stream, frames)
}

fn decode(stream: &[u8], chunk: usize) -> (Vec<Seen>, Decoder) {
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    for piece in stream.chunks(chunk.max(1)) {
        decoder.feed(piece, |item| {
            if let Decoded::Entry { entry, .. } = item {
                out.push(seen(&entry));
            }
        });
    }
    decoder.finish(|_| {});
    (out, decoder)
}

fn items() -> impl Strategy<Value = Vec<(u8, Vec<u8>, u64, i32)>> {
    prop::collection::vec(
        (any::<u8>(), prop::collection::vec(any::<u8>(), 0..200), any::<u64>(), -5i32..3_000_000),
        0..if cfg!(miri) { 20 } else { 120 },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn round_trip(
        items in items(),
        capacity in 64usize..8192,
        frame_buffer in prop_oneof![Just(MIN_FRAME_BUFFER), 300usize..MAX_FRAME_LEN],
        chunk in 1usize..700,
    ) {
        let mut ring = Ring::new(vec![0u8; capacity], Policy::OverwriteOldest);
        fill(&mut ring, &items);
        let expected: Vec<Seen> = ring.iter().map(|e| seen(&e)).collect();
        let (stream, _) = export(&ring, frame_buffer);
        let (got, decoder) = decode(&stream, chunk);
        if frame_buffer >= MIN_FRAME_BUFFER {
            prop_assert_eq!(&got, &expected);
        } else {
            // Entries too big for a small buffer are skipped, never garbled.
            prop_assert!(got.iter().all(|g| expected.contains(g)));
        }
        prop_assert_eq!(decoder.stats().skipped_bytes, 0);
    }

    #[test]
    fn resynchronises_after_corruption(
        items in items(),
        damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let mut ring = Ring::new(vec![0u8; 16_384], Policy::OverwriteOldest);
        fill(&mut ring, &items);
        let expected: Vec<Seen> = ring.iter().map(|e| seen(&e)).collect();
        let (mut stream, frames) = export(&ring, 512);
        prop_assume!(!stream.is_empty());
        // Where the last frame starts, followed as insertions and removals
        // before it shift it; damage at or after the delimiter before it
        // touches it.
        let mut last_frame_start = stream[..stream.len() - 1].iter().rposition(|&b| b == 0).map_or(0, |i| i + 1);
        let mut touched_last = false;
        for (index, byte, how) in damage {
            let at = index.index(stream.len());
            touched_last |= at + 1 >= last_frame_start;
            match how {
                0 => stream[at] ^= byte | 1,
                1 => {
                    stream.insert(at, byte);
                    if at < last_frame_start { last_frame_start += 1; }
                }
                _ => {
                    stream.remove(at);
                    if at < last_frame_start { last_frame_start -= 1; }
                }
            }
            if stream.is_empty() { break; }
        }
        let (got, decoder) = decode(&stream, 97);
        // Nothing invented, nothing garbled: each decoded entry is an original.
        for g in &got {
            prop_assert!(expected.contains(g), "decoded an entry that was never written: {:?}", g);
        }
        let stats = decoder.stats();
        prop_assert!(stats.frames as usize <= frames + 8);
        // The stream picks up again: an untouched final frame is read.
        if !touched_last && frames > 1 {
            prop_assert_eq!(got.last(), expected.last());
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..if cfg!(miri) { 500 } else { 5000 }), chunk in 1usize..600) {
        let (_, decoder) = decode(&bytes, chunk);
        let stats = decoder.stats();
        prop_assert!(stats.skipped_bytes <= bytes.len() as u64);
    }
}

#[test]
fn gap_is_reported_when_the_ring_overwrote_unsent_entries() {
    let mut ring = Ring::new(vec![0u8; 256], Policy::OverwriteOldest);
    let mut cursor = Cursor::new();
    let mut out = [0u8; MAX_FRAME_LEN];
    let mut stream = Vec::new();
    ring.push_log(1, Level::Info, b"t", b"first").unwrap();
    let frame = encode_frame(&ring, &mut cursor, &mut out);
    stream.extend_from_slice(&out[..frame.bytes]);
    for i in 0..100 {
        ring.push_log(2 + i, Level::Info, b"t", b"filler filler filler").unwrap();
    }
    let frame = encode_frame(&ring, &mut cursor, &mut out);
    assert!(frame.lost > 0);
    stream.extend_from_slice(&out[..frame.bytes]);
    let mut gaps = 0;
    let mut decoder = Decoder::new();
    decoder.feed(&stream, |item| {
        if let Decoded::Gap { lost } = item {
            gaps += lost;
        }
    });
    assert_eq!(gaps, frame.lost);
    assert_eq!(decoder.stats().lost_entries, frame.lost);
}

#[test]
fn damaged_frame_is_skipped_with_a_reason() {
    let mut ring = Ring::new(vec![0u8; 1024], Policy::OverwriteOldest);
    ring.push_log(1, Level::Warn, b"t", b"hello").unwrap();
    let (mut stream, _) = export(&ring, 1024);
    let good = stream.clone();
    stream[3] ^= 0x40;
    stream.extend_from_slice(&good);
    let mut reasons = Vec::new();
    let mut entries = 0;
    Decoder::new().feed(&stream, |item| match item {
        Decoded::Skipped { bytes, error } => reasons.push((bytes, error)),
        Decoded::Entry { .. } => entries += 1,
        Decoded::Gap { .. } => {}
    });
    assert_eq!(entries, 1, "the intact copy after the damage is read");
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].0, good.len());
    assert!(matches!(reasons[0].1, DecodeError::Checksum | DecodeError::Framing));
}

#[test]
fn anchor_travels_in_the_frame_header() {
    let mut ring = Ring::new(vec![0u8; 1024], Policy::OverwriteOldest);
    ring.push_event(1_000, Event::Anchor { unix_us: 1_795_495_881_000_000 }).unwrap();
    ring.clear(); // the anchor event itself is gone, the ring still knows the offset
    ring.push_log(2_000, Level::Info, b"t", b"later").unwrap();
    let (stream, _) = export(&ring, 1024);
    let mut anchors = Vec::new();
    Decoder::new().feed(&stream, |item| {
        if let Decoded::Entry { anchor, .. } = item {
            anchors.push(anchor);
        }
    });
    assert_eq!(anchors, [Some(1_795_495_881_000_000 - 1_000)]);
}

#[test]
fn too_long_garbage_between_frames_is_one_skip() {
    let mut ring = Ring::new(vec![0u8; 1024], Policy::OverwriteOldest);
    ring.push_log(1, Level::Info, b"t", b"ok").unwrap();
    let (frame, _) = export(&ring, 1024);
    let mut stream = vec![0xAAu8; MAX_FRAME_LEN * 2];
    stream.push(0);
    stream.extend_from_slice(&frame);
    let mut skipped = Vec::new();
    let mut entries = 0;
    Decoder::new().feed(&stream, |item| match item {
        Decoded::Skipped { bytes, error } => skipped.push((bytes, error)),
        Decoded::Entry { .. } => entries += 1,
        Decoded::Gap { .. } => {}
    });
    assert_eq!(skipped, [(MAX_FRAME_LEN * 2 + 1, DecodeError::TooLong)]);
    assert_eq!(entries, 1);
}
