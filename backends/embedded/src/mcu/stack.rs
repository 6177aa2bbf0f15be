//! Stack high-water marks by painting: fill a stack with a pattern while it
//! is unused, and later the deepest word that no longer holds the pattern
//! shows how deep the stack ever got.
//!
//! These functions work on a `[u32]` the firmware owns (an RTOS task's
//! stack, or a test). The main stack is live memory below the stack
//! pointer and cannot be a Rust slice: [`StackRegion`](super::StackRegion)
//! paints and scans it.
//!
//! # Example
//!
//! ```
//! use vitals_embedded::mcu::{high_water, paint, StackUsage};
//!
//! let mut stack = [0u32; 256]; // index 0 is the lowest address
//! paint(&mut stack);
//! // A task ran and used the top 40 words (stacks grow downwards).
//! stack[256 - 40..].fill(0x2000_1234);
//! assert_eq!(high_water(&stack), 160);
//! assert_eq!(stack.size_bytes(), 1024);
//! ```

/// The word unused stack is painted with. Not zero, not a RAM or flash
/// address on common parts, and not a small integer, so few real stack
/// words equal it by chance.
pub const STACK_PAINT: u32 = 0xC5C5_C5C5;

/// Fills `stack` with [`STACK_PAINT`].
pub fn paint(stack: &mut [u32]) {
    stack.fill(STACK_PAINT);
}

/// Bytes of `stack` ever used, for a stack that grows downwards (from the
/// end of the slice towards index 0): everything above the lowest word that
/// no longer holds [`STACK_PAINT`].
///
/// A used word that happens to hold the pattern makes this read a little
/// low; one such word right at the boundary is the only way to miss.
pub fn high_water(stack: &[u32]) -> usize {
    let untouched = stack.iter().take_while(|&&word| word == STACK_PAINT).count();
    (stack.len() - untouched) * 4
}

/// A stack whose deepest use is known: what
/// [`McuSampler`](super::McuSampler) reports as
/// [`MetricId::STACK_HIGH_WATER`](vitals_core::MetricId::STACK_HIGH_WATER).
pub trait StackUsage {
    /// Deepest use seen, in bytes.
    fn high_water_bytes(&self) -> usize;

    /// Size of the stack, in bytes.
    fn size_bytes(&self) -> usize;
}

impl StackUsage for [u32] {
    fn high_water_bytes(&self) -> usize {
        high_water(self)
    }

    fn size_bytes(&self) -> usize {
        core::mem::size_of_val(self)
    }
}

impl<const N: usize> StackUsage for [u32; N] {
    fn high_water_bytes(&self) -> usize {
        high_water(self)
    }

    fn size_bytes(&self) -> usize {
        N * 4
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn painted_stack_is_unused_and_full_use_is_everything() {
        let mut stack = [0u32; 32];
        assert_eq!(high_water(&stack), 128, "never painted: all of it counts as used");
        paint(&mut stack);
        assert_eq!(high_water(&stack), 0);
        stack[0] = 1;
        assert_eq!(high_water(&stack), 128);
        assert_eq!(high_water(&[]), 0);
    }

    proptest! {
        #[test]
        fn high_water_is_the_depth_written(len in 1usize..512, depth in 0usize..512) {
            let depth = depth.min(len);
            let mut stack = vec![0u32; len];
            paint(&mut stack);
            for word in &mut stack[len - depth..] {
                *word = !STACK_PAINT;
            }
            prop_assert_eq!(high_water(&stack), depth * 4);
        }
    }
}
