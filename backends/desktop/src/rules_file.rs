//! Threshold rules from a TOML file, over built-in defaults for CPU, memory
//! and disk.
//!
//! ```toml
//! # Each table names a metric of the catalog (`vitals_core::CATALOG`).
//! [rule."cpu.usage"]
//! warn = 80
//! error = 90
//! critical = 95
//! for = 3            # consecutive samples (default 1)
//! hysteresis = 5     # points back past a threshold to leave it (default 0)
//!
//! [rule."disk.usage"]
//! instance = "/"     # optional: only this mount / interface / core; the
//!                    # metric's general rule goes on watching the others
//! warn = 85
//! below = false      # true: low values are bad (battery)
//! ```
//!
//! A file that does not parse gives an error with the line and column.

use std::path::Path;

use serde::Deserialize;
use vitals_core::{MetricId, Rule, Series, CATALOG};

/// The rules used when no file overrides them: CPU, memory and disk usage.
pub fn defaults() -> Vec<RuleSpec> {
    let rule = |metric: MetricId, warn, error, critical| RuleSpec {
        metric,
        instance: None,
        rule: Rule::above(metric.series(), warn, error, critical).for_samples(3).hysteresis(5.0),
    };
    vec![
        rule(MetricId::CPU_USAGE, 80.0, 90.0, 95.0),
        rule(MetricId::MEM_USAGE, 80.0, 90.0, 95.0),
        rule(MetricId::DISK_USAGE, 85.0, 92.0, 97.0),
    ]
}

/// A rule as configured: for one metric, on one instance (by label) or on all.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSpec {
    /// The metric.
    pub metric: MetricId,
    /// The instance label (`/home`, `eth0`), or every instance when `None`.
    pub instance: Option<String>,
    /// Thresholds and timing; its series is filled in per instance.
    pub rule: Rule,
}

/// The rules that watch one series: those naming its instance label if any
/// do, otherwise the metric's general rules.
pub fn rules_for<'a>(
    specs: &'a [RuleSpec],
    metric: MetricId,
    label: Option<&str>,
) -> impl Iterator<Item = &'a RuleSpec> + 'a {
    let specific = label.is_some_and(|label| {
        specs.iter().any(|s| s.metric == metric && s.instance.as_deref() == Some(label))
    });
    let label = label.map(str::to_owned);
    specs.iter().filter(move |s| {
        s.metric == metric
            && if specific { s.instance.as_deref() == label.as_deref() } else { s.instance.is_none() }
    })
}

impl RuleSpec {
    /// The rule for one series of this metric.
    pub fn for_series(&self, series: Series) -> Rule {
        Rule { series, ..self.rule }
    }
}

/// A rules file that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RulesFileError {
    /// The file could not be read.
    #[error("cannot read rules file {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has wrong fields.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rule: std::collections::BTreeMap<String, toml::Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    warn: Option<f64>,
    error: Option<f64>,
    critical: Option<f64>,
    #[serde(rename = "for", default)]
    for_samples: Option<u8>,
    #[serde(default)]
    hysteresis: Option<f64>,
    #[serde(default)]
    below: bool,
    #[serde(default)]
    instance: Option<String>,
}

/// Reads a rules file and lays it over [`defaults`]: a metric named in the
/// file replaces the default rule for it.
///
/// # Errors
/// [`RulesFileError`] with the path, line and column.
pub fn load(path: &Path) -> Result<Vec<RuleSpec>, RulesFileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| RulesFileError::Read { path: path.display().to_string(), source })?;
    parse(&text, &path.display().to_string())
}

