//! The ring against a plain model (a `VecDeque` of owned entries) over
//! random capacities, policies, entry sizes, wrap-arounds, pops, clears and
//! cursor reads.

use std::collections::VecDeque;

use proptest::prelude::*;
use vitals_core::{
    Cursor, Description, Entry, EntryKind, Event, Level, MetricId, MetricKind, Policy, ResetReason, Ring,
    Series, Unit, MAX_MESSAGE_LEN, MAX_TARGET_LEN,
};

#[derive(Clone, Debug, PartialEq)]
enum Owned {
    Log { level: Level, target: Vec<u8>, message: Vec<u8>, truncated: bool },
    Metric { series: Series, bits: u64 },
    Boot(u8),
    Anchor(u64),
    Named { metric: u16, name: String },
}

impl Owned {
    fn of(entry: &Entry<'_>) -> Option<Owned> {
        Some(match entry.kind {
            EntryKind::Log(l) => Owned::Log {
                level: l.level,
                target: l.target.to_vec(),
                message: l.message.to_vec(),
                truncated: l.truncated,
            },
            EntryKind::Metric(s) => Owned::Metric { series: s.series, bits: s.value.to_bits() },
            EntryKind::Event(Event::Boot { reason }) => Owned::Boot(reason.code()),
            EntryKind::Event(Event::Anchor { unix_us }) => Owned::Anchor(unix_us),
            EntryKind::Describe(Description::Metric { metric, name, .. }) => {
                Owned::Named { metric: metric.0, name: name.to_owned() }
            }
            EntryKind::Event(Event::Dropped { .. }) => return None,
            _ => unreachable!("not generated"),
        })
    }
}

#[derive(Clone, Debug)]
enum Op {
    Log { level: u8, target: Vec<u8>, message: Vec<u8>, dt: i32 },
    Metric { metric: u16, instance: u16, bits: u64, dt: i32 },
    Boot(u8),
    Anchor(u64),
    Name { metric: u16, name: String },
    Read(usize),
    Pop,
    Clear,
}

fn ascii(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0x20u8..0x7f, 0..max)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u8..6, ascii(80), ascii(700), -1000i32..100_000)
            .prop_map(|(level, target, message, dt)| Op::Log { level, target, message, dt }),
        6 => (0u16..300, 0u16..5, any::<u64>(), 0i32..2_000_000)
            .prop_map(|(metric, instance, bits, dt)| Op::Metric { metric, instance, bits, dt }),
        1 => any::<u8>().prop_map(Op::Boot),
        1 => any::<u64>().prop_map(Op::Anchor),
        1 => (128u16..200, "[a-z][a-z0-9_.]{0,47}").prop_map(|(metric, name)| Op::Name { metric, name }),
        3 => (0usize..2).prop_map(Op::Read),
        2 => Just(Op::Pop),
        1 => Just(Op::Clear),
    ]
}

struct Reader {
    cursor: Cursor,
    expected: u64,
}

fn check_read(ring: &Ring<Vec<u8>>, reader: &mut Reader) {
    let mut read = ring.read(&mut reader.cursor);
    reader.expected += read.lost();
    for entry in read.by_ref() {
        let skip = match entry.kind {
            EntryKind::Event(Event::Dropped { count }) => count,
            _ => 0,
        };
        assert_eq!(entry.seq, reader.expected + skip, "reader saw a gap it was not told about");
        reader.expected = entry.seq + 1;
    }
    assert_eq!(reader.cursor.next_seq(), reader.expected);
}

