//! The fixed-capacity ring of variable-length entries.
//!
//! Records are stored back to back in one byte buffer given at construction;
//! nothing is allocated afterwards. A record never wraps around the end of
//! the buffer: when it would, a one-byte pad marks the rest of the buffer
//! unused and the record starts at offset 0, so every entry can be read in
//! place (zero-copy).
//!
//! Every byte has a *position* that only grows (wrapping at `usize::MAX`,
//! so a 32-bit core keeps 32-bit counters); the ring remembers the
//! positions of the oldest and the next record and the buffer offset of the
//! next one (the oldest's is that offset minus the bytes in use).
//! Cursors remember positions, so a reader resumes in O(1) and can tell
//! when the entries it wanted were overwritten.
//!
//! # Example
//!
//! ```
//! use vitals_core::{Cursor, EntryKind, Level, MetricId, Policy, Ring};
//!
//! let mut ring = Ring::new([0u8; 1024], Policy::OverwriteOldest);
//! ring.push_log(10, Level::Warn, b"cpu", b"usage 93.5% >= 90%")?;
//! ring.push_metric(20, MetricId::CPU_USAGE.series(), 93.5)?;
//!
//! // Each exporter keeps its own cursor and reads at its own pace.
//! let mut cursor = Cursor::new();
//! let read = ring.read(&mut cursor);
//! assert_eq!(read.lost(), 0);
//! assert_eq!(read.count(), 2);
//! assert_eq!(cursor.next_seq(), 2);
//! assert_eq!(ring.read(&mut cursor).count(), 0);
//! # Ok::<(), vitals_core::PushError>(())
//! ```

mod cursor;
#[cfg(test)]
mod position_wrap;
#[cfg(feature = "critical-section")]
mod shared;
mod stats;

pub use cursor::{Cursor, Iter, Reader};
#[cfg(feature = "critical-section")]
pub use shared::SharedRing;
use stats::Counters;
pub use stats::RingStats;

use core::fmt;

use crate::entry::{
    self, Description, Entry, EntryKind, Event, LogRecord, CLASS_EVENT, CLASS_METRIC, MAX_MESSAGE_LEN,
    MAX_TARGET_LEN,
};
use crate::level::Level;
use crate::metric::{MetricValue, Series};
use crate::varint;
use crate::{bytes, record};

/// Where sequence numbers stop moving on for skips: far below overflow, so
/// neither a hostile `Dropped` count nor `starting_at` can make them wrap.
const SEQ_CAP: u64 = u64::MAX >> 1;

/// What [`Ring::store_parts`] returns for a record it could not store: no
/// sequence number reaches it ([`SEQ_CAP`]).
const REFUSED: u64 = u64::MAX;

/// A record staged on the stack before it is copied into the ring.
/// Word-aligned, so clearing it is a few word stores (or the `memclr4` a
/// firmware links anyway), never the byte-wise `memclr` routine.
#[repr(C, align(4))]
struct Staging<const N: usize>([u8; N]);

/// What [`Ring::validate`] found wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Corruption {
    /// Read and write positions are out of range or disagree with their offsets.
    Positions,
    /// A stored record does not parse, or records and counts disagree.
    Records,
    /// Sequence numbers do not add up.
    Sequence,
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Corruption::Positions => "ring positions are inconsistent",
            Corruption::Records => "ring records are damaged",
            Corruption::Sequence => "ring sequence numbers are inconsistent",
        })
    }
}

/// Records copied out of a ring by [`Ring::copy_records`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordBatch {
    /// Bytes of `out` used.
    pub len: usize,
    /// Entries copied.
    pub entries: usize,
    /// Entries the cursor missed because they were overwritten first.
    pub lost: u64,
    /// Whether more entries wait after these (the buffer was full).
    pub more: bool,
    first_seq: u64,
    base_ts: u64,
}

impl RecordBatch {
    /// The copied entries, read from the buffer given to `copy_records`.
    pub fn iter<'a>(&self, out: &'a [u8]) -> Iter<'a> {
        let bytes = out.get(..self.len).unwrap_or(&[]);
        Iter::new(bytes, 0, 0, bytes.len(), self.first_seq, self.base_ts)
    }
}

