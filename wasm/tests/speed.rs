//! Speed figures, run on demand (they are `#[ignore]`d):
//!
//! - a `log` call from JavaScript into the module (`vitals.info(target,
//!   message)`), median ns per call, in headless Chromium;
//! - a ring push from Rust inside wasm and natively, median ns per push.
//!
//! ```text
//! cargo test --release --target wasm32-unknown-unknown -p vitals-wasm --test speed -- --ignored --nocapture
//! cargo test --release -p vitals-wasm --test speed -- --ignored --nocapture
//! ```
//! (`cargo xtask bench` runs both, three times each, alternating.)

use vitals_core::{Level, MetricId, Policy, Ring};

/// Pushes per timed round.
const PUSHES: u64 = 100_000;
/// Timed rounds; the median is reported.
const ROUNDS: usize = 21;
/// Rounds run first and not timed.
const WARM_UP: usize = 60;

/// The ring a round pushes into.
type BenchRing = Ring<Box<[u8]>>;

/// One round: `PUSHES` pushes, log records and metric samples alternating.
/// Not inlined, so each round is a call of its own: a browser's wasm engine
/// swaps in its optimised code for a function between calls (V8 starts
/// every function in its baseline compiler, Liftoff, and tiers a hot one
/// up to TurboFan, with no on-stack replacement), so after the warm-up the
/// rounds run the code a busy page runs.
#[inline(never)]
fn round(ring: &mut BenchRing, t: &mut u64) {
    for i in 0..PUSHES / 2 {
        *t += 17;
        let _ = ring.push_log(*t, Level::Info, b"bench", b"a log message of typical length");
        let _ = ring.push_metric(*t, MetricId::CPU_USAGE.series(), (i % 100) as f64 + 0.5);
    }
}

/// Median ns per push, after [`WARM_UP`] untimed rounds: into a 64 KiB
/// ring that wraps many times, as a busy page's would.
fn ring_push_ns(now_ms: impl Fn() -> f64) -> f64 {
    let mut ring: BenchRing = Ring::new(vec![0u8; 64 * 1024].into_boxed_slice(), Policy::OverwriteOldest);
    let mut rounds = Vec::with_capacity(ROUNDS);
    let mut t = 0u64;
    for _ in 0..WARM_UP {
        round(&mut ring, &mut t);
    }
    for _ in 0..ROUNDS {
        let start = now_ms();
        round(&mut ring, &mut t);
        rounds.push((now_ms() - start) * 1e6 / PUSHES as f64);
    }
    std::hint::black_box(&ring);
    rounds.sort_by(f64::total_cmp);
    rounds[ROUNDS / 2]
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
#[ignore = "a speed figure: run with --release -- --ignored --nocapture"]
fn ring_push_native() {
    let origin = std::time::Instant::now();
    let ns = ring_push_ns(|| origin.elapsed().as_secs_f64() * 1e3);
    println!("ring push, native: {ns:.1} ns (median of {ROUNDS} rounds of {PUSHES})");
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::*;
    use vitals_wasm::Vitals;
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen(inline_js = r#"
        export function now_ms() { return performance.now(); }
        export function bench_log(vitals, rounds, calls) {
            const perCall = [];
            for (let r = 0; r < rounds; r++) {
                const start = performance.now();
                for (let i = 0; i < calls; i++) vitals.info("bench", "a log message of typical length");
                perCall.push((performance.now() - start) * 1e6 / calls);
            }
            perCall.sort((a, b) => a - b);
            return perCall[rounds >> 1];
        }
        export function bench_parts(vitals) {
            const time = (f) => { const t = []; for (let r = 0; r < 11; r++) { const s = performance.now(); for (let i = 0; i < 20000; i++) f(); t.push((performance.now() - s) * 1e6 / 20000); } t.sort((a, b) => a - b); return t[5].toFixed(1); };
            return `performance.now ${time(() => performance.now())} ns, Date.now ${time(() => Date.now())} ns, getter ${time(() => vitals.running)} ns, filtered debug ${time(() => vitals.debug("bench", "a log message of typical length"))} ns`;
        }
    "#)]
    extern "C" {
        fn now_ms() -> f64;
        fn bench_log(vitals: &JsValue, rounds: u32, calls: u32) -> f64;
        fn bench_parts(vitals: &JsValue) -> String;
    }

    #[wasm_bindgen_test]
    #[ignore = "a speed figure: run with --release -- --ignored --nocapture"]
    fn log_call_from_javascript() {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"console".into(), &JsValue::FALSE).unwrap();
        let vitals: JsValue = Vitals::new(&options.into()).unwrap().into();
        bench_log(&vitals, 3, 10_000); // warm-up: let the JIT see it
        let ns = bench_log(&vitals, ROUNDS as u32, 20_000);
        console_log!("log call from JavaScript: {ns:.1} ns (median of {ROUNDS} rounds of 20000)");
        console_log!("parts: {}", bench_parts(&vitals));
    }

    #[wasm_bindgen_test]
    #[ignore = "a speed figure: run with --release -- --ignored --nocapture"]
    fn ring_push_wasm() {
        let ns = ring_push_ns(now_ms);
        console_log!("ring push, wasm: {ns:.1} ns (median of {ROUNDS} rounds of {PUSHES})");
    }
}
