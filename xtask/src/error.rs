//! The xtask's one error type: a message written for the person at the terminal.

use std::fmt;

/// A failed xtask action. The message says what failed, on what, and what to try.
#[derive(Debug)]
pub(crate) struct Error(String);

impl Error {
    /// An error with the given message.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The xtask's result type.
pub(crate) type Result<T> = std::result::Result<T, Error>;
