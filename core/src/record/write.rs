//! Encoding records: every writer goes through [`Writer`], which cannot
//! panic, so the push path has no panic branch at all.

use super::{
    Value, DESCRIBE_LABEL, DESCRIBE_METRIC, EVENT_ANCHOR, EVENT_BOOT, EVENT_DROPPED, EVENT_THRESHOLD,
    KIND_DESCRIBE, KIND_EVENT, KIND_LOG, KIND_METRIC, LOG_TRUNCATED, METRIC_HAS_INSTANCE, NO_LEVEL,
};
use crate::entry::{Description, Event, LogRecord};
use crate::metric::{self, Series};
use crate::{bytes, varint};

/// Writes fields one after another into a buffer the caller sized for
/// them. A write past the end is skipped rather than a panic; it cannot
/// happen for the bounds above (`MAX_*`), and the ring stores only what
/// fits its staging buffer, so a cut record could never reach a neighbour.
struct Writer<'a> {
    out: &'a mut [u8],
    at: usize,
}

impl<'a> Writer<'a> {
    fn new(out: &'a mut [u8]) -> Self {
        Writer { out, at: 0 }
    }

    fn byte(&mut self, value: u8) {
        if let Some(slot) = self.out.get_mut(self.at) {
            *slot = value;
        }
        self.at += 1;
    }

    fn varint(&mut self, value: u64) {
        let mut rest = value;
        while rest >= 0x80 {
            self.byte(rest as u8 | 0x80);
            rest >>= 7;
        }
        self.byte(rest as u8);
    }

    fn bytes(&mut self, value: &[u8]) {
        if let Some(slot) = self.out.get_mut(self.at..) {
            bytes::copy(slot, value);
        }
        self.at += value.len();
    }

    /// Writes the record's one-byte `len` at the start, once the rest is
    /// written (for records whose body is always shorter than 128 bytes),
    /// and returns the record's size.
    fn finish_short(self) -> usize {
        debug_assert!(self.at <= 128, "a short record's body must fit a one-byte len");
        if let Some(len) = self.out.first_mut() {
            *len = (self.at - 1) as u8;
        }
        self.at
    }
}

/// The bytes a whole record takes, `len` prefix included.
#[cfg(test)]
pub(crate) fn record_len(body: usize) -> usize {
    varint::len(body as u64) + body
}

/// The bytes a log record's body (after `len`) takes.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn log_body_len(log: &LogRecord<'_>, delta: u64) -> usize {
    // The target's length takes one byte: see `write_log_head`.
    1 + varint::len(delta) + 1 + log.target.len() + log.message.len()
}

/// Writes a whole log record (`len`, tag, delta, payload) of `body` bytes
/// into `out`, which holds [`record_len`]`(body)` bytes.
#[cfg(test)]
pub(crate) fn write_log(log: &LogRecord<'_>, delta: u64, body: usize, out: &mut [u8]) {
    let head = write_log_head(log, delta, body, out);
    let mut out = Writer { out, at: head };
    out.bytes(log.target);
    out.bytes(log.message);
}

/// Longest head [`write_log_head`] writes: `len` (2 bytes: a body is at
/// most 588), tag, delta, target length (at most 64, one byte).
pub(crate) const MAX_LOG_HEAD: usize = 2 + 1 + varint::MAX_LEN + 1;

/// Longest metric or `Dropped` record: `len`, tag, delta, id, instance and
/// a value (an integer varint of at most 8 bytes, or 8 float bytes).
pub(crate) const MAX_SMALL_RECORD: usize = 1 + 1 + varint::MAX_LEN + 3 + 3 + 8;

/// Longest event or description record: a label of
/// [`metric::MAX_NAME_LEN`] bytes after `len`, tag, delta, id and instance.
pub(crate) const MAX_EVENT_RECORD: usize = 1 + 1 + varint::MAX_LEN + 3 + 3 + metric::MAX_NAME_LEN;

/// Writes a log record's head (`len`, tag, delta, target length) into
/// `out` and returns its size; the target and the message follow it.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn write_log_head(log: &LogRecord<'_>, delta: u64, body: usize, out: &mut [u8]) -> usize {
    let mut out = Writer::new(out);
    out.varint(body as u64);
    let truncated = if log.truncated { LOG_TRUNCATED } else { 0 };
    out.byte(KIND_LOG | (log.level as u8) << 2 | truncated);
    out.varint(delta);
    // A varint of one byte: targets are cut to `MAX_TARGET_LEN` (< 128).
    out.byte(log.target.len() as u8);
    out.at
}

