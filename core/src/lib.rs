//! # vitals-core
//!
//! The platform-neutral core of Vitals: levelled log records and metric
//! samples kept together, in order, in one fixed-capacity ring, with one
//! versioned wire format and text formats to carry them out.
//!
//! `#![no_std]`, no allocator, no `unsafe`, and no panic on any input: no
//! indexing, slicing or unwrapping that can fail, checked in a real
//! firmware by `tests/tests/firmware_panic_paths.rs`, which finds every
//! branch into a panic function there and fails if one comes from Vitals
//! code (the one panic by design: `SharedRing::with` re-entered, a caller
//! bug). Backends (desktop, firmware, browser) fill the ring and carry it;
//! all policy — levels, filters, rules, stats and formats — lives here, so
//! it behaves the same everywhere.
//!
//! # Example
//!
//! ```
//! use vitals_core::{format, Level, MetricId, Policy, Ring, Rules, Rule, CATALOG};
//!
//! let mut ring = Ring::new([0u8; 2048], Policy::OverwriteOldest);
//! let mut rules: Rules<4> = Rules::new();
//! rules.add(Rule::above(MetricId::CPU_USAGE.series(), 80.0, 90.0, 95.0)).expect("thresholds in order");
//!
//! ring.push_log(1_000, Level::Info, b"app", b"started").expect("fits");
//! for (t, cpu) in [(2_000_000, 42.0), (3_000_000, 93.5)] {
//!     ring.push_metric(t, MetricId::CPU_USAGE.series(), cpu).expect("fits");
//!     // A threshold crossing becomes an ERROR entry in the same ring.
//!     rules.observe(&mut ring, t, MetricId::CPU_USAGE.series(), cpu, &CATALOG);
//! }
//!
//! let mut line = String::new();
//! for entry in ring.iter() {
//!     line.clear();
//!     format::human(&mut line, &entry, None, &CATALOG).expect("a String never fails");
//!     println!("{line}");
//! }
//! // The log line, two samples, and the crossing's event and ERROR line.
//! assert_eq!(ring.stats().written_total(), 5);
//! ```
//!
//! # Features
//!
//! | feature            | what it adds                                                       |
//! |--------------------|--------------------------------------------------------------------|
//! | `critical-section` | [`SharedRing`], safe to share between interrupts and threads       |
//! | `log`              | [`RingLogger`], a `log::Log` that formats into a `SharedRing`      |
//! | `defmt`            | `defmt::Format` for the public types                               |
//! | `std`              | `std::error::Error` impls, [`StdClock`]; turns on `level-stats`     |
//! | `level-stats`      | per-level counts in [`RingStats`] (`written_at`…): 84 B more per ring |
//! | `alloc`            | nothing yet beyond `std`'s needs; reserved for owned conversions   |
//! | `max_level_*`, `release_max_level_*` | compile-time ceilings, as in the `log` crate     |
//!
//! Hot paths (the push, varints, record headers) are forced inline on hosts
//! and in `std` builds; bare-metal and `std`-less wasm builds, which are
//! built for size, leave inlining to the optimizer.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
// The no-panic promise above, kept by the compiler (tests may index freely).
#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

mod bytes;
mod clock;
mod entry;
mod filter;
pub mod format;
mod level;
#[cfg(feature = "log")]
mod log_adapter;
mod message;
mod metric;
mod record;
mod ring;
mod rules;
mod stats;
mod varint;
pub mod wire;

#[cfg(feature = "std")]
pub use clock::StdClock;
pub use clock::{Clock, CounterClock, FnClock};
pub use entry::{
    Crossing, Description, Entry, EntryKind, Event, LogRecord, ResetReason, Sample, MAX_MESSAGE_LEN,
    MAX_TARGET_LEN,
};
pub use filter::{
    enabled, max_level, set_max_level, FilterSpecError, FilterSpecErrorKind, TargetFilters, TargetRule,
    MAX_FILTER_TARGET_LEN, STATIC_MAX_LEVEL,
};
pub use level::{Level, LevelFilter, ParseLevelError};
#[cfg(feature = "log")]
pub use log_adapter::{RingLogger, MAX_TARGET_RULES};
pub use message::MessageBuf;
pub use metric::{
    Catalog, Exposition, LatestValues, MetricId, MetricInfo, MetricKind, MetricNames, MetricValue, Registry,
    RegistryError, Series, SeriesValue, Unit, CATALOG, MAX_NAME_LEN,
};
pub use record::RecordError;
#[cfg(feature = "critical-section")]
pub use ring::SharedRing;
pub use ring::{Corruption, Cursor, Iter, Policy, PushError, Reader, RecordBatch, Ring, RingStats};
pub use rules::{write_crossing, write_crossing_with, CrossingMessage, Direction, Rule, RuleError, Rules};
pub use stats::{Summary, Window};
