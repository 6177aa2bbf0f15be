//! The byte layout of one entry, shared by the ring and the wire format.
//!
//! ```text
//! record = len:varint  tag:u8  ts_delta:zigzag-varint  payload
//! ```
//! `len` counts the bytes after itself; a `len` of 0 is padding to the end
//! of the ring's buffer. The full layout is in `FORMAT.md`.

mod fields;
mod write;

pub(crate) use write::{
    log_body_len, valid_description, write_description, write_dropped, write_event, write_log_head,
    write_metric, MAX_EVENT_RECORD, MAX_LOG_HEAD, MAX_SMALL_RECORD,
};
#[cfg(test)]
pub(crate) use write::{record_len, write_log};

use crate::entry::{EntryKind, Event, CLASS_EVENT, CLASS_METRIC};
use crate::varint;
use fields::Fields;

const KIND_LOG: u8 = 0;
const KIND_METRIC: u8 = 1;
const KIND_EVENT: u8 = 2;
const KIND_DESCRIBE: u8 = 3;

const LOG_TRUNCATED: u8 = 1 << 5;

const VALUE_INT: u8 = 0;
const VALUE_F32: u8 = 1;
const VALUE_F64: u8 = 2;
const METRIC_HAS_INSTANCE: u8 = 1 << 4;

const EVENT_DROPPED: u8 = 0;
const EVENT_BOOT: u8 = 1;
const EVENT_ANCHOR: u8 = 2;
const EVENT_THRESHOLD: u8 = 3;

const DESCRIBE_METRIC: u8 = 0;
const DESCRIBE_LABEL: u8 = 1;

const NO_LEVEL: u8 = 0xFF;

/// How a sample's value is stored: the shortest lossless form.
#[derive(Clone, Copy)]
pub(crate) enum Value {
    Int(u64),
    F32(u32),
    F64(u64),
}

/// Chooses a value's encoding from its bits alone: integer and float tests
/// done with integer instructions, so a firmware without an FPU links no
/// soft-float routine for pushing a sample.
///
/// - an integer below 2^49 in magnitude other than −0.0: a zigzag varint
///   (at most 8 bytes, no longer than an f64);
/// - a value an `f32` holds exactly (normal numbers, ±0, ±∞): 4 bytes;
/// - anything else, NaN included (narrowing need not keep its payload): 8.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn classify(value: f64) -> Value {
    let bits = value.to_bits();
    let negative = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let mantissa = bits & ((1 << 52) - 1);
    let exponent = biased - 1023;
    if bits == 0 {
        return Value::Int(0);
    }
    if (0..=48).contains(&exponent) && mantissa & ((1u64 << (52 - exponent)) - 1) == 0 {
        let magnitude = ((mantissa | 1 << 52) >> (52 - exponent)) as i64;
        return Value::Int(varint::zigzag(if negative { -magnitude } else { magnitude }));
    }
    let sign = (negative as u32) << 31;
    match biased {
        0 if mantissa == 0 => Value::F32(sign),                   // −0.0
        0x7ff if mantissa == 0 => Value::F32(sign | 0x7f80_0000), // ±∞
        _ if (1023 - 126..=1023 + 127).contains(&biased) && mantissa & ((1 << 29) - 1) == 0 => {
            Value::F32(sign | ((exponent + 127) as u32) << 23 | (mantissa >> 29) as u32)
        }
        _ => Value::F64(bits),
    }
}

impl Value {
    /// The value readers get back.
    pub(crate) fn to_f64(self) -> f64 {
        match self {
            Value::Int(zigzag) => varint::unzigzag(zigzag) as f64,
            Value::F32(bits) => f64::from(f32::from_bits(bits)),
            Value::F64(bits) => f64::from_bits(bits),
        }
    }

    #[inline]
    fn code(self) -> u8 {
        match self {
            Value::Int(_) => VALUE_INT,
            Value::F32(_) => VALUE_F32,
            Value::F64(_) => VALUE_F64,
        }
    }
}

