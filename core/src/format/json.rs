//! JSON Lines: one object per entry.

use core::fmt::{self, Write};

use crate::entry::{Description, Entry, EntryKind, Event};
use crate::metric::MetricNames;

use super::text::{json as escape, lossy};
use super::time::iso8601;
use super::value::plain;

/// Writes `entry` as one JSON object (no newline).
///
/// Always `seq`, `ts_us` and `type` (`log`, `metric` or `event`); `time`
/// (ISO 8601) when anchored. Non-finite values are the strings `"NaN"`,
/// `"+Inf"`, `"-Inf"`.
///
/// ```
/// use vitals_core::{format, Entry, EntryKind, MetricId, Sample, CATALOG};
/// let entry = Entry { seq: 1, timestamp_us: 5, kind: EntryKind::Metric(Sample::new(MetricId::CPU_USAGE, 12.5)) };
/// let mut s = String::new();
/// format::json(&mut s, &entry, None, &CATALOG)?;
/// assert_eq!(s, r#"{"seq":1,"ts_us":5,"type":"metric","metric":"cpu.usage","instance":0,"value":12.5,"unit":"percent"}"#);
/// # Ok::<(), core::fmt::Error>(())
/// ```
///
/// # Errors
/// Only those of `w`.
pub fn json(
    w: &mut impl Write,
    entry: &Entry<'_>,
    anchor: Option<i64>,
    names: &impl MetricNames,
) -> fmt::Result {
    write!(w, "{{\"seq\":{},\"ts_us\":{}", entry.seq, entry.timestamp_us)?;
    if let Some(offset) = anchor {
        w.write_str(",\"time\":\"")?;
        iso8601(w, (entry.timestamp_us as i64).wrapping_add(offset))?;
        w.write_char('"')?;
    }
    match &entry.kind {
        EntryKind::Log(log) => {
            write!(w, ",\"type\":\"log\",\"level\":\"{}\",\"target\":\"", log.level)?;
            lossy(w, log.target, escape)?;
            w.write_str("\",\"message\":\"")?;
            lossy(w, log.message, escape)?;
            w.write_char('"')?;
            if log.truncated {
                w.write_str(",\"truncated\":true")?;
            }
        }
        EntryKind::Metric(sample) => {
            w.write_str(",\"type\":\"metric\",\"metric\":\"")?;
            let info = names.describe(sample.series.metric);
            match info {
                Some(info) => lossy(w, info.name.as_bytes(), escape)?,
                None => write!(w, "metric#{}", sample.series.metric.0)?,
            }
            write!(w, "\",\"instance\":{}", sample.series.instance)?;
            if let Some(label) = names.instance_label(sample.series) {
                w.write_str(",\"label\":\"")?;
                lossy(w, label.as_bytes(), escape)?;
                w.write_char('"')?;
            }
            w.write_str(",\"value\":")?;
            number(w, sample.value)?;
            if let Some(info) = info {
                write!(w, ",\"unit\":\"{}\"", info.unit.as_str())?;
            }
        }
        EntryKind::Event(event) => match event {
            Event::Dropped { count } => {
                write!(w, ",\"type\":\"event\",\"event\":\"dropped\",\"count\":{count}")?
            }
            Event::Boot { reason } => {
                write!(w, ",\"type\":\"event\",\"event\":\"boot\",\"reason\":\"{}\"", reason.as_str())?;
            }
            Event::Anchor { unix_us } => {
                write!(w, ",\"type\":\"event\",\"event\":\"anchor\",\"unix_us\":{unix_us}")?
            }
            Event::Threshold(c) => {
                w.write_str(",\"type\":\"event\",\"event\":\"threshold\",\"metric\":\"")?;
                match names.describe(c.series.metric) {
                    Some(info) => lossy(w, info.name.as_bytes(), escape)?,
                    None => write!(w, "metric#{}", c.series.metric.0)?,
                }
                write!(w, "\",\"instance\":{}", c.series.instance)?;
                let level = |l: Option<crate::Level>| l.map_or("OK", |l| l.as_str());
                write!(w, ",\"from\":\"{}\",\"to\":\"{}\",\"value\":", level(c.from), level(c.to))?;
                number(w, c.value)?;
                w.write_str(",\"threshold\":")?;
                number(w, c.threshold)?;
            }
        },
        EntryKind::Describe(Description::Metric { metric, name, unit, kind }) => write!(
            w,
            ",\"type\":\"describe\",\"metric\":{},\"name\":\"{name}\",\"unit\":\"{}\",\"kind\":\"{}\"",
            metric.0,
            unit.as_str(),
            kind.as_str()
        )?,
        EntryKind::Describe(Description::Label { series, label }) => {
            write!(
                w,
                ",\"type\":\"describe\",\"metric\":{},\"instance\":{},\"label\":\"",
                series.metric.0, series.instance
            )?;
            lossy(w, label.as_bytes(), escape)?;
            w.write_char('"')?;
        }
    }
    w.write_char('}')
}

fn number(w: &mut impl Write, v: f64) -> fmt::Result {
    if v.is_finite() {
        plain(w, v)
    } else {
        w.write_char('"')?;
        plain(w, v)?;
        w.write_char('"')
    }
}
