//! Battery charge from `/sys/class/power_supply/*/capacity` on Linux; on
//! other systems, and on machines without a battery, there is none.
//!
//! The batteries are looked for at start and, while none is found, again
//! every [`REDETECT_EVERY`]; the capacity files found are kept open.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::kept::KeptFile;
use super::read_into;

/// How often a machine without a battery is looked at again.
pub(crate) const REDETECT_EVERY: Duration = Duration::from_secs(60);

/// The capacity files of the batteries found.
#[derive(Debug)]
pub(crate) struct Batteries {
    dir: PathBuf,
    capacity_files: Vec<KeptFile>,
    detected_at: Instant,
    buf: Vec<u8>,
}

impl Batteries {
    /// Finds the batteries under `/sys/class/power_supply`.
    pub(crate) fn detect() -> Self {
        Self::detect_in(Path::new("/sys/class/power_supply"))
    }

    /// Finds the power supplies under `dir` whose `type` is `Battery` and
    /// that have a `capacity` file, in name order.
    pub(crate) fn detect_in(dir: &Path) -> Self {
        let mut batteries = Batteries {
            dir: dir.to_owned(),
            capacity_files: Vec::new(),
            detected_at: Instant::now(),
            buf: Vec::new(),
        };
        batteries.redetect();
        batteries
    }

    fn redetect(&mut self) {
        self.detected_at = Instant::now();
        self.capacity_files.clear();
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        let mut found = Vec::new();
        let mut kind = String::new();
        for entry in entries.flatten() {
            let supply = entry.path();
            let capacity = supply.join("capacity");
            if read_into(&supply.join("type"), &mut kind) && kind.trim() == "Battery" && capacity.is_file() {
                found.push(capacity);
            }
        }
        found.sort();
        self.capacity_files =
            found.into_iter().filter_map(|path| KeptFile::open_in_one_piece(path).ok()).collect();
    }

    /// The mean charge of the batteries that can be read `now`, percent.
    pub(crate) fn read(&mut self, now: Instant) -> Option<f64> {
        if self.capacity_files.is_empty() {
            if now.saturating_duration_since(self.detected_at) < REDETECT_EVERY {
                return None;
            }
            self.redetect();
        }
        let (mut sum, mut count) = (0u32, 0u32);
        for file in &mut self.capacity_files {
            if let Some(percent) = file.read_str(&mut self.buf).and_then(parse_capacity) {
                sum += u32::from(percent);
                count += 1;
            }
        }
        (count > 0).then(|| f64::from(sum) / f64::from(count))
    }
}

/// Parses a `capacity` file: a whole percentage, 0–100.
pub(crate) fn parse_capacity(text: &str) -> Option<u8> {
    text.trim().parse().ok().filter(|&percent| percent <= 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_a_percentage() {
        assert_eq!(parse_capacity("87\n"), Some(87));
        assert_eq!(parse_capacity("100"), Some(100));
        assert_eq!(parse_capacity("101"), None);
        assert_eq!(parse_capacity("-1"), None);
        assert_eq!(parse_capacity(""), None);
    }

    #[test]
    fn only_batteries_with_capacity_count() {
        let tmp = tempfile::tempdir().unwrap();
        let supply = |name: &str, kind: &str, capacity: Option<&str>| {
            let dir = tmp.path().join(name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("type"), kind).unwrap();
            if let Some(capacity) = capacity {
                std::fs::write(dir.join("capacity"), capacity).unwrap();
            }
        };
        supply("AC", "Mains\n", None);
        supply("BAT0", "Battery\n", Some("80\n"));
        supply("BAT1", "Battery\n", Some("60\n"));
        supply("hid-mouse", "Battery\n", None);

        let mut batteries = Batteries::detect_in(tmp.path());
        assert_eq!(batteries.capacity_files.len(), 2);
        assert_eq!(batteries.read(Instant::now()), Some(70.0));

        std::fs::write(tmp.path().join("BAT1/capacity"), "garbage").unwrap();
        assert_eq!(batteries.read(Instant::now()), Some(80.0));
    }

    #[test]
    fn no_directory_no_battery() {
        let mut batteries = Batteries::detect_in(Path::new("/nonexistent/power_supply"));
        assert_eq!(batteries.read(Instant::now()), None);
    }

    #[test]
    fn a_battery_that_appears_is_found_later() {
        let tmp = tempfile::tempdir().unwrap();
        let mut batteries = Batteries::detect_in(tmp.path());
        assert_eq!(batteries.read(Instant::now()), None);
        let dir = tmp.path().join("BAT0");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("type"), "Battery\n").unwrap();
        std::fs::write(dir.join("capacity"), "55\n").unwrap();
        assert_eq!(batteries.read(Instant::now()), None, "not looked for again yet");
        batteries.detected_at = batteries.detected_at.checked_sub(REDETECT_EVERY).unwrap();
        assert_eq!(batteries.read(Instant::now()), Some(55.0));
    }
}
