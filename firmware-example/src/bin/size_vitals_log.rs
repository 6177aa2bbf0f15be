//! Size probe, with Vitals behind the `log` facade: `size_vitals`, but the
//! log entries come from `log::info!` through a `RingLogger`, as they do
//! from any crate that logs with `log`.
#![no_std]
#![no_main]

use core::hint::black_box;

use vitals_embedded::{global_ring, stream_to, Cursor, FnClock, LevelFilter, MetricId, RingLogger};
use vitals_firmware_example::{advance_us, exit, now_us, HostFile};

/// Temperatures in m°C, one a second.
static READINGS: [i32; 8] = [41_000, 48_500, 55_000, 61_500, 66_000, 71_500, 57_500, 52_000];

global_ring!(RING, 1024);
/// Level filtering only, as a firmware usually wants: no per-target rules
/// (each would take about 70 bytes of RAM).
static LOGGER: RingLogger<[u8; 1024], FnClock, 0> = RingLogger::new(&RING, FnClock(now_us));

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    install_logger();
    for &reading in READINGS.iter() {
        advance_us(1_000_000);
        let millicelsius = black_box(reading);
        defmt::info!("temperature {=i32} mC", millicelsius);
        log::info!("temperature {} mC", millicelsius);
        let _ = RING.push_metric(now_us(), MetricId::TEMPERATURE.series(), millicelsius / 1000);
    }
    let mut scratch = [0u8; 256];
    let saved_ok = HostFile::create(c"size-probe.bin")
        .is_ok_and(|mut file| stream_to(&RING, &mut Cursor::new(), &mut file, &mut scratch).is_ok());
    exit(saved_ok)
}

#[cfg(target_has_atomic = "ptr")]
fn install_logger() {
    if LOGGER.install(LevelFilter::Info).is_err() {
        exit(false);
    }
}

/// No compare-and-swap (thumbv6m, riscv32imc): the racy setters, once, before
/// any interrupt could log.
#[cfg(not(target_has_atomic = "ptr"))]
fn install_logger() {
    #[allow(unsafe_code)]
    // SAFETY: called once at start-up, single-threaded, no interrupts enabled.
    unsafe {
        let _ = log::set_logger_racy(&LOGGER);
        log::set_max_level_racy(log::LevelFilter::Info);
    }
    LOGGER.set_level(LevelFilter::Info);
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    exit(false)
}
