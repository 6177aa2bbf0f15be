//! CRC-32C (Castagnoli) over a frame's bytes.
//!
//! Hosts use the `crc` crate's slice-by-16 tables (16 KiB, several bytes
//! per cycle). Bare-metal and wasm targets compute it bit by bit, here:
//! eight shift-and-masks a byte in a few dozen bytes of code, against the
//! `crc` crate's table-less variant at 150 more bytes of flash, which a
//! firmware's 4 KiB budget cannot spare. The test below holds both to the
//! same results.

/// A running CRC-32C.
#[cfg(not(any(target_os = "none", target_arch = "wasm32")))]
pub(crate) struct Digest(crc::Digest<'static, u32, crc::Table<16>>);

#[cfg(not(any(target_os = "none", target_arch = "wasm32")))]
const CRC: crc::Crc<u32, crc::Table<16>> = crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISCSI);

#[cfg(not(any(target_os = "none", target_arch = "wasm32")))]
impl Digest {
    pub(crate) fn new() -> Self {
        Digest(CRC.digest())
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub(crate) fn finalize(self) -> u32 {
        self.0.finalize()
    }

    /// The checksum of the bytes so far, the digest kept.
    pub(crate) fn value(&self) -> u32 {
        self.0.clone().finalize()
    }
}

/// A running CRC-32C.
#[cfg(any(test, target_os = "none", target_arch = "wasm32"))]
pub(crate) struct Bitwise(u32);

#[cfg(any(target_os = "none", target_arch = "wasm32"))]
pub(crate) use Bitwise as Digest;

#[cfg(any(test, target_os = "none", target_arch = "wasm32"))]
impl Bitwise {
    /// The reflected CRC-32C polynomial.
    const POLY: u32 = 0x82F6_3B78;

    pub(crate) fn new() -> Self {
        Bitwise(!0)
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u32::from(byte);
            for _ in 0..8 {
                self.0 = (self.0 >> 1) ^ (Self::POLY & (self.0 & 1).wrapping_neg());
            }
        }
    }

    pub(crate) fn finalize(self) -> u32 {
        self.value()
    }

    /// The checksum of the bytes so far, the digest kept.
    pub(crate) fn value(&self) -> u32 {
        !self.0
    }
}

/// The CRC-32C of `bytes`.
pub(crate) fn checksum(bytes: &[u8]) -> u32 {
    let mut digest = Digest::new();
    digest.update(bytes);
    digest.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_by_bit_matches_the_crc_crate() {
        let reference = crc::Crc::<u32, crc::NoTable>::new(&crc::CRC_32_ISCSI);
        // The check value of CRC-32C.
        assert_eq!(checksum(b"123456789"), 0xE306_9283);
        let mut state = 0x1234_5678u32;
        for len in 0..300 {
            let bytes: std::vec::Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    state as u8
                })
                .collect();
            let mut bitwise = Bitwise::new();
            let (head, tail) = bytes.split_at(len / 3);
            bitwise.update(head);
            bitwise.update(tail);
            assert_eq!(bitwise.finalize(), reference.checksum(&bytes), "{len} bytes");
            assert_eq!(checksum(&bytes), reference.checksum(&bytes), "{len} bytes");
        }
    }
}
