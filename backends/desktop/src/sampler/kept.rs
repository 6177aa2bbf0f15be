//! Files kept open and re-read from the start, for the kernel's generated
//! files (`/proc`, `/sys`) that a sampler reads over and over.
//!
//! Opening and closing a file costs more than reading a small generated
//! one, so each file is opened once and read with `pread` at offset 0,
//! which makes the kernel generate it afresh (seq_file and sysfs files
//! restart at offset 0).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// A file opened once and read whole, from the start, on each
/// [`read`](KeptFile::read).
#[derive(Debug)]
pub(crate) struct KeptFile {
    path: PathBuf,
    /// `None` after a read failed and reopening failed too; the next read
    /// tries to reopen.
    file: Option<File>,
    /// Whether the kernel makes the whole file in one go, so that a read
    /// returning less than asked for has reached the end.
    in_one_piece: bool,
}

impl KeptFile {
    /// Opens `path`, to be read until a read returns nothing: right for
    /// any file, such as `/proc/net/dev`, which the kernel hands out a
    /// page's worth of lines at a time.
    pub(crate) fn open(path: impl Into<PathBuf>) -> io::Result<Self> {
        let path = path.into();
        let file = File::open(&path)?;
        Ok(KeptFile { path, file: Some(file), in_one_piece: false })
    }

    /// Opens `path`, a file the kernel makes in one piece (a `single_open`
    /// `/proc` file such as `/proc/stat`, `/proc/meminfo` or
    /// `/proc/<pid>/stat`, a sysfs or cgroup attribute): a read shorter than
    /// asked for is the whole file, which saves the read that would return
    /// nothing.
    pub(crate) fn open_in_one_piece(path: impl Into<PathBuf>) -> io::Result<Self> {
        Ok(KeptFile { in_one_piece: true, ..Self::open(path)? })
    }

    /// The path this file was opened from.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the whole file into `buf` (whose length is kept as its
    /// capacity, so it is allocated once) and returns the bytes read. A
    /// failed read reopens the file and tries once more (the file may have
    /// been replaced); `None` when that fails too.
    pub(crate) fn read<'b>(&mut self, buf: &'b mut Vec<u8>) -> Option<&'b [u8]> {
        if let Some(file) = &self.file {
            if let Ok(len) = read_whole(file, buf, self.in_one_piece) {
                return Some(&buf[..len]);
            }
        }
        self.file = File::open(&self.path).ok();
        let len = read_whole(self.file.as_ref()?, buf, self.in_one_piece).ok()?;
        Some(&buf[..len])
    }

    /// [`read`](Self::read) as text; `None` also when it is not UTF-8.
    pub(crate) fn read_str<'b>(&mut self, buf: &'b mut Vec<u8>) -> Option<&'b str> {
        std::str::from_utf8(self.read(buf)?).ok()
    }
}

/// Reads `file` from offset 0 to its end into `buf`, growing `buf` as
/// needed, and returns how many bytes it holds. With `in_one_piece`, a
/// short read is taken for the end.
fn read_whole(file: &File, buf: &mut Vec<u8>, in_one_piece: bool) -> io::Result<usize> {
    const MIN_ROOM: usize = 1024;
    #[cfg(not(unix))]
    {
        use std::io::{Seek, SeekFrom};
        (&mut &*file).seek(SeekFrom::Start(0))?;
    }
    let mut len = 0;
    loop {
        if buf.len() - len < MIN_ROOM {
            let grown = (buf.len() * 2).max(4096);
            buf.resize(grown, 0);
        }
        #[cfg(unix)]
        let read = std::os::unix::fs::FileExt::read_at(file, &mut buf[len..], len as u64);
        #[cfg(not(unix))]
        let read = io::Read::read(&mut &*file, &mut buf[len..]);
        match read {
            Ok(0) => return Ok(len),
            Ok(n) => {
                let asked = buf.len() - len;
                len += n;
                if in_one_piece && n < asked {
                    return Ok(len);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fresh_contents_each_time_and_grows() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("value");
        std::fs::write(&path, "1\n").unwrap();
        let mut file = KeptFile::open(&path).unwrap();
        let mut whole = KeptFile::open_in_one_piece(&path).unwrap();
        assert_eq!(file.path(), path);
        let mut buf = Vec::new();
        assert_eq!(file.read_str(&mut buf), Some("1\n"));
        std::fs::write(&path, "22\n").unwrap(); // rewritten in place
        assert_eq!(file.read_str(&mut buf), Some("22\n"));
        let big = "x".repeat(10_000);
        std::fs::write(&path, &big).unwrap();
        assert_eq!(file.read_str(&mut buf), Some(big.as_str()));
        assert_eq!(whole.read_str(&mut Vec::new()), Some(big.as_str()));
        std::fs::write(&path, "3").unwrap();
        assert_eq!(file.read_str(&mut buf), Some("3"));
    }

    #[test]
    fn an_unlinked_file_stays_readable_and_a_missing_one_cannot_open() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("value");
        std::fs::write(&path, "old").unwrap();
        let mut file = KeptFile::open(&path).unwrap();
        let mut buf = Vec::new();
        assert_eq!(file.read_str(&mut buf), Some("old"));
        std::fs::remove_file(&path).unwrap();
        // Still open: the old contents stay readable until replaced.
        assert_eq!(file.read_str(&mut buf), Some("old"));
        assert!(KeptFile::open(tmp.path().join("missing")).is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn proc_files_are_read_whole() {
        let mut buf = Vec::new();
        let files = [
            ("/proc/stat", true),
            ("/proc/meminfo", true),
            ("/proc/self/stat", true),
            ("/proc/net/dev", false),
        ];
        for (path, in_one_piece) in files {
            let expected = std::fs::read(path).unwrap();
            let mut file =
                if in_one_piece { KeptFile::open_in_one_piece(path) } else { KeptFile::open(path) }.unwrap();
            let text = file.read(&mut buf).unwrap();
            // Same line count (the numbers move meanwhile).
            let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
            assert_eq!(lines(text), lines(&expected), "{path}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn proc_files_are_generated_afresh() {
        let mut file = KeptFile::open_in_one_piece("/proc/self/stat").unwrap();
        let mut buf = Vec::new();
        let first = file.read_str(&mut buf).unwrap().to_owned();
        // Burn some CPU and memory so the figures move.
        let v: Vec<u64> = (0..2_000_000).collect();
        std::hint::black_box(v);
        let second = file.read_str(&mut buf).unwrap();
        assert!(second.starts_with(&first[..first.find(')').unwrap()]));
        assert_ne!(first, second);
    }
}
