//! The firmware's logging macros: `trace!` … `critical!`, and `log!` with a
//! level chosen at run time.
//!
//! Each checks the compile-time ceiling ([`STATIC_MAX_LEVEL`], a constant)
//! and the run-time filter ([`vitals_core::max_level`], one relaxed load)
//! before anything else: when the level is filtered out, the arguments are
//! not evaluated and nothing is formatted. Otherwise the message is
//! formatted with `core::fmt` into a [`MessageBuf`] on the stack (cut at
//! [`MAX_MESSAGE_LEN`] bytes and flagged truncated) and appended to the ring
//! given to [`install`](crate::install), stamped by its clock. The target is
//! the calling module's path unless `target: "…"` says otherwise.
//!
//! An enabled call needs the buffer's 512 bytes of stack plus what
//! `core::fmt` uses, in the caller's context (an interrupt handler too):
//! size the stacks for it, or log less from deep call chains.
//!
//! # Example
//!
//! ```
//! use vitals_embedded::{global_ring, install, CounterClock, Level};
//!
//! global_ring!(VITALS, 1024);
//! static CLOCK: CounterClock = CounterClock::new();
//! install(&VITALS, &CLOCK);
//!
//! vitals_embedded::info!("sensor {} ready", 2);
//! vitals_embedded::error!(target: "net", "link down");
//! vitals_embedded::log!(Level::Warn, "retry {}/{}", 1, 3);
//! vitals_embedded::trace!("filtered out at the default INFO level: {}", unreachable!());
//! assert_eq!(VITALS.with(|ring| ring.len()), 3);
//! ```
//!
//! [`STATIC_MAX_LEVEL`]: vitals_core::STATIC_MAX_LEVEL
//! [`MessageBuf`]: vitals_core::MessageBuf
//! [`MAX_MESSAGE_LEN`]: vitals_core::MAX_MESSAGE_LEN

/// Logs at a level given as an expression; see the [`info!`](crate::info) family.
///
/// ```
/// # use vitals_embedded::Level;
/// let level = if 3 > 2 { Level::Warn } else { Level::Info };
/// vitals_embedded::log!(level, "took {} ms", 12);
/// vitals_embedded::log!(target: "net", Level::Error, "link down");
/// ```
#[macro_export]
macro_rules! log {
    (target: $target:expr, $level:expr, $($arg:tt)+) => {{
        let level: $crate::Level = $level;
        if $crate::__private::STATIC_MAX_LEVEL.allows(level) && $crate::__private::enabled(level) {
            $crate::__private::log(level, $target, ::core::format_args!($($arg)+));
        }
    }};
    ($level:expr, $($arg:tt)+) => {
        $crate::log!(target: ::core::module_path!(), $level, $($arg)+)
    };
}

/// Logs at TRACE: `trace!("x = {}", x)`, `trace!(target: "net", "…")`.
///
/// ```
/// vitals_embedded::trace!("step {}", 1);
/// ```
#[macro_export]
macro_rules! trace {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::Level::Trace, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::Trace, $($arg)+) };
}

/// Logs at DEBUG: `debug!("x = {}", x)`, `debug!(target: "net", "…")`.
///
/// ```
/// vitals_embedded::debug!("step {}", 1);
/// ```
#[macro_export]
macro_rules! debug {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::Level::Debug, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::Debug, $($arg)+) };
}

/// Logs at INFO: `info!("x = {}", x)`, `info!(target: "net", "…")`.
///
/// ```
/// vitals_embedded::info!("booted in {} ms", 12);
/// ```
#[macro_export]
macro_rules! info {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::Level::Info, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::Info, $($arg)+) };
}

/// Logs at WARN: `warn!("x = {}", x)`, `warn!(target: "net", "…")`.
///
/// ```
/// vitals_embedded::warn!("retry {}", 2);
/// ```
#[macro_export]
macro_rules! warn {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::Level::Warn, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::Warn, $($arg)+) };
}

/// Logs at ERROR: `error!("x = {}", x)`, `error!(target: "net", "…")`.
///
/// ```
/// vitals_embedded::error!("sensor {} failed", 1);
/// ```
#[macro_export]
macro_rules! error {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::Level::Error, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::Error, $($arg)+) };
}

