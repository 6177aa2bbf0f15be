//! Reading arguments that come from JavaScript. The checks are in
//! `bridge.js` (every wrong type a `TypeError`, every out-of-range value a
//! `RangeError`, each naming the argument and what is accepted): the
//! methods written there check theirs and call the module's private
//! exports with numbers, strings and bytes. The constructor is the
//! module's own, so it asks `bridge.js` to check its options; this is the
//! Rust side of that, and of the numbers that stand for levels.

use vitals_core::{Level, LevelFilter};
use wasm_bindgen::JsValue;

use crate::bridge::vitals_options;
use crate::fault::Fault;

/// A level filter from its number, 0 (trace) to 6 (off).
pub(crate) fn filter(code: u8) -> LevelFilter {
    LevelFilter::from_u8(code).unwrap_or(LevelFilter::Off)
}

/// A level from its number, 0 (trace) to 5 (critical).
pub(crate) fn level(code: u8) -> Level {
    Level::from_u8(code).unwrap_or(Level::Critical)
}

/// The options of `new Vitals(options)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Options {
    /// Ring size in bytes, 256 B to 256 MiB.
    pub(crate) capacity: usize,
    pub(crate) level: LevelFilter,
    pub(crate) console: LevelFilter,
}

/// `options` of `new Vitals(options)`, with the defaults filled in; the
/// error naming what is wrong with them otherwise.
pub(crate) fn options(value: &JsValue) -> Result<Options, JsValue> {
    let packed = vitals_options(value);
    if packed < 0.0 {
        return Err(Fault::Options.error());
    }
    let packed = packed as u64;
    Ok(Options {
        capacity: (packed >> 8) as usize,
        level: filter((packed >> 4) as u8 & 0xf),
        console: filter(packed as u8 & 0xf),
    })
}
