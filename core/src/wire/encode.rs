//! Writing ring contents as frames.

use crate::entry::Description;
use crate::record::{self, MAX_EVENT_RECORD};
use crate::ring::{Cursor, Ring};
use crate::varint;

use super::{checksum, encoded_max, CRC_LEN, FLAG_ANCHOR, MAX_FRAME_LEN, VERSION};

/// What [`encode_frame`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EncodedFrame {
    /// Bytes written to the output, the `0x00` terminator included; 0 when
    /// there was nothing to send.
    pub bytes: usize,
    /// Entries in the frame.
    pub entries: usize,
    /// Entries the cursor missed because they were overwritten first.
    pub lost: u64,
    /// Whether entries after the cursor remain (call again).
    pub more: bool,
}

/// Encodes the entries after `cursor` into one frame in `out`, as many as
/// fit, and advances the cursor past them. Records are copied as they lie
/// in the ring, so this costs little more than a `memcpy` and the CRC.
///
/// `out` should hold at least [`MIN_FRAME_BUFFER`](super::MIN_FRAME_BUFFER)
/// bytes; frames never exceed [`MAX_FRAME_LEN`]. With a smaller buffer an
/// entry that cannot fit even alone is skipped and reported in `lost`, so a
/// stream never stalls.
pub fn encode_frame<B: AsRef<[u8]> + AsMut<[u8]>>(
    ring: &Ring<B>,
    cursor: &mut Cursor,
    out: &mut [u8],
) -> EncodedFrame {
    let limit = out.len().min(MAX_FRAME_LEN);
    let out = out.get_mut(..limit).unwrap_or_default();
    let anchor = ring.anchor();
    let mut reader = ring.read(cursor);
    let lost = reader.lost();
    let mut next = reader.peek_raw();
    let (first_seq, base_ts) = reader.position();

    let mut frame = Frame::new(out);
    frame.header(first_seq, base_ts, anchor);
    if !frame.fits(0) {
        return EncodedFrame::default();
    }
    let mut entries = 0;
    let mut more = false;
    while let Some((raw, header)) = next {
        if frame.fits(raw.len()) {
            frame.push(raw);
            reader.pass(&header);
            entries += 1;
            next = reader.peek_raw();
        } else if entries == 0 {
            // Too big for this buffer even alone: step past it and say so,
            // so the stream never stalls on it.
            reader.pass(&header);
            return EncodedFrame { bytes: 0, entries: 0, lost: lost + 1, more: true };
        } else {
            more = true;
            break;
        }
    }
    if entries == 0 {
        return EncodedFrame { bytes: 0, entries: 0, lost, more: false };
    }
    match frame.finish() {
        Some(bytes) => EncodedFrame { bytes, entries, lost, more },
        // Cannot happen (`fits` allowed for the worst case); if it did, the
        // entries passed are counted lost, never dropped silently.
        _ => EncodedFrame { bytes: 0, entries: 0, lost: lost + entries as u64, more: true },
    }
}

/// Writes [`Description`]s (what custom metrics and instances are called)
/// as frames of description records, without a ring to stage them in:
/// what an export puts beside a ring's frames so a reader shows
/// `browser.fps` rather than `metric#136`. As many go in a frame as fit;
/// each finished frame is handed to `emit`. The records are numbered on
/// from `first_seq` and all carry `timestamp_us`.
///
/// # Example
///
/// ```
/// use vitals_core::wire::{DescriptionFrames, Decoded, Decoder, MAX_FRAME_LEN};
/// use vitals_core::{Description, EntryKind, MetricId, MetricKind, Unit};
///
/// let mut dump = Vec::new();
/// let mut buffer = [0u8; MAX_FRAME_LEN];
/// let mut frames = DescriptionFrames::new(&mut buffer, 7, 1_000, |frame| dump.extend_from_slice(frame));
/// let named = Description::Metric { metric: MetricId(130), name: "app.queue", unit: Unit::None, kind: MetricKind::Gauge };
/// assert!(frames.push(&named));
/// assert_eq!(frames.finish(), 1);
///
/// let mut seen = Vec::new();
/// Decoder::new().feed(&dump, |item| {
///     if let Decoded::Entry { entry, .. } = item {
///         seen.push((entry.seq, entry.timestamp_us, matches!(entry.kind, EntryKind::Describe(d) if d == named)));
///     }
/// });
/// assert_eq!(seen, [(7, 1_000, true)]);
/// ```
pub struct DescriptionFrames<'a, F: FnMut(&[u8])> {
    frame: Frame<'a>,
    emit: F,
    /// The next record's sequence number.
    seq: u64,
    timestamp_us: u64,
    /// Records in the frame being written.
    entries: usize,
    /// Records written into frames handed to `emit`.
    written: usize,
}

