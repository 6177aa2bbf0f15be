//! A panic hook for pages: the panic becomes a CRITICAL entry in a ring
//! (target `panic`) and a `console.error` line, before the module stops.
//!
//! With `panic = "abort"` the hook still runs first, so the last entry in
//! an exported dump says why the module died.
//!
//! # Example
//!
//! ```no_run
//! use vitals_core::{Policy, SharedRing};
//!
//! static RING: SharedRing<[u8; 8192]> = SharedRing::new([0; 8192], Policy::OverwriteOldest);
//! vitals_web::panic::install(&RING);
//! ```

use vitals_core::{Clock, Level, SharedRing};
use wasm_bindgen::JsValue;

use crate::clock::PerformanceClock;
use crate::console::ConsoleMethod;

/// The target of the CRITICAL entry a panic writes.
pub const PANIC_TARGET: &str = "panic";

/// Sets a panic hook that writes a CRITICAL entry into `ring`, calls
/// `console.error`, then the hook set before. A panic while the ring is being written to (the ring is
/// busy) still reaches the console.
pub fn install<B: AsRef<[u8]> + AsMut<[u8]> + Send + 'static>(ring: &'static SharedRing<B>) {
    install_with(move |message| {
        let now = PerformanceClock.now_us();
        let _ = ring.try_with(|ring| ring.push_log(now, Level::Critical, PANIC_TARGET.as_bytes(), message));
    });
}

/// Sets a panic hook that gives the panic message to `write` (to store it
/// wherever the caller keeps its ring), calls `console.error`, then the
/// hook that was set before (a test harness's, say).
pub fn install_with(write: impl Fn(&[u8]) + Send + Sync + 'static) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.to_string();
        write(message.as_bytes());
        let line = crate::console::line(PANIC_TARGET.as_bytes(), message.as_bytes());
        ConsoleMethod::Error.call(&JsValue::from_str(&line));
        previous(info);
    }));
}
