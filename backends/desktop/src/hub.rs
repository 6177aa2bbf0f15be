//! The hub: one shared ring that every producer writes to, and the writer
//! that carries its entries to the sinks in order.
//!
//! Producers (the `log` facade, the sampler, threshold rules) only push into
//! the ring, which never blocks them for longer than one copy. [`Hub::flush`]
//! moves everything new from the ring to the sinks; it runs on a background
//! thread every `flush_interval`, and at once, on the calling thread, for
//! WARN and above, so those lines are in the file before `log::warn!` returns.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use vitals_core::{
    Clock, Cursor, Event, LatestValues, Policy, Rule, RuleError, Rules, Series, SharedRing, StdClock,
};

use crate::sink::Sink;
use crate::Names;

/// Series the hub keeps a latest value of, for `/metrics` and the monitor.
pub const MAX_SERIES: usize = 512;
/// Bytes of ring records a flush copies out per critical section.
const BATCH_BYTES: usize = 64 * 1024;
/// Threshold rules a hub holds.
pub const MAX_RULES: usize = 64;

/// How a [`Hub`] is built.
#[derive(Clone, Debug)]
pub struct HubConfig {
    /// Bytes of the shared ring.
    pub ring_bytes: usize,
    /// What a full ring does.
    pub policy: Policy,
}

impl Default for HubConfig {
    fn default() -> Self {
        HubConfig { ring_bytes: 1 << 20, policy: Policy::OverwriteOldest }
    }
}

struct Writer {
    cursor: Cursor,
    sinks: Vec<Box<dyn Sink>>,
    /// Sink names that are currently failing: report once, then again on recovery.
    failing: Vec<String>,
    /// Records copied out of the ring, formatted outside its critical section.
    batch: Vec<u8>,
}

/// The shared state of a Vitals process: ring, clock, names, latest values,
/// rules, and the sinks.
pub struct Hub {
    ring: &'static SharedRing<Vec<u8>>,
    clock: StdClock,
    names: Mutex<Names>,
    latest: Mutex<LatestValues<MAX_SERIES>>,
    rules: Mutex<Rules<MAX_RULES>>,
    writer: Mutex<Writer>,
    sink_errors: AtomicU64,
    lost: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these leaves data that is still valid.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Hub {
    /// A hub with an empty ring of `config.ring_bytes` and no sinks. It lives
    /// for the rest of the process (the ring must be `'static` for the `log`
    /// facade); the anchor to wall-clock time is its first entry.
    pub fn new(config: &HubConfig) -> &'static Hub {
        let ring: &'static SharedRing<Vec<u8>> =
            Box::leak(Box::new(SharedRing::new(vec![0; config.ring_bytes], config.policy)));
        let clock = StdClock::new();
        let _ = ring.push_event(0, Event::Anchor { unix_us: clock.unix_us_at_origin() });
        Box::leak(Box::new(Hub {
            ring,
            clock,
            names: Mutex::new(Names::new()),
            latest: Mutex::new(LatestValues::new()),
            rules: Mutex::new(Rules::new()),
            writer: Mutex::new(Writer {
                cursor: Cursor::new(),
                sinks: Vec::new(),
                failing: Vec::new(),
                batch: vec![0; BATCH_BYTES],
            }),
            sink_errors: AtomicU64::new(0),
            lost: AtomicU64::new(0),
        }))
    }