impl<'a, F: FnMut(&[u8])> DescriptionFrames<'a, F> {
    /// Frames written into `buffer` (at most [`MAX_FRAME_LEN`] of it is
    /// used; [`MIN_FRAME_BUFFER`](super::MIN_FRAME_BUFFER) holds any
    /// record), records numbered from `first_seq`.
    pub fn new(buffer: &'a mut [u8], first_seq: u64, timestamp_us: u64, emit: F) -> Self {
        let limit = buffer.len().min(MAX_FRAME_LEN);
        let frame = Frame::new(buffer.get_mut(..limit).unwrap_or_default());
        DescriptionFrames { frame, emit, seq: first_seq, timestamp_us, entries: 0, written: 0 }
    }

    /// Adds `description`: false, and nothing written or numbered, when it
    /// breaks the rules in [`Description`] or cannot fit the buffer even in
    /// a frame of its own.
    pub fn push(&mut self, description: &Description<'_>) -> bool {
        if !record::valid_description(description) {
            return false;
        }
        let mut record = [0u8; MAX_EVENT_RECORD];
        let len = record::write_description(&mut record, description, 0);
        let raw = record.get(..len).unwrap_or_default();
        if self.entries > 0 && !self.frame.fits(len) {
            self.flush();
        }
        if self.entries == 0 {
            self.frame.header(self.seq, self.timestamp_us, None);
            if !self.frame.fits(len) {
                self.frame.reset();
                return false;
            }
        }
        self.frame.push(raw);
        self.entries += 1;
        self.seq += 1;
        true
    }

    /// Hands the last frame to `emit`; the records written in all.
    pub fn finish(mut self) -> usize {
        self.flush();
        self.written
    }

    /// Ends the frame being written, if any, and hands it to `emit`.
    fn flush(&mut self) {
        if self.entries == 0 {
            return;
        }
        // `fits` allowed for the worst case, so this always holds.
        let finished = self.frame.finish();
        debug_assert!(finished.is_some(), "a description frame overran its buffer");
        if let Some(bytes) = finished {
            (self.emit)(self.frame.body.out.get(..bytes).unwrap_or_default());
            self.written += self.entries;
        }
        self.frame.reset();
        self.entries = 0;
    }
}

/// A frame being encoded in one pass: its checksum and
/// its COBS body, written as the bytes come.
struct Frame<'a> {
    digest: checksum::Digest,
    body: Cobs<'a>,
    raw_len: usize,
}

impl<'a> Frame<'a> {
    fn new(out: &'a mut [u8]) -> Self {
        Frame { digest: checksum::Digest::new(), body: Cobs::new(out), raw_len: 0 }
    }

    /// Adds `bytes`; the caller checked they fit. Were they not to, the
    /// writes past the end are skipped and [`Frame::finish`] says so, so
    /// `encode_frame` counts the frame's entries lost rather than send a
    /// cut frame.
    fn push(&mut self, bytes: &[u8]) {
        self.digest.update(bytes);
        self.body.push(bytes);
        self.raw_len += bytes.len();
    }

    fn push_varint(&mut self, value: u64) {
        let mut field = [0u8; varint::MAX_LEN];
        let len = varint::write(value, &mut field);
        self.push(field.get(..len).unwrap_or_default());
    }

    /// Writes the header: version, flags, the first record's sequence
    /// number, the timestamp its step starts from, and the anchor, if any.
    fn header(&mut self, first_seq: u64, base_ts: u64, anchor: Option<i64>) {
        self.push(&[VERSION, if anchor.is_some() { FLAG_ANCHOR } else { 0 }]);
        self.push_varint(first_seq);
        self.push_varint(base_ts);
        if let Some(offset) = anchor {
            self.push_varint(varint::zigzag(offset));
        }
    }

    /// Whether `more` bytes after those pushed still fit the buffer once
    /// encoded, with the checksum and, outside the COBS body, the
    /// terminator.
    fn fits(&self, more: usize) -> bool {
        encoded_max(self.raw_len + more + CRC_LEN) < self.body.out.len()
    }

    /// Empties the frame for the next one, in the same buffer.
    fn reset(&mut self) {
        self.digest = checksum::Digest::new();
        self.body.code_at = 0;
        self.body.at = 1;
        self.body.after_full = false;
        self.raw_len = 0;
    }

