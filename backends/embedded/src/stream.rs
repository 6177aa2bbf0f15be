//! The ring carried out in the versioned wire format (`core/FORMAT.md`)
//! over any `embedded_io::Write`: a UART, a USB CDC port, RTT, a flash log.
//!
//! # Example
//!
//! ```
//! use vitals_embedded::vitals_core::wire::{Decoded, Decoder};
//! use vitals_embedded::{global_ring, stream_to, Cursor, Level};
//!
//! global_ring!(VITALS, 2048);
//! VITALS.push_log(1, Level::Info, b"app", b"over the wire")?;
//!
//! // Any embedded_io::Write; here a byte slice standing in for a UART.
//! let mut uart = [0u8; 256];
//! let mut out: &mut [u8] = &mut uart;
//! let mut cursor = Cursor::new();
//! let mut scratch = [0u8; 256];
//! let sent = stream_to(&VITALS, &mut cursor, &mut out, &mut scratch).expect("fits");
//! assert_eq!((sent.frames, sent.entries), (1, 1));
//!
//! let mut entries = 0;
//! Decoder::new().feed(&uart[..sent.bytes], |item| {
//!     if let Decoded::Entry { .. } = item {
//!         entries += 1;
//!     }
//! });
//! assert_eq!(entries, 1);
//! # Ok::<(), vitals_embedded::vitals_core::PushError>(())
//! ```

use core::fmt;

use embedded_io::ErrorKind;
use vitals_core::wire::encode_frame;
use vitals_core::{Cursor, SharedRing};

/// Smallest `scratch` buffer [`stream_to`] takes: a frame header, a small
/// record and the checksum. Give it one byte more than
/// [`MIN_FRAME_BUFFER`] (the first byte holds the delimiter) so every
/// entry fits; entries too large for it are skipped and counted lost.
///
/// [`MIN_FRAME_BUFFER`]: vitals_core::wire::MIN_FRAME_BUFFER
pub const MIN_SCRATCH: usize = 64;

/// What [`stream_to`] sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Streamed {
    /// Frames written.
    pub frames: usize,
    /// Entries in them.
    pub entries: usize,
    /// Bytes written, delimiters included.
    pub bytes: usize,
    /// Entries the cursor missed: overwritten in the ring before they were
    /// sent, or larger than `scratch`.
    pub lost: u64,
}

/// Why [`stream_to`] stopped early. The entries of the frame that failed
/// are sent again by the next call (the cursor is put back before them);
/// what went out before it is in [`StreamError::sent`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum StreamError<E> {
    /// The sink returned an error.
    Write {
        /// The sink's error.
        error: E,
        /// What was sent before it.
        sent: Streamed,
    },
    /// The sink accepted no bytes of a non-empty write (it is closed or broken).
    WriteZero {
        /// What was sent before it.
        sent: Streamed,
    },
}

impl<E> StreamError<E> {
    /// What went out before the error.
    pub fn sent(&self) -> Streamed {
        match self {
            StreamError::Write { sent, .. } | StreamError::WriteZero { sent } => *sent,
        }
    }
}

impl<E: embedded_io::Error> StreamError<E> {
    /// The kind of I/O failure, as `embedded-io` classifies it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            StreamError::Write { error, .. } => error.kind(),
            StreamError::WriteZero { .. } => ErrorKind::WriteZero,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for StreamError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Write { error, sent } => write!(
                f,
                "writing a Vitals frame failed after {} frames: {error:?}; the next call resends from the failed frame",
                sent.frames
            ),
            StreamError::WriteZero { sent } => write!(
                f,
                "the sink took no bytes after {} frames (closed?); the next call resends from the failed frame",
                sent.frames
            ),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for StreamError<E> {}

impl<E: embedded_io::Error> embedded_io::Error for StreamError<E> {
    fn kind(&self) -> ErrorKind {
        StreamError::kind(self)
    }
}

/// Writes every entry after `cursor` to `out` as wire-format frames and
/// advances the cursor past what was written.
///
/// Each frame is encoded into `scratch` (after its first byte, which holds
/// the delimiter) inside one critical section (a
/// copy of the records and a CRC: keep `scratch` small on a system with
/// tight interrupt latency) and written outside it. A call that writes
/// anything starts with a `0x00` delimiter, so a frame cut short by an
/// earlier failed write, or a receiver that attached mid-frame, never spoils
/// the next frame. Start from a sequence number a receiver already has with
/// [`Cursor::since`]. `out` is not flushed.
///
/// # Errors
/// [`StreamError`] when `out` fails; the cursor is put back before the
/// failed frame, so calling again resends it.
pub fn stream_to<B, W, const N: usize>(
    ring: &SharedRing<B>,
    cursor: &mut Cursor,
    out: &mut W,
    scratch: &mut [u8; N],
) -> Result<Streamed, StreamError<W::Error>>
where
    B: AsRef<[u8]> + AsMut<[u8]>,
    W: embedded_io::Write + ?Sized,
{
    const { assert!(N >= MIN_SCRATCH, "stream_to needs a scratch buffer of at least MIN_SCRATCH bytes") };
    let mut sent = Streamed::default();
    // The frame goes after the first byte, which holds the delimiter that
    // starts the first frame: one write per frame.
    if let Some(delimiter) = scratch.first_mut() {
        *delimiter = 0;
    }
    loop {
        let before = *cursor;
        let body = scratch.get_mut(1..).unwrap_or_default();
        let frame = ring.with(|ring| encode_frame(ring, cursor, body));
        if frame.bytes > 0 {
            let start = usize::from(sent.frames != 0);
            let written = write_all(out, scratch.get(start..=frame.bytes).unwrap_or_default());
            if let Err(failure) = written {
                *cursor = before;
                return Err(match failure {
                    Some(error) => StreamError::Write { error, sent },
                    None => StreamError::WriteZero { sent },
                });
            }
            sent.frames += 1;
            sent.entries += frame.entries;
            sent.bytes += frame.bytes + 1 - start;
        }
        sent.lost += frame.lost;
        if !frame.more {
            return Ok(sent);
        }
    }
}

/// `write_all` that reports a zero-byte write as `None` instead of
/// panicking as `embedded_io::Write::write_all` does.
fn write_all<W: embedded_io::Write + ?Sized>(out: &mut W, mut bytes: &[u8]) -> Result<(), Option<W::Error>> {
    while !bytes.is_empty() {
        match out.write(bytes) {
            Ok(0) => return Err(None),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(error) => return Err(Some(error)),
        }
    }
    Ok(())
}
