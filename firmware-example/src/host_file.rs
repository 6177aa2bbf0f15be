//! A file on the host, written through semihosting: where the demo exports
//! the ring in the wire format. With `-semihosting-config target=native`,
//! QEMU opens it relative to its own working directory.
//!
//! # Example
//!
//! ```ignore
//! let mut file = HostFile::create(c"vitals-boot1.bin")?;
//! vitals_embedded::stream_to(&ring, &mut cursor, &mut file, &mut scratch)?;
//! ```

use core::ffi::CStr;

use semihosting::fs::File;
use semihosting::io::{self, Write as _};

/// A host file as an `embedded_io::Write`.
pub struct HostFile(File);

impl HostFile {
    /// Creates (or truncates) `path` on the host.
    ///
    /// # Errors
    /// The host's error: semihosting disabled, no such directory, no permission.
    pub fn create(path: &CStr) -> Result<Self, io::Error> {
        File::create(path).map(HostFile)
    }
}

/// What a failed host write says, in `embedded-io`'s terms.
#[derive(Debug)]
pub struct HostError(pub io::Error);

impl core::fmt::Display for HostError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "semihosting write to a host file failed: {:?}", self.0)
    }
}

impl core::error::Error for HostError {}

impl embedded_io::Error for HostError {
    fn kind(&self) -> embedded_io::ErrorKind {
        embedded_io::ErrorKind::Other
    }
}

impl embedded_io::ErrorType for HostFile {
    type Error = HostError;
}

impl embedded_io::Write for HostFile {
    fn write(&mut self, buf: &[u8]) -> Result<usize, HostError> {
        self.0.write(buf).map_err(HostError)
    }

    fn flush(&mut self) -> Result<(), HostError> {
        self.0.flush().map_err(HostError)
    }
}
