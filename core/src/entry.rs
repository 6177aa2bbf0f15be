//! What the ring holds: log records, metric samples and events, each with a
//! sequence number and a timestamp.
//!
//! # Example
//!
//! ```
//! use vitals_core::{Entry, EntryKind, Level, Policy, Ring};
//!
//! let mut ring = Ring::new([0u8; 256], Policy::OverwriteOldest);
//! ring.push_log(1_000, Level::Info, b"app", b"started")?;
//! let entry: Entry<'_> = ring.iter().next().unwrap();
//! assert_eq!(entry.seq, 0);
//! assert_eq!(entry.timestamp_us, 1_000);
//! match entry.kind {
//!     EntryKind::Log(log) => assert_eq!(log.message, b"started"),
//!     _ => unreachable!(),
//! }
//! # Ok::<(), vitals_core::PushError>(())
//! ```

use crate::level::Level;
use crate::metric::{MetricId, MetricKind, Series, Unit};

/// Longest log message kept, in bytes; longer ones are cut (at a UTF-8
/// character boundary when the text is UTF-8) and flagged `truncated`.
pub const MAX_MESSAGE_LEN: usize = 512;

/// Longest log target kept, in bytes; longer ones are cut and flagged.
pub const MAX_TARGET_LEN: usize = 64;

/// One entry, as read from a ring or decoded from the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry<'a> {
    /// Position in the stream of everything offered to the ring; a gap
    /// between consecutive entries is a loss.
    pub seq: u64,
    /// Microseconds from the ring's [`Clock`](crate::Clock).
    pub timestamp_us: u64,
    /// What the entry says.
    pub kind: EntryKind<'a>,
}

/// The payload of an [`Entry`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum EntryKind<'a> {
    /// A log record.
    Log(LogRecord<'a>),
    /// A metric sample.
    Metric(Sample),
    /// Something the system itself reports.
    Event(Event),
    /// What a metric or an instance is called, so a reader that does not
    /// share the writer's registry (a host decoding a firmware's or a
    /// page's export) can name them.
    Describe(Description<'a>),
}

/// A name carried in the stream: see [`EntryKind::Describe`].
///
/// ```
/// use vitals_core::{Description, EntryKind, MetricId, MetricKind, Policy, Ring, Unit};
///
/// let mut ring = Ring::new([0u8; 256], Policy::OverwriteOldest);
/// let queue = MetricId(MetricId::CUSTOM_BASE);
/// let named = Description::Metric { metric: queue, name: "app.queue_depth", unit: Unit::None, kind: MetricKind::Gauge };
/// ring.push_description(0, named)?;
/// ring.push_description(0, Description::Label { series: queue.instance(1), label: "rx" })?;
/// assert!(matches!(ring.iter().next().unwrap().kind, EntryKind::Describe(d) if d == named));
/// # Ok::<(), vitals_core::PushError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Description<'a> {
    /// A custom metric's dotted name, unit and kind.
    Metric {
        /// The id samples of it carry.
        metric: MetricId,
        /// Dotted name: 1 to 48 bytes of `[A-Za-z0-9_.:-]`.
        name: &'a str,
        /// Unit of its values.
        unit: Unit,
        /// Gauge or counter.
        kind: MetricKind,
    },
    /// The label of one instance of a metric (`/home`, `eth0`).
    Label {
        /// The metric and instance.
        series: Series,
        /// 1 to 48 bytes of UTF-8.
        label: &'a str,
    },
}

/// A levelled log message. Bytes are kept as given: invalid UTF-8 survives
/// and is shown lossily by the text formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogRecord<'a> {
    /// Severity.
    pub level: Level,
    /// Where it came from, e.g. a module path (`my_app::net`).
    pub target: &'a [u8],
    /// The message text.
    pub message: &'a [u8],
    /// Whether the target or message was cut to fit the maxima.
    pub truncated: bool,
}

/// One measured value of a series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Which metric and instance.
    pub series: Series,
    /// The value; NaN and ±∞ are stored as they are.
    pub value: f64,
}

impl Sample {
    /// A sample of instance 0 of `metric`.
    pub const fn new(metric: MetricId, value: f64) -> Self {
        Sample { series: Series::new(metric, 0), value }
    }
}

/// Events the system records about itself.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `count` entries were lost before this one (they have the `count`
    /// sequence numbers just before it): refused because the ring was full
    /// in drop-newest mode, or larger than the whole ring.
    Dropped {
        /// How many.
        count: u64,
    },
    /// The system started.
    Boot {
        /// Why the previous run ended, where the platform tells.
        reason: ResetReason,
    },
    /// Maps the monotonic timestamp of this entry to wall-clock time.
    Anchor {
        /// Unix time in µs at this entry's `timestamp_us`.
        unix_us: u64,
    },
    /// A threshold rule changed state.
    Threshold(Crossing),
}

