//! The wire decoder on untrusted bytes, and the encoder → decoder round trip.
//!
//! The first input byte picks the mode:
//! - below 0x80, *raw*: the rest is a byte stream, fed to a [`Decoder`] in
//!   one piece and in chunks cut by that byte; it must never panic, give
//!   the same items however it is cut, and keep its totals straight.
//! - 0x80 and up, *round trip*: the rest (through `arbitrary`) builds a ring
//!   from pushes, pops and clears, exported frame by frame with
//!   `encode_frame` into a buffer of any size. The stream must decode to
//!   exactly what was encoded; then bytes are flipped, inserted and
//!   removed, and every frame the damage did not touch must still decode,
//!   intact and in order.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use vitals_core::wire::{encode_frame, DecodeStats, Decoded, Decoder, MAX_FRAME_LEN};
use vitals_core::{Cursor, Policy, Ring};
use vitals_fuzz::{offer, Owned, OwnedKind, Push};

/// Largest ring tried for the round trip.
const MAX_CAPACITY: usize = 16_384;

/// One item from the decoder, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Entry(Owned, Option<i64>),
    Gap(u64),
    Skipped(usize),
}

impl Item {
    fn of(item: Decoded<'_>) -> Self {
        match item {
            Decoded::Entry { entry, anchor } => Item::Entry(Owned::of(&entry), anchor),
            Decoded::Gap { lost } => Item::Gap(lost),
            Decoded::Skipped { bytes, .. } => Item::Skipped(bytes),
        }
    }
}

/// Feeds `stream` to a new decoder in chunks cut by `seed` (one piece for
/// 0), then finishes it; checks its totals against the items it gave.
fn decode(stream: &[u8], seed: u64) -> Vec<Item> {
    let mut decoder = Decoder::new();
    let mut items = Vec::new();
    let mut rest = stream;
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let widest = 1u64 << (seed % 13);
    while !rest.is_empty() {
        // xorshift64: chunk lengths from 1 up to `widest`.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = if seed == 0 { rest.len() } else { 1 + (state % widest) as usize };
        let (piece, tail) = rest.split_at(n.min(rest.len()));
        decoder.feed(piece, |item| items.push(Item::of(item)));
        rest = tail;
    }
    decoder.finish(|item| items.push(Item::of(item)));
    assert_eq!(decoder.pending_bytes(), 0, "finish leaves nothing pending");
    let stats = decoder.stats();
    let mut counted = DecodeStats::default();
    for item in &items {
        match item {
            Item::Entry(..) => counted.entries += 1,
            Item::Gap(lost) => counted.lost_entries = counted.lost_entries.saturating_add(*lost),
            Item::Skipped(bytes) => {
                counted.bad_frames += 1;
                counted.skipped_bytes += *bytes as u64;
            }
        }
    }
    assert_eq!((stats.entries, stats.lost_entries), (counted.entries, counted.lost_entries));
    assert_eq!((stats.bad_frames, stats.skipped_bytes), (counted.bad_frames, counted.skipped_bytes));
    assert!(stats.skipped_bytes <= stream.len() as u64, "skipped more bytes than it was given");
    items
}

fn raw(seed: u8, stream: &[u8]) {
    let whole = decode(stream, 0);
    let chunked = decode(stream, u64::from(seed));
    assert_eq!(whole, chunked, "items depend on how the stream was cut");
}

#[derive(Arbitrary, Debug)]
struct RoundTrip {
    capacity: u16,
    drop_newest: bool,
    frame_buffer: u16,
    chunks: u64,
    steps: Vec<Step>,
    damage: Vec<Damage>,
}

#[derive(Arbitrary, Debug)]
enum Step {
    Push(Push),
    SetClock(u64),
    Pop(u8),
    Clear,
    /// Encodes every entry after the exporter's cursor, frame by frame.
    Export,
}

#[derive(Arbitrary, Debug)]
struct Damage {
    at: u16,
    byte: u8,
    how: How,
}

#[derive(Arbitrary, Debug)]
enum How {
    Flip,
    Insert,
    Remove,
}

/// One encoded frame, with what it holds.
struct Frame {
    bytes: Vec<u8>,
    entries: Vec<Owned>,
    /// The ring's anchor when it was written (goes in the header).
    anchor: Option<i64>,
}

/// Encodes everything after `cursor` into `frames`, checking each frame
/// against what a reader from the same cursor sees.
fn export(ring: &Ring<Vec<u8>>, cursor: &mut Cursor, out: &mut [u8], frames: &mut Vec<Frame>) {
    // Each call sends a frame or steps over an entry, so this many suffice.
    let mut calls_left = ring.len() + 2;
    loop {
        assert!(calls_left > 0, "encode_frame keeps saying `more` without moving on");
        calls_left -= 1;
        let mut probe = *cursor;
        let mut reader = ring.read(&mut probe);
        let lost = reader.lost();
        let after: Vec<Owned> = reader.by_ref().map(|e| Owned::of(&e)).collect();
        let frame = encode_frame(ring, cursor, out);
        assert!(frame.bytes <= MAX_FRAME_LEN && frame.bytes <= out.len());
        assert!(frame.entries <= after.len());
        if frame.bytes > 0 {
            let bytes = &out[..frame.bytes];
            assert!(frame.entries > 0);
            assert_eq!(frame.lost, lost);
            assert_eq!(
                bytes.iter().position(|&b| b == 0),
                Some(frame.bytes - 1),
                "one delimiter, at the end"
            );
            frames.push(Frame {
                bytes: bytes.to_vec(),
                entries: after[..frame.entries].to_vec(),
                anchor: ring.anchor(),
            });
        } else {
            assert_eq!(frame.entries, 0);
        }
        if !frame.more {
            break;
        }
    }
}

