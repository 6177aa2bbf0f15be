//! Size probe, baseline: the application the other probes share, without
//! Vitals. It reads eight temperatures, prints each through defmt, and saves
//! the readings to a host file. `cargo xtask bench` measures its sections
//! and compares them with `size_vitals` and `size_vitals_log`.
#![no_std]
#![no_main]

use core::hint::black_box;

use vitals_firmware_example::{advance_us, exit, HostFile};

/// Temperatures in m°C, one a second.
static READINGS: [i32; 8] = [41_000, 48_500, 55_000, 61_500, 66_000, 71_500, 57_500, 52_000];

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let mut saved = [0u8; 4 * READINGS.len()];
    for (reading, slot) in READINGS.iter().zip(saved.chunks_exact_mut(4)) {
        advance_us(1_000_000);
        let millicelsius = black_box(*reading);
        defmt::info!("temperature {=i32} mC", millicelsius);
        slot.copy_from_slice(&millicelsius.to_le_bytes());
    }
    let saved_ok = HostFile::create(c"size-probe.bin")
        .is_ok_and(|mut file| embedded_io::Write::write_all(&mut file, &saved).is_ok());
    exit(saved_ok)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    exit(false)
}
