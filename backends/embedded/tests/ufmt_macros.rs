//! The ufmt logging macros (`uinfo!` …, feature `ufmt`): the same records
//! as the `core::fmt` ones, for the format specs ufmt knows, long messages
//! cut and flagged.

use vitals_embedded::vitals_core::{EntryKind, MAX_MESSAGE_LEN};
use vitals_embedded::{global_ring, install, CounterClock, Level};

global_ring!(RING, 4096);
static CLOCK: CounterClock = CounterClock::new();

/// The messages in the ring, oldest first, with their level and flags.
fn messages() -> Vec<(Level, String, bool)> {
    RING.with(|ring| {
        ring.iter()
            .filter_map(|entry| match entry.kind {
                EntryKind::Log(log) => {
                    Some((log.level, String::from_utf8_lossy(log.message).into_owned(), log.truncated))
                }
                _ => None,
            })
            .collect()
    })
}

#[test]
fn ufmt_formats_what_core_fmt_would() {
    install(&RING, &CLOCK);
    let (reading, name, code) = (-41_000i32, "lm75", 0x2au8);
    vitals_embedded::uinfo!("temperature {} mC", reading);
    vitals_embedded::uwarn!(target: "sensor", "{} at {:?} code {:x}", name, Some(3u8), code);
    vitals_embedded::uerror!("literal only");
    vitals_embedded::ulog!(Level::Critical, "{}{}", u64::MAX, i64::MIN);
    vitals_embedded::udebug!("filtered out at INFO: {}", unreachable_value());
    let long = "x".repeat(MAX_MESSAGE_LEN + 10);
    vitals_embedded::uinfo!("{}", long.as_str());

    let got = messages();
    assert_eq!(got[0], (Level::Info, format!("temperature {reading} mC"), false));
    assert_eq!(got[1], (Level::Warn, format!("{name} at {:?} code {code:x}", Some(3u8)), false));
    assert_eq!(got[2], (Level::Error, "literal only".to_owned(), false));
    assert_eq!(got[3], (Level::Critical, format!("{}{}", u64::MAX, i64::MIN), false));
    assert_eq!(got[4].1.len(), MAX_MESSAGE_LEN);
    assert!(got[4].2, "a cut message is flagged");
    assert_eq!(got.len(), 5);
}

fn unreachable_value() -> u8 {
    panic!("a filtered-out call must not evaluate its arguments")
}
