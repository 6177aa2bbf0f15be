//! # vitals-embedded
//!
//! Vitals on microcontrollers: the firmware's logs, metrics and events in
//! one [`vitals_core`] ring, without an allocator.
//!
//! - a global ring and logging macros ([`info!`], [`warn!`], …) that cost a
//!   constant comparison when filtered out and format on the stack when not;
//! - the ring carried out as defmt frames (`drain_to_defmt`, feature
//!   `defmt`) or as the versioned wire format on any `embedded_io::Write`
//!   ([`stream_to`]);
//! - sensors through `embedded-hal` 1.0 ([`sensor::Sensor`], an LM75 / TMP102
//!   driver, [`sensor::FnSensor`]);
//! - the firmware's own vitals ([`mcu`]): uptime, CPU load from idle time,
//!   stack high-water mark by painting, ring fill and losses, sampled into the
//!   ring by [`mcu::McuSampler`] with threshold rules;
//! - a ring that survives a warm reset ([`PersistentRing`]) and a panic
//!   recorder ([`panic::record`]) that writes into it.
//!
//! `#![no_std]`, no allocator. `unsafe` lives only in [`persistent`] (memory
//! kept across a reset) and [`mcu::StackRegion`] (painting the live stack).
//!
//! # Usage in a firmware
//!
//! ```no_run
//! use vitals_embedded::mcu::{IdleMeter, McuSampler};
//! use vitals_embedded::sensor::FnSensor;
//! use vitals_embedded::{persistent_ring, stream_to, Cursor, FnClock, MetricId, ResetReason, Rule};
//!
//! // A monotonic µs count from a hardware timer (SysTick, a 32-bit timer, …).
//! fn now_us() -> u64 {
//!     # 0
//!     // read your timer here
//! }
//! static CLOCK: FnClock = FnClock(now_us);
//! static IDLE: IdleMeter<FnClock> = IdleMeter::new(FnClock(now_us));
//!
//! # struct Uart;
//! # impl embedded_io::ErrorType for Uart { type Error = core::convert::Infallible; }
//! # impl embedded_io::Write for Uart {
//! #     fn write(&mut self, b: &[u8]) -> Result<usize, Self::Error> { Ok(b.len()) }
//! #     fn flush(&mut self) -> Result<(), Self::Error> { Ok(()) }
//! # }
//! # let mut uart = Uart;
//! // 1. The ring: 4 KiB in a no-init RAM section, kept across warm resets.
//! //    (Read the reset cause from the hardware, e.g. `Lm3sResc(resc)`.)
//! let memory = persistent_ring!(4096).expect("taken once");
//! let (ring, boot) = memory.init(ResetReason::Unknown, CLOCK.0());
//!
//! // 2. Route the logging macros (and the panic recorder) to it.
//! vitals_embedded::install(ring.sink(), &CLOCK);
//! vitals_embedded::info!("boot: kept {} entries, reset reason {}", boot.entries, boot.reason.as_str());
//!
//! // 3. The firmware's vitals, with a threshold rule on temperature. With
//! //    feature `cortex-m`, `.with_stack(&STACK)` where
//! //    `STACK = unsafe { StackRegion::cortex_m_rt() }`, painted once with `STACK.paint()`.
//! let mut sampler: McuSampler<'_, FnClock, 4> = McuSampler::new(CLOCK).with_cpu(&IDLE);
//! sampler.add_rule(Rule::above(MetricId::TEMPERATURE.instance(0), 60.0, 70.0, 80.0)).unwrap();
//! let mut die = FnSensor::infallible(MetricId::TEMPERATURE.instance(0), || 42.0);
//!
//! // 4. Carry entries out in the wire format (or `drain_to_defmt(&ring, &mut cursor)`).
//! let mut cursor = Cursor::new();
//! let mut scratch = [0u8; 512];
//! loop {
//!     sampler.sample(&ring);
//!     let _ = sampler.sample_sensor(&ring, &mut die);
//!     let _ = stream_to(&ring, &mut cursor, &mut uart, &mut scratch);
//!     IDLE.idle(|| { /* cortex_m::asm::wfi() */ });
//!     # break;
//! }
//! ```
//!
//! A firmware without a no-init section declares an ordinary ring instead:
//! `vitals_embedded::global_ring!(VITALS, 8192);` and installs `&VITALS`.
//!
//! Its panic handler records the panic before resetting:
//!
//! ```ignore
//! #[panic_handler]
//! fn panic(info: &core::panic::PanicInfo) -> ! {
//!     vitals_embedded::panic::record(info);
//!     cortex_m::peripheral::SCB::sys_reset() // or panic::record_and_reset(info) with `cortex-m`
//! }
//! ```
//!
//! The next boot's [`BootReport::reason`] is then [`ResetReason::Panic`] and
//! the CRITICAL entry with the panic message is still in the ring.
//!
//! # Targets without compare-and-swap
//!
//! thumbv6m (Cortex-M0/M0+) and riscv32imc have atomic loads and stores but
//! no read-modify-write. Everything here uses only loads and stores inside
//! critical sections, so it works there. The `log` crate's `set_logger` does
//! not exist on those targets: install a `RingLogger` with
//! `unsafe { log::set_logger_racy(&LOGGER) }` and `log::set_max_level_racy`
//! once at start-up, before interrupts are enabled.
//!
//! # Features
//!
//! | feature    | what it adds                                                              |
//! |------------|---------------------------------------------------------------------------|
//! | `log`      | `RingLogger`: `log::info!` from any crate lands in the ring               |
//! | `defmt`    | `drain_to_defmt`, `defmt::Format` for this crate's types                  |
//! | `ufmt`     | `uinfo!`… and `ulog!`: the macros formatting with `ufmt` (about 1.3 KB less flash: `core::fmt` is left out) |
//! | `cortex-m` | `IdleMeter::wait_for_interrupt`, `StackRegion::cortex_m_rt`, `panic::record_and_reset` |
//! | `max_level_*`, `release_max_level_*` | compile-time ceilings for the macros (forwarded to the core) |
//!
//! A firmware also links one `critical-section` implementation, e.g.
//! `cortex-m = { version = "0.7", features = ["critical-section-single-core"] }`.
#![cfg_attr(not(test), no_std)]
// No panic paths: what the core promises, this crate keeps too.
#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(all(feature = "cortex-m", target_os = "none", not(target_arch = "arm")))]
compile_error!("the `cortex-m` feature is for Arm Cortex-M targets; leave it off for this target");

#[cfg(feature = "defmt")]
mod defmt_drain;
mod global;
mod level_map;
mod macros;
pub mod mcu;
pub mod panic;
pub mod persistent;
pub mod sensor;
mod stream;

#[doc(hidden)]
pub mod __private;

#[cfg(feature = "defmt")]
pub use defmt_drain::{drain_to_defmt, Drained};
pub use global::{install, installed_sink, uninstall, LogSink, VitalsRing};
pub use level_map::{defmt_level, DefmtLevel};
pub use persistent::{BootReport, Damage, Persistent, PersistentRing};
pub use stream::{stream_to, StreamError, Streamed, MIN_SCRATCH};

pub use vitals_core;
#[cfg(feature = "log")]
pub use vitals_core::RingLogger;
pub use vitals_core::{
    Clock, CounterClock, Cursor, EntryKind, Event, FnClock, Level, LevelFilter, MetricId, MetricValue,
    Policy, ResetReason, Ring, Rule, Rules, Sample, Series, SharedRing,
};
