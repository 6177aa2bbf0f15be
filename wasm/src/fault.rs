//! Every error the module throws, by number. The messages are in `FAULTS`
//! in `bridge.js`, in the same order, so the module carries none of their
//! text: `$` in a message is filled with the text argument of the call,
//! `%` with a detail the fault carries (a unit). `_call` returns
//! a fault as a negative number ([`Fault::code`]), which `bridge.js`
//! throws; the constructor throws its own ([`Fault::error`]). (Wrong
//! arguments are found and thrown by the checks in `bridge.js`: see
//! `args.rs`.)

use wasm_bindgen::JsValue;

use crate::bridge::vitals_fault;

/// An error to throw; the comment is its message (`TypeError`,
/// `RangeError`, or `Error` for [`Fault::Busy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Fault {
    /// `Vitals is busy: it was called from inside one of its own calls …`
    Busy,
    /// `options.capacityBytes is more memory than the page can have`
    NoMemory,
    /// `the metric registry cannot hold the browser metrics`
    NoRoomForBrowserMetrics,
    /// `metric "$" has unit %; record it without a unit or with that one`
    UnitMismatch,
    /// `target rule refused: targets are at most 64 bytes and …`
    TargetRule,
    /// `rule.metric "$" is not known: use a catalog or browser.* name, …`
    UnknownMetric,
    /// `rule table is full (32 rules)`
    RulesFull,
    /// `rule thresholds must be ordered warn <= error <= critical …`
    Unordered,
    /// `rule thresholds must be finite numbers and hysteresis finite and >= 0`
    NotFinite,
    /// `metric registry is full (64 metrics)`
    RegistryFull,
    /// `metric name is longer than 48 bytes`
    NameTooLong,
    /// `metric "$" exists with another unit or kind`
    Conflict,
    /// `metric name must be non-empty and use only letters, digits, …`
    BadName,
    /// What `vitals_options` found wrong with the constructor's options
    /// (kept in `bridge.js`, which has no message for it here).
    Options,
}

impl Fault {
    /// The fault as `_call` returns it: −1 − (its number + 16 ×
    /// `detail`), `detail` being a unit's code for [`Fault::UnitMismatch`]
    /// and 0 otherwise. Results that are not faults are never negative.
    pub(crate) fn code(self, detail: u8) -> f64 {
        -1.0 - f64::from(self as u8 | detail << 4)
    }

    /// The error for the constructor to throw.
    pub(crate) fn error(self) -> JsValue {
        vitals_fault(self as u8)
    }
}

/// `?` on a fault in a function returning `Result<_, f64>`: its code.
impl From<Fault> for f64 {
    fn from(fault: Fault) -> f64 {
        fault.code(0)
    }
}