const _: () = assert!(crate::entry::MAX_TARGET_LEN < 0x80, "a log target's length must be a one-byte varint");

/// Writes a whole metric record into `out` (at least
/// [`MAX_SMALL_RECORD`] bytes) and returns its size. The body is always
/// shorter than 128 bytes, so `len` is one byte.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn write_metric(out: &mut [u8], series: Series, value: Value, delta: u64) -> usize {
    let mut out = Writer::new(out);
    out.byte(0); // len, written last
    let has_instance = if series.instance == 0 { 0 } else { METRIC_HAS_INSTANCE };
    out.byte(KIND_METRIC | value.code() << 2 | has_instance);
    out.varint(delta);
    out.varint(u64::from(series.metric.0));
    if series.instance != 0 {
        out.varint(u64::from(series.instance));
    }
    match value {
        Value::Int(v) => out.varint(v),
        Value::F32(bits) => out.bytes(&bits.to_le_bytes()),
        Value::F64(bits) => out.bytes(&bits.to_le_bytes()),
    }
    out.finish_short()
}

/// Writes a whole `Dropped` event record into `out` (at least
/// [`MAX_SMALL_RECORD`] bytes) and returns its size.
pub(crate) fn write_dropped(out: &mut [u8], count: u64, delta: u64) -> usize {
    let mut out = Writer::new(out);
    out.byte(0); // len, written last
    out.byte(KIND_EVENT | EVENT_DROPPED << 2);
    out.varint(delta);
    out.varint(count);
    out.finish_short()
}

/// Writes a whole event record into `out` (at least [`MAX_EVENT_RECORD`]
/// bytes) and returns its size. The body is always shorter than 128
/// bytes, so `len` is one byte.
pub(crate) fn write_event(out: &mut [u8], event: &Event, delta: u64) -> usize {
    let code = match event {
        Event::Dropped { count } => return write_dropped(out, *count, delta),
        Event::Boot { .. } => EVENT_BOOT,
        Event::Anchor { .. } => EVENT_ANCHOR,
        Event::Threshold(_) => EVENT_THRESHOLD,
    };
    let mut out = Writer::new(out);
    out.byte(0); // len, written last
    out.byte(KIND_EVENT | code << 2);
    out.varint(delta);
    match event {
        Event::Dropped { .. } => {}
        Event::Boot { reason } => out.byte(reason.code()),
        Event::Anchor { unix_us } => out.varint(*unix_us),
        Event::Threshold(c) => {
            out.varint(u64::from(c.series.metric.0));
            out.varint(u64::from(c.series.instance));
            out.byte(c.from.map_or(NO_LEVEL, |l| l as u8));
            out.byte(c.to.map_or(NO_LEVEL, |l| l as u8));
            out.bytes(&c.value.to_bits().to_le_bytes());
            out.bytes(&c.threshold.to_bits().to_le_bytes());
        }
    }
    out.finish_short()
}

/// Whether a description's name or label follows the rules in [`Description`].
pub(crate) fn valid_description(description: &Description<'_>) -> bool {
    match *description {
        Description::Metric { name, .. } => metric::valid_name(name),
        Description::Label { label, .. } => !label.is_empty() && label.len() <= metric::MAX_NAME_LEN,
    }
}

/// Writes a whole description record into `out` (at least
/// [`MAX_EVENT_RECORD`] bytes) and returns its size. The caller checked it
/// with [`valid_description`], so the body is below 128 bytes and `len` is
/// one byte.
pub(crate) fn write_description(out: &mut [u8], description: &Description<'_>, delta: u64) -> usize {
    let mut out = Writer::new(out);
    out.byte(0); // len, written last
    match *description {
        Description::Metric { metric, name, unit, kind } => {
            out.byte(KIND_DESCRIBE | DESCRIBE_METRIC << 2);
            out.varint(delta);
            out.varint(u64::from(metric.0));
            out.byte(unit.code());
            out.byte(kind as u8);
            out.bytes(name.as_bytes());
        }
        Description::Label { series, label } => {
            out.byte(KIND_DESCRIBE | DESCRIBE_LABEL << 2);
            out.varint(delta);
            out.varint(u64::from(series.metric.0));
            out.varint(u64::from(series.instance));
            out.bytes(label.as_bytes());
        }
    }
    out.finish_short()
}
