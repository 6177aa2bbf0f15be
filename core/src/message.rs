//! Formatting one log message on the stack, with no allocator: the buffer
//! the `log` adapter and firmware logging macros share.
//!
//! # Example
//!
//! ```
//! use core::fmt::Write;
//! use vitals_core::{MessageBuf, MAX_MESSAGE_LEN};
//!
//! let mut message = MessageBuf::new();
//! write!(message, "cpu={:.1}%", 12.5).expect("a MessageBuf never fails");
//! assert_eq!(message.as_bytes(), b"cpu=12.5%");
//!
//! message.push_str(&"x".repeat(MAX_MESSAGE_LEN));
//! assert!(message.is_truncated());
//! assert_eq!(message.as_bytes().len(), MAX_MESSAGE_LEN);
//! ```

use core::fmt;

use crate::entry::MAX_MESSAGE_LEN;

/// A stack buffer that keeps the first [`MAX_MESSAGE_LEN`] bytes written to
/// it, cutting at a character boundary, and remembers whether it cut.
///
/// Writing never fails: what does not fit is dropped and
/// [`MessageBuf::is_truncated`] says so, so a record is stored cut short
/// and flagged rather than lost.
#[derive(Clone)]
pub struct MessageBuf {
    bytes: [u8; MAX_MESSAGE_LEN],
    len: usize,
    truncated: bool,
}

impl MessageBuf {
    /// An empty buffer.
    pub const fn new() -> Self {
        MessageBuf { bytes: [0; MAX_MESSAGE_LEN], len: 0, truncated: false }
    }

    /// The text kept so far (always valid UTF-8: only whole characters are kept).
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// Whether something written was dropped because the buffer was full.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Appends `s`, or as much of it as fits up to a character boundary.
    pub fn push_str(&mut self, s: &str) {
        let room = MAX_MESSAGE_LEN - self.len;
        let mut take = s.len().min(room);
        if take < s.len() {
            self.truncated = true;
            while !s.is_char_boundary(take) {
                take -= 1;
            }
        }
        if let (Some(free), Some(kept)) = (self.bytes.get_mut(self.len..), s.as_bytes().get(..take)) {
            crate::bytes::copy(free, kept);
        }
        self.len += take;
    }

    /// Empties the buffer for reuse.
    pub fn clear(&mut self) {
        self.len = 0;
        self.truncated = false;
    }
}

impl Default for MessageBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Write for MessageBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

impl fmt::Debug for MessageBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageBuf").field("len", &self.len).field("truncated", &self.truncated).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_char_boundary() {
        let mut buf = MessageBuf::new();
        buf.push_str(&"a".repeat(MAX_MESSAGE_LEN - 1));
        buf.push_str("€uro");
        assert!(buf.is_truncated());
        assert_eq!(buf.as_bytes().len(), MAX_MESSAGE_LEN - 1);
        buf.clear();
        assert!(!buf.is_truncated());
        assert!(buf.as_bytes().is_empty());
    }
}
