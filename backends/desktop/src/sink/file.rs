//! `app.log` with size-based rotation: `app.log`, `app.log.1` … `app.log.N`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use vitals_core::{format, Entry, LevelFilter};

use super::{passes, Sink};
use crate::Names;

/// Bytes of lines a file sink gathers before handing them to the OS.
const BUFFER_BYTES: usize = 64 * 1024;

/// The line format of a file sink.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// `2026-11-24T04:51:21.123Z WARN  cpu: usage 93.5% ≥ 90%`
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

/// When and how a [`RotatingFile`] rotates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationConfig {
    /// Rotate before a line would make the file larger than this (0: never).
    pub max_bytes: u64,
    /// Rotated files to keep (`app.log.1` … `app.log.N`); older ones are deleted.
    pub keep: usize,
}

impl Default for RotationConfig {
    fn default() -> Self {
        RotationConfig { max_bytes: 10 * 1024 * 1024, keep: 5 }
    }
}

/// A log file that rotates by size, keeps `keep` old files, and removes
/// stale ones beyond that when it opens (so lowering `keep` cleans up).
///
/// Lines are whole: rotation happens between lines, never inside one, and
/// every line goes to exactly one file. When the file is removed or renamed
/// under it (or its directory deleted), the next flush writes to `path`
/// afresh, or reports that it cannot; a file whose last line was cut short
/// (its writer killed) gets that line ended before new ones follow.
///
/// ```
/// use vitals_desktop::sink::{FileFormat, RotatingFile, RotationConfig};
/// use vitals_core::LevelFilter;
/// let dir = std::env::temp_dir().join(format!("vitals-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let file = RotatingFile::open(dir.join("app.log"), FileFormat::Human, LevelFilter::Info, RotationConfig::default())?;
/// assert!(file.path().ends_with("app.log"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    format: FileFormat,
    filter: LevelFilter,
    rotation: RotationConfig,
    file: File,
    /// Whole lines waiting for `write_out`.
    buf: Vec<u8>,
    size: u64,
    line: String,
    /// Lines in `buf`.
    buffered: u64,
    /// Lines thrown away after a failed flush, not yet reported.
    lost: u64,
}

impl RotatingFile {
    /// Opens (appends to) `path`, creating it, and deletes rotated files
    /// beyond `rotation.keep`.
    ///
    /// # Errors
    /// The I/O error of creating or opening the file.
    pub fn open(
        path: impl Into<PathBuf>,
        format: FileFormat,
        filter: LevelFilter,
        rotation: RotationConfig,
    ) -> io::Result<Self> {
        let path = path.into();
        let mut file = open_append(&path)?;
        let mut size = file.metadata()?.len();
        if size > 0 && !ends_with_newline(&path).unwrap_or(true) {
            // The last writer died mid-line (kill -9, a full disk): end
            // that line, so the first new one is not glued onto it.
            file.write_all(b"\n")?;
            size += 1;
        }
        remove_beyond(&path, rotation.keep);
        Ok(RotatingFile {
            path,
            format,
            filter,
            rotation,
            file,
            buf: Vec::with_capacity(BUFFER_BYTES),
            size,
            line: String::with_capacity(256),
            buffered: 0,
            lost: 0,
        })
    }

