//! Every error the module throws, by number. The messages are in `FAULTS`
//! in `bridge.js`, in the same order, so the module carries none of their
//! text: `$` in a message is filled with `what`, `%` with `detail`.
//! (Wrong arguments are found and thrown by the checks in `bridge.js`:
//! see `args.rs`.)

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
}

impl Fault {
    /// The error, with `what` and `detail` in its message.
    pub(crate) fn with(self, what: &str, detail: &str) -> JsValue {
        vitals_fault(self as u8, what, detail)
    }

    /// The error, for messages that name nothing.
    pub(crate) fn error(self) -> JsValue {
        self.with("", "")
    }
}
