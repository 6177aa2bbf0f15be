//! The persistent ring through the public API, as a firmware uses it: taken
//! once from `persistent_ring!`, installed for the macros and the panic
//! recorder, and re-initialised on the same memory to simulate resets.
// A reset ends every borrow of the previous run; the borrow checker cannot
// know that, so each simulated boot re-borrows the memory through a raw pointer.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use vitals_embedded::{
    install, panic, persistent_ring, uninstall, Damage, EntryKind, Event, FnClock, Level, PersistentRing,
    ResetReason,
};

static NOW: AtomicU64 = AtomicU64::new(0);
static CLOCK: FnClock = FnClock(|| NOW.fetch_add(1, Ordering::Relaxed));

fn take() -> Option<&'static mut PersistentRing<2048>> {
    persistent_ring!(2048)
}

/// A new run's only reference to the memory.
fn boot(memory: *mut PersistentRing<2048>) -> &'static mut PersistentRing<2048> {
    uninstall(); // the previous run's references die with it
                 // SAFETY: nothing from the previous "run" is used after this point.
    unsafe { &mut *memory }
}

fn summary(ring: &vitals_embedded::SharedRing<[u8; 2048]>) -> Vec<String> {
    ring.with(|ring| {
        ring.iter()
            .map(|e| match e.kind {
                EntryKind::Log(log) => {
                    format!(
                        "{} {}: {}",
                        log.level.as_str(),
                        String::from_utf8_lossy(log.target),
                        String::from_utf8_lossy(log.message)
                    )
                }
                EntryKind::Event(Event::Boot { reason }) => format!("BOOT {}", reason.as_str()),
                _ => "other".into(),
            })
            .collect()
    })
}

#[test]
fn a_panic_survives_the_reset_that_follows_it() {
    let memory: *mut PersistentRing<2048> = take().expect("first take");
    assert!(take().is_none(), "the static is handed out once");

    // Boot 1: power-on.
    let (ring, boot) = self::boot(memory).init(ResetReason::PowerOn, CLOCK.0());
    assert_eq!(boot.damage, Some(Damage::NoHeader));
    install(ring.sink(), &CLOCK);
    vitals_embedded::warn!(target: "app", "voltage sagging");
    assert!(panic::record_with(None, &format_args!("index {} out of range", 9)));
    // A panic while the ring is locked cannot write, and does not wait.
    assert!(!ring.with(|_| panic::record_with(None, &"inside the lock")));

    // … SCB::sys_reset(). Boot 2: the hardware says "software", the ring knows better.
    let (ring, boot) = self::boot(memory).init(ResetReason::Software, CLOCK.0());
    assert!(boot.recovered);
    assert_eq!(boot.reason, ResetReason::Panic);
    assert_eq!(boot.entries, 4);
    assert_eq!(
        summary(&ring),
        [
            "BOOT power-on",
            format!("INFO vitals: {}", Damage::NoHeader.message()).as_str(),
            "WARN app: voltage sagging",
            "CRITICAL panic: index 9 out of range",
            "BOOT panic",
        ]
    );

    // Boot 3: an ordinary reset after that.
    let (ring, boot) = self::boot(memory).init(ResetReason::Pin, CLOCK.0());
    assert_eq!(boot.reason, ResetReason::Pin);
    assert_eq!(summary(&ring).last().map(String::as_str), Some("BOOT pin"));
    assert_eq!(ring.stats().written_at(Level::Critical), 1);
}
