//! Severity levels and level filters, with conversions to the level models
//! other tools use.
//!
//! # Example
//!
//! ```
//! use vitals_core::{Level, LevelFilter};
//!
//! let level: Level = "Warning".parse()?;
//! assert_eq!(level, Level::Warn);
//! assert_eq!(level.to_python(), 30);
//! assert_eq!(level.to_syslog(), 4);
//! assert!(LevelFilter::Info.allows(level));
//! assert_eq!(format!("{level}"), "WARN");
//! # Ok::<(), vitals_core::ParseLevelError>(())
//! ```
//!
//! # Mapping table
//!
//! | Vitals   | `log`          | Python | syslog (RFC 5424) | OpenTelemetry | defmt    |
//! |----------|----------------|--------|-------------------|---------------|----------|
//! | TRACE    | Trace          | 5      | 7 debug           | 1 (1–4)       | trace    |
//! | DEBUG    | Debug          | 10     | 7 debug           | 5 (5–8)       | debug    |
//! | INFO     | Info           | 20     | 6 info (5 notice) | 9 (9–12)      | info     |
//! | WARN     | Warn           | 30     | 4 warning         | 13 (13–16)    | warn     |
//! | ERROR    | Error          | 40     | 3 err             | 17 (17–20)    | error    |
//! | CRITICAL | Error (lossy)  | 50     | 2 crit (0–2)      | 21 (21–24)    | error    |
//!
//! Conversions *into* Vitals are lossless; conversions out of it lose only
//! what the other model cannot express (`log` and defmt have no CRITICAL,
//! syslog has no TRACE).

use core::fmt;
use core::str::FromStr;

/// The severity of a log entry, from TRACE (most verbose) to CRITICAL.
///
/// Levels order by severity: `Level::Trace < Level::Critical`.
///
/// ```
/// use vitals_core::Level;
/// assert!(Level::Error > Level::Warn);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(u8)]
pub enum Level {
    /// Very detailed tracing, usually compiled out in release builds.
    Trace = 0,
    /// Diagnostics for developers.
    Debug = 1,
    /// Normal operation worth recording.
    Info = 2,
    /// Something unexpected that the program handled.
    Warn = 3,
    /// An operation failed.
    Error = 4,
    /// The program or machine is in trouble and may not go on.
    Critical = 5,
}

/// The most permissive filter that still lets nothing through is [`LevelFilter::Off`];
/// any other value lets that level and everything more severe through.
///
/// ```
/// use vitals_core::{Level, LevelFilter};
/// assert!(LevelFilter::Warn.allows(Level::Error));
/// assert!(!LevelFilter::Warn.allows(Level::Info));
/// assert!(!LevelFilter::Off.allows(Level::Critical));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(u8)]
pub enum LevelFilter {
    /// Everything.
    Trace = 0,
    /// DEBUG and above.
    Debug = 1,
    /// INFO and above.
    Info = 2,
    /// WARN and above.
    Warn = 3,
    /// ERROR and above.
    Error = 4,
    /// CRITICAL only.
    Critical = 5,
    /// Nothing.
    Off = 6,
}

impl Level {
    /// All levels, least severe first.
    pub const ALL: [Level; 6] =
        [Level::Trace, Level::Debug, Level::Info, Level::Warn, Level::Error, Level::Critical];