fn run(capacity: usize, policy: Policy, ops: Vec<Op>) {
    let mut ring = Ring::new(vec![0u8; capacity], policy);
    let mut model: VecDeque<(u64, Owned)> = VecDeque::new();
    let mut readers =
        [Reader { cursor: Cursor::new(), expected: 0 }, Reader { cursor: Cursor::new(), expected: 0 }];
    let mut ts: u64 = 1_000_000;
    let mut refused = 0u64;
    for op in ops {
        let (result, owned) = match op {
            Op::Log { level, target, message, dt } => {
                ts = ts.wrapping_add_signed(i64::from(dt));
                let level = Level::from_u8(level).unwrap();
                let kept_target = target[..target.len().min(MAX_TARGET_LEN)].to_vec();
                let kept_message = message[..message.len().min(MAX_MESSAGE_LEN)].to_vec();
                let truncated = kept_target.len() < target.len() || kept_message.len() < message.len();
                let owned = Owned::Log { level, target: kept_target, message: kept_message, truncated };
                (ring.push_log(ts, level, &target, &message), owned)
            }
            Op::Metric { metric, instance, bits, dt } => {
                ts = ts.wrapping_add_signed(i64::from(dt));
                let series = Series::new(MetricId(metric), instance);
                (ring.push_metric(ts, series, f64::from_bits(bits)), Owned::Metric { series, bits })
            }
            Op::Boot(code) => {
                (ring.push_event(ts, Event::Boot { reason: ResetReason::from_code(code) }), Owned::Boot(code))
            }
            Op::Anchor(unix_us) => (ring.push_event(ts, Event::Anchor { unix_us }), Owned::Anchor(unix_us)),
            Op::Name { metric, name } => {
                let description = Description::Metric {
                    metric: MetricId(metric),
                    name: &name,
                    unit: Unit::Bytes,
                    kind: MetricKind::Gauge,
                };
                let pushed = ring.push_description(ts, description);
                (pushed, Owned::Named { metric, name })
            }
            Op::Read(i) => {
                check_read(&ring, &mut readers[i]);
                continue;
            }
            Op::Pop => {
                if let Some(popped) = ring.pop_with(|e| Owned::of(&e).map(|o| (e.seq, o))) {
                    if let Some(popped) = popped {
                        assert_eq!(model.pop_front(), Some(popped));
                    }
                } else {
                    assert!(ring.is_empty());
                }
                continue;
            }
            Op::Clear => {
                ring.clear();
                model.clear();
                assert!(ring.is_empty());
                continue;
            }
        };
        match result {
            Ok(seq) => model.push_back((seq, owned)),
            Err(_) => refused += 1,
        }
        // Whatever the ring holds is the newest part of what it accepted,
        // in order, with the sequence numbers push returned.
        let held: Vec<(u64, Owned)> = ring.iter().filter_map(|e| Owned::of(&e).map(|o| (e.seq, o))).collect();
        while model.len() > held.len() {
            assert_eq!(policy, Policy::OverwriteOldest, "drop-newest must never lose stored entries");
            model.pop_front();
        }
        assert_eq!(held, Vec::from(model.clone()));
        let stats = ring.stats();
        assert!(stats.used_bytes <= capacity);
        assert_eq!(stats.dropped_total(), refused);
        let seqs: Vec<u64> = ring.iter().map(|e| e.seq).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ring.iter().count(), ring.len());
        assert_eq!(ring.validate(), Ok(()));
    }
    for reader in &mut readers {
        check_read(&ring, reader);
    }
    // Everything refused is reported by a Dropped event or still pending.
    let reported: u64 = ring
        .iter()
        .filter_map(|e| match e.kind {
            EntryKind::Event(Event::Dropped { count }) => Some(count),
            _ => None,
        })
        .sum();
    assert!(reported + ring.stats().pending_dropped <= refused);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn ring_matches_model(
        capacity in prop_oneof![Just(0usize), 1usize..64, 64usize..4096],
        overwrite in any::<bool>(),
        ops in prop::collection::vec(op(), 0..if cfg!(miri) { 40 } else { 300 }),
    ) {
        let policy = if overwrite { Policy::OverwriteOldest } else { Policy::DropNewest };
        run(capacity, policy, ops);
    }
}

#[test]
fn newest_always_survives_overwrite() {
    let mut ring = Ring::new([0u8; 300], Policy::OverwriteOldest);
    let n = if cfg!(miri) { 500 } else { 10_000u64 };
    for i in 0..n {
        let msg = vec![b'x'; (i % 97) as usize];
        let seq = ring.push_log(i, Level::Info, b"t", &msg).unwrap();
        assert_eq!(ring.iter().last().unwrap().seq, seq);
    }
    assert_eq!(ring.next_seq(), n);
    assert!(ring.stats().overwritten_total() > n * 9 / 10 - 10);
}
