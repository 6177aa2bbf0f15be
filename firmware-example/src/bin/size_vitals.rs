//! Size probe, with Vitals: `size_baseline`'s application plus a 1 KiB
//! Vitals ring, a log entry (`vitals_embedded::info!`, formatted with
//! `core::fmt`) and a metric sample per reading, and the ring exported with
//! `stream_to` instead of the raw readings. `cargo xtask bench` compares its
//! sections with the baseline's and reads the export for the bytes each
//! entry takes on the wire.
#![no_std]
#![no_main]

#[path = "probe/vitals_app.rs"]
mod vitals_app;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    vitals_app::run(|millicelsius| vitals_embedded::info!("temperature {} mC", millicelsius))
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    vitals_firmware_example::exit(false)
}
