//! The Linux readers: CPU, memory, load, uptime and this process straight
//! from `/proc`, through files opened once (see [`KeptFile`]).

use std::io;
use std::time::{Duration, Instant, SystemTime};

use super::kept::KeptFile;
use super::procfs::{self, CpuTicks, Meminfo};

/// `/proc/self/stat`, for this process's CPU and RSS.
#[derive(Debug)]
struct ProcessFile {
    stat: KeptFile,
    page_size: u64,
    /// `utime + stime` at the previous CPU refresh.
    previous_ticks: Option<u64>,
}

/// How long uptime is carried forward on the monotonic clock before
/// `/proc/uptime` is read again.
pub(crate) const UPTIME_READ_EVERY: Duration = Duration::from_secs(60);

/// Time since boot: read from `/proc/uptime` now and then and carried
/// forward on the monotonic clock in between. The monotonic clock stands
/// still while the machine sleeps, which the wall clock then runs ahead of,
/// so the two drifting apart by a second (a suspend, or the wall clock set)
/// has the file read again.
#[derive(Debug)]
struct Uptime {
    file: KeptFile,
    /// Seconds since boot as last read, and the monotonic and wall clocks then.
    base: Option<(f64, Instant, SystemTime)>,
}

impl Uptime {
    fn seconds(&mut self, now: Instant, buf: &mut Vec<u8>) -> Option<f64> {
        if let Some((seconds, at, wall)) = self.base {
            let elapsed = now.saturating_duration_since(at);
            let wall_elapsed = SystemTime::now().duration_since(wall).unwrap_or_default();
            if elapsed < UPTIME_READ_EVERY && wall_elapsed.abs_diff(elapsed) < Duration::from_secs(1) {
                return Some(seconds + elapsed.as_secs_f64());
            }
        }
        let seconds = self.file.read(buf).and_then(procfs::parse_uptime)?;
        self.base = Some((seconds, Instant::now(), SystemTime::now()));
        Some(seconds)
    }
}

/// The `/proc` files a sample reads and what CPU usage needs to remember.
#[derive(Debug)]
pub(crate) struct Proc {
    stat: KeptFile,
    meminfo: KeptFile,
    loadavg: Option<KeptFile>,
    uptime: Option<Uptime>,
    process: Option<ProcessFile>,
    buf: Vec<u8>,
    /// The machine's CPU ticks at the last and the previous refresh.
    total: Option<CpuTicks>,
    previous_total: Option<CpuTicks>,
    /// Each online core's ticks (core number, ticks) at the last and the
    /// previous refresh, in core order.
    cores: Vec<(u16, CpuTicks)>,
    previous_cores: Vec<(u16, CpuTicks)>,
}

/// Why [`Proc::open`] failed.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// `/proc/stat` or `/proc/meminfo`.
    System(io::Error),
    /// `/proc/self/stat`.
    Process(io::Error),
}

impl Proc {
    /// Opens the files; this process's own ones only when `process`.
    pub(crate) fn open(process: bool) -> Result<Self, OpenError> {
        let stat = KeptFile::open_in_one_piece("/proc/stat").map_err(OpenError::System)?;
        let meminfo = KeptFile::open_in_one_piece("/proc/meminfo").map_err(OpenError::System)?;
        let process = if process {
            let stat = KeptFile::open_in_one_piece("/proc/self/stat").map_err(OpenError::Process)?;
            let page_size = std::fs::read("/proc/self/auxv")
                .ok()
                .and_then(|auxv| procfs::page_size_from_auxv(&auxv))
                .unwrap_or(4096);
            Some(ProcessFile { stat, page_size, previous_ticks: None })
        } else {
            None
        };
        Ok(Proc {
            stat,
            meminfo,
            loadavg: KeptFile::open_in_one_piece("/proc/loadavg").ok(),
            uptime: KeptFile::open_in_one_piece("/proc/uptime").ok().map(|file| Uptime { file, base: None }),
            process,
            buf: Vec::new(),
            total: None,
            previous_total: None,
            cores: Vec::new(),
            previous_cores: Vec::new(),
        })
    }

    /// Reads `/proc/stat`, keeping the previous figures to measure against.
    /// False (and nothing changes) when it cannot be read.
    pub(crate) fn refresh_cpu(&mut self) -> bool {
        let Some(bytes) = self.stat.read(&mut self.buf) else { return false };
        std::mem::swap(&mut self.cores, &mut self.previous_cores);
        self.cores.clear();
        let (mut total, cores) = (None, &mut self.cores);
        procfs::parse_stat(bytes, |core, ticks| match core {
            None => total = Some(ticks),
            Some(core) => cores.push((core, ticks)),
        });
        self.previous_total = self.total;
        self.total = total;
        true
    }

    /// The machine's CPU usage between the last two refreshes, percent.
    pub(crate) fn cpu_usage(&self) -> Option<f32> {
        Some(self.total?.usage_since(&self.previous_total?))
    }

