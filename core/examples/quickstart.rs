//! The core on its own: `log` macros and metric samples in one ring,
//! threshold rules raising alerts, then the ring shown as human lines and
//! exported as wire frames.
//!
//! ```text
//! cargo run --release -p vitals-core --example quickstart --features std,log
//! ```

use vitals_core::wire::{encode_frame, Decoded, Decoder, MAX_FRAME_LEN};
use vitals_core::{
    format, Cursor, Event, LevelFilter, MetricId, Policy, RingLogger, Rule, Rules, SharedRing, StdClock,
    CATALOG,
};

static RING: SharedRing<[u8; 8192]> = SharedRing::new([0; 8192], Policy::OverwriteOldest);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let clock = StdClock::new();
    let logger: &'static RingLogger<_, _> = Box::leak(Box::new(RingLogger::new(&RING, clock)));
    logger.install(LevelFilter::Info)?;
    RING.push_event(0, Event::Anchor { unix_us: clock.unix_us_at_origin() })?;

    let cpu = MetricId::CPU_USAGE.series();
    let mut rules: Rules<4> = Rules::new();
    rules.add(Rule::above(cpu, 80.0, 90.0, 95.0).for_samples(2).hysteresis(5.0))?;

    log::info!(target: "quickstart", "sampling a simulated CPU load");
    for (step, load) in [35.0, 62.5, 84.0, 91.5, 93.0, 97.5, 96.0, 88.0, 60.0, 42.0].into_iter().enumerate() {
        let now = vitals_core::Clock::now_us(&clock);
        RING.with(|ring| {
            let _ = ring.push_metric(now, cpu, load);
            rules.observe(ring, now, cpu, load, &CATALOG);
        });
        log::debug!("step {step} (filtered out: below INFO)");
    }
    log::warn!(target: "quickstart", "done; {} entries in the ring", RING.with(|r| r.len()));

    println!("-- the ring as human lines --");
    let mut cursor = Cursor::new();
    let anchor = RING.with(|ring| ring.anchor());
    RING.read_with(&mut cursor, |entry| {
        let mut line = String::new();
        let _ = format::human(&mut line, &entry, anchor, &CATALOG);
        println!("{line}");
    });

    println!("-- the same ring as wire frames, decoded again --");
    let mut out = [0u8; MAX_FRAME_LEN];
    let mut cursor = Cursor::new();
    let frame = RING.with(|ring| encode_frame(ring, &mut cursor, &mut out));
    let mut decoder = Decoder::new();
    decoder.feed(&out[..frame.bytes], |item| {
        if let Decoded::Entry { entry, anchor } = item {
            let mut line = String::new();
            let _ = format::json(&mut line, &entry, anchor, &CATALOG);
            println!("{line}");
        }
    });
    let stats = RING.stats();
    println!(
        "-- {} bytes on the wire for {} entries; ring {:.0}% full, {} lost --",
        frame.bytes,
        frame.entries,
        stats.fill_percent(),
        stats.lost_total()
    );
    Ok(())
}