/// What the decoder must give for `frames` sent back to back: per frame, a
/// gap if sequence numbers jumped since the last one, then its entries with
/// the anchor known at each.
fn expected_items(frames: &[Frame]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut next_seq: Option<u64> = None;
    let mut anchor = None;
    for frame in frames {
        let first = &frame.entries[0];
        let first_seq = first.seq.wrapping_sub(first.kind.seq_skip());
        if let Some(expected) = next_seq {
            assert!(first_seq >= expected, "the exporter's cursor went backwards");
            if first_seq > expected {
                items.push(Item::Gap(first_seq - expected));
            }
        }
        if frame.anchor.is_some() {
            anchor = frame.anchor;
        }
        for entry in &frame.entries {
            if let OwnedKind::Anchor(unix_us) = entry.kind {
                anchor = Some(unix_us.wrapping_sub(entry.timestamp_us) as i64);
            }
            items.push(Item::Entry(entry.clone(), anchor));
        }
        next_seq = frame.entries.last().map(|e| e.seq.wrapping_add(1));
    }
    items
}

/// Where a byte of the damaged stream came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Byte `index` of frame `frame`, unchanged.
    Frame { frame: usize, index: usize },
    /// Inserted or changed by the damage.
    Damage,
}

fn round_trip(input: RoundTrip) {
    let capacity = usize::from(input.capacity) % (MAX_CAPACITY + 1);
    let policy = if input.drop_newest { Policy::DropNewest } else { Policy::OverwriteOldest };
    let mut ring = Ring::new(vec![0u8; capacity], policy);
    let mut out = vec![0u8; usize::from(input.frame_buffer) % (MAX_FRAME_LEN + 64)];
    let mut cursor = Cursor::new();
    let mut frames = Vec::new();
    let mut now = 0u64;
    for step in input.steps {
        match step {
            Step::Push(push) => {
                let _ = offer(&mut ring, &mut now, &push);
            }
            Step::SetClock(to) => now = to,
            Step::Pop(n) => {
                for _ in 0..n {
                    ring.pop_with(|_| ());
                }
            }
            Step::Clear => ring.clear(),
            Step::Export => export(&ring, &mut cursor, &mut out, &mut frames),
        }
    }
    export(&ring, &mut cursor, &mut out, &mut frames);

    let stream: Vec<u8> = frames.iter().flat_map(|f| f.bytes.iter().copied()).collect();
    let got = decode(&stream, input.chunks);
    assert_eq!(got, expected_items(&frames), "the undamaged stream does not decode to what was encoded");

    if input.damage.is_empty() || stream.is_empty() {
        return;
    }
    let mut damaged = stream;
    let mut origin: Vec<Origin> = frames
        .iter()
        .enumerate()
        .flat_map(|(frame, f)| (0..f.bytes.len()).map(move |index| Origin::Frame { frame, index }))
        .collect();
    for Damage { at, byte, how } in input.damage {
        if damaged.is_empty() {
            break;
        }
        let at = usize::from(at) % damaged.len();
        match how {
            How::Flip => {
                damaged[at] ^= byte | 1;
                origin[at] = Origin::Damage;
            }
            How::Insert => {
                damaged.insert(at, byte);
                origin.insert(at, Origin::Damage);
            }
            How::Remove => {
                damaged.remove(at);
                origin.remove(at);
            }
        }
    }
    let got: Vec<Owned> = decode(&damaged, input.chunks)
        .into_iter()
        .filter_map(|item| match item {
            Item::Entry(entry, _) => Some(entry),
            _ => None,
        })
        .collect();
    // A frame decodes when all its bytes are there, unchanged and together,
    // right after a delimiter (or at the start).
    let mut from = 0;
    for (n, frame) in frames.iter().enumerate() {
        let Some(start) = origin.iter().position(|o| *o == Origin::Frame { frame: n, index: 0 }) else {
            continue;
        };
        let whole = (0..frame.bytes.len())
            .all(|index| origin.get(start + index) == Some(&Origin::Frame { frame: n, index }));
        let after_delimiter = start == 0 || damaged[start - 1] == 0;
        if !(whole && after_delimiter) {
            continue;
        }
        let len = frame.entries.len();
        let found = (from..got.len().saturating_sub(len) + 1).find(|&i| got[i..i + len] == frame.entries[..]);
        match found {
            Some(i) => from = i + len,
            None => panic!(
                "frame {n}, untouched by the damage, was not decoded intact (from decoded entry {from} on)"
            ),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode < 0x80 {
        raw(mode, rest);
    } else if let Ok(input) = RoundTrip::arbitrary_take_rest(Unstructured::new(rest)) {
        round_trip(input);
    }
});
