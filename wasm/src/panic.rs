//! What a panic does. None is expected: arguments are checked and every
//! error is thrown to JavaScript, but a bug could still reach one.
//!
//! - With `std` (tests, and any build that keeps the standard library):
//!   `vitals-web`'s panic hook leaves a CRITICAL entry (target `panic`) in
//!   the last `Vitals` made, when it is not in the middle of a call, and
//!   a `console.error` line.
//! - Without `std` (the page's size-first build): a panic handler writes
//!   one `console.error` line and stops the module with a trap, which
//!   JavaScript sees as a `RuntimeError`. It keeps no message: carrying
//!   the panic's text means carrying `core::fmt` and every message and
//!   source path, most of the module's size.

#[cfg(feature = "std")]
mod hook {
    use std::cell::{Cell, RefCell};
    use std::rc::{Rc, Weak};

    use vitals_core::{Clock, Level};

    use crate::vitals::State;

    thread_local! {
        /// The last `Vitals` made, where a panic leaves its CRITICAL entry.
        static TARGET: RefCell<Weak<RefCell<State>>> = const { RefCell::new(Weak::new()) };
        /// Whether the panic hook is set.
        static HOOK_SET: Cell<bool> = const { Cell::new(false) };
    }

    /// Makes `state` the one a panic writes to, setting the hook once.
    pub(crate) fn follow(state: &Rc<RefCell<State>>) {
        TARGET.with(|target| {
            if let Ok(mut target) = target.try_borrow_mut() {
                *target = Rc::downgrade(state);
            }
        });
        if HOOK_SET.with(|set| set.replace(true)) {
            return;
        }
        vitals_web::panic::install_with(|message| {
            let _ = TARGET.try_with(|target| {
                let Some(state) = target.try_borrow().ok().and_then(|t| t.upgrade()) else { return };
                let Ok(mut state) = state.try_borrow_mut() else { return };
                let now = state.clock.now_us();
                let _ = state.ring.push_log(now, Level::Critical, b"panic", message);
            });
        });
    }
}

#[cfg(feature = "std")]
pub(crate) use hook::follow;

/// Nothing to set up: the panic handler below needs no state.
#[cfg(not(feature = "std"))]
pub(crate) fn follow<T>(_state: &T) {}

#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    #[cfg(target_arch = "wasm32")]
    {
        crate::bridge::vitals_panic();
        core::arch::wasm32::unreachable()
    }
    #[cfg(not(target_arch = "wasm32"))]
    loop {}
}
