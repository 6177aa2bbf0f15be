//! CRC-32C (Castagnoli) over a frame's bytes.
//!
//! Hosts use slice-by-16 tables (16 KiB, several bytes per cycle);
//! bare-metal and wasm targets compute it bit by bit to keep flash and
//! download size small.

#[cfg(any(target_os = "none", target_arch = "wasm32"))]
type Implementation = crc::NoTable;
#[cfg(not(any(target_os = "none", target_arch = "wasm32")))]
type Implementation = crc::Table<16>;

pub(crate) const CRC: crc::Crc<u32, Implementation> =
    crc::Crc::<u32, Implementation>::new(&crc::CRC_32_ISCSI);

pub(crate) type Digest = crc::Digest<'static, u32, Implementation>;

pub(crate) fn digest() -> Digest {
    CRC.digest()
}
