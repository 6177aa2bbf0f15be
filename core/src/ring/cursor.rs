//! Reading the ring in place: iteration oldest → newest, and cursors that
//! let several readers each go at their own pace.

use crate::entry::Entry;
use crate::record::{self, Header};

use super::Ring;

/// Iterates stored entries, oldest first, borrowing them from the buffer.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    buf: &'a [u8],
    /// Positions (wrapping) of the next record and of the end.
    pos: usize,
    off: usize,
    end: usize,
    seq: u64,
    ts: u64,
}

impl<'a> Iter<'a> {
    pub(crate) fn new(buf: &'a [u8], pos: usize, off: usize, end: usize, seq: u64, ts: u64) -> Self {
        Iter { buf, pos, off, end, seq, ts }
    }

    /// Where the next entry would be read: (position, sequence, timestamp before it).
    fn state(&self) -> (usize, u64, u64) {
        (self.pos, self.seq, self.ts)
    }

    /// The next record's bytes as stored and its header, without moving
    /// past it (padding before it is skipped): what copying and exporting
    /// need to decide whether to take it. [`Iter::pass`] then moves on.
    #[inline]
    pub(crate) fn peek_raw(&mut self) -> Option<(&'a [u8], Header)> {
        loop {
            let left = self.end.wrapping_sub(self.pos);
            if left == 0 {
                return None;
            }
            let step = match record::header(self.buf.get(self.off..)?) {
                Ok(Some(header)) if header.size <= left => {
                    return Some((self.buf.get(self.off..self.off + header.size)?, header));
                }
                // Padding: the next record is at the start of the buffer.
                Ok(None) => self.buf.len() - self.off,
                _ => left + 1, // damaged: unreachable for our own bytes
            };
            if step > left {
                self.pos = self.end; // stop, don't panic or run past the end
                return None;
            }
            self.pos = self.pos.wrapping_add(step);
            self.off = 0;
        }
    }

    /// Moves past the record [`Iter::peek_raw`] just returned.
    #[inline]
    pub(crate) fn pass(&mut self, header: &Header) {
        self.ts = self.ts.wrapping_add(header.delta as u64);
        self.seq = self.seq.wrapping_add(header.seq_skip).wrapping_add(1);
        self.pos = self.pos.wrapping_add(header.size);
        self.off += header.size;
        if self.off == self.buf.len() {
            self.off = 0;
        }
    }

    /// Moves past the record `raw` with `header`, which [`Iter::peek_raw`]
    /// just returned, and parses it.
    #[inline]
    fn read_entry(&mut self, raw: &'a [u8], header: &Header) -> Option<Entry<'a>> {
        self.pass(header);
        match record::parse(raw) {
            // The sequence number is the one `pass` counted past.
            Ok(Some(parsed)) => {
                Some(Entry { seq: self.seq.wrapping_sub(1), timestamp_us: self.ts, kind: parsed.kind })
            }
            _ => {
                self.pos = self.end; // a damaged payload: stop, as for a damaged header
                None
            }
        }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = Entry<'a>;

    #[inline]
    fn next(&mut self) -> Option<Entry<'a>> {
        let (raw, header) = self.peek_raw()?;
        self.read_entry(raw, &header)
    }
}

/// A reader's place in a ring: the next sequence number it wants and where
/// that entry is. Cheap to copy and store, e.g. one per exporter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Cursor {
    seq: u64,
    pos: usize,
    ts: u64,
    /// Whether `pos`/`ts` belong to `seq` (false: find `seq` by scanning).
    placed: bool,
}

/// The `ts` of a cursor not placed yet, which no read uses. Not zero: a
/// `Cursor` of all zero bytes is cleared with a `memclr` call on a 32-bit
/// core, a routine of 174 bytes a firmware would link for it alone.
const UNKNOWN_TS: u64 = u64::MAX;

impl Default for Cursor {
    /// [`Cursor::new`].
    fn default() -> Self {
        Cursor::new()
    }
}

impl Cursor {
    /// A cursor at the very beginning: it reads everything still stored.
    pub const fn new() -> Self {
        Cursor::since(0)
    }

    /// A cursor that reads entries with sequence numbers `seq` and above,
    /// e.g. from an HTTP `?since=` parameter. The first read scans to it.
    pub const fn since(seq: u64) -> Self {
        Cursor { seq, pos: 0, ts: UNKNOWN_TS, placed: false }
    }

    /// A cursor after everything `ring` holds now: it reads only what comes next.
    pub fn at_end<B: AsRef<[u8]> + AsMut<[u8]>>(ring: &Ring<B>) -> Self {
        Cursor { seq: ring.next_seq(), pos: ring.write_pos(), ts: ring.last_ts, placed: true }
    }

