//! Moving a ring's contents in and out as the core wire format: the same
//! bytes a firmware sends over a UART and `vitals decode` reads.

use alloc::vec::Vec;
use core::cell::Cell;

use vitals_core::wire::{encode_frame, Decoded, Decoder, DescriptionFrames, MAX_FRAME_LEN};
use vitals_core::{Cursor, Description, Entry, EntryKind, Event, MetricId, Registry, Ring, Series};

/// Every stored entry as frames, oldest first, then the names of the
/// custom metrics and instance labels in `registry` as description records
/// numbered on from the ring's entries, so a reader shows `browser.fps`
/// rather than `metric#136`.
#[allow(clippy::reserve_after_initialization)] // deliberate: see `out` below
pub(crate) fn export<B, const M: usize, const L: usize>(
    ring: &Ring<B>,
    registry: &Registry<M, L>,
    now_us: u64,
) -> Vec<u8>
where
    B: AsRef<[u8]> + AsMut<[u8]>,
{
    // Room for the frames up front (`reserve` on an empty Vec takes just
    // that), through the growth code the rows use rather than with_capacity's.
    let mut out = Vec::new();
    out.reserve(ring.used_bytes() + ring.used_bytes() / 8 + 64);
    append_frames(ring, &mut out);
    let mut frame = [0u8; MAX_FRAME_LEN];
    let mut names =
        DescriptionFrames::new(&mut frame, ring.next_seq(), now_us, |frame| out.extend_from_slice(frame));
    registry.descriptions(|description| {
        names.push(&description);
    });
    names.finish();
    out
}

/// Appends every entry of `ring` to `out` as frames.
fn append_frames<B: AsRef<[u8]> + AsMut<[u8]>>(ring: &Ring<B>, out: &mut Vec<u8>) {
    let mut cursor = Cursor::new();
    let mut frame = [0u8; MAX_FRAME_LEN];
    loop {
        let encoded = encode_frame(ring, &mut cursor, &mut frame);
        out.extend_from_slice(frame.get(..encoded.bytes).unwrap_or(&[]));
        if !encoded.more {
            return;
        }
    }
}

/// What an import did, for the `ImportReport` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ImportReport {
    /// Entries stored in the ring.
    pub(crate) imported: u64,
    /// Entries the ring refused (larger than the ring).
    pub(crate) refused: u64,
    /// Frames read.
    pub(crate) frames: u64,
    /// Frames thrown away (damaged, unknown version, cut off).
    pub(crate) bad_frames: u64,
    /// Bytes thrown away.
    pub(crate) skipped_bytes: u64,
    /// Jumps in sequence numbers between frames.
    pub(crate) gaps: u64,
    /// Entries missing: the sum of the gaps, plus losses the dump itself recorded.
    pub(crate) lost: u64,
    /// Whether the dump mapped its clock to wall time, so its entries were
    /// moved onto this page's clock.
    pub(crate) anchored: bool,
}

impl ImportReport {
    /// The numbers of `ImportReport` in the order `report` in
    /// `bridge.js` reads them.
    pub(crate) fn values(self) -> [f64; 8] {
        [
            self.imported as f64,
            self.refused as f64,
            self.frames as f64,
            self.bad_frames as f64,
            self.skipped_bytes as f64,
            self.gaps as f64,
            self.lost as f64,
            f64::from(u8::from(self.anchored)),
        ]
    }
}

/// Decodes `bytes` and appends the entries to `ring`.
///
/// The entries get new sequence numbers. When the dump is anchored and the
/// ring too, timestamps are moved onto the ring's clock so wall times stay
/// right; otherwise they are kept as they were. The dump's anchor and
/// dropped events are not copied (they describe the dump's own clock and
/// sequence numbers), but its losses count in `lost`.
///
/// Custom metric ids are the dump's own: each custom metric the dump names
/// in a description record is registered here by that name (or found, when
/// this registry has it already), and its samples and crossings take this
/// registry's id, so they never show under another metric's name; its
/// instance labels are taken in too. A custom id the dump does not name
/// (or that this registry has no room for) is kept as it is.
pub(crate) fn import<B, const M: usize, const L: usize>(
    ring: &mut Ring<B>,
    registry: &mut Registry<M, L>,
    bytes: &[u8],
) -> ImportReport
where
    B: AsRef<[u8]> + AsMut<[u8]>,
{
    // Two passes with one decoder type and one callback, so the decoder's
    // code is in the module once: the dump's names first, each custom
    // metric registered here and its id here noted against the dump's,
    // then its entries.
    let mut ours: Vec<(MetricId, MetricId)> = Vec::new();
    let learning = Cell::new(true);
    let mut report = ImportReport::default();
    let anchor_here = ring.anchor();
    let mut on_item = |item: Decoded<'_>| match item {
        Decoded::Entry {
            entry: Entry { kind: EntryKind::Describe(Description::Metric { metric, name, unit, kind }), .. },
            ..
        } if learning.get() && metric.is_custom() => {
            if let Ok(id) = registry.register(name, unit, kind) {
                match ours.iter_mut().find(|(theirs, _)| *theirs == metric) {
                    Some(pair) => pair.1 = id,
                    None => ours.push((metric, id)),
                }
            }
        }
        _ if learning.get() => {}
        Decoded::Entry { entry, anchor } => {
            let ids =
                |metric: MetricId| ours.iter().find(|(theirs, _)| *theirs == metric).map_or(metric, |p| p.1);
            let timestamp = match (anchor, anchor_here) {
                (Some(theirs), Some(ours)) => {
                    report.anchored = true;
                    (entry.timestamp_us as i64).wrapping_add(theirs).wrapping_sub(ours).max(0) as u64
                }
                _ => entry.timestamp_us,
            };
            let stored = match entry.kind {
                EntryKind::Log(log) => {
                    ring.push_log_truncated(timestamp, log.level, log.target, log.message, log.truncated)
                }
                EntryKind::Metric(sample) => {
                    let series = Series::new(ids(sample.series.metric), sample.series.instance);
                    ring.push_metric(timestamp, series, sample.value)
                }
                EntryKind::Event(Event::Dropped { count }) => {
                    report.lost += count;
                    return;
                }
                EntryKind::Describe(Description::Label { series, label }) => {
                    let series = Series::new(ids(series.metric), series.instance);
                    let _ = registry.set_label(series, label); // a full table keeps the numbers
                    return;
                }
                // The dump's own clock; its metric names were read first.
                EntryKind::Event(Event::Anchor { .. }) | EntryKind::Describe(_) => return,
                EntryKind::Event(mut event) => {
                    if let Event::Threshold(crossing) = &mut event {
                        crossing.series.metric = ids(crossing.series.metric);
                    }
                    ring.push_event(timestamp, event)
                }
                // No other kind exists yet; one a later core adds is not taken.
                _ => return,
            };
            match stored {
                Ok(_) => report.imported += 1,
                Err(_) => report.refused += 1,
            }
        }
        Decoded::Gap { lost } => {
            report.gaps += 1;
            report.lost += lost;
        }
        Decoded::Skipped { .. } => {}
    };
    let mut decoder = Decoder::new();
    decoder.feed(bytes, &mut on_item);
    decoder.finish(&mut on_item);
    learning.set(false);
    decoder = Decoder::new();
    decoder.feed(bytes, &mut on_item);
    decoder.finish(&mut on_item);
    let stats = decoder.stats();
    report.frames = stats.frames;
    report.bad_frames = stats.bad_frames;
    report.skipped_bytes = stats.skipped_bytes;
    report
}
