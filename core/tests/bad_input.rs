//! Bad input, one test each: nothing panics, nothing is silently lost.

use vitals_core::{
    format, EntryKind, Event, LatestValues, Level, LogRecord, MetricId, Policy, PushError, Ring, CATALOG,
    MAX_MESSAGE_LEN, MAX_TARGET_LEN,
};

fn only_log(ring: &Ring<[u8; 4096]>) -> (Vec<u8>, bool) {
    match ring.iter().last().unwrap().kind {
        EntryKind::Log(l) => (l.message.to_vec(), l.truncated),
        other => panic!("expected a log, got {other:?}"),
    }
}

#[test]
fn over_long_message_is_truncated_flagged_and_counted() {
    let mut ring = Ring::new([0u8; 4096], Policy::OverwriteOldest);
    let long = "é".repeat(MAX_MESSAGE_LEN); // 2 bytes each: the cut falls inside a char
    ring.push_log(0, Level::Info, b"t", long.as_bytes()).unwrap();
    let (kept, truncated) = only_log(&ring);
    assert!(truncated);
    assert_eq!(kept.len(), MAX_MESSAGE_LEN);
    assert!(std::str::from_utf8(&kept).is_ok(), "cut at a character boundary");
    assert_eq!(ring.stats().truncated, 1);
    let mut line = String::new();
    format::human(&mut line, &ring.iter().last().unwrap(), None, &CATALOG).unwrap();
    assert!(line.ends_with(" [truncated]"));
}

#[test]
fn over_long_target_given_whole_to_push_is_cut_and_flagged() {
    let mut ring = Ring::new([0u8; 4096], Policy::OverwriteOldest);
    let target = "t".repeat(300); // its length would not fit the one-byte length field
    let message = "m".repeat(MAX_MESSAGE_LEN + 100); // `push` keeps a message whole
    let log = LogRecord {
        level: Level::Warn,
        target: target.as_bytes(),
        message: message.as_bytes(),
        truncated: false,
    };
    ring.push(0, &EntryKind::Log(log)).unwrap();
    assert_eq!(ring.validate(), Ok(()));
    match ring.iter().last().unwrap().kind {
        EntryKind::Log(l) => {
            assert_eq!(l.target.len(), MAX_TARGET_LEN);
            assert_eq!(l.message, message.as_bytes());
            assert!(l.truncated);
        }
        other => panic!("expected a log, got {other:?}"),
    }
    assert_eq!(ring.stats().truncated, 1);
}

