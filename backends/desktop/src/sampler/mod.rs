//! Measures the machine into the core's metric catalog with
//! [`sysinfo`]: CPU (total and per core), memory (a container's cgroup limit
//! where one applies), swap, mounted filesystems, network byte counters,
//! temperatures, battery, load average, uptime and this process's own
//! memory and CPU.
//!
//! One [`SysinfoSampler`] keeps one long-lived sysinfo `System` (plus
//! `Disks`, `Networks` and `Components`) and refreshes only what it reports,
//! so a sample costs a few small reads of `/proc` and `/sys`.
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
mod instances;

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use sysinfo::{
    Components, CpuRefreshKind, DiskRefreshKind, Disks, MemoryRefreshKind, Networks, Pid, ProcessRefreshKind,
    ProcessesToUpdate, System,
};
use vitals_core::{MetricId, Series};

use self::battery::Batteries;
use self::instances::InstanceMap;

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
    /// The operating system's CPU and memory figures could not be read.
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
        "cannot list the network interfaces ({0}); check that /sys/class/net is readable, \
         or set `networks = false` in the sampler configuration to go without network metrics"
    )]
    Networks(#[source] sysinfo::Error),
    /// The temperature sensors could not be listed.
    #[error(
        "cannot list the temperature sensors ({0}); \
         set `temperatures = false` in the sampler configuration to go without them"
    )]
    Temperatures(#[source] sysinfo::Error),
    /// This process's own id could not be found.
    #[error(
        "cannot find this process's id to measure its memory and CPU ({0}); \
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
    system: System,
    disks: Option<Disks>,
    networks: Option<Networks>,
    components: Option<Components>,
    /// This process, when `config.process`.
    pid: Option<Pid>,
    /// When CPU (and this process) were last refreshed.
    cpu_refreshed_at: Option<Instant>,
    #[cfg(target_os = "linux")]
    cgroup: Option<cgroup::MemoryCgroup>,
    batteries: Batteries,
    /// How many cores have a label.
    cores_labelled: usize,
    disk_ids: InstanceMap,
    net_ids: InstanceMap,
    sensor_ids: InstanceMap,
    /// Scratch: instances emitted in this sample (to drop duplicate mounts
    /// and sensors).
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
        let system = System::new().map_err(SamplerError::System)?;
        let disks = config.disks.then(Disks::new).transpose().map_err(SamplerError::Disks)?;
        let networks = config.networks.then(Networks::new).transpose().map_err(SamplerError::Networks)?;
        let components = config
            .temperatures
            .then(Components::new_with_refreshed_list)
            .transpose()
            .map_err(SamplerError::Temperatures)?;
        let pid = config.process.then(sysinfo::get_current_pid).transpose().map_err(SamplerError::Process)?;
        Ok(SysinfoSampler {
            config,
            system,
            disks,
            networks,
            components,
            pid,
            cpu_refreshed_at: None,
            #[cfg(target_os = "linux")]
            cgroup: cgroup::MemoryCgroup::detect(),
            batteries: Batteries::detect(),
            cores_labelled: 0,
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
    /// Beyond sysinfo's own reads, a sample allocates only when a mount,
    /// interface or sensor is seen for the first time.
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
        self.sample_cpu_and_process(emit);
        self.sample_memory(emit);
        if self.config.disks {
            self.sample_disks(emit);
        }
        if self.config.networks {
            self.sample_networks(emit);
        }
        if self.config.temperatures {
            self.sample_temperatures(emit);
        }
        if let Some(percent) = self.batteries.read() {
            emit(MetricId::BATTERY.series(), percent);
        }
        if let Ok(load) = System::load_average() {
            emit(MetricId::LOAD_1.series(), load.one);
            emit(MetricId::LOAD_5.series(), load.five);
            emit(MetricId::LOAD_15.series(), load.fifteen);
        }
        if let Ok(uptime) = System::uptime() {
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

    fn sample_cpu_and_process(&mut self, emit: &mut dyn FnMut(Series, f64)) {
        let primed = match self.cpu_refreshed_at {
            Some(at) if at.elapsed() < Self::MIN_CPU_INTERVAL => return,
            Some(_) => true,
            None => false,
        };
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
            if index >= self.cores_labelled {
                let label = if cpu.name().is_empty() { format!("cpu{index}") } else { cpu.name().to_owned() };
                self.labels.push((series, label));
                self.cores_labelled = index + 1;
            }
            emit(series, f64::from(cpu.usage()));
        }
    }

    fn sample_memory(&mut self, emit: &mut dyn FnMut(Series, f64)) {
        self.system.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram().with_swap());
        let total = self.system.total_memory();
        if total > 0 {
            let available = self.system.available_memory().min(total);
            #[allow(unused_mut)] // only Linux has cgroups
            let mut memory = (total, total - available, available);
            #[cfg(target_os = "linux")]
            if let Some(limited) = self.cgroup.as_mut().and_then(|cgroup| cgroup.read(total)) {
                memory = (limited.total, limited.used, limited.available);
            }
            let (total, used, available) = memory;
            emit(MetricId::MEM_TOTAL.series(), total as f64);
            emit(MetricId::MEM_USED.series(), used as f64);
            emit(MetricId::MEM_AVAILABLE.series(), available as f64);
            emit(MetricId::MEM_USAGE.series(), percent(used, total));
        }
        emit(MetricId::SWAP_TOTAL.series(), self.system.total_swap() as f64);
        emit(MetricId::SWAP_USED.series(), self.system.used_swap() as f64);
    }

    fn sample_disks(&mut self, emit: &mut dyn FnMut(Series, f64)) {
        let Some(disks) = &mut self.disks else { return };
        // Re-reads the mount table, so new mounts appear and gone ones go.
        disks.refresh_specifics(true, DiskRefreshKind::nothing().with_storage());
        self.emitted.clear();
        for disk in disks.iter() {
            let total = disk.total_space();
            if total == 0 {
                continue; // a pseudo filesystem
            }
            let mount_point = disk.mount_point();
            let Some((instance, new)) = self.disk_ids.get_or_insert(mount_point.as_os_str()) else {
                continue;
            };
            if self.emitted.contains(&instance) {
                continue; // the same mount point twice (mounted over)
            }
            self.emitted.push(instance);
            if new {
                let label = mount_point.to_string_lossy();
                for metric in [MetricId::DISK_TOTAL, MetricId::DISK_USED, MetricId::DISK_USAGE] {
                    self.labels.push((metric.instance(instance), label.clone().into_owned()));
                }
            }
            // Space the unprivileged cannot use (root's reserve) counts as used.
            let used = total.saturating_sub(disk.available_space());
            emit(MetricId::DISK_TOTAL.instance(instance), total as f64);
            emit(MetricId::DISK_USED.instance(instance), used as f64);
            emit(MetricId::DISK_USAGE.instance(instance), percent(used, total));
        }
    }

    fn sample_networks(&mut self, emit: &mut dyn FnMut(Series, f64)) {
        let Some(networks) = &mut self.networks else { return };
        networks.refresh(true);

        self.new_names.clear();
        self.new_names.extend(networks.keys().filter(|name| self.net_ids.get(name).is_none()).cloned());
        self.new_names.sort_unstable();
        for name in &self.new_names {
            if let Some((instance, true)) = self.net_ids.get_or_insert(name) {
                let label = name.to_string_lossy();
                for metric in [MetricId::NET_RX_BYTES, MetricId::NET_TX_BYTES] {
                    self.labels.push((metric.instance(instance), label.clone().into_owned()));
                }
            }
        }

        let (mut rx_total, mut tx_total) = (0u64, 0u64);
        for (instance, name) in self.net_ids.iter() {
            let Some(data) = networks.get(name) else { continue };
            let (rx, tx) = (data.total_received(), data.total_transmitted());
            emit(MetricId::NET_RX_BYTES.instance(instance), rx as f64);
            emit(MetricId::NET_TX_BYTES.instance(instance), tx as f64);
            if !is_loopback(name) {
                rx_total = rx_total.saturating_add(rx);
                tx_total = tx_total.saturating_add(tx);
            }
        }
        emit(MetricId::NET_RX_BYTES.series(), rx_total as f64);
        emit(MetricId::NET_TX_BYTES.series(), tx_total as f64);
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

impl fmt::Debug for SysinfoSampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SysinfoSampler")
            .field("config", &self.config)
            .field("cpus", &self.system.cpus().len())
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

/// Whether an interface is the loopback one (`lo` on Linux, `lo0` on the BSDs and macOS).
fn is_loopback(name: &OsStr) -> bool {
    name == "lo" || name == "lo0" || name.to_str().is_some_and(|n| n.starts_with("Loopback"))
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
    fn percent_and_loopback() {
        assert_eq!(percent(1, 4), 25.0);
        assert_eq!(percent(1, 0), 0.0);
        assert!(is_loopback(OsStr::new("lo")));
        assert!(is_loopback(OsStr::new("lo0")));
        assert!(!is_loopback(OsStr::new("eth0")));
        assert!(!is_loopback(OsStr::new("lowpan0")));
    }
}