/// What eviction needs to know about the oldest record, read without
/// parsing its payload.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    /// Bytes the whole record takes, `len` included.
    pub size: usize,
    /// Signed step from the previous record's timestamp.
    pub delta: i64,
    /// Counter class (level, metric or event), with the `level-stats`
    /// feature; without it, which reads no class, always the event class.
    pub class: usize,
    /// See [`Parsed::seq_skip`].
    pub seq_skip: u64,
}

/// Reads the framing of the record at the start of `input`: `Ok(None)` is padding.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn header(input: &[u8]) -> Result<Option<Header>, RecordError> {
    let mut bytes = Sticky { input, at: 0, short: false };
    let body = bytes.varint();
    if bytes.short {
        return Err(RecordError::Truncated);
    }
    if body == 0 {
        return Ok(None);
    }
    let size = usize::try_from(body)
        .ok()
        .and_then(|body| bytes.at.checked_add(body))
        .ok_or(RecordError::BadField)?;
    bytes.input = input.get(..size).ok_or(RecordError::Truncated)?;
    let tag = bytes.byte();
    let delta = bytes.varint();
    let dropped = tag & 0b11 == KIND_EVENT && (tag >> 2) & 0b1111 == EVENT_DROPPED;
    let seq_skip = if dropped { bytes.varint() } else { 0 };
    // Only per-class counters need the class (the `level-stats` feature).
    let class = if cfg!(feature = "level-stats") {
        match tag & 0b11 {
            KIND_LOG => usize::from((tag >> 2) & 0b111),
            KIND_METRIC => CLASS_METRIC,
            _ => CLASS_EVENT,
        }
    } else {
        CLASS_EVENT
    };
    if bytes.short {
        return Err(RecordError::Truncated);
    }
    Ok(Some(Header { size, delta: varint::unzigzag(delta), class, seq_skip }))
}

/// Reads fields from `input[at..]`, noting rather than returning that the
/// input ran short (reads past it give 0): [`header`] checks once, at the
/// end, and keeps its numbers in registers rather than in `Result`s.
struct Sticky<'a> {
    input: &'a [u8],
    at: usize,
    short: bool,
}

impl Sticky<'_> {
    #[inline]
    fn byte(&mut self) -> u8 {
        let byte = self.input.get(self.at).copied();
        self.at += 1;
        self.short |= byte.is_none();
        byte.unwrap_or(0)
    }

    #[inline]
    fn varint(&mut self) -> u64 {
        match varint::read(self.input.get(self.at..).unwrap_or_default()) {
            Some((value, used)) => {
                self.at += used;
                value
            }
            None => {
                self.short = true;
                0
            }
        }
    }
}

/// Why a record could not be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RecordError {
    /// The bytes end inside the record.
    Truncated,
    /// A tag, level or code this version does not know.
    UnknownTag,
    /// A field is out of range (an id above 65535, a varint over 64 bits).
    BadField,
}

/// A parsed record: its timestamp step, what it says, and its size.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Parsed<'a> {
    /// Signed step from the previous record's timestamp.
    pub delta: i64,
    pub kind: EntryKind<'a>,
    /// Bytes the whole record took, `len` included.
    pub size: usize,
}

impl Parsed<'_> {
    /// How far the sequence number moves past this record's own: a
    /// `Dropped` event stands after the numbers of what it lost.
    #[inline]
    pub(crate) fn seq_skip(&self) -> u64 {
        match self.kind {
            EntryKind::Event(Event::Dropped { count }) => count,
            _ => 0,
        }
    }
}

