//! Reading arguments that come from JavaScript: every wrong type is a
//! `TypeError` and every out-of-range value a `RangeError`, each saying
//! which argument and what is accepted, so no input can reach a panic.
//! Messages are put together in JavaScript (`vitals_error`), so the module
//! carries no formatting code.

use alloc::string::String;

use vitals_core::{Level, LevelFilter, Unit};
use wasm_bindgen::JsValue;

use crate::bridge::{vitals_error, vitals_field};

/// Largest integer a JavaScript number holds exactly (2^53 − 1).
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A `TypeError` to throw: `what` + `rest`.
pub(crate) fn type_error(what: &str, rest: &str) -> JsValue {
    vitals_error(0, what, rest, "")
}

/// A `RangeError` to throw: `what` + `rest`.
pub(crate) fn range_error(what: &str, rest: &str) -> JsValue {
    vitals_error(1, what, rest, "")
}

/// The text of a string argument.
pub(crate) fn text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| type_error(what, " must be a string"))
}

/// A level: a name (`"info"`, `"warning"`, `"crit"`, any case) or a number
/// 0 (trace) to 5 (critical).
pub(crate) fn level(value: &JsValue, what: &str) -> Result<Level, JsValue> {
    level_filter(value, what)?.min_level().ok_or_else(|| {
        range_error(what, " cannot be \"off\" here: use trace, debug, info, warn, error or critical")
    })
}

/// A level filter: a level, or `"off"` / 6 for nothing.
pub(crate) fn level_filter(value: &JsValue, what: &str) -> Result<LevelFilter, JsValue> {
    if let Some(name) = value.as_string() {
        return name.parse::<LevelFilter>().map_err(|_| {
            let shown = name.get(..name.char_indices().nth(24).map_or(name.len(), |(i, _)| i)).unwrap_or("");
            vitals_error(
                1,
                what,
                &[" \"", shown].concat(),
                "\" is not a level: use trace, debug, info, warn, error, critical or off",
            )
        });
    }
    if let Some(number) = value.as_f64() {
        return integer(number)
            .and_then(|n| u8::try_from(n).ok())
            .and_then(LevelFilter::from_u8)
            .ok_or_else(|| range_error(what, " must be an integer from 0 (trace) to 6 (off)"));
    }
    Err(type_error(what, " must be a level name such as \"info\" or a number 0–6"))
}

/// A unit: a word or symbol (`"bytes"`, `"B"`, `"%"`, `"ms"`).
pub(crate) fn unit(value: &JsValue) -> Result<Option<Unit>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let name = text(value, "unit")?;
    Unit::parse(&name).map(Some).ok_or_else(|| {
        range_error(
            "unit",
            " must be one of none, percent (%), bytes (B), seconds (s), milliseconds (ms), celsius, hertz (Hz), volts (V)",
        )
    })
}

/// `n` when it is a whole number from 0 to 2^53 − 1.
pub(crate) fn integer(n: f64) -> Option<u64> {
    ((0.0..=MAX_SAFE_INTEGER).contains(&n) && (n as u64) as f64 == n).then_some(n as u64)
}

/// An options object: `undefined` and `null` are an empty one (`None`).
pub(crate) fn options(value: &JsValue, what: &str) -> Result<Option<JsValue>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() {
        return Err(type_error(what, " must be an object"));
    }
    Ok(Some(value.clone()))
}

/// `options[key]` when present and not `undefined`/`null`. A getter that
/// throws makes the whole call throw the same error.
pub(crate) fn field(options: Option<&JsValue>, key: &str) -> Result<Option<JsValue>, JsValue> {
    let Some(options) = options else { return Ok(None) };
    let value = vitals_field(options, key)?;
    Ok((!value.is_undefined() && !value.is_null()).then_some(value))
}

/// `options[key]` as a number, when present.
pub(crate) fn number_field(options: Option<&JsValue>, key: &str, what: &str) -> Result<Option<f64>, JsValue> {
    match field(options, key)? {
        None => Ok(None),
        Some(value) => value.as_f64().map(Some).ok_or_else(|| vitals_error(0, what, key, " must be a number")),
    }
}

/// `options[key]` as a whole number from 0 to 2^53 − 1, when present.
pub(crate) fn integer_field(options: Option<&JsValue>, key: &str, what: &str) -> Result<Option<u64>, JsValue> {
    match number_field(options, key, what)? {
        None => Ok(None),
        Some(n) => integer(n)
            .map(Some)
            .ok_or_else(|| vitals_error(1, what, key, " must be a whole number from 0 to 2^53 - 1")),
    }
}

/// `options[key]` as a boolean, when present.
pub(crate) fn bool_field(options: Option<&JsValue>, key: &str, what: &str) -> Result<Option<bool>, JsValue> {
    match field(options, key)? {
        None => Ok(None),
        Some(value) => {
            value.as_bool().map(Some).ok_or_else(|| vitals_error(0, what, key, " must be true or false"))
        }
    }
}
