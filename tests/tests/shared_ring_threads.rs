//! The shared ring under N producer threads and concurrent readers, with
//! exact accounting: every entry a producer offered is read exactly once,
//! whole, in its producer's order, or counted (as filtered, refused, or
//! lost to a reader); sequence numbers only go up; and the gaps a reader
//! sees add up to what the ring reported, entry for entry.
//!
//! The global level filter (an `AtomicU8`) and a `RingLogger`'s spec are
//! changed while the producers run, so `cargo xtask test` can run this file
//! under ThreadSanitizer (`-Zsanitizer=thread`, std rebuilt with it) and see
//! every cross-thread access the core makes. `SharedRing` itself has no
//! lock-free parts: every operation runs inside `critical_section::with`,
//! which on `std` is one global mutex.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::thread;

use vitals_core::{
    enabled, set_max_level, Cursor, Entry, EntryKind, Event, Level, LevelFilter, Policy, RingLogger,
    SharedRing, StdClock,
};

const PRODUCERS: usize = 4;
/// Pushes per producer: enough for the 16 KiB ring to wrap hundreds of
/// times, few enough for ThreadSanitizer (which runs ~10× slower).
const PER_PRODUCER: usize = 20_000;
const RING_BYTES: usize = 16 * 1024;

/// The message producer `p` writes as its `i`-th entry: thread id, counter,
/// a length that varies (so records straddle the wrap point everywhere),
/// and a trailer that repeats both, so a torn or spliced record shows.
fn message(p: usize, i: usize) -> String {
    format!("t{p} c{i} {} /t{p}c{i}", "x".repeat((i * 13 + p * 7) % 97))
}

/// Parses and checks a message: (producer, counter) if it is exactly what
/// that producer wrote, a panic naming the bytes otherwise.
fn parse(bytes: &[u8]) -> (usize, usize) {
    let text =
        std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("torn entry (not UTF-8, {e}): {bytes:?}"));
    let parsed = (|| {
        let rest = text.strip_prefix('t')?;
        let (p, rest) = rest.split_once(" c")?;
        let (i, _) = rest.split_once(' ')?;
        Some((p.parse().ok()?, i.parse().ok()?))
    })();
    let Some((p, i)) = parsed else { panic!("torn entry {text:?}") };
    assert!(p < PRODUCERS && i < PER_PRODUCER, "entry from nowhere {text:?}");
    assert_eq!(text, message(p, i), "torn entry");
    (p, i)
}

/// What one reader saw.
#[derive(Debug, Default)]
struct Seen {
    /// Log entries read.
    logs: u64,
    /// `Dropped` events read, and the counts they carried.
    dropped_events: u64,
    dropped_counts: u64,
    /// Entries the reader's cursor reported lost (overwritten, or taken by
    /// a drainer, before it got there).
    lost: u64,
    /// The sequence number the next entry must have (plus the count, for a
    /// `Dropped` event, which owns the numbers of what it reports).
    next_seq: u64,
    /// Per producer: the counter of the last entry read.
    last: [Option<usize>; PRODUCERS],
    /// Per producer and counter: read or not.
    read: Vec<Vec<bool>>,
}

impl Seen {
    fn new() -> Self {
        Seen { read: vec![vec![false; PER_PRODUCER]; PRODUCERS], ..Seen::default() }
    }

    /// Books entries a cursor says it missed: they own the next numbers.
    fn missed(&mut self, lost: u64) {
        self.lost += lost;
        self.next_seq += lost;
    }

