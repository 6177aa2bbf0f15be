//! Human lines on stderr, coloured by level on a terminal.

use std::io::{self, IsTerminal, Write};

use vitals_core::{format, Entry, EntryKind, Level, LevelFilter};

use super::{passes, Sink};
use crate::Names;

/// Writes human lines to stderr: coloured by level when stderr is a
/// terminal and `NO_COLOR` is unset (<https://no-color.org>).
///
/// ```
/// use vitals_desktop::sink::StderrSink;
/// use vitals_core::LevelFilter;
/// let sink = StderrSink::new(LevelFilter::Warn);
/// # let _ = sink;
/// ```
#[derive(Debug)]
pub struct StderrSink {
    filter: LevelFilter,
    colour: bool,
    line: String,
}

impl StderrSink {
    /// A stderr sink showing log records at `filter` and above (and metrics
    /// and events unless `filter` is `Off`).
    pub fn new(filter: LevelFilter) -> Self {
        let colour = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        StderrSink { filter, colour, line: String::with_capacity(256) }
    }

    /// Forces colour on or off.
    pub fn with_colour(mut self, colour: bool) -> Self {
        self.colour = colour;
        self
    }
}

fn colour_of(level: Level) -> &'static str {
    match level {
        Level::Trace => "\x1b[2m",
        Level::Debug => "\x1b[34m",
        Level::Info => "\x1b[32m",
        Level::Warn => "\x1b[33m",
        Level::Error => "\x1b[31m",
        Level::Critical => "\x1b[1;97;41m",
    }
}

impl Sink for StderrSink {
    fn write(&mut self, entry: &Entry<'_>, anchor: Option<i64>, names: &Names) -> io::Result<()> {
        if !passes(entry, self.filter) {
            return Ok(());
        }
        self.line.clear();
        let level = match entry.kind {
            EntryKind::Log(log) if self.colour => Some(log.level),
            _ => None,
        };
        if let Some(level) = level {
            self.line.push_str(colour_of(level));
        }
        let _ = format::human(&mut self.line, entry, anchor, names);
        if level.is_some() {
            self.line.push_str("\x1b[0m");
        }
        self.line.push('\n');
        io::stderr().lock().write_all(self.line.as_bytes())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }

    fn describe(&self) -> String {
        "stderr".to_owned()
    }
}
