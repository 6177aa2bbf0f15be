//! The byte layout of one entry, shared by the ring and the wire format.
//!
//! ```text
//! record = len:varint  tag:u8  ts_delta:zigzag-varint  payload
//! ```
//! `len` counts the bytes after itself; a `len` of 0 is padding to the end
//! of the ring's buffer. The full layout is in `FORMAT.md`.

use crate::entry::{
    Crossing, Description, EntryKind, Event, LogRecord, ResetReason, Sample, CLASS_EVENT, CLASS_METRIC,
};
use crate::level::Level;
use crate::metric::{self, MetricId, MetricKind, Series, Unit};
use crate::{bytes, varint};

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
enum Value {
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
fn classify(value: f64) -> Value {
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
    #[inline]
    fn code(self) -> u8 {
        match self {
            Value::Int(_) => VALUE_INT,
            Value::F32(_) => VALUE_F32,
            Value::F64(_) => VALUE_F64,
        }
    }

    #[inline]
    fn write(self, out: &mut [u8]) -> usize {
        match self {
            Value::Int(v) => varint::write(v, out),
            Value::F32(bits) => {
                bytes::copy(out, &bits.to_le_bytes());
                4
            }
            Value::F64(bits) => {
                bytes::copy(out, &bits.to_le_bytes());
                8
            }
        }
    }
}

/// The bytes a whole record takes, `len` prefix included.
#[inline]
pub(crate) fn record_len(body: usize) -> usize {
    varint::len(body as u64) + body
}

/// The bytes a log record's body (after `len`) takes.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn log_body_len(log: &LogRecord<'_>, delta: u64) -> usize {
    1 + varint::len(delta) + varint::len(log.target.len() as u64) + log.target.len() + log.message.len()
}

/// Writes a whole log record (`len`, tag, delta, payload) of `body` bytes
/// into `out`, which holds exactly [`record_len`]`(body)` bytes.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn write_log(log: &LogRecord<'_>, delta: u64, body: usize, out: &mut [u8]) {
    let at = varint::write(body as u64, out);
    let out = &mut out[at..];
    let truncated = if log.truncated { LOG_TRUNCATED } else { 0 };
    out[0] = KIND_LOG | (log.level as u8) << 2 | truncated;
    let mut at = 1 + varint::write(delta, &mut out[1..]);
    at += varint::write(log.target.len() as u64, &mut out[at..]);
    let (target, message) = out[at..].split_at_mut(log.target.len());
    bytes::copy(target, log.target);
    bytes::copy(message, log.message);
}

/// Largest metric record: len, tag, 10-byte delta, 3-byte id and instance, f64.
pub(crate) const MAX_METRIC_RECORD: usize = 1 + 1 + 10 + 3 + 3 + 8;

/// Encodes a whole metric record into `out` in one pass (the value's
/// encoding is chosen once) and returns its size. The body is always
/// shorter than 128 bytes, so `len` is one byte.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn encode_metric(
    series: Series,
    value: f64,
    delta: u64,
    out: &mut [u8; MAX_METRIC_RECORD],
) -> usize {
    let value = classify(value);
    let has_instance = if series.instance == 0 { 0 } else { METRIC_HAS_INSTANCE };
    out[1] = KIND_METRIC | value.code() << 2 | has_instance;
    let mut at = 2 + varint::write(delta, &mut out[2..]);
    at += varint::write(u64::from(series.metric.0), &mut out[at..]);
    if series.instance != 0 {
        at += varint::write(u64::from(series.instance), &mut out[at..]);
    }
    at += value.write(&mut out[at..]);
    out[0] = (at - 1) as u8;
    at
}

/// Largest event record: len, tag, 10-byte delta, a threshold crossing.
pub(crate) const MAX_EVENT_RECORD: usize = 1 + 1 + 10 + 3 + 3 + 2 + 16;

/// Encodes a whole `Dropped` event record into `out`; returns its size.
#[inline]
pub(crate) fn encode_dropped(count: u64, delta: u64, out: &mut [u8; MAX_EVENT_RECORD]) -> usize {
    out[1] = KIND_EVENT | EVENT_DROPPED << 2;
    let mut at = 2 + varint::write(delta, &mut out[2..]);
    at += varint::write(count, &mut out[at..]);
    out[0] = (at - 1) as u8;
    at
}

