//! `navigator.storage.estimate()`: asynchronous, so each reading reports
//! the newest answer and asks again (one request in flight at a time).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::js;

/// Storage usage and quota, refreshed in the background.
pub(crate) struct StorageEstimate {
    latest: Rc<Cell<Option<(f64, f64)>>>,
    in_flight: Rc<Cell<bool>>,
    /// Handles both the answer and a rejection (which has no usage field).
    on_settled: Option<Closure<dyn FnMut(JsValue)>>,
}

impl StorageEstimate {
    /// Asks for the first estimate, or `None` where `navigator.storage` is
    /// missing (insecure contexts, old browsers).
    pub(crate) fn start() -> Option<Self> {
        let storage = js::path(&js::global(), &["navigator", "storage"])?;
        js::get(&storage, "estimate")?;
        let latest = Rc::new(Cell::new(None));
        let in_flight = Rc::new(Cell::new(false));
        let on_settled = {
            let (latest, in_flight) = (latest.clone(), in_flight.clone());
            Closure::new(move |estimate: JsValue| {
                in_flight.set(false);
                if let (Some(usage), Some(quota)) =
                    (js::number(&estimate, "usage"), js::number(&estimate, "quota"))
                {
                    latest.set(Some((usage, quota)));
                }
            })
        };
        let estimate = StorageEstimate { latest, in_flight, on_settled: Some(on_settled) };
        estimate.refresh();
        Some(estimate)
    }

    /// Asks again unless an answer is still pending.
    pub(crate) fn refresh(&self) {
        if self.in_flight.get() {
            return;
        }
        let Some(storage) = js::path(&js::global(), &["navigator", "storage"]) else { return };
        let Some(promise) = js::call(&storage, "estimate", &Array::new()) else { return };
        let Some(on_settled) = &self.on_settled else { return };
        let handler: &JsValue = on_settled.as_ref();
        if js::call(&promise, "then", &Array::of2(handler, handler)).is_some() {
            self.in_flight.set(true);
        }
    }

    /// The newest `(usage, quota)` in bytes, once one arrived.
    pub(crate) fn latest(&self) -> Option<(f64, f64)> {
        self.latest.get()
    }
}

impl Drop for StorageEstimate {
    fn drop(&mut self) {
        // A pending promise will still call the handler: leave it alive
        // (a few bytes, once) rather than have it throw when called.
        if self.in_flight.get() {
            if let Some(handler) = self.on_settled.take() {
                handler.forget();
            }
        }
    }
}
