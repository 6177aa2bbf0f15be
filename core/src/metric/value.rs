//! What a metric sample's value can be given as.

use crate::record::{self, Value};

/// A sample's value as pushed: any `f64`, or an integer or `f32` that is
/// stored as it is.
///
/// An `f64` is looked at bit by bit to find its shortest lossless form
/// (an integer, an `f32`, or all eight bytes). Integers and `f32`s skip
/// that: a firmware reading a sensor in whole units (m°C, mV, bytes)
/// pushes the integer and links no floating-point code for it, which on a
/// Cortex-M without an FPU saves about half a kilobyte of flash. Readers
/// get every value back as an `f64`, whichever way it was pushed.
///
/// ```
/// use vitals_core::{EntryKind, MetricId, Policy, Ring};
/// let mut ring = Ring::new([0u8; 128], Policy::OverwriteOldest);
/// let series = MetricId::TEMPERATURE.series();
/// ring.push_metric(0, series, 41_500)?; // an integer, m°C
/// ring.push_metric(1, series, 41.5)?; // an f64
/// let values: Vec<f64> = ring
///     .iter()
///     .filter_map(|e| match e.kind {
///         EntryKind::Metric(sample) => Some(sample.value),
///         _ => None,
///     })
///     .collect();
/// assert_eq!(values, [41_500.0, 41.5]);
/// # Ok::<(), vitals_core::PushError>(())
/// ```
#[derive(Clone, Copy)]
pub struct MetricValue(pub(crate) Value);

impl From<f64> for MetricValue {
    #[inline]
    fn from(value: f64) -> Self {
        MetricValue(record::classify(value))
    }
}

impl From<f32> for MetricValue {
    /// Stored as its four bytes, whatever it holds (NaN included).
    #[inline]
    fn from(value: f32) -> Self {
        MetricValue(Value::F32(value.to_bits()))
    }
}

// Every value of these types is below 2^49 in magnitude, so its varint is
// at most 8 bytes, as `classify` promises. The zigzag mapping is worked
// out in 32 bits, as a 32-bit core does it in two instructions: for a
// signed value, `(v << 1) ^ (v >> 31)`; for an unsigned one, `v << 1`.
macro_rules! from_signed {
    ($($int:ty),*) => {$(
        impl From<$int> for MetricValue {
            #[inline]
            fn from(value: $int) -> Self {
                let value = i32::from(value);
                MetricValue(Value::Int(u64::from(((value << 1) ^ (value >> 31)) as u32)))
            }
        }
    )*};
}

macro_rules! from_unsigned {
    ($($int:ty),*) => {$(
        impl From<$int> for MetricValue {
            #[inline]
            fn from(value: $int) -> Self {
                MetricValue(Value::Int(u64::from(u32::from(value)) << 1))
            }
        }
    )*};
}

from_signed!(i8, i16, i32);
from_unsigned!(u8, u16, u32);

impl core::fmt::Debug for MetricValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("MetricValue").field(&self.0.to_f64()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_back_as_its_f64() {
        for int in [0i32, 1, -1, 41_500, i32::MIN, i32::MAX] {
            assert_eq!(MetricValue::from(int).0.to_f64(), f64::from(int));
        }
        assert_eq!(MetricValue::from(u32::MAX).0.to_f64(), f64::from(u32::MAX));
        for float in [0.5f32, -3.25, f32::MAX, f32::INFINITY, -0.0] {
            let back = MetricValue::from(float).0.to_f64();
            assert_eq!(back.to_bits(), f64::from(float).to_bits());
        }
        assert!(MetricValue::from(f32::NAN).0.to_f64().is_nan());
        assert_eq!(MetricValue::from(93.5f64).0.to_f64(), 93.5);
    }

    #[test]
    fn integers_map_as_the_64_bit_zigzag_does() {
        let zigzag = crate::varint::zigzag;
        let int = |value: MetricValue| match value.0 {
            Value::Int(bits) => bits,
            _ => panic!("an integer is stored as one"),
        };
        for v in [0i32, 1, -1, 63, -64, 41_500, i32::MIN, i32::MIN + 1, i32::MAX] {
            assert_eq!(int(MetricValue::from(v)), zigzag(i64::from(v)), "{v}");
        }
        for v in [0u32, 1, 0x7FFF_FFFF, 0x8000_0000, u32::MAX] {
            assert_eq!(int(MetricValue::from(v)), zigzag(i64::from(v)), "{v}");
        }
        assert_eq!(int(MetricValue::from(i8::MIN)), zigzag(-128));
        assert_eq!(int(MetricValue::from(i16::MIN)), zigzag(-32_768));
        assert_eq!(int(MetricValue::from(u8::MAX)), zigzag(255));
        assert_eq!(int(MetricValue::from(u16::MAX)), zigzag(65_535));
    }
}
