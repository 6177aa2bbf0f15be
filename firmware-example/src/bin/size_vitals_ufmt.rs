//! Size probe: `size_vitals` with the log entry formatted by ufmt
//! (`vitals_embedded::uinfo!`, feature `ufmt`) instead of `core::fmt`.
#![no_std]
#![no_main]

#[path = "probe/vitals_app.rs"]
mod vitals_app;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    vitals_app::run(|millicelsius| vitals_embedded::uinfo!("temperature {} mC", millicelsius))
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    vitals_firmware_example::exit(false)
}
