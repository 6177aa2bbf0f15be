//! One line a person reads: `2026-11-24T04:51:21.123Z WARN  cpu: usage 93.5% ≥ 90%`.

use core::fmt::{self, Write};

use crate::entry::{Description, Entry, EntryKind, Event};
use crate::metric::{MetricNames, Series, Unit};

use super::text::{lossy, plain};
use super::time::Timestamp;
use super::value::Value;

/// Writes `entry` as one human-readable line (no newline).
///
/// Logs: `TIME LEVEL target: message`; metrics: `TIME METRIC name{label} value`;
/// events: `TIME EVENT what`. `TIME` is ISO 8601 UTC when `anchor` (Unix µs
/// minus ring µs) is known, else `+seconds` since the clock's origin.
///
/// # Errors
/// Only those of `w`.
pub fn human(
    w: &mut impl Write,
    entry: &Entry<'_>,
    anchor: Option<i64>,
    names: &impl MetricNames,
) -> fmt::Result {
    // Plain `write_str`s on this path: it runs for every line of a log file.
    match anchor {
        Some(offset) => super::time::iso8601(w, (entry.timestamp_us as i64).wrapping_add(offset))?,
        None => write!(w, "{}", Timestamp { timestamp_us: entry.timestamp_us, anchor })?,
    }
    w.write_char(' ')?;
    match &entry.kind {
        EntryKind::Log(log) => {
            let name = log.level.as_str();
            w.write_str(name)?;
            w.write_str("     ".get(name.len()..).unwrap_or_default())?;
            w.write_char(' ')?;
            lossy(w, log.target, plain)?;
            w.write_str(": ")?;
            lossy(w, log.message, plain)?;
            if log.truncated {
                w.write_str(" [truncated]")?;
            }
            Ok(())
        }
        EntryKind::Metric(sample) => {
            w.write_str("METRIC ")?;
            series(w, sample.series, names)?;
            let unit = names.describe(sample.series.metric).map_or(Unit::None, |i| i.unit);
            write!(w, " {}", Value(sample.value, unit))
        }
        EntryKind::Event(event) => {
            w.write_str("EVENT ")?;
            match event {
                Event::Dropped { count } => write!(w, "dropped {count} entries"),
                Event::Boot { reason } => write!(w, "boot (previous reset: {})", reason.as_str()),
                Event::Anchor { unix_us } => {
                    w.write_str("clock anchored at ")?;
                    super::time::iso8601(w, *unix_us as i64)
                }
                Event::Threshold(c) => {
                    w.write_str("threshold ")?;
                    series(w, c.series, names)?;
                    let unit = names.describe(c.series.metric).map_or(Unit::None, |i| i.unit);
                    let from = c.from.map_or("OK", |l| l.as_str());
                    let to = c.to.map_or("OK", |l| l.as_str());
                    write!(
                        w,
                        " {from} -> {to} at {} (threshold {})",
                        Value(c.value, unit),
                        Value(c.threshold, unit)
                    )
                }
            }
        }
        EntryKind::Describe(description) => describe(w, description),
    }
}

/// `DESCRIBE metric#128 = app.queue_depth (bytes, gauge)`, or
/// `DESCRIBE metric#128 instance 1 = rx`: by number, since the point is
/// to say what the number means.
fn describe(w: &mut impl Write, description: &Description<'_>) -> fmt::Result {
    match description {
        Description::Metric { metric, name, unit, kind } => {
            write!(w, "DESCRIBE metric#{} = {name} ({}, {})", metric.0, unit.as_str(), kind.as_str())
        }
        Description::Label { series, label } => {
            write!(w, "DESCRIBE metric#{} instance {} = ", series.metric.0, series.instance)?;
            lossy(w, label.as_bytes(), plain)
        }
    }
}

