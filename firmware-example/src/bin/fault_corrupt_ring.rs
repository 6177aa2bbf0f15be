//! Fault injection in QEMU: the reset-surviving ring damaged between boots,
//! as a stray write or a brown-out would leave it. Run by the host test
//! `tests/tests/firmware_qemu.rs` (`corrupted_ring_starts_empty_*`).
//!
//! 1. Power-on: logs two entries, overwrites the first bytes of the ring's
//!    records with garbage, and resets.
//! 2. The ring's header is intact but its records are not: it must start
//!    empty and say why (WARN). Logs one entry, then flips a bit of the
//!    region's header (its magic number), and resets.
//! 3. The header does not check out: the ring must start empty again. The
//!    ring is exported to `vitals-fault.bin` and QEMU exits with 0 when each
//!    boot saw what it should.
#![no_std]
#![no_main]

use vitals_embedded::vitals_core::{set_max_level, Corruption};
use vitals_embedded::{
    drain_to_defmt, persistent_ring, stream_to, BootReport, Cursor, Damage, LevelFilter, Persistent,
    ResetReason,
};
use vitals_firmware_example::{exit, now_us, reset, HostFile, ResetMark, CLOCK};

const RING_BYTES: usize = 1024;

/// Bytes of the region's header in front of the ring: magic, layout, flags,
/// check (`#[repr(C)]`, see `vitals_embedded::persistent`).
const HEADER_BYTES: usize = 16;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let mark = ResetMark::take();
    let cause = if mark.requested { ResetReason::Software } else { ResetReason::PowerOn };
    let Some(memory) = persistent_ring!(RING_BYTES) else { exit(false) };
    let (ring, boot) = memory.init(cause, now_us());
    vitals_embedded::install(ring.sink(), &CLOCK);
    set_max_level(LevelFilter::Trace);
    defmt::info!("boot {=u32}: {}", mark.boots, boot);
    let mut shown = Cursor::new();
    drain_to_defmt(&ring, &mut shown);

    let expected = match mark.boots {
        1 => Some(Damage::NoHeader),
        2 => Some(Damage::Ring(Corruption::Records)),
        _ => Some(Damage::NoHeader),
    };
    if boot.recovered || boot.damage != expected || !only_this_boot(&ring, &boot) {
        defmt::error!("boot {=u32}: expected {} and an empty ring, got {}", mark.boots, expected, boot);
        exit(false);
    }
    match mark.boots {
        1 => {
            vitals_embedded::info!("boot 1: written before the records are damaged");
            vitals_embedded::error!("boot 1: this entry must not come back");
            // A stray write over the oldest records.
            ring.with(|r| r.storage_mut()[..24].fill(0xA5));
            defmt::warn!("boot 1: ring records overwritten; resetting");
        }
        2 => {
            vitals_embedded::info!("boot 2: written before the header is damaged");
            corrupt_header(&ring);
            defmt::warn!("boot 2: ring header damaged; resetting");
        }
        _ => {
            vitals_embedded::info!("boot 3: the ring started empty twice, as it should");
            drain_to_defmt(&ring, &mut shown);
            export(&ring);
            exit(true)
        }
    }
    ResetMark::request_reset();
    reset()
}

/// Whether the ring holds only what `init` wrote at this boot: its `Boot`
/// event and the log entry saying why it started empty.
fn only_this_boot(ring: &Persistent<'static, RING_BYTES>, boot: &BootReport) -> bool {
    boot.entries == 0 && ring.with(|r| r.len()) == 2
}

/// Flips one bit of the region's magic number, the first header word.
fn corrupt_header(ring: &Persistent<'static, RING_BYTES>) {
    let ring_start: *const _ = ring.ring();
    let magic = ring_start.cast::<u8>().wrapping_sub(HEADER_BYTES).cast::<u32>().cast_mut();
    // SAFETY: deliberate fault injection. The region is `#[repr(C)]` with
    // four `u32` header words right before the ring, so `magic` is the
    // first of them: inside the same static, aligned, and an `AtomicU32`
    // that any bit pattern is valid for. Nothing else runs concurrently.
    #[allow(unsafe_code)]
    unsafe {
        magic.write_volatile(magic.read_volatile() ^ 1);
    }
}

fn export(ring: &Persistent<'static, RING_BYTES>) {
    let mut scratch = [0u8; 256];
    let saved = HostFile::create(c"vitals-fault.bin")
        .is_ok_and(|mut file| stream_to(ring, &mut Cursor::new(), &mut file, &mut scratch).is_ok());
    if !saved {
        defmt::error!("cannot export to vitals-fault.bin (is semihosting enabled?)");
        exit(false);
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    exit(false)
}
