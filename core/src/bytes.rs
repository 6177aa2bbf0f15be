//! Byte helpers: copies that link no `memcpy` on bare metal, and a small
//! UTF-8 check.
//!
//! `compiler-builtins`' `memcpy` is about 750 bytes of Thumb code, more than
//! the ring's whole push path, and a firmware that copies nothing else would
//! link it for Vitals alone. The records copied here are a few dozen bytes,
//! so on `target_os = "none"` [`copy`] is a byte loop (about 6 cycles a byte
//! on a Cortex-M3); everywhere else it is one `memcpy`.

/// Copies `src` to the start of `dst`, which must be at least as long
/// (callers size their slices first, as for `copy_from_slice`).
#[cfg_attr(not(target_os = "none"), inline(always))]
pub(crate) fn copy(dst: &mut [u8], src: &[u8]) {
    #[cfg(target_os = "none")]
    for (to, from) in dst.iter_mut().zip(src) {
        // The barrier keeps the optimizer from turning the loop back into
        // a `memcpy` call (it only stops that; the copy is plain).
        *to = core::hint::black_box(*from);
    }
    // A loop the optimizer turns into one `memcpy` (`memory.copy` in
    // wasm), without `copy_from_slice`'s length check, which is not inlined
    // at `opt-level = "z"` and carries a formatted panic message.
    #[cfg(not(target_os = "none"))]
    for (to, from) in dst.iter_mut().zip(src) {
        *to = *from;
    }
}

/// `bytes` as text when they are all UTF-8: what `str::from_utf8` says,
/// through `utf8_chunks`, which is smaller (its fast path for long ASCII
/// runs buys nothing on the names of a few dozen bytes decoded here).
pub(crate) fn utf8(bytes: &[u8]) -> Option<&str> {
    let mut chunks = bytes.utf8_chunks();
    match chunks.next() {
        None => Some(""),
        Some(chunk) if chunk.invalid().is_empty() && chunk.valid().len() == bytes.len() => {
            Some(chunk.valid())
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::utf8;

    #[test]
    fn utf8_says_what_from_utf8_says() {
        let cases: [&[u8]; 7] =
            [b"", b"eth0", "°C".as_bytes(), b"a\xffb", b"ok\xe2\x82", b"\x80", "日本/語".as_bytes()];
        for bytes in cases {
            assert_eq!(utf8(bytes), core::str::from_utf8(bytes).ok(), "{bytes:?}");
        }
    }
}
