//! Figures, ratios and targets as table cells: how a number is shown, how
//! it compares with a peer's, and whether it meets the target.

use std::fmt::Write as _;

/// What a figure was missing says in its cell.
pub(crate) const NOT_MEASURED: &str = "not measured in this run";

/// How a figure is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Nanoseconds, shown as ps, ns, µs or ms as fits.
    Ns,
    /// Bytes, with KiB beside them from 1 KiB up.
    Bytes,
    /// Bytes as a mean (one decimal).
    MeanBytes,
    /// Percent of one core.
    Percent,
    /// KiB shown as MiB.
    KibAsMib,
    /// Milliseconds.
    Ms,
}

/// `value` in `unit`, or [`NOT_MEASURED`].
pub(crate) fn show(value: Option<f64>, unit: Unit) -> String {
    match value {
        Some(v) => show_value(v, unit),
        None => NOT_MEASURED.to_owned(),
    }
}

/// A number with 3 significant figures at most, so noise is not printed
/// as precision (`25.8`, `386`, `0.331`).
fn sig3(v: f64) -> String {
    let magnitude = v.abs();
    if magnitude >= 100.0 {
        format!("{v:.0}")
    } else if magnitude >= 10.0 {
        format!("{v:.1}")
    } else if magnitude >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// Digits in groups of three, separated by thin spaces (`101 706`).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

fn show_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Ns if v < 1.0 => format!("{} ns", sig3(v)),
        Unit::Ns if v < 1e3 => format!("{} ns", sig3(v)),
        Unit::Ns if v < 1e6 => format!("{} µs", sig3(v / 1e3)),
        Unit::Ns => format!("{} ms", sig3(v / 1e6)),
        Unit::Bytes if v >= 1024.0 => format!("{} B ({:.1} KiB)", grouped(v.round() as u64), v / 1024.0),
        Unit::Bytes => format!("{} B", grouped(v.round() as u64)),
        Unit::MeanBytes => format!("{v:.1} B"),
        Unit::Percent => format!("{v:.2} %"),
        Unit::KibAsMib => format!("{:.1} MiB", v / 1024.0),
        Unit::Ms => format!("{} ms", sig3(v)),
    }
}

/// Lower is better for every figure here (time, bytes, CPU, memory):
/// how ours compares with a peer's, as `N× <better>` or `N× <worse>`.
pub(crate) fn ratio(ours: Option<f64>, peer: Option<f64>, better: &str, worse: &str) -> Option<String> {
    let (ours, peer) = (ours?, peer?);
    if !(ours > 0.0 && peer > 0.0) {
        return None;
    }
    let (factor, word) = if ours <= peer { (peer / ours, better) } else { (ours / peer, worse) };
    let factor = if factor >= 100.0 { format!("{factor:.0}") } else { format!("{factor:.1}") };
    Some(format!("{factor}× {word}"))
}

/// A target from the issues and whether the figures meet it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Check {
    /// The target as the issue states it (`≤ 25 ns`).
    pub(crate) label: String,
    /// `None` when a figure it needs was not measured.
    pub(crate) met: Option<bool>,
}

impl Check {
    /// `label`, met when `met` says so.
    pub(crate) fn new(label: impl Into<String>, met: Option<bool>) -> Self {
        Check { label: label.into(), met }
    }

    /// `value ≤ limit`.
    pub(crate) fn at_most(label: impl Into<String>, value: Option<f64>, limit: f64) -> Self {
        Self::new(label, value.map(|v| v <= limit))
    }

    /// `value ≥ limit`.
    pub(crate) fn at_least(label: impl Into<String>, value: Option<f64>, limit: f64) -> Self {
        Self::new(label, value.map(|v| v >= limit))
    }

    /// Ours is at least `factor` times faster (smaller) than the peer's.
    pub(crate) fn times_better(
        label: impl Into<String>,
        ours: Option<f64>,
        peer: Option<f64>,
        factor: f64,
    ) -> Self {
        Self::new(label, ours.zip(peer).map(|(o, p)| o * factor <= p))
    }

    /// Ours is at most `factor` times the peer's.
    pub(crate) fn within(
        label: impl Into<String>,
        ours: Option<f64>,
        peer: Option<f64>,
        factor: f64,
    ) -> Self {
        Self::new(label, ours.zip(peer).map(|(o, p)| o <= p * factor))
    }

    /// `≤ 25 ns ✔`, `≤ 25 ns ✘`, or `≤ 25 ns (not measured in this run)`.
    pub(crate) fn cell(&self) -> String {
        match self.met {
            Some(true) => format!("{} ✔", self.label),
            Some(false) => format!("{} ✘", self.label),
            None => format!("{} ({NOT_MEASURED})", self.label),
        }
    }
}