    /// Checks and books one entry. Its sequence number is exactly the one
    /// expected: no number repeats, and none is skipped unless a `Dropped`
    /// event or the cursor's loss count says so.
    fn entry(&mut self, entry: &Entry<'_>) {
        let owned = match entry.kind {
            EntryKind::Event(Event::Dropped { count }) => count,
            _ => 0,
        };
        assert_eq!(
            entry.seq,
            self.next_seq + owned,
            "sequence number out of step (repeated, reordered, or a gap nobody reported): {:?}",
            entry.kind
        );
        self.next_seq = entry.seq + 1;
        match entry.kind {
            EntryKind::Log(log) => {
                let (p, i) = parse(log.message);
                assert!(!self.read[p][i], "t{p} c{i} read twice");
                assert!(self.last[p].is_none_or(|last| i > last), "t{p} c{i} after c{:?}", self.last[p]);
                self.read[p][i] = true;
                self.last[p] = Some(i);
                self.logs += 1;
            }
            EntryKind::Event(Event::Dropped { count }) => {
                self.dropped_events += 1;
                self.dropped_counts += count;
            }
            other => panic!("unexpected entry {other:?}"),
        }
    }

    /// Every sequence number below the reader's position is an entry read,
    /// a refusal a `Dropped` event reported, or a loss the cursor reported.
    fn check(&self, ring_next_seq: u64) {
        assert_eq!(self.next_seq, ring_next_seq, "reader did not reach the end: {self:?}");
        assert_eq!(
            self.logs + self.dropped_events + self.dropped_counts + self.lost,
            self.next_seq,
            "every sequence number read or counted"
        );
    }
}

/// What one producer did with its entries.
#[derive(Debug, Default)]
struct Offered {
    /// Per counter: stored (`Some(true)`), refused (`Some(false)`), filtered (`None`).
    outcome: Vec<Option<bool>>,
}

impl Offered {
    fn stored(&self) -> u64 {
        self.outcome.iter().filter(|o| **o == Some(true)).count() as u64
    }

    fn refused(&self) -> u64 {
        self.outcome.iter().filter(|o| **o == Some(false)).count() as u64
    }
}

/// Producer `p`: odd counters at DEBUG, even ones at INFO, each pushed only
/// if the global filter lets its level through at that moment.
fn produce(ring: &SharedRing<Vec<u8>>, p: usize) -> Offered {
    let mut outcome = Vec::with_capacity(PER_PRODUCER);
    for i in 0..PER_PRODUCER {
        let level = if i % 2 == 0 { Level::Info } else { Level::Debug };
        if !enabled(level) {
            outcome.push(None);
            continue;
        }
        outcome.push(Some(ring.push_log(i as u64, level, b"hammer", message(p, i).as_bytes()).is_ok()));
    }
    Offered { outcome }
}

/// Flips the global filter between DEBUG and INFO until `done`.
fn toggle_filter(done: &AtomicBool) {
    let mut verbose = false;
    while !done.load(Ordering::Acquire) {
        verbose = !verbose;
        set_max_level(if verbose { LevelFilter::Debug } else { LevelFilter::Info });
        thread::yield_now();
    }
    set_max_level(LevelFilter::Debug);
}

/// A cursor reader: reads in short critical sections until `done`, then
/// once more to the end.
fn read_until<B: AsRef<[u8]> + AsMut<[u8]>>(
    ring: &SharedRing<B>,
    start: &Barrier,
    done: &AtomicBool,
) -> Seen {
    let mut seen = Seen::new();
    start.wait();
    let mut cursor = Cursor::new();
    loop {
        let finished = done.load(Ordering::Acquire);
        // One short critical section per pass, like an exporter.
        ring.with(|r| {
            let mut reader = r.read(&mut cursor);
            seen.missed(reader.lost());
            for entry in reader.by_ref() {
                seen.entry(&entry);
            }
        });
        assert_eq!(cursor.next_seq(), seen.next_seq, "cursor and entries read disagree");
        if finished {
            break;
        }
        thread::yield_now();
    }
    seen
}

