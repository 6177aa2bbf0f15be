//! Text formats without allocation: a human line, logfmt, JSON Lines, and
//! Prometheus exposition text. Each writes into any [`core::fmt::Write`].
//!
//! Bytes that are not UTF-8 are shown lossily (U+FFFD), never dropped.
//! Non-finite values render as `NaN`, `+Inf`, `-Inf` everywhere (in JSON as
//! strings, since JSON has no such numbers).
//!
//! # Example
//!
//! ```
//! use vitals_core::{format, Entry, EntryKind, Level, LogRecord, CATALOG};
//!
//! let entry = Entry {
//!     seq: 7,
//!     timestamp_us: 1_000,
//!     kind: EntryKind::Log(LogRecord { level: Level::Warn, target: b"cpu", message: "usage 93.5% ≥ 90%".as_bytes(), truncated: false }),
//! };
//! let anchor = Some(1_795_495_881_123_000 - 1_000); // Unix µs at ring time 0
//! let mut line = String::new();
//! format::human(&mut line, &entry, anchor, &CATALOG)?;
//! assert_eq!(line, "2026-11-24T04:51:21.123Z WARN  cpu: usage 93.5% ≥ 90%");
//!
//! line.clear();
//! format::logfmt(&mut line, &entry, anchor, &CATALOG)?;
//! assert_eq!(line, r#"ts=2026-11-24T04:51:21.123Z seq=7 level=warn target=cpu msg="usage 93.5% ≥ 90%""#);
//! # Ok::<(), core::fmt::Error>(())
//! ```

mod human;
mod json;
mod logfmt;
mod prometheus;
mod text;
mod time;

pub use human::human;
pub use json::json;
pub use logfmt::logfmt;
pub use prometheus::prometheus;
pub use time::{iso8601, Timestamp};
pub use value::{Shown, Value};

mod value;
