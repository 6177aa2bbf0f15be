//! Measures the machine into the core's metric catalog: CPU (total and per
//! core), memory (a container's cgroup limit where one applies), swap,
//! mounted filesystems, network byte counters, temperatures, battery, load
//! average, uptime and this process's own memory and CPU.
//!
//! # What is read, and how often
//!
//! On Linux a [`SysinfoSampler`] reads the kernel's files itself, each
//! opened once and read again from the start (`pread`) on every use, which
//! costs far less than opening it anew; elsewhere it goes through
//! [`sysinfo`]. On Linux:
//!
//! - CPU, total and per core: `/proc/stat`, each sample.
//! - This process's CPU and RSS: `/proc/self/stat`, each sample.
//! - Memory and swap: `/proc/meminfo`, each sample.
//! - cgroup memory: the limit every 10 s while it is below RAM and then
//!   `memory.current` (v1: `memory.usage_in_bytes`) and `memory.stat` each
//!   sample; the limit every 30 s and nothing else while it is not.
//! - Disks: `statvfs` of each known mount point, each sample; the mount list
//!   (sysinfo's, which leaves out pseudo and network filesystems) every
//!   30 s, and at once when a known mount cannot be measured or its
//!   filesystem id changed (unmounted, or mounted over).
//! - Network: `/proc/net/dev`, each sample (sysinfo's `Networks`, which
//!   reads several `/sys/class/net` files per interface, only where that
//!   file cannot be opened).
//! - Temperatures: the sensors found at start (sysinfo), each sample; nothing
//!   when none were found.
//! - Battery: the `capacity` files found, each sample;
//!   `/sys/class/power_supply` again every 60 s while none was found.
//! - Load: `/proc/loadavg`, each sample.
//! - Uptime: `/proc/uptime` every 60 s, carried forward on the monotonic
//!   clock in between, and read at once when the wall clock has run a second
//!   ahead of the monotonic one (a suspend).
//!
//! Elsewhere sysinfo refreshes CPU, memory, this process and the network
//! each sample, and the mount list and batteries follow the same schedule
//! as on Linux.
//!
//! # CPU needs two looks
//!
//! CPU percentages are the busy share of the time between two refreshes, so
//! the **first** [`SysinfoSampler::sample`] reports no CPU value at all
//! (rather than a meaningless 0), and a sample taken sooner than
//! [`SysinfoSampler::MIN_CPU_INTERVAL`] after the last CPU refresh reports
//! no CPU value either: it is skipped, not repeated. This process's CPU and
//! RSS follow the same schedule (refreshing the process between two CPU
//! refreshes would spoil its CPU figure), except that RSS is there from the
//! first sample on.
//!
//! # What the values are
//!
//! - `memory.*`: on Linux inside a cgroup whose memory limit is below the
//!   machine's RAM (a container), total is the limit, used is the cgroup's
//!   usage less its inactive file cache (as `docker stats` counts it) and
//!   available is the rest; otherwise the machine's `MemTotal`,
//!   `MemTotal - MemAvailable` and `MemAvailable`.
//! - `disk.*`: per mounted filesystem of non-zero size, each mount point
//!   once; used is total less what an unprivileged user can still write, so
//!   root's reserve counts as used and 100 % means full for applications.
//! - `net.rx`/`net.tx`: the kernel's cumulative byte counters (counters, not
//!   rates).
//! - `temperature`: the sensors found at start (often none in a VM).
//! - `battery`: the mean charge of `/sys/class/power_supply` batteries on
//!   Linux; absent elsewhere or without one.
//!
//! # Example
//!
//! ```
//! use vitals_core::MetricId;
//! use vitals_desktop::{SamplerConfig, SysinfoSampler};
//!
//! let mut sampler = SysinfoSampler::new(SamplerConfig::default())?;
//! let mut values = Vec::new();
//! sampler.sample(&mut |series, value| values.push((series, value)));
//! assert!(values.iter().any(|(series, _)| *series == MetricId::MEM_TOTAL.series()));
//! assert!(!values.iter().any(|(series, _)| *series == MetricId::CPU_USAGE.series()));
//! # Ok::<(), vitals_desktop::SamplerError>(())
//! ```

