//! Mounted filesystems: the list (sysinfo's, which leaves out pseudo and
//! network filesystems) is read only now and then; each sample measures
//! the filesystems already known.

use std::time::{Duration, Instant};

use sysinfo::{DiskRefreshKind, Disks};
use vitals_core::{MetricId, Series};

use super::instances::InstanceMap;
use super::percent;

/// How often the mount list is read again, so new mounts appear and gone
/// ones go. A known mount that cannot be measured, or (on Linux) whose
/// filesystem changed, has the list read again at once.
pub(crate) const LIST_EVERY: Duration = Duration::from_secs(30);

/// A mounted filesystem being measured.
#[derive(Debug, Clone, Copy)]
struct Known {
    instance: u16,
    /// Its place in the sysinfo list.
    index: usize,
    /// The filesystem id `statvfs` gave when listed: another id means it
    /// was unmounted (the mount point now shows its parent) or mounted over.
    #[cfg(target_os = "linux")]
    fsid: u64,
}

/// The mounts to measure and when they were listed.
pub(crate) struct DiskWatch {
    disks: Disks,
    listed_at: Option<Instant>,
    known: Vec<Known>,
    /// Scratch: `(instance, total, available)` of this sample.
    measured: Vec<(u16, u64, u64)>,
}

impl DiskWatch {
    /// Nothing listed yet: the first [`sample`](Self::sample) lists.
    pub(crate) fn new() -> Result<Self, sysinfo::Error> {
        Ok(DiskWatch { disks: Disks::new()?, listed_at: None, known: Vec::new(), measured: Vec::new() })
    }

    /// Measures each mounted filesystem of non-zero size (each mount point
    /// once), listing them first when due at `now`; a mount point seen for the first
    /// time gets an instance from `ids` and labels in `labels`.
    pub(crate) fn sample(
        &mut self,
        now: Instant,
        ids: &mut InstanceMap,
        labels: &mut Vec<(Series, String)>,
        emit: &mut dyn FnMut(Series, f64),
    ) {
        let due = self.listed_at.is_none_or(|at| now.saturating_duration_since(at) >= LIST_EVERY);
        if due || !self.measure() {
            self.list(now, ids, labels);
            self.measure();
        }
        for &(instance, total, available) in &self.measured {
            // Space the unprivileged cannot use (root's reserve) counts as used.
            let used = total.saturating_sub(available);
            emit(MetricId::DISK_TOTAL.instance(instance), total as f64);
            emit(MetricId::DISK_USED.instance(instance), used as f64);
            emit(MetricId::DISK_USAGE.instance(instance), percent(used, total));
        }
    }

    /// Re-reads the mount table and measures every listed filesystem
    /// (sysinfo does both in one call), then picks the ones to follow.
    fn list(&mut self, now: Instant, ids: &mut InstanceMap, labels: &mut Vec<(Series, String)>) {
        self.disks.refresh_specifics(true, DiskRefreshKind::nothing().with_storage());
        self.listed_at = Some(now);
        self.known.clear();
        for (index, disk) in self.disks.iter().enumerate() {
            if disk.total_space() == 0 {
                continue; // a pseudo filesystem
            }
            let mount_point = disk.mount_point();
            #[cfg(target_os = "linux")]
            let Ok(stat) = rustix::fs::statvfs(mount_point) else {
                continue;
            };
            let Some((instance, new)) = ids.get_or_insert(mount_point.as_os_str()) else { continue };
            if self.known.iter().any(|k| k.instance == instance) {
                continue; // the same mount point twice (mounted over)
            }
            if new {
                let label = mount_point.to_string_lossy();
                for metric in [MetricId::DISK_TOTAL, MetricId::DISK_USED, MetricId::DISK_USAGE] {
                    labels.push((metric.instance(instance), label.clone().into_owned()));
                }
            }
            self.known.push(Known {
                instance,
                index,
                #[cfg(target_os = "linux")]
                fsid: stat.f_fsid,
            });
        }
    }

    /// Measures the known filesystems into `measured`; false when one could
    /// not be measured or is no longer the filesystem listed.
    fn measure(&mut self) -> bool {
        self.measured.clear();
        let mut all = true;
        for known in &self.known {
            let Some(disk) = self.disks.get_mut(known.index) else {
                all = false;
                continue;
            };
            #[cfg(target_os = "linux")]
            let sizes = rustix::fs::statvfs(disk.mount_point())
                .ok()
                .filter(|s| s.f_fsid == known.fsid)
                .map(|s| (s.f_frsize.saturating_mul(s.f_blocks), s.f_frsize.saturating_mul(s.f_bavail)));
            #[cfg(not(target_os = "linux"))]
            let sizes = disk
                .refresh_specifics(DiskRefreshKind::nothing().with_storage())
                .then(|| (disk.total_space(), disk.available_space()));
            match sizes {
                Some((total, available)) if total > 0 => {
                    self.measured.push((known.instance, total, available))
                }
                _ => all = false,
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(watch: &mut DiskWatch, ids: &mut InstanceMap, labels: &mut Vec<(Series, String)>) -> usize {
        let mut count = 0;
        watch.sample(Instant::now(), ids, labels, &mut |_, _| count += 1);
        count
    }

    #[test]
    fn lists_once_then_measures_the_known_mounts() {
        let (mut ids, mut labels) = (InstanceMap::new(1), Vec::new());
        let mut watch = DiskWatch::new().unwrap();
        let first = sample(&mut watch, &mut ids, &mut labels);
        let listed_at = watch.listed_at.unwrap();
        assert_eq!(first, 3 * watch.known.len());
        assert_eq!(labels.len(), first);
        let second = sample(&mut watch, &mut ids, &mut labels);
        assert_eq!(second, first);
        assert_eq!(watch.listed_at, Some(listed_at), "listed again too soon");

        // A mount whose filesystem changed (as after an unmount) has the
        // list read again right away.
        #[cfg(target_os = "linux")]
        if let Some(known) = watch.known.first_mut() {
            known.fsid ^= 1;
            assert_eq!(sample(&mut watch, &mut ids, &mut labels), first);
            assert!(watch.listed_at.unwrap() > listed_at);
            assert_eq!(labels.len(), first, "the same mounts keep their instances");
        }
    }
}
