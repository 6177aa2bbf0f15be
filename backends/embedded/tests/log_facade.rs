//! Feature `log`: the core's `RingLogger` in a firmware-shaped setup,
//! next to the crate's own macros on the same ring.

use vitals_embedded::{global_ring, install, CounterClock, EntryKind, Level, LevelFilter, RingLogger};

global_ring!(VITALS, 4096);
static CLOCK: CounterClock = CounterClock::new();
static LOGGER: RingLogger<[u8; 4096], &CounterClock> = RingLogger::new(&VITALS, &CLOCK);

#[test]
fn log_records_and_macros_share_the_ring() {
    LOGGER.install(LevelFilter::Debug).expect("the only logger");
    install(&VITALS, &CLOCK);
    log::debug!(target: "driver", "register {:#04x}", 0x1F);
    log::trace!("filtered by the log crate's max level");
    vitals_embedded::info!(target: "app", "ours");
    let records: Vec<(Level, String)> = VITALS.with(|ring| {
        ring.iter()
            .filter_map(|e| match e.kind {
                EntryKind::Log(log) => Some((log.level, String::from_utf8_lossy(log.message).into_owned())),
                _ => None,
            })
            .collect()
    });
    assert_eq!(records, [(Level::Debug, "register 0x1f".into()), (Level::Info, "ours".into())]);
}
