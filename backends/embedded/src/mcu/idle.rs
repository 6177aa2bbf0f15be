//! CPU load from idle-time accounting: the firmware marks the time it
//! spends waiting for interrupts, and the load over a window is the rest.

use core::cell::Cell;

use critical_section::Mutex;
use vitals_core::Clock;

/// A source of CPU load, in percent of the time since it was last asked.
pub trait CpuLoad {
    /// Busy time as a percentage of the time since the last call, and
    /// starts a new window; `None` until a window has any length.
    fn take_load_percent(&self) -> Option<f64>;
}

#[derive(Clone, Copy, Debug, Default)]
struct State {
    /// When the current idle period began, while idle.
    idle_since: Option<u64>,
    /// Idle time accounted since the meter started.
    idle_us: u64,
    /// When the current window began, and the idle total then.
    window: Option<(u64, u64)>,
}

/// Measures CPU load by accounting idle time: load = busy / (busy + idle)
/// over the window since the last [`CpuLoad::take_load_percent`].
///
/// Call [`IdleMeter::idle`] with the wait instruction (`wfi`) in the idle
/// loop. It reads the clock before and after inside one critical section:
/// the interrupt that ends the wait runs once the section ends, so its time
/// counts as busy. (`enter_idle`/`exit_idle` are there for an RTOS idle
/// hook; called with interrupts enabled, the handler that wakes the core
/// runs before `exit_idle` and is counted as idle.)
///
/// ```
/// use core::sync::atomic::{AtomicU64, Ordering};
/// use vitals_embedded::mcu::{CpuLoad, IdleMeter};
/// use vitals_embedded::FnClock;
///
/// static NOW: AtomicU64 = AtomicU64::new(0);
/// static IDLE: IdleMeter<FnClock> = IdleMeter::new(FnClock(|| NOW.load(Ordering::Relaxed)));
///
/// IDLE.take_load_percent(); // starts the first window at t = 0
/// NOW.store(250, Ordering::Relaxed);
/// IDLE.idle(|| NOW.store(1_000, Ordering::Relaxed)); // waits 750 µs
/// assert_eq!(IDLE.take_load_percent(), Some(25.0));
/// ```
#[derive(Debug)]
pub struct IdleMeter<C> {
    clock: C,
    state: Mutex<Cell<State>>,
}

impl<C: Clock> IdleMeter<C> {
    /// A meter reading time from `clock`. `const`, so it can be a `static`.
    pub const fn new(clock: C) -> Self {
        IdleMeter {
            clock,
            state: Mutex::new(Cell::new(State { idle_since: None, idle_us: 0, window: None })),
        }
    }

    /// Runs `wait` (e.g. `cortex_m::asm::wfi`) as idle time, inside a
    /// critical section: a pending interrupt still wakes `wfi`, and its
    /// handler runs after the section, counted as busy.
    pub fn idle<R>(&self, wait: impl FnOnce() -> R) -> R {
        critical_section::with(|cs| {
            let state = self.state.borrow(cs);
            self.mark_enter(state);
            let result = wait();
            self.mark_exit(state);
            result
        })
    }

    /// `wfi` as idle time (see [`IdleMeter::idle`]).
    #[cfg(feature = "cortex-m")]
    pub fn wait_for_interrupt(&self) {
        self.idle(cortex_m::asm::wfi);
    }

    /// Marks the start of an idle period.
    pub fn enter_idle(&self) {
        critical_section::with(|cs| self.mark_enter(self.state.borrow(cs)));
    }

    /// Marks the end of an idle period.
    pub fn exit_idle(&self) {
        critical_section::with(|cs| self.mark_exit(self.state.borrow(cs)));
    }

    /// Idle time accounted so far, in µs.
    pub fn idle_us(&self) -> u64 {
        critical_section::with(|cs| self.state.borrow(cs).get().idle_us)
    }

