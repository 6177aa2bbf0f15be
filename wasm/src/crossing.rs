//! Threshold crossings written into the ring: the core's
//! `Event::Threshold` and a log line in the core's words
//! (`WARN browser: fps 24Hz ≤ 30Hz`), with numbers written by
//! JavaScript, so the module carries no float-to-text code of its own
//! (about 25 KiB of wasm).

use core::fmt::Write;

use vitals_core::format::{Shown, Value};
use vitals_core::{write_crossing_with, Crossing, Direction, MetricNames, Ring};

use crate::bridge::vitals_number;

/// Writes `crossing` into `ring`: the event, then the log entry in the
/// core's words (`write_crossing_with`), each value as the core's `Value`
/// shows it (`93.5%`, `1.5 GiB`, `24Hz`, `NaN`) with the number written
/// by JavaScript.
pub(crate) fn write<B: AsRef<[u8]> + AsMut<[u8]>>(
    ring: &mut Ring<B>,
    timestamp_us: u64,
    direction: Direction,
    crossing: &Crossing,
    names: &impl MetricNames,
) {
    write_crossing_with(ring, timestamp_us, direction, crossing, names, |out, value, unit| {
        match Value(value, unit).shown() {
            Shown::Number { number, decimals, suffix } => {
                // JavaScript writes any f64 in at most 25 characters.
                let mut text = [0u8; 32];
                let len = vitals_number(number, decimals.map_or(-1, i32::from), &mut text);
                out.write_str(core::str::from_utf8(text.get(..len).unwrap_or_default()).unwrap_or_default())?;
                out.write_str(suffix)
            }
            Shown::Text(text) => out.write_str(text),
        }
    });
}
