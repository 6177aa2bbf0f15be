//! Writing bytes that may not be UTF-8, escaped for each format.

use core::fmt::{self, Write};

/// Writes `bytes` as text, invalid UTF-8 as U+FFFD, each char through
/// `escape`. Runs of printable ASCII, which no format escapes, are written
/// whole: a clean message is one `write_str`.
pub(crate) fn lossy(
    w: &mut impl Write,
    bytes: &[u8],
    escape: impl Fn(&mut dyn Write, char) -> fmt::Result,
) -> fmt::Result {
    let plain = |b: u8| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\';
    for chunk in bytes.utf8_chunks() {
        let mut valid = chunk.valid();
        while !valid.is_empty() {
            let clean = valid.bytes().position(|b| !plain(b)).unwrap_or(valid.len());
            w.write_str(&valid[..clean])?;
            let mut rest = valid[clean..].chars();
            if let Some(c) = rest.next() {
                escape(w, c)?;
            }
            valid = rest.as_str();
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
