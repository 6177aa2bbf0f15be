//! Writing ring contents as frames.

use crate::ring::{Cursor, Ring};
use crate::varint;

use super::{checksum, CRC_LEN, FLAG_ANCHOR, HEADER_MAX, MAX_FRAME_LEN, VERSION};

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
    let out = &mut out[..limit];
    let mut reader = ring.read(cursor);
    let start = reader.mark();
    let lost_before = reader.lost();
    let (first_seq, base_ts) = reader.position();

    let mut header = [0u8; HEADER_MAX];
    header[0] = VERSION;
    let anchor = ring.anchor();
    header[1] = if anchor.is_some() { FLAG_ANCHOR } else { 0 };
    let mut header_len = 2;
    header_len += varint::write(first_seq, &mut header[header_len..]);
    header_len += varint::write(base_ts, &mut header[header_len..]);
    if let Some(offset) = anchor {
        header_len += varint::write(varint::zigzag(offset), &mut header[header_len..]);
    }
    let header = &header[..header_len];

    let mut raw_len = header_len;
    let mut entries = 0;
    let mut digest = checksum::digest();
    digest.update(header);
    let mut encoder = cobs::CobsEncoder::new(&mut *out);
    // Room for the terminator is kept outside the COBS body.
    let fits = |raw: usize| cobs::max_encoding_length(raw + CRC_LEN) < limit;
    if !fits(raw_len) || encoder.push(header).is_err() {
        reader.rewind(start);
        return EncodedFrame::default();
    }
    let mut more = false;
    loop {
        let mark = reader.mark();
        let Some(raw) = reader.next_raw() else { break };
        if fits(raw_len + raw.len()) {
            digest.update(raw);
            if encoder.push(raw).is_err() {
                break; // cannot happen: `fits` checked the worst case
            }
            raw_len += raw.len();
            entries += 1;
        } else if entries == 0 {
            // Too big for this buffer even alone: step past it and say so,
            // so the stream never stalls on it.
            return EncodedFrame { bytes: 0, entries: 0, lost: lost_before + 1, more: true };
        } else {
            reader.rewind(mark);
            more = true;
            break;
        }
    }
    if entries == 0 {
        return EncodedFrame { bytes: 0, entries: 0, lost: lost_before, more: false };
    }
    let crc = digest.finalize().to_le_bytes();
    if encoder.push(&crc).is_err() {
        reader.rewind(start);
        return EncodedFrame::default();
    }
    let body = encoder.finalize();
    out[body] = 0;
    EncodedFrame { bytes: body + 1, entries, lost: lost_before, more }
}