/// Encodes a whole event record into `out`; returns its size. The body is
/// always shorter than 128 bytes, so `len` is one byte.
pub(crate) fn encode_event(event: &Event, delta: u64, out: &mut [u8; MAX_EVENT_RECORD]) -> usize {
    let code = match event {
        Event::Dropped { count } => return encode_dropped(*count, delta, out),
        Event::Boot { .. } => EVENT_BOOT,
        Event::Anchor { .. } => EVENT_ANCHOR,
        Event::Threshold(_) => EVENT_THRESHOLD,
    };
    out[1] = KIND_EVENT | code << 2;
    let mut at = 2 + varint::write(delta, &mut out[2..]);
    match event {
        Event::Dropped { .. } => {}
        Event::Boot { reason } => {
            out[at] = reason.code();
            at += 1;
        }
        Event::Anchor { unix_us } => at += varint::write(*unix_us, &mut out[at..]),
        Event::Threshold(c) => {
            at += varint::write(u64::from(c.series.metric.0), &mut out[at..]);
            at += varint::write(u64::from(c.series.instance), &mut out[at..]);
            out[at] = c.from.map_or(NO_LEVEL, |l| l as u8);
            out[at + 1] = c.to.map_or(NO_LEVEL, |l| l as u8);
            at += 2;
            out[at..at + 8].copy_from_slice(&c.value.to_bits().to_le_bytes());
            out[at + 8..at + 16].copy_from_slice(&c.threshold.to_bits().to_le_bytes());
            at += 16;
        }
    }
    out[0] = (at - 1) as u8;
    at
}

/// Largest description record: len (2 bytes), tag, 10-byte delta, 3-byte
/// id and instance, unit and kind, a 48-byte name.
pub(crate) const MAX_DESCRIBE_RECORD: usize = 2 + 1 + 10 + 3 + 3 + 2 + metric::MAX_NAME_LEN;

/// Encodes a whole description record into `out`; returns its size, or
/// `None` when the name or label breaks the rules in [`Description`].
pub(crate) fn encode_description(
    description: &Description<'_>,
    delta: u64,
    out: &mut [u8; MAX_DESCRIBE_RECORD],
) -> Option<usize> {
    // The body is below 128 bytes, so `len` is one byte (the second is spare).
    let body = &mut out[1..];
    let mut at = 1 + varint::write(delta, &mut body[1..]);
    let text = match *description {
        Description::Metric { metric, name, unit, kind } => {
            if !metric::valid_name(name) {
                return None;
            }
            body[0] = KIND_DESCRIBE | DESCRIBE_METRIC << 2;
            at += varint::write(u64::from(metric.0), &mut body[at..]);
            body[at] = unit.code();
            body[at + 1] = kind as u8;
            at += 2;
            name
        }
        Description::Label { series, label } => {
            if label.is_empty() || label.len() > metric::MAX_NAME_LEN {
                return None;
            }
            body[0] = KIND_DESCRIBE | DESCRIBE_LABEL << 2;
            at += varint::write(u64::from(series.metric.0), &mut body[at..]);
            at += varint::write(u64::from(series.instance), &mut body[at..]);
            label
        }
    };
    body[at..at + text.len()].copy_from_slice(text.as_bytes());
    at += text.len();
    out[0] = at as u8;
    Some(at + 1)
}

/// What eviction needs to know about the oldest record, read without
/// parsing its payload.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    /// Bytes the whole record takes, `len` included.
    pub size: usize,
    /// Signed step from the previous record's timestamp.
    pub delta: i64,
    /// Counter class (level, metric or event).
    #[cfg_attr(not(feature = "level-stats"), allow(dead_code))]
    pub class: usize,
    /// See [`Parsed::seq_skip`].
    pub seq_skip: u64,
}

