//! Threshold rules that turn metrics into log entries: `cpu.usage` WARN at
//! 80, ERROR at 90, CRITICAL at 95, after N samples in a row, with
//! hysteresis so a value hovering at a threshold does not flap.
//!
//! A change of state writes a [`Event::Threshold`] and a log entry into the
//! same ring as everything else: WARN/ERROR/CRITICAL when it gets worse or
//! better but still bad, INFO when the value is back to normal.
//!
//! # Example
//!
//! ```
//! use vitals_core::{EntryKind, Level, MetricId, Policy, Ring, Rule, Rules, CATALOG};
//!
//! let cpu = MetricId::CPU_USAGE.series();
//! let mut rules: Rules<8> = Rules::new();
//! rules.add(Rule::above(cpu, 80.0, 90.0, 95.0).for_samples(2).hysteresis(5.0))?;
//!
//! let mut ring = Ring::new([0u8; 1024], Policy::OverwriteOldest);
//! for (t, v) in [(1, 91.0), (2, 92.0), (3, 86.0), (4, 70.0), (5, 70.0)] {
//!     rules.observe(&mut ring, t, cpu, v, &CATALOG);
//! }
//! let levels: Vec<Level> = ring
//!     .iter()
//!     .filter_map(|e| match e.kind { EntryKind::Log(l) => Some(l.level), _ => None })
//!     .collect();
//! // ERROR after two samples ≥ 90; 86 is within the 5-point band; two at 70 recover.
//! assert_eq!(levels, [Level::Error, Level::Info]);
//! # Ok::<(), vitals_core::RuleError>(())
//! ```

use core::fmt::{self, Write};

use crate::entry::{Crossing, Event};
use crate::format::Value;
use crate::level::Level;
use crate::metric::{MetricNames, Series, Unit};
use crate::ring::Ring;

/// Which side of the thresholds is bad.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Direction {
    /// Values at or above a threshold are bad (CPU, memory, temperature).
    Above,
    /// Values at or below a threshold are bad (free space, battery).
    Below,
}

/// A threshold rule for one series.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Rule {
    /// The watched series.
    pub series: Series,
    /// Which side is bad.
    pub direction: Direction,
    /// Thresholds for WARN, ERROR, CRITICAL; `None` skips a level.
    pub thresholds: [Option<f64>; 3],
    /// Consecutive samples needed before the state changes (at least 1).
    pub for_samples: u8,
    /// How far back past a threshold a value must go to leave its level.
    pub hysteresis: f64,
}

/// The levels of [`Rule::thresholds`], in order.
const SEVERITIES: [Level; 3] = [Level::Warn, Level::Error, Level::Critical];

impl Rule {
    /// Bad at or above `warn`, `error`, `critical`.
    pub const fn above(series: Series, warn: f64, error: f64, critical: f64) -> Self {
        Rule {
            series,
            direction: Direction::Above,
            thresholds: [Some(warn), Some(error), Some(critical)],
            for_samples: 1,
            hysteresis: 0.0,
        }
    }

    /// Bad at or below `warn`, `error`, `critical`.
    pub const fn below(series: Series, warn: f64, error: f64, critical: f64) -> Self {
        Rule {
            series,
            direction: Direction::Below,
            thresholds: [Some(warn), Some(error), Some(critical)],
            for_samples: 1,
            hysteresis: 0.0,
        }
    }

    /// Requires `n` consecutive samples before changing state.
    pub const fn for_samples(mut self, n: u8) -> Self {
        self.for_samples = if n == 0 { 1 } else { n };
        self
    }

    /// Sets the hysteresis band.
    pub const fn hysteresis(mut self, band: f64) -> Self {
        self.hysteresis = band;
        self
    }

    /// The threshold of a severity, if set.
    pub fn threshold(&self, level: Level) -> Option<f64> {
        let [warn, error, critical] = self.thresholds;
        match level {
            Level::Warn => warn,
            Level::Error => error,
            Level::Critical => critical,
            _ => None,
        }
    }

