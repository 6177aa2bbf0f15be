//! Entries and counters as plain JavaScript objects.

use js_sys::{Date, Object, Reflect};
use vitals_core::{Entry, EntryKind, Event, Level, MetricNames, RingStats, Unit};
use wasm_bindgen::JsValue;

/// Milliseconds a JavaScript `Date` can hold either side of 1970.
const MAX_DATE_MS: f64 = 8.64e15;

/// Sets `object[key] = value`; setting on a fresh plain object cannot fail.
pub(crate) fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// The lower-case level name used on the JavaScript side.
pub(crate) fn level_name(level: Level) -> &'static str {
    level.as_lower_str()
}

/// ISO 8601 text of a Unix time in µs, when a `Date` can hold it.
pub(crate) fn iso_time(unix_us: i64) -> Option<String> {
    let ms = (unix_us / 1000) as f64;
    if !(-MAX_DATE_MS..=MAX_DATE_MS).contains(&ms) {
        return None; // toISOString would throw
    }
    Date::new(&JsValue::from_f64(ms)).to_iso_string().as_string()
}

fn bytes(value: &[u8]) -> JsValue {
    JsValue::from_str(&String::from_utf8_lossy(value))
}

fn metric_fields(object: &Object, series: vitals_core::Series, names: &impl MetricNames) {
    match names.describe(series.metric) {
        Some(info) => {
            set(object, "metric", info.name);
            if info.unit != Unit::None {
                set(object, "unit", info.unit.as_str());
            }
        }
        None => set(object, "metric", format!("metric#{}", series.metric.0)),
    }
    if series.instance != 0 {
        set(object, "instance", series.instance);
    }
    if let Some(label) = names.instance_label(series) {
        set(object, "label", label);
    }
}

/// One entry as `{seq, ts, time?, type, …}`; see `VitalsEntry` in the
/// TypeScript definitions.
pub(crate) fn entry(entry: &Entry<'_>, anchor: Option<i64>, names: &impl MetricNames) -> Object {
    let object = Object::new();
    set(&object, "seq", entry.seq as f64);
    set(&object, "ts", entry.timestamp_us as f64);
    if let Some(time) = anchor.and_then(|a| iso_time((entry.timestamp_us as i64).wrapping_add(a))) {
        set(&object, "time", time);
    }
    match &entry.kind {
        EntryKind::Log(log) => {
            set(&object, "type", "log");
            set(&object, "level", level_name(log.level));
            set(&object, "target", bytes(log.target));
            set(&object, "message", bytes(log.message));
            if log.truncated {
                set(&object, "truncated", true);
            }
        }
        EntryKind::Metric(sample) => {
            set(&object, "type", "metric");
            metric_fields(&object, sample.series, names);
            set(&object, "value", sample.value);
        }
        EntryKind::Event(event) => {
            set(&object, "type", "event");
            event_fields(&object, event, names);
        }
        _ => set(&object, "type", "unknown"),
    }
    object
}

fn event_fields(object: &Object, event: &Event, names: &impl MetricNames) {
    match event {
        Event::Dropped { count } => {
            set(object, "event", "dropped");
            set(object, "count", *count as f64);
            set(object, "level", "warn");
            set(object, "message", format!("{count} entries lost: the ring was full"));
        }
        Event::Boot { reason } => {
            set(object, "event", "boot");
            set(object, "reason", reason.as_str());
            set(object, "message", format!("boot ({})", reason.as_str()));
        }
        Event::Anchor { unix_us } => {
            set(object, "event", "anchor");
            set(object, "unixUs", *unix_us as f64);
            set(object, "message", "clock anchored to wall time");
        }
        Event::Threshold(crossing) => {
            set(object, "event", "threshold");
            metric_fields(object, crossing.series, names);
            set(object, "value", crossing.value);
            set(object, "threshold", crossing.threshold);
            set(object, "from", crossing.from.map_or("ok", level_name));
            set(object, "to", crossing.to.map_or("ok", level_name));
            set(object, "level", level_name(crossing.to.unwrap_or(Level::Info)));
        }
        _ => set(object, "event", "unknown"),
    }
}

/// The ring's counters as `VitalsStats`.
pub(crate) fn stats(stats: &RingStats) -> Object {
    let object = Object::new();
    set(&object, "capacity", stats.capacity as f64);
    set(&object, "usedBytes", stats.used_bytes as f64);
    set(&object, "fillPercent", stats.fill_percent());
    set(&object, "entries", stats.len as f64);
    set(&object, "firstSeq", stats.first_seq as f64);
    set(&object, "nextSeq", stats.next_seq as f64);
    set(&object, "written", stats.written_total() as f64);
    set(&object, "dropped", stats.dropped_total() as f64);
    set(&object, "overwritten", stats.overwritten_total() as f64);
    set(&object, "lost", stats.lost_total() as f64);
    set(&object, "truncated", stats.truncated);
    let by_level = Object::new();
    for level in Level::ALL {
        set(&by_level, level_name(level), stats.written_at(level));
    }
    set(&object, "byLevel", by_level);
    set(&object, "samples", stats.metrics().0);
    set(&object, "events", stats.events().0);
    object
}
