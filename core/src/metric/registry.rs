//! Custom metrics and instance labels, registered at run time without
//! allocation.

use core::fmt;

use super::{MetricId, MetricInfo, MetricKind, MetricNames, Series, Unit, CATALOG};
use crate::entry::Description;

/// Longest name or label a [`Registry`] stores.
pub const MAX_NAME_LEN: usize = 48;

/// Whether `name` can name a metric: 1 to [`MAX_NAME_LEN`] bytes of
/// `[A-Za-z0-9_.:-]`.
pub(crate) fn valid_name(name: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
}

/// The id a new custom metric at `index` of the table gets, if one fits in
/// a [`MetricId`] (a table may be built larger than the id space).
#[inline]
fn custom_id(index: usize) -> Option<MetricId> {
    let index = u16::try_from(index).ok()?;
    MetricId::CUSTOM_BASE.checked_add(index).map(MetricId)
}

/// The id of the custom metric stored at `index`: [`custom_id`] without
/// the check, since `register` and `learn` store nothing past the last id.
#[inline]
fn stored_id(index: usize) -> MetricId {
    MetricId(MetricId::CUSTOM_BASE.wrapping_add(index as u16))
}

#[derive(Clone, Debug)]
struct Custom {
    name: heapless::String<MAX_NAME_LEN>,
    unit: Unit,
    kind: MetricKind,
}

#[derive(Clone, Debug)]
struct Label {
    series: Series,
    label: heapless::String<MAX_NAME_LEN>,
}

/// Up to `M` custom metrics and `L` instance labels, on top of the catalog.
///
/// ```
/// use vitals_core::{MetricId, MetricKind, MetricNames, Registry, Unit};
///
/// let mut registry: Registry<4, 8> = Registry::new();
/// let queue = registry.register("app.queue_depth", Unit::None, MetricKind::Gauge)?;
/// assert!(queue.is_custom());
/// registry.set_label(MetricId::DISK_USED.instance(1), "/home")?;
///
/// assert_eq!(registry.describe(queue).unwrap().name, "app.queue_depth");
/// assert_eq!(registry.instance_label(MetricId::DISK_USED.instance(1)), Some("/home"));
/// assert_eq!(registry.describe(MetricId::CPU_USAGE).unwrap().name, "cpu.usage");
/// # Ok::<(), vitals_core::RegistryError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Registry<const M: usize, const L: usize> {
    customs: heapless::Vec<Custom, M>,
    labels: heapless::Vec<Label, L>,
}

/// Why a registration was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RegistryError {
    /// The table holds no more entries; build it with a larger capacity.
    Full,
    /// The name or label is longer than 48 bytes.
    NameTooLong,
    /// The name is empty or uses characters other than `[A-Za-z0-9_.:-]`,
    /// or the label is empty.
    BadName,
    /// The name belongs to a catalog metric or was registered with another unit or kind.
    Conflict,
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RegistryError::Full => "metric registry is full: give it a larger capacity",
            RegistryError::NameTooLong => "metric name or label is longer than 48 bytes",
            RegistryError::BadName => {
                "metric name must be non-empty and use only letters, digits, `_`, `.`, `:` or `-`"
            }
            RegistryError::Conflict => {
                "metric name is already used by the catalog or with another unit or kind"
            }
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RegistryError {}

impl<const M: usize, const L: usize> Registry<M, L> {
    /// An empty registry.
    pub const fn new() -> Self {
        Registry { customs: heapless::Vec::new(), labels: heapless::Vec::new() }
    }

    /// Registers a custom metric, or returns the id it already has.
    ///
    /// # Errors
    /// See [`RegistryError`].
    pub fn register(&mut self, name: &str, unit: Unit, kind: MetricKind) -> Result<MetricId, RegistryError> {
        if name.len() > MAX_NAME_LEN {
            return Err(RegistryError::NameTooLong);
        }
        if !valid_name(name) {
            return Err(RegistryError::BadName);
        }
        if CATALOG.find(name).is_some() {
            return Err(RegistryError::Conflict);
        }
        if let Some(i) = self.custom_index(name) {
            return match self.customs.get(i) {
                Some(existing) if existing.unit == unit && existing.kind == kind => Ok(stored_id(i)),
                _ => Err(RegistryError::Conflict),
            };
        }
        let mut stored = heapless::String::new();
        stored.push_str(name).map_err(|_| RegistryError::NameTooLong)?;
        let id = custom_id(self.customs.len()).ok_or(RegistryError::Full)?;
        self.customs.push(Custom { name: stored, unit, kind }).map_err(|_| RegistryError::Full)?;
        Ok(id)
    }

