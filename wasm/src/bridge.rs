//! The JavaScript half of the class (`bridge.js`) and the Rust side of
//! each call into it. What is cheaper on that side of the boundary is done
//! there: reading the `log` arguments straight into this module's memory,
//! checking the other arguments and handing them over as numbers (see
//! `args.rs`), turning entry rows, counters and reports into plain
//! objects, making errors and console lines, and writing numbers as text.
//!
//! The `log` arguments in one call: it checks both are strings, encodes
//! them as UTF-8 straight into a buffer the caller owns (cut at a
//! character boundary when they do not fit), and writes the time of the
//! call. No `malloc`/`free`, no copy, one boundary crossing: the hot path
//! of `vitals.info(target, message)`.

use alloc::string::String;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/src/bridge.js")]
extern "C" {
    fn vitals_bind(memory: JsValue, instance: JsValue);
    fn vitals_log_args(
        target: &JsValue,
        message: &JsValue,
        ptr: u32,
        target_cap: u32,
        message_cap: u32,
    ) -> i32;
    /// The error of `Fault` number `code` (see `fault.rs`).
    pub(crate) fn vitals_fault(code: u8, what: &str, detail: &str) -> JsValue;
    /// The options of `new Vitals(options)`, checked: capacity × 256 +
    /// level × 16 + console; a `TypeError` or `RangeError` naming the
    /// option otherwise.
    #[wasm_bindgen(catch)]
    pub(crate) fn vitals_options(value: &JsValue) -> Result<f64, JsValue>;
    /// `target: message` to the console method for `level` (0–5).
    pub(crate) fn vitals_console(level: u8, target: &JsValue, message: &JsValue);
    /// `value` as JavaScript writes it, with `digits` decimals unless negative.
    pub(crate) fn vitals_number(value: f64, digits: i32) -> String;
    /// What `Made` number `what` says, from `len` bytes (or `f64`s) at
    /// `ptr`; `anchor` is for entries.
    fn vitals_make(what: u32, ptr: u32, len: u32, anchor: f64) -> JsValue;
    /// `console.error` that the module panicked (the size-first build's
    /// panic handler: see `panic.rs`).
    pub(crate) fn vitals_panic();
}

/// What `vitals_make` builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Made {
    /// `VitalsEntry[]` from the rows `rows::Rows::entry` wrote; `anchor` is
    /// the ring's Unix time at timestamp 0 in µs, NaN for none.
    Entries,
    /// `string[]` from the texts `rows::Rows::name` wrote.
    Names,
    /// `VitalsStats` from its 19 numbers (see `Vitals::stats`).
    Stats,
    /// `ImportReport` from its 8 numbers (see `transfer::ImportReport`).
    Report,
    /// A `Uint8Array` with a copy of the bytes.
    Bytes,
}

/// A JavaScript value built from `bytes` (see [`Made`]).
pub(crate) fn make(what: Made, bytes: &[u8], anchor: f64) -> JsValue {
    // Pointers go to JavaScript as plain offsets into linear memory.
    vitals_make(what as u32, bytes.as_ptr() as u32, bytes.len() as u32, anchor)
}

/// A JavaScript value built from `numbers` (see [`Made`]).
pub(crate) fn make_from_numbers(what: Made, numbers: &[f64]) -> JsValue {
    vitals_make(what as u32, numbers.as_ptr() as u32, numbers.len() as u32, f64::NAN)
}

/// Gives `bridge.js` this module's memory (the same every time) and, in
/// `instance`, a handle on a new instance, which it frees at once after
/// adding the methods written in JavaScript to the class's prototype
/// (the first time).
pub(crate) fn bind(instance: JsValue) {
    vitals_bind(wasm_bindgen::memory(), instance);
}

/// Which argument was not a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotAString {
    Target,
    Message,
}

/// `log` arguments as read into a buffer: time, target, message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LogArgs {
    /// `Date.now()` at the call, ms.
    pub(crate) date_ms: f64,
    pub(crate) target_len: usize,
    pub(crate) message_len: usize,
    /// Whether either was cut to fit.
    pub(crate) truncated: bool,
}

impl LogArgs {
    /// Bytes of the time field before the target.
    pub(crate) const TIME: usize = 8;

    /// Reads `target` and `message` into `buf`: the time, then `target_cap`
    /// bytes for the target, the rest for the message.
    pub(crate) fn read(
        target: &JsValue,
        message: &JsValue,
        buf: &mut [u8],
        target_cap: usize,
    ) -> Result<LogArgs, NotAString> {
        let message_cap = buf.len().saturating_sub(Self::TIME + target_cap);
        // The pointer goes to JavaScript as a plain offset into linear
        // memory, as wasm-bindgen's own string passing does.
        let packed =
            vitals_log_args(target, message, buf.as_mut_ptr() as u32, target_cap as u32, message_cap as u32);
        match packed {
            -1 => return Err(NotAString::Target),
            -2 => return Err(NotAString::Message),
            _ => {}
        }
        let packed = packed as u32;
        let time: [u8; 8] = buf.get(..Self::TIME).and_then(|b| b.try_into().ok()).unwrap_or_default();
        Ok(LogArgs {
            date_ms: f64::from_le_bytes(time),
            target_len: ((packed & 0x3ff) as usize).min(target_cap),
            message_len: (((packed >> 11) & 0x3ff) as usize).min(message_cap),
            truncated: packed & (1 << 10 | 1 << 21) != 0,
        })
    }
}