/// Parses rules text (see [`load`]); `origin` names it in errors.
///
/// ```
/// let rules = vitals_desktop::rules_file::parse("[rule.\"cpu.usage\"]\nwarn = 70\nerror = 85\n", "inline")?;
/// assert_eq!(rules.len(), 3); // cpu replaced, memory and disk defaults kept
/// let err = vitals_desktop::rules_file::parse("[rule.\"cpu.usage\"]\nwarn = \"high\"\n", "r.toml").unwrap_err();
/// assert!(err.to_string().starts_with("r.toml:2:8: "), "{err}");
/// # Ok::<(), vitals_desktop::rules_file::RulesFileError>(())
/// ```
///
/// # Errors
/// [`RulesFileError::Syntax`] with the line and column.
pub fn parse(text: &str, origin: &str) -> Result<Vec<RuleSpec>, RulesFileError> {
    let at = |offset: usize, message: String| {
        let (line, column) = line_column(text, offset);
        RulesFileError::Syntax { path: origin.to_owned(), line, column, message }
    };
    let file: File = toml::from_str(text)
        .map_err(|e| at(e.span().map_or(0, |s| s.start), e.message().trim().to_owned()))?;
    let mut specs = defaults();
    for (name, spanned) in file.rule {
        let start = spanned.span().start;
        let entry = spanned.into_inner();
        let metric = CATALOG.find(&name).ok_or_else(|| {
            at(start, format!("unknown metric {name:?}: use a catalog name such as \"cpu.usage\", \"memory.usage\" or \"disk.usage\""))
        })?;
        let mut rule = if entry.below {
            Rule::below(metric.series(), 0.0, 0.0, 0.0)
        } else {
            Rule::above(metric.series(), 0.0, 0.0, 0.0)
        };
        rule.thresholds = [entry.warn, entry.error, entry.critical];
        if rule.thresholds.iter().all(Option::is_none) {
            return Err(at(start, format!("rule for {name:?} sets none of warn, error, critical")));
        }
        rule = rule.for_samples(entry.for_samples.unwrap_or(1)).hysteresis(entry.hysteresis.unwrap_or(0.0));
        // Check the thresholds now, so the error points at the file.
        vitals_core::Rules::<1>::new().add(rule).map_err(|e| at(start, format!("rule for {name:?}: {e}")))?;
        // A rule replaces the earlier one for the same metric and instance;
        // a rule for one instance leaves the metric's general rule to the others.
        specs.retain(|s| !(s.metric == metric && s.instance == entry.instance));
        specs.push(RuleSpec { metric, instance: entry.instance, rule });
    }
    Ok(specs)
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_column() {
        let err = parse("[rule.\"cpu.usage\"]\nwarn = 80\nbogus = 1\n", "r.toml").unwrap_err();
        assert!(err.to_string().starts_with("r.toml:3:1: "), "{err}");
        let err = parse("[rule.\"gpu.usage\"]\nwarn = 80\n", "r.toml").unwrap_err();
        assert!(err.to_string().contains("unknown metric \"gpu.usage\""), "{err}");
        let err = parse("[rule.\"cpu.usage\"]\nwarn = 90\nerror = 80\n", "r.toml").unwrap_err();
        assert!(err.to_string().contains("ordered"), "{err}");
        let err = parse("[rule.\"cpu.usage\"\n", "r.toml").unwrap_err();
        assert!(err.to_string().starts_with("r.toml:1:"), "{err}");
    }

    #[test]
    fn a_rule_for_one_instance_keeps_the_default_for_the_others() {
        let specs = parse("[rule.\"disk.usage\"]\ninstance = \"/\"\nwarn = 50\n", "x").unwrap();
        let root: Vec<_> = rules_for(&specs, MetricId::DISK_USAGE, Some("/")).collect();
        assert_eq!(root.len(), 1);
        assert_eq!(root[0].rule.thresholds[0], Some(50.0));
        let home: Vec<_> = rules_for(&specs, MetricId::DISK_USAGE, Some("/home")).collect();
        assert_eq!(home.len(), 1);
        assert_eq!(home[0].instance, None, "the default still watches /home");
        assert_eq!(rules_for(&specs, MetricId::CPU_USAGE, None).count(), 1);
    }

    #[test]
    fn file_overrides_defaults() {
        let specs =
            parse("[rule.\"battery\"]\nbelow = true\nwarn = 20\ncritical = 5\nfor = 2\n", "x").unwrap();
        assert_eq!(specs.len(), 4);
        let battery = specs.iter().find(|s| s.metric == MetricId::BATTERY).unwrap();
        assert_eq!(battery.rule.direction, vitals_core::Direction::Below);
        assert_eq!(battery.rule.for_samples, 2);
    }
}
