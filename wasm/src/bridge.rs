//! The JavaScript half of the class (`bridge.js`) and the Rust side of
//! each call into it. What is cheaper on that side of the boundary is done
//! there: the class's methods, which check their arguments; turning entry
//! rows, counters and reports into plain objects; making errors and
//! console lines, writing numbers as text, and the sampling timer.
//!
//! Arguments and results cross as numbers and bytes in the module's
//! memory, never as JavaScript values, so neither side carries code to
//! convert one:
//!
//! - Each instance has a scratch buffer. `log` writes its target and
//!   message there as UTF-8 (cut at a character boundary when they do not
//!   fit) with the time of the call, then calls the module's one private
//!   export, `_call`, with the level and their lengths ([`LogArgs`]): no
//!   `malloc`/`free`, no copy, one boundary crossing, the hot path of
//!   `vitals.info(target, message)`. The other methods write their numbers
//!   and text there the same way and call `_call` with their own number
//!   ([`CallArgs`]); a dump to import goes into a buffer the module lends
//!   for it.
//! - `_call` returns one `f64`: a number (NaN for `undefined`), a
//!   fault as a negative number (see `fault.rs`), or the length of a
//!   result in bytes (rows, counters, a dump) whose address is in the
//!   scratch buffer's first 4 bytes, read by `bridge.js` before its next
//!   call into the module.

use vitals_core::{MAX_MESSAGE_LEN, MAX_TARGET_LEN};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/src/bridge.js")]
extern "C" {
    fn vitals_bind(memory: JsValue, instance: JsValue);
    /// The error of `Fault` number `code` (see `fault.rs`), for the
    /// constructor to throw.
    pub(crate) fn vitals_fault(code: u8) -> JsValue;
    /// The options of `new Vitals(options)`, checked: capacity × 256 +
    /// level × 16 + console; or −1 when they are wrong, `bridge.js`
    /// keeping the `TypeError` or `RangeError` naming the option (or what
    /// a getter threw) for `vitals_fault(Fault::Options)`. (Not thrown
    /// here: catching it would bring the module its own exception glue.)
    pub(crate) fn vitals_options(value: &JsValue) -> f64;
    /// Writes `value` with the unit of code `unit` as the core's
    /// `format::Value` shows it (`93.5%`, `1.5 GiB`; its rules in
    /// `Value::shown`, its numbers as JavaScript writes them) as UTF-8
    /// into the `cap` bytes at `at` in the module's memory; the bytes
    /// written. (Into a buffer of the module's, not as a returned
    /// `String`: no string comes into the module, so it needs no code to
    /// take one; by address as an `i32`, which `bridge.js` reads as
    /// unsigned, so the import needs no glue of its own.)
    pub(crate) fn vitals_value(value: f64, unit: u8, at: i32, cap: i32) -> usize;
    /// `console.error` that the module panicked (the size-first build's
    /// panic handler: see `panic.rs`).
    pub(crate) fn vitals_panic();
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

/// `_call` arguments as `bridge.js` writes them into an instance's scratch
/// buffer: up to [`CallArgs::NUMBERS`] numbers (`f64`) where `log`'s
/// target goes, then a text (UTF-8) where its message goes, its length
/// passed with the call. A text longer than that room is cut at a
/// character boundary; every text a call accepts is far shorter (names of
/// 48 bytes, targets of 64), so a cut one is refused as too long, as the
/// whole would be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct CallArgs {
    pub(crate) numbers: [f64; CallArgs::NUMBERS],
    text: [u8; MAX_MESSAGE_LEN],
    text_len: usize,
}

impl CallArgs {
    /// The most numbers a call takes (`addRule`'s).
    pub(crate) const NUMBERS: usize = MAX_TARGET_LEN / 8;

    /// The arguments in `buf`, with a text of `text_len` bytes.
    pub(crate) fn read(buf: &[u8], text_len: u32) -> CallArgs {
        let mut args = CallArgs { numbers: [0.0; Self::NUMBERS], text: [0; MAX_MESSAGE_LEN], text_len: 0 };
        for (i, number) in args.numbers.iter_mut().enumerate() {
            let at = LogArgs::TIME + 8 * i;
            let bytes = buf.get(at..at + 8).and_then(|b| b.try_into().ok());
            *number = f64::from_le_bytes(bytes.unwrap_or_default());
        }
        let text = buf.get(LogArgs::TIME + MAX_TARGET_LEN..).unwrap_or_default();
        args.text_len = (text_len as usize).min(text.len()).min(MAX_MESSAGE_LEN);
        for (to, from) in args.text.iter_mut().zip(text.get(..args.text_len).unwrap_or_default()) {
            *to = *from;
        }
        args
    }

    /// Number `i`, 0 when not given.
    pub(crate) fn number(&self, i: usize) -> f64 {
        self.numbers.get(i).copied().unwrap_or(0.0)
    }

    /// The text (`bridge.js` writes only whole characters).
    pub(crate) fn text(&self) -> &str {
        utf8(self.text.get(..self.text_len).unwrap_or_default())
    }
}

/// `bytes` as text, or `""` when they are not all UTF-8 (`bridge.js`
/// writes only whole characters). By `utf8_chunks` rather than
/// `str::from_utf8`, whose fast path for long ASCII runs costs the module
/// about 40 bytes gzipped for texts of a few dozen bytes.
pub(crate) fn utf8(bytes: &[u8]) -> &str {
    let mut chunks = bytes.utf8_chunks();
    chunks.next().filter(|chunk| chunk.valid().len() == bytes.len()).map_or("", |chunk| chunk.valid())
}
