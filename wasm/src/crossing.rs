//! Threshold crossings written into the ring: the core's
//! `Event::Threshold` and a log line in the core's words
//! (`WARN browser: fps 24 Hz ≤ 30 Hz`), with numbers written by
//! JavaScript, so the module carries no float-to-text code of its own
//! (about 25 KiB of wasm).

use alloc::string::String;

use vitals_core::{Crossing, Direction, Event, Level, MetricNames, Ring, Unit};

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

/// Writes `crossing` into `ring`: the event, then the log entry.
pub(crate) fn write<B: AsRef<[u8]> + AsMut<[u8]>>(
    ring: &mut Ring<B>,
    timestamp_us: u64,
    direction: Direction,
    crossing: &Crossing,
    names: &impl MetricNames,
) {
    let _ = ring.push_event(timestamp_us, Event::Threshold(*crossing));
    let info = names.describe(crossing.series.metric);
    let name = info.map_or("metric", |i| i.name);
    let unit = info.map_or(Unit::None, |i| i.unit);
    let (target, rest) = name.split_once('.').unwrap_or((name, "value"));
    let mut message = String::from(rest);
    if let Some(label) = names.instance_label(crossing.series) {
        message.push(' ');
        message.push_str(label);
    } else if crossing.series.instance != 0 {
        message.push_str(" #");
        message.push_str(&vitals_number(f64::from(crossing.series.instance), -1));
    }
    let (worse, better) = match direction {
        Direction::Above => ("≥", "below"),
        Direction::Below => ("≤", "above"),
    };
    let value = value_text(crossing.value, unit);
    let threshold = value_text(crossing.threshold, unit);
    // Worse: `usage 93.5% ≥ 90%`; better: `usage 42% back below 80% (was ERROR)`.
    let worse_to = crossing.to.filter(|to| crossing.from.is_none_or(|from| *to > from));
    message.push(' ');
    message.push_str(&value);
    match worse_to {
        Some(_) => {
            message.push(' ');
            message.push_str(worse);
        }
        None => {
            message.push_str(" back ");
            message.push_str(better);
        }
    }
    message.push(' ');
    message.push_str(&threshold);
    if worse_to.is_none() {
        message.push_str(" (was ");
        message.push_str(crossing.from.map_or("OK", Level::as_str));
        message.push(')');
    }
    let level = crossing.to.unwrap_or(Level::Info);
    let _ = ring.push_log(timestamp_us, level, target.as_bytes(), message.as_bytes());
}
