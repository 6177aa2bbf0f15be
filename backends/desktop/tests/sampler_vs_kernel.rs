//! The sampler's figures against what the Linux kernel says directly:
//! `/proc/meminfo`, the cgroup files, `statvfs`, `nproc`, `/proc/uptime`,
//! `/proc/loadavg`, `/sys/class/net` and `/proc/self/status`.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;

use vitals_core::{MetricId, Series};
use vitals_desktop::{SamplerConfig, SysinfoSampler};

fn sample(sampler: &mut SysinfoSampler) -> Vec<(Series, f64)> {
    let mut values = Vec::new();
    sampler.sample(&mut |series, value| values.push((series, value)));
    values
}

/// A sampler that has taken its first sample, and its second sample taken
/// after the minimum CPU interval.
fn second_sample() -> (SysinfoSampler, Vec<(Series, f64)>) {
    let mut sampler = SysinfoSampler::new(SamplerConfig::default()).expect("sampler starts");
    sample(&mut sampler);
    std::thread::sleep(SysinfoSampler::MIN_CPU_INTERVAL);
    let values = sample(&mut sampler);
    (sampler, values)
}

fn value(values: &[(Series, f64)], series: Series) -> Option<f64> {
    values.iter().find(|(s, _)| *s == series).map(|(_, v)| *v)
}

fn instance_of(sampler: &SysinfoSampler, metric: MetricId, label: &str) -> Option<u16> {
    sampler.labels().iter().find(|(s, l)| s.metric == metric && l == label).map(|(s, _)| s.instance)
}

fn read(path: impl AsRef<Path>) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// `MemTotal` from `/proc/meminfo`, bytes.
fn meminfo_total() -> u64 {
    let meminfo = read("/proc/meminfo").expect("/proc/meminfo is readable");
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:")).expect("MemTotal line");
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// The lowest memory limit on this process's cgroup or its ancestors, found
/// the simple way (the conventional mount points), independently of the
/// sampler's mountinfo-based lookup.
fn cgroup_limit() -> Option<u64> {
    let membership = read("/proc/self/cgroup")?;
    let v1 = membership.lines().find_map(|l| {
        let mut f = l.splitn(3, ':');
        let (_, controllers, path) = (f.next()?, f.next()?, f.next()?);
        controllers.split(',').any(|c| c == "memory").then(|| path.to_owned())
    });
    let v2 = membership.lines().find_map(|l| l.strip_prefix("0::").map(str::to_owned));
    let (root, file, path) = match (v1, v2) {
        (Some(path), _) => (PathBuf::from("/sys/fs/cgroup/memory"), "memory.limit_in_bytes", path),
        (None, Some(path)) => (PathBuf::from("/sys/fs/cgroup"), "memory.max", path),
        (None, None) => return None,
    };
    let mut dir = root.join(path.trim_start_matches('/'));
    if !dir.is_dir() {
        dir = root.clone(); // a container that sees only its own cgroup
    }
    let mut lowest: Option<u64> = None;
    for d in dir.ancestors() {
        let limit = read(d.join(file)).and_then(|t| match t.trim() {
            "max" => Some(u64::MAX),
            n => n.parse().ok(),
        });
        if let Some(limit) = limit {
            lowest = Some(lowest.map_or(limit, |l| l.min(limit)));
        }
        if d == root {
            break;
        }
    }
    lowest
}

#[test]
fn mem_total_is_meminfo_or_the_cgroup_limit() {
    let physical = meminfo_total();
    let expected = match cgroup_limit() {
        Some(limit) if limit < physical => limit,
        _ => physical,
    };
    let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
    let values = sample(&mut sampler);
    assert_eq!(value(&values, MetricId::MEM_TOTAL.series()), Some(expected as f64));
    let used = value(&values, MetricId::MEM_USED.series()).unwrap();
    let available = value(&values, MetricId::MEM_AVAILABLE.series()).unwrap();
    assert_eq!(used + available, expected as f64);
}

#[test]
fn cpu_core_count_is_available_parallelism_and_nproc() {
    let (_, values) = second_sample();
    let cores = values.iter().filter(|(s, _)| s.metric == MetricId::CPU_CORE_USAGE).count();
    let parallelism = std::thread::available_parallelism().unwrap().get();
    let nproc: usize = String::from_utf8(Command::new("nproc").output().expect("nproc runs").stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(cores, parallelism, "cores sampled vs available_parallelism");
    assert_eq!(cores, nproc, "cores sampled vs nproc");
    let mut instances: Vec<u16> = values
        .iter()
        .filter(|(s, _)| s.metric == MetricId::CPU_CORE_USAGE)
        .map(|(s, _)| s.instance)
        .collect();
    instances.sort_unstable();
    assert!(instances.iter().copied().eq(0..cores as u16), "cores are numbered 0..n: {instances:?}");
}

#[test]
fn disk_total_of_root_is_statvfs() {
    let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
    let values = sample(&mut sampler);
    let stat = rustix::fs::statvfs("/").expect("statvfs /");
    let expected = stat.f_blocks * stat.f_frsize;
    let instance = instance_of(&sampler, MetricId::DISK_TOTAL, "/").expect("/ is sampled");
    assert_eq!(value(&values, MetricId::DISK_TOTAL.instance(instance)), Some(expected as f64));
    // The same instance carries the other disk metrics of that mount.
    assert_eq!(instance_of(&sampler, MetricId::DISK_USED, "/"), Some(instance));
    let used = value(&values, MetricId::DISK_USED.instance(instance)).unwrap();
    let usage = value(&values, MetricId::DISK_USAGE.instance(instance)).unwrap();
    assert!((0.0..=expected as f64).contains(&used));
    assert!((usage - used / expected as f64 * 100.0).abs() < 1e-9);
    // No mount point twice.
    let mut mounts: Vec<&str> = sampler
        .labels()
        .iter()
        .filter(|(s, _)| s.metric == MetricId::DISK_TOTAL)
        .map(|(_, l)| l.as_str())
        .collect();
    let count = mounts.len();
    mounts.sort_unstable();
    mounts.dedup();
    assert_eq!(mounts.len(), count);
}

#[test]
fn first_sample_has_no_cpu_and_the_second_has_it_in_range() {
    let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
    let first = sample(&mut sampler);
    assert_eq!(value(&first, MetricId::CPU_USAGE.series()), None);
    assert_eq!(value(&first, MetricId::PROCESS_CPU.series()), None);
    std::thread::sleep(SysinfoSampler::MIN_CPU_INTERVAL);
    let second = sample(&mut sampler);
    let cpu = value(&second, MetricId::CPU_USAGE.series()).expect("second sample has CPU usage");
    assert!((0.0..=100.0).contains(&cpu), "cpu = {cpu}");
    let process = value(&second, MetricId::PROCESS_CPU.series()).expect("second sample has process CPU");
    let cores = std::thread::available_parallelism().unwrap().get() as f64;
    assert!((0.0..=100.0 * cores).contains(&process), "process cpu = {process}");
}

#[test]
fn net_counters_do_not_decrease_and_match_sysfs() {
    let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
    let first = sample(&mut sampler);
    // Some traffic on loopback, at least.
    let _ = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| std::net::TcpStream::connect(l.local_addr()?));
    std::thread::sleep(std::time::Duration::from_millis(50));

    let sysfs = |name: &str, file: &str| -> Option<u64> {
        read(format!("/sys/class/net/{name}/statistics/{file}"))?.trim().parse().ok()
    };
    let labels: Vec<(Series, String)> = sampler.labels().to_vec();
    let before: Vec<_> = labels.iter().map(|(s, name)| (*s, name, sysfs(name, file_of(*s)))).collect();
    let second = sample(&mut sampler);
    let labels: Vec<(Series, String)> = sampler.labels().to_vec();

    for (series, v1) in first.iter().filter(|(s, _)| is_net(s.metric)) {
        if let Some(v2) = value(&second, *series) {
            // Instance 0 may drop only if an interface went away meanwhile.
            assert!(v2 >= *v1, "{series:?} went from {v1} to {v2}");
        }
    }
    for (series, name, before) in before {
        let (Some(before), Some(sampled)) = (before, value(&second, series)) else { continue };
        let after = sysfs(name, file_of(series)).unwrap();
        assert!(
            (before as f64..=after as f64).contains(&sampled),
            "{name} {}: sysfs {before}..={after}, sampled {sampled}",
            file_of(series)
        );
    }
    // Instance 0 is the sum over the non-loopback interfaces.
    for metric in [MetricId::NET_RX_BYTES, MetricId::NET_TX_BYTES] {
        let sum: f64 = labels
            .iter()
            .filter(|(s, name)| s.metric == metric && name != "lo")
            .filter_map(|(s, _)| value(&second, *s))
            .sum();
        assert_eq!(value(&second, metric.series()), Some(sum));
    }
}

fn is_net(metric: MetricId) -> bool {
    metric == MetricId::NET_RX_BYTES || metric == MetricId::NET_TX_BYTES
}

fn file_of(series: Series) -> &'static str {
    if series.metric == MetricId::NET_RX_BYTES {
        "rx_bytes"
    } else {
        "tx_bytes"
    }
}

