//! Size probe, baseline for `size_vitals_log`: `size_baseline`, with each
//! reading also logged through `log::info!` to a plain logger that prints
//! the formatted message through defmt. This is the same firmware without
//! Vitals: one written against the `log` facade links `core::fmt` for its
//! messages whoever receives them, so `size_vitals_log` is measured
//! against this to show what Vitals itself adds.
#![no_std]
#![no_main]

use core::hint::black_box;

use vitals_firmware_example::{advance_us, exit, HostFile};

/// Temperatures in m°C, one a second.
static READINGS: [i32; 8] = [41_000, 48_500, 55_000, 61_500, 66_000, 71_500, 57_500, 52_000];

/// The smallest useful `log` logger in a defmt firmware: the formatted
/// message, printed at its level.
struct DefmtLogger;

impl log::Log for DefmtLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Info
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            defmt::info!("{}", defmt::Display2Format(record.args()));
        }
    }

    fn flush(&self) {}
}

static LOGGER: DefmtLogger = DefmtLogger;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    install_logger();
    let mut saved = [0u8; 4 * READINGS.len()];
    for (reading, slot) in READINGS.iter().zip(saved.chunks_exact_mut(4)) {
        advance_us(1_000_000);
        let millicelsius = black_box(*reading);
        defmt::info!("temperature {=i32} mC", millicelsius);
        log::info!("temperature {} mC", millicelsius);
        slot.copy_from_slice(&millicelsius.to_le_bytes());
    }
    let saved_ok = HostFile::create(c"size-probe.bin")
        .is_ok_and(|mut file| embedded_io::Write::write_all(&mut file, &saved).is_ok());
    exit(saved_ok)
}

#[cfg(target_has_atomic = "ptr")]
fn install_logger() {
    if log::set_logger(&LOGGER).is_err() {
        exit(false);
    }
    log::set_max_level(log::LevelFilter::Info);
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
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    exit(false)
}
