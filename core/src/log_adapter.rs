//! A `log::Log` that formats records straight into a [`SharedRing`], with no
//! heap allocation: every crate's `log::info!` lands in the ring.
//!
//! # Example
//!
//! ```
//! use vitals_core::{CounterClock, LevelFilter, Policy, RingLogger, SharedRing};
//!
//! static RING: SharedRing<[u8; 4096]> = SharedRing::new([0; 4096], Policy::OverwriteOldest);
//! static LOGGER: RingLogger<[u8; 4096], CounterClock> = RingLogger::new(&RING, CounterClock::new());
//!
//! LOGGER.install(LevelFilter::Debug).expect("no other logger installed");
//! log::info!("cpu={:.1} mem={:.2} step {}", 12.5, 40.25, 7);
//! assert_eq!(RING.with(|ring| ring.len()), 1);
//! ```

use core::cell::RefCell;
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, Ordering};

use critical_section::Mutex;

use crate::clock::Clock;
use crate::filter::{self, FilterSpecError, TargetFilters};
use crate::level::{Level, LevelFilter};
use crate::message::MessageBuf;
use crate::ring::SharedRing;

/// Per-target rules a [`RingLogger`] holds unless its `RULES` parameter
/// says otherwise. Each rule takes about 70 bytes of RAM.
pub const MAX_TARGET_RULES: usize = 16;

/// A `log::Log` implementation that writes into a `'static` [`SharedRing`].
///
/// Filtering: the `log` crate's own max level (set by [`RingLogger::install`]),
/// then the Vitals global filter ([`crate::max_level`]), then this logger's
/// per-target table when it has rules. Messages are formatted into a stack
/// buffer of [`MAX_MESSAGE_LEN`](crate::MAX_MESSAGE_LEN) bytes; longer ones are cut and flagged.
///
/// `RULES` is how many `target=level` rules [`RingLogger::set_spec`] can
/// hold ([`MAX_TARGET_RULES`] by default). A firmware that filters by level
/// only can save their RAM with 0:
///
/// ```
/// use vitals_core::{CounterClock, Policy, RingLogger, SharedRing};
///
/// static RING: SharedRing<[u8; 512]> = SharedRing::new([0; 512], Policy::OverwriteOldest);
/// static LOGGER: RingLogger<[u8; 512], CounterClock, 0> = RingLogger::new(&RING, CounterClock::new());
///
/// assert!(LOGGER.set_spec("debug").is_ok());
/// assert!(LOGGER.set_spec("debug,net=trace").is_err()); // no room for a rule
/// ```
pub struct RingLogger<B: 'static, C, const RULES: usize = MAX_TARGET_RULES> {
    ring: &'static SharedRing<B>,
    clock: C,
    targets: Mutex<RefCell<TargetFilters<RULES>>>,
    has_target_rules: AtomicBool,
}

impl<B, C, const RULES: usize> RingLogger<B, C, RULES> {
    /// A logger writing into `ring`, stamping entries with `clock`.
    pub const fn new(ring: &'static SharedRing<B>, clock: C) -> Self {
        RingLogger {
            ring,
            clock,
            targets: Mutex::new(RefCell::new(TargetFilters::new(LevelFilter::Trace))),
            has_target_rules: AtomicBool::new(false),
        }
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]> + Send + 'static, C: Clock + Send + Sync + 'static, const RULES: usize>
    RingLogger<B, C, RULES>
{
    /// Installs this logger as the `log` crate's logger and sets both the
    /// `log` and the Vitals global filter to `filter`.
    ///
    /// # Errors
    /// `log::SetLoggerError` when another logger is installed.
    ///
    /// Targets without atomic compare-and-swap (thumbv6m, riscv32imc) lack
    /// `log::set_logger`; there, call `log::set_logger_racy` and
    /// `log::set_max_level_racy` once at start-up, before interrupts run.
    #[cfg(target_has_atomic = "ptr")]
    pub fn install(&'static self, filter: LevelFilter) -> Result<(), log::SetLoggerError> {
        log::set_logger(self)?;
        self.set_level(filter);
        Ok(())
    }

    /// Sets the `log` crate's and the Vitals global filter.
    pub fn set_level(&self, filter: LevelFilter) {
        filter::set_max_level(filter);
        self.sync_log_max(filter);
    }

    /// Applies a spec such as `info,my_crate::net=debug`: its bare level
    /// becomes the global filter, its `target=level` items the per-target table.
    ///
    /// # Errors
    /// [`FilterSpecError`] naming the bad item; nothing changes then.
    pub fn set_spec(&self, spec: &str) -> Result<(), FilterSpecError> {
        let table: TargetFilters<RULES> = spec.parse()?;
        let most_verbose = table.most_verbose();
        let has_rules = table.has_rules();
        critical_section::with(|cs| {
            // Nothing inside this critical section logs, so the table is
            // never borrowed here already; were it, the old one would stay
            // rather than the call panic.
            if let Ok(mut targets) = self.targets.borrow(cs).try_borrow_mut() {
                *targets = table;
            }
        });
        self.has_target_rules.store(has_rules, Ordering::Relaxed);
        // The fast global check must let through what any rule wants.
        filter::set_max_level(most_verbose);
        self.sync_log_max(most_verbose);
        Ok(())
    }

    fn sync_log_max(&self, filter: LevelFilter) {
        #[cfg(target_has_atomic = "ptr")]
        log::set_max_level(filter.into());
        #[cfg(not(target_has_atomic = "ptr"))]
        let _ = filter; // `log::set_max_level_racy` is the caller's (unsafe) call here.
    }

    fn passes(&self, level: Level, target: &str) -> bool {
        if !filter::enabled(level) {
            return false;
        }
        // Without room for rules (`RULES = 0`) the target filter is gone
        // at compile time, not only skipped.
        if RULES == 0 || !self.has_target_rules.load(Ordering::Relaxed) {
            return true;
        }
        // Never busy (see `set_spec`); if it were, the entry would be kept.
        critical_section::with(|cs| {
            self.targets.borrow(cs).try_borrow().map_or(true, |t| t.enabled(level, target))
        })
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]> + Send + 'static, C: Clock + Send + Sync + 'static, const RULES: usize>
    log::Log for RingLogger<B, C, RULES>
{
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.passes(metadata.level().into(), metadata.target())
    }

    fn log(&self, record: &log::Record<'_>) {
        let level = Level::from(record.level());
        if !self.passes(level, record.target()) {
            return;
        }
        let mut message = MessageBuf::new();
        // `as_str` skips the formatting machinery for literal messages.
        match record.args().as_str() {
            Some(text) => message.push_str(text),
            None => {
                let _ = message.write_fmt(*record.args());
            }
        }
        let timestamp = self.clock.now_us();
        let _ = self.ring.push_log_truncated(
            timestamp,
            level,
            record.target().as_bytes(),
            message.as_bytes(),
            message.is_truncated(),
        );
    }

    fn flush(&self) {}
}
