//! The versioned binary wire format: frames of ring records, COBS-framed
//! and CRC-checked, so a byte stream from a UART, a file or a WebSocket can
//! be cut anywhere and still be read from the next frame on.
//!
//! The layout is documented in `core/FORMAT.md`. The same bytes come from a
//! firmware, a web page export and a desktop dump; `vitals decode` reads all.
//!
//! # Example
//!
//! ```
//! use vitals_core::wire::{encode_frame, Decoded, Decoder, MAX_FRAME_LEN};
//! use vitals_core::{Cursor, Level, Policy, Ring};
//!
//! let mut ring = Ring::new([0u8; 1024], Policy::OverwriteOldest);
//! ring.push_log(5, Level::Warn, b"net", b"link down")?;
//!
//! let mut cursor = Cursor::new();
//! let mut out = [0u8; MAX_FRAME_LEN];
//! let frame = encode_frame(&ring, &mut cursor, &mut out);
//! assert_eq!(frame.entries, 1);
//!
//! let mut decoder = Decoder::new();
//! let mut seen = 0;
//! decoder.feed(&out[..frame.bytes], |item| {
//!     if let Decoded::Entry { entry, .. } = item {
//!         assert_eq!(entry.seq, 0);
//!         seen += 1;
//!     }
//! });
//! assert_eq!(seen, 1);
//! # Ok::<(), vitals_core::PushError>(())
//! ```

mod checksum;
mod decode;
mod encode;

pub use decode::{DecodeError, DecodeStats, Decoded, Decoder};
pub use encode::{encode_frame, DescriptionFrames, EncodedFrame};

/// The format version this crate writes. It reads this one and every
/// older one (from [`OLDEST_VERSION`]).
pub const VERSION: u8 = 2;

/// The oldest format version this crate reads: version 1 is version 2
/// without description records (kind 3).
pub const OLDEST_VERSION: u8 = 1;

/// Largest encoded frame, terminator included. Encoders never write more;
/// a [`Decoder`] holds one frame of this size.
pub const MAX_FRAME_LEN: usize = 4096;

/// Smallest output buffer that can hold any single entry as a frame.
pub const MIN_FRAME_BUFFER: usize = encoded_max(MAX_RAW_RECORD + HEADER_MAX + CRC_LEN) + 1;

/// Most bytes COBS makes of `raw` bytes: one code byte per 254 and one
/// more. That is the `cobs` crate's `max_encoding_length`, or one byte
/// above it for a multiple of 254, in a division and no branch.
pub(crate) const fn encoded_max(raw: usize) -> usize {
    raw + raw / 254 + 1
}

/// Largest record the ring writes: len, tag, delta, target length, target, message.
pub(crate) const MAX_RAW_RECORD: usize =
    2 + 1 + 10 + 1 + crate::entry::MAX_TARGET_LEN + crate::entry::MAX_MESSAGE_LEN;

/// version, flags, first_seq, base_ts, anchor.
pub(crate) const HEADER_MAX: usize = 1 + 1 + 10 + 10 + 10;
pub(crate) const CRC_LEN: usize = 4;
pub(crate) const FLAG_ANCHOR: u8 = 1;