mod battery;
#[cfg(target_os = "linux")]
mod cgroup;
mod disks;
mod instances;
mod kept;
#[cfg(target_os = "linux")]
mod linux;
mod net;
#[cfg(target_os = "linux")]
mod procfs;

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use sysinfo::{Components, ProcessRefreshKind, ProcessesToUpdate, System};
#[cfg(not(target_os = "linux"))]
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, Pid};
use vitals_core::{MetricId, Series};

use self::battery::Batteries;
use self::disks::DiskWatch;
use self::instances::InstanceMap;
use self::net::NetSource;

/// What a [`SysinfoSampler`] measures beyond CPU, memory, swap, battery,
/// load and uptime, which it always measures. Every part is on by default.
///
/// # Example
///
/// ```
/// use vitals_desktop::SamplerConfig;
///
/// // A quiet server: no per-core CPU and no sensors.
/// let config = SamplerConfig { per_core: false, temperatures: false, ..SamplerConfig::default() };
/// assert!(config.disks && config.networks && config.process);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SamplerConfig {
    /// The usage of each CPU core (`cpu.core.usage`, instance = core index).
    pub per_core: bool,
    /// Size and use of each mounted filesystem (`disk.*`, instance = mount).
    pub disks: bool,
    /// Bytes received and sent, per interface and in total (`net.*`).
    pub networks: bool,
    /// Temperature sensors (`temperature`, instance = sensor).
    pub temperatures: bool,
    /// This process's resident memory and CPU (`process.rss`, `process.cpu`).
    pub process: bool,
}

impl Default for SamplerConfig {
    fn default() -> Self {
        SamplerConfig { per_core: true, disks: true, networks: true, temperatures: true, process: true }
    }
}

/// Why a [`SysinfoSampler`] could not start.
///
/// # Example
///
/// ```
/// use vitals_desktop::{SamplerConfig, SysinfoSampler};
///
/// match SysinfoSampler::new(SamplerConfig::default()) {
///     Ok(_sampler) => {}
///     // Each message says what failed and what to do about it.
///     Err(error) => eprintln!("vitals: {error}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SamplerError {
    /// The operating system's CPU and memory figures could not be read (on
    /// Linux: `/proc/stat` or `/proc/meminfo` could not be opened).
    #[error(
        "cannot read CPU and memory figures from the operating system ({0}); \
         on Linux, check that /proc is mounted and readable"
    )]
    System(#[source] sysinfo::Error),
    /// The mounted filesystems could not be listed.
    #[error(
        "cannot list the mounted filesystems ({0}); check that /proc/mounts is readable, \
         or set `disks = false` in the sampler configuration to go without disk metrics"
    )]
    Disks(#[source] sysinfo::Error),
    /// The network interfaces could not be listed.
    #[error(
        "cannot list the network interfaces ({0}); check that /proc/net/dev or /sys/class/net is readable, \
         or set `networks = false` in the sampler configuration to go without network metrics"
    )]
    Networks(#[source] sysinfo::Error),
    /// The temperature sensors could not be listed.
    #[error(
        "cannot list the temperature sensors ({0}); \
         set `temperatures = false` in the sampler configuration to go without them"
    )]
    Temperatures(#[source] sysinfo::Error),
    /// This process's own id could not be found (on Linux: its
    /// `/proc/self/stat` could not be opened).
    #[error(
        "cannot find or read this process's own figures to measure its memory and CPU ({0}); \
         set `process = false` in the sampler configuration to go without process metrics"
    )]
    Process(#[source] sysinfo::Error),
}

/// One process in [`SysinfoSampler::top_processes`].
///
/// # Example
///
/// ```
/// use vitals_desktop::sampler::ProcessInfo;
///
/// let p = ProcessInfo { pid: 42, name: "worker".into(), cpu_percent: 150.0, rss_bytes: 64 << 20 };
/// println!("{:>7} {:<16} {:>6.1}% {:>5} MiB", p.pid, p.name, p.cpu_percent, p.rss_bytes >> 20);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessInfo {
    /// Process id.
    pub pid: u32,
    /// Process name (lossily converted to UTF-8).
    pub name: String,
    /// CPU use since the previous [`SysinfoSampler::top_processes`] call,
    /// percent of one core (above 100 for a process busy on several cores).
    pub cpu_percent: f32,
    /// Resident memory, bytes.
    pub rss_bytes: u64,
}

