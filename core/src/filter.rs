//! Which entries get recorded: a global maximum level, compile-time ceilings,
//! and per-target overrides parsed from `info,my_crate::net=debug`.
//!
//! # Example
//!
//! ```
//! use vitals_core::{Level, LevelFilter, TargetFilters};
//!
//! let filters: TargetFilters<8> = "warn,my_app=info,my_app::net=trace".parse()?;
//! assert!(filters.enabled(Level::Trace, "my_app::net::tcp"));
//! assert!(filters.enabled(Level::Info, "my_app::db"));
//! assert!(!filters.enabled(Level::Info, "hyper"));
//! assert_eq!(filters.level_for("my_appx"), LevelFilter::Warn); // module boundaries only
//! # Ok::<(), vitals_core::FilterSpecError>(())
//! ```

use core::fmt;
use core::str::FromStr;
use core::sync::atomic::{AtomicU8, Ordering};

use crate::level::{Level, LevelFilter};

/// Longest target prefix a [`TargetFilters`] rule can hold.
pub const MAX_FILTER_TARGET_LEN: usize = 64;

static MAX_LEVEL: AtomicU8 = AtomicU8::new(LevelFilter::Info as u8);

/// The compile-time ceiling chosen with the `max_level_*` features (and
/// `release_max_level_*` in builds without `debug_assertions`). Checks against
/// it are constant-folded, so calls above it cost nothing.
pub const STATIC_MAX_LEVEL: LevelFilter = static_max_level();

const fn static_max_level() -> LevelFilter {
    #[cfg(not(debug_assertions))]
    {
        if cfg!(feature = "release_max_level_off") {
            return LevelFilter::Off;
        }
        if cfg!(feature = "release_max_level_critical") {
            return LevelFilter::Critical;
        }
        if cfg!(feature = "release_max_level_error") {
            return LevelFilter::Error;
        }
        if cfg!(feature = "release_max_level_warn") {
            return LevelFilter::Warn;
        }
        if cfg!(feature = "release_max_level_info") {
            return LevelFilter::Info;
        }
        if cfg!(feature = "release_max_level_debug") {
            return LevelFilter::Debug;
        }
        if cfg!(feature = "release_max_level_trace") {
            return LevelFilter::Trace;
        }
    }
    if cfg!(feature = "max_level_off") {
        LevelFilter::Off
    } else if cfg!(feature = "max_level_critical") {
        LevelFilter::Critical
    } else if cfg!(feature = "max_level_error") {
        LevelFilter::Error
    } else if cfg!(feature = "max_level_warn") {
        LevelFilter::Warn
    } else if cfg!(feature = "max_level_info") {
        LevelFilter::Info
    } else if cfg!(feature = "max_level_debug") {
        LevelFilter::Debug
    } else {
        LevelFilter::Trace
    }
}

/// The global runtime filter (INFO until set). One relaxed atomic load.
///
/// ```
/// use vitals_core::{max_level, set_max_level, LevelFilter};
/// set_max_level(LevelFilter::Debug);
/// assert_eq!(max_level(), LevelFilter::Debug);
/// # set_max_level(LevelFilter::Info);
/// ```
#[inline]
pub fn max_level() -> LevelFilter {
    match LevelFilter::from_u8(MAX_LEVEL.load(Ordering::Relaxed)) {
        Some(filter) => filter,
        None => LevelFilter::Off,
    }
}

/// Sets the global runtime filter.
pub fn set_max_level(filter: LevelFilter) {
    MAX_LEVEL.store(filter as u8, Ordering::Relaxed);
}

/// Whether `level` passes both the compile-time ceiling and the global filter.
///
/// This is the check a logging macro makes before doing any work: a
/// constant comparison and one relaxed load.
///
/// ```
/// use vitals_core::{enabled, set_max_level, Level, LevelFilter};
/// set_max_level(LevelFilter::Warn);
/// assert!(!enabled(Level::Info));
/// assert!(enabled(Level::Error));
/// # set_max_level(LevelFilter::Info);
/// ```
#[inline(always)]
pub fn enabled(level: Level) -> bool {
    STATIC_MAX_LEVEL.allows(level) && (level as u8) >= MAX_LEVEL.load(Ordering::Relaxed)
}

