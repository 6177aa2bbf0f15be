//! The shared ring under concurrent producers and cursor readers: no torn or
//! duplicated entry, strictly increasing sequence numbers per reader, and
//! every entry either read or accounted for as lost.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use vitals_core::{Cursor, EntryKind, Event, Level, Policy, SharedRing};

const PRODUCERS: usize = 4;
const PER_PRODUCER: usize = 5_000;

fn hammer(ring: &'static SharedRing<Vec<u8>>) {
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let done = Arc::clone(&done);
            thread::spawn(move || {
                let mut cursor = Cursor::new();
                let (mut read, mut lost, mut last) = (0u64, 0u64, None::<u64>);
                loop {
                    let finished = done.load(Ordering::Acquire);
                    lost += ring.read_with(&mut cursor, |entry| {
                        assert!(last.is_none_or(|l| entry.seq > l), "sequence went back");
                        last = Some(entry.seq);
                        match entry.kind {
                            EntryKind::Log(log) => {
                                // An untorn message: "p<producer> <i>" with a matching checksum suffix.
                                let text = std::str::from_utf8(log.message).unwrap();
                                let (body, sum) = text.rsplit_once('#').unwrap();
                                assert_eq!(body.len().to_string(), sum, "torn entry {text:?}");
                                read += 1;
                            }
                            EntryKind::Event(Event::Dropped { count }) => lost += count,
                            other => panic!("unexpected {other:?}"),
                        }
                    });
                    if finished {
                        break;
                    }
                    thread::yield_now();
                }
                (read, lost, cursor.next_seq())
            })
        })
        .collect();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            thread::spawn(move || {
                for i in 0..PER_PRODUCER {
                    let body = format!("p{p} {i} {}", "x".repeat(i % 40));
                    let message = format!("{body}#{}", body.len());
                    let _ = ring.push_log(i as u64, Level::Info, b"hammer", message.as_bytes());
                }
            })
        })
        .collect();
    for p in producers {
        p.join().unwrap();
    }
    done.store(true, Ordering::Release);
    let total = (PRODUCERS * PER_PRODUCER) as u64;
    let stats = ring.stats();
    assert_eq!(stats.written_total() + stats.dropped_total(), total + stats.events().0 as u64);
    for reader in readers {
        let (read, lost, next_seq) = reader.join().unwrap();
        // Every sequence number below the reader's position was either read or lost.
        assert_eq!(read + lost, next_seq - stats.events().0 as u64, "read {read} lost {lost}");
        assert_eq!(next_seq, stats.next_seq);
    }
}

#[test]
fn overwrite_oldest_under_contention() {
    let ring: &'static SharedRing<Vec<u8>> =
        Box::leak(Box::new(SharedRing::new(vec![0; 8192], Policy::OverwriteOldest)));
    hammer(ring);
}

#[test]
fn drop_newest_under_contention() {
    let ring: &'static SharedRing<Vec<u8>> =
        Box::leak(Box::new(SharedRing::new(vec![0; 8192], Policy::DropNewest)));
    // Readers don't drain in drop-newest mode, so most entries are refused and counted.
    hammer(ring);
    assert!(ring.stats().dropped_total() > 0);
}