/// Measures the machine into the core's metric catalog; see the
/// [module documentation](crate::sampler) for what it measures and when.
///
/// Instance numbers are stable for the sampler's life: mounts and network
/// interfaces are numbered from 1 in order of first appearance (interfaces
/// that appear together in name order) and keep their numbers when others
/// come and go; CPU cores are numbered from 0; temperature sensors from 1.
/// Instance 0 of `net.rx`/`net.tx` is the total over every interface but
/// loopback; it drops when an interface disappears, as counters do at a
/// reset.
///
/// # Example
///
/// ```
/// use vitals_core::MetricId;
/// use vitals_desktop::{SamplerConfig, SysinfoSampler};
///
/// let mut sampler = SysinfoSampler::new(SamplerConfig::default())?;
/// sampler.sample(&mut |_, _| {}); // the first sample has no CPU figures
/// std::thread::sleep(SysinfoSampler::MIN_CPU_INTERVAL);
/// let mut cpu = None;
/// sampler.sample(&mut |series, value| {
///     if series == MetricId::CPU_USAGE.series() {
///         cpu = Some(value);
///     }
/// });
/// let cpu = cpu.expect("the second sample has CPU usage");
/// assert!((0.0..=100.0).contains(&cpu));
/// for (series, label) in sampler.labels() {
///     println!("{} #{} = {label}", series.metric, series.instance);
/// }
/// # Ok::<(), vitals_desktop::SamplerError>(())
/// ```
pub struct SysinfoSampler {
    config: SamplerConfig,
    /// CPU, memory, load, uptime and this process, read from `/proc`.
    #[cfg(target_os = "linux")]
    proc: linux::Proc,
    /// CPU, memory and this process, through sysinfo.
    #[cfg(not(target_os = "linux"))]
    system: System,
    /// This process, when `config.process`.
    #[cfg(not(target_os = "linux"))]
    pid: Option<Pid>,
    disks: Option<DiskWatch>,
    networks: Option<NetSource>,
    components: Option<Components>,
    /// When CPU (and this process) were last refreshed.
    cpu_refreshed_at: Option<Instant>,
    #[cfg(target_os = "linux")]
    cgroup: Option<cgroup::MemoryCgroup>,
    batteries: Batteries,
    /// Which cores (by number) have a label.
    cores_labelled: Vec<bool>,
    disk_ids: InstanceMap,
    net_ids: InstanceMap,
    sensor_ids: InstanceMap,
    /// Scratch: instances emitted in this sample (to drop duplicate sensors).
    emitted: Vec<u16>,
    /// Scratch: interfaces seen for the first time in this sample.
    new_names: Vec<OsString>,
    labels: Vec<(Series, String)>,
    top: Option<TopProcesses>,
}

/// A second `System` for [`SysinfoSampler::top_processes`], so listing every
/// process on request does not disturb the sampler's own CPU bookkeeping.
struct TopProcesses {
    system: System,
    refreshed_at: Instant,
}

impl SysinfoSampler {
    /// The shortest time between two samples for CPU figures to be
    /// measured (sysinfo's `MINIMUM_CPU_UPDATE_INTERVAL`, 200 ms on Linux).
    ///
    /// # Example
    ///
    /// ```
    /// use vitals_desktop::SysinfoSampler;
    ///
    /// let interval = std::time::Duration::from_secs(1);
    /// assert!(interval >= SysinfoSampler::MIN_CPU_INTERVAL);
    /// ```
    pub const MIN_CPU_INTERVAL: Duration = sysinfo::MINIMUM_CPU_UPDATE_INTERVAL;

