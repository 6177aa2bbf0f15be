//! Where timestamps come from: a monotonic microsecond count.
//!
//! The ring stores whatever a [`Clock`] says, in µs. Wall-clock time is not
//! the clock's job: an [`Event::Anchor`](crate::Event::Anchor) entry (or a
//! frame's anchor field) maps the monotonic count to Unix time when one is
//! known, so a firmware without an RTC still gets ordered, spaced entries.
//!
//! A clock that goes backwards (a host adjusting `CLOCK_REALTIME`, a counter
//! reset) is stored as it is: entries stay ordered by sequence number, and
//! the negative step is kept exactly (timestamps are delta-encoded with a
//! sign), so readers see what the clock said.
//!
//! # Example
//!
//! ```
//! use vitals_core::{Clock, CounterClock};
//! let clock = CounterClock::new();
//! assert_eq!(clock.now_us(), 0);
//! assert_eq!(clock.now_us(), 1);
//! ```

/// A source of monotonic timestamps in microseconds.
pub trait Clock {
    /// Microseconds since an arbitrary, fixed origin (usually boot).
    fn now_us(&self) -> u64;
}

impl<C: Clock + ?Sized> Clock for &C {
    #[inline]
    fn now_us(&self) -> u64 {
        (**self).now_us()
    }
}

/// A plain function as a clock, e.g. a HAL's monotonic timer read.
///
/// ```
/// use vitals_core::{Clock, FnClock};
/// fn ticks() -> u64 { 42 }
/// assert_eq!(FnClock(ticks).now_us(), 42);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FnClock(pub fn() -> u64);

impl Clock for FnClock {
    #[inline]
    fn now_us(&self) -> u64 {
        (self.0)()
    }
}

/// A clock that advances by one microsecond each time it is read: for tests
/// and benchmarks, where real time would make results vary.
///
/// It reads and writes its counter with plain relaxed loads and stores (no
/// locked read-modify-write, so it costs what a hardware counter read
/// would): concurrent readers may see the same value twice.
#[derive(Debug, Default)]
pub struct CounterClock {
    #[cfg(target_has_atomic = "64")]
    next: core::sync::atomic::AtomicU64,
    #[cfg(not(target_has_atomic = "64"))]
    next: core::sync::atomic::AtomicU32,
}

impl CounterClock {
    /// A counter starting at 0.
    pub const fn new() -> Self {
        CounterClock {
            #[cfg(target_has_atomic = "64")]
            next: core::sync::atomic::AtomicU64::new(0),
            #[cfg(not(target_has_atomic = "64"))]
            next: core::sync::atomic::AtomicU32::new(0),
        }
    }
}

impl Clock for CounterClock {
    #[inline]
    fn now_us(&self) -> u64 {
        use core::sync::atomic::Ordering::Relaxed;
        let now = self.next.load(Relaxed);
        self.next.store(now.wrapping_add(1), Relaxed);
        #[allow(clippy::useless_conversion)] // u32 on targets without 64-bit atomics
        u64::from(now)
    }
}

/// The host's monotonic clock, counting from when this value was made, with
/// the Unix time of that moment for anchoring.
///
/// ```
/// use vitals_core::{Clock, StdClock};
/// let clock = StdClock::new();
/// let a = clock.now_us();
/// assert!(clock.now_us() >= a);
/// assert!(clock.unix_us_at_origin() > 1_600_000_000_000_000);
/// ```
#[cfg(feature = "std")]
#[derive(Clone, Copy, Debug)]
pub struct StdClock {
    origin: std::time::Instant,
    unix_us_at_origin: u64,
}

#[cfg(feature = "std")]
impl StdClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        let unix_us_at_origin = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        StdClock { origin: std::time::Instant::now(), unix_us_at_origin }
    }

    /// Unix time in µs at the clock's origin: the anchor for its timestamps.
    pub fn unix_us_at_origin(&self) -> u64 {
        self.unix_us_at_origin
    }
}

#[cfg(feature = "std")]
impl Default for StdClock {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "std")]
impl Clock for StdClock {
    #[inline]
    fn now_us(&self) -> u64 {
        self.origin.elapsed().as_micros() as u64
    }
}