/// Reads the framing of the record at the start of `input`: `Ok(None)` is padding.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn header(input: &[u8]) -> Result<Option<Header>, RecordError> {
    let (body, prefix) = varint::read(input).ok_or(RecordError::Truncated)?;
    if body == 0 {
        return Ok(None);
    }
    let size =
        usize::try_from(body).ok().and_then(|body| prefix.checked_add(body)).ok_or(RecordError::BadField)?;
    let bytes = input.get(prefix..size).ok_or(RecordError::Truncated)?;
    let (&tag, rest) = bytes.split_first().ok_or(RecordError::Truncated)?;
    let (delta, n) = varint::read(rest).ok_or(RecordError::Truncated)?;
    let (class, seq_skip) = match tag & 0b11 {
        KIND_LOG => (usize::from((tag >> 2) & 0b111), 0),
        KIND_METRIC => (CLASS_METRIC, 0),
        KIND_DESCRIBE => (CLASS_EVENT, 0),
        _ if (tag >> 2) & 0b1111 == EVENT_DROPPED => {
            (CLASS_EVENT, varint::read(&rest[n..]).ok_or(RecordError::Truncated)?.0)
        }
        _ => (CLASS_EVENT, 0),
    };
    Ok(Some(Header { size, delta: varint::unzigzag(delta), class, seq_skip }))
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
#[inline]
pub(crate) fn parse(input: &[u8]) -> Result<Option<Parsed<'_>>, RecordError> {
    let (body, prefix) = varint::read(input).ok_or(RecordError::Truncated)?;
    if body == 0 {
        return Ok(None);
    }
    let end = prefix.checked_add(usize::try_from(body).map_err(|_| RecordError::BadField)?);
    let bytes = end.and_then(|end| input.get(prefix..end)).ok_or(RecordError::Truncated)?;
    let size = prefix + bytes.len();
    let (&tag, rest) = bytes.split_first().ok_or(RecordError::Truncated)?;
    let (delta, n) = varint::read(rest).ok_or(RecordError::Truncated)?;
    let payload = &rest[n..];
    let kind = match tag & 0b11 {
        KIND_LOG => parse_log(tag, payload)?,
        KIND_METRIC => parse_metric(tag, payload)?,
        KIND_EVENT => parse_event(tag, payload)?,
        _ => parse_description(tag, payload)?,
    };
    Ok(Some(Parsed { delta: varint::unzigzag(delta), kind, size }))
}

fn parse_log(tag: u8, payload: &[u8]) -> Result<EntryKind<'_>, RecordError> {
    if tag & 0b1100_0000 != 0 {
        return Err(RecordError::UnknownTag);
    }
    let level = Level::from_u8((tag >> 2) & 0b111).ok_or(RecordError::UnknownTag)?;
    let (target_len, n) = varint::read(payload).ok_or(RecordError::Truncated)?;
    let rest = &payload[n..];
    let target_len = usize::try_from(target_len).map_err(|_| RecordError::BadField)?;
    if target_len > rest.len() {
        return Err(RecordError::Truncated);
    }
    let (target, message) = rest.split_at(target_len);
    Ok(EntryKind::Log(LogRecord { level, target, message, truncated: tag & LOG_TRUNCATED != 0 }))
}

fn read_u16(input: &[u8]) -> Result<(u16, usize), RecordError> {
    let (value, n) = varint::read(input).ok_or(RecordError::Truncated)?;
    Ok((u16::try_from(value).map_err(|_| RecordError::BadField)?, n))
}

fn read_f64(input: &[u8]) -> Result<f64, RecordError> {
    let bytes: [u8; 8] =
        input.get(..8).ok_or(RecordError::Truncated)?.try_into().map_err(|_| RecordError::Truncated)?;
    Ok(f64::from_le_bytes(bytes))
}

fn parse_metric(tag: u8, payload: &[u8]) -> Result<EntryKind<'_>, RecordError> {
    if tag & 0b1110_0000 != 0 {
        return Err(RecordError::UnknownTag);
    }
    let (metric, mut at) = read_u16(payload)?;
    let mut instance = 0;
    if tag & METRIC_HAS_INSTANCE != 0 {
        let (value, n) = read_u16(&payload[at..])?;
        instance = value;
        at += n;
    }
    let rest = &payload[at..];
    let (value, used) = match (tag >> 2) & 0b11 {
        VALUE_INT => {
            let (v, n) = varint::read(rest).ok_or(RecordError::Truncated)?;
            (varint::unzigzag(v) as f64, n)
        }
        VALUE_F32 => {
            let bytes: [u8; 4] = rest
                .get(..4)
                .ok_or(RecordError::Truncated)?
                .try_into()
                .map_err(|_| RecordError::Truncated)?;
            (f64::from(f32::from_le_bytes(bytes)), 4)
        }
        VALUE_F64 => (read_f64(rest)?, 8),
        _ => return Err(RecordError::UnknownTag),
    };
    if used != rest.len() {
        return Err(RecordError::BadField);
    }
    Ok(EntryKind::Metric(Sample { series: Series::new(MetricId(metric), instance), value }))
}

fn level_or_none(code: u8) -> Result<Option<Level>, RecordError> {
    if code == NO_LEVEL {
        Ok(None)
    } else {
        Level::from_u8(code).map(Some).ok_or(RecordError::UnknownTag)
    }
}