/// Reads the record at the start of `input`. `Ok(None)` is padding (`len` 0).
///
/// The page's wasm reads records in several places (iteration, import,
/// validation); one out-of-line copy there saves about 650 bytes.
#[cfg_attr(not(all(target_arch = "wasm32", not(feature = "std"))), inline)]
#[cfg_attr(all(target_arch = "wasm32", not(feature = "std")), inline(never))]
pub(crate) fn parse(input: &[u8]) -> Result<Option<Parsed<'_>>, RecordError> {
    let (body, prefix) = varint::read(input).ok_or(RecordError::Truncated)?;
    if body == 0 {
        return Ok(None);
    }
    let end = prefix.checked_add(usize::try_from(body).map_err(|_| RecordError::BadField)?);
    let bytes = end.and_then(|end| input.get(prefix..end)).ok_or(RecordError::Truncated)?;
    let size = prefix + bytes.len();
    let mut fields = Fields::new(bytes);
    let tag = fields.byte()?;
    let delta = fields.varint()?;
    let payload = fields.rest();
    let kind = match tag & 0b11 {
        KIND_LOG => fields::parse_log(tag, payload)?,
        KIND_METRIC => fields::parse_metric(tag, payload)?,
        KIND_EVENT => fields::parse_event(tag, payload)?,
        _ => fields::parse_description(tag, payload)?,
    };
    Ok(Some(Parsed { delta: varint::unzigzag(delta), kind, size }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Crossing, Description, LogRecord, ResetReason, Sample};
    use crate::level::Level;
    use crate::metric::{self, MetricId, MetricKind, Series, Unit};

    /// A record as the ring writes it: into `buf`, returning its size.
    fn encode(kind: &EntryKind<'_>, delta: u64, buf: &mut [u8; 700]) -> usize {
        let size = match kind {
            EntryKind::Log(log) => {
                let body = log_body_len(log, delta);
                write_log(log, delta, body, buf);
                return record_len(body);
            }
            EntryKind::Metric(sample) => write_metric(buf, sample.series, classify(sample.value), delta),
            EntryKind::Event(event) => write_event(buf, event, delta),
            EntryKind::Describe(description) => {
                assert!(valid_description(description));
                write_description(buf, description, delta)
            }
        };
        // Every record fits the staging buffer the ring writes it into.
        let bound = match kind {
            EntryKind::Log(_) => size,
            EntryKind::Metric(_) => MAX_SMALL_RECORD,
            EntryKind::Event(Event::Dropped { .. }) => MAX_SMALL_RECORD,
            EntryKind::Event(_) | EntryKind::Describe(_) => MAX_EVENT_RECORD,
        };
        assert!(size <= bound, "{size} > {bound} for {kind:?}");
        size
    }

    fn round_trip(kind: EntryKind<'_>, delta: i64) {
        let zz = varint::zigzag(delta);
        let mut buf = [0u8; 700];
        let total = encode(&kind, zz, &mut buf);
        let parsed = parse(&buf[..total]).unwrap().unwrap();
        assert_eq!(parsed.size, total);
        assert_eq!(parsed.delta, delta);
        match (parsed.kind, kind) {
            (EntryKind::Metric(a), EntryKind::Metric(b)) => {
                assert_eq!(a.series, b.series);
                assert_eq!(a.value.to_bits(), b.value.to_bits(), "{} vs {}", a.value, b.value);
            }
            (a, b) => assert_eq!(a, b),
        }
    }

    #[test]
    fn every_kind_round_trips() {
        let log = LogRecord { level: Level::Warn, target: b"cpu", message: b"usage 93.5%", truncated: true };
        round_trip(EntryKind::Log(log), 5);
        for value in
            [0.0, -0.0, 1.0, -7.0, 42.5, 0.1, 1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 2e15, 1e17]
        {
            round_trip(EntryKind::Metric(Sample { series: Series::new(MetricId(3), 0), value }), -3);
            round_trip(EntryKind::Metric(Sample { series: Series::new(MetricId(300), 7), value }), 1_000_000);
        }
        for event in [
            Event::Dropped { count: 12 },
            Event::Boot { reason: ResetReason::Watchdog },
            Event::Anchor { unix_us: 1_764_000_000_000_000 },
            Event::Threshold(Crossing {
                series: Series::new(MetricId::CPU_USAGE, 0),
                from: None,
                to: Some(Level::Error),
                value: 93.5,
                threshold: 90.0,
            }),
        ] {
            round_trip(EntryKind::Event(event), i64::MIN);
        }
        let longest = "n".repeat(metric::MAX_NAME_LEN);
        for description in [
            Description::Metric {
                metric: MetricId(65535),
                name: &longest,
                unit: Unit::Volts,
                kind: MetricKind::Counter,
            },
            Description::Label { series: Series::new(MetricId(300), 65535), label: "/home/ü ✓" },
        ] {
            round_trip(EntryKind::Describe(description), i64::MAX);
        }
    }

    /// The float-instruction definition the bit-level `classify` replaces
    /// (f32 subnormals aside, which now take the f64 form).
    fn reference_len(value: f64) -> usize {
        let int = value.fract() == 0.0
            && value.abs() < (1u64 << 49) as f64
            && value.to_bits() != (-0.0f64).to_bits();
        if int {
            varint::len(varint::zigzag(value as i64))
        } else if !value.is_nan() && f64::from(value as f32).to_bits() == value.to_bits() {
            4
        } else {
            8
        }
    }

    proptest::proptest! {
        #[test]
        fn metric_values_round_trip_bit_exact_in_the_shortest_form(
            bits in proptest::prelude::any::<u64>(),
            int in -(1i64 << 50)..(1i64 << 50),
            small in proptest::prelude::any::<f32>(),
        ) {
            for value in [f64::from_bits(bits), int as f64, f64::from(small)] {
                let mut out = [0u8; 32];
                let size = write_metric(&mut out, Series::new(MetricId(1), 0), classify(value), 0);
                let Some(Parsed { kind: EntryKind::Metric(sample), .. }) = parse(&out[..size]).unwrap() else {
                    panic!("not a metric");
                };
                proptest::prop_assert_eq!(sample.value.to_bits(), value.to_bits());
                let subnormal_f32 = value != 0.0 && (value as f32).is_subnormal();
                if !subnormal_f32 {
                    proptest::prop_assert_eq!(size, 4 + reference_len(value), "value {}", value);
                }
            }
        }
    }

    #[test]
    fn metric_sample_is_small() {
        // A 1 s step (3-byte delta) and an f32-exact gauge: 10 bytes in all.
        let mut out = [0u8; 32];
        let size =
            write_metric(&mut out, MetricId::CPU_USAGE.series(), classify(93.5), varint::zigzag(1_000_000));
        assert_eq!(size, 10);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert_eq!(parse(&[]).unwrap_err(), RecordError::Truncated);
        assert!(parse(&[0]).unwrap().is_none());
        assert_eq!(parse(&[5, 0]).unwrap_err(), RecordError::Truncated);
        assert_eq!(parse(&[2, 0b1011, 0]).unwrap_err(), RecordError::UnknownTag); // describe code 2
        assert_eq!(parse(&[3, 0b11, 0, 1]).unwrap_err(), RecordError::Truncated); // no unit, kind, name
                                                                                  // A metric name with a space, and a label that is not UTF-8.
        assert_eq!(parse(&[7, 0b11, 0, 1, 0, 0, b'a', b' ']).unwrap_err(), RecordError::BadField);
        assert_eq!(parse(&[6, 0b111, 0, 1, 1, 0xff, 0xfe]).unwrap_err(), RecordError::BadField);
        assert_eq!(parse(&[3, 0b1_1000, 0, 0]).unwrap_err(), RecordError::UnknownTag); // level 6
        assert_eq!(parse(&[5, 1, 0, 0, 9, 9]).unwrap_err(), RecordError::BadField);
        // trailing byte
    }
}
