//! Metric values as text: with their unit for people, plain for machines.

use core::fmt;

use crate::metric::Unit;

/// A value with its unit, shown the way a person reads it: `93.5%`,
/// `1.5 GiB`, `41.0°C`, `NaN`.
///
/// ```
/// use vitals_core::{format::Value, Unit};
/// assert_eq!(Value(93.46, Unit::Percent).to_string(), "93.5%");
/// assert_eq!(Value(1_610_612_736.0, Unit::Bytes).to_string(), "1.5 GiB");
/// assert_eq!(Value(f64::INFINITY, Unit::Bytes).to_string(), "+Inf");
/// assert_eq!(Value(3.0, Unit::None).to_string(), "3");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Value(pub f64, pub Unit);

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Value(v, unit) = *self;
        if !v.is_finite() {
            return non_finite(f, v);
        }
        match unit {
            Unit::Bytes => {
                const PREFIXES: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
                let mut scaled = v;
                let mut i = 0;
                while scaled.abs() >= 1024.0 && i + 1 < PREFIXES.len() {
                    scaled /= 1024.0;
                    i += 1;
                }
                if i == 0 {
                    write!(f, "{scaled} B")
                } else {
                    write!(f, "{scaled:.1} {}", PREFIXES[i])
                }
            }
            Unit::None => plain(f, v),
            _ if v.abs() < 1e15 && (v as i64) as f64 == v => write!(f, "{v:.0}{}", unit.symbol()),
            _ => write!(f, "{v:.1}{}", unit.symbol()),
        }
    }
}

/// `NaN`, `+Inf` or `-Inf`.
pub(crate) fn non_finite(w: &mut impl fmt::Write, v: f64) -> fmt::Result {
    w.write_str(if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    })
}

/// A number for machines: shortest round-trip decimal, exponent form for
/// very large or small magnitudes, `NaN` / `+Inf` / `-Inf`.
pub(crate) fn plain(w: &mut impl fmt::Write, v: f64) -> fmt::Result {
    if !v.is_finite() {
        non_finite(w, v)
    } else if v == 0.0 || (1e-5..1e15).contains(&v.abs()) {
        write!(w, "{v}")
    } else {
        write!(w, "{v:e}")
    }
}