    /// The upper-case name, as shown in text formats.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
        }
    }

    /// The lower-case name, as used by logfmt and filter specs.
    pub const fn as_lower_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Critical => "critical",
        }
    }

    /// The level with this index (`Level::X as u8`), if any.
    pub const fn from_u8(value: u8) -> Option<Level> {
        match value {
            0 => Some(Level::Trace),
            1 => Some(Level::Debug),
            2 => Some(Level::Info),
            3 => Some(Level::Warn),
            4 => Some(Level::Error),
            5 => Some(Level::Critical),
            _ => None,
        }
    }

    /// Python `logging`'s number: 5 (TRACE, a common custom level), 10, 20, 30, 40, 50.
    pub const fn to_python(self) -> u8 {
        match self {
            Level::Trace => 5,
            Level::Debug => 10,
            Level::Info => 20,
            Level::Warn => 30,
            Level::Error => 40,
            Level::Critical => 50,
        }
    }

    /// The level for a Python `logging` number, rounding down between the
    /// named ones as `logging` does (25 → INFO). `0` is `NOTSET`: `None`.
    ///
    /// ```
    /// use vitals_core::Level;
    /// assert_eq!(Level::from_python(40), Some(Level::Error));
    /// assert_eq!(Level::from_python(25), Some(Level::Info));
    /// assert_eq!(Level::from_python(0), None);
    /// ```
    pub const fn from_python(value: u32) -> Option<Level> {
        match value {
            0 => None,
            1..=9 => Some(Level::Trace),
            10..=19 => Some(Level::Debug),
            20..=29 => Some(Level::Info),
            30..=39 => Some(Level::Warn),
            40..=49 => Some(Level::Error),
            _ => Some(Level::Critical),
        }
    }

    /// The RFC 5424 syslog severity (0 emergency … 7 debug).
    pub const fn to_syslog(self) -> u8 {
        match self {
            Level::Trace | Level::Debug => 7,
            Level::Info => 6,
            Level::Warn => 4,
            Level::Error => 3,
            Level::Critical => 2,
        }
    }

    /// The level for an RFC 5424 severity; emergency, alert and critical all
    /// become CRITICAL, notice becomes INFO. Values above 7 are `None`.
    pub const fn from_syslog(severity: u8) -> Option<Level> {
        match severity {
            0..=2 => Some(Level::Critical),
            3 => Some(Level::Error),
            4 => Some(Level::Warn),
            5 | 6 => Some(Level::Info),
            7 => Some(Level::Debug),
            _ => None,
        }
    }

    /// The OpenTelemetry `SeverityNumber` at the start of this level's range
    /// (TRACE=1, DEBUG=5, INFO=9, WARN=13, ERROR=17, FATAL=21).
    pub const fn to_otel(self) -> u8 {
        (self as u8) * 4 + 1
    }

    /// The level for an OpenTelemetry `SeverityNumber` (1–24; `TRACE2`..`FATAL4`
    /// map to their range). `0` (unspecified) and values above 24 are `None`.
    ///
    /// ```
    /// use vitals_core::Level;
    /// assert_eq!(Level::from_otel(22), Some(Level::Critical));
    /// assert_eq!(Level::from_otel(0), None);
    /// ```
    pub const fn from_otel(severity: u8) -> Option<Level> {
        match severity {
            1..=24 => Level::from_u8((severity - 1) / 4),
            _ => None,
        }
    }
}

impl LevelFilter {
    /// The filter with this index (`LevelFilter::X as u8`), if any.
    pub const fn from_u8(value: u8) -> Option<LevelFilter> {
        match value {
            0 => Some(LevelFilter::Trace),
            1 => Some(LevelFilter::Debug),
            2 => Some(LevelFilter::Info),
            3 => Some(LevelFilter::Warn),
            4 => Some(LevelFilter::Error),
            5 => Some(LevelFilter::Critical),
            6 => Some(LevelFilter::Off),
            _ => None,
        }
    }

    /// Whether an entry at `level` passes this filter.
    #[inline]
    pub const fn allows(self, level: Level) -> bool {
        level as u8 >= self as u8
    }

    /// The least severe level that passes, or `None` for [`LevelFilter::Off`].
    pub const fn min_level(self) -> Option<Level> {
        Level::from_u8(self as u8)
    }

    /// The lower-case name, as used in filter specs.
    pub const fn as_str(self) -> &'static str {
        match self.min_level() {
            Some(level) => level.as_lower_str(),
            None => "off",
        }
    }
}

impl From<Level> for LevelFilter {
    fn from(level: Level) -> Self {
        match LevelFilter::from_u8(level as u8) {
            Some(filter) => filter,
            None => LevelFilter::Off,
        }
    }
}

impl fmt::Display for Level {
    /// Upper-case name; honours width and alignment (`{:<5}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Display for LevelFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A level name that is not one of the accepted spellings.
///
/// Accepted, in any case: `trace`, `debug`, `info`, `warn`/`warning`,
/// `error`/`err`, `critical`/`crit`/`fatal`, and for filters `off`/`none`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseLevelError {
    /// The start of the rejected input (at most 24 bytes).
    pub input: heapless::String<24>,
}

impl ParseLevelError {
    fn new(input: &str) -> Self {
        let mut kept = heapless::String::new();
        for c in input.chars() {
            if kept.push(c).is_err() {
                break;
            }
        }
        ParseLevelError { input: kept }
    }
}

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown level `{}`: expected one of trace, debug, info, warn, error, critical, off",
            self.input
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParseLevelError {}

impl FromStr for Level {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<LevelFilter>()?.min_level() {
            Some(level) => Ok(level),
            None => Err(ParseLevelError::new(s)),
        }
    }
}

