//! Threshold crossings written into the ring: the core's
//! `Event::Threshold` and a log line in the core's words
//! (`WARN browser: fps 24Hz ≤ 30Hz`), with each value written by
//! JavaScript as the core's `format::Value` shows it, so the module carries
//! no float-to-text code of its own (about 25 KiB of wasm).

use core::fmt::Write;

use vitals_core::{write_crossing_with, Crossing, Direction, MetricNames, Ring};

use crate::bridge::{utf8, vitals_value};

/// Writes `crossing` into `ring`: the event, then the log entry in the
/// core's words (`write_crossing_with`), each value with its unit as the
/// core's `Value` shows it (`93.5%`, `1.5 GiB`, `24Hz`, `NaN`), written by
/// `vitals_value` in `bridge.js`.
pub(crate) fn write<B: AsRef<[u8]> + AsMut<[u8]>>(
    ring: &mut Ring<B>,
    timestamp_us: u64,
    direction: Direction,
    crossing: &Crossing,
    names: &impl MetricNames,
) {
    write_crossing_with(ring, timestamp_us, direction, crossing, names, |out, value, unit| {
        // JavaScript writes any value in at most 30 characters (ASCII but
        // for `°C`).
        let mut text = [0u8; 40];
        let len = vitals_value(value, unit.code(), text.as_mut_ptr() as i32, text.len() as i32);
        out.write_str(utf8(text.get(..len).unwrap_or_default()))
    });
}