/// `name` or `name{label=value}` for a series.
pub(crate) fn series(w: &mut impl Write, series: Series, names: &impl MetricNames) -> fmt::Result {
    match names.describe(series.metric) {
        Some(info) => w.write_str(info.name)?,
        None => write!(w, "metric#{}", series.metric.0)?,
    }
    let label_name = names.describe(series.metric).map_or("", |i| i.instance_label);
    let label = names.instance_label(series);
    if series.instance == 0 && label.is_none() && label_name.is_empty() {
        return Ok(());
    }
    let key = if label_name.is_empty() { "instance" } else { label_name };
    match label {
        Some(label) => write!(w, "{{{key}={label}}}"),
        None => write!(w, "{{{key}={}}}", series.instance),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Crossing, Level, LogRecord, MetricId, Registry, ResetReason, Sample, CATALOG};

    fn line(kind: EntryKind<'_>, names: &impl MetricNames) -> String {
        let mut s = String::new();
        human(&mut s, &Entry { seq: 0, timestamp_us: 2_500_000, kind }, None, names).unwrap();
        s
    }

    #[test]
    fn each_kind() {
        let log =
            LogRecord { level: Level::Critical, target: b"db", message: b"bad \xff\nbyte", truncated: true };
        assert_eq!(
            line(EntryKind::Log(log), &CATALOG),
            "+2.500000s CRITICAL db: bad \u{fffd}\\nbyte [truncated]"
        );
        let mut reg: Registry<1, 1> = Registry::new();
        reg.set_label(MetricId::DISK_USAGE.instance(1), "/home").unwrap();
        let disk = Sample { series: MetricId::DISK_USAGE.instance(1), value: 91.25 };
        assert_eq!(
            line(EntryKind::Metric(disk), &reg),
            "+2.500000s METRIC disk.usage{mountpoint=/home} 91.2%"
        );
        let cpu = Sample { series: MetricId::CPU_CORE_USAGE.instance(3), value: f64::NAN };
        assert_eq!(line(EntryKind::Metric(cpu), &CATALOG), "+2.500000s METRIC cpu.core.usage{cpu=3} NaN");
        let custom = Sample::new(MetricId(200), 4.0);
        assert_eq!(line(EntryKind::Metric(custom), &CATALOG), "+2.500000s METRIC metric#200 4");
        assert_eq!(
            line(EntryKind::Event(Event::Dropped { count: 3 }), &CATALOG),
            "+2.500000s EVENT dropped 3 entries"
        );
        assert_eq!(
            line(EntryKind::Event(Event::Boot { reason: ResetReason::Watchdog }), &CATALOG),
            "+2.500000s EVENT boot (previous reset: watchdog)"
        );
        let crossing = Crossing {
            series: MetricId::CPU_USAGE.series(),
            from: None,
            to: Some(Level::Error),
            value: 93.5,
            threshold: 90.0,
        };
        assert_eq!(
            line(EntryKind::Event(Event::Threshold(crossing)), &CATALOG),
            "+2.500000s EVENT threshold cpu.usage OK -> ERROR at 93.5% (threshold 90%)"
        );
    }

    #[test]
    fn descriptions_say_what_a_number_means() {
        let metric = MetricId(MetricId::CUSTOM_BASE);
        let named = Description::Metric {
            metric,
            name: "app.queue",
            unit: Unit::Bytes,
            kind: crate::MetricKind::Gauge,
        };
        assert_eq!(
            line(EntryKind::Describe(named), &CATALOG),
            "+2.500000s DESCRIBE metric#128 = app.queue (bytes, gauge)"
        );
        let label = Description::Label { series: metric.instance(2), label: "eth0" };
        assert_eq!(
            line(EntryKind::Describe(label), &CATALOG),
            "+2.500000s DESCRIBE metric#128 instance 2 = eth0"
        );
        let mut json_line = String::new();
        let entry = Entry { seq: 4, timestamp_us: 1, kind: EntryKind::Describe(named) };
        crate::format::json(&mut json_line, &entry, None, &CATALOG).unwrap();
        assert_eq!(
            json_line,
            r#"{"seq":4,"ts_us":1,"type":"describe","metric":128,"name":"app.queue","unit":"bytes","kind":"gauge"}"#
        );
        let mut logfmt_line = String::new();
        crate::format::logfmt(
            &mut logfmt_line,
            &Entry { kind: EntryKind::Describe(label), ..entry },
            None,
            &CATALOG,
        )
        .unwrap();
        assert!(logfmt_line.ends_with(" event=describe metric=128 instance=2 label=eth0"), "{logfmt_line}");
    }
}
