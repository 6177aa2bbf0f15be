//! Long tasks (main-thread work over 50 ms) from a `PerformanceObserver`
//! on `longtask` entries: a running count and total duration.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::js;

/// A `PerformanceObserver` counting long tasks.
pub(crate) struct LongTaskObserver {
    observer: JsValue,
    totals: Rc<Cell<(u64, f64)>>,
    _callback: Closure<dyn FnMut(JsValue)>,
}

impl LongTaskObserver {
    /// Starts observing, or `None` where `longtask` entries are not
    /// supported (Firefox, Safari, workers).
    pub(crate) fn start() -> Option<Self> {
        let constructor = js::get(&js::global(), "PerformanceObserver")?;
        let supported = js::get(&constructor, "supportedEntryTypes")?;
        if !Array::is_array(&supported) || !Array::from(&supported).includes(&"longtask".into(), 0) {
            return None;
        }
        let totals = Rc::new(Cell::new((0u64, 0.0f64)));
        let callback = {
            let totals = totals.clone();
            Closure::new(move |list: JsValue| {
                let Some(entries) = js::call(&list, "getEntries", &Array::new()) else { return };
                if !Array::is_array(&entries) {
                    return;
                }
                let (mut count, mut total) = totals.get();
                for entry in Array::from(&entries).iter() {
                    count += 1;
                    total += js::number(&entry, "duration").unwrap_or(0.0);
                }
                totals.set((count, total));
            })
        };
        let callback_value: &JsValue = callback.as_ref();
        let observer = js::construct("PerformanceObserver", &Array::of1(callback_value))?;
        let options = Object::new();
        Reflect::set(&options, &"type".into(), &"longtask".into()).ok()?;
        Reflect::set(&options, &"buffered".into(), &JsValue::TRUE).ok()?;
        js::call(&observer, "observe", &Array::of1(&options))?;
        Some(LongTaskObserver { observer, totals, _callback: callback })
    }

    /// Long tasks seen so far and their total duration in ms.
    pub(crate) fn totals(&self) -> (u64, f64) {
        self.totals.get()
    }
}

impl Drop for LongTaskObserver {
    fn drop(&mut self) {
        // After `disconnect` the callback is never called again, so it can go.
        js::call(&self.observer, "disconnect", &Array::new());
    }
}
