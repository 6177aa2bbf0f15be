//! Entries as compact byte rows for `bridge.js`, which turns them into
//! plain objects (`VitalsEntry`): one call and one copy-free read for a
//! whole query, instead of a boundary crossing per field.
//!
//! A row is the kind (`u8`: 0 log, 1 metric, 2 event, 3 unknown), the
//! sequence number and timestamp (`f64` each), then by kind:
//!
//! - log: level (`u8`), truncated (`u8`), target and message (text);
//! - metric: series, value (`f64`);
//! - event: code (`u8`) then dropped: count (`f64`) · boot: reason (`u8`,
//!   `ResetReason::code`) ·
//!   anchor: Unix µs (`f64`) · threshold: series, value and threshold
//!   (`f64`), from and to (`u8` level, 6 for OK) · 4: unknown.
//!
//! A list of names (`metricNames`) is text after text.
//!
//! A series is the metric's name (text, empty when unknown), id (`u16`),
//! unit (`u8`, the core's `Unit::code`), instance (`u16`) and label (text). Numbers
//! are little-endian; text is a `u16` length and UTF-8 bytes.

use alloc::vec::Vec;

use vitals_core::{Entry, EntryKind, Event, Level, MetricNames, Series, Unit};

/// Rows being written.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    pub(crate) bytes: Vec<u8>,
}

/// A level, or 6 (OK) for none.
fn level_code(level: Option<Level>) -> u8 {
    level.map_or(6, |l| l as u8)
}

impl Rows {
    // Every write goes through one `extend_from_slice`, so the growth
    // code is in the module once.
    fn put(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn u8(&mut self, value: u8) {
        self.put(&[value]);
    }

    fn u16(&mut self, value: u16) {
        self.put(&value.to_le_bytes());
    }

    /// Appends a number.
    pub(crate) fn number(&mut self, value: f64) {
        self.put(&value.to_le_bytes());
    }

    fn text(&mut self, text: &[u8]) {
        let text = text.get(..usize::from(u16::MAX)).unwrap_or(text);
        self.u16(text.len() as u16);
        self.put(text);
    }

    fn series(&mut self, series: Series, names: &impl MetricNames) {
        let info = names.describe(series.metric);
        self.text(info.map_or("", |i| i.name).as_bytes());
        self.u16(series.metric.0);
        self.u8(info.map_or(Unit::None, |i| i.unit).code());
        self.u16(series.instance);
        self.text(names.instance_label(series).unwrap_or("").as_bytes());
    }

    /// Appends one name to a list of names.
    pub(crate) fn name(&mut self, name: &str) {
        self.text(name.as_bytes());
    }

    /// Appends one entry.
    pub(crate) fn entry(&mut self, entry: &Entry<'_>, names: &impl MetricNames) {
        let kind = match &entry.kind {
            EntryKind::Log(_) => 0,
            EntryKind::Metric(_) => 1,
            EntryKind::Event(_) => 2,
            _ => 3,
        };
        self.u8(kind);
        self.number(entry.seq as f64);
        self.number(entry.timestamp_us as f64);
        match &entry.kind {
            EntryKind::Log(log) => {
                self.u8(log.level as u8);
                self.u8(u8::from(log.truncated));
                self.text(log.target);
                self.text(log.message);
            }
            EntryKind::Metric(sample) => {
                self.series(sample.series, names);
                self.number(sample.value);
            }
            EntryKind::Event(event) => self.event(event, names),
            _ => {}
        }
    }

    fn event(&mut self, event: &Event, names: &impl MetricNames) {
        match event {
            Event::Dropped { count } => {
                self.u8(0);
                self.number(*count as f64);
            }
            Event::Boot { reason } => {
                self.u8(1);
                self.u8(reason.code());
            }
            Event::Anchor { unix_us } => {
                self.u8(2);
                self.number(*unix_us as f64);
            }
            Event::Threshold(crossing) => {
                self.u8(3);
                self.series(crossing.series, names);
                self.number(crossing.value);
                self.number(crossing.threshold);
                self.u8(level_code(crossing.from));
                self.u8(level_code(crossing.to));
            }
            _ => self.u8(4),
        }
    }
}
