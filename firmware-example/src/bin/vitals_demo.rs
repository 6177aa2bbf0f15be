//! The Vitals demo firmware, run in QEMU by `cargo run --release` and by the
//! host test `tests/tests/firmware_qemu.rs`.
//!
//! First boot (power-on):
//! 1. logs at every level into a ring that survives warm resets;
//! 2. for twelve simulated seconds, samples the MCU's vitals (uptime, CPU
//!    load from idle time, stack high-water, ring fill and losses) and an
//!    LM75 whose temperature ramps up through the warn / error / critical
//!    thresholds of a rule and back down;
//! 3. sends every new entry out as defmt frames (semihosting stdout) as it
//!    goes, exports the whole ring in the Vitals wire format to the host
//!    file `vitals-boot1.bin`, and resets the chip (`SCB::sys_reset`).
//!
//! Second boot: finds the ring intact (the `BootReport`), shows every entry
//! that survived through defmt, samples once more, exports the ring again
//! to `vitals-boot2.bin`, and ends QEMU with exit code 0.
#![no_std]
#![no_main]

use vitals_embedded::mcu::{IdleMeter, McuSampler, StackRegion};
use vitals_embedded::sensor::{Lm75, Model};
use vitals_embedded::vitals_core::set_max_level;
use vitals_embedded::{
    drain_to_defmt, persistent_ring, stream_to, BootReport, Cursor, FnClock, LevelFilter, MetricId,
    Persistent, ResetReason, Rule,
};
use vitals_firmware_example::{
    advance_us, exit, now_us, paint_stack, reset, stack_region, HostFile, ResetMark, SimulatedLm75Bus, CLOCK,
};

/// Ring bytes: a quarter of the LM3S6965's 64 KiB, an eighth of the nRF51's 16 KiB.
#[cfg(not(board_microbit))]
const RING_BYTES: usize = 4096;
#[cfg(board_microbit)]
const RING_BYTES: usize = 2048;

/// One sample a second, this many times.
const PERIOD_US: u64 = 1_000_000;

/// The LM75's readings, one per second: up through 60 (warn), 70 (error)
/// and 80 °C (critical), then back down.
static TEMPERATURES: [f32; 12] = [41.0, 48.5, 55.0, 61.5, 66.0, 71.5, 76.0, 82.5, 79.0, 68.0, 57.5, 52.0];

/// Busy time in each second; the rest is spent idle.
static BUSY_US: [u64; 12] = [
    120_000, 150_000, 180_000, 250_000, 300_000, 420_000, 380_000, 610_000, 550_000, 300_000, 200_000,
    150_000,
];

/// The die temperature series the rule watches.
const TEMPERATURE: vitals_embedded::Series = MetricId::TEMPERATURE.instance(0);

/// Idle time, for the CPU-load metric.
static IDLE: IdleMeter<FnClock> = IdleMeter::new(FnClock(now_us));

/// Encoding buffer for `stream_to`: one frame of entries at a time.
const SCRATCH_BYTES: usize = 512;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let stack = stack_region();
    let painted = paint_stack(&stack);
    let mark = ResetMark::take();
    let cause = if mark.requested { ResetReason::Software } else { ResetReason::PowerOn };
    let Some(memory) = persistent_ring!(RING_BYTES) else { exit(false) };
    let (ring, boot) = memory.init(cause, now_us());
    vitals_embedded::install(ring.sink(), &CLOCK);
    set_max_level(LevelFilter::Trace);
    defmt::info!("boot {=u32}: {}", mark.boots, boot);

    match (mark.boots, boot.recovered) {
        (1, false) => first_boot(ring, &stack, painted),
        (2, true) => after_reset(ring, &boot, &stack),
        _ => {
            defmt::error!(
                "unexpected boot {=u32} (recovered: {=bool}); stopping",
                mark.boots,
                boot.recovered
            );
            exit(false)
        }
    }
}

fn first_boot(ring: Persistent<'static, RING_BYTES>, stack: &StackRegion, painted: usize) -> ! {
    let mut shown = Cursor::new();
    vitals_embedded::trace!("stack painted: {} bytes", painted);
    vitals_embedded::debug!("ring: {} bytes, kept across warm resets", RING_BYTES);
    vitals_embedded::info!("sampling every second, {} times", TEMPERATURES.len());
    vitals_embedded::warn!("fan not fitted: cooling is passive");
    vitals_embedded::error!("sensor bus 1 missing: skipping its channels");
    vitals_embedded::critical!("demo only: this board has no real LM75");
    drain_to_defmt(&ring, &mut shown);

    let mut sampler: McuSampler<'_, FnClock, 2> = McuSampler::new(CLOCK).with_cpu(&IDLE).with_stack(stack);
    if sampler.add_rule(Rule::above(TEMPERATURE, 60.0, 70.0, 80.0)).is_err() {
        exit(false);
    }
    let mut lm75 = Lm75::new(SimulatedLm75Bus::new(&TEMPERATURES), SimulatedLm75Bus::ADDRESS, Model::Lm75);

    for busy in BUSY_US {
        advance_us(busy); // the application's work
        sampler.sample(&ring);
        if sampler.sample_sensor(&ring, &mut lm75).is_err() {
            defmt::error!("the simulated LM75 failed");
        }
        drain_to_defmt(&ring, &mut shown);
        // A real firmware waits here: `IDLE.wait_for_interrupt()`.
        IDLE.idle(|| advance_us(PERIOD_US - busy));
    }

    let stats = ring.stats();
    defmt::info!(
        "ring: {=usize} entries, {=usize} of {=usize} bytes, {=u64} lost",
        stats.len,
        stats.used_bytes,
        stats.capacity,
        stats.lost_total()
    );
    vitals_embedded::warn!("resetting: the ring must survive it");
    drain_to_defmt(&ring, &mut shown);
    export(&ring, c"vitals-boot1.bin");

    ResetMark::request_reset();
    reset()
}

fn after_reset(ring: Persistent<'static, RING_BYTES>, boot: &BootReport, stack: &StackRegion) -> ! {
    defmt::info!("--- {=usize} entries survived the reset; the ring now holds: ---", boot.entries);
    let mut shown = Cursor::new();
    drain_to_defmt(&ring, &mut shown);
    defmt::info!("--- end of the kept entries ---");

    vitals_embedded::info!("back after a {} reset with {} entries kept", boot.reason.as_str(), boot.entries);
    let mut sampler: McuSampler<'_, FnClock, 1> = McuSampler::new(CLOCK).with_stack(stack);
    advance_us(5_000);
    sampler.sample(&ring);
    drain_to_defmt(&ring, &mut shown);
    export(&ring, c"vitals-boot2.bin");
    exit(true)
}

/// Writes every entry in the ring to the host file `path` as wire-format frames.
fn export(ring: &Persistent<'static, RING_BYTES>, path: &core::ffi::CStr) {
    let mut scratch = [0u8; SCRATCH_BYTES];
    let Ok(mut file) = HostFile::create(path) else {
        defmt::error!("cannot create the export file on the host (is semihosting enabled?)");
        return;
    };
    match stream_to(ring, &mut Cursor::new(), &mut file, &mut scratch) {
        Ok(sent) => defmt::info!(
            "exported {=usize} entries in {=usize} frames ({=usize} bytes) to {=str}",
            sent.entries,
            sent.frames,
            sent.bytes,
            path.to_str().unwrap_or("?")
        ),
        Err(error) => defmt::error!("export failed after {=usize} frames", error.sent().frames),
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    // Into the ring (the next boot reports `ResetReason::Panic`), then reset.
    vitals_embedded::panic::record(info);
    reset()
}
