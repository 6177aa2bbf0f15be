//! Page time for the ring: [`PerformanceClock`] (`performance.now()`,
//! precise) or [`DateClock`] (`Date.now()`, milliseconds, cheaper), and
//! the wall-clock time that anchors them.
//!
//! Which to use: `performance.now()` costs about 210 ns a call in headless
//! Chromium (it is coarsened and jittered to 100 µs outside cross-origin
//! isolation anyway), `Date.now()` about 45 ns. A logger called on every
//! event wants the cheap one; samples are taken a few times a second.

use vitals_core::{Clock, Event};
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

#[wasm_bindgen(module = "/src/sampler/browser.js")]
extern "C" {
    /// `performance.timeOrigin`, or `Date.now()` where the browser lacks it.
    fn time_origin() -> f64;
    /// `Date.now()`. From the snippet rather than as `Date.now` itself: an
    /// import of a snippet's function keeps its plain name, where one of a
    /// global gets a hashed one and glue in the generated JavaScript.
    fn date_now() -> f64;
}

/// Milliseconds since the page (or worker) started by `Date.now()`: the
/// same origin as `performance.now()`, at millisecond resolution, for a
/// fifth of the cost. It follows the system clock, so it can step
/// backwards; the ring keeps such steps as they are.
///
/// ```no_run
/// use vitals_core::Clock;
/// use vitals_web::DateClock;
/// let clock = DateClock::new();
/// let now_us = clock.now_us();
/// let unix_us = clock.origin_unix_us() + now_us;
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DateClock {
    origin_ms: f64,
}

impl DateClock {
    /// A clock counting from `performance.timeOrigin` (or from now, where
    /// the browser lacks it).
    pub fn new() -> Self {
        DateClock { origin_ms: time_origin() }
    }

    /// Unix time of the clock's zero, µs: the anchor of its timestamps.
    pub fn origin_unix_us(&self) -> u64 {
        (self.origin_ms * 1000.0) as u64
    }

    /// The timestamp, µs, of a `Date.now()` reading taken elsewhere (by
    /// JavaScript, say).
    #[inline]
    pub fn at(&self, date_ms: f64) -> u64 {
        ((date_ms - self.origin_ms) * 1000.0) as u64
    }
}

impl Default for DateClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for DateClock {
    #[inline]
    fn now_us(&self) -> u64 {
        self.at(date_now())
    }
}

/// The page's monotonic clock: `performance.now()` in µs, counting from
/// when the page (or worker) started. Works in windows and workers.
///
/// ```no_run
/// use vitals_core::Clock;
/// use vitals_web::PerformanceClock;
/// let uptime_us = PerformanceClock.now_us();
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PerformanceClock;

impl Clock for PerformanceClock {
    #[inline]
    fn now_us(&self) -> u64 {
        // `as` saturates: a negative or NaN reading becomes 0.
        (performance_now() * 1000.0) as u64
    }
}

/// Unix time now, in µs (`Date.now()`; millisecond resolution).
pub fn unix_now_us() -> u64 {
    (date_now() * 1000.0) as u64
}

/// The current instant on the [`PerformanceClock`] and the anchor event
/// that maps it to wall-clock time: push it so readers can show dates.
///
/// ```no_run
/// use vitals_core::{Policy, Ring};
/// let mut ring = Ring::new([0u8; 1024], Policy::OverwriteOldest);
/// let (now, anchor) = vitals_web::anchor_now();
/// ring.push_event(now, anchor).ok();
/// assert!(ring.anchor().is_some());
/// ```
pub fn anchor_now() -> (u64, Event) {
    let now = PerformanceClock.now_us();
    (now, Event::Anchor { unix_us: unix_now_us() })
}
