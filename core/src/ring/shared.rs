//! A ring shared between interrupt handlers and the main loop, or between
//! threads, through `critical-section`.

use core::cell::RefCell;

use critical_section::Mutex;

use crate::entry::{EntryKind, Event};
use crate::level::Level;
use crate::metric::{MetricValue, Series};

use super::{Cursor, Policy, PushError, Ring, RingStats};

/// A [`Ring`] behind a `critical_section::Mutex`: every operation runs in a
/// short critical section (interrupts off on a single-core MCU, a global
/// lock on `std`), so producers never wait on a slow reader for longer than
/// one entry takes to copy.
///
/// ```
/// use vitals_core::{Level, Policy, SharedRing};
///
/// static RING: SharedRing<[u8; 1024]> = SharedRing::new([0; 1024], Policy::OverwriteOldest);
///
/// RING.push_log(0, Level::Info, b"main", b"hello from anywhere")?;
/// let n = RING.with(|ring| ring.len());
/// assert_eq!(n, 1);
/// # Ok::<(), vitals_core::PushError>(())
/// ```
pub struct SharedRing<B> {
    inner: Mutex<RefCell<Ring<B>>>,
}

impl<B> SharedRing<B> {
    /// A shared ring over `buf`. `const`, so it can be a `static`.
    pub const fn new(buf: B, policy: Policy) -> Self {
        SharedRing { inner: Mutex::new(RefCell::new(Ring::new(buf, policy))) }
    }
}

impl<B> SharedRing<B> {
    /// The ring, through exclusive access: no critical section is needed
    /// and no borrow is checked. For start-up code that owns the ring, such
    /// as recovering a ring kept in memory across a reset.
    pub fn get_mut(&mut self) -> &mut Ring<B> {
        self.inner.get_mut().get_mut()
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> SharedRing<B> {
    /// Runs `f` on the ring inside a critical section. Keep `f` short: it
    /// holds off interrupts (or other threads) while it runs.
    ///
    /// # Panics
    /// When called from inside another `with` on the same ring (a bug in the
    /// caller); [`SharedRing::try_with`] returns `None` instead.
    pub fn with<R>(&self, f: impl FnOnce(&mut Ring<B>) -> R) -> R {
        self.try_with(f).unwrap_or_else(|| unreachable_reentry())
    }

    /// Like [`SharedRing::with`], but `None` when called re-entrantly (from
    /// inside another `with` on the same ring).
    pub fn try_with<R>(&self, f: impl FnOnce(&mut Ring<B>) -> R) -> Option<R> {
        critical_section::with(|cs| {
            let mut ring = self.inner.borrow(cs).try_borrow_mut().ok()?;
            Some(f(&mut ring))
        })
    }

    /// Appends a log record (see [`Ring::push_log`]).
    ///
    /// # Errors
    /// [`PushError`]; a re-entrant call counts as [`PushError::Full`].
    #[inline]
    pub fn push_log(
        &self,
        timestamp_us: u64,
        level: Level,
        target: &[u8],
        message: &[u8],
    ) -> Result<u64, PushError> {
        self.try_with(|ring| ring.push_log(timestamp_us, level, target, message))
            .unwrap_or(Err(PushError::Full))
    }

    /// Appends a log record whose message the caller already cut short
    /// (see [`Ring::push_log_truncated`]).
    ///
    /// # Errors
    /// [`PushError`]; a re-entrant call counts as [`PushError::Full`].
    #[inline]
    pub fn push_log_truncated(
        &self,
        timestamp_us: u64,
        level: Level,
        target: &[u8],
        message: &[u8],
        truncated: bool,
    ) -> Result<u64, PushError> {
        self.try_with(|ring| ring.push_log_truncated(timestamp_us, level, target, message, truncated))
            .unwrap_or(Err(PushError::Full))
    }

    /// Appends a metric sample (see [`Ring::push_metric`]).
    ///
    /// # Errors
    /// [`PushError`]; a re-entrant call counts as [`PushError::Full`].
    #[inline]
    pub fn push_metric(
        &self,
        timestamp_us: u64,
        series: Series,
        value: impl Into<MetricValue>,
    ) -> Result<u64, PushError> {
        let value = value.into();
        self.try_with(|ring| ring.push_metric(timestamp_us, series, value)).unwrap_or(Err(PushError::Full))
    }

    /// Appends an event (see [`Ring::push_event`]).
    ///
    /// # Errors
    /// [`PushError`]; a re-entrant call counts as [`PushError::Full`].
    pub fn push_event(&self, timestamp_us: u64, event: Event) -> Result<u64, PushError> {
        self.try_with(|ring| ring.push(timestamp_us, &EntryKind::Event(event)))
            .unwrap_or(Err(PushError::Full))
    }

    /// Calls `f` with each entry after `cursor`, advancing it; returns the
    /// number of entries the cursor missed. Runs in one critical section, so
    /// keep `f` cheap (copy out, don't do I/O).
    pub fn read_with(&self, cursor: &mut Cursor, mut f: impl FnMut(crate::Entry<'_>)) -> u64 {
        self.with(|ring| {
            let mut reader = ring.read(cursor);
            for entry in reader.by_ref() {
                f(entry);
            }
            reader.lost()
        })
    }

    /// The ring's counters.
    pub fn stats(&self) -> RingStats {
        self.with(|ring| ring.stats())
    }
}

#[cold]
#[allow(clippy::panic, reason = "documented: re-entering `with` is a caller bug, as for `RefCell`")]
fn unreachable_reentry() -> ! {
    // `with` is documented to be non-reentrant; reaching here is a bug in
    // the caller's closure, not bad input, so a panic names it clearly.
    panic!("SharedRing::with called from inside another SharedRing::with on the same ring")
}
