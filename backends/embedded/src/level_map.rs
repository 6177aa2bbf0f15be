//! Which defmt level each ring entry goes out at: the table
//! [`drain_to_defmt`](crate::drain_to_defmt) follows, kept here as plain
//! data so it is the same with and without the `defmt` feature.
//!
//! | ring entry                         | defmt level | note                              |
//! |------------------------------------|-------------|-----------------------------------|
//! | log TRACE                          | `trace!`    |                                   |
//! | log DEBUG                          | `debug!`    |                                   |
//! | log INFO                           | `info!`     |                                   |
//! | log WARN                           | `warn!`     |                                   |
//! | log ERROR                          | `error!`    |                                   |
//! | log CRITICAL                       | `error!`    | the line starts with `CRITICAL`   |
//! | metric sample                      | `debug!`    | `name#instance = value unit`      |
//! | `Event::Boot`                      | `info!`     | with the reset reason             |
//! | `Event::Dropped`                   | `warn!`     | entries lost before this one      |
//! | `Event::Threshold`, `Event::Anchor`| `debug!`    | a crossing also has its own log entry |
//!
//! # Example
//!
//! ```
//! use vitals_embedded::{defmt_level, DefmtLevel, Level, Policy, Ring};
//! let mut ring = Ring::new([0u8; 128], Policy::OverwriteOldest);
//! ring.push_log(0, Level::Critical, b"power", b"brown-out")?;
//! let entry = ring.iter().next().unwrap();
//! assert_eq!(defmt_level(&entry.kind), (DefmtLevel::Error, true));
//! # Ok::<(), vitals_embedded::vitals_core::PushError>(())
//! ```

use vitals_core::{EntryKind, Event, Level};

/// The five defmt log levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DefmtLevel {
    /// `defmt::trace!`
    Trace,
    /// `defmt::debug!`
    Debug,
    /// `defmt::info!`
    Info,
    /// `defmt::warn!`
    Warn,
    /// `defmt::error!`
    Error,
}

impl DefmtLevel {
    /// The defmt level of a Vitals level (CRITICAL becomes ERROR: defmt has
    /// nothing above it).
    pub const fn from_level(level: Level) -> Self {
        match level {
            Level::Trace => DefmtLevel::Trace,
            Level::Debug => DefmtLevel::Debug,
            Level::Info => DefmtLevel::Info,
            Level::Warn => DefmtLevel::Warn,
            Level::Error | Level::Critical => DefmtLevel::Error,
        }
    }
}

/// The defmt level an entry is sent at, and whether its line carries the
/// `CRITICAL` marker (a CRITICAL log record, which defmt cannot express).
pub fn defmt_level(kind: &EntryKind<'_>) -> (DefmtLevel, bool) {
    match kind {
        EntryKind::Log(log) => (DefmtLevel::from_level(log.level), log.level == Level::Critical),
        EntryKind::Metric(_) => (DefmtLevel::Debug, false),
        EntryKind::Event(Event::Boot { .. }) => (DefmtLevel::Info, false),
        EntryKind::Event(Event::Dropped { .. }) => (DefmtLevel::Warn, false),
        _ => (DefmtLevel::Debug, false),
    }
}

#[cfg(test)]
mod tests {
    use vitals_core::{Crossing, LogRecord, MetricId, ResetReason, Sample};

    use super::*;

    #[test]
    fn every_level_maps_as_documented() {
        let expected = [
            (Level::Trace, DefmtLevel::Trace, false),
            (Level::Debug, DefmtLevel::Debug, false),
            (Level::Info, DefmtLevel::Info, false),
            (Level::Warn, DefmtLevel::Warn, false),
            (Level::Error, DefmtLevel::Error, false),
            (Level::Critical, DefmtLevel::Error, true),
        ];
        for (level, defmt, marker) in expected {
            let log = LogRecord { level, target: b"t", message: b"m", truncated: false };
            assert_eq!(defmt_level(&EntryKind::Log(log)), (defmt, marker), "{level:?}");
        }
    }

    #[test]
    fn metrics_and_events_map_as_documented() {
        let sample = Sample::new(MetricId::CPU_USAGE, 1.0);
        assert_eq!(defmt_level(&EntryKind::Metric(sample)), (DefmtLevel::Debug, false));
        let boot = Event::Boot { reason: ResetReason::Watchdog };
        assert_eq!(defmt_level(&EntryKind::Event(boot)), (DefmtLevel::Info, false));
        let dropped = Event::Dropped { count: 3 };
        assert_eq!(defmt_level(&EntryKind::Event(dropped)), (DefmtLevel::Warn, false));
        let crossing = Crossing {
            series: MetricId::CPU_USAGE.series(),
            from: None,
            to: Some(Level::Warn),
            value: 85.0,
            threshold: 80.0,
        };
        assert_eq!(defmt_level(&EntryKind::Event(Event::Threshold(crossing))), (DefmtLevel::Debug, false));
        let anchor = Event::Anchor { unix_us: 1 };
        assert_eq!(defmt_level(&EntryKind::Event(anchor)), (DefmtLevel::Debug, false));
    }
}