fn parse_event(tag: u8, payload: &[u8]) -> Result<EntryKind<'_>, RecordError> {
    if tag & 0b1100_0000 != 0 {
        return Err(RecordError::UnknownTag);
    }
    let event = match (tag >> 2) & 0b1111 {
        EVENT_DROPPED => Event::Dropped { count: varint::read(payload).ok_or(RecordError::Truncated)?.0 },
        EVENT_BOOT => {
            Event::Boot { reason: ResetReason::from_code(*payload.first().ok_or(RecordError::Truncated)?) }
        }
        EVENT_ANCHOR => Event::Anchor { unix_us: varint::read(payload).ok_or(RecordError::Truncated)?.0 },
        EVENT_THRESHOLD => {
            let (metric, a) = read_u16(payload)?;
            let (instance, b) = read_u16(&payload[a..])?;
            let rest = &payload[a + b..];
            let levels = rest.get(..2).ok_or(RecordError::Truncated)?;
            Event::Threshold(Crossing {
                series: Series::new(MetricId(metric), instance),
                from: level_or_none(levels[0])?,
                to: level_or_none(levels[1])?,
                value: read_f64(&rest[2..])?,
                threshold: read_f64(rest.get(10..).ok_or(RecordError::Truncated)?)?,
            })
        }
        _ => return Err(RecordError::UnknownTag),
    };
    Ok(EntryKind::Event(event))
}

fn parse_description(tag: u8, payload: &[u8]) -> Result<EntryKind<'_>, RecordError> {
    let code = (tag >> 2) & 0b1111;
    if tag & 0b1100_0000 != 0 || !matches!(code, DESCRIBE_METRIC | DESCRIBE_LABEL) {
        return Err(RecordError::UnknownTag);
    }
    let (metric, mut at) = read_u16(payload)?;
    let metric = MetricId(metric);
    let description = match code {
        DESCRIBE_METRIC => {
            let codes = payload.get(at..at + 2).ok_or(RecordError::Truncated)?;
            let unit = Unit::from_code(codes[0]).ok_or(RecordError::UnknownTag)?;
            let kind = match codes[1] {
                0 => MetricKind::Gauge,
                1 => MetricKind::Counter,
                _ => return Err(RecordError::UnknownTag),
            };
            let name = core::str::from_utf8(&payload[at + 2..]).map_err(|_| RecordError::BadField)?;
            if !metric::valid_name(name) {
                return Err(RecordError::BadField);
            }
            Description::Metric { metric, name, unit, kind }
        }
        DESCRIBE_LABEL => {
            let (instance, n) = read_u16(&payload[at..])?;
            at += n;
            let label = core::str::from_utf8(&payload[at..]).map_err(|_| RecordError::BadField)?;
            if label.is_empty() || label.len() > metric::MAX_NAME_LEN {
                return Err(RecordError::BadField);
            }
            Description::Label { series: Series::new(metric, instance), label }
        }
        _ => return Err(RecordError::UnknownTag),
    };
    Ok(EntryKind::Describe(description))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as the ring writes it: into `buf`, returning its size.
    fn encode(kind: &EntryKind<'_>, delta: u64, buf: &mut [u8; 700]) -> usize {
        match kind {
            EntryKind::Log(log) => {
                let body = log_body_len(log, delta);
                let total = record_len(body);
                write_log(log, delta, body, &mut buf[..total]);
                total
            }
            EntryKind::Metric(sample) => {
                let mut out = [0u8; MAX_METRIC_RECORD];
                let total = encode_metric(sample.series, sample.value, delta, &mut out);
                buf[..total].copy_from_slice(&out[..total]);
                total
            }
            EntryKind::Event(event) => {
                let mut out = [0u8; MAX_EVENT_RECORD];
                let total = encode_event(event, delta, &mut out);
                buf[..total].copy_from_slice(&out[..total]);
                total
            }
            EntryKind::Describe(description) => {
                let mut out = [0u8; MAX_DESCRIBE_RECORD];
                let total = encode_description(description, delta, &mut out).expect("a valid name");
                buf[..total].copy_from_slice(&out[..total]);
                total
            }
        }
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
                let mut out = [0u8; MAX_METRIC_RECORD];
                let size = encode_metric(Series::new(MetricId(1), 0), value, 0, &mut out);
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
        let mut out = [0u8; MAX_METRIC_RECORD];
        let size = encode_metric(MetricId::CPU_USAGE.series(), 93.5, varint::zigzag(1_000_000), &mut out);
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