    /// The sequence number this cursor reads next.
    pub fn next_seq(&self) -> u64 {
        self.seq
    }
}

/// The entries after a cursor, advancing it as they are consumed.
#[derive(Debug)]
pub struct Reader<'a> {
    iter: Iter<'a>,
    cursor: &'a mut Cursor,
    lost: u64,
    hold: bool,
    /// The first sequence number wanted: entries numbered below it are
    /// stepped over as they come (a `Cursor::since` not placed yet).
    skip_below: u64,
}

impl<'a> Reader<'a> {
    pub(super) fn new<B: AsRef<[u8]> + AsMut<[u8]>>(ring: &'a Ring<B>, cursor: &'a mut Cursor) -> Self {
        let (read_pos, read_off, first_seq, base_ts) = ring.start();
        let (end, next_seq, bytes) = (ring.write_pos(), ring.next_seq(), ring.bytes());
        let mut iter = Iter::new(bytes, read_pos, read_off, end, first_seq, base_ts);
        let mut lost = 0;
        let mut skip_below = 0;
        let want = cursor.seq;
        if want <= first_seq {
            lost = first_seq - want;
        } else if want >= next_seq && cfg!(not(target_os = "none")) {
            // Caught up (or ahead): at the end at once. Hosts and pages read
            // with a fresh `Cursor::since` per request, and most requests
            // are caught up; a firmware keeps its cursors placed, so there
            // this case goes to the reads' own stepping below and saves
            // the flash.
            (iter.pos, iter.seq, iter.ts) = (end, want, ring.last_ts);
        } else if cursor.placed && cursor.pos.wrapping_sub(read_pos) <= end.wrapping_sub(read_pos) {
            // Records never move, and the one before `seq` is still stored,
            // so `pos` is exact (it may point at padding, which Iter skips,
            // or be the end, when the cursor has caught up).
            // `bytes` is not empty here: the ring holds `want`.
            iter.off = read_off
                .wrapping_add(cursor.pos.wrapping_sub(read_pos))
                .checked_rem(bytes.len())
                .unwrap_or(0);
            (iter.pos, iter.seq, iter.ts) = (cursor.pos, want, cursor.ts);
        } else {
            // Unplaced (`Cursor::since`): the reads step to the first entry
            // numbered `want` or above.
            skip_below = want;
        }
        // A cursor beyond everything written (a `since` from the future)
        // stays where it is: placing it at the end now would make it read
        // entries below its number once the ring catches up.
        let hold = want > next_seq;
        Reader { iter, cursor, lost, hold, skip_below }
    }

    /// Entries the reader missed because they were overwritten (or dropped)
    /// before it read them. Entries lost while the ring refused them also
    /// appear in the stream as an `Event::Dropped`.
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// The running sequence number and timestamp before the next entry
    /// (call [`Reader::peek_raw`] first: it steps over entries below the
    /// cursor's number).
    pub(crate) fn position(&self) -> (u64, u64) {
        (self.iter.seq, self.iter.ts)
    }

    /// The next record's raw bytes, without moving past it: see
    /// [`Iter::peek_raw`]. At the end, the cursor moves past everything
    /// read and lost, as [`Iterator::next`] does.
    pub(crate) fn peek_raw(&mut self) -> Option<(&'a [u8], Header)> {
        loop {
            let next = self.iter.peek_raw();
            match next {
                // Below the number wanted (a `Dropped` event is numbered
                // after the entries it lost, so its last number counts).
                Some((_, header)) if self.iter.seq.wrapping_add(header.seq_skip) < self.skip_below => {
                    self.pass(&header);
                }
                None => {
                    self.sync_cursor(false);
                    return None;
                }
                some => return some,
            }
        }
    }

    /// Moves past the record [`Reader::peek_raw`] returned, and the cursor with it.
    pub(crate) fn pass(&mut self, header: &Header) {
        self.iter.pass(header);
        self.sync_cursor(true);
    }

    fn sync_cursor(&mut self, advanced: bool) {
        if self.hold {
            return;
        }
        let (pos, seq, ts) = self.iter.state();
        if advanced || seq >= self.cursor.seq {
            *self.cursor = Cursor { seq, pos, ts, placed: true };
        }
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Entry<'a>;

    #[inline]
    fn next(&mut self) -> Option<Entry<'a>> {
        let (raw, header) = self.peek_raw()?;
        let item = self.iter.read_entry(raw, &header);
        self.sync_cursor(item.is_some());
        item
    }
}
