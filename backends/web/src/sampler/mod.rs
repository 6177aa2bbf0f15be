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
//! never an exception: every optional object is read in JavaScript
//! (`browser.js`) behind a `try`.
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

mod metrics;

pub use metrics::{BrowserMetric, BrowserMetrics, BROWSER_METRICS, EFFECTIVE_TYPES};

use alloc::vec::Vec;

use vitals_core::{Ring, Series};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

// The browser APIs are read in JavaScript (`browser.js`): a missing object
// or a throwing getter there costs one `try`, and the frame counter, the
// long-task observer and the storage estimate need no Rust closures.
#[wasm_bindgen(module = "/src/sampler/browser.js")]
extern "C" {
    fn sampler_start() -> JsValue;
    fn sampler_stop(sampler: &JsValue);
    /// Writes one reading into the `len` numbers at `at` in `memory` (an
    /// address, read as unsigned, and 8-aligned as an `[f64; N]` is, which
    /// a `Float64Array` on it needs): numbers rather than a slice, so
    /// wasm-bindgen adds no glue of its own for it.
    fn sampler_read(sampler: &JsValue, memory: &JsValue, at: i32, len: i32);
}

/// Reads browser metrics. Creating one starts the frame counter, the
/// long-task observer and the first storage estimate, where the browser
/// has them; dropping it stops them.
pub struct BrowserSampler {
    metrics: BrowserMetrics,
    /// The JavaScript side: the frame counter, observer and estimate.
    browser: JsValue,
}

impl core::fmt::Debug for BrowserSampler {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BrowserSampler").field("metrics", &self.metrics).finish_non_exhaustive()
    }
}

impl BrowserSampler {
    /// A sampler reporting under `metrics`, with its observers started.
    pub fn new(metrics: BrowserMetrics) -> Self {
        BrowserSampler { metrics, browser: sampler_start() }
    }

    /// The metric ids this sampler reports under.
    pub fn metrics(&self) -> &BrowserMetrics {
        &self.metrics
    }

    /// Clears `out` and fills it with one reading of every metric the
    /// browser provides now.
    pub fn read(&mut self, out: &mut Vec<(Series, f64)>) {
        out.clear();
        self.read_each(|series, value| out.push((series, value)));
    }

    /// Calls `f` with one reading of every metric the browser provides
    /// now, in [`BROWSER_METRICS`] order: [`read`](Self::read) without the
    /// `Vec`, for a caller that stores each reading as it comes.
    pub fn read_each(&mut self, mut f: impl FnMut(Series, f64)) {
        let mut values = [f64::NAN; BROWSER_METRICS.len()];
        sampler_read(&self.browser, &wasm_bindgen::memory(), values.as_mut_ptr() as i32, values.len() as i32);
        for (id, value) in self.metrics.ids().into_iter().zip(values) {
            if value.is_nan() {
                continue;
            }
            // The value of `browser.net_type` is the type's code, and the instance too.
            let instance = if id == self.metrics.net_type { value as u16 } else { 0 };
            f(id.instance(instance), value);
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

impl Drop for BrowserSampler {
    fn drop(&mut self) {
        sampler_stop(&self.browser);
    }
}
