//! What the firmware binaries in `src/bin/` share: a simulated clock, the
//! host file the wire-format export goes to, a simulated LM75 on a fake I²C
//! bus, and the few board-specific pieces (stack, reset, exit).
//!
//! QEMU runs these images with semihosting: defmt frames go to QEMU's
//! stdout ([`defmt_semihosting`]), the export to a host file
//! ([`HostFile`]), and [`exit`] ends QEMU with an exit code.
#![no_std]
#![deny(unsafe_code)]

pub mod board;
pub mod clock;
pub mod host_file;
pub mod simulated_lm75;

pub use board::{exit, paint_stack, reset, stack_region, ResetMark};
pub use clock::{advance_us, now_us, CLOCK};
pub use host_file::HostFile;
pub use simulated_lm75::SimulatedLm75Bus;

// The defmt transport: frames written to QEMU's stdout with SYS_WRITE.
use defmt_semihosting as _;

defmt::timestamp!("{=u64:us}", clock::now_us());