    /// The severities with their thresholds, mildest first.
    fn levels(&self) -> impl Iterator<Item = (Level, Option<f64>)> + '_ {
        SEVERITIES.iter().copied().zip(self.thresholds.iter().copied())
    }

    /// The least severe level with a threshold.
    fn mildest(&self) -> Option<Level> {
        self.levels().find_map(|(level, threshold)| threshold.map(|_| level))
    }

    fn check(&self) -> Result<(), RuleError> {
        let mut previous: Option<f64> = None;
        for t in self.thresholds.iter().flatten() {
            if !t.is_finite() {
                return Err(RuleError::BadThreshold);
            }
            if let Some(p) = previous {
                let ordered = match self.direction {
                    Direction::Above => *t >= p,
                    Direction::Below => *t <= p,
                };
                if !ordered {
                    return Err(RuleError::Unordered);
                }
            }
            previous = Some(*t);
        }
        if !(self.hysteresis.is_finite() && self.hysteresis >= 0.0) {
            return Err(RuleError::BadThreshold);
        }
        Ok(())
    }

    /// Whether `value` is past `threshold`, moved by `band` towards normal.
    fn past(&self, value: f64, threshold: f64, band: f64) -> bool {
        match self.direction {
            Direction::Above => value >= threshold - band,
            Direction::Below => value <= threshold + band,
        }
    }

    /// The state `value` calls for, given the current state: thresholds at
    /// or below the current level are eased by the hysteresis band.
    fn target(&self, value: f64, current: Option<Level>) -> Option<Level> {
        let mut target = None;
        for (level, threshold) in self.levels() {
            let Some(threshold) = threshold else { continue };
            let band = if current.is_some_and(|c| level <= c) { self.hysteresis } else { 0.0 };
            if self.past(value, threshold, band) {
                target = Some(level);
            }
        }
        target
    }
}

/// Why a rule was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RuleError {
    /// The rule table is full.
    Full,
    /// Thresholds must grow with severity (shrink for [`Direction::Below`]).
    Unordered,
    /// A threshold or the hysteresis is NaN, infinite or negative.
    BadThreshold,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RuleError::Full => "rule table is full: give it a larger capacity",
            RuleError::Unordered => {
                "thresholds must be ordered warn <= error <= critical (>= for `below` rules)"
            }
            RuleError::BadThreshold => "thresholds must be finite and the hysteresis finite and >= 0",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RuleError {}

#[derive(Clone, Copy, Debug, Default)]
struct State {
    current: Option<Level>,
    candidate: Option<Level>,
    streak: u8,
}

/// Up to `N` rules and their states.
#[derive(Clone, Debug, Default)]
pub struct Rules<const N: usize> {
    rules: heapless::Vec<(Rule, State), N>,
}

impl<const N: usize> Rules<N> {
    /// No rules.
    pub const fn new() -> Self {
        Rules { rules: heapless::Vec::new() }
    }

    /// Adds a rule.
    ///
    /// # Errors
    /// [`RuleError`] for a full table or inconsistent thresholds.
    pub fn add(&mut self, rule: Rule) -> Result<(), RuleError> {
        rule.check()?;
        self.rules.push((rule, State::default())).map_err(|_| RuleError::Full)
    }