    fn mark_enter(&self, state: &Cell<State>) {
        let mut s = state.get();
        if s.idle_since.is_none() {
            let now = self.clock.now_us();
            s.idle_since = Some(now);
            s.window.get_or_insert((now, s.idle_us));
            state.set(s);
        }
    }

    fn mark_exit(&self, state: &Cell<State>) {
        let mut s = state.get();
        if let Some(since) = s.idle_since.take() {
            s.idle_us = s.idle_us.wrapping_add(self.clock.now_us().saturating_sub(since));
            state.set(s);
        }
    }
}

impl<C: Clock> CpuLoad for IdleMeter<C> {
    fn take_load_percent(&self) -> Option<f64> {
        critical_section::with(|cs| {
            let cell = self.state.borrow(cs);
            let mut s = cell.get();
            let now = self.clock.now_us();
            // Asked from an interrupt that woke the idle loop: the wait so
            // far is idle time of this window, the rest belongs to the next.
            let idle_total = match s.idle_since {
                Some(since) => {
                    s.idle_since = Some(now);
                    s.idle_us = s.idle_us.wrapping_add(now.saturating_sub(since));
                    s.idle_us
                }
                None => s.idle_us,
            };
            let load = s.window.and_then(|(start, idle_at_start)| {
                let window = now.saturating_sub(start);
                let idle = idle_total.wrapping_sub(idle_at_start).min(window);
                (window > 0).then(|| (window - idle) as f64 * 100.0 / window as f64)
            });
            s.window = Some((now, idle_total));
            cell.set(s);
            load
        })
    }
}

#[cfg(test)]
mod tests {
    use core::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    #[derive(Default)]
    struct Manual(AtomicU64);

    impl Manual {
        fn set(&self, t: u64) {
            self.0.store(t, Ordering::Relaxed);
        }
    }

    impl Clock for Manual {
        fn now_us(&self) -> u64 {
            self.0.load(Ordering::Relaxed)
        }
    }

    #[test]
    fn load_is_busy_share_of_each_window() {
        let clock = Manual::default();
        let meter = IdleMeter::new(&clock);
        assert_eq!(meter.take_load_percent(), None, "no window yet");
        // Window 1: 0..1000, idle 200..600 and 800..900 → 500 idle → 50 %.
        clock.set(200);
        meter.enter_idle();
        clock.set(600);
        meter.exit_idle();
        clock.set(800);
        meter.idle(|| clock.set(900));
        clock.set(1_000);
        assert_eq!(meter.take_load_percent(), Some(50.0));
        // Window 2: 1000..2000, never idle → 100 %.
        clock.set(2_000);
        assert_eq!(meter.take_load_percent(), Some(100.0));
        // Window 3: all idle → 0 %.
        meter.idle(|| clock.set(3_000));
        assert_eq!(meter.take_load_percent(), Some(0.0));
        assert_eq!(meter.idle_us(), 1_500);
    }

    #[test]
    fn asked_while_idle_splits_the_wait_between_windows() {
        let clock = Manual::default();
        let meter = IdleMeter::new(&clock);
        meter.enter_idle(); // window starts at 0
        clock.set(400);
        // A timer interrupt samples while the main loop waits.
        assert_eq!(meter.take_load_percent(), Some(0.0));
        clock.set(1_000);
        meter.exit_idle(); // 400..1000 idle, then busy
        clock.set(1_400);
        assert_eq!(meter.take_load_percent(), Some(40.0));
    }

    #[test]
    fn empty_window_and_nested_marks() {
        let clock = Manual::default();
        let meter = IdleMeter::new(&clock);
        meter.take_load_percent();
        assert_eq!(meter.take_load_percent(), None, "zero-length window");
        meter.enter_idle();
        clock.set(10);
        meter.enter_idle(); // a second enter does not restart the period
        clock.set(20);
        meter.exit_idle();
        meter.exit_idle(); // nor does a second exit count twice
        assert_eq!(meter.idle_us(), 20);
    }
}
