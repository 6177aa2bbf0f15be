//! Network byte counters: on Linux from `/proc/net/dev` (one small file
//! listing every interface); elsewhere, or when that file cannot be opened,
//! from sysinfo's `Networks` (on Linux that reads several `/sys/class/net`
//! files per interface, and its addresses, so it is the slow way).

use std::ffi::{OsStr, OsString};
#[cfg(target_os = "linux")]
use std::ops::Range;

use sysinfo::Networks;
use vitals_core::{MetricId, Series};

use super::instances::InstanceMap;
#[cfg(target_os = "linux")]
use super::kept::KeptFile;

/// Where the counters come from.
pub(crate) enum NetSource {
    /// `/proc/net/dev`, with scratch space reused between samples.
    #[cfg(target_os = "linux")]
    ProcNetDev {
        file: KeptFile,
        buf: Vec<u8>,
        /// `(instance, name's place in buf, rx bytes, tx bytes)` of this
        /// sample; the instance is `None` for a name not numbered yet.
        rows: Vec<(Option<u16>, Range<usize>, u64, u64)>,
    },
    Sysinfo(Networks),
}

impl NetSource {
    /// `/proc/net/dev` on Linux when it opens, sysinfo otherwise.
    pub(crate) fn new() -> Result<Self, sysinfo::Error> {
        #[cfg(target_os = "linux")]
        if let Ok(file) = KeptFile::open("/proc/net/dev") {
            return Ok(NetSource::ProcNetDev { file, buf: Vec::new(), rows: Vec::new() });
        }
        Networks::new().map(NetSource::Sysinfo)
    }

    /// Emits each interface's counters (instances from `ids`, interfaces
    /// new in this sample numbered in name order and labelled in `labels`)
    /// in instance order, then their total without loopback as instance 0.
    /// Nothing when the counters cannot be read.
    pub(crate) fn sample(
        &mut self,
        ids: &mut InstanceMap,
        labels: &mut Vec<(Series, String)>,
        new_names: &mut Vec<OsString>,
        emit: &mut dyn FnMut(Series, f64),
    ) {
        match self {
            #[cfg(target_os = "linux")]
            NetSource::ProcNetDev { file, buf, rows } => {
                use std::os::unix::ffi::OsStrExt;

                let Some(bytes) = file.read(buf) else { return };
                let name = |range: &Range<usize>| OsStr::from_bytes(&bytes[range.clone()]);
                rows.clear();
                let start = bytes.as_ptr() as usize;
                super::procfs::parse_net_dev(bytes, |name, rx, tx| {
                    // `name` is a part of `bytes`: note where.
                    let at = name.as_ptr() as usize - start;
                    rows.push((ids.get(OsStr::from_bytes(name)), at..at + name.len(), rx, tx));
                });
                if rows.iter().any(|(instance, ..)| instance.is_none()) {
                    new_names.clear();
                    new_names
                        .extend(rows.iter().filter(|row| row.0.is_none()).map(|row| name(&row.1).to_owned()));
                    number_new(ids, labels, new_names);
                    for (instance, range, ..) in rows.iter_mut() {
                        *instance = ids.get(name(range));
                    }
                }
                if !rows.is_sorted_by_key(|&(instance, ..)| instance) {
                    rows.sort_unstable_by_key(|&(instance, ..)| instance);
                }
                let counted = rows.iter().filter_map(|(instance, range, rx, tx)| {
                    Some(((*instance)?, *rx, *tx, is_loopback(name(range))))
                });
                emit_counted(counted, emit);
            }
            NetSource::Sysinfo(networks) => {
                networks.refresh(true);
                new_names.clear();
                new_names.extend(networks.keys().filter(|name| ids.get(name).is_none()).cloned());
                number_new(ids, labels, new_names);
                let counted = ids.iter().filter_map(|(instance, name)| {
                    let data = networks.get(name)?;
                    Some((instance, data.total_received(), data.total_transmitted(), is_loopback(name)))
                });
                emit_counted(counted, emit);
            }
        }
    }
}

/// Numbers the interfaces seen for the first time, in name order, and
/// labels them.
fn number_new(ids: &mut InstanceMap, labels: &mut Vec<(Series, String)>, new_names: &mut [OsString]) {
    new_names.sort_unstable();
    for name in new_names.iter() {
        if let Some((instance, true)) = ids.get_or_insert(name) {
            let label = name.to_string_lossy();
            for metric in [MetricId::NET_RX_BYTES, MetricId::NET_TX_BYTES] {
                labels.push((metric.instance(instance), label.clone().into_owned()));
            }
        }
    }
}

/// Emits `(instance, rx, tx, loopback)` rows, then the total of the
/// non-loopback ones as instance 0.
fn emit_counted(counted: impl Iterator<Item = (u16, u64, u64, bool)>, emit: &mut dyn FnMut(Series, f64)) {
    let (mut rx_total, mut tx_total) = (0u64, 0u64);
    for (instance, rx, tx, loopback) in counted {
        emit(MetricId::NET_RX_BYTES.instance(instance), rx as f64);
        emit(MetricId::NET_TX_BYTES.instance(instance), tx as f64);
        if !loopback {
            rx_total = rx_total.saturating_add(rx);
            tx_total = tx_total.saturating_add(tx);
        }
    }
    emit(MetricId::NET_RX_BYTES.series(), rx_total as f64);
    emit(MetricId::NET_TX_BYTES.series(), tx_total as f64);
}

/// Whether an interface is the loopback one (`lo` on Linux, `lo0` on the BSDs and macOS).
pub(crate) fn is_loopback(name: &OsStr) -> bool {
    name == "lo" || name == "lo0" || name.to_str().is_some_and(|n| n.starts_with("Loopback"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(
        source: &mut NetSource,
        ids: &mut InstanceMap,
        labels: &mut Vec<(Series, String)>,
    ) -> Vec<(Series, f64)> {
        let mut values = Vec::new();
        source.sample(ids, labels, &mut Vec::new(), &mut |s, v| values.push((s, v)));
        values
    }

    /// Both sources number the same interfaces the same way and agree on
    /// the counters (which only grow between the two reads).
    #[test]
    fn proc_net_dev_and_sysinfo_agree() {
        let mut fast = NetSource::new().unwrap();
        let mut slow = NetSource::Sysinfo(Networks::new().unwrap());
        let (mut fast_ids, mut fast_labels) = (InstanceMap::new(1), Vec::new());
        let (mut slow_ids, mut slow_labels) = (InstanceMap::new(1), Vec::new());
        let before = sample(&mut fast, &mut fast_ids, &mut fast_labels);
        let slow_values = sample(&mut slow, &mut slow_ids, &mut slow_labels);
        let after = sample(&mut fast, &mut fast_ids, &mut fast_labels);
        assert_eq!(fast_labels, slow_labels);
        assert_eq!(before.len(), slow_values.len());
        for ((b, s), a) in before.iter().zip(&slow_values).zip(&after) {
            assert_eq!((b.0, s.0), (a.0, a.0));
            assert!(b.1 <= s.1 && s.1 <= a.1, "{:?}: {} {} {}", b.0, b.1, s.1, a.1);
        }
        let last = before.len() - 2;
        assert_eq!(before[last].0, MetricId::NET_RX_BYTES.series());
    }

    #[test]
    fn loopback_names() {
        assert!(is_loopback(OsStr::new("lo")));
        assert!(is_loopback(OsStr::new("lo0")));
        assert!(!is_loopback(OsStr::new("eth0")));
        assert!(!is_loopback(OsStr::new("lowpan0")));
    }
}
