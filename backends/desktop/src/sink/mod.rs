//! Where entries go after the ring: stderr for people, a rotating file for
//! the record. Each sink formats entries itself and reports I/O faults once.

mod file;
mod stderr;

pub use file::{FileFormat, RotatingFile, RotationConfig};
pub use stderr::StderrSink;

use std::io;

use vitals_core::{Entry, LevelFilter};

use crate::Names;

/// A destination for entries read from the ring, oldest first.
pub trait Sink: Send {
    /// Writes one entry (buffered).
    ///
    /// # Errors
    /// The I/O error; the caller reports it and counts the entry as lost.
    fn write(&mut self, entry: &Entry<'_>, anchor: Option<i64>, names: &Names) -> io::Result<()>;

    /// Pushes buffered lines to the OS.
    ///
    /// # Errors
    /// The I/O error.
    fn flush(&mut self) -> io::Result<()>;

    /// A short name for messages (`stderr`, the file path).
    fn describe(&self) -> String;

    /// Entries accepted by `write` that will never be written (a buffer
    /// thrown away after a failed flush), since the last call.
    fn take_lost(&mut self) -> u64 {
        0
    }
}

/// Whether an entry passes a sink's level filter: log records at or above
/// it; metric samples and events always (they carry no level).
pub(crate) fn passes(entry: &Entry<'_>, filter: LevelFilter) -> bool {
    match entry.kind {
        vitals_core::EntryKind::Log(log) => filter.allows(log.level),
        _ => filter != LevelFilter::Off,
    }
}
