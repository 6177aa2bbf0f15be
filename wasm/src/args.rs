//! Reading arguments that come from JavaScript: every wrong type is a
//! `TypeError` and every out-of-range value a `RangeError`, each saying
//! which argument and what is accepted, so no input can reach a panic.
//! Fields are read and type-checked in `bridge.js`; names and levels are
//! parsed here with the core's parsers. Messages are `Fault`s.

use alloc::string::String;

use vitals_core::{Level, LevelFilter, Unit};
use wasm_bindgen::JsValue;

use crate::bridge::{vitals_bool_field, vitals_field, vitals_number_field};
use crate::fault::Fault;

/// The text of a string argument.
pub(crate) fn text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| Fault::NotAString.with(what, ""))
}

/// A level: a name (`"info"`, `"warning"`, `"crit"`, any case) or a number
/// 0 (trace) to 5 (critical).
pub(crate) fn level(value: &JsValue, what: &str) -> Result<Level, JsValue> {
    level_filter(value, what)?.min_level().ok_or_else(|| Fault::Off.with(what, ""))
}

/// A level filter: a level, or `"off"` / 6 for nothing.
pub(crate) fn level_filter(value: &JsValue, what: &str) -> Result<LevelFilter, JsValue> {
    if let Some(name) = value.as_string() {
        return name.parse::<LevelFilter>().map_err(|_| Fault::NotALevel.with(what, &name));
    }
    if let Some(number) = value.as_f64() {
        return integer(number)
            .and_then(|n| u8::try_from(n).ok())
            .and_then(LevelFilter::from_u8)
            .ok_or_else(|| Fault::LevelNumber.with(what, ""));
    }
    Err(Fault::LevelType.with(what, ""))
}

/// A unit: a word or symbol (`"bytes"`, `"B"`, `"%"`, `"ms"`).
pub(crate) fn unit(value: &JsValue) -> Result<Option<Unit>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let name = text(value, "unit")?;
    Unit::parse(&name).map(Some).ok_or_else(|| Fault::Unit.error())
}

/// `n` when it is a whole number from 0 to 2^53 − 1.
pub(crate) fn integer(n: f64) -> Option<u64> {
    /// Largest integer a JavaScript number holds exactly (2^53 − 1).
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
    ((0.0..=MAX_SAFE_INTEGER).contains(&n) && (n as u64) as f64 == n).then_some(n as u64)
}

/// An options object as given (`undefined` and `null` are an empty one);
/// anything else that is not an object is a `TypeError`.
pub(crate) fn options<'a>(value: &'a JsValue, what: &str) -> Result<&'a JsValue, JsValue> {
    if value.is_undefined() || value.is_null() || value.is_object() {
        Ok(value)
    } else {
        Err(Fault::NotAnObject.with(what, ""))
    }
}

/// `options[key]` when present and not `undefined`/`null`. A getter that
/// throws makes the whole call throw the same error.
pub(crate) fn field(options: &JsValue, key: &str) -> Result<Option<JsValue>, JsValue> {
    let value = vitals_field(options, key)?;
    Ok((!value.is_undefined()).then_some(value))
}

/// `options[key]` as a number, when present; `what` names `options`.
pub(crate) fn number_field(options: &JsValue, key: &str, what: &str) -> Result<Option<f64>, JsValue> {
    vitals_number_field(options, key, what, false)
}

/// `options[key]` as a whole number from 0 to 2^53 − 1, when present.
pub(crate) fn integer_field(options: &JsValue, key: &str, what: &str) -> Result<Option<u64>, JsValue> {
    Ok(vitals_number_field(options, key, what, true)?.map(|n| n as u64))
}

/// `options[key]` as a boolean, when present.
pub(crate) fn bool_field(options: &JsValue, key: &str, what: &str) -> Result<Option<bool>, JsValue> {
    vitals_bool_field(options, key, what)
}