    /// Prepares to measure what `config` asks for. Nothing is measured yet;
    /// the first [`sample`](Self::sample) does that.
    ///
    /// # Errors
    ///
    /// A [`SamplerError`] when the operating system will not give the
    /// figures asked for; its message names the configuration switch that
    /// goes without them.
    ///
    /// # Example
    ///
    /// ```
    /// use vitals_desktop::{SamplerConfig, SysinfoSampler};
    ///
    /// let sampler = SysinfoSampler::new(SamplerConfig { temperatures: false, ..Default::default() })?;
    /// assert!(sampler.labels().is_empty()); // nothing seen yet
    /// # Ok::<(), vitals_desktop::SamplerError>(())
    /// ```
    pub fn new(config: SamplerConfig) -> Result<Self, SamplerError> {
        #[cfg(target_os = "linux")]
        let proc = linux::Proc::open(config.process).map_err(|error| match error {
            linux::OpenError::System(e) => SamplerError::System(sysinfo::Error::Io(e)),
            linux::OpenError::Process(e) => SamplerError::Process(sysinfo::Error::Io(e)),
        })?;
        #[cfg(not(target_os = "linux"))]
        let system = System::new().map_err(SamplerError::System)?;
        let disks = config.disks.then(DiskWatch::new).transpose().map_err(SamplerError::Disks)?;
        let networks = config.networks.then(NetSource::new).transpose().map_err(SamplerError::Networks)?;
        let components = config
            .temperatures
            .then(Components::new_with_refreshed_list)
            .transpose()
            .map_err(SamplerError::Temperatures)?;
        #[cfg(not(target_os = "linux"))]
        let pid = config.process.then(sysinfo::get_current_pid).transpose().map_err(SamplerError::Process)?;
        Ok(SysinfoSampler {
            config,
            #[cfg(target_os = "linux")]
            proc,
            #[cfg(not(target_os = "linux"))]
            system,
            #[cfg(not(target_os = "linux"))]
            pid,
            disks,
            networks,
            components,
            cpu_refreshed_at: None,
            #[cfg(target_os = "linux")]
            cgroup: cgroup::MemoryCgroup::detect(),
            batteries: Batteries::detect(),
            cores_labelled: Vec::new(),
            disk_ids: InstanceMap::new(1),
            net_ids: InstanceMap::new(1),
            sensor_ids: InstanceMap::new(1),
            emitted: Vec::new(),
            new_names: Vec::new(),
            labels: Vec::new(),
            top: None,
        })
    }

    /// Refreshes what the configuration asks for and calls
    /// `emit(series, value)` once per series that has a value now.
    ///
    /// CPU figures (and this process's) are left out of the first sample
    /// and of any sample sooner than [`MIN_CPU_INTERVAL`](Self::MIN_CPU_INTERVAL)
    /// after the last one that had them. A part that cannot be read now
    /// (load average on Windows, a sensor without a reading) is left out.
    /// Beyond sysinfo's own reads (temperatures, the mount list now and
    /// then, and everything but disks off Linux), a sample allocates only
    /// when a mount, interface or sensor is seen for the first time.
    ///
    /// # Example
    ///
    /// ```
    /// use vitals_core::MetricId;
    /// use vitals_desktop::{SamplerConfig, SysinfoSampler};
    ///
    /// let mut sampler = SysinfoSampler::new(SamplerConfig::default())?;
    /// let mut total = 0.0;
    /// sampler.sample(&mut |series, value| {
    ///     if series == MetricId::MEM_TOTAL.series() {
    ///         total = value;
    ///     }
    /// });
    /// assert!(total > 0.0);
    /// # Ok::<(), vitals_desktop::SamplerError>(())
    /// ```
    pub fn sample(&mut self, emit: &mut dyn FnMut(Series, f64)) {
        let now = Instant::now();
        self.sample_cpu_and_process(now, emit);
        self.sample_memory(now, emit);
        if let Some(disks) = &mut self.disks {
            disks.sample(now, &mut self.disk_ids, &mut self.labels, emit);
        }
        if let Some(networks) = &mut self.networks {
            networks.sample(&mut self.net_ids, &mut self.labels, &mut self.new_names, emit);
        }
        if self.config.temperatures {
            self.sample_temperatures(emit);
        }
        if let Some(percent) = self.batteries.read(now) {
            emit(MetricId::BATTERY.series(), percent);
        }
        #[cfg(target_os = "linux")]
        let (load, uptime) = (self.proc.load_average(), self.proc.uptime(now));
        #[cfg(not(target_os = "linux"))]
        let (load, uptime) = (
            System::load_average().ok().map(|load| [load.one, load.five, load.fifteen]),
            System::uptime().ok(),
        );
        if let Some([one, five, fifteen]) = load {
            emit(MetricId::LOAD_1.series(), one);
            emit(MetricId::LOAD_5.series(), five);
            emit(MetricId::LOAD_15.series(), fifteen);
        }
        if let Some(uptime) = uptime {
            emit(MetricId::UPTIME.series(), uptime as f64);
        }
    }