/// A per-target rule: entries whose target starts with `target` at a module
/// boundary use `filter`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetRule {
    /// The target prefix, e.g. `my_crate::net`.
    pub target: heapless::String<MAX_FILTER_TARGET_LEN>,
    /// The filter for targets under it.
    pub filter: LevelFilter,
}

/// A fixed-capacity table of per-target level overrides with a default; the
/// longest matching prefix wins.
///
/// A prefix matches a target when it equals it or is followed in it by `::`,
/// `.` or `/`, so `my_app` covers `my_app::net` and `my_app.ui` but not
/// `my_apple`. It parses the `env_logger` / `RUST_LOG` syntax: a
/// comma-separated list of `level`, `target=level` or `target` (which means
/// everything from that target).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetFilters<const N: usize> {
    default: LevelFilter,
    rules: heapless::Vec<TargetRule, N>,
}

impl<const N: usize> Default for TargetFilters<N> {
    fn default() -> Self {
        Self::new(LevelFilter::Info)
    }
}

impl<const N: usize> TargetFilters<N> {
    /// A table with no overrides.
    pub const fn new(default: LevelFilter) -> Self {
        TargetFilters { default, rules: heapless::Vec::new() }
    }

    /// The filter for targets that match no rule.
    pub fn default_filter(&self) -> LevelFilter {
        self.default
    }

    /// Sets the filter for targets that match no rule.
    pub fn set_default(&mut self, filter: LevelFilter) {
        self.default = filter;
    }

    /// The rules, in the order they were added.
    pub fn rules(&self) -> &[TargetRule] {
        &self.rules
    }

    /// Whether there are no per-target rules.
    pub fn has_rules(&self) -> bool {
        !self.rules.is_empty()
    }

    /// Adds or replaces the rule for `target`.
    ///
    /// # Errors
    /// [`FilterSpecErrorKind::TargetTooLong`] or [`FilterSpecErrorKind::TooManyRules`].
    pub fn set(&mut self, target: &str, filter: LevelFilter) -> Result<(), FilterSpecError> {
        self.set_exact(target.trim(), filter).map_err(|kind| FilterSpecError::new(kind, 0, target))
    }

    /// Adds or replaces the rule for `target` taken as it is (not trimmed),
    /// answering only the kind of error: for a caller that trims and words
    /// its errors itself, such as the page's module, which then carries
    /// none of [`FilterSpecError`]'s text handling.
    ///
    /// ```
    /// use vitals_core::{FilterSpecErrorKind, LevelFilter, TargetFilters};
    ///
    /// let mut filters: TargetFilters<1> = TargetFilters::new(LevelFilter::Warn);
    /// filters.set_exact("app::net", LevelFilter::Debug)?;
    /// assert_eq!(filters.level_for("app::net::tcp"), LevelFilter::Debug);
    /// assert_eq!(filters.set_exact("db", LevelFilter::Info), Err(FilterSpecErrorKind::TooManyRules));
    /// # Ok::<(), FilterSpecErrorKind>(())
    /// ```
    ///
    /// # Errors
    /// [`FilterSpecErrorKind::TargetTooLong`] or [`FilterSpecErrorKind::TooManyRules`].
    pub fn set_exact(&mut self, target: &str, filter: LevelFilter) -> Result<(), FilterSpecErrorKind> {
        if let Some(rule) = self.rules.iter_mut().find(|r| r.target == target) {
            rule.filter = filter;
            return Ok(());
        }
        let mut name = heapless::String::new();
        name.push_str(target).map_err(|_| FilterSpecErrorKind::TargetTooLong)?;
        self.rules.push(TargetRule { target: name, filter }).map_err(|_| FilterSpecErrorKind::TooManyRules)
    }

    /// Removes every rule and resets the default.
    pub fn clear(&mut self, default: LevelFilter) {
        self.rules.clear();
        self.default = default;
    }

    /// The filter that applies to `target`: the longest matching rule's, or the default.
    pub fn level_for(&self, target: &str) -> LevelFilter {
        self.level_for_bytes(target.as_bytes())
    }

