//! Battery charge from `/sys/class/power_supply/*/capacity` on Linux; on
//! other systems, and on machines without a battery, there is none.

use std::path::{Path, PathBuf};

use super::read_into;

/// The capacity files of the batteries found when the sampler started.
#[derive(Debug, Default)]
pub(crate) struct Batteries {
    capacity_files: Vec<PathBuf>,
    buf: String,
}

impl Batteries {
    /// Finds the batteries under `/sys/class/power_supply`.
    pub(crate) fn detect() -> Self {
        Self::detect_in(Path::new("/sys/class/power_supply"))
    }

    /// Finds the power supplies under `dir` whose `type` is `Battery` and
    /// that have a `capacity` file, in name order.
    pub(crate) fn detect_in(dir: &Path) -> Self {
        let mut batteries = Batteries::default();
        let Ok(entries) = std::fs::read_dir(dir) else { return batteries };
        for entry in entries.flatten() {
            let supply = entry.path();
            let capacity = supply.join("capacity");
            if read_into(&supply.join("type"), &mut batteries.buf)
                && batteries.buf.trim() == "Battery"
                && capacity.is_file()
            {
                batteries.capacity_files.push(capacity);
            }
        }
        batteries.capacity_files.sort();
        batteries
    }

    /// The mean charge of the batteries that can be read now, percent.
    pub(crate) fn read(&mut self) -> Option<f64> {
        let (mut sum, mut count) = (0u32, 0u32);
        for file in &self.capacity_files {
            if let Some(percent) = read_into(file, &mut self.buf).then(|| parse_capacity(&self.buf)).flatten()
            {
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
        assert_eq!(batteries.read(), Some(70.0));

        std::fs::write(tmp.path().join("BAT1/capacity"), "garbage").unwrap();
        assert_eq!(batteries.read(), Some(80.0));
    }

    #[test]
    fn no_directory_no_battery() {
        let mut batteries = Batteries::detect_in(Path::new("/nonexistent/power_supply"));
        assert_eq!(batteries.read(), None);
    }
}
