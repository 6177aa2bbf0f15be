//! The browser console as a sink: each level goes to the `console` method
//! that DevTools shows and filters the same way.
//!
//! | Vitals level | `console` method | DevTools level |
//! |--------------|------------------|----------------|
//! | TRACE        | `console.debug`  | Verbose        |
//! | DEBUG        | `console.log`    | Info           |
//! | INFO         | `console.info`   | Info           |
//! | WARN         | `console.warn`   | Warnings       |
//! | ERROR        | `console.error`  | Errors         |
//! | CRITICAL     | `console.error`  | Errors         |
//!
//! Lines read `target: message`; the console adds its own time and level.
//!
//! # Example
//!
//! ```no_run
//! use vitals_core::{Level, LevelFilter, Policy, Ring};
//! use vitals_web::console::{self, ConsoleSink};
//!
//! console::write(Level::Warn, b"net", b"slow response");
//!
//! // Or as a sink that follows a ring with its own cursor.
//! let mut ring = Ring::new([0u8; 1024], Policy::OverwriteOldest);
//! ring.push_log(0, Level::Error, b"app", b"save failed").ok();
//! let mut sink = ConsoleSink::new(LevelFilter::Info);
//! assert_eq!(sink.drain(&ring), 1);
//! ```

use vitals_core::{Cursor, EntryKind, Event, Level, LevelFilter, Ring};
use wasm_bindgen::JsValue;

/// A method of the browser's `console` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsoleMethod {
    /// `console.debug` (DevTools "Verbose").
    Debug,
    /// `console.log`.
    Log,
    /// `console.info`.
    Info,
    /// `console.warn`.
    Warn,
    /// `console.error`.
    Error,
}

impl ConsoleMethod {
    /// The method for entries at `level` (see the table in the module docs).
    ///
    /// ```
    /// use vitals_core::Level;
    /// use vitals_web::console::ConsoleMethod;
    /// assert_eq!(ConsoleMethod::for_level(Level::Trace), ConsoleMethod::Debug);
    /// assert_eq!(ConsoleMethod::for_level(Level::Critical), ConsoleMethod::Error);
    /// ```
    pub const fn for_level(level: Level) -> Self {
        match level {
            Level::Trace => ConsoleMethod::Debug,
            Level::Debug => ConsoleMethod::Log,
            Level::Info => ConsoleMethod::Info,
            Level::Warn => ConsoleMethod::Warn,
            Level::Error | Level::Critical => ConsoleMethod::Error,
        }
    }

    /// The method's name on `console`.
    pub const fn name(self) -> &'static str {
        match self {
            ConsoleMethod::Debug => "debug",
            ConsoleMethod::Log => "log",
            ConsoleMethod::Info => "info",
            ConsoleMethod::Warn => "warn",
            ConsoleMethod::Error => "error",
        }
    }

    /// Writes one value with this method.
    pub fn call(self, value: &JsValue) {
        use web_sys::console;
        match self {
            ConsoleMethod::Debug => console::debug_1(value),
            ConsoleMethod::Log => console::log_1(value),
            ConsoleMethod::Info => console::info_1(value),
            ConsoleMethod::Warn => console::warn_1(value),
            ConsoleMethod::Error => console::error_1(value),
        }
    }
}

/// `target: message`, with bytes that are not UTF-8 shown as U+FFFD.
pub fn line(target: &[u8], message: &[u8]) -> String {
    let target = String::from_utf8_lossy(target);
    let message = String::from_utf8_lossy(message);
    let mut line = String::with_capacity(target.len() + 2 + message.len());
    if !target.is_empty() {
        line.push_str(&target);
        line.push_str(": ");
    }
    line.push_str(&message);
    line
}

/// Writes a log record to the console method for its level.
pub fn write(level: Level, target: &[u8], message: &[u8]) {
    ConsoleMethod::for_level(level).call(&JsValue::from_str(&line(target, message)));
}

/// A sink that copies a ring's log records to the console: each call to
/// [`ConsoleSink::drain`] writes what arrived since the last one, at or
/// above its level. Losses are reported with `console.warn`.
#[derive(Clone, Debug)]
pub struct ConsoleSink {
    cursor: Cursor,
    filter: LevelFilter,
}

impl ConsoleSink {
    /// A sink starting at the oldest stored entry.
    pub const fn new(filter: LevelFilter) -> Self {
        ConsoleSink { cursor: Cursor::new(), filter }
    }

    /// Changes the level filter.
    pub fn set_filter(&mut self, filter: LevelFilter) {
        self.filter = filter;
    }

    /// Writes the log records stored since the last call; returns how many
    /// were written.
    pub fn drain<B: AsRef<[u8]> + AsMut<[u8]>>(&mut self, ring: &Ring<B>) -> usize {
        let mut reader = ring.read(&mut self.cursor);
        let lost = reader.lost();
        let mut written = 0;
        if lost > 0 {
            warn_lost(lost);
        }
        for entry in reader.by_ref() {
            match entry.kind {
                EntryKind::Log(log) if self.filter.allows(log.level) => {
                    write(log.level, log.target, log.message);
                    written += 1;
                }
                EntryKind::Event(Event::Dropped { count }) => warn_lost(count),
                _ => {}
            }
        }
        written
    }
}

fn warn_lost(count: u64) {
    let text = format!("vitals: {count} entries were lost (ring full or overwritten)");
    ConsoleMethod::Warn.call(&JsValue::from_str(&text));
}
