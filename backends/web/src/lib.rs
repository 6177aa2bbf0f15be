//! # vitals-web
//!
//! Vitals in the browser (`wasm32-unknown-unknown` with `wasm-bindgen`):
//!
//! - [`BrowserSampler`]: JS heap, CPU cores, device memory, connection,
//!   frame rate, long tasks, storage and page uptime as samples of custom
//!   metrics ([`BrowserMetrics`]) in a core ring. A missing API means a
//!   missing metric, never an exception.
//! - [`console`]: the console as a sink, TRACE → `console.debug` …
//!   ERROR and CRITICAL → `console.error`.
//! - [`WebLogger`]: the `log` facade into a ring through the core's
//!   `RingLogger`, mirrored to the console.
//! - [`panic`]: a panic hook that leaves a CRITICAL entry and a
//!   `console.error` line.
//! - [`PerformanceClock`] and [`DateClock`]: page time for the ring.
//!
//! Without the default `std` feature the crate is `no_std` + `alloc` and
//! keeps the sampler and the clocks only.
//!
//! On other targets the crate builds (so the workspace checks on a host),
//! but calling into the browser there panics.
//!
//! # Example
//!
//! ```no_run
//! use vitals_core::{Clock, Level, Policy, Registry, Ring};
//! use vitals_web::{anchor_now, console, BrowserMetrics, BrowserSampler, PerformanceClock};
//!
//! let mut registry: Registry<32, 8> = Registry::new();
//! let mut sampler = BrowserSampler::new(BrowserMetrics::register(&mut registry)?);
//! let mut ring = Ring::new(vec![0u8; 64 * 1024], Policy::OverwriteOldest);
//!
//! let (now, anchor) = anchor_now();
//! ring.push_event(now, anchor).ok();
//! ring.push_log(now, Level::Info, b"app", b"page loaded").ok();
//! console::write(Level::Info, b"app", b"page loaded");
//! sampler.sample(&mut ring, PerformanceClock.now_us());
//! # Ok::<(), vitals_core::RegistryError>(())
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]

extern crate alloc;

mod clock;
#[cfg(feature = "std")]
pub mod console;
#[cfg(feature = "std")]
mod logger;
#[cfg(feature = "std")]
pub mod panic;
mod sampler;

pub use clock::{anchor_now, unix_now_us, DateClock, PerformanceClock};
#[cfg(feature = "std")]
pub use logger::WebLogger;
pub use sampler::{BrowserMetric, BrowserMetrics, BrowserSampler, BROWSER_METRICS, EFFECTIVE_TYPES};