    /// Finds a metric by dotted name, in the catalog first.
    pub fn find(&self, name: &str) -> Option<MetricId> {
        CATALOG.find(name).or_else(|| self.custom_index(name).map(stored_id))
    }

    /// Where the custom metric named `name` is in the table, if registered.
    fn custom_index(&self, name: &str) -> Option<usize> {
        self.customs.iter().position(|c| c.name == name)
    }

    /// Gives an instance a human label (`/home`, `eth0`, `cpu3`).
    ///
    /// # Errors
    /// [`RegistryError::Full`], [`RegistryError::NameTooLong`], or
    /// [`RegistryError::BadName`] for an empty label (which no description
    /// record could carry).
    pub fn set_label(&mut self, series: Series, label: &str) -> Result<(), RegistryError> {
        if label.is_empty() {
            return Err(RegistryError::BadName);
        }
        let mut stored = heapless::String::new();
        stored.push_str(label).map_err(|_| RegistryError::NameTooLong)?;
        if let Some(existing) = self.labels.iter_mut().find(|l| l.series == series) {
            existing.label = stored;
            return Ok(());
        }
        self.labels.push(Label { series, label: stored }).map_err(|_| RegistryError::Full)
    }

    /// The instance carrying `label` for `metric`, if registered.
    pub fn find_instance(&self, metric: MetricId, label: &str) -> Option<u16> {
        self.labels.iter().find(|l| l.series.metric == metric && l.label == label).map(|l| l.series.instance)
    }

    /// Number of custom metrics registered.
    pub fn custom_len(&self) -> usize {
        self.customs.len()
    }

    /// Calls `f` with a [`Description`] of every custom metric and every
    /// label: what a writer puts in its stream (with
    /// [`Ring::push_description`](crate::Ring::push_description)) so a
    /// reader elsewhere can [`learn`](Registry::learn) the names.
    pub fn descriptions(&self, mut f: impl FnMut(Description<'_>)) {
        for (i, custom) in self.customs.iter().enumerate().filter(|(_, c)| !c.name.is_empty()) {
            let metric = stored_id(i);
            f(Description::Metric { metric, name: &custom.name, unit: custom.unit, kind: custom.kind });
        }
        for label in &self.labels {
            f(Description::Label { series: label.series, label: &label.label });
        }
    }

    /// Takes in a [`Description`] read from a stream, so the metric or
    /// instance it names is shown by name. A custom metric keeps the id the
    /// stream gave it; a description of a catalog id is refused.
    ///
    /// ```
    /// use vitals_core::{Description, MetricId, MetricKind, MetricNames, Registry, Unit};
    ///
    /// let mut names: Registry<8, 8> = Registry::new();
    /// let heap = MetricId(MetricId::CUSTOM_BASE + 3);
    /// names.learn(&Description::Metric { metric: heap, name: "browser.js_heap_used", unit: Unit::Bytes, kind: MetricKind::Gauge })?;
    /// assert_eq!(names.describe(heap).unwrap().name, "browser.js_heap_used");
    /// assert!(names.describe(MetricId(MetricId::CUSTOM_BASE)).is_none());
    /// # Ok::<(), vitals_core::RegistryError>(())
    /// ```
    ///
    /// # Errors
    /// [`RegistryError::Conflict`] for a catalog id, [`RegistryError::Full`]
    /// when the id is beyond this registry's `M` or the labels are full.
    pub fn learn(&mut self, description: &Description<'_>) -> Result<(), RegistryError> {
        match *description {
            Description::Metric { metric, name, unit, kind } => {
                let index = metric.0.checked_sub(MetricId::CUSTOM_BASE).ok_or(RegistryError::Conflict)?;
                let index = usize::from(index);
                if index >= M {
                    return Err(RegistryError::Full);
                }
                let mut stored = heapless::String::new();
                stored.push_str(name).map_err(|_| RegistryError::NameTooLong)?;
                let hole =
                    Custom { name: heapless::String::new(), unit: Unit::None, kind: MetricKind::Gauge };
                while self.customs.len() <= index {
                    self.customs.push(hole.clone()).map_err(|_| RegistryError::Full)?;
                }
                // The loop above made `index` a slot of the table.
                let slot = self.customs.get_mut(index).ok_or(RegistryError::Full)?;
                *slot = Custom { name: stored, unit, kind };
                Ok(())
            }
            Description::Label { series, label } => self.set_label(series, label),
        }
    }
}

impl<const M: usize, const L: usize> MetricNames for Registry<M, L> {
    fn describe(&self, metric: MetricId) -> Option<MetricInfo<'_>> {
        if !metric.is_custom() {
            return CATALOG.describe(metric);
        }
        let index = metric.0.checked_sub(MetricId::CUSTOM_BASE)?;
        let custom = self.customs.get(usize::from(index))?;
        if custom.name.is_empty() {
            return None; // a hole left by `learn`
        }
        Some(MetricInfo { name: &custom.name, unit: custom.unit, kind: custom.kind, instance_label: "" })
    }

