//! The ring against a model (a `VecDeque` of owned entries), as
//! `core/tests/ring_model.rs` does with proptest, over any capacity and
//! policy and any sequence of pushes, pops, drains, clears, cursor reads of
//! any length and `copy_records` into buffers of any size; `validate()`
//! after every step.

#![no_main]

use std::collections::VecDeque;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use vitals_core::{Cursor, Policy, Ring};
use vitals_fuzz::{offer, Owned, OwnedKind, Push};

/// Largest ring tried: big enough for many entries and every record size.
const MAX_CAPACITY: usize = 8192;

#[derive(Arbitrary, Debug)]
struct Input {
    capacity: u16,
    drop_newest: bool,
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Push(Push),
    /// Sets the clock to any value (pushes move it by their `dt`).
    SetClock(u64),
    /// `pop_with` up to this many times.
    Pop(u8),
    Drain,
    Clear,
    /// Reads up to `limit` entries through a reader's cursor.
    Read {
        reader: u8,
        limit: u16,
    },
    /// `copy_records` through a reader's cursor into a buffer of `size` bytes.
    Copy {
        reader: u8,
        size: u16,
    },
    /// Points a reader at `Cursor::since`, relative to the oldest entry.
    Since {
        reader: u8,
        offset: i16,
    },
    /// Points a reader at `Cursor::at_end`.
    AtEnd {
        reader: u8,
    },
    /// Points a reader at `Cursor::new()`.
    Restart {
        reader: u8,
    },
}

/// A cursor and the sequence number it must be at.
struct ReaderModel {
    cursor: Cursor,
    expected: u64,
    /// Placed by `Cursor::since`: its first entry may own (through a
    /// `Dropped` count) the number it asked for, rather than start at it.
    loose: bool,
}

impl ReaderModel {
    fn at(cursor: Cursor, loose: bool) -> Self {
        ReaderModel { expected: cursor.next_seq(), cursor, loose }
    }

    /// Books `lost` missed entries and then `seen`, checking each arrives
    /// with the number that follows, and its content is what was pushed.
    fn consume(&mut self, lost: u64, seen: &[Owned], model: &VecDeque<Owned>) {
        self.expected = self.expected.saturating_add(lost);
        for entry in seen {
            let skip = entry.kind.seq_skip();
            if self.loose {
                assert!(entry.seq >= self.expected && entry.seq.saturating_sub(skip) <= self.expected);
            } else {
                assert_eq!(
                    entry.seq,
                    self.expected.saturating_add(skip),
                    "a gap the reader was not told about"
                );
            }
            self.loose = false;
            self.expected = entry.seq + 1;
            if !matches!(entry.kind, OwnedKind::Dropped(_)) {
                assert!(model.contains(entry), "read {entry:?}, which is not what was pushed");
            }
        }
        assert_eq!(self.cursor.next_seq(), self.expected);
    }
}