/// What a full ring does with a new entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Policy {
    /// Evict the oldest entries to make room: a flight recorder that always
    /// holds the most recent history. Readers see evicted entries as a gap.
    #[default]
    OverwriteOldest,
    /// Refuse the new entry and count it; a `Dropped` event records the loss
    /// once there is room again. Keeps the oldest history intact.
    DropNewest,
}

/// Why an entry was not stored. Every refusal is counted in [`RingStats`]
/// and later shows up as an [`Event::Dropped`] entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum PushError {
    /// The encoded entry is larger than the whole ring.
    TooLarge {
        /// Bytes the entry needs.
        needed: usize,
        /// Bytes the ring has.
        capacity: usize,
    },
    /// The ring is full and its policy is [`Policy::DropNewest`].
    Full,
    /// A [`Description`]'s name or label is empty, too long, or (for a
    /// metric) uses characters other than `[A-Za-z0-9_.:-]`.
    BadName,
}

impl PushError {
    /// A short machine-friendly name of the error.
    pub const fn kind(&self) -> &'static str {
        match self {
            PushError::TooLarge { .. } => "too_large",
            PushError::Full => "full",
            PushError::BadName => "bad_name",
        }
    }
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::TooLarge { needed, capacity } => write!(
                f,
                "entry needs {needed} bytes but the ring holds only {capacity}: give the ring more bytes"
            ),
            PushError::Full => f.write_str(
                "ring is full and drops new entries: read or drain it faster, or use OverwriteOldest",
            ),
            PushError::BadName => f.write_str(
                "a metric name must be 1 to 48 bytes of letters, digits, `_`, `.`, `:` or `-`, a label 1 to 48 bytes",
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PushError {}

/// A fixed-capacity ring of log records, metric samples and events, stored
/// in `B` (`[u8; N]`, `&'static mut [u8]`, or on hosts a `Vec<u8>`).
///
/// Pushing never allocates, never blocks and never panics; entries that do
/// not fit are refused and counted.
pub struct Ring<B> {
    buf: B,
    /// `Policy` as a byte (0 overwrite, 1 drop): every field is a plain
    /// integer, so any bit pattern is a `Ring` value that
    /// [`Ring::validate`] can judge (see there).
    policy: u8,
    /// Position (wrapping) of the oldest record; its buffer offset is
    /// `write_off` less the bytes in use (see `read_off`), which keeps the
    /// two offsets from ever disagreeing and `Ring` small.
    read_pos: usize,
    /// Position (wrapping) and buffer offset where the next record goes.
    write_pos: usize,
    write_off: usize,
    /// Sequence number of the oldest record and of the next one.
    first_seq: u64,
    next_seq: u64,
    /// Timestamp before the oldest record (its delta applies to this) and
    /// of the newest record.
    base_ts: u64,
    last_ts: u64,
    /// Records stored.
    len: u32,
    /// Entries refused since the last `Dropped` event was written
    /// (saturating: a ring refusing 2^32 entries in a row is stuck anyway).
    pending_dropped: u32,
    /// Unix µs minus ring µs, from the newest `Anchor` event, when
    /// `anchored` is non-zero.
    anchor: i64,
    anchored: u8,
    /// Entries stored, refused and overwritten: totals, or per level,
    /// metric and event with the `level-stats` feature (84 more bytes a
    /// firmware may not want to spend).
    counters: Counters,
    /// Log records cut short.
    truncated: u32,
}

impl<B> Ring<B> {
    /// A ring over `buf` with the given policy. `const`, so it can be a `static`.
    pub const fn new(buf: B, policy: Policy) -> Self {
        Ring {
            buf,
            policy: match policy {
                Policy::OverwriteOldest => 0,
                Policy::DropNewest => 1,
            },
            read_pos: 0,
            write_pos: 0,
            write_off: 0,
            first_seq: 0,
            next_seq: 0,
            base_ts: 0,
            last_ts: 0,
            len: 0,
            pending_dropped: 0,
            anchor: 0,
            anchored: 0,
            counters: Counters::new(),
            truncated: 0,
        }
    }

    /// This (empty) ring with its numbering starting at `seq` instead of 0:
    /// for entries that continue another ring's stream, such as the names a
    /// page appends to its export after the ring's own frames.
    ///
    /// ```
    /// use vitals_core::{Level, Policy, Ring};
    /// let mut ring = Ring::new([0u8; 128], Policy::OverwriteOldest).starting_at(41);
    /// assert_eq!(ring.push_log(0, Level::Info, b"t", b"the 42nd")?, 41);
    /// # Ok::<(), vitals_core::PushError>(())
    /// ```
    ///
    /// Numbers stop at 2^63 − 1 ([`Ring::next_seq`] never overflows), so a
    /// larger `seq` starts there.
    pub const fn starting_at(mut self, seq: u64) -> Self {
        let seq = if seq > SEQ_CAP { SEQ_CAP } else { seq };
        if self.len == 0 {
            self.first_seq = seq;
            self.next_seq = seq;
        }
        self
    }

    /// This (empty) ring with its byte positions starting at `pos`: tests
    /// use it to cross the wrap at `usize::MAX` that a 32-bit core reaches
    /// after 4 GiB of entries.
    #[cfg(test)]
    pub(crate) fn at_position(mut self, pos: usize) -> Self {
        self.read_pos = pos;
        self.write_pos = pos;
        self
    }

    /// The policy for a full ring.
    pub fn policy(&self) -> Policy {
        if self.policy == 1 {
            Policy::DropNewest
        } else {
            Policy::OverwriteOldest
        }
    }

    /// Number of entries stored.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether no entries are stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sequence number the next stored entry gets (if nothing is dropped first).
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Sequence number of the oldest stored entry (equals [`Ring::next_seq`] when empty).
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// Bytes in use, padding included.
    pub fn used_bytes(&self) -> usize {
        self.write_pos.wrapping_sub(self.read_pos)
    }

    /// Unix time minus ring time in µs, from the newest [`Event::Anchor`]
    /// pushed: add it to a timestamp to get wall-clock time.
    pub fn anchor(&self) -> Option<i64> {
        (self.anchored != 0).then_some(self.anchor)
    }

    /// The raw storage, for fault-injection tests and recovery tools.
    ///
    /// Writing here can damage stored records; the ring never panics on
    /// damaged bytes, and [`Ring::validate`] reports them.
    pub fn storage_mut(&mut self) -> &mut B {
        &mut self.buf
    }

    /// Gives the storage back.
    pub fn into_inner(self) -> B {
        self.buf
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> Ring<B> {
    /// Capacity in bytes.
    pub fn capacity(&self) -> usize {
        self.buf.as_ref().len()
    }

    /// Appends a log record and returns its sequence number.
    ///
    /// A target over [`MAX_TARGET_LEN`] or a message over [`MAX_MESSAGE_LEN`]
    /// bytes is cut and flagged `truncated`.
    ///
    /// # Errors
    /// [`PushError`] when the entry could not be stored; it is counted.
    #[inline]
    pub fn push_log(
        &mut self,
        timestamp_us: u64,
        level: Level,
        target: &[u8],
        message: &[u8],
    ) -> Result<u64, PushError> {
        self.push_log_truncated(timestamp_us, level, target, message, false)
    }

    /// Like [`Ring::push_log`], for a message the caller already cut short
    /// (a full [`MessageBuf`](crate::MessageBuf)): `truncated` flags the
    /// record as cut even when what is left fits.
    ///
    /// ```
    /// use vitals_core::{EntryKind, Level, Policy, Ring};
    /// let mut ring = Ring::new([0u8; 256], Policy::OverwriteOldest);
    /// ring.push_log_truncated(0, Level::Info, b"t", b"the first part", true)?;
    /// assert!(matches!(ring.iter().next().unwrap().kind, EntryKind::Log(l) if l.truncated));
    /// assert_eq!(ring.stats().truncated, 1);
    /// # Ok::<(), vitals_core::PushError>(())
    /// ```
    ///
    /// # Errors
    /// [`PushError`] when the entry could not be stored; it is counted.
    #[inline]
    pub fn push_log_truncated(
        &mut self,
        timestamp_us: u64,
        level: Level,
        target: &[u8],
        message: &[u8],
        truncated: bool,
    ) -> Result<u64, PushError> {
        let (target, cut_target) = entry::truncate(target, MAX_TARGET_LEN);
        let (message, cut_message) = entry::truncate(message, MAX_MESSAGE_LEN);
        let truncated = truncated | cut_target | cut_message;
        if truncated {
            self.truncated = self.truncated.wrapping_add(1);
        }
        self.push_log_record(timestamp_us, &LogRecord { level, target, message, truncated })
    }

    /// Stores a log record as given; its target is at most
    /// [`MAX_TARGET_LEN`] bytes (`record::write_log_head`).
    fn push_log_record(&mut self, timestamp_us: u64, log: &LogRecord<'_>) -> Result<u64, PushError> {
        let delta = self.begin(timestamp_us);
        let body = record::log_body_len(log, delta);
        let mut head = Staging([0; record::MAX_LOG_HEAD]);
        let head_len = record::write_log_head(log, delta, body, &mut head.0);
        let class = log.level as usize;
        // The head always fits (`record::MAX_LOG_HEAD`); were it cut, the
        // record is refused rather than stored without its head.
        let stored = match head.0.get(..head_len) {
            Some(head) => {
                let seq = self.store_parts(timestamp_us, class, &[head, log.target, log.message]);
                self.stored(seq, head_len + log.target.len() + log.message.len())
            }
            None => Err(PushError::TooLarge { needed: head_len, capacity: record::MAX_LOG_HEAD }),
        };
        stored.map_err(|error| self.refuse(class, error))
    }

    /// What every push starts with: the pending `Dropped` event written,
    /// if any, then [`Ring::delta`]. One call on bare metal, where each
    /// push is inlined at its call site.
    #[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
    #[cfg_attr(all(not(feature = "std"), target_os = "none"), inline(never))]
    fn begin(&mut self, timestamp_us: u64) -> u64 {
        if self.pending_dropped != 0 {
            self.write_dropped_event(timestamp_us);
        }
        self.delta(timestamp_us)
    }

    /// The zigzag step from the newest record's timestamp.
    #[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
    fn delta(&self, timestamp_us: u64) -> u64 {
        varint::zigzag(timestamp_us.wrapping_sub(self.last_ts) as i64)
    }

    /// Moves the numbering past `count` lost entries and returns how many
    /// it moved: numbers stop at 2^63 − 1, far below overflow, so a
    /// `Dropped` count from a damaged or hostile stream cannot wrap them,
    /// and the event then reports the numbers it really skipped.
    fn skip_seq(&mut self, count: u64) -> u64 {
        let count = count.min(SEQ_CAP.saturating_sub(self.next_seq));
        self.next_seq += count;
        count
    }

    /// Stores the record made of `parts`, back to back, and returns its
    /// sequence number, or [`REFUSED`] (see [`Ring::stored`]). Every push
    /// ends here, so on bare metal and in wasm reserving, copying and
    /// booking are one out-of-line function rather than a copy per kind of
    /// record; its plain `u64` answer comes back in registers, where a
    /// `Result` would go through memory. The caller counts a refusal.
    #[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
    #[cfg_attr(all(not(feature = "std"), any(target_os = "none", target_arch = "wasm32")), inline(never))]
    fn store_parts(&mut self, timestamp_us: u64, class: usize, parts: &[&[u8]; 3]) -> u64 {
        let size = parts.iter().map(|part| part.len()).sum();
        let Some(mut at) = self.reserve(size) else {
            return REFUSED;
        };
        // `reserve` made `size` bytes from `at` free: the parts fill them.
        let buf = self.buf.as_mut();
        for part in parts {
            bytes::copy(buf.get_mut(at..).unwrap_or_default(), part);
            at += part.len();
        }
        self.commit(timestamp_us, class)
    }

    /// [`Ring::store_parts`]' answer for a record of `size` bytes as a
    /// `Result`: refused, it was larger than the ring, or the ring was full
    /// under [`Policy::DropNewest`] (the only two ways `reserve` fails).
    #[inline]
    fn stored(&self, seq: u64, size: usize) -> Result<u64, PushError> {
        if seq != REFUSED {
            return Ok(seq);
        }
        let capacity = self.capacity();
        Err(if size > capacity { PushError::TooLarge { needed: size, capacity } } else { PushError::Full })
    }

    /// Stores the record `write` writes into a staging buffer of `N` bytes,
    /// which holds the largest record of its kind (`record::MAX_*`, held to
    /// every kind's largest record by `record`'s tests). A writer that
    /// overran it would be refused as too large, never stored cut.
    #[inline]
    fn store_staged<const N: usize>(
        &mut self,
        timestamp_us: u64,
        class: usize,
        write: impl FnOnce(&mut [u8]) -> usize,
    ) -> Result<u64, PushError> {
        let mut record = Staging([0; N]);
        let len = write(&mut record.0);
        match record.0.get(..len) {
            Some(bytes) => {
                let seq = self.store_parts(timestamp_us, class, &[bytes, &[], &[]]);
                self.stored(seq, len)
            }
            None => Err(PushError::TooLarge { needed: len, capacity: N }),
        }
    }

    /// Appends a metric sample and returns its sequence number. `value` is
    /// an `f64`, or an integer or `f32` stored without floating-point work
    /// (see [`MetricValue`]).
    ///
    /// # Errors
    /// [`PushError`] when the entry could not be stored; it is counted.
    #[inline]
    pub fn push_metric(
        &mut self,
        timestamp_us: u64,
        series: Series,
        value: impl Into<MetricValue>,
    ) -> Result<u64, PushError> {
        let delta = self.begin(timestamp_us);
        // The hottest path: the value's encoding is chosen once.
        let MetricValue(value) = value.into();
        self.store_staged::<{ record::MAX_SMALL_RECORD }>(timestamp_us, CLASS_METRIC, |out| {
            record::write_metric(out, series, value, delta)
        })
        .map_err(|error| self.refuse(CLASS_METRIC, error))
    }

    /// Appends an event and returns its sequence number.
    ///
    /// # Errors
    /// [`PushError`] when the entry could not be stored; it is counted.
    pub fn push_event(&mut self, timestamp_us: u64, event: Event) -> Result<u64, PushError> {
        let delta = self.begin(timestamp_us);
        // A `Dropped` event owns the sequence numbers of what it reports
        // lost, whoever writes it (an importer replaying a stream, say).
        let before = self.next_seq;
        let event = match event {
            Event::Dropped { count } => Event::Dropped { count: self.skip_seq(count) },
            other => other,
        };
        let write = |out: &mut [u8]| record::write_event(out, &event, delta);
        match self.store_staged::<{ record::MAX_EVENT_RECORD }>(timestamp_us, CLASS_EVENT, write) {
            Ok(seq) => {
                if let Event::Anchor { unix_us } = event {
                    self.anchor = unix_us.wrapping_sub(timestamp_us) as i64;
                    self.anchored = 1;
                }
                Ok(seq)
            }
            Err(error) => {
                self.next_seq = before;
                Err(self.refuse(CLASS_EVENT, error))
            }
        }
    }

    /// Appends any entry as given and returns its sequence number. A log
    /// record's message is not cut here (use [`Ring::push_log`] for that);
    /// a target over [`MAX_TARGET_LEN`] bytes is, as by `push_log`.
    ///
    /// # Errors
    /// [`PushError`] when the entry could not be stored; it is counted.
    pub fn push(&mut self, timestamp_us: u64, kind: &EntryKind<'_>) -> Result<u64, PushError> {
        match kind {
            EntryKind::Log(log) if log.target.len() <= MAX_TARGET_LEN => {
                self.push_log_record(timestamp_us, log)
            }
            EntryKind::Log(log) => {
                let (target, _) = entry::truncate(log.target, MAX_TARGET_LEN);
                self.truncated = self.truncated.wrapping_add(1);
                self.push_log_record(timestamp_us, &LogRecord { target, truncated: true, ..*log })
            }
            EntryKind::Metric(sample) => self.push_metric(timestamp_us, sample.series, sample.value),
            EntryKind::Event(event) => self.push_event(timestamp_us, *event),
            EntryKind::Describe(description) => self.push_description(timestamp_us, *description),
        }
    }

    /// Appends a [`Description`]: what a custom metric or an instance is
    /// called, so readers of an export can name them. Counted as an event.
    ///
    /// # Errors
    /// [`PushError::BadName`] (not counted: nothing was lost) when the name
    /// or label breaks the rules in [`Description`]; otherwise as for any
    /// entry.
    pub fn push_description(
        &mut self,
        timestamp_us: u64,
        description: Description<'_>,
    ) -> Result<u64, PushError> {
        let delta = self.begin(timestamp_us);
        if !record::valid_description(&description) {
            return Err(PushError::BadName);
        }
        let write = |out: &mut [u8]| record::write_description(out, &description, delta);
        self.store_staged::<{ record::MAX_EVENT_RECORD }>(timestamp_us, CLASS_EVENT, write)
            .map_err(|error| self.refuse(CLASS_EVENT, error))
    }

    /// Counts a refused entry; a `Dropped` event reports it later.
    #[cold]
    fn refuse(&mut self, class: usize, error: PushError) -> PushError {
        self.counters.refused(class);
        self.pending_dropped = self.pending_dropped.saturating_add(1);
        error
    }

    /// Books a stored record: its timestamp, sequence number and counters.
    #[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
    fn commit(&mut self, timestamp_us: u64, class: usize) -> u64 {
        self.last_ts = timestamp_us;
        let seq = self.next_seq;
        self.next_seq += 1;
        self.len += 1;
        self.counters.stored(class);
        seq
    }

    /// Writes the `Dropped` event for entries refused so far, if it fits.
    #[inline(never)]
    fn write_dropped_event(&mut self, timestamp_us: u64) {
        // The lost entries own the sequence numbers before the event.
        let before = self.next_seq;
        let count = self.skip_seq(u64::from(self.pending_dropped));
        let delta = self.delta(timestamp_us);
        let write = |out: &mut [u8]| record::write_dropped(out, count, delta);
        if self.store_staged::<{ record::MAX_SMALL_RECORD }>(timestamp_us, CLASS_EVENT, write).is_ok() {
            self.pending_dropped = 0;
        } else {
            self.next_seq = before;
        }
    }

    /// Makes room for `size` contiguous bytes and returns their offset.
    #[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
    fn reserve(&mut self, size: usize) -> Option<usize> {
        let capacity = self.capacity();
        let tail = capacity - self.write_off;
        // Fast path: it fits after the newest record.
        if size <= tail && size <= capacity - self.used_bytes() {
            return Some(self.advance_write(size, capacity));
        }
        self.reserve_slow(size, capacity)
    }

    #[inline]
    fn advance_write(&mut self, size: usize, capacity: usize) -> usize {
        let offset = self.write_off;
        self.write_pos = self.write_pos.wrapping_add(size);
        self.write_off += size;
        if self.write_off == capacity {
            self.write_off = 0;
        }
        offset
    }

    /// Evicts (or refuses) until `size` bytes fit, padding past the end of
    /// the buffer when the record would not fit there. `None`: larger than
    /// the ring, or the ring is full under [`Policy::DropNewest`].
    fn reserve_slow(&mut self, size: usize, capacity: usize) -> Option<usize> {
        if size > capacity {
            return None;
        }
        loop {
            let tail = capacity - self.write_off;
            let needed = if size <= tail { size } else { tail + size };
            while self.used_bytes() + needed > capacity && self.len > 0 {
                let leading_pad = self.buf.as_ref().get(self.read_off()) == Some(&0);
                if self.policy == 1 && !leading_pad {
                    return None;
                }
                self.evict_oldest(true);
            }
            if self.len == 0 {
                // Only padding (or nothing) left: forget it.
                self.read_pos = self.write_pos;
            }
            if self.used_bytes() + needed <= capacity {
                break;
            }
            // Empty, and the record fits neither in the short tail nor
            // after a pad: skip the tail without writing one.
            self.write_pos = self.write_pos.wrapping_add(tail);
            self.write_off = 0;
            self.read_pos = self.write_pos;
        }
        let tail = capacity - self.write_off;
        if size > tail {
            if let Some(pad) = self.buf.as_mut().get_mut(self.write_off) {
                *pad = 0; // rest of the buffer unused
            }
            self.write_pos = self.write_pos.wrapping_add(tail);
            self.write_off = 0;
        }
        Some(self.advance_write(size, capacity))
    }

    /// Removes the oldest record (or pad). `overwrite` counts it as lost.
    #[inline]
    fn evict_oldest(&mut self, overwrite: bool) {
        let (capacity, read_off) = (self.capacity(), self.read_off());
        match record::header(self.buf.as_ref().get(read_off..).unwrap_or_default()) {
            // Damaged bookkeeping (see `validate`): start over, never underflow.
            Ok(Some(header)) if self.len == 0 || header.size > self.used_bytes() => {
                self.reset_storage();
            }
            Ok(Some(header)) => {
                if overwrite {
                    self.counters.overwrote(header.class, 1);
                }
                self.base_ts = self.base_ts.wrapping_add(header.delta as u64);
                self.first_seq = self.first_seq.wrapping_add(1).wrapping_add(header.seq_skip);
                self.len -= 1;
                self.advance_read(header.size);
            }
            // A pad: the rest of the buffer is unused.
            Ok(None) => match capacity.checked_sub(read_off) {
                Some(rest) if rest > 0 => self.advance_read(rest),
                _ => self.reset_storage(),
            },
            // Only our own writes are here, so this cannot happen; if memory
            // was corrupted, start over rather than loop or panic.
            Err(_) => self.reset_storage(),
        }
    }

    #[inline]
    fn advance_read(&mut self, by: usize) {
        self.read_pos = self.read_pos.wrapping_add(by);
    }

    /// Buffer offset of the oldest record: the bytes in use (padding
    /// included) end at `write_off`, wrapping at the capacity.
    fn read_off(&self) -> usize {
        let used = self.used_bytes();
        match self.write_off.checked_sub(used) {
            Some(off) => off,
            // Damaged positions (`validate` rejects them) give an offset
            // out of range, which every read treats as no record.
            None => (self.write_off + self.capacity()).wrapping_sub(used),
        }
    }

    fn reset_storage(&mut self) {
        // Which classes they were is not known: counted as events.
        self.counters.overwrote(CLASS_EVENT, self.len);
        self.read_pos = self.write_pos;
        self.first_seq = self.next_seq;
        self.base_ts = self.last_ts;
        self.len = 0;
    }

    /// Calls `f` with the oldest entry and removes it. Returns `None` when empty.
    ///
    /// ```
    /// use vitals_core::{Level, Policy, Ring};
    /// let mut ring = Ring::new([0u8; 128], Policy::DropNewest);
    /// ring.push_log(0, Level::Info, b"t", b"one")?;
    /// assert_eq!(ring.pop_with(|e| e.seq), Some(0));
    /// assert!(ring.is_empty());
    /// # Ok::<(), vitals_core::PushError>(())
    /// ```
    pub fn pop_with<R>(&mut self, f: impl FnOnce(Entry<'_>) -> R) -> Option<R> {
        let result = self.iter().next().map(f)?;
        self.skip_padding();
        self.evict_oldest(false);
        Some(result)
    }

    /// Calls `f` with every entry, oldest first, removing each.
    pub fn drain(&mut self, mut f: impl FnMut(Entry<'_>)) {
        while self.pop_with(&mut f).is_some() {}
    }

    /// Removes every entry. Sequence numbers go on from where they were.
    pub fn clear(&mut self) {
        self.read_pos = self.write_pos;
        self.first_seq = self.next_seq;
        self.base_ts = self.last_ts;
        self.len = 0;
    }

    fn skip_padding(&mut self) {
        let read_off = self.read_off();
        if self.len > 0 && self.buf.as_ref().get(read_off) == Some(&0) {
            self.advance_read(self.capacity() - read_off);
        }
    }

    /// The entries, oldest first, borrowed in place.
    pub fn iter(&self) -> Iter<'_> {
        Iter::new(
            self.buf.as_ref(),
            self.read_pos,
            self.read_off(),
            self.write_pos,
            self.first_seq,
            self.base_ts,
        )
    }

    /// Reads the entries after `cursor` and moves it along as they are
    /// consumed; see [`Reader::lost`] for entries overwritten before it got
    /// to them.
    pub fn read<'a>(&'a self, cursor: &'a mut Cursor) -> Reader<'a> {
        Reader::new(self, cursor)
    }

    /// Copies the records after `cursor` into `out`, as many as fit, and
    /// advances the cursor past them: the cheap way to move entries out of a
    /// critical section and format or write them outside it. Read them back
    /// with [`RecordBatch::iter`]. An entry larger than all of `out` is
    /// skipped and counted in `lost`.
    ///
    /// ```
    /// use vitals_core::{Cursor, Level, Policy, Ring};
    /// let mut ring = Ring::new([0u8; 256], Policy::OverwriteOldest);
    /// ring.push_log(1, Level::Info, b"t", b"copied out")?;
    /// let mut out = [0u8; 128];
    /// let mut cursor = Cursor::new();
    /// let batch = ring.copy_records(&mut cursor, &mut out);
    /// assert_eq!(batch.entries, 1);
    /// let entry = batch.iter(&out).next().unwrap();
    /// assert_eq!(entry.seq, 0);
    /// # Ok::<(), vitals_core::PushError>(())
    /// ```
    pub fn copy_records(&self, cursor: &mut Cursor, out: &mut [u8]) -> RecordBatch {
        let mut reader = self.read(cursor);
        let mut lost = reader.lost();
        let mut next = reader.peek_raw();
        let (mut first_seq, mut base_ts) = reader.position();
        let mut len = 0;
        let mut entries = 0;
        let mut more = false;
        while let Some((raw, header)) = next {
            let Some(slot) = out.get_mut(len..len + raw.len()) else {
                if entries == 0 {
                    // Larger than the whole buffer: step past it, counted,
                    // so a reader never stalls on it.
                    reader.pass(&header);
                    lost += 1;
                    next = reader.peek_raw();
                    (first_seq, base_ts) = reader.position();
                    continue;
                }
                more = true;
                break;
            };
            bytes::copy(slot, raw);
            reader.pass(&header);
            len += raw.len();
            entries += 1;
            next = reader.peek_raw();
        }
        RecordBatch { len, entries, lost, more, first_seq, base_ts }
    }

    /// Checks that the ring's bookkeeping and every stored record agree:
    /// positions within the buffer and consistent with the capacity, every
    /// record between the oldest and the newest parses, and the record count
    /// and sequence numbers add up.
    ///
    /// A ring kept in memory that survives a reset (a no-init RAM section)
    /// may come back damaged; check it with this before use and start a new
    /// one if it fails. Every field of a `Ring` is a plain integer, so any
    /// bit pattern can be checked.
    ///
    /// ```
    /// use vitals_core::{Level, Policy, Ring};
    /// let mut ring = Ring::new([0u8; 128], Policy::OverwriteOldest);
    /// ring.push_log(1, Level::Info, b"t", b"ok")?;
    /// assert_eq!(ring.validate(), Ok(()));
    /// # Ok::<(), vitals_core::PushError>(())
    /// ```
    ///
    /// # Errors
    /// [`Corruption`] saying which check failed.
    pub fn validate(&self) -> Result<(), Corruption> {
        let capacity = self.capacity();
        let used = self.used_bytes();
        if self.policy > 1 || self.anchored > 1 || used > capacity {
            return Err(Corruption::Positions);
        }
        if capacity == 0 {
            return if self.len == 0 { Ok(()) } else { Err(Corruption::Positions) };
        }
        if self.write_off >= capacity {
            return Err(Corruption::Positions);
        }
        if self.next_seq < self.first_seq {
            return Err(Corruption::Sequence);
        }
        // Walk the records exactly as a reader would, checking each step.
        let (mut left, mut off, mut seq) = (used, self.read_off(), self.first_seq);
        let mut count: u32 = 0;
        let bytes = self.buf.as_ref();
        while left > 0 {
            let step = match record::parse(bytes.get(off..).unwrap_or_default()) {
                Ok(Some(parsed)) => {
                    seq = seq.checked_add(1 + parsed.seq_skip()).ok_or(Corruption::Sequence)?;
                    count = count.checked_add(1).ok_or(Corruption::Records)?;
                    parsed.size
                }
                Ok(None) => capacity - off,
                Err(_) => return Err(Corruption::Records),
            };
            left = left.checked_sub(step).ok_or(Corruption::Records)?;
            off += step;
            if off == capacity {
                off = 0;
            }
        }
        if count != self.len {
            return Err(Corruption::Records);
        }
        if seq != self.next_seq {
            return Err(Corruption::Sequence);
        }
        Ok(())
    }

    /// Counters and fill level.
    pub fn stats(&self) -> RingStats {
        RingStats {
            capacity: self.capacity(),
            used_bytes: self.used_bytes(),
            len: self.len as usize,
            first_seq: self.first_seq,
            next_seq: self.next_seq,
            pending_dropped: u64::from(self.pending_dropped),
            counters: self.counters,
            truncated: self.truncated,
        }
    }

    /// What a cursor needs to start at the oldest entry.
    pub(crate) fn start(&self) -> (usize, usize, u64, u64) {
        (self.read_pos, self.read_off(), self.first_seq, self.base_ts)
    }

    pub(crate) fn write_pos(&self) -> usize {
        self.write_pos
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.buf.as_ref()
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> fmt::Debug for Ring<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ring").field("policy", &self.policy()).field("stats", &self.stats()).finish()
    }
}
