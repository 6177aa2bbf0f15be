//! Reading frames back from any byte stream, resynchronising after damage.

use core::fmt;

use crate::entry::{Entry, EntryKind, Event};
use crate::record::{self, RecordError};
use crate::varint;

use super::{checksum, CRC_LEN, FLAG_ANCHOR, MAX_FRAME_LEN, OLDEST_VERSION, VERSION};

/// Why bytes were skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes between two delimiters are not valid COBS.
    Framing,
    /// A frame longer than [`MAX_FRAME_LEN`]: not ours, or two frames whose
    /// delimiter was lost.
    TooLong,
    /// The CRC does not match: the frame was damaged on the way.
    Checksum,
    /// A format version this decoder does not read.
    Version(u8),
    /// The frame header is malformed.
    Header,
    /// A record inside a checksummed frame is malformed (a writer bug).
    Record(RecordError),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Framing => f.write_str("bad COBS framing"),
            DecodeError::TooLong => write!(f, "frame longer than {MAX_FRAME_LEN} bytes"),
            DecodeError::Checksum => f.write_str("CRC mismatch (damaged in transit)"),
            DecodeError::Version(v) => {
                write!(
                    f,
                    "wire format version {v} is not supported (this build reads versions {OLDEST_VERSION} to \
                     {VERSION}): upgrade vitals"
                )
            }
            DecodeError::Header => f.write_str("malformed frame header"),
            DecodeError::Record(e) => write!(f, "malformed record: {e:?}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DecodeError {}

/// One item from the byte stream.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decoded<'a> {
    /// An entry, with the Unix-minus-monotonic offset in µs known at this
    /// point of the stream (from the frame header or an anchor event).
    Entry {
        /// The entry.
        entry: Entry<'a>,
        /// Add to `entry.timestamp_us` for Unix time, when known.
        anchor: Option<i64>,
    },
    /// Sequence numbers jumped: `lost` entries were never sent (overwritten
    /// in the ring before they could be, or in a frame that was damaged).
    Gap {
        /// How many.
        lost: u64,
    },
    /// Bytes that could not be read, and why. Decoding goes on at the next frame.
    Skipped {
        /// Bytes thrown away, delimiter included.
        bytes: usize,
        /// Why.
        error: DecodeError,
    },
}

/// Running totals of a [`Decoder`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DecodeStats {
    /// Frames read successfully.
    pub frames: u64,
    /// Entries delivered.
    pub entries: u64,
    /// Frames thrown away.
    pub bad_frames: u64,
    /// Bytes thrown away.
    pub skipped_bytes: u64,
    /// Entries missing according to sequence numbers.
    pub lost_entries: u64,
}

/// A streaming decoder: feed it bytes in chunks of any size, from any
/// point of a stream; it calls back with entries, gaps and skipped spans.
/// It never panics, whatever the input.
///
/// Holds one frame of up to [`MAX_FRAME_LEN`] bytes (about 4 KiB).
pub struct Decoder {
    buf: [u8; MAX_FRAME_LEN],
    len: usize,
    /// Bytes discarded from the current (too long) frame.
    overflow: usize,
    expected_seq: Option<u64>,
    anchor: Option<i64>,
    stats: DecodeStats,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder").field("buffered", &self.len).field("stats", &self.stats).finish()
    }
}

impl Decoder {
    /// A decoder at the start of a stream.
    pub const fn new() -> Self {
        Decoder {
            buf: [0; MAX_FRAME_LEN],
            len: 0,
            overflow: 0,
            expected_seq: None,
            anchor: None,
            stats: DecodeStats { frames: 0, entries: 0, bad_frames: 0, skipped_bytes: 0, lost_entries: 0 },
        }
    }

    /// Totals so far.
    pub fn stats(&self) -> DecodeStats {
        self.stats
    }

    /// Bytes held of a frame not yet terminated.
    pub fn pending_bytes(&self) -> usize {
        self.len.saturating_add(self.overflow)
    }

