//! The machine a run used and when: written to `run-info.txt` as `key=value`
//! lines when `cargo xtask bench` starts and ends, read back by the report.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::command::Cmd;
use crate::error::{Error, Result};

/// What the report says about the run: every field as text, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct RunInfo {
    pub(crate) fields: Vec<(String, String)>,
}

impl RunInfo {
    /// The value of `key`, if recorded.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn set(&mut self, key: &str, value: impl Into<String>) {
        self.fields.push((key.to_owned(), value.into()));
    }

    /// When the run started, if recorded.
    pub(crate) fn started(&self) -> Option<SystemTime> {
        let secs = self.get("started_unix")?.parse().ok()?;
        Some(UNIX_EPOCH + Duration::from_secs(secs))
    }

    /// How long the run took, if it finished.
    pub(crate) fn duration(&self) -> Option<Duration> {
        let start: u64 = self.get("started_unix")?.parse().ok()?;
        let end: u64 = self.get("finished_unix")?.parse().ok()?;
        end.checked_sub(start).map(Duration::from_secs)
    }

    /// Parses `key=value` lines; other lines are ignored.
    pub(crate) fn parse(text: &str) -> Self {
        let fields = text
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        RunInfo { fields }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.fields {
            let _ = writeln!(out, "{k}={v}");
        }
        out
    }

    /// Reads `path`; an empty record when there is none.
    pub(crate) fn read(path: &Path) -> Self {
        fs::read_to_string(path).map(|t| Self::parse(&t)).unwrap_or_default()
    }

    /// The machine as it is now, with the start time: what a run records first.
    pub(crate) fn now() -> Self {
        let mut info = RunInfo::default();
        info.set("started_unix", unix_now().to_string());
        info.set("started", utc_now());
        describe_machine(&mut info);
        info.set("load_at_start", load_average());
        info
    }

    /// Starts `path` afresh with [`RunInfo::now`].
    pub(crate) fn record_start(path: &Path) -> Result<()> {
        fs::write(path, Self::now().render()).map_err(|e| Error::new(format!("{}: {e}", path.display())))
    }

    /// Adds the end time and load to `path`.
    pub(crate) fn record_end(path: &Path) -> Result<()> {
        let mut info = Self::read(path);
        info.set("finished_unix", unix_now().to_string());
        info.set("load_at_end", load_average());
        fs::write(path, info.render()).map_err(|e| Error::new(format!("{}: {e}", path.display())))
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `date -u` as ISO 8601, or the Unix time when `date` cannot be run.
fn utc_now() -> String {
    Cmd::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .probe()
        .map(|d| d.trim().to_owned())
        .unwrap_or_else(|| format!("{} s after the Unix epoch", unix_now()))
}

/// `/proc/loadavg`'s three averages.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// CPU model, cores, RAM, OS, kernel and compiler.
fn describe_machine(info: &mut RunInfo) {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|(_, m)| m.trim().to_owned()))
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    info.set("cpu", model);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    info.set("cores", cores.to_string());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_kib: Option<f64> =
        meminfo.lines().find_map(|l| l.strip_prefix("MemTotal:")?.split_whitespace().next()?.parse().ok());
    info.set("ram", ram_kib.map_or("unknown".to_owned(), |k| format!("{:.1} GiB", k / 1024.0 / 1024.0)));
    let os = fs::read_to_string("/etc/os-release").ok().and_then(|t| {
        t.lines().find_map(|l| Some(l.strip_prefix("PRETTY_NAME=")?.trim_matches('"').to_owned()))
    });
    info.set("os", os.unwrap_or_else(|| std::env::consts::OS.to_owned()));
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").map(|k| k.trim().to_owned());
    info.set("kernel", kernel.unwrap_or_else(|_| "unknown".to_owned()));
    let virt = Cmd::new("systemd-detect-virt").probe().map(|v| v.trim().to_owned());
    if let Some(virt) = virt.filter(|v| !v.is_empty() && v != "none") {
        info.set("virtualization", virt);
    }
    let rustc = Cmd::new("rustc").arg("-V").probe().map(|v| v.trim().to_owned());
    info.set("rustc", rustc.unwrap_or_else(|| "unknown".to_owned()));
    let python = Cmd::new("python3").arg("--version").probe().map(|v| v.trim().to_owned());
    info.set("python", python.unwrap_or_else(|| "unknown".to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_info_round_trips_and_gives_the_duration() {
        let text =
            "started_unix=1000\nstarted=2026-11-24 08:00 UTC\ncpu=Some CPU = fast\nfinished_unix=1950\n";
        let info = RunInfo::parse(text);
        assert_eq!(info.get("cpu"), Some("Some CPU = fast"));
        assert_eq!(info.duration(), Some(Duration::from_secs(950)));
        assert_eq!(RunInfo::parse(&info.render()), info);
        assert_eq!(RunInfo::parse("started_unix=5").duration(), None, "not finished");
    }

    #[test]
    fn the_machine_is_described() {
        let info = RunInfo::now();
        for key in ["started_unix", "cpu", "cores", "ram", "kernel", "rustc"] {
            assert!(info.get(key).is_some_and(|v| !v.is_empty()), "{key} missing: {info:?}");
        }
    }
}