#[test]
fn invalid_utf8_is_kept_and_shown_lossily() {
    let mut ring = Ring::new([0u8; 4096], Policy::OverwriteOldest);
    let bytes = b"temp \xff\xfe ok";
    ring.push_log(0, Level::Warn, b"sensor\xc3", bytes).unwrap();
    let (kept, truncated) = only_log(&ring);
    assert_eq!(kept, bytes, "bytes kept exactly as given");
    assert!(!truncated);
    let entry = ring.iter().last().unwrap();
    let mut human = String::new();
    format::human(&mut human, &entry, None, &CATALOG).unwrap();
    assert!(human.ends_with("WARN  sensor\u{fffd}: temp \u{fffd}\u{fffd} ok"), "{human}");
    let mut json = String::new();
    format::json(&mut json, &entry, None, &CATALOG).unwrap();
    assert!(
        json.contains(r#""message":"temp ��� ok""#.replace("���", "\u{fffd}\u{fffd}").as_str()),
        "{json}"
    );
}

#[test]
fn non_finite_values_are_stored_and_rendered() {
    let mut ring = Ring::new([0u8; 4096], Policy::OverwriteOldest);
    let mut latest: LatestValues<8> = LatestValues::new();
    for (metric, value) in [
        (MetricId::CPU_USAGE, f64::NAN),
        (MetricId::MEM_USED, f64::INFINITY),
        (MetricId::TEMPERATURE, f64::NEG_INFINITY),
    ] {
        ring.push_metric(0, metric.series(), value).unwrap();
    }
    for entry in ring.iter() {
        if let EntryKind::Metric(s) = entry.kind {
            latest.observe(s.series, s.value, entry.timestamp_us);
        }
    }
    assert!(latest.get(MetricId::CPU_USAGE.series()).unwrap().value.is_nan());
    let mut text = String::new();
    format::prometheus(&mut text, &latest, &CATALOG).unwrap();
    assert!(text.contains("vitals_cpu_usage_percent NaN\n"), "{text}");
    assert!(text.contains("vitals_memory_used_bytes +Inf\n"), "{text}");
    assert!(text.contains("vitals_hwmon_temp_celsius{sensor=\"0\"} -Inf\n"), "{text}");
    let mut json = String::new();
    format::json(&mut json, &ring.iter().next().unwrap(), None, &CATALOG).unwrap();
    assert!(json.contains(r#""value":"NaN""#), "{json}");
}

#[test]
fn clock_going_backwards_keeps_order_by_sequence() {
    let mut ring = Ring::new([0u8; 4096], Policy::OverwriteOldest);
    for ts in [5_000_000u64, 1_000, 9_000_000, 0, u64::MAX, 3] {
        ring.push_log(ts, Level::Info, b"t", b"tick").unwrap();
    }
    let got: Vec<(u64, u64)> = ring.iter().map(|e| (e.seq, e.timestamp_us)).collect();
    assert_eq!(got, [(0, 5_000_000), (1, 1_000), (2, 9_000_000), (3, 0), (4, u64::MAX), (5, 3)]);
}

#[test]
fn entry_larger_than_the_ring_is_refused_counted_and_reported() {
    let mut ring = Ring::new([0u8; 64], Policy::OverwriteOldest);
    ring.push_log(0, Level::Info, b"t", b"fits").unwrap();
    let err = ring.push_log(1, Level::Error, b"t", &[b'x'; 100]).unwrap_err();
    assert_eq!(err, PushError::TooLarge { needed: 105, capacity: 64 });
    assert!(err.to_string().contains("give the ring more bytes"));
    assert_eq!(ring.stats().dropped_total(), 1);
    assert_eq!(ring.stats().pending_dropped, 1);
    // The next entry that fits is preceded by a Dropped event, and the lost
    // entry owns the sequence number the event skips.
    let seq = ring.push_log(2, Level::Info, b"t", b"after").unwrap();
    let kinds: Vec<(u64, String)> = ring.iter().map(|e| (e.seq, format!("{:?}", e.kind))).collect();
    assert_eq!(kinds[1].0, 2);
    assert!(kinds[1].1.contains("Dropped { count: 1 }"));
    assert_eq!(seq, 3);
    assert_eq!(ring.stats().pending_dropped, 0);
}

#[test]
fn drop_newest_reports_the_loss_once_there_is_room() {
    let mut ring = Ring::new([0u8; 128], Policy::DropNewest);
    let mut refused = 0;
    for i in 0..20 {
        if ring.push_log(i, Level::Debug, b"t", b"0123456789abcdef").is_err() {
            refused += 1;
        }
    }
    assert!(refused > 0);
    assert_eq!(ring.stats().dropped_total(), refused);
    ring.drain(|_| {});
    ring.push_log(100, Level::Info, b"t", b"room again").unwrap();
    let dropped: Vec<u64> = ring
        .iter()
        .filter_map(|e| match e.kind {
            EntryKind::Event(Event::Dropped { count }) => Some(count),
            _ => None,
        })
        .collect();
    assert_eq!(dropped, [refused]);
}

#[test]
fn zero_capacity_ring_refuses_everything_without_panicking() {
    let mut ring = Ring::new([0u8; 0], Policy::OverwriteOldest);
    assert!(ring.push_metric(0, MetricId::CPU_USAGE.series(), 1.0).is_err());
    assert!(ring.iter().next().is_none());
    assert_eq!(ring.pop_with(|e| e.seq), None);
    assert_eq!(ring.stats().fill_percent(), 100.0);
}

#[test]
fn copy_records_skips_what_cannot_fit_and_counts_it() {
    let mut ring = Ring::new([0u8; 4096], Policy::OverwriteOldest);
    ring.push_log(0, Level::Info, b"t", &[b'a'; 300]).unwrap();
    ring.push_log(1, Level::Info, b"t", b"small").unwrap();
    let mut cursor = vitals_core::Cursor::new();
    let mut out = [0u8; 64];
    let batch = ring.copy_records(&mut cursor, &mut out);
    assert_eq!((batch.entries, batch.lost, batch.more), (1, 1, false));
    let entry = batch.iter(&out).next().unwrap();
    assert_eq!((entry.seq, entry.timestamp_us), (1, 1));
    assert_eq!(cursor.next_seq(), 2);
}

#[test]
fn damaged_storage_is_detected_and_never_panics() {
    use vitals_core::Corruption;
    for flip in (0..200usize).step_by(if cfg!(miri) { 17 } else { 1 }) {
        let mut ring = Ring::new(vec![0u8; 200], Policy::OverwriteOldest);
        for i in 0..30u64 {
            let _ = ring.push_log(i, Level::Info, b"t", format!("message {i}").as_bytes());
        }
        assert_eq!(ring.validate(), Ok(()));
        ring.storage_mut()[flip] ^= 0xA5;
        // Whatever the damage, reading, pushing and draining stay panic-free,
        // and a damaged record region is reported unless the flip hit only
        // payload bytes (which the walk cannot tell from real text).
        let verdict = ring.validate();
        assert!(matches!(verdict, Ok(()) | Err(Corruption::Records | Corruption::Sequence)), "{verdict:?}");
        let _ = ring.iter().count();
        let _ = ring.push_log(99, Level::Warn, b"t", b"after damage");
        ring.drain(|_| {});
    }
}

#[test]
fn pushed_dropped_event_keeps_sequence_numbers_consistent() {
    let mut ring = Ring::new(vec![0u8; 256], Policy::OverwriteOldest);
    let mut cursor = vitals_core::Cursor::new();
    ring.push_log(0, Level::Info, b"t", b"a").unwrap();
    let event_seq = ring.push_event(1, Event::Dropped { count: 1000 }).unwrap();
    let b = ring.push_log(2, Level::Info, b"t", b"b").unwrap();
    assert_eq!((event_seq, b), (1001, 1002));
    let seqs: Vec<u64> = ring.read(&mut cursor).map(|e| e.seq).collect();
    assert_eq!(seqs, [0, 1001, 1002]);
    assert_eq!(ring.validate(), Ok(()));
    let c = ring.push_log(3, Level::Info, b"t", b"c").unwrap();
    assert_eq!(ring.read(&mut cursor).map(|e| e.seq).collect::<Vec<_>>(), [c]);
    // Huge counts saturate instead of overflowing.
    let _ = ring.push_event(4, Event::Dropped { count: u64::MAX });
    for i in 0..100 {
        let _ = ring.push_log(5 + i, Level::Info, b"t", b"wrap the ring");
    }
    let _ = ring.iter().count();
}

#[test]
fn cursor_from_the_future_waits_for_its_number() {
    let mut ring = Ring::new(vec![0u8; 256], Policy::OverwriteOldest);
    let mut cursor = vitals_core::Cursor::since(5);
    assert_eq!(ring.read(&mut cursor).count(), 0);
    for i in 0..8u64 {
        ring.push_log(i, Level::Info, b"t", b"x").unwrap();
    }
    let seqs: Vec<u64> = ring.read(&mut cursor).map(|e| e.seq).collect();
    assert_eq!(seqs, [5, 6, 7]);
}