/// A threshold rule's change of state, e.g. `cpu.usage` from WARN to ERROR.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Crossing {
    /// The series the rule watches.
    pub series: Series,
    /// The state before (`None` = normal).
    pub from: Option<Level>,
    /// The state now (`None` = back to normal).
    pub to: Option<Level>,
    /// The value that caused the change.
    pub value: f64,
    /// The threshold that was crossed.
    pub threshold: f64,
}

/// Why the previous run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ResetReason {
    /// Not known.
    Unknown,
    /// Power was applied.
    PowerOn,
    /// The reset pin.
    Pin,
    /// Software asked for it.
    Software,
    /// A watchdog fired.
    Watchdog,
    /// Supply voltage dropped.
    Brownout,
    /// A panic handler reset the system.
    Panic,
    /// The core locked up (e.g. a fault inside a fault handler).
    Lockup,
    /// A platform-specific code.
    Other(u8),
}

impl ResetReason {
    /// The stable wire code.
    pub const fn code(self) -> u8 {
        match self {
            ResetReason::Unknown => 0,
            ResetReason::PowerOn => 1,
            ResetReason::Pin => 2,
            ResetReason::Software => 3,
            ResetReason::Watchdog => 4,
            ResetReason::Brownout => 5,
            ResetReason::Panic => 6,
            ResetReason::Lockup => 7,
            ResetReason::Other(code) => code,
        }
    }

    /// The reason for a wire code; codes above 7 are [`ResetReason::Other`].
    pub const fn from_code(code: u8) -> Self {
        match code {
            0 => ResetReason::Unknown,
            1 => ResetReason::PowerOn,
            2 => ResetReason::Pin,
            3 => ResetReason::Software,
            4 => ResetReason::Watchdog,
            5 => ResetReason::Brownout,
            6 => ResetReason::Panic,
            7 => ResetReason::Lockup,
            other => ResetReason::Other(other),
        }
    }

    /// A lower-case word for text formats.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResetReason::Unknown => "unknown",
            ResetReason::PowerOn => "power-on",
            ResetReason::Pin => "pin",
            ResetReason::Software => "software",
            ResetReason::Watchdog => "watchdog",
            ResetReason::Brownout => "brownout",
            ResetReason::Panic => "panic",
            ResetReason::Lockup => "lockup",
            ResetReason::Other(_) => "other",
        }
    }
}

/// Counter classes: a log record's is its level; then these two.
pub(crate) const CLASS_METRIC: usize = 6;
pub(crate) const CLASS_EVENT: usize = 7;
/// Number of counter classes: six levels, metrics, events.
#[cfg(feature = "level-stats")]
pub(crate) const CLASSES: usize = 8;

/// Cuts `bytes` to at most `max`, backing up to a UTF-8 character boundary
/// when the cut would split one. Returns the kept bytes and whether any were cut.
#[inline]
pub(crate) fn truncate(bytes: &[u8], max: usize) -> (&[u8], bool) {
    let kept = kept_len(bytes, max);
    (bytes.get(..kept).unwrap_or(bytes), kept < bytes.len())
}

/// How many bytes [`truncate`] keeps: a plain number, which comes back in
/// a register where the slice and flag would go through memory.
fn kept_len(bytes: &[u8], max: usize) -> usize {
    if bytes.len() <= max {
        return bytes.len();
    }
    let continuation = |at: usize| bytes.get(at).is_some_and(|byte| byte & 0xC0 == 0x80);
    let mut end = max;
    // Up to three continuation bytes (10xxxxxx) may precede the cut.
    while end > 0 && max - end < 3 && continuation(end) {
        end -= 1;
    }
    if continuation(end) {
        end = max; // not UTF-8 after all: keep the bytes as given
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_at_char_boundary() {
        let text = "ab€"; // € is 3 bytes
        assert_eq!(truncate(text.as_bytes(), 4), (&b"ab"[..], true));
        assert_eq!(truncate(text.as_bytes(), 5), (text.as_bytes(), false));
        assert_eq!(truncate(b"abcdef", 3), (&b"abc"[..], true));
        let junk = [0x80u8; 10];
        assert_eq!(truncate(&junk, 6), (&junk[..6], true));
    }

    #[test]
    fn reset_reasons_round_trip() {
        for code in 0..=255u8 {
            assert_eq!(ResetReason::from_code(code).code(), code);
        }
    }
}