/// One line of an area's table.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    pub(crate) what: String,
    pub(crate) ours: String,
    pub(crate) peers: Vec<String>,
    pub(crate) ratios: Vec<String>,
    pub(crate) checks: Vec<Check>,
}

impl Row {
    pub(crate) fn new(what: impl Into<String>, ours: String) -> Self {
        Row { what: what.into(), ours, ..Row::default() }
    }

    /// Adds a peer's figure, and the ratio to it when both were measured.
    pub(crate) fn peer(mut self, name: &str, figure: String, ratio: Option<String>) -> Self {
        self.peers.push(format!("{name}: {figure}"));
        if let Some(ratio) = ratio {
            self.ratios.push(ratio);
        }
        self
    }

    pub(crate) fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }
}

/// A Markdown table: what | Vitals | peers | ratio | target.
pub(crate) fn render(rows: &[Row]) -> String {
    let mut out = String::from("| what | Vitals | peers | ratio | target |\n|---|---|---|---|---|\n");
    let join = |items: Vec<String>| if items.is_empty() { String::new() } else { items.join("; ") };
    for row in rows {
        let checks = join(row.checks.iter().map(Check::cell).collect());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            row.what,
            row.ours,
            join(row.peers.clone()),
            join(row.ratios.clone()),
            checks
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_shown_in_a_fitting_unit() {
        assert_eq!(show(Some(0.3321), Unit::Ns), "0.332 ns");
        assert_eq!(show(Some(25.845), Unit::Ns), "25.8 ns");
        assert_eq!(show(Some(385.9), Unit::Ns), "386 ns");
        assert_eq!(show(Some(111_706.0), Unit::Ns), "112 µs");
        assert_eq!(show(Some(5_848_000.0), Unit::Ns), "5.85 ms");
        assert_eq!(show(Some(101_706.0), Unit::Bytes), "101\u{2009}706 B (99.3 KiB)");
        assert_eq!(show(Some(208.0), Unit::Bytes), "208 B");
        assert_eq!(show(Some(3891.0), Unit::KibAsMib), "3.8 MiB");
        assert_eq!(show(None, Unit::Ns), NOT_MEASURED);
    }

    #[test]
    fn ratios_say_which_way() {
        assert_eq!(ratio(Some(25.8), Some(2.2), "faster", "slower").as_deref(), Some("11.7× slower"));
        assert_eq!(ratio(Some(386.0), Some(510.0), "faster", "slower").as_deref(), Some("1.3× faster"));
        assert_eq!(ratio(Some(0.33), Some(355.0), "faster", "slower").as_deref(), Some("1076× faster"));
        assert_eq!(ratio(Some(1.0), None, "faster", "slower"), None);
        assert_eq!(ratio(Some(0.0), Some(1.0), "faster", "slower"), None, "no division by zero");
    }

    #[test]
    fn checks_are_computed_from_the_numbers() {
        assert_eq!(Check::at_most("≤ 25 ns", Some(25.8), 25.0).cell(), "≤ 25 ns ✘");
        assert_eq!(Check::at_most("≤ 50 ns", Some(28.2), 50.0).cell(), "≤ 50 ns ✔");
        assert_eq!(Check::at_least("≥ 200", Some(212.0), 200.0).met, Some(true));
        assert_eq!(Check::at_most("≤ 1 ns", None, 1.0).cell(), format!("≤ 1 ns ({NOT_MEASURED})"));
        // 2.5× faster than env_logger: 386 × 2.5 > 510, missed.
        assert_eq!(Check::times_better("", Some(386.0), Some(510.0), 2.5).met, Some(false));
        assert_eq!(Check::times_better("", Some(111.7), Some(504.0), 2.0).met, Some(true));
        assert_eq!(Check::times_better("", Some(1.0), None, 2.0).met, None);
        // Within 3× of native.
        assert_eq!(Check::within("", Some(30.5), Some(18.9), 3.0).met, Some(true));
        assert_eq!(Check::within("", Some(25.8), Some(2.2), 2.5).met, Some(false));
    }

    #[test]
    fn a_row_renders_its_peers_ratios_and_checks() {
        let row = Row::new("push", show(Some(25.8), Unit::Ns))
            .peer("heapless", show(Some(2.2), Unit::Ns), ratio(Some(25.8), Some(2.2), "faster", "slower"))
            .peer("other", show(None, Unit::Ns), None)
            .check(Check::at_most("≤ 25 ns", Some(25.8), 25.0));
        let table = render(&[row]);
        assert!(table.ends_with(
            "| push | 25.8 ns | heapless: 2.20 ns; other: not measured in this run | 11.7× slower | ≤ 25 ns ✘ |\n"
        ), "{table}");
    }
}
