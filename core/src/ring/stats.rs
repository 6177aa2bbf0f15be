//! What a ring has done: entries written, dropped and overwritten per class.

use crate::entry::{CLASSES, CLASS_EVENT, CLASS_METRIC};
use crate::level::Level;

/// A snapshot of a ring's counters and fill level.
///
/// Per-class counters are `u32` and wrap; the totals derived from sequence
/// numbers are `u64` and do not.
///
/// ```
/// use vitals_core::{Level, Policy, Ring};
/// let mut ring = Ring::new([0u8; 64], Policy::DropNewest);
/// ring.push_log(0, Level::Error, b"x", &[b'!'; 40])?;
/// assert!(ring.push_log(0, Level::Error, b"x", &[b'!'; 40]).is_err());
/// let stats = ring.stats();
/// assert_eq!(stats.written_at(Level::Error), 1);
/// assert_eq!(stats.dropped_at(Level::Error), 1);
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
    pub(crate) written: [u32; CLASSES],
    pub(crate) dropped: [u32; CLASSES],
    pub(crate) overwritten: [u32; CLASSES],
    /// Log records whose target or message was cut.
    pub truncated: u32,
}

impl RingStats {
    /// Log records stored at `level`.
    pub fn written_at(&self, level: Level) -> u32 {
        self.written[level as usize]
    }

    /// Log records refused at `level` (ring full in drop-newest mode, or too large).
    pub fn dropped_at(&self, level: Level) -> u32 {
        self.dropped[level as usize]
    }

    /// Stored log records at `level` later overwritten to make room.
    pub fn overwritten_at(&self, level: Level) -> u32 {
        self.overwritten[level as usize]
    }

    /// Metric samples stored, refused and overwritten.
    pub fn metrics(&self) -> (u32, u32, u32) {
        (self.written[CLASS_METRIC], self.dropped[CLASS_METRIC], self.overwritten[CLASS_METRIC])
    }

    /// Events stored, refused and overwritten.
    pub fn events(&self) -> (u32, u32, u32) {
        (self.written[CLASS_EVENT], self.dropped[CLASS_EVENT], self.overwritten[CLASS_EVENT])
    }

    /// Entries refused, all classes.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.iter().map(|&n| u64::from(n)).sum()
    }

    /// Entries overwritten, all classes.
    pub fn overwritten_total(&self) -> u64 {
        self.overwritten.iter().map(|&n| u64::from(n)).sum()
    }

    /// Entries stored, all classes.
    pub fn written_total(&self) -> u64 {
        self.written.iter().map(|&n| u64::from(n)).sum()
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
