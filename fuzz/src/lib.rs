//! What the fuzz targets share: entries pushed into a ring, decoded from
//! the fuzz input with `arbitrary`, and an owned copy of an entry that
//! compares bit for bit (a metric's NaN equals itself), so a model can
//! hold what the ring should give back.

use arbitrary::Arbitrary;
use vitals_core::{
    Crossing, Entry, EntryKind, Event, Level, MetricId, PushError, ResetReason, Ring, Series,
    MAX_MESSAGE_LEN, MAX_TARGET_LEN,
};

/// One entry offered to a ring, `dt` µs after the previous one (negative
/// steps too: clocks jump back).
#[derive(Arbitrary, Clone, Debug)]
pub enum Push {
    /// [`Ring::push_log_truncated`]: cut to the maxima, flagged when cut.
    Log { level: u8, target: Vec<u8>, message: Vec<u8>, truncated: bool, dt: i32 },
    /// [`Ring::push`] with a log record as given: the message is kept whole,
    /// a target over the maximum is cut (and flagged).
    RawLog { level: u8, target: Vec<u8>, message: Vec<u8>, truncated: bool, dt: i32 },
    /// [`Ring::push_metric`].
    Metric { metric: u16, instance: u16, bits: u64, dt: i32 },
    /// A boot event with any reset code.
    Boot { code: u8, dt: i32 },
    /// A wall-clock anchor.
    Anchor { unix_us: u64, dt: i32 },
    /// A `Dropped` event, as an importer replaying a stream writes one,
    /// with any count (near 2^63 it once broke the numbering:
    /// `core/tests/fuzz_regressions.rs`).
    Dropped { count: u64, dt: i32 },
    /// A threshold crossing; levels 6 and up are "normal" (`None`).
    Threshold { metric: u16, instance: u16, from: u8, to: u8, value: u64, threshold: u64, dt: i32 },
}

/// An entry as owned data, equal only when every field is bit-identical.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owned {
    /// Sequence number.
    pub seq: u64,
    /// Timestamp in µs.
    pub timestamp_us: u64,
    /// What it says.
    pub kind: OwnedKind,
}

/// The payload of an [`Owned`] entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedKind {
    /// A log record.
    Log { level: Level, target: Vec<u8>, message: Vec<u8>, truncated: bool },
    /// A metric sample, its value as bits.
    Metric { series: Series, bits: u64 },
    /// `Event::Dropped`.
    Dropped(u64),
    /// `Event::Boot`, by reset code.
    Boot(u8),
    /// `Event::Anchor`.
    Anchor(u64),
    /// `Event::Threshold`, values as bits.
    Threshold { series: Series, from: Option<Level>, to: Option<Level>, value: u64, threshold: u64 },
    /// A kind this crate does not know yet (the enums are `#[non_exhaustive]`).
    Other(String),
}

impl OwnedKind {
    /// An owned copy of `kind`.
    pub fn of(kind: &EntryKind<'_>) -> Self {
        match *kind {
            EntryKind::Log(l) => OwnedKind::Log {
                level: l.level,
                target: l.target.to_vec(),
                message: l.message.to_vec(),
                truncated: l.truncated,
            },
            EntryKind::Metric(s) => OwnedKind::Metric { series: s.series, bits: s.value.to_bits() },
            EntryKind::Event(Event::Dropped { count }) => OwnedKind::Dropped(count),
            EntryKind::Event(Event::Boot { reason }) => OwnedKind::Boot(reason.code()),
            EntryKind::Event(Event::Anchor { unix_us }) => OwnedKind::Anchor(unix_us),
            EntryKind::Event(Event::Threshold(c)) => OwnedKind::Threshold {
                series: c.series,
                from: c.from,
                to: c.to,
                value: c.value.to_bits(),
                threshold: c.threshold.to_bits(),
            },
            ref other => OwnedKind::Other(format!("{other:?}")),
        }
    }

    /// The sequence numbers this entry owns before its own: a `Dropped`
    /// event's count, 0 for everything else.
    pub fn seq_skip(&self) -> u64 {
        match self {
            OwnedKind::Dropped(count) => *count,
            _ => 0,
        }
    }
}

