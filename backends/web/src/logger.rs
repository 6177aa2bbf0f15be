//! The `log` facade in the browser: records go into a ring through the
//! core's [`RingLogger`], stamped with page time, and are mirrored to the
//! console at or above a level of their own.
//!
//! # Example
//!
//! ```no_run
//! use vitals_core::{LevelFilter, Policy, SharedRing};
//! use vitals_web::WebLogger;
//!
//! static RING: SharedRing<[u8; 16384]> = SharedRing::new([0; 16384], Policy::OverwriteOldest);
//! static LOGGER: WebLogger<[u8; 16384]> = WebLogger::new(&RING, LevelFilter::Info);
//!
//! LOGGER.install(LevelFilter::Debug).expect("no other logger installed");
//! log::info!("loaded in {} ms", 42); // into RING, and console.info
//! log::debug!("details");            // into RING only
//! ```

use core::fmt::Write;
use core::sync::atomic::{AtomicU8, Ordering};

use vitals_core::{FilterSpecError, Level, LevelFilter, MessageBuf, RingLogger, SharedRing};

use crate::clock::PerformanceClock;
use crate::console::ConsoleMethod;

/// A `log::Log` for pages: the core's [`RingLogger`] on the
/// [`PerformanceClock`], plus console mirroring.
pub struct WebLogger<B: 'static> {
    ring: RingLogger<B, PerformanceClock>,
    console: AtomicU8,
}

impl<B> WebLogger<B> {
    /// A logger writing into `ring` and mirroring records at or above
    /// `console` to the browser console ([`LevelFilter::Off`]: none).
    pub const fn new(ring: &'static SharedRing<B>, console: LevelFilter) -> Self {
        WebLogger { ring: RingLogger::new(ring, PerformanceClock), console: AtomicU8::new(console as u8) }
    }

    /// Changes which records are mirrored to the console.
    pub fn set_console_level(&self, filter: LevelFilter) {
        self.console.store(filter as u8, Ordering::Relaxed);
    }

    /// Which records are mirrored to the console.
    pub fn console_level(&self) -> LevelFilter {
        LevelFilter::from_u8(self.console.load(Ordering::Relaxed)).unwrap_or(LevelFilter::Off)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]> + Send + 'static> WebLogger<B> {
    /// Installs this logger for the `log` crate and sets the level filter.
    ///
    /// # Errors
    /// `log::SetLoggerError` when another logger is installed.
    pub fn install(&'static self, filter: LevelFilter) -> Result<(), log::SetLoggerError> {
        log::set_logger(self)?;
        self.ring.set_level(filter);
        Ok(())
    }

    /// Sets the level filter of the ring (and so of the console too).
    pub fn set_level(&self, filter: LevelFilter) {
        self.ring.set_level(filter);
    }

    /// Applies a filter spec such as `info,my_app::net=debug`.
    ///
    /// # Errors
    /// [`FilterSpecError`] naming the bad item; nothing changes then.
    pub fn set_spec(&self, spec: &str) -> Result<(), FilterSpecError> {
        self.ring.set_spec(spec)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]> + Send + 'static> log::Log for WebLogger<B> {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.ring.enabled(metadata)
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.ring.enabled(record.metadata()) {
            return;
        }
        self.ring.log(record);
        let level = Level::from(record.level());
        if self.console_level().allows(level) {
            let mut message = MessageBuf::new();
            let _ = write!(message, "{}: {}", record.target(), record.args());
            let text = core::str::from_utf8(message.as_bytes()).unwrap_or("");
            ConsoleMethod::for_level(level).call(&text.into());
        }
    }

    fn flush(&self) {}
}
