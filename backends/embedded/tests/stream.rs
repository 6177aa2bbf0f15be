//! `stream_to` over in-memory sinks, decoded back with the core's
//! `Decoder`: round trip, resuming from a sequence number, losses, and
//! write failures that resend.

use std::convert::Infallible;

use embedded_io::ErrorKind;
use vitals_embedded::vitals_core::wire::{Decoded, Decoder, MIN_FRAME_BUFFER};
use vitals_embedded::{stream_to, Cursor, EntryKind, Level, MetricId, Policy, SharedRing, StreamError};

/// A sink that keeps what it is given and can be told to fail.
#[derive(Default)]
struct Sink {
    bytes: Vec<u8>,
    /// Accept this many more bytes, then fail (None: never fail).
    budget: Option<usize>,
    /// Fail with a zero-byte write instead of an error.
    zero: bool,
    /// Largest chunk per `write` call, to exercise partial writes.
    chunk: usize,
}

impl embedded_io::ErrorType for Sink {
    type Error = ErrorKind;
}

impl embedded_io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        let mut n = buf.len().min(self.chunk.max(1));
        if let Some(budget) = &mut self.budget {
            if *budget == 0 {
                return if self.zero { Ok(0) } else { Err(ErrorKind::BrokenPipe) };
            }
            n = n.min(*budget);
            *budget -= n;
        }
        self.bytes.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

fn sink() -> Sink {
    Sink { chunk: 7, ..Sink::default() }
}

/// Decodes a byte stream into (seq, message or metric value) plus gaps.
fn decode(bytes: &[u8]) -> (Vec<(u64, String)>, u64, u64) {
    let mut decoder = Decoder::new();
    let mut entries = Vec::new();
    let mut gaps = 0;
    decoder.feed(bytes, |item| match item {
        Decoded::Entry { entry, .. } => entries.push((
            entry.seq,
            match entry.kind {
                EntryKind::Log(log) => String::from_utf8_lossy(log.message).into_owned(),
                EntryKind::Metric(s) => format!("{}", s.value),
                _ => "event".into(),
            },
        )),
        Decoded::Gap { lost } => gaps += lost,
        Decoded::Skipped { .. } => {}
    });
    (entries, gaps, decoder.stats().bad_frames)
}

fn ring_with(n: u64) -> SharedRing<[u8; 4096]> {
    let ring = SharedRing::new([0; 4096], Policy::OverwriteOldest);
    for i in 0..n {
        if i % 3 == 0 {
            ring.push_metric(i * 10, MetricId::CPU_USAGE.series(), i as f64).unwrap();
        } else {
            ring.push_log(i * 10, Level::Info, b"app", format!("message {i}").as_bytes()).unwrap();
        }
    }
    ring
}

#[test]
fn round_trip_in_several_frames() {
    let ring = ring_with(40);
    let mut out = sink();
    let mut cursor = Cursor::new();
    let mut scratch = [0u8; 256]; // small: several frames
    let sent = stream_to(&ring, &mut cursor, &mut out, &mut scratch).unwrap();
    assert_eq!(sent.entries, 40);
    assert!(sent.frames > 1, "{sent:?}");
    assert_eq!(sent.bytes, out.bytes.len());
    assert_eq!(sent.lost, 0);
    assert_eq!(out.bytes[0], 0, "a call starts with a delimiter");
    assert_eq!(cursor.next_seq(), 40);

    let (entries, gaps, bad) = decode(&out.bytes);
    assert_eq!((gaps, bad), (0, 0));
    let seqs: Vec<u64> = entries.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(seqs, (0..40).collect::<Vec<_>>());
    assert_eq!(entries[4].1, "message 4");
    assert_eq!(entries[3].1, "3");

    // Nothing new: nothing written, not even a delimiter.
    let again = stream_to(&ring, &mut cursor, &mut out, &mut scratch).unwrap();
    assert_eq!(again, Default::default());
}

