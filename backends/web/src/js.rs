//! Reading browser objects that may not exist without ever throwing: every
//! optional API is looked up through `Reflect`, and a missing object, a
//! getter that throws, `null` and `undefined` all come back as `None`.

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The global object: `window` in a page, `self` in a worker.
pub(crate) fn global() -> JsValue {
    js_sys::global().into()
}

/// `object[key]`, or `None` when it is absent, `null`, `undefined`, or
/// reading it throws.
pub(crate) fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    if !object.is_object() && !object.is_function() {
        return None;
    }
    let value = Reflect::get(object, &JsValue::from_str(key)).ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// `object[key]` as a finite number.
pub(crate) fn number(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key)?.as_f64().filter(|v| v.is_finite())
}

/// `object[key]` as a string.
pub(crate) fn string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key)?.as_string()
}

/// `object[path[0]][path[1]]…`.
pub(crate) fn path(object: &JsValue, path: &[&str]) -> Option<JsValue> {
    let mut value = object.clone();
    for key in path {
        value = get(&value, key)?;
    }
    Some(value)
}

/// Calls `object[method](...args)`; `None` when there is no such function or it throws.
pub(crate) fn call(object: &JsValue, method: &str, args: &Array) -> Option<JsValue> {
    let function = get(object, method)?.dyn_into::<Function>().ok()?;
    Reflect::apply(&function, object, args).ok()
}

/// `new global[constructor](...args)`; `None` when absent or it throws.
pub(crate) fn construct(constructor: &str, args: &Array) -> Option<JsValue> {
    let function = get(&global(), constructor)?.dyn_into::<Function>().ok()?;
    Reflect::construct(&function, args).ok()
}
