//! `Cursor::since(n)` against the entries themselves: over random
//! histories (wrap-arounds, overwritten entries, refusals that leave
//! `Dropped` events), every way of reading from a sequence number —
//! iterating, copying records out, encoding frames — yields exactly the
//! stored entries numbered `n` or above, in order, and leaves the cursor
//! where the next read must start.

use proptest::prelude::*;
use vitals_core::wire::{encode_frame, Decoded, Decoder};
use vitals_core::{Cursor, Level, MetricId, Policy, Ring};

#[derive(Clone, Debug)]
enum Op {
    Log(usize),
    Metric(u32),
    /// A message larger than the ring: refused, reported by a `Dropped` event.
    Huge,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..60).prop_map(Op::Log),
        4 => any::<u32>().prop_map(Op::Metric),
        1 => Just(Op::Huge),
    ]
}

fn ring_from(policy: Policy, capacity: usize, ops: &[Op]) -> Ring<Vec<u8>> {
    let mut ring = Ring::new(vec![0u8; capacity], policy);
    let huge = vec![b'x'; capacity];
    for (i, op) in ops.iter().enumerate() {
        let ts = i as u64 * 1_000;
        let _ = match op {
            Op::Log(len) => ring.push_log(ts, Level::Info, b"app", &vec![b'm'; *len]),
            Op::Metric(value) => ring.push_metric(ts, MetricId::CPU_USAGE.series(), *value),
            Op::Huge => ring.push_log(ts, Level::Warn, b"app", &huge),
        };
    }
    ring
}

/// (sequence number, timestamp) of the stored entries numbered `n` or above.
fn expected(ring: &Ring<Vec<u8>>, n: u64) -> Vec<(u64, u64)> {
    ring.iter().filter(|e| e.seq >= n).map(|e| (e.seq, e.timestamp_us)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]

    #[test]
    fn every_read_from_a_number_yields_exactly_the_entries_from_it(
        drop_newest in any::<bool>(),
        capacity in 64usize..400,
        ops in prop::collection::vec(op(), 0..80),
    ) {
        let policy = if drop_newest { Policy::DropNewest } else { Policy::OverwriteOldest };
        let ring = ring_from(policy, capacity, &ops);
        let (first, next) = (ring.first_seq(), ring.next_seq());
        for n in 0..=next + 2 {
            let want = expected(&ring, n);
            let resume = n.max(next);

            // Iterating.
            let mut cursor = Cursor::since(n);
            let (got, lost) = {
                let mut reader = ring.read(&mut cursor);
                let got: Vec<(u64, u64)> = reader.by_ref().map(|e| (e.seq, e.timestamp_us)).collect();
                (got, reader.lost())
            };
            prop_assert_eq!(lost, first.saturating_sub(n));
            prop_assert_eq!(&got, &want, "read since {}", n);
            prop_assert_eq!(cursor.next_seq(), resume);

            // Copying records out.
            let mut cursor = Cursor::since(n);
            let mut out = vec![0u8; capacity];
            let batch = ring.copy_records(&mut cursor, &mut out);
            let copied: Vec<(u64, u64)> = batch.iter(&out).map(|e| (e.seq, e.timestamp_us)).collect();
            prop_assert_eq!(&copied, &want, "copy_records since {}", n);
            prop_assert_eq!(cursor.next_seq(), resume);

            // Encoding frames, decoded again.
            let mut cursor = Cursor::since(n);
            let mut bytes = Vec::new();
            loop {
                let mut frame = vec![0u8; capacity + 64];
                let encoded = encode_frame(&ring, &mut cursor, &mut frame);
                bytes.extend_from_slice(&frame[..encoded.bytes]);
                if !encoded.more {
                    break;
                }
            }
            let mut decoded = Vec::new();
            Decoder::new().feed(&bytes, |item| {
                if let Decoded::Entry { entry, .. } = item {
                    decoded.push((entry.seq, entry.timestamp_us));
                }
            });
            prop_assert_eq!(&decoded, &want, "frames since {}", n);
            prop_assert_eq!(cursor.next_seq(), resume);
        }
    }
}
