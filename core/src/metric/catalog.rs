//! The standard catalog: the metrics every backend samples, with units and
//! Prometheus names (node_exporter's where one exists, under `vitals_`).

use super::{MetricId, MetricKind, MetricNames, Series, Unit};

/// What a metric is: its dotted name, unit and kind, and what its instances are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricInfo<'a> {
    /// Dotted name, e.g. `cpu.usage`.
    pub name: &'a str,
    /// Unit of the values.
    pub unit: Unit,
    /// Gauge or counter.
    pub kind: MetricKind,
    /// The label that names an instance (`cpu`, `mountpoint`, `device`), in
    /// Prometheus and in text lines, or empty when the metric has only
    /// instance 0.
    pub instance_label: &'a str,
}

/// How a catalog metric is exposed to Prometheus: kept apart from
/// [`MetricInfo`] so a build that never writes the exposition (a firmware,
/// the page) carries none of these strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exposition {
    /// Prometheus metric name (node_exporter's where one exists, under `vitals_`).
    pub name: &'static str,
    /// One line for `# HELP`.
    pub help: &'static str,
}

macro_rules! catalog {
    ($( $(#[$doc:meta])* $id:ident = $code:literal, $name:literal, $unit:ident, $kind:ident, $prom:literal, $label:literal, $help:literal; )*) => {
        impl MetricId {
            $( $(#[$doc])* pub const $id: MetricId = MetricId($code); )*
        }

        const ENTRIES: &[MetricInfo<'static>] = &[
            $( MetricInfo { name: $name, unit: Unit::$unit, kind: MetricKind::$kind, instance_label: $label }, )*
        ];

        const EXPOSITIONS: &[Exposition] = &[$( Exposition { name: $prom, help: $help }, )*];

        #[cfg(test)]
        const CODES: &[u16] = &[$($code),*];
    };
}

catalog! {
    /// CPU busy time across all cores, percent.
    CPU_USAGE = 0, "cpu.usage", Percent, Gauge, "vitals_cpu_usage_percent", "", "CPU busy time across all cores.";
    /// CPU busy time of one core (instance = core index), percent.
    CPU_CORE_USAGE = 1, "cpu.core.usage", Percent, Gauge, "vitals_cpu_core_usage_percent", "cpu", "CPU busy time of one core.";
    /// Physical memory in total, bytes (a container's limit where one applies).
    MEM_TOTAL = 2, "memory.total", Bytes, Gauge, "vitals_memory_MemTotal_bytes", "", "Memory in total (the container limit where one applies).";
    /// Memory in use, bytes.
    MEM_USED = 3, "memory.used", Bytes, Gauge, "vitals_memory_used_bytes", "", "Memory in use.";
    /// Memory available for new work without swapping, bytes.
    MEM_AVAILABLE = 4, "memory.available", Bytes, Gauge, "vitals_memory_MemAvailable_bytes", "", "Memory available without swapping.";
    /// Memory in use as a percentage of the total.
    MEM_USAGE = 5, "memory.usage", Percent, Gauge, "vitals_memory_usage_percent", "", "Memory in use, percent of the total.";
    /// Swap in total, bytes.
    SWAP_TOTAL = 6, "swap.total", Bytes, Gauge, "vitals_memory_SwapTotal_bytes", "", "Swap in total.";
    /// Swap in use, bytes.
    SWAP_USED = 7, "swap.used", Bytes, Gauge, "vitals_memory_swap_used_bytes", "", "Swap in use.";
    /// Size of a mounted filesystem (instance = mount), bytes.
    DISK_TOTAL = 8, "disk.total", Bytes, Gauge, "vitals_filesystem_size_bytes", "mountpoint", "Size of a mounted filesystem.";
    /// Space in use on a mounted filesystem, bytes.
    DISK_USED = 9, "disk.used", Bytes, Gauge, "vitals_filesystem_used_bytes", "mountpoint", "Space in use on a mounted filesystem.";
    /// Space in use on a mounted filesystem, percent.
    DISK_USAGE = 10, "disk.usage", Percent, Gauge, "vitals_filesystem_usage_percent", "mountpoint", "Space in use on a mounted filesystem, percent.";
    /// Bytes received on an interface (instance 0 = all), counter.
    NET_RX_BYTES = 11, "net.rx", Bytes, Counter, "vitals_network_receive_bytes_total", "device", "Bytes received.";
    /// Bytes sent on an interface (instance 0 = all), counter.
    NET_TX_BYTES = 12, "net.tx", Bytes, Counter, "vitals_network_transmit_bytes_total", "device", "Bytes sent.";
    /// A temperature sensor (instance = sensor), °C.
    TEMPERATURE = 13, "temperature", Celsius, Gauge, "vitals_hwmon_temp_celsius", "sensor", "Temperature of a sensor.";
    /// Battery charge, percent.
    BATTERY = 14, "battery", Percent, Gauge, "vitals_power_supply_capacity", "", "Battery charge, percent.";
    /// Load average over 1 minute.
    LOAD_1 = 15, "load.1m", None, Gauge, "vitals_load1", "", "Load average over 1 minute.";
    /// Load average over 5 minutes.
    LOAD_5 = 16, "load.5m", None, Gauge, "vitals_load5", "", "Load average over 5 minutes.";
    /// Load average over 15 minutes.
    LOAD_15 = 17, "load.15m", None, Gauge, "vitals_load15", "", "Load average over 15 minutes.";
    /// Time since boot, seconds.
    UPTIME = 18, "uptime", Seconds, Gauge, "vitals_uptime_seconds", "", "Time since boot.";
    /// Resident memory of this process, bytes.
    PROCESS_RSS = 19, "process.rss", Bytes, Gauge, "vitals_process_resident_memory_bytes", "", "Resident memory of this process.";
    /// CPU use of this process, percent of one core.
    PROCESS_CPU = 20, "process.cpu", Percent, Gauge, "vitals_process_cpu_usage_percent", "", "CPU use of this process, percent of one core.";
    /// Bytes of the ring in use.
    RING_USED = 21, "ring.used", Bytes, Gauge, "vitals_ring_used_bytes", "", "Bytes of the Vitals ring in use.";
    /// Entries the ring dropped or overwrote, counter.
    RING_DROPPED = 22, "ring.dropped", None, Counter, "vitals_ring_dropped_total", "", "Entries dropped or overwritten in the Vitals ring.";
    /// Deepest stack use seen (painting high-water mark), bytes.
    STACK_HIGH_WATER = 23, "stack.high_water", Bytes, Gauge, "vitals_stack_high_water_bytes", "", "Deepest stack use seen.";
}

/// The standard catalog. Implements [`MetricNames`] for the built-in ids.
#[derive(Clone, Copy, Debug, Default)]
pub struct Catalog;

/// The standard catalog.
pub const CATALOG: Catalog = Catalog;

impl Catalog {
    /// Every catalog metric with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (MetricId, &'static MetricInfo<'static>)> {
        ENTRIES.iter().enumerate().map(|(i, info)| (MetricId(i as u16), info))
    }

    /// The catalog metric with this dotted name (`cpu.usage`).
    pub fn find(&self, name: &str) -> Option<MetricId> {
        ENTRIES.iter().position(|info| info.name == name).map(|i| MetricId(i as u16))
    }

    /// The description of a catalog id.
    pub fn get(&self, metric: MetricId) -> Option<&'static MetricInfo<'static>> {
        ENTRIES.get(usize::from(metric.0))
    }

    /// The Prometheus name and help of a catalog metric.
    ///
    /// ```
    /// use vitals_core::{MetricId, CATALOG};
    /// assert_eq!(CATALOG.exposition(MetricId::MEM_AVAILABLE).unwrap().name, "vitals_memory_MemAvailable_bytes");
    /// ```
    pub fn exposition(&self, metric: MetricId) -> Option<Exposition> {
        EXPOSITIONS.get(usize::from(metric.0)).copied()
    }
}

impl MetricNames for Catalog {
    fn describe(&self, metric: MetricId) -> Option<MetricInfo<'_>> {
        self.get(metric).copied()
    }

    fn instance_label(&self, _series: Series) -> Option<&str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_dense_and_below_custom_base() {
        for (i, &code) in CODES.iter().enumerate() {
            assert_eq!(usize::from(code), i);
            assert!(code < MetricId::CUSTOM_BASE);
        }
    }

    #[test]
    fn names_are_unique_and_prometheus_safe() {
        assert_eq!(EXPOSITIONS.len(), ENTRIES.len());
        for (id, info) in CATALOG.iter() {
            assert_eq!(CATALOG.find(info.name), Some(id));
            let exposition = CATALOG.exposition(id).unwrap();
            assert!(exposition.name.starts_with("vitals_"));
            assert!(exposition.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
            assert!(!exposition.help.is_empty());
            if info.kind == MetricKind::Counter {
                assert!(exposition.name.ends_with("_total"));
            }
        }
    }
}
