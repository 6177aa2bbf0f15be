//! Threshold crossings written into the ring: the core's
//! `Event::Threshold` and a log line in the core's words
//! (`WARN browser: fps 24Hz ≤ 30Hz`), with numbers written by
//! JavaScript, so the module carries no float-to-text code of its own
//! (about 25 KiB of wasm).

use alloc::string::String;
use core::fmt::Write;

use vitals_core::{write_crossing_with, Crossing, Direction, MetricNames, Ring, Unit};

use crate::bridge::vitals_number;

/// `value` with its unit, the way `vitals_core::format::Value` shows it:
/// `93.5%`, `1.5 GiB`, `24 Hz`, `NaN`.
pub(crate) fn value_text(value: f64, unit: Unit) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    match unit {
        Unit::Bytes => {
            const PREFIXES: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
            let mut scaled = value;
            let mut prefix = 0;
            while scaled.abs() >= 1024.0 && prefix + 1 < PREFIXES.len() {
                scaled /= 1024.0;
                prefix += 1;
            }
            let mut text = vitals_number(scaled, if prefix == 0 { -1 } else { 1 });
            text.push(' ');
            text.push_str(PREFIXES[prefix]);
            text
        }
        Unit::None => vitals_number(value, -1),
        _ => {
            let whole = value.abs() < 1e15 && (value as i64) as f64 == value;
            let mut text = vitals_number(value, if whole { 0 } else { 1 });
            text.push_str(unit.symbol());
            text
        }
    }
}

/// Writes `crossing` into `ring`: the event, then the log entry in the
/// core's words (`write_crossing_with`) with numbers from [`value_text`].
pub(crate) fn write<B: AsRef<[u8]> + AsMut<[u8]>>(
    ring: &mut Ring<B>,
    timestamp_us: u64,
    direction: Direction,
    crossing: &Crossing,
    names: &impl MetricNames,
) {
    write_crossing_with(ring, timestamp_us, direction, crossing, names, |out, value, unit| {
        out.write_str(&value_text(value, unit))
    });
}
