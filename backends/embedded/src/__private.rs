//! What the exported macros expand to. Not public API: names here change
//! without notice.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, Ordering};

use vitals_core::{Level, MessageBuf};

pub use vitals_core::{enabled, STATIC_MAX_LEVEL};

use crate::global;

/// Formats `args` on the stack and appends them to the installed sink.
/// Called only after the level check passed.
#[inline(never)]
pub fn log(level: Level, target: &str, args: fmt::Arguments<'_>) {
    if global::installed().is_none() {
        return; // nothing to format for
    }
    let mut message = MessageBuf::new();
    // `as_str` skips the formatting machinery for literal messages.
    match args.as_str() {
        Some(text) => message.push_str(text),
        None => {
            let _ = message.write_fmt(args); // a MessageBuf never fails; it cuts
        }
    }
    push_message(level, target, &message);
}

#[cfg(feature = "ufmt")]
pub use ufmt;

/// A [`MessageBuf`] that `ufmt::uwrite!` writes into.
#[cfg(feature = "ufmt")]
pub struct UfmtMessage(pub MessageBuf);

#[cfg(feature = "ufmt")]
impl UfmtMessage {
    /// Empty.
    #[inline]
    pub fn new() -> Self {
        UfmtMessage(MessageBuf::new())
    }
}

#[cfg(feature = "ufmt")]
impl Default for UfmtMessage {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "ufmt")]
impl ufmt::uWrite for UfmtMessage {
    type Error = core::convert::Infallible;

    fn write_str(&mut self, text: &str) -> Result<(), Self::Error> {
        self.0.push_str(text); // cuts and flags when full
        Ok(())
    }
}

/// Appends a formatted message to the installed sink, stamped by its clock.
#[inline(never)]
pub fn push_message(level: Level, target: &str, message: &MessageBuf) {
    let Some(installed) = global::installed() else { return };
    let timestamp = installed.clock.now_us();
    // A refused record is counted by the ring and reported as `Dropped`.
    let _ = installed.sink.push_log(
        timestamp,
        level,
        target.as_bytes(),
        message.as_bytes(),
        message.is_truncated(),
    );
}

/// A flag that lets one caller through, once: `cortex_m::singleton!`
/// without compare-and-swap (a load and a store in a critical section).
#[derive(Debug)]
pub struct Once {
    taken: AtomicBool,
}

impl Once {
    /// Not yet taken.
    pub const fn new() -> Self {
        Once { taken: AtomicBool::new(false) }
    }

    /// `true` the first time only.
    pub fn take(&self) -> bool {
        critical_section::with(|_| {
            let first = !self.taken.load(Ordering::Relaxed);
            self.taken.store(true, Ordering::Relaxed);
            first
        })
    }
}

impl Default for Once {
    fn default() -> Self {
        Self::new()
    }
}
