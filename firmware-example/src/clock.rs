//! A simulated microsecond clock that the firmware advances itself.
//!
//! QEMU's timers follow the host's clock, so a hardware timer would give
//! different timestamps, CPU loads and uptimes on every run. Here the demo
//! says how long each step "took" ([`advance_us`]), which makes every run
//! the same, and the host test can compare output with a snapshot. A real
//! firmware reads a hardware timer in [`now_us`] instead (SysTick, an RTC,
//! a 32-bit timer) and keeps everything else.
//!
//! # Example
//!
//! ```ignore
//! let t0 = vitals_firmware_example::now_us();
//! vitals_firmware_example::advance_us(250);
//! assert_eq!(vitals_firmware_example::now_us(), t0 + 250);
//! ```

use core::cell::Cell;

use critical_section::Mutex;
use vitals_embedded::FnClock;

/// Loads and stores in a critical section: thumbv6m has no 64-bit atomics
/// and no compare-and-swap.
static NOW_US: Mutex<Cell<u64>> = Mutex::new(Cell::new(0));

/// The clock the ring, the sampler and defmt's timestamps read.
pub static CLOCK: FnClock = FnClock(now_us);

/// Microseconds since this boot.
pub fn now_us() -> u64 {
    critical_section::with(|cs| NOW_US.borrow(cs).get())
}

/// Lets `us` microseconds of simulated time pass.
pub fn advance_us(us: u64) {
    critical_section::with(|cs| {
        let now = NOW_US.borrow(cs);
        now.set(now.get() + us);
    });
}
