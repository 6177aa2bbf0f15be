//! LEB128 variable-length integers and zigzag signed mapping, as used by the
//! ring records and the wire format (see `FORMAT.md`).

/// Largest number of bytes a `u64` varint takes.
pub(crate) const MAX_LEN: usize = 10;

/// Number of bytes `value` takes as a varint.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) const fn len(value: u64) -> usize {
    // Bare metal: a loop of constant shifts is a quarter of the flash.
    #[cfg(target_os = "none")]
    return len_by_loop(value);
    // Branches beat the division for the small values that dominate.
    #[cfg(not(target_os = "none"))]
    if value < 1 << 7 {
        1
    } else if value < 1 << 14 {
        2
    } else if value < 1 << 21 {
        3
    } else {
        let bits = 64 - value.leading_zeros() as usize;
        bits.div_ceil(7)
    }
}

/// [`len`] in the least code: seven bits at a time.
#[cfg(any(test, target_os = "none"))]
const fn len_by_loop(value: u64) -> usize {
    let (mut rest, mut len) = (value, 1);
    while rest >= 0x80 {
        rest >>= 7;
        len += 1;
    }
    len
}

/// Writes `value` at the start of `out`; returns the bytes written.
///
/// `out` must hold at least [`len`]`(value)` bytes; callers size buffers first.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn write(mut value: u64, out: &mut [u8]) -> usize {
    let mut written = 0;
    for slot in out.iter_mut() {
        written += 1;
        if value < 0x80 {
            *slot = value as u8;
            break;
        }
        *slot = (value as u8) | 0x80;
        value >>= 7;
    }
    written // all of `out` when it was too short (callers size it first)
}

/// Reads a varint from the start of `input`: the value and the bytes used,
/// or `None` when it is cut short or longer than ten bytes.
#[cfg_attr(any(feature = "std", not(any(target_os = "none", target_arch = "wasm32"))), inline(always))]
pub(crate) fn read(input: &[u8]) -> Option<(u64, usize)> {
    match input.first() {
        Some(&byte) if byte < 0x80 => Some((u64::from(byte), 1)),
        Some(_) => read_long(input),
        None => None,
    }
}

/// Finds the last byte, then folds the groups in from the most
/// significant one: shifts by a constant only, so a 32-bit core links no
/// 64-bit shift routine.
#[inline(never)]
fn read_long(input: &[u8]) -> Option<(u64, usize)> {
    let mut len = 0;
    loop {
        let byte = *input.get(len)?;
        len += 1;
        if byte & 0x80 == 0 {
            // The tenth byte holds the 64th bit only.
            if len == MAX_LEN && byte > 1 {
                return None;
            }
            break;
        }
        if len == MAX_LEN {
            return None;
        }
    }
    let mut value = 0u64;
    for &byte in input.get(..len)?.iter().rev() {
        value = value << 7 | u64::from(byte & 0x7f);
    }
    Some((value, len))
}

/// Maps a signed number onto an unsigned one so small magnitudes stay short.
#[inline]
pub(crate) const fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// Inverse of [`zigzag`].
#[inline]
pub(crate) const fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_edges() {
        for v in [0, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX), u64::MAX] {
            let mut buf = [0u8; MAX_LEN];
            let n = write(v, &mut buf);
            assert_eq!(n, len(v), "len of {v}");
            assert_eq!(read(&buf[..n]), Some((v, n)));
        }
    }

    #[test]
    fn both_lengths_agree_at_every_boundary() {
        for bits in 0..64 {
            for v in [1u64 << bits, (1u64 << bits) - 1, (1u64 << bits) + 1] {
                assert_eq!(len_by_loop(v), len(v), "len of {v}");
            }
        }
        assert_eq!(len_by_loop(u64::MAX), MAX_LEN);
    }

    #[test]
    fn rejects_truncated_and_overlong() {
        assert_eq!(read(&[]), None);
        assert_eq!(read(&[0x80]), None);
        assert_eq!(read(&[0xff; 11]), None);
        assert_eq!(read(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]), None);
    }

    #[test]
    fn zigzag_round_trips() {
        for v in [0i64, -1, 1, -64, 64, i64::MIN, i64::MAX] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
    }
}
