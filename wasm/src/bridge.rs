//! The arguments of `log` read in one call into JavaScript: it checks both
//! are strings, encodes them as UTF-8 straight into a buffer the caller
//! owns (cut at a character boundary when they do not fit), and writes the
//! time of the call. No `malloc`/`free`, no copy, one boundary crossing:
//! the hot path of `vitals.info(target, message)`.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(inline_js = r#"
let memory = null;
let bytes = new Uint8Array(0);
let view = new DataView(new ArrayBuffer(8));
const encoder = new TextEncoder();
export function vitals_bind_memory(m) { memory = m; bytes = new Uint8Array(0); }
function put(s, ptr, cap) {
    const n = s.length;
    if (n <= cap) {
        let i = 0;
        for (; i < n; i++) {
            const c = s.charCodeAt(i);
            if (c > 0x7f) break;
            bytes[ptr + i] = c;
        }
        if (i === n) return n;
    }
    const r = encoder.encodeInto(s, bytes.subarray(ptr, ptr + cap));
    return r.read < n ? r.written | 0x400 : r.written;
}
// Layout at ptr: Date.now() as f64, then the target (cap tcap), then the
// message (cap mcap). Returns -1 or -2 when the target or the message is
// not a string, else tlen | tcut << 10 | mlen << 11 | mcut << 21 (lengths
// below 1024).
export function vitals_log_args(target, message, ptr, tcap, mcap) {
    if (typeof target !== "string") return -1;
    if (typeof message !== "string") return -2;
    if (bytes.byteLength === 0) { bytes = new Uint8Array(memory.buffer); view = new DataView(memory.buffer); }
    view.setFloat64(ptr, Date.now(), true);
    const t = put(target, ptr + 8, tcap);
    const m = put(message, ptr + 8 + tcap, mcap);
    return t | (m << 11);
}
"#)]
extern "C" {
    fn vitals_bind_memory(memory: JsValue);
    fn vitals_log_args(
        target: &JsValue,
        message: &JsValue,
        ptr: u32,
        target_cap: u32,
        message_cap: u32,
    ) -> i32;
}

thread_local! {
    static BOUND: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Gives the encoder this module's memory; once is enough.
pub(crate) fn bind() {
    if !BOUND.with(|b| b.replace(true)) {
        vitals_bind_memory(wasm_bindgen::memory());
    }
}

/// Which argument was not a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotAString {
    Target,
    Message,
}

/// `log` arguments as read into a [`LogArgs::BYTES`]-byte buffer.
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
