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

/// How a [`Value`] is written: a number with a fixed count of decimals
/// (`None`: the shortest that reads back the same) and the unit text after
/// it, or the words for a non-finite value. A host that writes numbers its
/// own way (the wasm module, through JavaScript) follows the same rules.
///
/// ```
/// use vitals_core::{format::{Shown, Value}, Unit};
/// assert_eq!(
///     Value(1_610_612_736.0, Unit::Bytes).shown(),
///     Shown::Number { number: 1.5, decimals: Some(1), suffix: " GiB" }
/// );
/// assert_eq!(Value(24.0, Unit::Hertz).shown(), Shown::Number { number: 24.0, decimals: Some(0), suffix: "Hz" });
/// assert_eq!(Value(f64::NAN, Unit::Percent).shown(), Shown::Text("NaN"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shown {
    /// `number` with `decimals`, then `suffix`.
    Number {
        /// The number to write (scaled to the unit's prefix).
        number: f64,
        /// Decimals to write; `None` for the shortest round-trip form.
        decimals: Option<u8>,
        /// The unit text after the number, with its space if it has one.
        suffix: &'static str,
    },
    /// `NaN`, `+Inf` or `-Inf`.
    Text(&'static str),
}

impl Value {
    /// How this value is written (see [`Shown`]).
    pub fn shown(self) -> Shown {
        const LARGER: [&str; 6] = [" KiB", " MiB", " GiB", " TiB", " PiB", " EiB"];
        let Value(v, unit) = self;
        if !v.is_finite() {
            return Shown::Text(if v.is_nan() {
                "NaN"
            } else if v > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            });
        }
        match unit {
            Unit::Bytes => {
                let mut shown = Shown::Number { number: v, decimals: None, suffix: " B" };
                let mut scaled = v;
                for suffix in LARGER {
                    if scaled.abs() < 1024.0 {
                        break;
                    }
                    scaled /= 1024.0;
                    shown = Shown::Number { number: scaled, decimals: Some(1), suffix };
                }
                shown
            }
            Unit::None => Shown::Number { number: v, decimals: None, suffix: "" },
            _ => {
                let whole = v.abs() < 1e15 && (v as i64) as f64 == v;
                Shown::Number { number: v, decimals: Some(if whole { 0 } else { 1 }), suffix: unit.symbol() }
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shown() {
            Shown::Text(text) => f.write_str(text),
            // A plain number may take the exponent form; a byte count does not.
            Shown::Number { number, decimals: None, suffix: "" } => plain(f, number),
            Shown::Number { number, decimals: None, suffix } => write!(f, "{number}{suffix}"),
            Shown::Number { number, decimals: Some(d), suffix } => {
                write!(f, "{number:.prec$}{suffix}", prec = usize::from(d))
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_step_through_every_prefix_and_stop_at_the_last() {
        // Products, not `powi`: exact, also under Miri (which perturbs `powi`).
        let kib = 1024.0_f64;
        let mib = kib * kib;
        let gib = mib * kib;
        let tib = gib * kib;
        let pib = tib * kib;
        let eib = pib * kib;
        let cases = [
            (1023.0, "1023 B"),
            (-1023.0, "-1023 B"),
            (kib, "1.0 KiB"),
            (-2.0 * kib, "-2.0 KiB"),
            (mib, "1.0 MiB"),
            (gib * 1.5, "1.5 GiB"),
            (tib, "1.0 TiB"),
            (pib, "1.0 PiB"),
            (eib, "1.0 EiB"),
            (eib * mib, "1048576.0 EiB"),
        ];
        for (bytes, text) in cases {
            assert_eq!(Value(bytes, Unit::Bytes).to_string(), text, "{bytes}");
        }
        assert_eq!(
            Value(0.5, Unit::Bytes).shown(),
            Shown::Number { number: 0.5, decimals: None, suffix: " B" }
        );
    }
}
