//! Writing ring contents as frames.

use crate::ring::{Cursor, Ring};
use crate::varint;

use super::{checksum, CRC_LEN, FLAG_ANCHOR, MAX_FRAME_LEN, VERSION};

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
    let (first_seq, base_ts) = reader.position();

    let mut frame =
        Frame { digest: checksum::digest(), encoder: cobs::CobsEncoder::new(&mut *out), raw_len: 0 };
    frame.push(&[VERSION, if anchor.is_some() { FLAG_ANCHOR } else { 0 }]);
    frame.push_varint(first_seq);
    frame.push_varint(base_ts);
    if let Some(offset) = anchor {
        frame.push_varint(varint::zigzag(offset));
    }
    // Room for the checksum and, outside the COBS body, the terminator.
    let fits = |raw: usize| cobs::max_encoding_length(raw + CRC_LEN) < limit;
    if !fits(frame.raw_len) {
        return EncodedFrame::default();
    }
    let mut entries = 0;
    let mut more = false;
    while let Some((raw, header)) = reader.peek_raw() {
        if fits(frame.raw_len + raw.len()) {
            frame.push(raw);
            reader.pass(&header);
            entries += 1;
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
    let crc = frame.digest.finalize().to_le_bytes();
    let pushed = frame.encoder.push(&crc);
    let body = frame.encoder.finalize();
    match out.get_mut(body) {
        Some(terminator) if pushed.is_ok() => {
            *terminator = 0;
            EncodedFrame { bytes: body + 1, entries, lost, more }
        }
        // Cannot happen (`fits` allowed for the worst case); if it did, the
        // entries passed are counted lost, never dropped silently.
        _ => EncodedFrame { bytes: 0, entries: 0, lost: lost + entries as u64, more: true },
    }
}

/// A frame being encoded: its checksum, its COBS body, and its size
/// before encoding.
struct Frame<'a> {
    digest: checksum::Digest,
    encoder: cobs::CobsEncoder<'a>,
    raw_len: usize,
}

impl Frame<'_> {
    /// Adds `bytes`; the caller checked they fit. Were they not to, the
    /// encoder would stop at the end of the output and `encode_frame`
    /// would count the frame's entries lost rather than send a cut frame.
    fn push(&mut self, bytes: &[u8]) {
        self.digest.update(bytes);
        let _ = self.encoder.push(bytes);
        self.raw_len += bytes.len();
    }

    fn push_varint(&mut self, value: u64) {
        let mut field = [0u8; varint::MAX_LEN];
        let len = varint::write(value, &mut field);
        self.push(field.get(..len).unwrap_or_default());
    }
}