    /// The rules.
    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|(rule, _)| rule)
    }

    /// The current state of the first rule on `series` (`None` = normal).
    pub fn state(&self, series: Series) -> Option<Level> {
        self.rules.iter().find(|(r, _)| r.series == series).and_then(|(_, s)| s.current)
    }

    /// Feeds a sample to the rules on its series and calls `on_change` for
    /// each state change. NaN samples are ignored.
    pub fn evaluate(&mut self, series: Series, value: f64, mut on_change: impl FnMut(&Rule, Crossing)) {
        if value.is_nan() {
            return;
        }
        for (rule, state) in self.rules.iter_mut().filter(|(r, _)| r.series == series) {
            let target = rule.target(value, state.current);
            if target == state.current {
                state.candidate = state.current;
                state.streak = 0;
                continue;
            }
            if target == state.candidate {
                state.streak = state.streak.saturating_add(1);
            } else {
                state.candidate = target;
                state.streak = 1;
            }
            if state.streak < rule.for_samples {
                continue;
            }
            // Escalation reports the new level's threshold; de-escalation the
            // threshold of the level it left.
            // Recovery reports the boundary to normal (the mildest threshold).
            let reported = match (target, state.current) {
                (Some(to), Some(from)) if to > from => to,
                (Some(to), None) => to,
                (Some(_), Some(from)) => from,
                (None, Some(_)) => match rule.mildest() {
                    Some(level) => level,
                    None => continue,
                },
                (None, None) => continue,
            };
            let crossing = Crossing {
                series,
                from: state.current,
                to: target,
                value,
                threshold: rule.threshold(reported).unwrap_or(f64::NAN),
            };
            state.current = target;
            state.streak = 0;
            on_change(rule, crossing);
        }
    }

    /// Feeds a sample and writes each state change into `ring` as a
    /// threshold event plus a log entry. Returns the number of changes.
    pub fn observe<B: AsRef<[u8]> + AsMut<[u8]>>(
        &mut self,
        ring: &mut Ring<B>,
        timestamp_us: u64,
        series: Series,
        value: f64,
        names: &impl MetricNames,
    ) -> usize {
        let mut changes = 0;
        self.evaluate(series, value, |rule, crossing| {
            changes += 1;
            write_crossing(ring, timestamp_us, rule.direction, &crossing, names);
        });
        changes
    }
}

/// Writes a state change into `ring`: the [`Event::Threshold`] and a log
/// entry such as `WARN cpu: usage 93.5% ≥ 90%`, or on recovery
/// `INFO cpu: usage 42% back below 80% (was ERROR)`. Losses are counted by
/// the ring like any other entry.
pub fn write_crossing<B: AsRef<[u8]> + AsMut<[u8]>>(
    ring: &mut Ring<B>,
    timestamp_us: u64,
    direction: Direction,
    crossing: &Crossing,
    names: &impl MetricNames,
) {
    write_crossing_with(ring, timestamp_us, direction, crossing, names, |out, value, unit| {
        write!(out, "{}", Value(value, unit))
    });
}

/// [`write_crossing`] with the numbers written by `number` (a value and its
/// unit, e.g. `93.5%`; the instance number with [`Unit::None`]): for a
/// platform that formats numbers itself, such as a browser, which would
/// otherwise carry `core::fmt`'s float code. The words are the same.
///
/// ```
/// use core::fmt::Write;
/// use vitals_core::{write_crossing_with, Crossing, Direction, EntryKind, Level, MetricId, Policy, Ring, CATALOG};
///
/// let mut ring = Ring::new([0u8; 256], Policy::OverwriteOldest);
/// let crossing = Crossing {
///     series: MetricId::CPU_USAGE.series(),
///     from: None,
///     to: Some(Level::Warn),
///     value: 93.5,
///     threshold: 90.0,
/// };
/// // A stand-in for a host's own number formatting.
/// write_crossing_with(&mut ring, 0, Direction::Above, &crossing, &CATALOG, |out, value, _unit| {
///     out.write_str(if value > 91.0 { "high" } else { "limit" })
/// });
/// let last = ring.iter().last().unwrap();
/// assert!(matches!(last.kind, EntryKind::Log(log) if log.message == b"usage high \xe2\x89\xa5 limit"));
/// ```
pub fn write_crossing_with<B: AsRef<[u8]> + AsMut<[u8]>>(
    ring: &mut Ring<B>,
    timestamp_us: u64,
    direction: Direction,
    crossing: &Crossing,
    names: &impl MetricNames,
    number: impl FnMut(&mut CrossingMessage, f64, Unit) -> fmt::Result,
) {
    let _ = ring.push_event(timestamp_us, Event::Threshold(*crossing));
    let mut message = CrossingMessage::new();
    let (target, level) = describe(&mut message, direction, crossing, names, number);
    let _ = ring.push_log(timestamp_us, level, target.as_bytes(), message.as_bytes());
}

