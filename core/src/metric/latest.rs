//! The latest value of each series, and rates from counter deltas.

use super::{MetricKind, MetricNames, Series};

/// The newest value of a series and the one before it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeriesValue {
    /// Which series.
    pub series: Series,
    /// The newest value.
    pub value: f64,
    /// When it was sampled (µs, the ring's clock).
    pub timestamp_us: u64,
    previous: Option<(f64, u64)>,
}

impl SeriesValue {
    /// Change per second between the two newest samples, for counters.
    ///
    /// `None` during warm-up (one sample so far), when no time passed, or
    /// when the counter went down (a reset or wrap): never a fake 0.
    pub fn rate_per_second(&self) -> Option<f64> {
        let (value, at) = self.previous?;
        let dt = self.timestamp_us.checked_sub(at).filter(|&d| d > 0)?;
        let delta = self.value - value;
        (delta >= 0.0).then(|| delta * 1e6 / dt as f64)
    }
}

/// A fixed table of the newest value per series: what a Prometheus scrape
/// or a dashboard shows. Series beyond the capacity are counted, not stored.
///
/// ```
/// use vitals_core::{LatestValues, MetricId};
///
/// let mut latest: LatestValues<16> = LatestValues::new();
/// let rx = MetricId::NET_RX_BYTES.series();
/// latest.observe(rx, 1_000.0, 0);
/// assert_eq!(latest.get(rx).unwrap().rate_per_second(), None); // warm-up
/// latest.observe(rx, 3_000.0, 2_000_000);
/// assert_eq!(latest.get(rx).unwrap().rate_per_second(), Some(1_000.0));
/// ```
#[derive(Clone, Debug, Default)]
pub struct LatestValues<const N: usize> {
    values: heapless::Vec<SeriesValue, N>,
    overflow: u32,
}

impl<const N: usize> LatestValues<N> {
    /// An empty table.
    pub const fn new() -> Self {
        LatestValues { values: heapless::Vec::new(), overflow: 0 }
    }

    /// Records a sample.
    pub fn observe(&mut self, series: Series, value: f64, timestamp_us: u64) {
        if let Some(slot) = self.values.iter_mut().find(|v| v.series == series) {
            slot.previous = Some((slot.value, slot.timestamp_us));
            slot.value = value;
            slot.timestamp_us = timestamp_us;
            return;
        }
        if self.values.is_full() {
            self.overflow = self.overflow.saturating_add(1);
            return;
        }
        // Keep the table sorted so exposition output groups a metric's series:
        // the new value takes the place of the first larger one, which moves
        // up one, and so on; the largest goes on the end.
        let mut moving = SeriesValue { series, value, timestamp_us, previous: None };
        for slot in self.values.iter_mut().filter(|v| v.series > series) {
            core::mem::swap(slot, &mut moving);
        }
        // Cannot fail: the table was not full.
        let _ = self.values.push(moving);
    }

    /// The newest value of `series`, if seen.
    pub fn get(&self, series: Series) -> Option<&SeriesValue> {
        self.values.iter().find(|v| v.series == series)
    }

    /// Every series seen, ordered by metric then instance.
    pub fn iter(&self) -> core::slice::Iter<'_, SeriesValue> {
        self.values.iter()
    }

    /// Samples of series that did not fit.
    pub fn overflowed(&self) -> u32 {
        self.overflow
    }

    /// Rate per second of a counter series (see [`SeriesValue::rate_per_second`]);
    /// `None` for gauges.
    pub fn rate(&self, series: Series, names: &impl MetricNames) -> Option<f64> {
        let info = names.describe(series.metric)?;
        if info.kind != MetricKind::Counter {
            return None;
        }
        self.get(series)?.rate_per_second()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MetricId, CATALOG};

    #[test]
    fn counter_reset_gives_no_rate() {
        let mut l: LatestValues<2> = LatestValues::new();
        let s = MetricId::NET_TX_BYTES.series();
        l.observe(s, 100.0, 0);
        l.observe(s, 10.0, 1_000_000);
        assert_eq!(l.rate(s, &CATALOG), None);
        l.observe(s, 20.0, 1_000_000);
        assert_eq!(l.rate(s, &CATALOG), None, "no time passed");
        assert_eq!(l.rate(MetricId::CPU_USAGE.series(), &CATALOG), None);
    }

    #[test]
    fn series_are_kept_in_order_whatever_order_they_come_in() {
        let mut l: LatestValues<5> = LatestValues::new();
        for (i, id) in [MetricId::UPTIME, MetricId::CPU_USAGE, MetricId::MEM_USED, MetricId::LOAD_1]
            .into_iter()
            .enumerate()
        {
            l.observe(id.series(), i as f64, 0);
        }
        l.observe(MetricId::MEM_USED.instance(2), 9.0, 0);
        l.observe(MetricId::MEM_USED.instance(1), 8.0, 0);
        l.observe(MetricId::LOAD_1.series(), 7.0, 1);
        let got: Vec<(u16, u16, f64)> =
            l.iter().map(|v| (v.series.metric.0, v.series.instance, v.value)).collect();
        let mut want = got.clone();
        want.sort_by_key(|&(metric, instance, _)| (metric, instance));
        assert_eq!(got, want);
        assert_eq!(got.len(), 5);
        assert_eq!(l.overflowed(), 1);
        assert_eq!(l.get(MetricId::LOAD_1.series()).unwrap().value, 7.0);
        assert_eq!(l.get(MetricId::CPU_USAGE.series()).unwrap().value, 1.0);
        assert!(l.get(MetricId::MEM_USED.instance(1)).is_none(), "the table was full");
    }

    #[test]
    fn overflow_is_counted_and_order_kept() {
        let mut l: LatestValues<2> = LatestValues::new();
        l.observe(MetricId::MEM_USED.series(), 1.0, 0);
        l.observe(MetricId::CPU_USAGE.series(), 2.0, 0);
        l.observe(MetricId::UPTIME.series(), 3.0, 0);
        assert_eq!(l.overflowed(), 1);
        let ids: heapless::Vec<u16, 2> = l.iter().map(|v| v.series.metric.0).collect();
        assert_eq!(ids.as_slice(), &[0, 3]);
    }
}