    /// Appends the checksum and ends the frame: its length with the
    /// terminator, or `None` when it did not all fit.
    fn finish(&mut self) -> Option<usize> {
        // Finished in place: moving the frame out is a `memcpy` call on a
        // Cortex-M0, which links 0.6 KB for it.
        let crc = self.digest.value();
        self.body.push(&crc.to_le_bytes());
        self.body.finish()
    }
}

/// A COBS encoder writing byte by byte into a buffer. The `cobs` crate's
/// encoder needs three times the flash, which a firmware's size budget
/// cannot spare; `tests::frames_match_the_cobs_crate` holds this one to
/// its output byte for byte.
///
/// `out[code_at]` is the code byte of the block being written, `at` the
/// next free byte. A block closes at a zero byte, or after 254 non-zero
/// bytes (code `0xFF`, no zero implied); a body that ends right after a
/// full block gets no empty block after it, as the `cobs` crate writes.
struct Cobs<'a> {
    out: &'a mut [u8],
    code_at: usize,
    at: usize,
    after_full: bool,
}

impl<'a> Cobs<'a> {
    fn new(out: &'a mut [u8]) -> Self {
        Cobs { out, code_at: 0, at: 1, after_full: false }
    }

    fn push(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == 0 {
                self.close_block(false);
            } else {
                self.put(self.at, byte);
                self.at += 1;
                if self.at - self.code_at == 0xFF {
                    self.close_block(true);
                }
            }
        }
    }

    /// A write past the end is skipped; `finish` then reports the overflow.
    fn put(&mut self, at: usize, byte: u8) {
        if let Some(slot) = self.out.get_mut(at) {
            *slot = byte;
        }
    }

    fn close_block(&mut self, full: bool) {
        self.put(self.code_at, (self.at - self.code_at) as u8);
        self.code_at = self.at;
        self.at += 1;
        self.after_full = full;
    }

    /// Closes the last block and writes the `0x00` terminator: the bytes
    /// written, or `None` when they did not all fit.
    fn finish(&mut self) -> Option<usize> {
        let body = if self.after_full && self.at == self.code_at + 1 {
            self.code_at
        } else {
            self.put(self.code_at, (self.at - self.code_at) as u8);
            self.at
        };
        *self.out.get_mut(body)? = 0;
        Some(body + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryKind;
    use crate::level::Level;
    use crate::metric::{MetricId, MetricKind, Series, Unit};
    use crate::ring::Policy;
    use crate::wire::{Decoded, Decoder, MIN_FRAME_BUFFER};
    use std::format;
    use std::string::String;
    use std::vec;
    use std::vec::Vec;

    /// Every entry of `dump` as (seq, timestamp, label or name), and the
    /// frames' count; fails on anything but entries.
    fn described(dump: &[u8]) -> (Vec<(u64, u64, String)>, usize) {
        let mut seen = Vec::new();
        let mut decoder = Decoder::new();
        decoder.feed(dump, |item| match item {
            Decoded::Entry { entry, anchor: None } => {
                let text = match entry.kind {
                    EntryKind::Describe(Description::Label { label, .. }) => label,
                    EntryKind::Describe(Description::Metric { name, .. }) => name,
                    other => panic!("not a description: {other:?}"),
                };
                seen.push((entry.seq, entry.timestamp_us, text.into()));
            }
            other => panic!("{other:?}"),
        });
        (seen, dump.iter().filter(|&&b| b == 0).count())
    }

    /// Descriptions that take several frames are all written, numbered on
    /// from the first sequence number, each frame within the buffer.
    #[test]
    fn descriptions_fill_as_many_frames_as_they_need() {
        let labels: Vec<String> =
            (0..300).map(|i| format!("instance-{i:03}-{}", "x".repeat(i % 30))).collect();
        for buffer_len in [MIN_FRAME_BUFFER, 1000, MAX_FRAME_LEN, 2 * MAX_FRAME_LEN] {
            let mut dump = Vec::new();
            let mut longest = 0;
            let mut buffer = vec![0u8; buffer_len];
            let mut frames = DescriptionFrames::new(&mut buffer, 40, 9_000, |frame| {
                longest = longest.max(frame.len());
                dump.extend_from_slice(frame);
            });
            let metric = Description::Metric {
                metric: MetricId(129),
                name: "app.queue_depth",
                unit: Unit::Bytes,
                kind: MetricKind::Counter,
            };
            assert!(frames.push(&metric));
            for (i, label) in labels.iter().enumerate() {
                assert!(
                    frames.push(&Description::Label { series: Series::new(MetricId(129), i as u16), label })
                );
            }
            assert_eq!(frames.finish(), 301);
            assert!(longest <= buffer_len.min(MAX_FRAME_LEN), "{longest} in {buffer_len}");
            let (seen, frame_count) = described(&dump);
            assert!(frame_count > 1, "{buffer_len}");
            assert_eq!(seen.len(), 301);
            assert_eq!(seen[0], (40, 9_000, "app.queue_depth".into()));
            for (i, (seq, ts, label)) in seen[1..].iter().enumerate() {
                assert_eq!((*seq, *ts, label), (41 + i as u64, 9_000, &labels[i]));
            }
        }
    }

    #[test]
    fn a_description_breaking_the_rules_is_refused_and_not_numbered() {
        let mut dump = Vec::new();
        let mut buffer = [0u8; 512];
        let mut frames = DescriptionFrames::new(&mut buffer, 0, 1, |frame| dump.extend_from_slice(frame));
        let series = Series::new(MetricId(130), 1);
        assert!(!frames.push(&Description::Label { series, label: "" }));
        let bad_name = Description::Metric {
            metric: MetricId(130),
            name: "no spaces",
            unit: Unit::None,
            kind: MetricKind::Gauge,
        };
        assert!(!frames.push(&bad_name));
        assert!(frames.push(&Description::Label { series, label: "eth0" }));
        assert_eq!(frames.finish(), 1);
        assert_eq!(described(&dump).0, [(0, 1, "eth0".into())]);
    }

    #[test]
    fn a_buffer_too_small_for_any_frame_writes_nothing() {
        let mut calls = 0;
        let mut buffer = [0u8; 16];
        let mut frames = DescriptionFrames::new(&mut buffer, 0, 0, |_| calls += 1);
        let label =
            Description::Label { series: Series::new(MetricId(130), 0), label: "a-long-enough-label" };
        assert!(!frames.push(&label));
        assert_eq!(frames.finish(), 0);
        assert_eq!(calls, 0);
        // No descriptions at all: no frame either.
        let mut buffer = [0u8; MAX_FRAME_LEN];
        assert_eq!(DescriptionFrames::new(&mut buffer, 0, 0, |_| panic!("empty frame")).finish(), 0);
    }

    /// The hand-written COBS writes exactly what the `cobs` crate writes,
    /// across block boundaries (254-byte runs), zero bytes and frames
    /// ending right after a full block.
    #[test]
    fn encoded_max_bounds_the_cobs_crates_worst_case_by_at_most_a_byte() {
        for raw in 0..5 * crate::wire::MAX_FRAME_LEN {
            let exact = cobs::max_encoding_length(raw);
            assert!(encoded_max(raw) == exact || encoded_max(raw) == exact + 1, "{raw}");
        }
        // The largest frame of one entry is no larger than before.
        let one_entry = crate::wire::MAX_RAW_RECORD + crate::wire::HEADER_MAX + CRC_LEN;
        assert_eq!(crate::wire::MIN_FRAME_BUFFER, cobs::max_encoding_length(one_entry) + 1);
    }

    #[test]
    fn frames_match_the_cobs_crate() {
        // Every length under 700; under Miri (slow) the ones whose frames
        // cross or end at the first two 254-byte block boundaries.
        let lengths: Vec<usize> =
            if cfg!(miri) { (230..275).chain(480..530).collect() } else { (0..700).collect() };
        for len in lengths {
            let message: Vec<u8> =
                (0..len).map(|i| if i % 300 == 7 { 0 } else { 1 + (i % 250) as u8 }).collect();
            let mut ring = Ring::new(vec![0u8; 2048], Policy::OverwriteOldest);
            ring.push_log(len as u64, Level::Info, b"t", &message).unwrap();
            let mut out = [0u8; MAX_FRAME_LEN];
            let frame = encode_frame(&ring, &mut Cursor::new(), &mut out);
            assert_eq!(frame.entries, 1, "message of {len} bytes");
            let body = &out[..frame.bytes - 1];
            let mut raw = [0u8; MAX_FRAME_LEN];
            let raw_len = cobs::decode(body, &mut raw).unwrap().frame_size();
            let mut again = vec![0u8; cobs::max_encoding_length(raw_len)];
            let n = cobs::encode(&raw[..raw_len], &mut again);
            assert_eq!(body, &again[..n], "message of {len} bytes");
            assert_eq!(out[frame.bytes - 1], 0);
        }
    }
}