    /// Hands the buffered lines to the OS. On failure they are dropped and
    /// counted: the disk refused them, and keeping them for a retry would
    /// only grow memory while the fault lasts.
    fn write_out(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut written = 0;
        let result = self.follow_path().and_then(|()| {
            while written < self.buf.len() {
                match self.file.write(&self.buf[written..]) {
                    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Ok(n) => written += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        });
        if result.is_err() {
            // A full disk takes part of the buffer: keep the whole lines
            // that made it, and cut the piece of a line after them, so the
            // file never holds a torn line for the next one to be glued to.
            let whole = self.buf[..written].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            if whole < written {
                if let Ok(len) = self.file.metadata().map(|m| m.len()) {
                    let _ = self.file.set_len(len.saturating_sub((written - whole) as u64));
                }
            }
            let kept = self.buf[..whole].iter().filter(|&&b| b == b'\n').count() as u64;
            self.lost += self.buffered.saturating_sub(kept);
        }
        self.buf.clear();
        self.buffered = 0;
        result
    }

    /// Makes sure the open file is still the one at `path`. When it was
    /// removed or renamed (`rm`, logrotate, its directory deleted), lines
    /// written to it would be invisible: open `path` afresh instead, and
    /// when that fails (the directory is gone) say so, so the lines are
    /// reported and counted rather than silently thrown away.
    fn follow_path(&mut self) -> io::Result<()> {
        if is_same_file(&self.path, &self.file) {
            return Ok(());
        }
        self.file = open_append(&self.path)?;
        // The buffered lines are about to go in too.
        self.size = self.file.metadata()?.len() + self.buf.len() as u64;
        Ok(())
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name of rotated file `n` (`app.log.n`).
    pub fn rotated_path(path: &Path, n: usize) -> PathBuf {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.write_out()?;
        // Whatever happens below, the next rotation waits for another
        // `max_bytes` of lines: a failing rotation must not be retried (and
        // shift old files away) on every line.
        self.size = 0;
        if self.rotation.keep == 0 {
            // Nothing kept: start the file over.
            self.file = File::create(&self.path)?;
            return Ok(());
        }
        // The file may have been removed or renamed under us; then there is
        // nothing to shift, only a file to create again.
        if self.path.exists() {
            // Shift only the files there are (not `keep` probes per
            // rotation); the run ends at the first missing one, so a
            // rename never lands on an existing file except the oldest.
            let present = (1..self.rotation.keep).take_while(|&n| Self::rotated_path(&self.path, n).exists());
            for n in present.collect::<Vec<_>>().into_iter().rev() {
                fs::rename(Self::rotated_path(&self.path, n), Self::rotated_path(&self.path, n + 1))?;
            }
            fs::rename(&self.path, Self::rotated_path(&self.path, 1))?;
        }
        self.file = open_append(&self.path)?;
        Ok(())
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn is_same_file(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(path), file.metadata()) {
        (Ok(named), Ok(open)) => named.dev() == open.dev() && named.ino() == open.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_same_file(path: &Path, _file: &File) -> bool {
    path.exists()
}

fn ends_with_newline(path: &Path) -> io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path)?;
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

fn remove_beyond(path: &Path, keep: usize) {
    let mut n = keep + 1;
    // Remove the contiguous run of stale files past `keep`.
    while fs::remove_file(RotatingFile::rotated_path(path, n)).is_ok() {
        n += 1;
    }
}

impl Sink for RotatingFile {
    fn write(&mut self, entry: &Entry<'_>, anchor: Option<i64>, names: &Names) -> io::Result<()> {
        if !passes(entry, self.filter) {
            return Ok(());
        }
        self.line.clear();
        let _ = match self.format {
            FileFormat::Human => format::human(&mut self.line, entry, anchor, names),
            FileFormat::Json => format::json(&mut self.line, entry, anchor, names),
        };
        self.line.push('\n');
        let len = self.line.len() as u64;
        if self.rotation.max_bytes > 0 && self.size > 0 && self.size + len > self.rotation.max_bytes {
            self.rotate()?;
        }
        if self.buf.len() + self.line.len() > BUFFER_BYTES {
            self.write_out()?;
        }
        self.buf.extend_from_slice(self.line.as_bytes());
        self.size += len;
        self.buffered += 1;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_out()
    }

    fn take_lost(&mut self) -> u64 {
        std::mem::take(&mut self.lost)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitals_core::{Entry, EntryKind, Level, LogRecord};

    fn line(file: &mut RotatingFile, text: &str) -> io::Result<()> {
        let entry = Entry {
            seq: 0,
            timestamp_us: 0,
            kind: EntryKind::Log(LogRecord {
                level: Level::Info,
                target: b"t",
                message: text.as_bytes(),
                truncated: false,
            }),
        };
        file.write(&entry, None, &crate::Names::new())
    }

    #[test]
    fn a_line_cut_short_by_the_last_writer_is_ended_before_new_lines() {
        let dir = std::env::temp_dir().join(format!("vitals-torn-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.log");
        fs::write(&path, "whole\n2026-11-24T04:51:21.1").unwrap();
        let mut file =
            RotatingFile::open(&path, FileFormat::Human, LevelFilter::Trace, RotationConfig::default())
                .unwrap();
        line(&mut file, "next").unwrap();
        file.flush().unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..2], ["whole", "2026-11-24T04:51:21.1"]);
        assert!(lines[2].ends_with(" INFO  t: next"), "{text:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_log_removed_under_us_is_created_again_and_old_files_survive() {
        let dir = std::env::temp_dir().join(format!("vitals-rotate-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.log");
        let mut file = RotatingFile::open(
            &path,
            FileFormat::Human,
            LevelFilter::Trace,
            RotationConfig { max_bytes: 200, keep: 3 },
        )
        .unwrap();
        for i in 0..20 {
            line(&mut file, &format!("before {i}")).unwrap();
            file.flush().unwrap();
        }
        let rotated: Vec<bool> = (1..=3).map(|n| RotatingFile::rotated_path(&path, n).exists()).collect();
        fs::remove_file(&path).unwrap();
        for i in 0..20 {
            line(&mut file, &format!("after {i}")).unwrap();
            file.flush().unwrap();
        }
        assert!(path.exists(), "app.log is back");
        assert!(rotated.iter().all(|&r| r), "rotated files existed: {rotated:?}");
        assert!(RotatingFile::rotated_path(&path, 1).exists());
        assert_eq!(file.take_lost(), 0);
        let _ = fs::remove_dir_all(&dir);
    }
}
