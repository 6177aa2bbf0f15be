//! logfmt: `ts=… level=warn target=cpu msg="usage 93.5% ≥ 90%"`.

use core::fmt::{self, Write};

use crate::entry::{Description, Entry, EntryKind, Event};
use crate::metric::MetricNames;

use super::text::logfmt_value;
use super::time::Timestamp;
use super::value::plain;

/// Writes `entry` as one logfmt line (no newline). Keys: `ts`, `seq`, then
/// `level target msg [truncated=true]` for logs, `metric instance value unit`
/// for samples, `event …` for events.
///
/// # Errors
/// Only those of `w`.
pub fn logfmt(
    w: &mut impl Write,
    entry: &Entry<'_>,
    anchor: Option<i64>,
    names: &impl MetricNames,
) -> fmt::Result {
    write!(w, "ts={} seq={}", Timestamp { timestamp_us: entry.timestamp_us, anchor }, entry.seq)?;
    match &entry.kind {
        EntryKind::Log(log) => {
            write!(w, " level={} target=", log.level.as_lower_str())?;
            logfmt_value(w, log.target)?;
            w.write_str(" msg=")?;
            logfmt_value(w, log.message)?;
            if log.truncated {
                w.write_str(" truncated=true")?;
            }
            Ok(())
        }
        EntryKind::Metric(sample) => {
            let info = names.describe(sample.series.metric);
            match info {
                Some(info) => write!(w, " metric={}", info.name)?,
                None => write!(w, " metric=metric#{}", sample.series.metric.0)?,
            }
            if let Some(label) = names.instance_label(sample.series) {
                w.write_str(" instance=")?;
                logfmt_value(w, label.as_bytes())?;
            } else if sample.series.instance != 0 {
                write!(w, " instance={}", sample.series.instance)?;
            }
            w.write_str(" value=")?;
            plain(w, sample.value)?;
            if let Some(info) = info {
                write!(w, " unit={}", info.unit.as_str())?;
            }
            Ok(())
        }
        EntryKind::Event(event) => match event {
            Event::Dropped { count } => write!(w, " event=dropped count={count}"),
            Event::Boot { reason } => write!(w, " event=boot reason={}", reason.as_str()),
            Event::Anchor { unix_us } => write!(w, " event=anchor unix_us={unix_us}"),
            Event::Threshold(c) => {
                write!(w, " event=threshold metric=")?;
                super::human::series(w, c.series, names)?;
                let level = |l: Option<crate::Level>| l.map_or("ok", |l| l.as_lower_str());
                write!(w, " from={} to={} value=", level(c.from), level(c.to))?;
                plain(w, c.value)?;
                w.write_str(" threshold=")?;
                plain(w, c.threshold)
            }
        },
        EntryKind::Describe(Description::Metric { metric, name, unit, kind }) => {
            write!(
                w,
                " event=describe metric={} name={name} unit={} type={}",
                metric.0,
                unit.as_str(),
                kind.as_str()
            )
        }
        EntryKind::Describe(Description::Label { series, label }) => {
            write!(w, " event=describe metric={} instance={} label=", series.metric.0, series.instance)?;
            logfmt_value(w, label.as_bytes())
        }
    }
}