    /// Feeds bytes; `f` sees every item they complete.
    pub fn feed(&mut self, input: &[u8], mut f: impl FnMut(Decoded<'_>)) {
        for &byte in input {
            if byte != 0 {
                match self.buf.get_mut(self.len) {
                    Some(slot) => {
                        *slot = byte;
                        self.len += 1;
                    }
                    // Saturates only past `usize::MAX` bytes without a delimiter.
                    None => self.overflow = self.overflow.saturating_add(1),
                }
                continue;
            }
            if self.overflow > 0 {
                self.skip(self.pending_bytes().saturating_add(1), DecodeError::TooLong, &mut f);
            } else if self.len > 0 {
                self.frame(&mut f);
            }
            self.len = 0;
            self.overflow = 0;
        }
    }

    /// Ends the stream: bytes after the last delimiter are reported skipped.
    pub fn finish(&mut self, mut f: impl FnMut(Decoded<'_>)) {
        if self.pending_bytes() > 0 {
            self.skip(self.pending_bytes(), DecodeError::Framing, &mut f);
        }
        self.len = 0;
        self.overflow = 0;
    }

    fn skip(&mut self, bytes: usize, error: DecodeError, f: &mut impl FnMut(Decoded<'_>)) {
        self.stats.bad_frames += 1;
        self.stats.skipped_bytes += bytes as u64;
        f(Decoded::Skipped { bytes, error });
    }

    fn frame(&mut self, f: &mut impl FnMut(Decoded<'_>)) {
        // `feed` keeps `len` within `buf`; a frame is skipped whole on any error.
        let skipped = self.len + 1;
        let (header, records) = match decode_frame(&mut self.buf, self.len) {
            Ok(parts) => parts,
            Err(error) => return self.skip(skipped, error, f),
        };
        if let Some(expected) = self.expected_seq {
            if header.first_seq > expected {
                let lost = header.first_seq - expected;
                self.stats.lost_entries = self.stats.lost_entries.saturating_add(lost);
                f(Decoded::Gap { lost });
            }
        }
        if header.anchor.is_some() {
            self.anchor = header.anchor;
        }
        let mut seq = header.first_seq;
        let mut ts = header.base_ts;
        // `check_frame` read every record already, so this stops only at the end.
        let mut rest = records;
        while let Ok(Some(parsed)) = record::parse(rest) {
            rest = rest.get(parsed.size..).unwrap_or_default();
            ts = ts.wrapping_add(parsed.delta as u64);
            let entry_seq = seq.wrapping_add(parsed.seq_skip());
            seq = entry_seq.wrapping_add(1);
            if let EntryKind::Event(Event::Anchor { unix_us }) = parsed.kind {
                self.anchor = Some(unix_us.wrapping_sub(ts) as i64);
            }
            self.stats.entries += 1;
            f(Decoded::Entry {
                entry: Entry { seq: entry_seq, timestamp_us: ts, kind: parsed.kind },
                anchor: self.anchor,
            });
        }
        self.expected_seq = Some(seq);
        self.stats.frames += 1;
    }
}

/// Undoes the COBS encoding of the first `encoded_len` bytes of `buf` in
/// place and checks the frame they hold (see [`check_frame`]).
fn decode_frame(buf: &mut [u8], encoded_len: usize) -> Result<(Header, &[u8]), DecodeError> {
    let encoded = buf.get_mut(..encoded_len).ok_or(DecodeError::TooLong)?;
    let decoded_len = unstuff(encoded).ok_or(DecodeError::Framing)?;
    check_frame(encoded.get(..decoded_len).ok_or(DecodeError::Framing)?)
}

/// Undoes the COBS encoding of `buf`, which holds no zero byte, in place;
/// the decoded length, or `None` when it is empty or a block runs past the
/// end: what `cobs::decode_in_place` answers for such input, in a fraction
/// of its code (none of it able to panic), which counts on a page.
fn unstuff(buf: &mut [u8]) -> Option<usize> {
    let mut written = 0;
    // Where the next code byte is, and whether a zero goes before its block
    // (the last code was not 0xFF).
    let mut code_at = 0;
    let mut zero_next = false;
    for at in 0..buf.len() {
        let mut byte = buf.get(at).copied().unwrap_or_default();
        if at == code_at {
            if byte == 0 {
                return None;
            }
            code_at = at + usize::from(byte);
            let zero = core::mem::replace(&mut zero_next, byte != 0xFF);
            if !zero {
                continue;
            }
            byte = 0;
        }
        // Written bytes never pass the one read, so this stays in `buf`.
        if let Some(slot) = buf.get_mut(written) {
            *slot = byte;
        }
        written += 1;
    }
    (!buf.is_empty() && code_at <= buf.len()).then_some(written)
}

struct Header {
    first_seq: u64,
    base_ts: u64,
    anchor: Option<i64>,
}

/// Validates a whole decoded frame — CRC, header, every record — before any
/// entry is delivered, so a bad frame is skipped whole. Returns the header
/// and the records.
fn check_frame(frame: &[u8]) -> Result<(Header, &[u8]), DecodeError> {
    if frame.len() < 2 + CRC_LEN {
        return Err(DecodeError::Header);
    }
    let (body, crc) = frame.split_last_chunk::<CRC_LEN>().ok_or(DecodeError::Header)?;
    if checksum::checksum(body) != u32::from_le_bytes(*crc) {
        return Err(DecodeError::Checksum);
    }
    let &[version, flags, ref fields @ ..] = body else { return Err(DecodeError::Header) };
    if !(OLDEST_VERSION..=VERSION).contains(&version) {
        return Err(DecodeError::Version(version));
    }
    if flags & !FLAG_ANCHOR != 0 {
        return Err(DecodeError::Header);
    }
    // The header's varints, read through one failure flag checked at the
    // end: less code than a `Result` per field, the same answer.
    let mut rest = fields;
    let mut bad = false;
    let mut field = || match varint::read(rest) {
        Some((value, n)) => {
            rest = rest.get(n..).unwrap_or_default();
            value
        }
        None => {
            bad = true;
            0
        }
    };
    let first_seq = field();
    let base_ts = field();
    let anchor = (flags & FLAG_ANCHOR != 0).then(|| varint::unzigzag(field()));
    if bad {
        return Err(DecodeError::Header);
    }
    let mut records = rest;
    while !records.is_empty() {
        records = match record::parse(records) {
            Ok(Some(parsed)) => records.get(parsed.size..).ok_or(RecordError::Truncated),
            // Padding has no place inside a frame.
            Ok(None) => Err(RecordError::UnknownTag),
            Err(e) => Err(e),
        }
        .map_err(DecodeError::Record)?;
    }
    Ok((Header { first_seq, base_ts, anchor }, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{encode_frame, HEADER_MAX, MAX_FRAME_LEN};
    use crate::{Cursor, Level, Policy, Ring};

    /// A frame as a writer of `version` would send it: the current
    /// encoder's bytes with the version byte (and so the CRC) changed.
    fn frame_of_version(version: u8) -> std::vec::Vec<u8> {
        let mut ring = Ring::new([0u8; 256], Policy::OverwriteOldest);
        ring.push_log(7, Level::Warn, b"old", b"written by an older build").unwrap();
        let mut out = [0u8; MAX_FRAME_LEN];
        let frame = encode_frame(&ring, &mut Cursor::new(), &mut out);
        let mut raw = [0u8; MAX_FRAME_LEN];
        let len = cobs::decode(&out[..frame.bytes - 1], &mut raw).unwrap().frame_size();
        let body_len = len - CRC_LEN;
        raw[0] = version;
        let crc = checksum::checksum(&raw[..body_len]).to_le_bytes();
        raw[body_len..len].copy_from_slice(&crc);
        let mut encoded = std::vec![0u8; cobs::max_encoding_length(len) + 1];
        let n = cobs::encode(&raw[..len], &mut encoded);
        encoded.truncate(n);
        encoded.push(0);
        assert!(len <= HEADER_MAX + 64);
        encoded
    }

    proptest::proptest! {
        /// `unstuff` answers as `cobs::decode_in_place` does for what a
        /// decoder holds (bytes without a zero): encodings of any bytes,
        /// and any bytes at all.
        #[test]
        fn unstuff_decodes_as_the_cobs_crate(
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..700),
            zero_free in proptest::collection::vec(1u8..=255, 0..700),
        ) {
            let mut encoded = std::vec![0u8; cobs::max_encoding_length(raw.len())];
            let n = cobs::encode(&raw, &mut encoded);
            encoded.truncate(n);
            for input in [encoded, zero_free] {
                let (mut ours, mut theirs) = (input.clone(), input.clone());
                let ours_len = unstuff(&mut ours);
                let theirs_len = cobs::decode_in_place(&mut theirs).ok();
                proptest::prop_assert_eq!(ours_len, theirs_len, "{:?}", input);
                if let Some(len) = ours_len {
                    proptest::prop_assert_eq!(&ours[..len], &theirs[..len]);
                }
            }
        }
    }

    /// `body` with its CRC, COBS-framed and terminated.
    fn framed(body: &[u8]) -> std::vec::Vec<u8> {
        let mut raw = body.to_vec();
        raw.extend_from_slice(&checksum::checksum(body).to_le_bytes());
        let mut out = std::vec![0u8; cobs::max_encoding_length(raw.len()) + 1];
        let n = cobs::encode(&raw, &mut out);
        out.truncate(n);
        out.push(0);
        out
    }

    #[test]
    fn a_header_short_of_a_field_is_skipped_as_a_header_error() {
        let errors = |body: &[u8]| {
            let mut seen = std::vec::Vec::new();
            Decoder::new().feed(&framed(body), |item| match item {
                Decoded::Skipped { error, .. } => seen.push(error),
                other => panic!("{other:?} from {body:?}"),
            });
            seen
        };
        for body in [&[2, 0][..], &[2, 0, 5], &[2, 1, 5, 7], &[2, 0, 0x80], &[2, 0, 5, 0x80, 0x80]] {
            assert_eq!(errors(body), [DecodeError::Header], "{body:?}");
        }
        // All fields there: a frame with no records.
        assert!(errors(&[2, 0, 5, 7]).is_empty());
        assert!(errors(&[2, 1, 5, 7, 3]).is_empty());
    }

    #[test]
    fn unstuff_edge_cases() {
        let decoded = |bytes: &[u8]| {
            let mut buf = bytes.to_vec();
            unstuff(&mut buf).map(|len| buf[..len].to_vec())
        };
        assert_eq!(decoded(&[]), None);
        assert_eq!(decoded(&[1]), Some(std::vec![]));
        assert_eq!(decoded(&[1, 1]), Some(std::vec![0]));
        assert_eq!(decoded(&[3, 7, 8, 2, 9]), Some(std::vec![7, 8, 0, 9]));
        assert_eq!(decoded(&[3, 7]), None, "a block past the end");
        let mut long = std::vec![0xFF];
        long.extend(1..=254u8);
        long.extend([2, 5]);
        let mut want: std::vec::Vec<u8> = (1..=254u8).collect();
        want.push(5); // no zero after a 0xFF block
        assert_eq!(decoded(&long), Some(want));
    }

    #[test]
    fn older_versions_are_read_and_newer_ones_refused_by_name() {
        let mut seen = std::vec::Vec::new();
        Decoder::new().feed(&frame_of_version(OLDEST_VERSION), |item| match item {
            Decoded::Entry { entry, .. } => match entry.kind {
                crate::EntryKind::Log(log) => seen.push(log.message.to_vec()),
                other => panic!("not the log record: {other:?}"),
            },
            other => panic!("a version-1 frame was not read: {other:?}"),
        });
        assert_eq!(seen, [b"written by an older build".to_vec()]);

        let mut errors = std::vec::Vec::new();
        Decoder::new().feed(&frame_of_version(VERSION + 1), |item| {
            if let Decoded::Skipped { error, .. } = item {
                errors.push(std::format!("{error}"));
            }
        });
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains(&std::format!("version {}", VERSION + 1)), "{errors:?}");
    }
}
