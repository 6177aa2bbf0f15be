//! The JavaScript half of the class (`bridge.js`) and the Rust side of
//! each call into it. What is cheaper on that side of the boundary is done
//! there: the class's methods, which check their arguments and call the
//! module's two private exports (`_log`, `_call`) with numbers and bytes
//! (text as UTF-8: no string is passed into the module, so it carries no
//! code to take one, nor does the generated glue); turning entry rows, counters and reports into plain
//! objects; making errors and console lines, writing numbers as text, and
//! the sampling timer.
//!
//! The `log` arguments: `bridge.js` checks both are strings, encodes them
//! as UTF-8 straight into the instance's scratch buffer (cut at a
//! character boundary when they do not fit) with the time of the call,
//! then calls `_log` with their lengths ([`LogArgs`]). No `malloc`/`free`,
//! no copy, one boundary crossing: the hot path of `vitals.info(target,
//! message)`.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/src/bridge.js")]
extern "C" {
    fn vitals_bind(memory: JsValue, instance: JsValue);
    /// The error of `Fault` number `code` (see `fault.rs`).
    pub(crate) fn vitals_fault(code: u8, what: &str, detail: &str) -> JsValue;
    /// The options of `new Vitals(options)`, checked: capacity × 256 +
    /// level × 16 + console; a `TypeError` or `RangeError` naming the
    /// option otherwise.
    #[wasm_bindgen(catch)]
    pub(crate) fn vitals_options(value: &JsValue) -> Result<f64, JsValue>;
    /// Writes `value` as JavaScript writes it, with `digits` decimals
    /// unless negative, into `out` as ASCII; the bytes written. (Into a
    /// buffer of the module's, not as a returned `String`: no string comes
    /// into the module, so it needs no code to take one.)
    pub(crate) fn vitals_number(value: f64, digits: i32, out: &mut [u8]) -> usize;
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
    /// The number `anchor` (no bytes).
    Number,
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

/// A JavaScript number.
pub(crate) fn number(value: f64) -> JsValue {
    vitals_make(Made::Number as u32, 0, 0, value)
}

/// Gives `bridge.js` this module's memory (the same every time) and, in
/// `instance`, a handle on a new instance, which it frees at once after
/// adding the methods written in JavaScript to the class's prototype
/// (the first time).
pub(crate) fn bind(instance: JsValue) {
    vitals_bind(wasm_bindgen::memory(), instance);
}

/// `log` arguments as `bridge.js` writes them into an instance's scratch
/// buffer: the time of the call (`Date.now()`, `f64`), then the target in
/// the next `target_cap` bytes, then the message; their lengths come
/// packed with the call.
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

    /// The arguments in `buf`, with `target_cap` bytes for the target and
    /// the rest for the message; `packed` is the target's length, a bit
    /// set when it was cut, then the same for the message (`tlen | tcut <<
    /// 10 | mlen << 11 | mcut << 21`).
    pub(crate) fn read(buf: &[u8], packed: u32, target_cap: usize) -> LogArgs {
        let message_cap = buf.len().saturating_sub(Self::TIME + target_cap);
        let time: [u8; 8] = buf.get(..Self::TIME).and_then(|b| b.try_into().ok()).unwrap_or_default();
        LogArgs {
            date_ms: f64::from_le_bytes(time),
            target_len: ((packed & 0x3ff) as usize).min(target_cap),
            message_len: (((packed >> 11) & 0x3ff) as usize).min(message_cap),
            truncated: packed & (1 << 10 | 1 << 21) != 0,
        }
    }
}