impl FromStr for LevelFilter {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const NAMES: [(&str, LevelFilter); 13] = [
            ("trace", LevelFilter::Trace),
            ("debug", LevelFilter::Debug),
            ("info", LevelFilter::Info),
            ("warn", LevelFilter::Warn),
            ("warning", LevelFilter::Warn),
            ("error", LevelFilter::Error),
            ("err", LevelFilter::Error),
            ("critical", LevelFilter::Critical),
            ("crit", LevelFilter::Critical),
            ("fatal", LevelFilter::Critical),
            ("off", LevelFilter::Off),
            ("none", LevelFilter::Off),
            ("all", LevelFilter::Trace),
        ];
        let trimmed = s.trim();
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(trimmed))
            .map(|&(_, filter)| filter)
            .ok_or_else(|| ParseLevelError::new(s))
    }
}

#[cfg(feature = "log")]
mod log_conversions {
    use super::{Level, LevelFilter};

    impl From<log::Level> for Level {
        fn from(level: log::Level) -> Self {
            match level {
                log::Level::Error => Level::Error,
                log::Level::Warn => Level::Warn,
                log::Level::Info => Level::Info,
                log::Level::Debug => Level::Debug,
                log::Level::Trace => Level::Trace,
            }
        }
    }

    impl From<Level> for log::Level {
        /// CRITICAL has no `log` counterpart and becomes `Error`.
        fn from(level: Level) -> Self {
            match level {
                Level::Critical | Level::Error => log::Level::Error,
                Level::Warn => log::Level::Warn,
                Level::Info => log::Level::Info,
                Level::Debug => log::Level::Debug,
                Level::Trace => log::Level::Trace,
            }
        }
    }

    impl From<log::LevelFilter> for LevelFilter {
        fn from(filter: log::LevelFilter) -> Self {
            match filter.to_level() {
                Some(level) => Level::from(level).into(),
                None => LevelFilter::Off,
            }
        }
    }

    impl From<LevelFilter> for log::LevelFilter {
        /// `Critical` becomes `Error`: `log` cannot pass CRITICAL only.
        fn from(filter: LevelFilter) -> Self {
            match filter.min_level() {
                Some(level) => log::Level::from(level).to_level_filter(),
                None => log::LevelFilter::Off,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_aliases_in_any_case() {
        for (text, level) in [
            ("TRACE", Level::Trace),
            ("debug", Level::Debug),
            ("Info", Level::Info),
            ("warn", Level::Warn),
            ("WARNING", Level::Warn),
            ("error", Level::Error),
            ("crit", Level::Critical),
            ("Critical", Level::Critical),
            ("FATAL", Level::Critical),
            (" info ", Level::Info),
        ] {
            assert_eq!(text.parse::<Level>(), Ok(level), "{text}");
        }
        assert_eq!("off".parse::<LevelFilter>(), Ok(LevelFilter::Off));
        assert!("off".parse::<Level>().is_err());
        let err = "verbose".parse::<Level>().unwrap_err();
        assert_eq!(err.input.as_str(), "verbose");
    }

    #[test]
    fn error_message_names_input_and_choices() {
        let err = "loud".parse::<LevelFilter>().unwrap_err();
        let mut text = heapless::String::<128>::new();
        fmt::write(&mut text, format_args!("{err}")).unwrap();
        assert!(text.contains("`loud`"));
        assert!(text.contains("warn"));
    }

    #[test]
    fn external_numbers_round_trip() {
        for level in Level::ALL {
            assert_eq!(Level::from_python(u32::from(level.to_python())), Some(level));
            assert_eq!(Level::from_otel(level.to_otel()), Some(level));
            assert_eq!(Level::from_u8(level as u8), Some(level));
            assert_eq!(LevelFilter::from(level).min_level(), Some(level));
        }
        for level in [Level::Debug, Level::Info, Level::Warn, Level::Error, Level::Critical] {
            assert_eq!(Level::from_syslog(level.to_syslog()), Some(level));
        }
        assert_eq!(Level::from_syslog(8), None);
        assert_eq!(Level::from_otel(25), None);
        assert_eq!(Level::from_python(1000), Some(Level::Critical));
    }

    #[test]
    fn display_pads() {
        let mut text = heapless::String::<32>::new();
        fmt::write(&mut text, format_args!("[{:<5}]", Level::Warn)).unwrap();
        assert_eq!(text.as_str(), "[WARN ]");
    }

    #[cfg(feature = "log")]
    #[test]
    fn log_conversions_are_lossless_where_they_can_be() {
        for level in
            [log::Level::Error, log::Level::Warn, log::Level::Info, log::Level::Debug, log::Level::Trace]
        {
            assert_eq!(log::Level::from(Level::from(level)), level);
        }
        for filter in [log::LevelFilter::Off, log::LevelFilter::Error, log::LevelFilter::Trace] {
            assert_eq!(log::LevelFilter::from(LevelFilter::from(filter)), filter);
        }
        assert_eq!(log::Level::from(Level::Critical), log::Level::Error);
    }
}