/// The buffer a crossing's log line is written into.
pub type CrossingMessage = heapless::String<160>;

/// Formats the log message of a crossing into `out`; returns its target and level.
fn describe<'n>(
    out: &mut CrossingMessage,
    direction: Direction,
    c: &Crossing,
    names: &'n impl MetricNames,
    mut number: impl FnMut(&mut CrossingMessage, f64, Unit) -> fmt::Result,
) -> (&'n str, Level) {
    let info = names.describe(c.series.metric);
    let name = info.map_or("metric", |i| i.name);
    let unit = info.map_or(Unit::None, |i| i.unit);
    // A byte search: `split_once('.')` brings a word-at-a-time memchr.
    let dot = name.bytes().position(|b| b == b'.');
    let parts = dot.and_then(|at| Some((name.get(..at)?, name.get(at + 1..)?)));
    let (target, rest) = parts.unwrap_or((name, "value"));
    // A cut-short message is better than none; the String refuses overflow.
    // Whole words are pushed, not chars: fewer calls, and no UTF-8 encoding.
    let _ = out.push_str(rest);
    if let Some(label) = names.instance_label(c.series) {
        let _ = out.push_str(" ");
        let _ = out.push_str(label);
    } else if c.series.instance != 0 {
        let _ = out.push_str(" #");
        let _ = number(out, f64::from(c.series.instance), Unit::None);
    }
    let _ = out.push_str(" ");
    let _ = number(out, c.value, unit);
    let worse = c.to.filter(|to| c.from.is_none_or(|from| *to > from)).is_some();
    let _ = out.push_str(match (worse, direction) {
        (true, Direction::Above) => " ≥ ",
        (true, Direction::Below) => " ≤ ",
        (false, Direction::Above) => " back below ",
        (false, Direction::Below) => " back above ",
    });
    let _ = number(out, c.threshold, unit);
    if !worse {
        let _ = out.push_str(" (was ");
        let _ = out.push_str(c.from.map_or("OK", |l| l.as_str()));
        let _ = out.push_str(")");
    }
    (target, c.to.unwrap_or(Level::Info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntryKind, MetricId, Policy, CATALOG};

    fn run(rule: Rule, values: &[f64]) -> Vec<(Option<Level>, Option<Level>)> {
        let mut rules: Rules<1> = Rules::new();
        rules.add(rule).unwrap();
        let mut out = Vec::new();
        for &v in values {
            rules.evaluate(rule.series, v, |_, c| out.push((c.from, c.to)));
        }
        out
    }

    #[test]
    fn escalates_and_recovers_through_levels() {
        let cpu = MetricId::CPU_USAGE.series();
        let changes = run(Rule::above(cpu, 80.0, 90.0, 95.0), &[50.0, 85.0, 96.0, 91.0, 10.0]);
        assert_eq!(
            changes,
            [
                (None, Some(Level::Warn)),
                (Some(Level::Warn), Some(Level::Critical)),
                (Some(Level::Critical), Some(Level::Error)),
                (Some(Level::Error), None)
            ]
        );
    }

    #[test]
    fn debounce_needs_consecutive_samples() {
        let cpu = MetricId::CPU_USAGE.series();
        let rule = Rule::above(cpu, 80.0, 90.0, 95.0).for_samples(3);
        assert!(run(rule, &[85.0, 85.0, 10.0, 85.0, 85.0]).is_empty());
        assert_eq!(run(rule, &[85.0, 85.0, 85.0]), [(None, Some(Level::Warn))]);
        assert!(run(rule, &[85.0, f64::NAN, 85.0]).is_empty());
    }

    #[test]
    fn hysteresis_stops_flapping() {
        let cpu = MetricId::CPU_USAGE.series();
        let rule = Rule::above(cpu, 80.0, 90.0, 95.0).hysteresis(2.0);
        let changes = run(rule, &[80.0, 79.0, 80.5, 78.5, 77.9]);
        assert_eq!(changes, [(None, Some(Level::Warn)), (Some(Level::Warn), None)]);
    }

    #[test]
    fn below_rules_and_skipped_levels() {
        let battery = MetricId::BATTERY.series();
        let mut rule = Rule::below(battery, 20.0, 10.0, 5.0);
        rule.thresholds[1] = None;
        assert_eq!(
            run(rule, &[50.0, 8.0, 4.0]),
            [(None, Some(Level::Warn)), (Some(Level::Warn), Some(Level::Critical))]
        );
    }

    #[test]
    fn bad_rules_are_refused() {
        let cpu = MetricId::CPU_USAGE.series();
        let mut rules: Rules<1> = Rules::new();
        assert_eq!(rules.add(Rule::above(cpu, 90.0, 80.0, 95.0)), Err(RuleError::Unordered));
        assert_eq!(rules.add(Rule::above(cpu, f64::NAN, 80.0, 95.0)), Err(RuleError::BadThreshold));
        assert_eq!(rules.add(Rule::above(cpu, 1.0, 2.0, 3.0).hysteresis(-1.0)), Err(RuleError::BadThreshold));
        rules.add(Rule::above(cpu, 1.0, 2.0, 3.0)).unwrap();
        assert_eq!(rules.add(Rule::above(cpu, 1.0, 2.0, 3.0)), Err(RuleError::Full));
    }

    #[test]
    fn writes_event_and_log_line() {
        let cpu = MetricId::CPU_USAGE.series();
        let mut rules: Rules<1> = Rules::new();
        rules.add(Rule::above(cpu, 80.0, 90.0, 95.0)).unwrap();
        let mut ring = Ring::new([0u8; 512], Policy::OverwriteOldest);
        assert_eq!(rules.observe(&mut ring, 1, cpu, 93.5, &CATALOG), 1);
        assert_eq!(rules.observe(&mut ring, 2, cpu, 42.0, &CATALOG), 1);
        let logs: Vec<(Level, String, String)> = ring
            .iter()
            .filter_map(|e| match e.kind {
                EntryKind::Log(l) => Some((
                    l.level,
                    String::from_utf8_lossy(l.target).into_owned(),
                    String::from_utf8_lossy(l.message).into_owned(),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            logs,
            [
                (Level::Error, "cpu".into(), "usage 93.5% ≥ 90%".into()),
                (Level::Info, "cpu".into(), "usage 42% back below 80% (was ERROR)".into())
            ]
        );
        assert_eq!(ring.len(), 4);
    }

    #[test]
    fn below_rules_say_so_in_their_lines() {
        let battery = MetricId::BATTERY.series();
        let mut rules: Rules<1> = Rules::new();
        rules.add(Rule::below(battery, 20.0, 10.0, 5.0)).unwrap();
        let mut ring = Ring::new([0u8; 512], Policy::OverwriteOldest);
        for (t, v) in [(1, 8.0), (2, 50.0)] {
            rules.observe(&mut ring, t, battery, v, &CATALOG);
        }
        let lines: Vec<String> = ring
            .iter()
            .filter_map(|e| match e.kind {
                EntryKind::Log(l) => Some(String::from_utf8_lossy(l.message).into_owned()),
                _ => None,
            })
            .collect();
        assert_eq!(lines, ["value 8% ≤ 10%", "value 50% back above 20% (was ERROR)"]);
    }

    #[test]
    fn an_unlabelled_instance_is_numbered_in_the_message() {
        let mut ring = Ring::new([0u8; 512], Policy::OverwriteOldest);
        let crossing = Crossing {
            series: Series::new(MetricId::TEMPERATURE, 7),
            from: Some(Level::Warn),
            to: None,
            value: 41.0,
            threshold: 55.0,
        };
        write_crossing(&mut ring, 0, Direction::Above, &crossing, &CATALOG);
        let Some(EntryKind::Log(log)) = ring.iter().last().map(|e| e.kind) else { panic!("no log line") };
        assert_eq!(core::str::from_utf8(log.message).unwrap(), "value #7 41°C back below 55°C (was WARN)");
        assert_eq!(log.level, Level::Info);
    }
}