    /// The shared ring.
    pub fn ring(&self) -> &'static SharedRing<Vec<u8>> {
        self.ring
    }

    /// The hub's clock (µs since the hub was made).
    pub fn clock(&self) -> &StdClock {
        &self.clock
    }

    /// Microseconds on the hub's clock.
    pub fn now_us(&self) -> u64 {
        self.clock.now_us()
    }

    /// Unix µs minus ring µs.
    pub fn anchor(&self) -> i64 {
        self.clock.unix_us_at_origin() as i64
    }

    /// Adds a sink; it receives entries from the next flush on.
    pub fn add_sink(&self, sink: Box<dyn Sink>) {
        lock(&self.writer).sinks.push(sink);
    }

    /// Adds a threshold rule.
    ///
    /// # Errors
    /// [`RuleError`] for a full table or bad thresholds.
    pub fn add_rule(&self, rule: Rule) -> Result<(), RuleError> {
        lock(&self.rules).add(rule)
    }

    /// Runs `f` with the metric names and instance labels.
    pub fn with_names<R>(&self, f: impl FnOnce(&mut Names) -> R) -> R {
        let _busy = Busy::enter();
        f(&mut lock(&self.names))
    }

    /// Flushes now unless this thread is already inside the hub (a `log`
    /// call made while it holds the hub's locks or the ring's critical
    /// section), where waiting would deadlock; then the flusher thread
    /// writes the entries within its interval.
    pub fn flush_if_free(&self) {
        if !Busy::active() {
            self.flush();
        }
    }

    /// Runs `f` with the latest value of every series.
    pub fn with_latest<R>(&self, f: impl FnOnce(&LatestValues<MAX_SERIES>) -> R) -> R {
        f(&lock(&self.latest))
    }

    /// Records a metric sample: into the ring, the latest values, and the
    /// threshold rules (whose alerts go into the ring as log entries).
    /// Returns the number of rule state changes.
    pub fn record(&self, series: Series, value: f64) -> usize {
        let now = self.now_us();
        lock(&self.latest).observe(series, value, now);
        let changes = {
            let _busy = Busy::enter();
            let mut rules = lock(&self.rules);
            let names = lock(&self.names);
            self.ring
                .try_with(|ring| {
                    let _ = ring.push_metric(now, series, value);
                    rules.observe(ring, now, series, value, &*names)
                })
                .unwrap_or(0)
        };
        if changes > 0 {
            // Alerts are WARN and above: in the sinks before this returns.
            self.flush();
        }
        changes
    }

    /// Lines lost before a sink could write them: entries overwritten in the
    /// ring before a flush reached them, and lines a failing sink refused or
    /// threw away (counted once per sink).
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }

    /// Write errors reported by sinks so far.
    pub fn sink_errors(&self) -> u64 {
        self.sink_errors.load(Ordering::Relaxed)
    }

    /// Moves every entry not yet written from the ring to the sinks, in
    /// order, and flushes them. Faults are reported on stderr once per
    /// failing sink (and again when it recovers); entries a sink could not
    /// take are counted in [`Hub::lost`].
    pub fn flush(&self) {
        let _busy = Busy::enter();
        let mut writer = lock(&self.writer);
        let writer = &mut *writer;
        let names = lock(&self.names);
        let names = &*names;
        let mut lost = 0;
        let mut failed_now: Vec<String> = Vec::new();
        let anchor = Some(self.anchor());
        // Copy a batch of records out of the ring, so the critical section
        // (which holds off every producer) stays short. `try_with`: a caller
        // inside `ring().with(..)` gets no flush here (the flusher thread
        // does it) rather than a panic.
        while let Some(batch) =
            self.ring.try_with(|ring| ring.copy_records(&mut writer.cursor, &mut writer.batch))
        {
            lost += batch.lost;
            let Writer { sinks, failing, batch: bytes, .. } = writer;
            for entry in batch.iter(bytes) {
                for sink in sinks.iter_mut() {
                    if let Err(error) = sink.write(&entry, anchor, names) {
                        lost += 1;
                        report(failing, &**sink, &error, &self.sink_errors);
                        let name = sink.describe();
                        if !failed_now.contains(&name) {
                            failed_now.push(name);
                        }
                    }
                }
            }
            if !batch.more {
                break;
            }
        }
        let Writer { sinks, failing, .. } = writer;
        for sink in sinks.iter_mut() {
            let result = sink.flush();
            lost += sink.take_lost();
            match result {
                Ok(()) if !failed_now.contains(&sink.describe()) => recovered(failing, &**sink),
                Ok(()) => {}
                Err(error) => report(failing, &**sink, &error, &self.sink_errors),
            }
        }
        if lost > 0 {
            self.lost.fetch_add(lost, Ordering::Relaxed);
        }
    }

    /// Starts a thread that flushes every `interval`, for the life of the process.
    ///
    /// # Errors
    /// The error of spawning the thread.
    pub fn spawn_flusher(&'static self, interval: Duration) -> io::Result<()> {
        std::thread::Builder::new().name("vitals-flush".into()).spawn(move || loop {
            std::thread::sleep(interval);
            self.flush();
        })?;
        Ok(())
    }
}

/// Marks this thread as inside the hub while alive (see [`Hub::flush_if_free`]).
struct Busy(bool);

thread_local! {
    static IN_HUB: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Busy {
    fn enter() -> Busy {
        Busy(IN_HUB.with(|flag| flag.replace(true)))
    }

    fn active() -> bool {
        IN_HUB.with(std::cell::Cell::get)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        IN_HUB.with(|flag| flag.set(self.0));
    }
}

fn report(failing: &mut Vec<String>, sink: &dyn Sink, error: &io::Error, errors: &AtomicU64) {
    errors.fetch_add(1, Ordering::Relaxed);
    let name = sink.describe();
    if failing.contains(&name) {
        return;
    }
    // What to do depends on what went wrong.
    let fix = match error.kind() {
        io::ErrorKind::NotFound => "Create its directory again",
        io::ErrorKind::StorageFull => "Free space",
        io::ErrorKind::PermissionDenied => "Fix its permissions (or `chattr -i` it)",
        _ => "Free space or fix permissions",
    };
    eprintln!(
        "vitals: cannot write to {name}: {error}. Sampling and the ring go on; \
         lines that cannot be written are counted as lost. {fix}, and writing resumes by itself."
    );
    failing.push(name);
}

fn recovered(failing: &mut Vec<String>, sink: &dyn Sink) {
    let name = sink.describe();
    if let Some(i) = failing.iter().position(|n| *n == name) {
        failing.swap_remove(i);
        eprintln!("vitals: writing to {name} works again");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flush_from_inside_the_hub_does_not_deadlock() {
        let hub = Hub::new(&HubConfig { ring_bytes: 4096, ..HubConfig::default() });
        // As a `log::warn!` made inside these would: it must return.
        hub.with_names(|_| hub.flush_if_free());
        hub.ring().with(|_| hub.flush());
        hub.flush_if_free();
        assert_eq!(hub.lost(), 0);
    }
}
