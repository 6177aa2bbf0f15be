//! Frame rate from `requestAnimationFrame`: a callback that re-arms itself
//! counts frames; each reading is frames over the time they spanned.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::js;

/// Frames seen since the last reading, by their rAF timestamps (ms).
#[derive(Debug, Default)]
pub(crate) struct FrameWindow {
    /// Timestamp of the frame that opened the window, once one was seen.
    start: Option<f64>,
    /// Timestamp of the newest frame.
    last: f64,
    /// Frames after `start`.
    frames: u32,
}

impl FrameWindow {
    /// Counts a frame drawn at `timestamp_ms`.
    pub(crate) fn frame(&mut self, timestamp_ms: f64) {
        if self.start.is_none() {
            self.start = Some(timestamp_ms);
        } else {
            self.frames = self.frames.saturating_add(1);
        }
        self.last = timestamp_ms;
    }

    /// Frames per second since the last reading, and a new window from
    /// the newest frame; `None` when no frame was drawn (a hidden tab).
    pub(crate) fn take_fps(&mut self) -> Option<f64> {
        let start = self.start?;
        let span = self.last - start;
        if self.frames == 0 || span <= 0.0 {
            return None;
        }
        let fps = f64::from(self.frames) * 1000.0 / span;
        self.start = Some(self.last);
        self.frames = 0;
        Some(fps)
    }
}

type FrameCallback = Closure<dyn FnMut(f64)>;

/// The running rAF loop.
pub(crate) struct FrameCounter {
    window: Rc<RefCell<FrameWindow>>,
    running: Rc<Cell<bool>>,
    /// The callback, shared with itself so it can re-arm; taken out on stop
    /// to break the cycle.
    callback: Rc<RefCell<Option<FrameCallback>>>,
    request_id: Rc<Cell<Option<f64>>>,
}

impl FrameCounter {
    /// Starts counting, or `None` where there is no `requestAnimationFrame`
    /// (workers in most browsers).
    pub(crate) fn start() -> Option<Self> {
        let global = js::global();
        js::get(&global, "requestAnimationFrame")?.dyn_into::<js_sys::Function>().ok()?;
        let window = Rc::new(RefCell::new(FrameWindow::default()));
        let running = Rc::new(Cell::new(true));
        let callback: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
        let request_id = Rc::new(Cell::new(None));
        let closure = {
            let (window, running, callback, request_id) =
                (window.clone(), running.clone(), callback.clone(), request_id.clone());
            Closure::new(move |timestamp_ms: f64| {
                if !running.get() {
                    return;
                }
                if let Ok(mut window) = window.try_borrow_mut() {
                    window.frame(timestamp_ms);
                }
                if let Ok(callback) = callback.try_borrow() {
                    request_id.set(callback.as_ref().and_then(request));
                }
            })
        };
        request_id.set(request(&closure));
        *callback.borrow_mut() = Some(closure);
        Some(FrameCounter { window, running, callback, request_id })
    }

    /// Frames per second since the last call.
    pub(crate) fn take_fps(&self) -> Option<f64> {
        self.window.try_borrow_mut().ok()?.take_fps()
    }

    /// Stops the loop.
    pub(crate) fn stop(&self) {
        self.running.set(false);
        if let Some(id) = self.request_id.take() {
            js::call(&js::global(), "cancelAnimationFrame", &Array::of1(&JsValue::from_f64(id)));
        }
        if let Ok(mut callback) = self.callback.try_borrow_mut() {
            // Dropping the closure is safe here: it is not running (it
            // would hold the `try_borrow` above), and the frame is cancelled.
            callback.take();
        }
    }
}

impl Drop for FrameCounter {
    fn drop(&mut self) {
        self.stop();
    }
}

fn request(callback: &FrameCallback) -> Option<f64> {
    let function: &JsValue = callback.as_ref();
    js::call(&js::global(), "requestAnimationFrame", &Array::of1(function))?.as_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fps_is_frames_over_their_span() {
        let mut window = FrameWindow::default();
        assert_eq!(window.take_fps(), None);
        window.frame(1000.0);
        assert_eq!(window.take_fps(), None, "one frame spans no time");
        for i in 1..=30 {
            window.frame(1000.0 + f64::from(i) * 1000.0 / 60.0);
        }
        let fps = window.take_fps().unwrap();
        assert!((fps - 60.0).abs() < 1e-9, "{fps}");
        assert_eq!(window.take_fps(), None, "no frames since");
        window.frame(1600.0);
        assert!(window.take_fps().unwrap() > 0.0);
    }
}
