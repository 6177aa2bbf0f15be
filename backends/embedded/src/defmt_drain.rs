//! Streaming ring contents out as defmt log frames (feature `defmt`), at
//! the levels in the [mapping table](crate::defmt_level).
//!
//! # Example
//!
//! ```no_run
//! use vitals_embedded::{drain_to_defmt, global_ring, Cursor};
//!
//! global_ring!(VITALS, 4096);
//! let mut cursor = Cursor::new();
//! loop {
//!     let drained = drain_to_defmt(&VITALS, &mut cursor);
//!     if drained.lost > 0 {
//!         // the ring overwrote entries before they went out: drain more often
//!     }
//!     # break;
//! }
//! ```

use vitals_core::{Cursor, Entry, EntryKind, Event, LogRecord, Sample, SharedRing, CATALOG};

use crate::level_map::{defmt_level, DefmtLevel};

/// What [`drain_to_defmt`] sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, defmt::Format)]
pub struct Drained {
    /// Entries sent as defmt frames.
    pub entries: usize,
    /// Entries the cursor missed because the ring overwrote them first.
    pub lost: u64,
}

/// Sends every entry after `cursor` that the ring holds now as a defmt log
/// frame, and advances the cursor. Entries pushed while it runs wait for the
/// next call, so it always returns.
///
/// Each entry is read and sent inside one short critical section (defmt's
/// global loggers take one for every frame anyway), so interrupts wait for
/// at most one entry. Timestamps are the ring's, in the frame text
/// (`{=u64:us}`), whatever `defmt::timestamp!` the firmware has.
pub fn drain_to_defmt<B: AsRef<[u8]> + AsMut<[u8]>>(ring: &SharedRing<B>, cursor: &mut Cursor) -> Drained {
    let end = ring.with(|ring| ring.next_seq());
    let mut drained = Drained::default();
    while cursor.next_seq() < end {
        let (lost, sent) = ring.with(|ring| {
            let mut reader = ring.read(cursor);
            let lost = reader.lost();
            let sent = reader.next().map(|entry| emit(&entry)).is_some();
            (lost, sent)
        });
        drained.lost += lost;
        if !sent {
            break;
        }
        drained.entries += 1;
    }
    drained
}

/// The valid UTF-8 start of `bytes` (records are UTF-8 unless a producer
/// pushed raw bytes).
fn text(bytes: &[u8]) -> &str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => bytes
            .get(..error.valid_up_to())
            .and_then(|valid| core::str::from_utf8(valid).ok())
            .unwrap_or_default(),
    }
}

fn emit(entry: &Entry<'_>) {
    let t = entry.timestamp_us;
    match entry.kind {
        EntryKind::Log(log) => emit_log(t, &log),
        EntryKind::Metric(sample) => emit_metric(t, &sample),
        EntryKind::Event(Event::Boot { reason }) => {
            defmt::info!("[{=u64:us}] boot, reset reason: {=str}", t, reason.as_str());
        }
        EntryKind::Event(Event::Dropped { count }) => {
            defmt::warn!("[{=u64:us}] {=u64} entries lost here (ring full)", t, count);
        }
        EntryKind::Event(Event::Threshold(crossing)) => {
            let name = CATALOG.get(crossing.series.metric).map_or("metric", |info| info.name);
            let to = crossing.to.map_or("OK", |level| level.as_str());
            defmt::debug!(
                "[{=u64:us}] threshold {=str}#{=u16} -> {=str} at {=f64} (threshold {=f64})",
                t,
                name,
                crossing.series.instance,
                to,
                crossing.value,
                crossing.threshold
            );
        }
        EntryKind::Event(Event::Anchor { unix_us }) => {
            defmt::debug!("[{=u64:us}] clock anchor: unix {=u64} us", t, unix_us);
        }
        _ => defmt::debug!("[{=u64:us}] entry #{=u64} of a kind this build does not know", t, entry.seq),
    }
}

fn emit_log(t: u64, log: &LogRecord<'_>) {
    let (target, message) = (text(log.target), text(log.message));
    let cut = if log.truncated { " [truncated]" } else { "" };
    match defmt_level(&EntryKind::Log(*log)) {
        (DefmtLevel::Trace, _) => defmt::trace!("[{=u64:us}] {=str}: {=str}{=str}", t, target, message, cut),
        (DefmtLevel::Debug, _) => defmt::debug!("[{=u64:us}] {=str}: {=str}{=str}", t, target, message, cut),
        (DefmtLevel::Info, _) => defmt::info!("[{=u64:us}] {=str}: {=str}{=str}", t, target, message, cut),
        (DefmtLevel::Warn, _) => defmt::warn!("[{=u64:us}] {=str}: {=str}{=str}", t, target, message, cut),
        (DefmtLevel::Error, false) => {
            defmt::error!("[{=u64:us}] {=str}: {=str}{=str}", t, target, message, cut);
        }
        (DefmtLevel::Error, true) => {
            defmt::error!("[{=u64:us}] CRITICAL {=str}: {=str}{=str}", t, target, message, cut);
        }
    }
}

fn emit_metric(t: u64, sample: &Sample) {
    let info = CATALOG.get(sample.series.metric);
    let name = info.map_or("custom", |info| info.name);
    let unit = info.map_or("", |info| info.unit.symbol());
    defmt::debug!(
        "[{=u64:us}] {=str} (#{=u16}) instance {=u16} = {=f64} {=str}",
        t,
        name,
        sample.series.metric.0,
        sample.series.instance,
        sample.value,
        unit
    );
}
