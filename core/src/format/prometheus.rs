//! Prometheus text exposition format (version 0.0.4) for the latest value
//! of each series.

use core::fmt::{self, Write};

use crate::metric::{Exposition, LatestValues, MetricKind, MetricNames, Unit, CATALOG};

use super::text::{lossy, quoted};
use super::value::plain;

/// Writes `# HELP`, `# TYPE` and one sample line per series in `latest`.
///
/// Catalog metrics use their Prometheus names (node_exporter's under
/// `vitals_`); custom ones get `vitals_` + the name with `.` as `_`, a unit
/// suffix, and `_total` for counters. Instances become a label
/// (`{mountpoint="/home"}`); non-finite values are `NaN`, `+Inf`, `-Inf`.
///
/// ```
/// use vitals_core::{format, LatestValues, MetricId, CATALOG};
/// let mut latest: LatestValues<8> = LatestValues::new();
/// latest.observe(MetricId::MEM_AVAILABLE.series(), 1_048_576.0, 0);
/// latest.observe(MetricId::CPU_CORE_USAGE.instance(1), f64::NAN, 0);
/// let mut text = String::new();
/// format::prometheus(&mut text, &latest, &CATALOG)?;
/// assert!(text.contains("# TYPE vitals_memory_MemAvailable_bytes gauge\nvitals_memory_MemAvailable_bytes 1048576\n"));
/// assert!(text.contains("vitals_cpu_core_usage_percent{cpu=\"1\"} NaN\n"));
/// # Ok::<(), core::fmt::Error>(())
/// ```
///
/// # Errors
/// Only those of `w`.
pub fn prometheus<const N: usize>(
    w: &mut impl Write,
    latest: &LatestValues<N>,
    names: &impl MetricNames,
) -> fmt::Result {
    let mut previous = None;
    for value in latest.iter() {
        let Some(info) = names.describe(value.series.metric) else { continue };
        let exposition = match CATALOG.exposition(value.series.metric) {
            Some(exposition) if !value.series.metric.is_custom() => exposition,
            _ => Exposition { name: "", help: "Custom metric." },
        };
        if previous != Some(value.series.metric) {
            previous = Some(value.series.metric);
            w.write_str("# HELP ")?;
            metric_name(w, info.name, exposition.name, info.unit, info.kind)?;
            write!(w, " {}\n# TYPE ", exposition.help)?;
            metric_name(w, info.name, exposition.name, info.unit, info.kind)?;
            writeln!(w, " {}", info.kind.as_str())?;
        }
        metric_name(w, info.name, exposition.name, info.unit, info.kind)?;
        let label = names.instance_label(value.series);
        if !info.instance_label.is_empty() || label.is_some() || value.series.instance != 0 {
            let key = if info.instance_label.is_empty() { "instance" } else { info.instance_label };
            write!(w, "{{{key}=\"")?;
            match label {
                Some(label) => lossy(w, label.as_bytes(), quoted)?,
                None => write!(w, "{}", value.series.instance)?,
            }
            w.write_str("\"}")?;
        }
        w.write_char(' ')?;
        plain(w, value.value)?;
        w.write_char('\n')?;
    }
    Ok(())
}

fn metric_name(
    w: &mut impl Write,
    name: &str,
    prometheus: &str,
    unit: Unit,
    kind: MetricKind,
) -> fmt::Result {
    if !prometheus.is_empty() {
        return w.write_str(prometheus);
    }
    w.write_str("vitals_")?;
    for c in name.chars() {
        w.write_char(if c.is_ascii_alphanumeric() || c == '_' || c == ':' { c } else { '_' })?;
    }
    let suffix = match unit {
        Unit::None => "",
        Unit::Percent => "_percent",
        Unit::Bytes => "_bytes",
        Unit::Seconds => "_seconds",
        Unit::Milliseconds => "_milliseconds",
        Unit::Celsius => "_celsius",
        Unit::Hertz => "_hertz",
        Unit::Volts => "_volts",
    };
    if !name.ends_with(suffix.trim_start_matches('_')) {
        w.write_str(suffix)?;
    }
    if kind == MetricKind::Counter && !name.ends_with("total") {
        w.write_str("_total")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MetricId, Registry};

    #[test]
    fn custom_names_and_labels_are_sanitised() {
        let mut reg: Registry<2, 2> = Registry::new();
        let jobs = reg.register("app.jobs-done", Unit::None, MetricKind::Counter).unwrap();
        let heap = reg.register("app.heap", Unit::Bytes, MetricKind::Gauge).unwrap();
        reg.set_label(MetricId::DISK_USED.instance(2), "/mnt/\"odd\"").unwrap();
        let mut latest: LatestValues<4> = LatestValues::new();
        latest.observe(jobs.series(), 7.0, 0);
        latest.observe(heap.series(), f64::NEG_INFINITY, 0);
        latest.observe(MetricId::DISK_USED.instance(2), 1e20, 0);
        let mut text = String::new();
        prometheus(&mut text, &latest, &reg).unwrap();
        assert!(
            text.contains("vitals_filesystem_used_bytes{mountpoint=\"/mnt/\\\"odd\\\"\"} 1e20\n"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE vitals_app_jobs_done_total counter\nvitals_app_jobs_done_total 7\n"),
            "{text}"
        );
        assert!(text.contains("vitals_app_heap_bytes -Inf\n"), "{text}");
    }
}
