//! Why the previous run ended: a trait the firmware implements over its
//! reset-status register, and the LM3S6965's `RESC` decoded.
//!
//! # Example
//!
//! ```
//! use vitals_embedded::mcu::{Lm3sResc, ResetCause};
//! use vitals_embedded::ResetReason;
//!
//! // On the LM3S6965 the firmware reads SYSCTL RESC (0x400F_E05C), e.g.
//! // through its PAC, and clears it for the next boot.
//! let resc = 0b0000_1000; // WDT
//! assert_eq!(Lm3sResc(resc).reset_reason(), ResetReason::Watchdog);
//! // A closure or a fixed reason are causes too.
//! assert_eq!((|| ResetReason::Pin).reset_reason(), ResetReason::Pin);
//! ```

use vitals_core::ResetReason;

/// A source of the reason for the last reset (a reset-status register).
pub trait ResetCause {
    /// The reason; [`ResetReason::Unknown`] when the hardware does not say.
    fn reset_reason(&mut self) -> ResetReason;
}

impl ResetCause for ResetReason {
    fn reset_reason(&mut self) -> ResetReason {
        *self
    }
}

impl<F: FnMut() -> ResetReason> ResetCause for F {
    fn reset_reason(&mut self) -> ResetReason {
        self()
    }
}

/// The TI Stellaris LM3S6965 reset-cause register (`RESC`, system control
/// offset 0x05C) as read. Several bits can be set when nobody cleared the
/// register; the most specific wins: watchdog, software, brown-out and LDO,
/// power-on, then the external pin. QEMU's `lm3s6965evb` may report 0,
/// which reads as [`ResetReason::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Lm3sResc(pub u32);

impl Lm3sResc {
    const EXT: u32 = 1 << 0;
    const POR: u32 = 1 << 1;
    const BOR: u32 = 1 << 2;
    const WDT: u32 = 1 << 3;
    const SW: u32 = 1 << 4;
    const LDO: u32 = 1 << 5;

    /// The reason these bits say.
    pub const fn reason(self) -> ResetReason {
        let bits = self.0;
        if bits & Self::WDT != 0 {
            ResetReason::Watchdog
        } else if bits & Self::SW != 0 {
            ResetReason::Software
        } else if bits & (Self::BOR | Self::LDO) != 0 {
            ResetReason::Brownout
        } else if bits & Self::POR != 0 {
            ResetReason::PowerOn
        } else if bits & Self::EXT != 0 {
            ResetReason::Pin
        } else {
            ResetReason::Unknown
        }
    }
}

impl ResetCause for Lm3sResc {
    fn reset_reason(&mut self) -> ResetReason {
        self.reason()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resc_bits_decode_most_specific_first() {
        assert_eq!(Lm3sResc(0).reason(), ResetReason::Unknown);
        assert_eq!(Lm3sResc(0b01).reason(), ResetReason::Pin);
        assert_eq!(Lm3sResc(0b11).reason(), ResetReason::PowerOn);
        assert_eq!(Lm3sResc(0b111).reason(), ResetReason::Brownout);
        assert_eq!(Lm3sResc(1 << 5).reason(), ResetReason::Brownout);
        assert_eq!(Lm3sResc(0b1_0011).reason(), ResetReason::Software);
        assert_eq!(Lm3sResc(0b1_1011).reason(), ResetReason::Watchdog);
    }
}
