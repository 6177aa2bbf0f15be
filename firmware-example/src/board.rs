//! The board-specific pieces: the main stack's address range, a warm reset,
//! leaving QEMU, and a mark in no-init RAM that tells a boot after the
//! firmware's own reset from a power-on.
//!
//! | target      | stack                              | [`reset`]            |
//! |-------------|------------------------------------|----------------------|
//! | Cortex-M    | cortex-m-rt's `_stack_end`..`_stack_start` | `SCB::sys_reset` (AIRCR.SYSRESETREQ) |
//! | RISC-V      | riscv-rt's `__estack`..`__sstack`  | none: built, not run |
//!
//! # Example
//!
//! ```ignore
//! let mark = ResetMark::take();
//! if mark.boots == 1 {
//!     ResetMark::request_reset();
//!     reset();
//! }
//! ```

#![allow(unsafe_code)]

use core::ptr::{self, addr_of_mut};

use vitals_embedded::mcu::StackRegion;

/// The main stack, for painting and high-water scans.
pub fn stack_region() -> StackRegion {
    #[cfg(target_arch = "arm")]
    // SAFETY: nothing but the stack lives in cortex-m-rt's stack range: these
    // firmwares have no heap at `__sheap`.
    let region = unsafe { StackRegion::cortex_m_rt() };
    #[cfg(target_arch = "riscv32")]
    let region = {
        extern "C" {
            static __estack: u32;
            static __sstack: u32;
        }
        let (lo, hi) =
            (ptr::addr_of!(__estack).expose_provenance(), ptr::addr_of!(__sstack).expose_provenance());
        // SAFETY: riscv-rt's `.stack` section holds only the (single hart's) stack.
        unsafe { StackRegion::new(lo, hi) }
    };
    region
}

/// Paints the free part of `stack` (see [`StackRegion::paint`]); returns
/// the bytes painted.
///
/// Never inlined: `paint` spares only a small red zone below its own
/// frame, so it must run in a frame of its own, below every live frame of
/// the caller. Inlined into a `main` with a large frame, it painted over
/// `main`'s own locals.
#[inline(never)]
pub fn paint_stack(stack: &StackRegion) -> usize {
    stack.paint()
}

/// Resets the chip the way a watchdog or a firmware update would: RAM
/// keeps its contents, the core starts from the reset vector
/// (`SCB::sys_reset`, AIRCR.SYSRESETREQ, on Cortex-M).
pub fn reset() -> ! {
    #[cfg(target_arch = "arm")]
    cortex_m::peripheral::SCB::sys_reset();
    #[cfg(not(target_arch = "arm"))]
    {
        // No standard warm reset on RISC-V: this build only proves the code
        // compiles and links there.
        defmt::error!("no warm reset on this target; stopping");
        exit(false)
    }
}

/// Ends the QEMU run (semihosting `SYS_EXIT`): exit code 0 when `success`, 1 otherwise.
pub fn exit(success: bool) -> ! {
    semihosting::process::exit(if success { 0 } else { 1 })
}

/// The firmware is running; `BOOT_MARK[1]` counts boots.
const RUNNING: u32 = 0x5254_4F4E;
/// The firmware asked for the reset that follows.
const RESET_REQUESTED: u32 = 0x5253_5451;

/// Two words in no-init RAM (`.uninit`, neither zeroed nor loaded): a state
/// word and a boot count. The zeros are what the compiler believes; the
/// hardware holds what the last run left, so they are only ever accessed
/// with volatile reads and writes.
#[link_section = ".uninit.vitals_demo"]
static mut BOOT_MARK: [u32; 2] = [0; 2];

/// What the no-init mark said at this boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, defmt::Format)]
pub struct ResetMark {
    /// Boots since power-on, this one included.
    pub boots: u32,
    /// The previous run ended in [`reset`] after [`ResetMark::request_reset`].
    pub requested: bool,
}

impl ResetMark {
    /// Reads the mark left by the previous run and marks this one as running.
    /// Call once, at the start of `main`.
    pub fn take() -> Self {
        let mark = addr_of_mut!(BOOT_MARK).cast::<u32>();
        // SAFETY: a static's own words, aligned; every bit pattern is a valid
        // `u32`; only `main` touches them, before and after, single-threaded.
        let (state, count) = unsafe { (ptr::read_volatile(mark), ptr::read_volatile(mark.add(1))) };
        let known = state == RUNNING || state == RESET_REQUESTED;
        let boots = if known { count.saturating_add(1) } else { 1 };
        // SAFETY: as above.
        unsafe {
            ptr::write_volatile(mark, RUNNING);
            ptr::write_volatile(mark.add(1), boots);
        }
        ResetMark { boots, requested: known && state == RESET_REQUESTED }
    }

    /// Notes that the reset about to happen is the firmware's own.
    pub fn request_reset() {
        // SAFETY: as in `take`.
        unsafe { ptr::write_volatile(addr_of_mut!(BOOT_MARK).cast::<u32>(), RESET_REQUESTED) };
    }
}
