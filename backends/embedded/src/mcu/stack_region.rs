//! Painting and scanning the live main stack through raw addresses.
//!
//! The stack is memory the compiler uses for frames: below the stack
//! pointer it is free, above it are live frames. It can never be a Rust
//! slice, so this module reads and writes it with volatile raw-pointer
//! accesses — the only `unsafe` in the crate outside `persistent`.
//!
//! Soundness rests on three things:
//! - the caller of [`StackRegion::new`] promises the address range is this
//!   core's stack and nothing else (checked once, at construction);
//! - painting writes only below the current stack pointer (less a red
//!   zone), inside a critical section, so no interrupt handler has a frame
//!   there while it runs;
//! - scanning only reads, also inside a critical section, and stops at the
//!   first word that is not paint: the deepest the stack ever reached.

#![allow(unsafe_code)]

use core::ptr;

use super::stack::{StackUsage, STACK_PAINT};

/// Bytes below the painting function's own frame left unpainted, for the
/// frames of the calls it makes while it paints (unoptimised builds call
/// even `write_volatile`).
const RED_ZONE: usize = 256;

/// The main stack as an address range `[lo, hi)`, growing down from `hi`.
///
/// ```
/// use vitals_embedded::mcu::{StackRegion, StackUsage};
///
/// static mut FAKE_STACK: [u32; 64] = [0; 64];
/// let lo = (&raw mut FAKE_STACK).expose_provenance();
/// // SAFETY: (in a firmware) the range is this core's stack and nothing else.
/// let region = unsafe { StackRegion::new(lo, lo + 256) };
/// assert_eq!(region.size_bytes(), 256);
/// // Not on that stack: painting it would hit live frames, so it refuses.
/// assert_eq!(region.paint(), 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackRegion {
    lo: usize,
    hi: usize,
}

impl StackRegion {
    /// The stack between `lo` (lowest address) and `hi` (one past the
    /// highest; the initial stack pointer). Both are rounded inwards to
    /// whole words. Addresses from pointers should come from
    /// `expose_provenance` (linker symbols, `&raw mut`).
    ///
    /// # Safety
    /// `[lo, hi)` must be the stack of the core that calls
    /// [`StackRegion::paint`] and [`StackRegion::high_water_bytes`],
    /// readable and writable, with no other data in it: painting
    /// overwrites every free word below the stack pointer. No non-maskable
    /// handler (NMI, HardFault) may run while it paints.
    pub const unsafe fn new(lo: usize, hi: usize) -> Self {
        let lo = (lo + 3) & !3;
        let hi = hi & !3;
        StackRegion { lo, hi: if hi > lo { hi } else { lo } }
    }

    /// The main stack as cortex-m-rt's `link.x` lays it out:
    /// `[_stack_end, _stack_start)` (cortex-m-rt 0.7.5 or later).
    ///
    /// # Safety
    /// Nothing else may live between `_stack_end` and `_stack_start`. By
    /// default `_stack_end` is `__sheap`, where `cortex_m_rt::heap_start()`
    /// puts a heap: a firmware with a heap there must move `_stack_end`
    /// above the heap in its `memory.x`.
    #[cfg(feature = "cortex-m")]
    pub unsafe fn cortex_m_rt() -> Self {
        extern "C" {
            static _stack_start: u32;
            static _stack_end: u32;
        }
        // Only the symbols' addresses are taken (no `unsafe` needed for
        // that); they are never read as values.
        let (lo, hi) =
            (ptr::addr_of!(_stack_end).expose_provenance(), ptr::addr_of!(_stack_start).expose_provenance());
        // SAFETY: the caller promises the range holds only the stack.
        unsafe { Self::new(lo, hi) }
    }

    /// Paints every free word of the stack below the caller's frame with
    /// [`STACK_PAINT`]; returns the bytes painted. Call it early in `main`,
    /// while the stack is shallow, and again whenever the mark should
    /// restart. Returns 0 (and paints nothing) when not called on this stack.
    ///
    /// Runs in a critical section, about one store per word. Never inlined:
    /// it spares the stack below its own frame, which must not be the
    /// caller's (inlined into a large `main`, it would paint over live locals).
    #[inline(never)]
    pub fn paint(&self) -> usize {
        critical_section::with(|_| {
            let marker = 0u8;
            // An address inside this frame: the stack pointer is below it.
            let here = core::hint::black_box(ptr::addr_of!(marker)).addr();
            if here < self.lo || here >= self.hi {
                return 0;
            }
            // SAFETY: `[lo, here - RED_ZONE)` is below every live frame of
            // this core's stack (`new`'s contract; we run on it, checked
            // above) and no interrupt handler runs in the critical section.
            unsafe { self.paint_below(here.saturating_sub(RED_ZONE)) }
        })
    }

    /// Paints `[lo, end)`.
    ///
    /// # Safety
    /// Nothing may live in `[lo, end)`.
    unsafe fn paint_below(&self, end: usize) -> usize {
        let end = end.min(self.hi) & !3;
        let mut at = self.lo;
        while at < end {
            // SAFETY: word-aligned, inside the region, and free (the caller's promise).
            unsafe { ptr::write_volatile(ptr::with_exposed_provenance_mut::<u32>(at), STACK_PAINT) };
            at += 4;
        }
        end.saturating_sub(self.lo)
    }
}

impl StackUsage for StackRegion {
    /// Scans up from the lowest word to the first that is not paint, in a
    /// critical section (about one load per unused word).
    fn high_water_bytes(&self) -> usize {
        critical_section::with(|_| {
            let mut at = self.lo;
            // SAFETY: word-aligned reads inside the region `new` vouched for;
            // volatile, since the compiler does not know this memory's contents.
            while at < self.hi
                && unsafe { ptr::read_volatile(ptr::with_exposed_provenance::<u32>(at)) } == STACK_PAINT
            {
                at += 4;
            }
            self.hi - at
        })
    }

    fn size_bytes(&self) -> usize {
        self.hi - self.lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_and_scans_raw_memory() {
        let mut words = vec![0u32; 64];
        let lo = words.as_mut_ptr().expose_provenance();
        // SAFETY: the vector is ours and nothing else uses it while the
        // region exists; it stands in for a stack.
        let region = unsafe { StackRegion::new(lo, lo + 64 * 4) };
        assert_eq!(region.size_bytes(), 256);
        assert_eq!(region.high_water_bytes(), 256, "unpainted: all used");
        // SAFETY: as above.
        assert_eq!(unsafe { region.paint_below(lo + 48 * 4) }, 192);
        // The 16 words above the paint count as used, as live frames would.
        assert_eq!(region.high_water_bytes(), 64);
        words[10] = 7; // a deeper call happened
        assert_eq!(region.high_water_bytes(), (64 - 10) * 4);
        drop(words);
    }

    #[test]
    fn refuses_to_paint_a_stack_it_is_not_on() {
        let words = [0u32; 8];
        let lo = words.as_ptr().addr();
        // SAFETY: never painted: the call below refuses.
        let region = unsafe { StackRegion::new(lo, lo + 32) };
        assert_eq!(region.paint(), 0);
        // Unaligned bounds are rounded inwards; an empty range is empty.
        // SAFETY: never touched.
        let empty = unsafe { StackRegion::new(lo + 1, lo + 3) };
        assert_eq!(empty.size_bytes(), 0);
        assert_eq!(empty.high_water_bytes(), 0);
    }
}