    /// [`level_for`](Self::level_for) a target as a ring stores it, as
    /// bytes: matching compares bytes, so it need not be checked as UTF-8
    /// first.
    ///
    /// ```
    /// use vitals_core::{LevelFilter, TargetFilters};
    ///
    /// let filters = TargetFilters::<4>::parse("warn,app::net=debug").unwrap();
    /// assert_eq!(filters.level_for_bytes(b"app::net::tcp"), LevelFilter::Debug);
    /// assert_eq!(filters.level_for_bytes(b"app::net\xff"), LevelFilter::Warn);
    /// assert_eq!(filters.level_for("app::network"), LevelFilter::Warn);
    /// ```
    pub fn level_for_bytes(&self, target: &[u8]) -> LevelFilter {
        let mut best: Option<&TargetRule> = None;
        for rule in &self.rules {
            if prefix_matches(rule.target.as_bytes(), target)
                && best.is_none_or(|b| rule.target.len() > b.target.len())
            {
                best = Some(rule);
            }
        }
        best.map_or(self.default, |rule| rule.filter)
    }

    /// Whether an entry at `level` from `target` passes.
    pub fn enabled(&self, level: Level, target: &str) -> bool {
        self.level_for_bytes(target.as_bytes()).allows(level)
    }

    /// [`enabled`](Self::enabled) for a target as bytes (see
    /// [`level_for_bytes`](Self::level_for_bytes)).
    pub fn enabled_bytes(&self, level: Level, target: &[u8]) -> bool {
        self.level_for_bytes(target).allows(level)
    }

    /// The most verbose filter any rule or the default allows: what a global
    /// fast-path filter must let through for this table to see it.
    pub fn most_verbose(&self) -> LevelFilter {
        self.rules.iter().map(|r| r.filter).fold(self.default, core::cmp::min)
    }

    /// Parses a spec such as `info,my_crate::net=debug,hyper=off`. Later
    /// items override earlier ones; the level alone sets the default.
    ///
    /// # Errors
    /// A [`FilterSpecError`] naming the byte offset and the offending item.
    pub fn parse(spec: &str) -> Result<Self, FilterSpecError> {
        let mut table = Self::new(LevelFilter::Info);
        let mut offset = 0;
        for item in spec.split(',') {
            let at = offset;
            offset += item.len() + 1;
            let trimmed = item.trim();
            if trimmed.is_empty() {
                continue;
            }
            match trimmed.split_once('=') {
                Some((target, level)) => {
                    let target = target.trim();
                    if target.is_empty() {
                        return Err(FilterSpecError::new(FilterSpecErrorKind::EmptyTarget, at, item));
                    }
                    let filter = level
                        .parse::<LevelFilter>()
                        .map_err(|_| FilterSpecError::new(FilterSpecErrorKind::BadLevel, at, item))?;
                    table.set(target, filter).map_err(|e| FilterSpecError { position: at, ..e })?;
                }
                None => match trimmed.parse::<LevelFilter>() {
                    Ok(filter) => table.default = filter,
                    // A bare target means "everything from it", as in env_logger.
                    Err(_) if is_target_like(trimmed) => {
                        table
                            .set(trimmed, LevelFilter::Trace)
                            .map_err(|e| FilterSpecError { position: at, ..e })?;
                    }
                    Err(_) => return Err(FilterSpecError::new(FilterSpecErrorKind::BadLevel, at, item)),
                },
            }
        }
        Ok(table)
    }
}

impl<const N: usize> FromStr for TargetFilters<N> {
    type Err = FilterSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn is_target_like(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'/' | b'-'))
}

fn prefix_matches(prefix: &[u8], target: &[u8]) -> bool {
    // `get`, not `strip_prefix`: that one's `split_at` carries a formatted panic.
    match (target.get(..prefix.len()), target.get(prefix.len()..)) {
        (Some(head), Some(rest)) if head == prefix => {
            rest.is_empty()
                || rest.starts_with(b"::")
                || matches!(rest.first(), Some(b'.' | b'/'))
                || prefix.is_empty()
        }
        _ => false,
    }
}