fuzz_target!(|input: Input| {
    let capacity = usize::from(input.capacity) % (MAX_CAPACITY + 1);
    let policy = if input.drop_newest { Policy::DropNewest } else { Policy::OverwriteOldest };
    let mut ring = Ring::new(vec![0u8; capacity], policy);
    let mut model: VecDeque<Owned> = VecDeque::new();
    let mut readers: Vec<ReaderModel> = (0..3).map(|_| ReaderModel::at(Cursor::new(), false)).collect();
    let mut now: u64 = 1_000_000;
    let mut refused = 0u64;
    let mut last_seq: Option<u64> = None;

    for op in input.ops {
        let mut pushed = false;
        match op {
            Op::Push(push) => {
                let next_before = ring.next_seq();
                let (result, kind) = offer(&mut ring, &mut now, &push);
                match result {
                    Ok(seq) => {
                        assert!(last_seq.is_none_or(|last| seq > last), "sequence numbers go backwards");
                        assert!(seq >= next_before);
                        last_seq = Some(seq);
                        let newest = ring.iter().last().map(|e| Owned::of(&e));
                        // A `Dropped` count is cut to the numbers the ring
                        // really skips (they stop at 2^63 - 1).
                        let kind = match (kind, newest.as_ref().map(|e| &e.kind)) {
                            (OwnedKind::Dropped(asked), Some(&OwnedKind::Dropped(kept))) if kept <= asked => {
                                OwnedKind::Dropped(kept)
                            }
                            (kind, _) => kind,
                        };
                        let entry = Owned { seq, timestamp_us: now, kind };
                        assert_eq!(newest.as_ref(), Some(&entry), "the newest entry is not the one pushed");
                        if !matches!(entry.kind, OwnedKind::Dropped(_)) {
                            model.push_back(entry);
                        }
                    }
                    Err(_) => refused += 1,
                }
                pushed = true;
            }
            Op::SetClock(to) => now = to,
            Op::Pop(n) => {
                for _ in 0..n {
                    match ring.pop_with(|e| Owned::of(&e)) {
                        Some(popped) if matches!(popped.kind, OwnedKind::Dropped(_)) => {}
                        Some(popped) => assert_eq!(model.pop_front(), Some(popped)),
                        None => {
                            assert!(ring.is_empty() && model.is_empty());
                            break;
                        }
                    }
                }
            }
            Op::Drain => {
                let mut drained = Vec::new();
                ring.drain(|e| drained.push(Owned::of(&e)));
                drained.retain(|e| !matches!(e.kind, OwnedKind::Dropped(_)));
                assert_eq!(drained, Vec::from(std::mem::take(&mut model)));
                assert!(ring.is_empty());
            }
            Op::Clear => {
                let next = ring.next_seq();
                ring.clear();
                model.clear();
                assert!(ring.is_empty());
                assert_eq!(ring.next_seq(), next, "clear keeps numbering");
            }
            Op::Read { reader, limit } => {
                let r = &mut readers[usize::from(reader) % 3];
                if limit > 0 {
                    let mut read = ring.read(&mut r.cursor);
                    let lost = read.lost();
                    let seen: Vec<Owned> =
                        read.by_ref().take(usize::from(limit)).map(|e| Owned::of(&e)).collect();
                    r.consume(lost, &seen, &model);
                }
            }
            Op::Copy { reader, size } => {
                let r = &mut readers[usize::from(reader) % 3];
                let mut reference_cursor = r.cursor;
                let reference = ring.read(&mut reference_cursor);
                let reference_lost = reference.lost();
                let reference: Vec<Owned> = reference.map(|e| Owned::of(&e)).collect();
                let mut out = vec![0u8; usize::from(size)];
                let batch = ring.copy_records(&mut r.cursor, &mut out);
                assert!(batch.len <= out.len());
                let copied: Vec<Owned> = batch.iter(&out).map(|e| Owned::of(&e)).collect();
                assert_eq!(copied.len(), batch.entries);
                // Entries too big for the whole buffer are stepped over and
                // counted lost, and only before the first one copied.
                let skipped =
                    batch.lost.checked_sub(reference_lost).expect("copy lost fewer than the reader") as usize;
                assert!(skipped + batch.entries <= reference.len());
                assert_eq!(copied, reference[skipped..skipped + batch.entries]);
                assert_eq!(batch.more, skipped + batch.entries < reference.len());
                r.consume(reference_lost, &reference[..skipped + batch.entries], &model);
            }
            Op::Since { reader, offset } => {
                let seq = ring.first_seq().saturating_add_signed(i64::from(offset));
                readers[usize::from(reader) % 3] = ReaderModel::at(Cursor::since(seq), true);
            }
            Op::AtEnd { reader } => {
                readers[usize::from(reader) % 3] = ReaderModel::at(Cursor::at_end(&ring), false);
            }
            Op::Restart { reader } => {
                readers[usize::from(reader) % 3] = ReaderModel::at(Cursor::new(), false);
            }
        }

        assert_eq!(ring.validate(), Ok(()), "after {:?}", ring.stats());
        let held: Vec<Owned> = ring.iter().map(|e| Owned::of(&e)).collect();
        assert_eq!(held.len(), ring.len());
        assert_eq!(ring.is_empty(), held.is_empty());
        // No gaps inside the ring: refusals become `Dropped` events that
        // own the numbers of what they report.
        let mut seq = ring.first_seq();
        for entry in &held {
            assert_eq!(entry.seq, seq.saturating_add(entry.kind.seq_skip()));
            seq = entry.seq + 1;
        }
        assert_eq!(seq, ring.next_seq());
        let mut kept: Vec<Owned> =
            held.into_iter().filter(|e| !matches!(e.kind, OwnedKind::Dropped(_))).collect();
        // A push may evict the oldest entries, and only in overwrite mode.
        if pushed {
            while model.len() > kept.len() {
                assert_eq!(policy, Policy::OverwriteOldest, "drop-newest lost a stored entry");
                model.pop_front();
            }
        }
        assert_eq!(kept.len(), model.len());
        for (got, want) in kept.drain(..).zip(&model) {
            assert_eq!(&got, want);
        }
        let stats = ring.stats();
        assert!(stats.used_bytes <= capacity);
        assert_eq!(stats.dropped_total(), refused);
    }
    for r in &mut readers {
        let mut read = ring.read(&mut r.cursor);
        let lost = read.lost();
        let seen: Vec<Owned> = read.by_ref().map(|e| Owned::of(&e)).collect();
        r.consume(lost, &seen, &model);
    }
});