/// Logs at CRITICAL: `critical!("x = {}", x)`, `critical!(target: "net", "…")`.
///
/// ```
/// vitals_embedded::critical!("brown-out at {} mV", 2900);
/// ```
#[macro_export]
macro_rules! critical {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::Level::Critical, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::Critical, $($arg)+) };
}

/// [`log!`](crate::log) formatting with `ufmt::uwrite!` instead of
/// `core::fmt` (feature `ufmt`): `{}`, `{:?}`, `{:#?}` and `{:x}` of
/// `ufmt::uDisplay`/`uDebug` types, for about 1.3 KB less flash where integers
/// are formatted. `utrace!` … `ucritical!` are the same per level. The
/// caller need not depend on ufmt itself.
///
/// ```
/// # use vitals_embedded::Level;
/// vitals_embedded::ulog!(Level::Warn, "took {} ms", 12);
/// vitals_embedded::uinfo!("sensor {} at {} mC", 2, -41_000);
/// vitals_embedded::uerror!(target: "net", "link down");
/// ```
#[cfg(feature = "ufmt")]
#[macro_export]
macro_rules! ulog {
    (target: $target:expr, $level:expr, $($arg:tt)+) => {{
        let level: $crate::Level = $level;
        if $crate::__private::STATIC_MAX_LEVEL.allows(level) && $crate::__private::enabled(level) {
            let mut message = $crate::__private::UfmtMessage::new();
            {
                // `uwrite!` names `ufmt::`; this makes that ours.
                use $crate::__private::ufmt;
                let _ = ufmt::uwrite!(&mut message, $($arg)+);
            }
            $crate::__private::push_message(level, $target, &message.0);
        }
    }};
    ($level:expr, $($arg:tt)+) => {
        $crate::ulog!(target: ::core::module_path!(), $level, $($arg)+)
    };
}

/// [`ulog!`](crate::ulog) at TRACE.
#[cfg(feature = "ufmt")]
#[macro_export]
macro_rules! utrace {
    (target: $target:expr, $($arg:tt)+) => { $crate::ulog!(target: $target, $crate::Level::Trace, $($arg)+) };
    ($($arg:tt)+) => { $crate::ulog!($crate::Level::Trace, $($arg)+) };
}

/// [`ulog!`](crate::ulog) at DEBUG.
#[cfg(feature = "ufmt")]
#[macro_export]
macro_rules! udebug {
    (target: $target:expr, $($arg:tt)+) => { $crate::ulog!(target: $target, $crate::Level::Debug, $($arg)+) };
    ($($arg:tt)+) => { $crate::ulog!($crate::Level::Debug, $($arg)+) };
}

/// [`ulog!`](crate::ulog) at INFO.
#[cfg(feature = "ufmt")]
#[macro_export]
macro_rules! uinfo {
    (target: $target:expr, $($arg:tt)+) => { $crate::ulog!(target: $target, $crate::Level::Info, $($arg)+) };
    ($($arg:tt)+) => { $crate::ulog!($crate::Level::Info, $($arg)+) };
}

/// [`ulog!`](crate::ulog) at WARN.
#[cfg(feature = "ufmt")]
#[macro_export]
macro_rules! uwarn {
    (target: $target:expr, $($arg:tt)+) => { $crate::ulog!(target: $target, $crate::Level::Warn, $($arg)+) };
    ($($arg:tt)+) => { $crate::ulog!($crate::Level::Warn, $($arg)+) };
}

/// [`ulog!`](crate::ulog) at ERROR.
#[cfg(feature = "ufmt")]
#[macro_export]
macro_rules! uerror {
    (target: $target:expr, $($arg:tt)+) => { $crate::ulog!(target: $target, $crate::Level::Error, $($arg)+) };
    ($($arg:tt)+) => { $crate::ulog!($crate::Level::Error, $($arg)+) };
}

/// [`ulog!`](crate::ulog) at CRITICAL.
#[cfg(feature = "ufmt")]
#[macro_export]
macro_rules! ucritical {
    (target: $target:expr, $($arg:tt)+) => { $crate::ulog!(target: $target, $crate::Level::Critical, $($arg)+) };
    ($($arg:tt)+) => { $crate::ulog!($crate::Level::Critical, $($arg)+) };
}
