//! The browser metrics, registered as custom metrics in a core `Registry`.

use vitals_core::{MetricId, MetricKind, Registry, RegistryError, Series, Unit};

/// One browser metric: name, unit and kind (where each comes from is in
/// the table of the `sampler` module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BrowserMetric {
    /// Dotted name in the registry.
    pub name: &'static str,
    /// Unit of the values.
    pub unit: Unit,
    /// Gauge or counter.
    pub kind: MetricKind,
}

const fn metric(name: &'static str, unit: Unit, kind: MetricKind) -> BrowserMetric {
    BrowserMetric { name, unit, kind }
}

/// Every metric the sampler can report, in [`BrowserMetrics`] field order.
pub const BROWSER_METRICS: [BrowserMetric; 14] = [
    metric("browser.js_heap_used", Unit::Bytes, MetricKind::Gauge),
    metric("browser.js_heap_total", Unit::Bytes, MetricKind::Gauge),
    metric("browser.js_heap_limit", Unit::Bytes, MetricKind::Gauge),
    metric("browser.cpu_cores", Unit::None, MetricKind::Gauge),
    metric("browser.device_memory", Unit::Bytes, MetricKind::Gauge),
    metric("browser.net_type", Unit::None, MetricKind::Gauge),
    metric("browser.net_downlink_mbps", Unit::None, MetricKind::Gauge),
    metric("browser.net_rtt", Unit::Milliseconds, MetricKind::Gauge),
    metric("browser.fps", Unit::Hertz, MetricKind::Gauge),
    metric("browser.long_tasks", Unit::None, MetricKind::Counter),
    metric("browser.long_task_time", Unit::Milliseconds, MetricKind::Counter),
    metric("browser.storage_used", Unit::Bytes, MetricKind::Gauge),
    metric("browser.storage_quota", Unit::Bytes, MetricKind::Gauge),
    metric("browser.uptime", Unit::Seconds, MetricKind::Gauge),
];

/// `effectiveType` values, by the instance number of `browser.net_type`
/// (1–4); the value of a sample is the same number.
pub const EFFECTIVE_TYPES: [&str; 4] = ["slow-2g", "2g", "3g", "4g"];

/// The ids the browser metrics got in a registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BrowserMetrics {
    /// `browser.js_heap_used`: bytes of JS heap in use (Chromium only).
    pub js_heap_used: MetricId,
    /// `browser.js_heap_total`: bytes of JS heap allocated (Chromium only).
    pub js_heap_total: MetricId,
    /// `browser.js_heap_limit`: the JS heap's ceiling (Chromium only).
    pub js_heap_limit: MetricId,
    /// `browser.cpu_cores`: logical processors the browser reports.
    pub cpu_cores: MetricId,
    /// `browser.device_memory`: approximate device RAM, bytes.
    pub device_memory: MetricId,
    /// `browser.net_type`: effective connection type, 1 (slow-2g) to 4 (4g),
    /// in the instance of the same number, labelled with the type's name.
    pub net_type: MetricId,
    /// `browser.net_downlink_mbps`: estimated bandwidth, Mbit/s.
    pub net_downlink: MetricId,
    /// `browser.net_rtt`: estimated round-trip time, ms.
    pub net_rtt: MetricId,
    /// `browser.fps`: animation frames per second since the last sample.
    pub fps: MetricId,
    /// `browser.long_tasks`: long tasks (over 50 ms) seen, counter.
    pub long_tasks: MetricId,
    /// `browser.long_task_time`: total duration of long tasks, ms, counter.
    pub long_task_time: MetricId,
    /// `browser.storage_used`: bytes this origin stores.
    pub storage_used: MetricId,
    /// `browser.storage_quota`: bytes this origin may store.
    pub storage_quota: MetricId,
    /// `browser.uptime`: seconds since the page started.
    pub uptime: MetricId,
}

impl BrowserMetrics {
    /// Registers every browser metric in `registry` (14 custom metrics and 4
    /// instance labels), or finds the ids they already have.
    ///
    /// ```
    /// use vitals_core::{MetricNames, Registry};
    /// use vitals_web::BrowserMetrics;
    ///
    /// let mut registry: Registry<32, 8> = Registry::new();
    /// let ids = BrowserMetrics::register(&mut registry)?;
    /// assert_eq!(registry.describe(ids.fps).unwrap().name, "browser.fps");
    /// assert_eq!(registry.instance_label(ids.net_type.instance(4)), Some("4g"));
    /// # Ok::<(), vitals_core::RegistryError>(())
    /// ```
    ///
    /// # Errors
    /// [`RegistryError::Full`] when the registry has fewer than 14 free
    /// metric slots or 4 free label slots; [`RegistryError::Conflict`] when
    /// a name is already registered with another unit or kind.
    pub fn register<const M: usize, const L: usize>(
        registry: &mut Registry<M, L>,
    ) -> Result<Self, RegistryError> {
        let mut ids = [MetricId(0); BROWSER_METRICS.len()];
        for (id, m) in ids.iter_mut().zip(BROWSER_METRICS.iter()) {
            *id = registry.register(m.name, m.unit, m.kind)?;
        }
        let [js_heap_used, js_heap_total, js_heap_limit, cpu_cores, device_memory, net_type, net_downlink, net_rtt, fps, long_tasks, long_task_time, storage_used, storage_quota, uptime] =
            ids;
        for (i, name) in EFFECTIVE_TYPES.iter().enumerate() {
            registry.set_label(net_type.instance(i as u16 + 1), name)?;
        }
        Ok(BrowserMetrics {
            js_heap_used,
            js_heap_total,
            js_heap_limit,
            cpu_cores,
            device_memory,
            net_type,
            net_downlink,
            net_rtt,
            fps,
            long_tasks,
            long_task_time,
            storage_used,
            storage_quota,
            uptime,
        })
    }

    /// The ids in [`BROWSER_METRICS`] order.
    pub fn ids(&self) -> [MetricId; BROWSER_METRICS.len()] {
        [
            self.js_heap_used,
            self.js_heap_total,
            self.js_heap_limit,
            self.cpu_cores,
            self.device_memory,
            self.net_type,
            self.net_downlink,
            self.net_rtt,
            self.fps,
            self.long_tasks,
            self.long_task_time,
            self.storage_used,
            self.storage_quota,
            self.uptime,
        ]
    }

    /// The series of `browser.net_type` for an `effectiveType` string.
    pub fn net_type_series(&self, effective_type: &str) -> Option<(Series, f64)> {
        let index = EFFECTIVE_TYPES.iter().position(|t| *t == effective_type)?;
        let code = index as u16 + 1;
        Some((self.net_type.instance(code), f64::from(code)))
    }
}