impl Owned {
    /// An owned copy of `entry`.
    pub fn of(entry: &Entry<'_>) -> Self {
        Owned { seq: entry.seq, timestamp_us: entry.timestamp_us, kind: OwnedKind::of(&entry.kind) }
    }
}

/// `bytes` cut to `max` as the ring cuts log text: at a UTF-8 character
/// boundary when the bytes before the cut look like UTF-8 (at most three
/// continuation bytes back), else exactly at `max`. The model's own copy
/// of the rule, so a change in the ring shows up as a difference.
pub fn cut(bytes: &[u8], max: usize) -> (&[u8], bool) {
    if bytes.len() <= max {
        return (bytes, false);
    }
    let continuation = |b: u8| b & 0xC0 == 0x80;
    let mut end = max;
    while end > 0 && max - end < 3 && continuation(bytes[end]) {
        end -= 1;
    }
    if continuation(bytes[end]) {
        end = max;
    }
    (&bytes[..end], true)
}

/// The level for a fuzzed byte.
pub fn level(byte: u8) -> Level {
    Level::ALL[usize::from(byte) % Level::ALL.len()]
}

/// The threshold state for a fuzzed byte: a level, or normal (`None`).
pub fn state(byte: u8) -> Option<Level> {
    Level::from_u8(byte % 8)
}

/// Offers `push` to `ring` at the clock `*now` (moved by its `dt`) and
/// returns what the ring said with the entry kind it should give back.
pub fn offer(ring: &mut Ring<Vec<u8>>, now: &mut u64, push: &Push) -> (Result<u64, PushError>, OwnedKind) {
    let step = |now: &mut u64, dt: i32| {
        *now = now.wrapping_add_signed(i64::from(dt));
        *now
    };
    match push {
        Push::Log { level: l, target, message, truncated, dt } => {
            let ts = step(now, *dt);
            let (kept_target, cut_target) = cut(target, MAX_TARGET_LEN);
            let (kept_message, cut_message) = cut(message, MAX_MESSAGE_LEN);
            let expected = OwnedKind::Log {
                level: level(*l),
                target: kept_target.to_vec(),
                message: kept_message.to_vec(),
                truncated: *truncated || cut_target || cut_message,
            };
            (ring.push_log_truncated(ts, level(*l), target, message, *truncated), expected)
        }
        Push::RawLog { level: l, target, message, truncated, dt } => {
            let ts = step(now, *dt);
            let record = vitals_core::LogRecord { level: level(*l), target, message, truncated: *truncated };
            // `push` stores the message as given but cuts a long target.
            let (kept_target, cut_target) = cut(target, MAX_TARGET_LEN);
            let expected = OwnedKind::Log {
                level: level(*l),
                target: kept_target.to_vec(),
                message: message.to_vec(),
                truncated: *truncated || cut_target,
            };
            (ring.push(ts, &EntryKind::Log(record)), expected)
        }
        Push::Metric { metric, instance, bits, dt } => {
            let ts = step(now, *dt);
            let series = Series::new(MetricId(*metric), *instance);
            (ring.push_metric(ts, series, f64::from_bits(*bits)), OwnedKind::Metric { series, bits: *bits })
        }
        Push::Boot { code, dt } => {
            let ts = step(now, *dt);
            (
                ring.push_event(ts, Event::Boot { reason: ResetReason::from_code(*code) }),
                OwnedKind::Boot(*code),
            )
        }
        Push::Anchor { unix_us, dt } => {
            let ts = step(now, *dt);
            (ring.push_event(ts, Event::Anchor { unix_us: *unix_us }), OwnedKind::Anchor(*unix_us))
        }
        Push::Dropped { count, dt } => {
            let ts = step(now, *dt);
            (ring.push_event(ts, Event::Dropped { count: *count }), OwnedKind::Dropped(*count))
        }
        Push::Threshold { metric, instance, from, to, value, threshold, dt } => {
            let ts = step(now, *dt);
            let crossing = Crossing {
                series: Series::new(MetricId(*metric), *instance),
                from: state(*from),
                to: state(*to),
                value: f64::from_bits(*value),
                threshold: f64::from_bits(*threshold),
            };
            let expected = OwnedKind::of(&EntryKind::Event(Event::Threshold(crossing)));
            (ring.push_event(ts, Event::Threshold(crossing)), expected)
        }
    }
}
