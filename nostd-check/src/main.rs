//! A bare-metal Cortex-M program that records a log entry and a metric sample
//! in vitals-core rings. It exists to fail the build if vitals-core ever
//! needs `std`: there is no `std` for `thumbv*-none-eabi*`, and this crate
//! brings its own `#[panic_handler]`, so a second one from `std` would clash.

#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use cortex_m_rt::entry;
use vitals_core::{Level, MetricId, Policy, Ring, SharedRing};

/// A ring shared with interrupt handlers: links `critical-section` to
/// cortex-m's single-core implementation.
static SHARED: SharedRing<[u8; 512]> = SharedRing::new([0; 512], Policy::OverwriteOldest);

/// Fills the rings and keeps them observable, so the optimizer cannot drop
/// the core's code from the image.
#[entry]
fn main() -> ! {
    let mut ring = Ring::new([0u8; 1024], Policy::OverwriteOldest);
    let _ = ring.push_log(1, Level::Warn, b"nostd", b"linked without std");
    let _ = ring.push_metric(2, MetricId::CPU_USAGE.series(), 42.5);
    let _ = SHARED.push_log(3, Level::Info, b"nostd", b"shared ring");
    loop {
        black_box(&ring);
        black_box(&SHARED);
    }
}

/// Stops on a panic; the only panic handler in the image.
#[panic_handler]
fn panic(_info: &PanicInfo<'_>) -> ! {
    loop {
        cortex_m::asm::nop();
    }
}
