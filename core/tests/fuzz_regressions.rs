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