#[test]
fn resumes_from_a_sequence_number() {
    let ring = ring_with(20);
    let mut out = sink();
    let mut cursor = Cursor::since(15);
    let mut scratch = [0u8; MIN_FRAME_BUFFER + 1];
    let sent = stream_to(&ring, &mut cursor, &mut out, &mut scratch).unwrap();
    assert_eq!(sent.entries, 5);
    let (entries, _, _) = decode(&out.bytes);
    assert_eq!(entries.first().map(|e| e.0), Some(15));

    // New entries later go out from where the cursor stopped.
    ring.push_log(1_000, Level::Warn, b"app", b"later").unwrap();
    let more = stream_to(&ring, &mut cursor, &mut out, &mut scratch).unwrap();
    assert_eq!(more.entries, 1);
    let (entries, gaps, _) = decode(&out.bytes);
    assert_eq!(entries.last(), Some(&(20, "later".to_string())));
    assert_eq!(gaps, 0);
}

#[test]
fn overwritten_entries_are_counted_lost() {
    let ring: SharedRing<[u8; 256]> = SharedRing::new([0; 256], Policy::OverwriteOldest);
    for i in 0..50u64 {
        ring.push_log(i, Level::Info, b"app", b"filling the small ring").unwrap();
    }
    let first = ring.with(|r| r.first_seq());
    let mut out = sink();
    let mut cursor = Cursor::new();
    let sent = stream_to(&ring, &mut cursor, &mut out, &mut [0u8; 512]).unwrap();
    assert_eq!(sent.lost, first);
    assert_eq!(sent.entries as u64, 50 - first);
}

#[test]
fn entries_larger_than_scratch_are_skipped_not_stalled() {
    let ring: SharedRing<[u8; 2048]> = SharedRing::new([0; 2048], Policy::OverwriteOldest);
    ring.push_log(0, Level::Info, b"app", b"small").unwrap();
    ring.push_log(1, Level::Info, b"app", &[b'x'; 400]).unwrap();
    ring.push_log(2, Level::Info, b"app", b"small again").unwrap();
    let mut out = sink();
    let mut cursor = Cursor::new();
    let sent = stream_to(&ring, &mut cursor, &mut out, &mut [0u8; 128]).unwrap();
    assert_eq!((sent.entries, sent.lost), (2, 1));
    let (entries, gaps, bad) = decode(&out.bytes);
    assert_eq!(entries.iter().map(|e| e.0).collect::<Vec<_>>(), [0, 2]);
    assert_eq!((gaps, bad), (1, 0));
}

#[test]
fn write_error_puts_the_cursor_back_and_the_next_call_resends() {
    let ring = ring_with(30);
    let mut scratch = [0u8; 200];
    let mut cursor = Cursor::new();
    // The sink dies in the middle of the second frame.
    let mut out = Sink { budget: Some(300), chunk: 64, ..Sink::default() };
    let error = stream_to(&ring, &mut cursor, &mut out, &mut scratch).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BrokenPipe);
    let sent = error.sent();
    assert!(sent.frames >= 1);
    assert_eq!(cursor.next_seq(), sent.entries as u64, "cursor after the last whole frame");
    assert!(error.to_string().contains("resends"), "{error}");

    // The sink recovers; the receiver saw a cut frame, then the rest.
    out.budget = None;
    let rest = stream_to(&ring, &mut cursor, &mut out, &mut scratch).unwrap();
    assert_eq!(sent.entries + rest.entries, 30);
    let (entries, gaps, bad) = decode(&out.bytes);
    assert_eq!(entries.iter().map(|e| e.0).collect::<Vec<_>>(), (0..30).collect::<Vec<_>>());
    assert_eq!(gaps, 0);
    assert_eq!(bad, 1, "only the frame cut short is lost to the decoder");
}

#[test]
fn zero_byte_write_is_write_zero() {
    let ring = ring_with(3);
    let mut out = Sink { budget: Some(0), zero: true, chunk: 16, ..Sink::default() };
    let mut cursor = Cursor::new();
    let error = stream_to(&ring, &mut cursor, &mut out, &mut [0u8; 256]).unwrap_err();
    assert!(matches!(error, StreamError::WriteZero { .. }));
    assert_eq!(error.kind(), ErrorKind::WriteZero);
    assert_eq!(cursor.next_seq(), 0);
}

#[test]
fn infallible_sink_and_smallest_scratch() {
    struct Never;
    impl embedded_io::ErrorType for Never {
        type Error = Infallible;
    }
    impl embedded_io::Write for Never {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> Result<(), Infallible> {
            Ok(())
        }
    }
    let ring = ring_with(5);
    let sent = stream_to(&ring, &mut Cursor::new(), &mut Never, &mut [0u8; 64]).unwrap();
    assert_eq!(sent.entries, 5);
}
