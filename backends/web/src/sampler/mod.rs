//! The browser sampler: reads what the page can learn about itself and
//! pushes it into a ring as samples of the [`BrowserMetrics`].
//!
//! | metric | unit | kind | source |
//! |---|---|---|---|
//! | `browser.js_heap_used` | bytes | gauge | `performance.memory.usedJSHeapSize` (Chromium) |
//! | `browser.js_heap_total` | bytes | gauge | `performance.memory.totalJSHeapSize` (Chromium) |
//! | `browser.js_heap_limit` | bytes | gauge | `performance.memory.jsHeapSizeLimit` (Chromium) |
//! | `browser.cpu_cores` | none | gauge | `navigator.hardwareConcurrency` |
//! | `browser.device_memory` | bytes | gauge | `navigator.deviceMemory` (GiB there) |
//! | `browser.net_type` | none | gauge | `navigator.connection.effectiveType`: 1 slow-2g … 4 4g, instance labelled |
//! | `browser.net_downlink_mbps` | none | gauge | `navigator.connection.downlink` (Mbit/s) |
//! | `browser.net_rtt` | ms | gauge | `navigator.connection.rtt` |
//! | `browser.fps` | Hz | gauge | `requestAnimationFrame` deltas since the last sample |
//! | `browser.long_tasks` | none | counter | `PerformanceObserver` `longtask` entries |
//! | `browser.long_task_time` | ms | counter | their total duration |
//! | `browser.storage_used` | bytes | gauge | `navigator.storage.estimate()` (async: the newest answer) |
//! | `browser.storage_quota` | bytes | gauge | the same |
//! | `browser.uptime` | s | gauge | `performance.now()` |
//!
//! An API the browser lacks means its metric is absent from the sample —
//! never an exception: every optional object is read through `Reflect`.
//!
//! # Example
//!
//! ```no_run
//! use vitals_core::{Clock, Policy, Registry, Ring};
//! use vitals_web::{BrowserMetrics, BrowserSampler, PerformanceClock};
//!
//! let mut registry: Registry<32, 8> = Registry::new();
//! let mut sampler = BrowserSampler::new(BrowserMetrics::register(&mut registry)?);
//! let mut ring = Ring::new(vec![0u8; 64 * 1024], Policy::OverwriteOldest);
//! let pushed = sampler.sample(&mut ring, PerformanceClock.now_us());
//! # Ok::<(), vitals_core::RegistryError>(())
//! ```

mod frames;
mod long_tasks;
mod metrics;
mod storage;

pub use metrics::{BrowserMetric, BrowserMetrics, BROWSER_METRICS, EFFECTIVE_TYPES};

use vitals_core::{Ring, Series};

use crate::js;
use frames::FrameCounter;
use long_tasks::LongTaskObserver;
use storage::StorageEstimate;

/// Bytes in a GiB, the unit of `navigator.deviceMemory`.
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Reads browser metrics. Creating one starts the frame counter, the
/// long-task observer and the first storage estimate, where the browser
/// has them; dropping it stops them.
pub struct BrowserSampler {
    metrics: BrowserMetrics,
    frames: Option<FrameCounter>,
    long_tasks: Option<LongTaskObserver>,
    storage: Option<StorageEstimate>,
}

impl core::fmt::Debug for BrowserSampler {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BrowserSampler")
            .field("frames", &self.frames.is_some())
            .field("long_tasks", &self.long_tasks.is_some())
            .field("storage", &self.storage.is_some())
            .finish()
    }
}

impl BrowserSampler {
    /// A sampler reporting under `metrics`, with its observers started.
    pub fn new(metrics: BrowserMetrics) -> Self {
        BrowserSampler {
            metrics,
            frames: FrameCounter::start(),
            long_tasks: LongTaskObserver::start(),
            storage: StorageEstimate::start(),
        }
    }

    /// The metric ids this sampler reports under.
    pub fn metrics(&self) -> &BrowserMetrics {
        &self.metrics
    }

    /// Clears `out` and fills it with one reading of every metric the
    /// browser provides now.
    pub fn read(&mut self, out: &mut Vec<(Series, f64)>) {
        out.clear();
        let m = &self.metrics;
        let global = js::global();
        let mut put = |metric: vitals_core::MetricId, value: Option<f64>| {
            if let Some(value) = value {
                out.push((metric.series(), value));
            }
        };
        let performance = js::get(&global, "performance");
        let memory = performance.as_ref().and_then(|p| js::get(p, "memory"));
        if let Some(memory) = &memory {
            put(m.js_heap_used, js::number(memory, "usedJSHeapSize"));
            put(m.js_heap_total, js::number(memory, "totalJSHeapSize"));
            put(m.js_heap_limit, js::number(memory, "jsHeapSizeLimit"));
        }
        let navigator = js::get(&global, "navigator");
        if let Some(navigator) = &navigator {
            put(m.cpu_cores, js::number(navigator, "hardwareConcurrency"));
            put(m.device_memory, js::number(navigator, "deviceMemory").map(|gib| gib * GIB));
        }
        let connection = navigator.as_ref().and_then(|n| js::get(n, "connection"));
        let net_type = connection.as_ref().and_then(|c| js::string(c, "effectiveType"));
        if let Some(connection) = &connection {
            put(m.net_downlink, js::number(connection, "downlink"));
            put(m.net_rtt, js::number(connection, "rtt"));
        }
        put(m.fps, self.frames.as_ref().and_then(FrameCounter::take_fps));
        if let Some(long_tasks) = &self.long_tasks {
            let (count, total_ms) = long_tasks.totals();
            put(m.long_tasks, Some(count as f64));
            put(m.long_task_time, Some(total_ms));
        }
        if let Some(storage) = &self.storage {
            if let Some((usage, quota)) = storage.latest() {
                put(m.storage_used, Some(usage));
                put(m.storage_quota, Some(quota));
            }
            storage.refresh();
        }
        put(
            m.uptime,
            performance
                .as_ref()
                .and_then(|p| js::call(p, "now", &js_sys::Array::new())?.as_f64())
                .map(|ms| ms / 1000.0),
        );
        if let Some(reading) = net_type.as_deref().and_then(|t| m.net_type_series(t)) {
            out.push(reading);
        }
    }

    /// Reads every metric and pushes the samples into `ring` at
    /// `timestamp_us`; returns how many were stored.
    pub fn sample<B: AsRef<[u8]> + AsMut<[u8]>>(&mut self, ring: &mut Ring<B>, timestamp_us: u64) -> usize {
        let mut readings = Vec::with_capacity(BROWSER_METRICS.len());
        self.read(&mut readings);
        readings
            .iter()
            .filter(|(series, value)| ring.push_metric(timestamp_us, *series, *value).is_ok())
            .count()
    }
}
