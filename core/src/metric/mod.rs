//! The metric model: a standard catalog of what machines measure, custom
//! metrics registered at run time, and the latest value of each series.
//!
//! A *series* is a metric plus an instance number: CPU core 3, the second
//! mounted filesystem, network interface 1. Instance numbers are given a
//! human label (`/home`, `eth0`) in a [`Registry`]; instance 0 is the whole
//! machine or the only one.
//!
//! # Example
//!
//! ```
//! use vitals_core::{MetricId, MetricKind, MetricNames, Unit, CATALOG};
//!
//! let info = CATALOG.describe(MetricId::MEM_AVAILABLE).unwrap();
//! assert_eq!(info.name, "memory.available");
//! assert_eq!(info.unit, Unit::Bytes);
//! assert_eq!(info.kind, MetricKind::Gauge);
//! assert_eq!(CATALOG.exposition(MetricId::MEM_AVAILABLE).unwrap().name, "vitals_memory_MemAvailable_bytes");
//! ```

mod catalog;
mod latest;
mod registry;
mod value;

pub use catalog::{Catalog, Exposition, MetricInfo, CATALOG};
pub use latest::{LatestValues, SeriesValue};
pub(crate) use registry::valid_name;
pub use registry::{Registry, RegistryError, MAX_NAME_LEN};
pub use value::MetricValue;

use core::fmt;

/// Which metric a sample measures: an index into the standard catalog
/// (below [`MetricId::CUSTOM_BASE`]) or a custom metric from a [`Registry`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MetricId(pub u16);

/// A metric and an instance of it: one time series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Series {
    /// The metric.
    pub metric: MetricId,
    /// Which instance (core, mount, interface, sensor); 0 for the whole.
    pub instance: u16,
}

impl Series {
    /// The series `metric` / `instance`.
    pub const fn new(metric: MetricId, instance: u16) -> Self {
        Series { metric, instance }
    }
}

impl MetricId {
    /// The first id given to custom metrics; ids below are the catalog's.
    pub const CUSTOM_BASE: u16 = 128;

    /// Whether this id names a registered custom metric.
    pub const fn is_custom(self) -> bool {
        self.0 >= Self::CUSTOM_BASE
    }

    /// The whole-machine (instance 0) series of this metric.
    pub const fn series(self) -> Series {
        Series::new(self, 0)
    }

    /// Instance `instance` of this metric.
    pub const fn instance(self, instance: u16) -> Series {
        Series::new(self, instance)
    }
}

impl fmt::Display for MetricId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match CATALOG.describe(*self) {
            Some(info) => f.pad(info.name),
            None => write!(f, "metric#{}", self.0),
        }
    }
}

/// How a metric's values behave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum MetricKind {
    /// A value that goes up and down (memory used, temperature).
    Gauge,
    /// A running total that only grows until a reset (bytes received); its
    /// rate comes from the difference of two samples.
    Counter,
}

impl MetricKind {
    /// The Prometheus `# TYPE` word.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricKind::Gauge => "gauge",
            MetricKind::Counter => "counter",
        }
    }

    /// Parses `gauge` or `counter`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "gauge" => Some(MetricKind::Gauge),
            "counter" => Some(MetricKind::Counter),
            _ => None,
        }
    }
}

/// The unit of a metric's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Unit {
    /// No unit (a count, a load average).
    None,
    /// Percent, 0–100 (or above 100 for multi-core process CPU).
    Percent,
    /// Bytes.
    Bytes,
    /// Seconds.
    Seconds,
    /// Milliseconds.
    Milliseconds,
    /// Degrees Celsius.
    Celsius,
    /// Hertz (frames per second, clock rates).
    Hertz,
    /// Volts.
    Volts,
}

impl Unit {
    /// All units.
    pub const ALL: [Unit; 8] = [
        Unit::None,
        Unit::Percent,
        Unit::Bytes,
        Unit::Seconds,
        Unit::Milliseconds,
        Unit::Celsius,
        Unit::Hertz,
        Unit::Volts,
    ];

    /// The symbol shown after a value (`%`, `B`, `°C`); empty for [`Unit::None`].
    pub const fn symbol(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::Percent => "%",
            Unit::Bytes => "B",
            Unit::Seconds => "s",
            Unit::Milliseconds => "ms",
            Unit::Celsius => "°C",
            Unit::Hertz => "Hz",
            Unit::Volts => "V",
        }
    }

    /// The word used in names and files (`percent`, `bytes`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Unit::None => "none",
            Unit::Percent => "percent",
            Unit::Bytes => "bytes",
            Unit::Seconds => "seconds",
            Unit::Milliseconds => "milliseconds",
            Unit::Celsius => "celsius",
            Unit::Hertz => "hertz",
            Unit::Volts => "volts",
        }
    }

    /// The unit for a word or symbol (`bytes`, `B`, `%`, `percent`, …).
    pub fn parse(text: &str) -> Option<Self> {
        Unit::ALL
            .into_iter()
            .find(|u| text.eq_ignore_ascii_case(u.as_str()) || (!u.symbol().is_empty() && text == u.symbol()))
    }

    /// The stable wire code of this unit.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The unit with this wire code.
    pub const fn from_code(code: u8) -> Option<Self> {
        match Unit::ALL.split_at_checked(code as usize) {
            Some((_, [unit, ..])) => Some(*unit),
            _ => None,
        }
    }
}

/// Looks up what a metric id and instance mean: the standard [`CATALOG`],
/// or a [`Registry`] that adds custom metrics and instance labels to it.
pub trait MetricNames {
    /// The description of `metric`, if known.
    fn describe(&self, metric: MetricId) -> Option<MetricInfo<'_>>;

    /// The label of an instance (`/home`, `eth0`), if one was registered.
    fn instance_label(&self, series: Series) -> Option<&str>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes_read_back_and_stop_at_the_last() {
        for unit in Unit::ALL {
            assert_eq!(Unit::from_code(unit.code()), Some(unit));
        }
        for code in Unit::ALL.len() as u8..=u8::MAX {
            assert_eq!(Unit::from_code(code), None);
        }
    }
}