#[test]
fn uptime_is_close_to_proc_uptime() {
    let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
    let values = sample(&mut sampler);
    let proc_uptime: f64 = read("/proc/uptime").unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let sampled = value(&values, MetricId::UPTIME.series()).unwrap();
    assert!((sampled - proc_uptime).abs() <= 2.0, "sampled {sampled}, /proc/uptime {proc_uptime}");
}

#[test]
fn load_matches_proc_loadavg() {
    let loadavg = || -> Vec<f64> {
        let text = read("/proc/loadavg").unwrap();
        text.split_whitespace().take(3).map(|v| v.parse().unwrap()).collect()
    };
    let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
    // The kernel updates every 5 s, so the sample lies between a read just
    // before and one just after it.
    let before = loadavg();
    let values = sample(&mut sampler);
    let after = loadavg();
    for (i, metric) in [MetricId::LOAD_1, MetricId::LOAD_5, MetricId::LOAD_15].into_iter().enumerate() {
        let sampled = value(&values, metric.series()).unwrap();
        let (low, high) = (before[i].min(after[i]) - 0.01, before[i].max(after[i]) + 0.01);
        assert!(
            (low..=high).contains(&sampled),
            "{metric}: sampled {sampled}, kernel {before:?} then {after:?}"
        );
    }
}

#[test]
fn process_rss_is_close_to_proc_status() {
    let mut sampler = SysinfoSampler::new(SamplerConfig::default()).unwrap();
    let values = sample(&mut sampler);
    let status = read("/proc/self/status").unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    let sampled = value(&values, MetricId::PROCESS_RSS.series()).unwrap();
    // Other test threads allocate meanwhile.
    assert!((sampled - kib * 1024.0).abs() <= 64.0 * 1024.0 * 1024.0, "sampled {sampled}, VmRSS {kib} KiB");
}