/// What was wrong with a filter spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FilterSpecErrorKind {
    /// A level name that is not one of the accepted spellings.
    BadLevel,
    /// `=level` with nothing before it.
    EmptyTarget,
    /// A target longer than [`MAX_FILTER_TARGET_LEN`] bytes.
    TargetTooLong,
    /// More rules than the table's capacity.
    TooManyRules,
}

/// A filter spec that could not be parsed, with where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterSpecError {
    /// What was wrong.
    pub kind: FilterSpecErrorKind,
    /// Byte offset of the offending item in the spec.
    pub position: usize,
    /// The offending item (at most 32 bytes of it).
    pub item: heapless::String<32>,
}

impl FilterSpecError {
    fn new(kind: FilterSpecErrorKind, position: usize, item: &str) -> Self {
        let mut kept = heapless::String::new();
        for c in item.trim().chars() {
            if kept.push(c).is_err() {
                break;
            }
        }
        FilterSpecError { kind, position, item: kept }
    }

    /// The kind of error.
    pub fn kind(&self) -> FilterSpecErrorKind {
        self.kind
    }
}

impl fmt::Display for FilterSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            FilterSpecErrorKind::BadLevel => {
                "unknown level; expected trace, debug, info, warn, error, critical or off"
            }
            FilterSpecErrorKind::EmptyTarget => "missing target before `=`",
            FilterSpecErrorKind::TargetTooLong => "target longer than 64 bytes",
            FilterSpecErrorKind::TooManyRules => "more per-target rules than the table holds",
        };
        write!(f, "bad filter item `{}` at byte {}: {why}", self.item, self.position)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FilterSpecError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins() {
        let f: TargetFilters<4> = "error,a=warn,a::b=debug,a::b::c=off".parse().unwrap();
        assert_eq!(f.level_for("x"), LevelFilter::Error);
        assert_eq!(f.level_for("a"), LevelFilter::Warn);
        assert_eq!(f.level_for("a::bb"), LevelFilter::Warn);
        assert_eq!(f.level_for("a::b::d"), LevelFilter::Debug);
        assert_eq!(f.level_for("a::b::c::e"), LevelFilter::Off);
        assert_eq!(f.most_verbose(), LevelFilter::Debug);
    }

    #[test]
    fn bare_target_means_everything() {
        let f: TargetFilters<2> = "my_app".parse().unwrap();
        assert_eq!(f.level_for("my_app::x"), LevelFilter::Trace);
        assert_eq!(f.default_filter(), LevelFilter::Info);
    }

    #[test]
    fn errors_say_where() {
        let e = "info, net=loud".parse::<TargetFilters<2>>().unwrap_err();
        assert_eq!(e.kind(), FilterSpecErrorKind::BadLevel);
        assert_eq!(e.position, 5);
        assert_eq!(e.item.as_str(), "net=loud");
        let e = "a=info,b=info,c=info".parse::<TargetFilters<2>>().unwrap_err();
        assert_eq!(e.kind(), FilterSpecErrorKind::TooManyRules);
        assert_eq!(e.position, 14);
        let e = "=info".parse::<TargetFilters<2>>().unwrap_err();
        assert_eq!(e.kind(), FilterSpecErrorKind::EmptyTarget);
        let long = [b'x'; 65];
        let spec = core::str::from_utf8(&long).unwrap();
        assert_eq!(spec.parse::<TargetFilters<2>>().unwrap_err().kind(), FilterSpecErrorKind::TargetTooLong);
        assert!("what is this".parse::<TargetFilters<2>>().is_err());
    }

    #[test]
    fn later_items_override() {
        let f: TargetFilters<2> = "debug,a=info,warn,a=error".parse().unwrap();
        assert_eq!(f.default_filter(), LevelFilter::Warn);
        assert_eq!(f.level_for("a"), LevelFilter::Error);
        assert_eq!(f.rules().len(), 1);
    }

    #[test]
    fn global_filter_round_trips() {
        let before = max_level();
        set_max_level(LevelFilter::Error);
        assert!(!enabled(Level::Warn));
        // `--all-features` turns on `max_level_off`, so respect the ceiling.
        assert_eq!(enabled(Level::Critical), STATIC_MAX_LEVEL.allows(Level::Critical));
        set_max_level(before);
    }
}
