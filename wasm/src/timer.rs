//! A repeating timer (`setInterval`) that runs a Rust closure and is
//! cleared when dropped.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(handler: &Closure<dyn FnMut()>, ms: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval(id: &JsValue);
}

/// A running `setInterval`.
pub(crate) struct Interval {
    id: JsValue,
    /// Kept alive while the interval can call it.
    _handler: Closure<dyn FnMut()>,
}

impl Interval {
    /// Calls `tick` every `ms` milliseconds until dropped.
    pub(crate) fn new(ms: f64, tick: impl FnMut() + 'static) -> Self {
        let handler = Closure::<dyn FnMut()>::new(tick);
        let id = set_interval(&handler, ms);
        Interval { id, _handler: handler }
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        // Cleared before the closure is freed, so it is never called after.
        clear_interval(&self.id);
    }
}
