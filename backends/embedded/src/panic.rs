//! Recording a panic in the ring from the firmware's `#[panic_handler]`,
//! before it resets.
//!
//! # Example
//!
//! ```ignore
//! #[panic_handler]
//! fn panic(info: &core::panic::PanicInfo) -> ! {
//!     vitals_embedded::panic::record(info);
//!     cortex_m::peripheral::SCB::sys_reset()
//! }
//! ```
//!
//! With a [`Persistent`](crate::Persistent) ring installed, the next boot
//! finds the CRITICAL entry in the ring and reports
//! [`ResetReason::Panic`](vitals_core::ResetReason::Panic).

use core::fmt::{self, Write};
use core::panic::{Location, PanicInfo};

use vitals_core::{Level, MessageBuf};

use crate::global;

/// Target of the panic's log entry.
pub const TARGET: &str = "panic";

/// Writes a CRITICAL entry `panicked at file:line:col: message` into the
/// sink given to [`install`](crate::install), and marks the panic for the
/// next boot (a [`Persistent`](crate::Persistent) ring keeps the mark).
/// Returns whether the entry was stored.
///
/// It never waits for a lock: when the panic happened while the ring was
/// in use (inside its critical section), the entry cannot be written and
/// this returns `false`; the mark is still set, and the next boot clears
/// the lock the reset left. The message is formatted on the stack (up to
/// [`MAX_MESSAGE_LEN`](vitals_core::MAX_MESSAGE_LEN) bytes).
pub fn record(info: &PanicInfo<'_>) -> bool {
    record_with(info.location(), &info.message())
}

/// [`record`] from the parts of a panic: where, and what it says. For a
/// host's panic hook, a fault handler, or an assertion of the firmware's own.
///
/// ```
/// use vitals_embedded::{global_ring, install, CounterClock, EntryKind};
///
/// global_ring!(VITALS, 1024);
/// static CLOCK: CounterClock = CounterClock::new();
/// install(&VITALS, &CLOCK);
///
/// let here = core::panic::Location::caller();
/// assert!(vitals_embedded::panic::record_with(Some(here), &format_args!("sensor {} stuck", 3)));
/// let message = VITALS.with(|ring| match ring.iter().last().map(|e| e.kind) {
///     Some(EntryKind::Log(log)) => String::from_utf8_lossy(log.message).into_owned(),
///     _ => String::new(),
/// });
/// assert!(message.starts_with("panicked at "), "{message}");
/// assert!(message.ends_with(": sensor 3 stuck"), "{message}");
/// ```
pub fn record_with(location: Option<&Location<'_>>, message: &dyn fmt::Display) -> bool {
    let Some(installed) = global::installed() else { return false };
    installed.sink.note_panic();
    let mut text = MessageBuf::new();
    if let Some(location) = location {
        let _ = write!(text, "panicked at {}:{}:{}: ", location.file(), location.line(), location.column());
    }
    let _ = write!(text, "{message}");
    let now = installed.clock.now_us();
    installed
        .sink
        .push_log(now, Level::Critical, TARGET.as_bytes(), text.as_bytes(), text.is_truncated())
        .is_ok()
}

/// [`record`]s the panic, then resets the chip with `SCB::sys_reset`: the
/// whole body of a Cortex-M firmware's `#[panic_handler]`.
#[cfg(feature = "cortex-m")]
pub fn record_and_reset(info: &PanicInfo<'_>) -> ! {
    record(info);
    cortex_m::peripheral::SCB::sys_reset()
}
