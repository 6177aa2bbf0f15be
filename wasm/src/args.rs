//! Reading arguments that come from JavaScript. The checks are in
//! `bridge.js` (every wrong type a `TypeError`, every out-of-range value a
//! `RangeError`, each naming the argument and what is accepted), which
//! hands the module plain numbers; this is the Rust side of each, so no
//! input can reach a panic.

use alloc::string::String;

use vitals_core::{LevelFilter, Unit};
use wasm_bindgen::JsValue;

use crate::bridge::{vitals_check, vitals_rule};

/// The checks of `CHECKS` in `bridge.js`, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
enum Check {
    /// `new Vitals(options)`: capacity × 256 + level × 16 + console.
    Options,
    /// `entries(query)`: into `out`, since, limit, level, type.
    Query,
    /// `metric(name, value, unit)`: the unit's code, 255 for none given.
    Metric,
    /// `start(intervalMs)`: the interval.
    Interval,
}

/// Runs `check` on up to three arguments.
fn check(check: Check, a: &JsValue, b: &JsValue, c: &JsValue, out: &mut [f64]) -> Result<f64, JsValue> {
    vitals_check(check as u32, a, b, c, out)
}

/// Runs `check` on one argument that gives one number.
fn check_one(what: Check, value: &JsValue) -> Result<f64, JsValue> {
    check(what, value, &JsValue::UNDEFINED, &JsValue::UNDEFINED, &mut [])
}

/// A level filter from the number `bridge.js` returns (0–6).
fn filter(code: f64) -> LevelFilter {
    LevelFilter::from_u8(code as u8).unwrap_or(LevelFilter::Off)
}

/// The options of `new Vitals(options)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Options {
    /// Ring size in bytes, 256 B to 256 MiB.
    pub(crate) capacity: usize,
    pub(crate) level: LevelFilter,
    pub(crate) console: LevelFilter,
}

/// `options` of `new Vitals(options)`, with the defaults filled in.
pub(crate) fn options(value: &JsValue) -> Result<Options, JsValue> {
    let packed = check_one(Check::Options, value)? as u64;
    Ok(Options {
        capacity: (packed >> 8) as usize,
        level: filter(((packed >> 4) & 0xf) as f64),
        console: filter((packed & 0xf) as f64),
    })
}

/// The query of `entries(query)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Query {
    /// First sequence number wanted.
    pub(crate) since: u64,
    /// At most this many entries.
    pub(crate) limit: u64,
    /// Log entries below this level are left out.
    pub(crate) level: LevelFilter,
    /// Only entries of this kind: 0 log, 1 metric, 2 event; 3 any.
    pub(crate) kind: u8,
}

/// `query` of `entries(query)`.
pub(crate) fn query(value: &JsValue) -> Result<Query, JsValue> {
    let mut out = [0.0; 4];
    check(Check::Query, value, &JsValue::UNDEFINED, &JsValue::UNDEFINED, &mut out)?;
    Ok(Query { since: out[0] as u64, limit: out[1] as u64, level: filter(out[2]), kind: out[3] as u8 })
}

/// The rule of `addRule(rule)`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RuleArgs {
    /// The metric's name.
    pub(crate) metric: String,
    pub(crate) instance: u16,
    /// Warn, error, critical.
    pub(crate) thresholds: [Option<f64>; 3],
    /// Samples in a row, 1 to 255.
    pub(crate) for_samples: u8,
    pub(crate) hysteresis: f64,
    /// Low values are bad.
    pub(crate) below: bool,
}

/// `rule` of `addRule(rule)`.
pub(crate) fn rule(value: &JsValue) -> Result<RuleArgs, JsValue> {
    let mut out = [0.0; 8];
    let metric = vitals_rule(value, &mut out)?;
    let given = out[7] as u8;
    let threshold = |i: usize| (given & 1 << i != 0).then_some(out[4 + i]);
    Ok(RuleArgs {
        metric,
        instance: out[0] as u16,
        thresholds: [threshold(0), threshold(1), threshold(2)],
        for_samples: out[1] as u8,
        hysteresis: out[2],
        below: out[3] != 0.0,
    })
}

/// `metric(name, value, unit)`: the name, the value and the unit if given.
pub(crate) fn metric(
    name: &JsValue,
    value: &JsValue,
    unit: &JsValue,
) -> Result<(String, f64, Option<Unit>), JsValue> {
    let unit = Unit::from_code(check(Check::Metric, name, value, unit, &mut [])? as u8);
    Ok((name.as_string().unwrap_or_default(), value.as_f64().unwrap_or(f64::NAN), unit))
}

/// `intervalMs` of `start`: 10 ms to 2^31 − 1 ms.
pub(crate) fn interval(value: &JsValue) -> Result<f64, JsValue> {
    check_one(Check::Interval, value)
}
