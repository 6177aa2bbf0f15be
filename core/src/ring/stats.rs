//! What a ring has done: entries written, dropped and overwritten, in all
//! and (with the `level-stats` feature) per level, metric and event.

#[cfg(feature = "level-stats")]
use crate::entry::{CLASSES, CLASS_EVENT, CLASS_METRIC};
#[cfg(feature = "level-stats")]
use crate::level::Level;

/// A snapshot of a ring's counters and fill level.
///
/// Counters are `u32` and wrap; the sequence numbers are `u64` and do not.
///
/// ```
/// use vitals_core::{Level, Policy, Ring};
/// let mut ring = Ring::new([0u8; 64], Policy::DropNewest);
/// ring.push_log(0, Level::Error, b"x", &[b'!'; 40])?;
/// assert!(ring.push_log(0, Level::Error, b"x", &[b'!'; 40]).is_err());
/// let stats = ring.stats();
/// assert_eq!(stats.written_total(), 1);
/// assert_eq!(stats.dropped_total(), 1);
/// assert_eq!(stats.lost_total(), 1);
/// # Ok::<(), vitals_core::PushError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RingStats {
    /// Capacity in bytes.
    pub capacity: usize,
    /// Bytes in use, padding included.
    pub used_bytes: usize,
    /// Entries stored.
    pub len: usize,
    /// Sequence number of the oldest stored entry.
    pub first_seq: u64,
    /// Sequence number of the next entry.
    pub next_seq: u64,
    /// Entries refused and not yet reported by a `Dropped` event.
    pub pending_dropped: u64,
    pub(crate) written: u32,
    pub(crate) dropped: u32,
    pub(crate) overwritten: u32,
    /// Log records whose target or message was cut.
    pub truncated: u32,
    #[cfg(feature = "level-stats")]
    pub(crate) by_class: ClassCounters,
}

/// Per-class counters: the log levels, then metrics, then events.
#[cfg(feature = "level-stats")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub(crate) struct ClassCounters {
    pub(crate) written: [u32; CLASSES],
    pub(crate) dropped: [u32; CLASSES],
    pub(crate) overwritten: [u32; CLASSES],
}

#[cfg(feature = "level-stats")]
impl ClassCounters {
    pub(crate) const fn new() -> Self {
        ClassCounters { written: [0; CLASSES], dropped: [0; CLASSES], overwritten: [0; CLASSES] }
    }

    #[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
    pub(crate) fn stored(&mut self, class: usize) {
        self.written[class] = self.written[class].wrapping_add(1);
    }

    pub(crate) fn refused(&mut self, class: usize) {
        self.dropped[class] = self.dropped[class].wrapping_add(1);
    }

    pub(crate) fn overwrote(&mut self, class: usize, count: u32) {
        self.overwritten[class] = self.overwritten[class].wrapping_add(count);
    }
}

impl RingStats {
    /// Entries stored, all classes.
    pub fn written_total(&self) -> u64 {
        u64::from(self.written)
    }

    /// Entries refused, all classes (ring full in drop-newest mode, or too large).
    pub fn dropped_total(&self) -> u64 {
        u64::from(self.dropped)
    }

    /// Stored entries later overwritten to make room, all classes.
    pub fn overwritten_total(&self) -> u64 {
        u64::from(self.overwritten)
    }

    /// Everything lost: refused plus overwritten.
    pub fn lost_total(&self) -> u64 {
        self.dropped_total() + self.overwritten_total()
    }

    /// Fill level, 0–100 %.
    pub fn fill_percent(&self) -> f64 {
        if self.capacity == 0 {
            return 100.0;
        }
        self.used_bytes as f64 * 100.0 / self.capacity as f64
    }
}

/// Per-class figures, kept with the `level-stats` feature (96 bytes of RAM
/// per ring).
///
/// ```
/// use vitals_core::{Level, Policy, Ring};
/// let mut ring = Ring::new([0u8; 64], Policy::DropNewest);
/// ring.push_log(0, Level::Error, b"x", &[b'!'; 40])?;
/// assert!(ring.push_log(0, Level::Error, b"x", &[b'!'; 40]).is_err());
/// assert_eq!(ring.stats().written_at(Level::Error), 1);
/// assert_eq!(ring.stats().dropped_at(Level::Error), 1);
/// # Ok::<(), vitals_core::PushError>(())
/// ```
#[cfg(feature = "level-stats")]
impl RingStats {
    /// Log records stored at `level`.
    pub fn written_at(&self, level: Level) -> u32 {
        self.by_class.written[level as usize]
    }

    /// Log records refused at `level` (ring full in drop-newest mode, or too large).
    pub fn dropped_at(&self, level: Level) -> u32 {
        self.by_class.dropped[level as usize]
    }

    /// Stored log records at `level` later overwritten to make room.
    pub fn overwritten_at(&self, level: Level) -> u32 {
        self.by_class.overwritten[level as usize]
    }

    /// Metric samples stored, refused and overwritten.
    pub fn metrics(&self) -> (u32, u32, u32) {
        let c = &self.by_class;
        (c.written[CLASS_METRIC], c.dropped[CLASS_METRIC], c.overwritten[CLASS_METRIC])
    }

    /// Events stored, refused and overwritten.
    pub fn events(&self) -> (u32, u32, u32) {
        let c = &self.by_class;
        (c.written[CLASS_EVENT], c.dropped[CLASS_EVENT], c.overwritten[CLASS_EVENT])
    }
}
