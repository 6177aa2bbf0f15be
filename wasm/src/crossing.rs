//! Threshold crossings written into the ring: the core's
//! `Event::Threshold` and a log line in the core's words
//! (`WARN browser: fps 24 Hz ≤ 30 Hz`), with numbers formatted by
//! JavaScript, so the module carries no float-to-text code of its own
//! (about 25 KiB of wasm).

use js_sys::Number;
use vitals_core::{Crossing, Direction, Event, Level, MetricNames, Ring, Unit};

/// A number as JavaScript writes it, with `digits` decimals when given.
fn number(value: f64, digits: Option<u8>) -> String {
    let number = Number::from(value);
    let text = match digits {
        Some(digits) => number.to_fixed(digits).ok(),
        None => number.to_string_with_radix(10).ok(),
    };
    text.map(String::from).unwrap_or_default()
}

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
            let digits = if prefix == 0 { None } else { Some(1) };
            format!("{} {}", number(scaled, digits), PREFIXES[prefix])
        }
        Unit::None => number(value, None),
        _ => {
            let whole = value.abs() < 1e15 && value.trunc() == value;
            format!("{}{}", number(value, Some(if whole { 0 } else { 1 })), unit.symbol())
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
        message.push_str(&format!(" #{}", crossing.series.instance));
    }
    let (worse, better) = match direction {
        Direction::Above => ("≥", "below"),
        Direction::Below => ("≤", "above"),
    };
    let value = value_text(crossing.value, unit);
    let threshold = value_text(crossing.threshold, unit);
    let level = match crossing.to {
        Some(to) if crossing.from.is_none_or(|from| to > from) => {
            message.push_str(&format!(" {value} {worse} {threshold}"));
            to
        }
        to => {
            let from = crossing.from.map_or("OK", Level::as_str);
            message.push_str(&format!(" {value} back {better} {threshold} (was {from})"));
            to.unwrap_or(Level::Info)
        }
    };
    let _ = ring.push_log(timestamp_us, level, target.as_bytes(), message.as_bytes());
}