    /// Human labels of the instances seen so far, as `(series, label)`:
    /// `(cpu.core.usage #0, "cpu0")`, `(disk.used #1, "/")` (and the same for
    /// `disk.total` and `disk.usage`), `(net.rx #2, "eth0")` (and `net.tx`),
    /// `(temperature #1, "<sensor label>")`.
    ///
    /// The list only grows, in order of discovery, so `&labels()[n..]` are
    /// the labels added since it last had `n` entries. An instance gets its
    /// label in the sample that first emits it.
    ///
    /// # Example
    ///
    /// ```
    /// use vitals_core::MetricId;
    /// use vitals_desktop::{SamplerConfig, SysinfoSampler};
    ///
    /// let mut sampler = SysinfoSampler::new(SamplerConfig::default())?;
    /// sampler.sample(&mut |_, _| {});
    /// for (series, label) in sampler.labels() {
    ///     if series.metric == MetricId::DISK_USED {
    ///         println!("filesystem {} is mounted on {label}", series.instance);
    ///     }
    /// }
    /// # Ok::<(), vitals_desktop::SamplerError>(())
    /// ```
    pub fn labels(&self) -> &[(Series, String)] {
        &self.labels
    }

    /// The `n` processes busiest on CPU since the previous call, busiest
    /// first (ties by resident memory). Only on request: [`sample`](Self::sample)
    /// never lists processes.
    ///
    /// CPU use is measured between two looks at every process, so a call
    /// sooner than [`MIN_CPU_INTERVAL`](Self::MIN_CPU_INTERVAL) after the
    /// previous one (or the very first call) waits out the rest of that
    /// interval, at most 200 ms. A process started since the previous call
    /// shows 0 %. Empty when the process list cannot be read.
    ///
    /// # Example
    ///
    /// ```
    /// use vitals_desktop::{SamplerConfig, SysinfoSampler};
    ///
    /// let mut sampler = SysinfoSampler::new(SamplerConfig::default())?;
    /// let top = sampler.top_processes(5);
    /// assert!(!top.is_empty() && top.len() <= 5);
    /// assert!(top.windows(2).all(|w| w[0].cpu_percent >= w[1].cpu_percent));
    /// # Ok::<(), vitals_desktop::SamplerError>(())
    /// ```
    pub fn top_processes(&mut self, n: usize) -> Vec<ProcessInfo> {
        if n == 0 {
            return Vec::new();
        }
        // `nothing()` still lists threads as processes on Linux; leave them out.
        let kind = ProcessRefreshKind::nothing().with_cpu().with_memory().without_tasks();
        let top = match &mut self.top {
            Some(top) => top,
            empty => {
                let Ok(mut system) = System::new() else { return Vec::new() };
                system.refresh_processes_specifics(ProcessesToUpdate::All, true, kind);
                empty.insert(TopProcesses { system, refreshed_at: Instant::now() })
            }
        };
        let since = top.refreshed_at.elapsed();
        if since < Self::MIN_CPU_INTERVAL {
            std::thread::sleep(Self::MIN_CPU_INTERVAL - since);
        }
        top.system.refresh_processes_specifics(ProcessesToUpdate::All, true, kind);
        top.refreshed_at = Instant::now();

        let mut list: Vec<ProcessInfo> = top
            .system
            .processes()
            .values()
            .map(|p| ProcessInfo {
                pid: p.pid().as_u32(),
                name: p.name().to_string_lossy().into_owned(),
                cpu_percent: p.cpu_usage(),
                rss_bytes: p.memory(),
            })
            .collect();
        list.sort_unstable_by(|a, b| {
            b.cpu_percent
                .total_cmp(&a.cpu_percent)
                .then(b.rss_bytes.cmp(&a.rss_bytes))
                .then(a.pid.cmp(&b.pid))
        });
        list.truncate(n);
        list
    }

