//! Inputs the fuzz targets in `fuzz/` found, kept as plain tests so they run
//! with every `cargo test`. Each names the target that found it.

use vitals_core::{Event, Level, Policy, Ring};

/// `ring_ops`: a `Dropped` event whose count pushes the numbering past the
/// cap (`u64::MAX >> 1`) is stored with its full count while `next_seq`
/// stops at the cap, so the entry reads back with a number other than the
/// one `push` returned, and `validate()` calls the ring corrupt
/// (`Corruption::Sequence`). Such a count can arrive from any decoded
/// stream an importer replays. Fixed: the ring caps the stored count to the
/// numbers it really skips (`Ring::skip_seq`).
#[test]
fn a_huge_dropped_count_keeps_the_numbering_consistent() {
    for count in [u64::MAX >> 1, u64::MAX - 5, 18_408_313_357_205_438_543] {
        let mut ring = Ring::new(vec![0u8; 256], Policy::OverwriteOldest);
        ring.push_log(1, Level::Info, b"t", b"before").unwrap();
        let seq = ring.push_event(2, Event::Dropped { count }).unwrap();
        let stored = ring.iter().last().unwrap();
        assert_eq!(stored.seq, seq, "count {count}: the entry reads back with another number");
        assert_eq!(ring.validate(), Ok(()), "count {count}");
        assert_eq!(ring.next_seq(), seq + 1, "count {count}");
    }
}

/// `ring_ops`: a reader behind a ring whose entries are all gone (here
/// cleared) copies nothing; `copy_records` reported the lost entries but
/// left the cursor where it was, so the next copy reported them lost again
/// (and `encode_frame` the same). Found after readers began to peek at a
/// record before taking it. Fixed: at the end a reader moves its cursor
/// past what it read and lost.
#[test]
fn a_reader_past_lost_entries_moves_on_when_nothing_is_left() {
    use vitals_core::wire::encode_frame;
    use vitals_core::Cursor;

    let mut ring = Ring::new(vec![0u8; 138], Policy::OverwriteOldest);
    for i in 0..31 {
        ring.push_log(i, Level::Info, b"t", b"gone").unwrap();
    }
    ring.clear();
    let mut cursor = Cursor::new();
    let mut out = [0u8; 256];
    let batch = ring.copy_records(&mut cursor, &mut out);
    assert_eq!((batch.entries, batch.lost), (0, 31));
    assert_eq!(cursor.next_seq(), 31, "the cursor did not move past the entries it reported lost");
    assert_eq!(ring.copy_records(&mut cursor, &mut out).lost, 0, "reported lost twice");

    let mut cursor = Cursor::new();
    let frame = encode_frame(&ring, &mut cursor, &mut out);
    assert_eq!((frame.entries, frame.lost), (0, 31));
    assert_eq!(encode_frame(&ring, &mut cursor, &mut out).lost, 0, "reported lost twice");
}