#[test]
fn overwrite_oldest_every_entry_read_once_or_counted_lost() {
    let ring = SharedRing::new(vec![0u8; RING_BYTES], Policy::OverwriteOldest);
    let done = AtomicBool::new(false);
    // Everyone starts together, so the readers really race the producers.
    let start = Barrier::new(PRODUCERS + 2 + 1);
    let (offered, seen) = thread::scope(|s| {
        let filter = s.spawn(|| toggle_filter(&done));
        let readers: Vec<_> = (0..2).map(|_| s.spawn(|| read_until(&ring, &start, &done))).collect();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let (ring, start) = (&ring, &start);
                s.spawn(move || {
                    start.wait();
                    produce(ring, p)
                })
            })
            .collect();
        start.wait();
        let offered: Vec<Offered> = producers.into_iter().map(|p| p.join().unwrap()).collect();
        done.store(true, Ordering::Release);
        filter.join().unwrap();
        (offered, readers.into_iter().map(|r| r.join().unwrap()).collect::<Vec<Seen>>())
    });
    let stats = ring.stats();
    let stored: u64 = offered.iter().map(Offered::stored).sum();
    assert_eq!(offered.iter().map(Offered::refused).sum::<u64>(), 0, "overwrite mode refuses nothing");
    assert_eq!(stats.next_seq, stored, "one sequence number per stored entry");
    assert_eq!(u64::from(stats.written_at(Level::Info) + stats.written_at(Level::Debug)), stored);
    assert!(stats.overwritten_total() > 0, "the ring never wrapped: the test is too small");
    for reader in &seen {
        reader.check(stats.next_seq);
        assert!(reader.logs > 0, "{reader:?}");
        assert_eq!(reader.dropped_events, 0);
        // What was read was stored, by the producer that says so.
        for (p, offered) in offered.iter().enumerate() {
            for (i, read) in reader.read[p].iter().enumerate() {
                assert!(!read || offered.outcome[i] == Some(true), "t{p} c{i} read but never stored");
            }
        }
        // Whatever was not read was stored and then overwritten before the
        // reader got there: the count is exact.
        assert_eq!(reader.logs + reader.lost, stored, "{reader:?}");
    }
    ring.with(|r| r.validate()).expect("ring consistent after the storm");
}

#[test]
fn drop_newest_drained_every_entry_read_once_or_refused_and_reported() {
    let ring = SharedRing::new(vec![0u8; RING_BYTES], Policy::DropNewest);
    let done = AtomicBool::new(false);
    let start = Barrier::new(PRODUCERS + 2 + 1);
    let (offered, drained, watcher) = thread::scope(|s| {
        let filter = s.spawn(|| toggle_filter(&done));
        // A cursor reader beside the drainer: it sees entries the drainer
        // took first as lost, never twice.
        let watcher = s.spawn(|| read_until(&ring, &start, &done));
        let drainer = s.spawn(|| {
            let mut seen = Seen::new();
            start.wait();
            loop {
                let finished = done.load(Ordering::Acquire);
                // A few entries per critical section, like a UART drain.
                while ring.with(|r| (0..32).filter_map(|_| r.pop_with(|e| seen.entry(&e))).count()) > 0 {}
                if finished {
                    break;
                }
                thread::yield_now();
            }
            seen
        });
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let (ring, start) = (&ring, &start);
                s.spawn(move || {
                    start.wait();
                    produce(ring, p)
                })
            })
            .collect();
        start.wait();
        let offered: Vec<Offered> = producers.into_iter().map(|p| p.join().unwrap()).collect();
        done.store(true, Ordering::Release);
        filter.join().unwrap();
        (offered, drainer.join().unwrap(), watcher.join().unwrap())
    });
    // One more entry after the drain writes the `Dropped` event for any
    // refusals still pending (there is room now).
    let pending = ring.stats().pending_dropped;
    ring.push_event(0, MARKER).expect("room after the drain");
    let mut tail = Seen::new();
    tail.next_seq = drained.next_seq;
    let mut marker = false;
    ring.with(|r| {
        r.drain(|e| match e.kind {
            EntryKind::Event(event) if event == MARKER => marker = true,
            _ => tail.entry(&e),
        })
    });
    assert!(marker, "marker entry missing");
    assert_eq!(tail.dropped_counts, pending, "the pending refusals are reported by one Dropped event");

    let stats = ring.stats();
    let stored: u64 = offered.iter().map(Offered::stored).sum();
    let refused: u64 = offered.iter().map(Offered::refused).sum();
    assert!(refused > 0, "the ring never filled: the test is too small");
    assert_eq!(stats.pending_dropped, 0);
    assert_eq!(u64::from(stats.dropped_at(Level::Info) + stats.dropped_at(Level::Debug)), refused);
    // The drainer owns the ring's contents: nothing it did not take is
    // gone, so it read exactly the stored entries and every refusal came
    // back as a Dropped count.
    assert_eq!(drained.lost, 0);
    assert_eq!(drained.logs, stored, "drained logs vs stored");
    assert_eq!(drained.dropped_counts + tail.dropped_counts, refused, "Dropped counts vs refused pushes");
    assert_eq!(tail.next_seq, stored + refused + drained.dropped_events + tail.dropped_events);
    for (p, offered) in offered.iter().enumerate() {
        for (i, outcome) in offered.outcome.iter().enumerate() {
            assert_eq!(drained.read[p][i], *outcome == Some(true), "t{p} c{i}: {outcome:?}");
        }
    }
    // The watcher's view: everything it did not read, it was told it lost.
    assert_eq!(watcher.next_seq, drained.next_seq, "the watcher read to where the drainer stopped");
    assert_eq!(
        watcher.logs + watcher.dropped_events + watcher.dropped_counts + watcher.lost,
        watcher.next_seq
    );
    for (p, offered) in offered.iter().enumerate() {
        for (i, read) in watcher.read[p].iter().enumerate() {
            assert!(!read || offered.outcome[i] == Some(true), "t{p} c{i} watched but never stored");
        }
    }
    ring.with(|r| r.validate()).expect("ring consistent after the storm");
}

