//! The panic hook in headless Chromium: the panic leaves a CRITICAL entry
//! and a `console.error` line, then reaches the hook set before it.
//!
//! One test per binary: a panic stops the module.
#![cfg(target_arch = "wasm32")]

use js_sys::Function;
use vitals_core::{EntryKind, Level, Policy, SharedRing};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

static RING: SharedRing<[u8; 2048]> = SharedRing::new([0; 2048], Policy::OverwriteOldest);

fn wrote_critical_entry() -> bool {
    RING.try_with(|ring| {
        ring.iter().any(|e| {
            matches!(e.kind, EntryKind::Log(l) if l.level == Level::Critical
                && l.target == b"panic"
                && String::from_utf8_lossy(l.message).contains("vitals test panic"))
        })
    })
    .unwrap_or(false)
}

fn console_error_seen() -> bool {
    Function::new_no_args("return (globalThis.__errors || []).some(t => t.includes('panic: ') && t.includes('vitals test panic'));")
        .call0(&JsValue::NULL)
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

#[wasm_bindgen_test]
#[should_panic(expected = "vitals test panic")]
fn panic_leaves_a_critical_entry() {
    // The harness's hook records the message `should_panic` checks. It is
    // called only when the entry and the console line are there, so a hook
    // that failed to write either fails this test.
    let harness = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if wrote_critical_entry() && console_error_seen() {
            harness(info);
        }
    }));
    Function::new_no_args(
        "globalThis.__errors = []; const e = console.error; console.error = (...a) => { globalThis.__errors.push(a.join(' ')); };",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    vitals_web::panic::install(&RING);
    panic!("vitals test panic");
}