    fn instance_label(&self, series: Series) -> Option<&str> {
        self.labels.iter().find(|l| l.series == series).map(|l| l.label.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_end_with_the_id_space() {
        assert_eq!(custom_id(0), Some(MetricId(MetricId::CUSTOM_BASE)));
        let last = usize::from(u16::MAX - MetricId::CUSTOM_BASE);
        assert_eq!(custom_id(last), Some(MetricId(u16::MAX)));
        assert_eq!(custom_id(last + 1), None);
        assert_eq!(custom_id(usize::MAX), None);
        assert_eq!(stored_id(last), MetricId(u16::MAX));
    }

    #[test]
    fn learnt_ids_fill_holes_and_are_described() {
        let mut r: Registry<4, 1> = Registry::new();
        let third = MetricId(MetricId::CUSTOM_BASE + 2);
        let describe =
            |metric, name| Description::Metric { metric, name, unit: Unit::Bytes, kind: MetricKind::Gauge };
        r.learn(&describe(third, "app.heap")).unwrap();
        assert_eq!(r.custom_len(), 3);
        assert!(r.describe(MetricId(MetricId::CUSTOM_BASE)).is_none());
        assert_eq!(r.describe(third).unwrap().name, "app.heap");
        assert_eq!(r.find("app.heap"), Some(third));
        assert_eq!(r.learn(&describe(MetricId(MetricId::CUSTOM_BASE + 4), "x")), Err(RegistryError::Full));
        assert_eq!(r.learn(&describe(MetricId::CPU_USAGE, "x")), Err(RegistryError::Conflict));
        let mut seen = Vec::new();
        r.descriptions(|d| {
            if let Description::Metric { metric, .. } = d {
                seen.push(metric);
            }
        });
        assert_eq!(seen, [third]);
    }

    #[test]
    fn refuses_what_it_cannot_hold() {
        let mut r: Registry<1, 1> = Registry::new();
        assert_eq!(r.register("cpu.usage", Unit::Percent, MetricKind::Gauge), Err(RegistryError::Conflict));
        assert_eq!(r.register("", Unit::None, MetricKind::Gauge), Err(RegistryError::BadName));
        assert_eq!(r.register("a b", Unit::None, MetricKind::Gauge), Err(RegistryError::BadName));
        let a = r.register("a", Unit::None, MetricKind::Gauge).unwrap();
        assert_eq!(r.register("a", Unit::None, MetricKind::Gauge), Ok(a));
        assert_eq!(r.register("a", Unit::Bytes, MetricKind::Gauge), Err(RegistryError::Conflict));
        assert_eq!(r.register("b", Unit::None, MetricKind::Gauge), Err(RegistryError::Full));
        let long = "x".repeat(49);
        let mut r2: Registry<1, 1> = Registry::new();
        assert_eq!(r2.register(&long, Unit::None, MetricKind::Gauge), Err(RegistryError::NameTooLong));
        r.set_label(MetricId::NET_RX_BYTES.instance(1), "eth0").unwrap();
        assert_eq!(r.set_label(MetricId::NET_RX_BYTES.instance(2), ""), Err(RegistryError::BadName));
        r.set_label(MetricId::NET_RX_BYTES.instance(1), "eth1").unwrap();
        assert_eq!(r.find_instance(MetricId::NET_RX_BYTES, "eth1"), Some(1));
        assert_eq!(r.set_label(MetricId::NET_TX_BYTES.instance(1), "eth1"), Err(RegistryError::Full));
    }
}
