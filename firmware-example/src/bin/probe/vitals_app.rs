//! The application `size_vitals` and `size_vitals_ufmt` share: a 1 KiB
//! Vitals ring, a log entry (written by the probe's `log_reading`) and a
//! metric sample per reading, and the ring exported with `stream_to`
//! instead of the raw readings.

use core::hint::black_box;

use vitals_embedded::{global_ring, stream_to, Cursor, MetricId};
use vitals_firmware_example::{advance_us, exit, now_us, HostFile, CLOCK};

/// Temperatures in m°C, one a second.
static READINGS: [i32; 8] = [41_000, 48_500, 55_000, 61_500, 66_000, 71_500, 57_500, 52_000];

global_ring!(RING, 1024);

/// Runs the application, logging each reading with `log_reading`.
pub fn run(log_reading: impl Fn(i32)) -> ! {
    vitals_embedded::install(&RING, &CLOCK);
    for &reading in READINGS.iter() {
        advance_us(1_000_000);
        let millicelsius = black_box(reading);
        defmt::info!("temperature {=i32} mC", millicelsius);
        log_reading(millicelsius);
        let _ = RING.push_metric(now_us(), MetricId::TEMPERATURE.series(), millicelsius / 1000);
    }
    let mut scratch = [0u8; 256];
    let saved_ok = HostFile::create(c"size-probe.bin")
        .is_ok_and(|mut file| stream_to(&RING, &mut Cursor::new(), &mut file, &mut scratch).is_ok());
    exit(saved_ok)
}
