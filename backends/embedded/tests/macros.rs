//! The logging macros: filtered levels cost nothing (their arguments are
//! not evaluated), enabled ones format on the stack into the installed ring.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use vitals_embedded::vitals_core::{set_max_level, MAX_MESSAGE_LEN};
use vitals_embedded::{global_ring, install, uninstall, CounterClock, EntryKind, Level, LevelFilter};

global_ring!(VITALS, 8192);
static CLOCK: CounterClock = CounterClock::new();

/// The filter and the installed ring are process-wide: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn setup(filter: LevelFilter) -> std::sync::MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    set_max_level(filter);
    install(&VITALS, &CLOCK);
    VITALS.with(|ring| ring.clear());
    guard
}

/// (level, target, message, truncated) of every log record.
fn records() -> Vec<(Level, String, String, bool)> {
    VITALS.with(|ring| {
        ring.iter()
            .filter_map(|e| match e.kind {
                EntryKind::Log(log) => Some((
                    log.level,
                    String::from_utf8_lossy(log.target).into_owned(),
                    String::from_utf8_lossy(log.message).into_owned(),
                    log.truncated,
                )),
                _ => None,
            })
            .collect()
    })
}

static EVALUATED: AtomicUsize = AtomicUsize::new(0);

fn side_effect() -> usize {
    EVALUATED.fetch_add(1, Ordering::SeqCst)
}

#[test]
fn filtered_levels_do_not_evaluate_arguments() {
    let _serial = setup(LevelFilter::Warn);
    EVALUATED.store(0, Ordering::SeqCst);
    vitals_embedded::trace!("{}", side_effect());
    vitals_embedded::debug!("{}", side_effect());
    vitals_embedded::info!("{}", side_effect());
    vitals_embedded::log!(Level::Info, "{}", side_effect());
    assert_eq!(EVALUATED.load(Ordering::SeqCst), 0, "no argument of a filtered call ran");
    assert!(records().is_empty());

    vitals_embedded::warn!("{}", side_effect());
    vitals_embedded::error!("{}", side_effect());
    vitals_embedded::critical!("{}", side_effect());
    assert_eq!(EVALUATED.load(Ordering::SeqCst), 3);
    let levels: Vec<Level> = records().into_iter().map(|r| r.0).collect();
    assert_eq!(levels, [Level::Warn, Level::Error, Level::Critical]);
}

#[test]
fn every_macro_writes_its_level_target_and_message() {
    let _serial = setup(LevelFilter::Trace);
    vitals_embedded::trace!("t {}", 1);
    vitals_embedded::debug!("d {:.2}", 2.5);
    vitals_embedded::info!("literal, no formatting");
    vitals_embedded::warn!(target: "net", "w {:?}", [1, 2]);
    vitals_embedded::error!(target: "net::tcp", "e");
    vitals_embedded::critical!("c {x}", x = 'x');
    let level = Level::Info;
    vitals_embedded::log!(target: "dyn", level, "runtime level");
    let here = module_path!().to_string();
    assert_eq!(
        records(),
        [
            (Level::Trace, here.clone(), "t 1".into(), false),
            (Level::Debug, here.clone(), "d 2.50".into(), false),
            (Level::Info, here.clone(), "literal, no formatting".into(), false),
            (Level::Warn, "net".into(), "w [1, 2]".into(), false),
            (Level::Error, "net::tcp".into(), "e".into(), false),
            (Level::Critical, here, "c x".into(), false),
            (Level::Info, "dyn".into(), "runtime level".into(), false),
        ]
    );
    // Timestamps come from the installed clock: strictly increasing here.
    let stamps: Vec<u64> = VITALS.with(|r| r.iter().map(|e| e.timestamp_us).collect());
    assert!(stamps.windows(2).all(|w| w[0] < w[1]), "{stamps:?}");
}

#[test]
fn long_messages_are_cut_and_flagged() {
    let _serial = setup(LevelFilter::Info);
    let long = "é".repeat(MAX_MESSAGE_LEN); // 2 bytes each: twice too long
    vitals_embedded::info!("{long}");
    let long_target = "t".repeat(100);
    vitals_embedded::info!(target: &long_target, "short");
    let records = records();
    assert_eq!(records[0].2.len(), MAX_MESSAGE_LEN, "cut at a character boundary");
    assert!(records[0].3);
    assert_eq!(records[1].1.len(), vitals_embedded::vitals_core::MAX_TARGET_LEN);
    assert!(records[1].3);
    assert_eq!(VITALS.stats().truncated, 2);
}

#[test]
fn without_an_installed_ring_nothing_is_formatted() {
    let _serial = setup(LevelFilter::Trace);
    uninstall();
    struct Loud;
    impl std::fmt::Display for Loud {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            panic!("formatted without a ring to write to")
        }
    }
    vitals_embedded::error!("{}", Loud);
    install(&VITALS, &CLOCK);
    assert!(records().is_empty());
}
