//! Byte copies that link no `memcpy` on bare metal.
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
