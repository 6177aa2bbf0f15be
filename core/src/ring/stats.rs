//! What a ring has done: entries written, dropped and overwritten, in all
//! and (with the `level-stats` feature) per level, metric and event.

use core::fmt;

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
    pub(crate) counters: Counters,
    /// Log records whose target or message was cut.
    pub truncated: u32,
}

/// Which count a [`Counters`] entry is.
const WRITTEN: usize = 0;
const DROPPED: usize = 1;
const OVERWRITTEN: usize = 2;

/// What a ring counts: entries stored, refused and overwritten (each a
/// wrapping `u32`). Without `level-stats` only the totals are kept; with
/// it, one count per class (the log levels, then metrics, then events) and
/// the totals are their sums, so a push bumps a single counter either way.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counters {
    #[cfg(not(feature = "level-stats"))]
    counts: [u32; 3],
    #[cfg(feature = "level-stats")]
    counts: [[u32; CLASSES]; 3],
}

impl Counters {
    pub(crate) const fn new() -> Self {
        #[cfg(not(feature = "level-stats"))]
        return Counters { counts: [0; 3] };
        #[cfg(feature = "level-stats")]
        Counters { counts: [[0; CLASSES]; 3] }
    }

    #[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
    fn add(&mut self, which: usize, class: usize, count: u32) {
        #[cfg(not(feature = "level-stats"))]
        let slot = {
            let _ = class;
            self.counts.get_mut(which)
        };
        #[cfg(feature = "level-stats")]
        let slot = self.counts.get_mut(which).and_then(|counts| counts.get_mut(class));
        if let Some(slot) = slot {
            *slot = slot.wrapping_add(count);
        }
    }

    /// An entry of `class` stored.
    #[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
    pub(crate) fn stored(&mut self, class: usize) {
        self.add(WRITTEN, class, 1);
    }

    /// An entry of `class` refused.
    pub(crate) fn refused(&mut self, class: usize) {
        self.add(DROPPED, class, 1);
    }

    /// `count` stored entries of `class` overwritten.
    pub(crate) fn overwrote(&mut self, class: usize, count: u32) {
        self.add(OVERWRITTEN, class, count);
    }

    fn total(&self, which: usize) -> u32 {
        #[cfg(not(feature = "level-stats"))]
        return self.counts.get(which).copied().unwrap_or(0);
        #[cfg(feature = "level-stats")]
        self.counts.get(which).map_or(0, |counts| counts.iter().fold(0, |sum, &n| sum.wrapping_add(n)))
    }

    #[cfg(feature = "level-stats")]
    fn at(&self, which: usize, class: usize) -> u32 {
        self.counts.get(which).and_then(|counts| counts.get(class)).copied().unwrap_or(0)
    }
}

/// The totals by name (the per-class table would print as bare numbers).
impl fmt::Debug for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counters")
            .field("written", &self.total(WRITTEN))
            .field("dropped", &self.total(DROPPED))
            .field("overwritten", &self.total(OVERWRITTEN))
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Counters {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Counters {{ written: {=u32}, dropped: {=u32}, overwritten: {=u32} }}",
            self.total(WRITTEN),
            self.total(DROPPED),
            self.total(OVERWRITTEN)
        );
    }
}

impl RingStats {
    /// Entries stored, all classes.
    pub fn written_total(&self) -> u64 {
        u64::from(self.counters.total(WRITTEN))
    }

    /// Entries refused, all classes (ring full in drop-newest mode, or too large).
    pub fn dropped_total(&self) -> u64 {
        u64::from(self.counters.total(DROPPED))
    }

    /// Stored entries later overwritten to make room, all classes.
    pub fn overwritten_total(&self) -> u64 {
        u64::from(self.counters.total(OVERWRITTEN))
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

/// Per-class figures, kept with the `level-stats` feature (84 more bytes
/// of RAM per ring).
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
        self.counters.at(WRITTEN, level as usize)
    }

    /// Log records refused at `level` (ring full in drop-newest mode, or too large).
    pub fn dropped_at(&self, level: Level) -> u32 {
        self.counters.at(DROPPED, level as usize)
    }

    /// Stored log records at `level` later overwritten to make room.
    pub fn overwritten_at(&self, level: Level) -> u32 {
        self.counters.at(OVERWRITTEN, level as usize)
    }

    /// Metric samples stored, refused and overwritten.
    pub fn metrics(&self) -> (u32, u32, u32) {
        self.class(CLASS_METRIC)
    }

    /// Events stored, refused and overwritten.
    pub fn events(&self) -> (u32, u32, u32) {
        self.class(CLASS_EVENT)
    }

    fn class(&self, class: usize) -> (u32, u32, u32) {
        let c = &self.counters;
        (c.at(WRITTEN, class), c.at(DROPPED, class), c.at(OVERWRITTEN, class))
    }
}