    /// Each core's usage between the last two refreshes, percent, in core
    /// order; a core that was not online at both is left out.
    pub(crate) fn core_usages(&self) -> impl Iterator<Item = (u16, f32)> + '_ {
        self.cores.iter().filter_map(|(core, ticks)| {
            let index = self.previous_cores.binary_search_by_key(core, |(c, _)| *c).ok()?;
            Some((*core, ticks.usage_since(&self.previous_cores[index].1)))
        })
    }

    /// How many cores were online at the last refresh.
    pub(crate) fn core_count(&self) -> usize {
        self.cores.len()
    }

    /// This process's resident memory (bytes) and, from the second call on,
    /// its CPU use since the previous call (percent of one core, as sysinfo
    /// gives it); call right after [`refresh_cpu`](Self::refresh_cpu). `None`
    /// when not asked for at start or unreadable.
    pub(crate) fn process(&mut self) -> Option<(u64, Option<f32>)> {
        let file = self.process.as_mut()?;
        let Some((ticks, pages)) = file.stat.read(&mut self.buf).and_then(procfs::parse_process_stat) else {
            // The next figure must not span the refreshes missed.
            file.previous_ticks = None;
            return None;
        };
        let cpu = file.previous_ticks.replace(ticks).and_then(|previous| {
            let (new, old) = (self.total?.total(), self.previous_total?.total());
            let cores = self.cores.len().max(1) as f32;
            let elapsed = new.saturating_sub(old).max(1) as f32 / cores;
            Some((ticks.saturating_sub(previous) as f32 / elapsed * 100.0).min(cores * 100.0))
        });
        Some((pages.saturating_mul(file.page_size), cpu))
    }

    /// Memory and swap from `/proc/meminfo`.
    pub(crate) fn meminfo(&mut self) -> Option<Meminfo> {
        self.meminfo.read(&mut self.buf).map(procfs::parse_meminfo)
    }

    /// The 1, 5 and 15 minute load averages.
    pub(crate) fn load_average(&mut self) -> Option<[f64; 3]> {
        self.loadavg.as_mut()?.read(&mut self.buf).and_then(procfs::parse_loadavg)
    }

    /// Whole seconds since boot at `now`.
    pub(crate) fn uptime(&mut self, now: Instant) -> Option<u64> {
        Some(self.uptime.as_mut()?.seconds(now, &mut self.buf)? as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_needs_two_refreshes_and_cores_are_numbered() {
        let mut proc = Proc::open(true).unwrap();
        assert!(proc.refresh_cpu());
        assert_eq!(proc.cpu_usage(), None);
        assert_eq!(proc.core_usages().count(), 0);
        let (rss, cpu) = proc.process().unwrap();
        assert!(rss > 0);
        assert_eq!(cpu, None);

        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(proc.refresh_cpu());
        let usage = proc.cpu_usage().unwrap();
        assert!((0.0..=100.0).contains(&usage), "{usage}");
        let cores: Vec<u16> = proc.core_usages().map(|(core, _)| core).collect();
        assert_eq!(cores.len(), proc.core_count());
        assert_eq!(cores.len(), std::thread::available_parallelism().unwrap().get());
        let (_, cpu) = proc.process().unwrap();
        let cpu = cpu.unwrap();
        assert!((0.0..=100.0 * cores.len() as f32).contains(&cpu), "{cpu}");
    }

    #[test]
    fn memory_load_and_uptime_are_read() {
        let mut proc = Proc::open(false).unwrap();
        assert!(proc.process().is_none());
        let info = proc.meminfo().unwrap();
        assert!(info.total > 0 && info.available <= info.total);
        assert!(proc.load_average().is_some());
        assert!(proc.uptime(Instant::now()).unwrap() > 0);
    }

    #[test]
    fn uptime_is_carried_forward_and_read_again() {
        let read = || -> f64 {
            let text = std::fs::read("/proc/uptime").unwrap();
            procfs::parse_uptime(&text).unwrap()
        };
        let mut proc = Proc::open(false).unwrap();
        let before = read();
        let first = proc.uptime(Instant::now()).unwrap();
        let (_, at, _) = proc.uptime.as_ref().unwrap().base.unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let carried = proc.uptime(Instant::now()).unwrap();
        let after = read();
        assert_eq!(proc.uptime.as_ref().unwrap().base.unwrap().1, at, "read again too soon");
        assert!(before as u64 <= first && first <= carried && carried <= after as u64 + 1);

        // A suspend: the wall clock ran ahead of the monotonic one.
        let uptime = proc.uptime.as_mut().unwrap();
        let (seconds, at, wall) = uptime.base.unwrap();
        uptime.base = Some((seconds - 100.0, at, wall - Duration::from_secs(100)));
        let resumed = proc.uptime(Instant::now()).unwrap();
        assert!(resumed + 1 >= after as u64, "{resumed} after a suspend, /proc/uptime {after}");
        assert!(proc.uptime.as_ref().unwrap().base.unwrap().1 > at, "not read again");
    }
}