/// The entry that marks the end of the drop-newest run.
const MARKER: Event = Event::Anchor { unix_us: 42 };

static LOG_RING: SharedRing<[u8; RING_BYTES]> = SharedRing::new([0; RING_BYTES], Policy::OverwriteOldest);

/// `log::info!`/`log::debug!` from many threads through the core's
/// `RingLogger` while another thread swaps its spec (the per-target table in
/// a critical section, an `AtomicBool`, the global `AtomicU8` filter and the
/// `log` crate's own max level).
#[test]
fn ring_logger_under_concurrent_spec_changes() {
    let logger: &'static RingLogger<[u8; RING_BYTES], StdClock> =
        Box::leak(Box::new(RingLogger::new(&LOG_RING, StdClock::new())));
    logger.install(LevelFilter::Debug).expect("the only logger in this test binary");
    let done = AtomicBool::new(false);
    let (seen, respecs) = thread::scope(|s| {
        let spec = s.spawn(|| {
            let mut n = 0u64;
            while !done.load(Ordering::Acquire) {
                let spec = ["debug", "info,hammer=debug", "info", "warn,hammer=trace"][n as usize % 4];
                logger.set_spec(spec).expect("valid spec");
                n += 1;
                thread::yield_now();
            }
            n
        });
        let reader = s.spawn(|| read_until(&LOG_RING, &Barrier::new(1), &done));
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                s.spawn(move || {
                    for i in 0..PER_PRODUCER / 4 {
                        let text = message(p, i);
                        if i % 2 == 0 {
                            log::info!(target: "hammer", "{text}");
                        } else {
                            log::debug!(target: "hammer::deep", "{text}");
                        }
                    }
                })
            })
            .collect();
        for p in producers {
            p.join().unwrap();
        }
        done.store(true, Ordering::Release);
        (reader.join().unwrap(), spec.join().unwrap())
    });
    assert!(respecs > 0);
    let stats = LOG_RING.stats();
    seen.check(stats.next_seq);
    assert_eq!(stats.dropped_total(), 0);
    assert_eq!(stats.next_seq, stats.written_total());
    assert_eq!(seen.logs + seen.lost, stats.written_total(), "{seen:?}");
    assert!(seen.logs > 0);
}
