//! Writing bytes that may not be UTF-8, escaped for each format.

use core::fmt::{self, Write};

/// Writes `bytes` as text, invalid UTF-8 as U+FFFD, each char through `escape`.
pub(crate) fn lossy(
    w: &mut impl Write,
    bytes: &[u8],
    escape: impl Fn(&mut dyn Write, char) -> fmt::Result,
) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            escape(w, c)?;
        }
        if !chunk.invalid().is_empty() {
            escape(w, char::REPLACEMENT_CHARACTER)?;
        }
    }
    Ok(())
}

/// Plain text; control characters other than tab become `\u{..}` escapes
/// so one entry stays on one line.
pub(crate) fn plain(w: &mut dyn Write, c: char) -> fmt::Result {
    match c {
        '\n' => w.write_str("\\n"),
        '\r' => w.write_str("\\r"),
        c if c.is_control() && c != '\t' => write!(w, "\\u{{{:x}}}", c as u32),
        c => w.write_char(c),
    }
}

/// Inside a JSON string.
pub(crate) fn json(w: &mut dyn Write, c: char) -> fmt::Result {
    match c {
        '"' => w.write_str("\\\""),
        '\\' => w.write_str("\\\\"),
        '\n' => w.write_str("\\n"),
        '\r' => w.write_str("\\r"),
        '\t' => w.write_str("\\t"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => write!(w, "\\u{:04x}", c as u32),
        c => w.write_char(c),
    }
}

/// Inside a double-quoted logfmt or Prometheus label value.
pub(crate) fn quoted(w: &mut dyn Write, c: char) -> fmt::Result {
    match c {
        '"' => w.write_str("\\\""),
        '\\' => w.write_str("\\\\"),
        '\n' => w.write_str("\\n"),
        c => plain(w, c),
    }
}

/// Writes a logfmt value, quoting it when it holds spaces, `=` or quotes.
pub(crate) fn logfmt_value(w: &mut impl Write, bytes: &[u8]) -> fmt::Result {
    let bare = !bytes.is_empty()
        && bytes.iter().all(|&b| b > b' ' && b != b'"' && b != b'=' && b != b'\\' && b < 0x7f);
    if bare {
        lossy(w, bytes, plain)
    } else {
        w.write_char('"')?;
        lossy(w, bytes, quoted)?;
        w.write_char('"')
    }
}
