//! `McuSampler` end to end: uptime, CPU load from an `IdleMeter`, a painted
//! stack, ring fill and losses, and a threshold rule firing on CPU load.

use std::sync::atomic::{AtomicU64, Ordering};

use vitals_embedded::mcu::{paint, IdleMeter, McuSampler};
use vitals_embedded::{EntryKind, FnClock, Level, MetricId, Policy, Rule, SharedRing};

static NOW: AtomicU64 = AtomicU64::new(0);

fn now() -> u64 {
    NOW.load(Ordering::Relaxed)
}

fn set(t: u64) {
    NOW.store(t, Ordering::Relaxed);
}

fn metrics(ring: &SharedRing<[u8; 512]>) -> Vec<(MetricId, f64)> {
    ring.with(|ring| {
        ring.iter()
            .filter_map(|e| match e.kind {
                EntryKind::Metric(s) => Some((s.series.metric, s.value)),
                _ => None,
            })
            .collect()
    })
}

#[test]
fn samples_vitals_and_fires_rules() {
    static IDLE: IdleMeter<FnClock> = IdleMeter::new(FnClock(now));
    let mut stack = [0u32; 128];
    paint(&mut stack);
    stack[100..].fill(1); // 28 words used

    let ring: SharedRing<[u8; 512]> = SharedRing::new([0; 512], Policy::OverwriteOldest);
    let mut sampler: McuSampler<'_, _, 2> = McuSampler::new(FnClock(now)).with_cpu(&IDLE).with_stack(&stack);
    sampler.add_rule(Rule::above(MetricId::CPU_USAGE.series(), 50.0, 90.0, 99.0)).unwrap();

    // 1 s: idle 900 ms of it.
    set(0);
    IDLE.enter_idle();
    set(900_000);
    IDLE.exit_idle();
    set(1_000_000);
    assert_eq!(sampler.sample(&ring), 5);
    let first = metrics(&ring);
    assert_eq!(
        first,
        [
            (MetricId::UPTIME, 1.0),
            (MetricId::CPU_USAGE, 10.0),
            (MetricId::STACK_HIGH_WATER, 112.0),
            (MetricId::RING_USED, 0.0),
            (MetricId::RING_DROPPED, 0.0),
        ]
    );

    // 2 s: never idle → 100 % → CRITICAL crossing.
    set(2_000_000);
    sampler.sample(&ring);
    assert_eq!(sampler.rules().state(MetricId::CPU_USAGE.series()), Some(Level::Critical));
    let critical = ring.with(|r| r.stats().written_at(Level::Critical));
    assert_eq!(critical, 1);

    // Fill the small ring until it overwrites: the losses show up.
    for _ in 0..20 {
        sampler.sample(&ring);
    }
    let dropped = metrics(&ring).iter().rev().find(|m| m.0 == MetricId::RING_DROPPED).map(|m| m.1);
    assert!(dropped.is_some_and(|d| d > 0.0), "{dropped:?}");
}
