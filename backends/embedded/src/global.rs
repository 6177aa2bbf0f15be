//! The ring and clock the logging macros write to: installed once at
//! start-up, read in a short critical section by every macro call.
//!
//! # Example
//!
//! ```
//! use vitals_embedded::{global_ring, install, CounterClock};
//!
//! global_ring!(VITALS, 2048);
//! static CLOCK: CounterClock = CounterClock::new();
//!
//! install(&VITALS, &CLOCK);
//! vitals_embedded::warn!("battery at {}%", 9);
//! assert_eq!(VITALS.with(|ring| ring.len()), 1);
//! ```

use core::cell::Cell;

use critical_section::Mutex;
use vitals_core::{Clock, Level, PushError, SharedRing};

/// A ring of `N` bytes shared with interrupt handlers: what
/// [`global_ring!`](crate::global_ring) declares.
pub type VitalsRing<const N: usize> = SharedRing<[u8; N]>;

/// Where the logging macros and the panic recorder put log records: any
/// [`SharedRing`], or a [`Persistent`](crate::Persistent) ring.
///
/// ```
/// use vitals_embedded::{Level, LogSink, Policy, SharedRing};
/// let ring: SharedRing<[u8; 256]> = SharedRing::new([0; 256], Policy::OverwriteOldest);
/// let sink: &dyn LogSink = &ring;
/// sink.push_log(0, Level::Info, b"app", b"hello", false)?;
/// assert_eq!(ring.with(|r| r.len()), 1);
/// # Ok::<(), vitals_embedded::vitals_core::PushError>(())
/// ```
pub trait LogSink: Sync {
    /// Appends a log record. `truncated` says the caller already cut the
    /// message short; longer targets and messages are cut here.
    ///
    /// # Errors
    /// [`PushError`] when the ring refused the record (it counts it), or
    /// when it is in use further up the stack (a re-entrant call).
    fn push_log(
        &self,
        timestamp_us: u64,
        level: Level,
        target: &[u8],
        message: &[u8],
        truncated: bool,
    ) -> Result<u64, PushError>;

    /// Notes that the program panicked, for a sink that keeps the fact
    /// across a reset. Does nothing by default.
    fn note_panic(&self) {}
}

impl<B: AsRef<[u8]> + AsMut<[u8]> + Send> LogSink for SharedRing<B> {
    #[inline]
    fn push_log(
        &self,
        timestamp_us: u64,
        level: Level,
        target: &[u8],
        message: &[u8],
        truncated: bool,
    ) -> Result<u64, PushError> {
        self.push_log_truncated(timestamp_us, level, target, message, truncated)
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Installed {
    pub(crate) sink: &'static dyn LogSink,
    pub(crate) clock: &'static (dyn Clock + Sync),
}

static INSTALLED: Mutex<Cell<Option<Installed>>> = Mutex::new(Cell::new(None));

/// Routes the logging macros ([`info!`](crate::info) and the others) and
/// [`panic::record`](crate::panic::record) to `sink`, stamping records with
/// `clock`. Replaces what was installed before; until the first call the
/// macros check their level and do nothing else.
///
/// Uses only loads and stores in a critical section, so it works on
/// targets without compare-and-swap (thumbv6m, riscv32imc).
pub fn install(sink: &'static dyn LogSink, clock: &'static (dyn Clock + Sync)) {
    critical_section::with(|cs| INSTALLED.borrow(cs).set(Some(Installed { sink, clock })));
}

/// Stops the macros from recording (they go back to checking their level only).
pub fn uninstall() {
    critical_section::with(|cs| INSTALLED.borrow(cs).set(None));
}

/// The installed sink, if any.
pub fn installed_sink() -> Option<&'static dyn LogSink> {
    installed().map(|installed| installed.sink)
}

#[inline]
pub(crate) fn installed() -> Option<Installed> {
    critical_section::with(|cs| INSTALLED.borrow(cs).get())
}

/// Declares a `static` [`VitalsRing`] of the given size: the firmware's ring.
///
/// `global_ring!(8192)` declares `static VITALS`; `global_ring!(pub RING, 8192)`
/// names it (and makes it public); a third argument sets the
/// [`Policy`](crate::Policy) (overwrite-oldest by default, a flight recorder).
/// Hand it to [`install`] for the logging macros.
///
/// ```
/// vitals_embedded::global_ring!(4096);
/// vitals_embedded::global_ring!(pub(crate) AUDIT, 1024, vitals_embedded::Policy::DropNewest);
/// assert_eq!(VITALS.stats().capacity, 4096);
/// assert_eq!(AUDIT.with(|ring| ring.policy()), vitals_embedded::Policy::DropNewest);
/// ```
#[macro_export]
macro_rules! global_ring {
    ($vis:vis $name:ident, $size:expr, $policy:expr) => {
        /// The Vitals ring: this firmware's logs, metrics and events.
        $vis static $name: $crate::VitalsRing<{ $size }> = $crate::SharedRing::new([0; $size], $policy);
    };
    ($vis:vis $name:ident, $size:expr) => {
        $crate::global_ring!($vis $name, $size, $crate::Policy::OverwriteOldest);
    };
    ($size:expr) => {
        $crate::global_ring!(VITALS, $size, $crate::Policy::OverwriteOldest);
    };
}