    fn sample_cpu_and_process(&mut self, now: Instant, emit: &mut dyn FnMut(Series, f64)) {
        let primed = match self.cpu_refreshed_at {
            Some(at) if now.saturating_duration_since(at) < Self::MIN_CPU_INTERVAL => return,
            Some(_) => true,
            None => false,
        };

        #[cfg(target_os = "linux")]
        {
            if !self.proc.refresh_cpu() {
                return;
            }
            self.cpu_refreshed_at = Some(now);
            // After the CPU refresh, so the process is measured against the
            // same stretch of machine time.
            if let Some((rss, cpu)) = self.proc.process() {
                emit(MetricId::PROCESS_RSS.series(), rss as f64);
                if let Some(cpu) = cpu.filter(|_| primed) {
                    emit(MetricId::PROCESS_CPU.series(), f64::from(cpu));
                }
            }
            let Some(usage) = self.proc.cpu_usage().filter(|_| primed) else { return };
            emit(MetricId::CPU_USAGE.series(), f64::from(usage));
            if self.config.per_core {
                for (core, usage) in self.proc.core_usages() {
                    let series = MetricId::CPU_CORE_USAGE.instance(core);
                    label_core(&mut self.cores_labelled, &mut self.labels, series, || format!("cpu{core}"));
                    emit(series, f64::from(usage));
                }
            }
        }

        #[cfg(not(target_os = "linux"))]
        {
            self.system.refresh_cpu_specifics(CpuRefreshKind::nothing().with_usage());
            if let Some(pid) = self.pid {
                // After the CPU refresh, so sysinfo measures the process against
                // the same stretch of machine time instead of refreshing it again.
                self.system.refresh_processes_specifics(
                    ProcessesToUpdate::Some(&[pid]),
                    true,
                    ProcessRefreshKind::nothing().with_memory().with_cpu().without_tasks(),
                );
            }
            // Taken after sysinfo's own timestamp, so whenever this gate opens,
            // sysinfo's (which skips refreshes that come too soon) opens too.
            self.cpu_refreshed_at = Some(Instant::now());

            if let Some(process) = self.pid.and_then(|pid| self.system.process(pid)) {
                emit(MetricId::PROCESS_RSS.series(), process.memory() as f64);
                if primed {
                    emit(MetricId::PROCESS_CPU.series(), f64::from(process.cpu_usage()));
                }
            }
            if !primed {
                return;
            }
            emit(MetricId::CPU_USAGE.series(), f64::from(self.system.global_cpu_usage()));
            if !self.config.per_core {
                return;
            }
            for (index, cpu) in self.system.cpus().iter().enumerate() {
                let Ok(instance) = u16::try_from(index) else { break };
                let series = MetricId::CPU_CORE_USAGE.instance(instance);
                label_core(&mut self.cores_labelled, &mut self.labels, series, || {
                    if cpu.name().is_empty() {
                        format!("cpu{index}")
                    } else {
                        cpu.name().to_owned()
                    }
                });
                emit(series, f64::from(cpu.usage()));
            }
        }
    }

    #[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
    fn sample_memory(&mut self, now: Instant, emit: &mut dyn FnMut(Series, f64)) {
        #[cfg(target_os = "linux")]
        let Some(procfs::Meminfo { total, available, swap_total, swap_free }) = self.proc.meminfo() else {
            return;
        };
        #[cfg(not(target_os = "linux"))]
        let (total, available, swap_total, swap_free) = {
            self.system.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram().with_swap());
            let swap_total = self.system.total_swap();
            let swap_free = swap_total.saturating_sub(self.system.used_swap());
            (self.system.total_memory(), self.system.available_memory(), swap_total, swap_free)
        };
        if total > 0 {
            let available = available.min(total);
            #[allow(unused_mut)] // only Linux has cgroups
            let mut memory = (total, total - available, available);
            #[cfg(target_os = "linux")]
            if let Some(limited) = self.cgroup.as_mut().and_then(|cgroup| cgroup.read(total, now)) {
                memory = (limited.total, limited.used, limited.available);
            }
            let (total, used, available) = memory;
            emit(MetricId::MEM_TOTAL.series(), total as f64);
            emit(MetricId::MEM_USED.series(), used as f64);
            emit(MetricId::MEM_AVAILABLE.series(), available as f64);
            emit(MetricId::MEM_USAGE.series(), percent(used, total));
        }
        emit(MetricId::SWAP_TOTAL.series(), swap_total as f64);
        emit(MetricId::SWAP_USED.series(), swap_total.saturating_sub(swap_free) as f64);
    }

    fn sample_temperatures(&mut self, emit: &mut dyn FnMut(Series, f64)) {
        let Some(components) = &mut self.components else { return };
        self.emitted.clear();
        // The sensor list is read once, at start; each sample re-reads the
        // known sensors' values only.
        for component in components.iter_mut() {
            component.refresh();
            let Some(celsius) = component.temperature().filter(|t| t.is_finite()) else { continue };
            let key = component.id().unwrap_or(component.label());
            let Some((instance, new)) = self.sensor_ids.get_or_insert(OsStr::new(key)) else { continue };
            if self.emitted.contains(&instance) {
                continue;
            }
            self.emitted.push(instance);
            if new {
                self.labels.push((MetricId::TEMPERATURE.instance(instance), component.label().to_owned()));
            }
            emit(MetricId::TEMPERATURE.instance(instance), f64::from(celsius));
        }
    }
}

impl SysinfoSampler {
    /// How many CPU cores the last CPU refresh saw.
    fn core_count(&self) -> usize {
        #[cfg(target_os = "linux")]
        return self.proc.core_count();
        #[cfg(not(target_os = "linux"))]
        return self.system.cpus().len();
    }
}

impl fmt::Debug for SysinfoSampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SysinfoSampler")
            .field("config", &self.config)
            .field("cpus", &self.core_count())
            .field("mounts", &self.disk_ids.len())
            .field("interfaces", &self.net_ids.len())
            .field("sensors", &self.sensor_ids.len())
            .field("labels", &self.labels.len())
            .finish_non_exhaustive()
    }
}

/// `part` as a percentage of `whole` (0 when `whole` is 0).
fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64 * 100.0
    }
}

/// Gives core `series` its label (from `label`) the first time it is emitted.
fn label_core(
    labelled: &mut Vec<bool>,
    labels: &mut Vec<(Series, String)>,
    series: Series,
    label: impl FnOnce() -> String,
) {
    let index = usize::from(series.instance);
    if labelled.len() <= index {
        labelled.resize(index + 1, false);
    }
    if !labelled[index] {
        labelled[index] = true;
        labels.push((series, label()));
    }
}

/// Reads a whole file into `buf` (cleared first), reusing its capacity.
pub(crate) fn read_into(path: &Path, buf: &mut String) -> bool {
    buf.clear();
    File::open(path).and_then(|mut file| file.read_to_string(buf)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(sampler: &mut SysinfoSampler) -> Vec<(Series, f64)> {
        let mut values = Vec::new();
        sampler.sample(&mut |series, value| values.push((series, value)));
        values
    }

    fn has(values: &[(Series, f64)], metric: MetricId) -> bool {
        values.iter().any(|(s, _)| s.metric == metric)
    }

    #[test]
    fn sampler_is_send() {
        fn is_send<T: Send>() {}
        is_send::<SysinfoSampler>();
    }

    #[test]
    fn config_defaults_to_everything_and_reads_partial_toml() {
        let all = SamplerConfig::default();
        assert!(all.per_core && all.disks && all.networks && all.temperatures && all.process);
        let config: SamplerConfig = toml::from_str("temperatures = false").unwrap();
        assert_eq!(config, SamplerConfig { temperatures: false, ..all });
    }

    #[test]
    fn error_messages_say_what_to_do() {
        let error = SamplerError::Disks(sysinfo::Error::Unsupported);
        let message = error.to_string();
        assert!(message.contains("mounted filesystems"), "{message}");
        assert!(message.contains("disks = false"), "{message}");
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn first_sample_has_no_cpu_and_a_quick_second_neither() {
        let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
        let first = collect(&mut sampler);
        assert!(!has(&first, MetricId::CPU_USAGE));
        assert!(!has(&first, MetricId::CPU_CORE_USAGE));
        assert!(!has(&first, MetricId::PROCESS_CPU));
        assert!(has(&first, MetricId::PROCESS_RSS));
        assert!(has(&first, MetricId::MEM_TOTAL));

        // Right away: too soon for CPU, so nothing CPU-ish (and no process).
        let quick = collect(&mut sampler);
        assert!(!has(&quick, MetricId::CPU_USAGE));
        assert!(!has(&quick, MetricId::PROCESS_RSS));
        assert!(has(&quick, MetricId::MEM_TOTAL));

        std::thread::sleep(SysinfoSampler::MIN_CPU_INTERVAL);
        let second = collect(&mut sampler);
        assert!(has(&second, MetricId::CPU_USAGE));
        assert!(has(&second, MetricId::CPU_CORE_USAGE));
        assert!(has(&second, MetricId::PROCESS_CPU));
        for (series, value) in &second {
            if series.metric == MetricId::CPU_USAGE || series.metric == MetricId::CPU_CORE_USAGE {
                assert!((0.0..=100.0).contains(value), "{series:?} = {value}");
                assert_eq!(*value, f64::from(*value as f32), "CPU values stay f32-exact");
            }
        }
    }

    #[test]
    fn each_series_is_emitted_at_most_once_per_sample() {
        let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
        collect(&mut sampler);
        std::thread::sleep(SysinfoSampler::MIN_CPU_INTERVAL);
        let mut series: Vec<Series> = collect(&mut sampler).into_iter().map(|(s, _)| s).collect();
        let count = series.len();
        series.sort_unstable();
        series.dedup();
        assert_eq!(series.len(), count);
    }

    #[test]
    fn labels_cover_emitted_instances_and_only_grow() {
        let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
        collect(&mut sampler);
        let after_first = sampler.labels().to_vec();
        std::thread::sleep(SysinfoSampler::MIN_CPU_INTERVAL);
        let values = collect(&mut sampler);
        assert_eq!(&sampler.labels()[..after_first.len()], &after_first[..]);
        let labelled = |s: Series| sampler.labels().iter().any(|(l, _)| *l == s);
        for (series, _) in values {
            let per_instance = [
                MetricId::CPU_CORE_USAGE,
                MetricId::DISK_TOTAL,
                MetricId::DISK_USED,
                MetricId::DISK_USAGE,
                MetricId::TEMPERATURE,
            ];
            let net = [MetricId::NET_RX_BYTES, MetricId::NET_TX_BYTES];
            if per_instance.contains(&series.metric) || (net.contains(&series.metric) && series.instance > 0)
            {
                assert!(labelled(series), "{series:?} has no label");
            }
        }
        let cores: Vec<_> =
            sampler.labels().iter().filter(|(s, _)| s.metric == MetricId::CPU_CORE_USAGE).collect();
        assert_eq!(cores[0].0.instance, 0);
        assert_eq!(cores[0].1, "cpu0");
    }

    #[test]
    fn switched_off_parts_are_not_sampled() {
        let config = SamplerConfig {
            per_core: false,
            disks: false,
            networks: false,
            temperatures: false,
            process: false,
        };
        let mut sampler = SysinfoSampler::new(config).unwrap();
        collect(&mut sampler);
        std::thread::sleep(SysinfoSampler::MIN_CPU_INTERVAL);
        let values = collect(&mut sampler);
        assert!(has(&values, MetricId::CPU_USAGE));
        for metric in [
            MetricId::CPU_CORE_USAGE,
            MetricId::DISK_TOTAL,
            MetricId::NET_RX_BYTES,
            MetricId::TEMPERATURE,
            MetricId::PROCESS_RSS,
            MetricId::PROCESS_CPU,
        ] {
            assert!(!has(&values, metric), "{metric} was sampled");
        }
        assert!(sampler.labels().is_empty());
    }

    #[test]
    fn memory_figures_add_up() {
        let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
        let values = collect(&mut sampler);
        let get =
            |metric: MetricId| values.iter().find(|(s, _)| *s == metric.series()).map(|(_, v)| *v).unwrap();
        let (total, used, available) =
            (get(MetricId::MEM_TOTAL), get(MetricId::MEM_USED), get(MetricId::MEM_AVAILABLE));
        assert_eq!(used + available, total);
        let usage = get(MetricId::MEM_USAGE);
        assert!((usage - used / total * 100.0).abs() < 1e-9);
        assert!(get(MetricId::SWAP_USED) <= get(MetricId::SWAP_TOTAL));
    }

    #[test]
    fn top_processes_are_sorted_and_include_this_one() {
        let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
        assert!(sampler.top_processes(0).is_empty());
        let all = sampler.top_processes(usize::MAX);
        assert!(all.iter().any(|p| p.pid == std::process::id()));
        // Threads are not processes: the test harness runs this on its own thread.
        let thread_ids: Vec<u32> = std::fs::read_dir("/proc/self/task")
            .map(|d| d.flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect())
            .unwrap_or_default();
        for tid in thread_ids.iter().filter(|&&tid| tid != std::process::id()) {
            assert!(!all.iter().any(|p| p.pid == *tid), "thread {tid} listed as a process");
        }
        assert!(all.windows(2).all(|w| w[0].cpu_percent >= w[1].cpu_percent));
        assert_eq!(sampler.top_processes(3).len(), 3.min(all.len()));
    }

    #[test]
    fn percent_of_nothing_is_zero() {
        assert_eq!(percent(1, 4), 25.0);
        assert_eq!(percent(1, 0), 0.0);
    }
}
