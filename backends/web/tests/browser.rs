//! The browser sampler, console sink and log hook in headless Chromium.
//!
//! Run with `cargo xtask web-test` (or see `xtask/src/web.rs` for the
//! environment: `wasm-bindgen-test-runner` and `CHROMEDRIVER`).
#![cfg(target_arch = "wasm32")]

use std::collections::HashMap;

use js_sys::{Array, Function, Reflect};
use vitals_core::{
    Clock, EntryKind, Level, LevelFilter, MetricNames, Policy, Registry, Ring, Series, SharedRing,
};
use vitals_web::console::{self, ConsoleMethod, ConsoleSink};
use vitals_web::{anchor_now, BrowserMetrics, BrowserSampler, PerformanceClock, WebLogger, BROWSER_METRICS};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Runs a snippet of JavaScript (test set-up only).
fn js(body: &str) -> JsValue {
    Function::new_no_args(body).call0(&JsValue::NULL).expect("test snippet runs")
}

/// Waits `ms` milliseconds, letting frames and promises run.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: Function = Reflect::get(&global, &"setTimeout".into()).unwrap().into();
        set_timeout.call2(&JsValue::NULL, &resolve, &ms.into()).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn readings(sampler: &mut BrowserSampler, registry: &Registry<32, 8>) -> HashMap<String, (Series, f64)> {
    let mut out = Vec::new();
    sampler.read(&mut out);
    out.into_iter()
        .map(|(series, value)| (registry.describe(series.metric).unwrap().name.to_owned(), (series, value)))
        .collect()
}

#[wasm_bindgen_test]
async fn sampler_reads_what_chromium_has() {
    let mut registry: Registry<32, 8> = Registry::new();
    let metrics = BrowserMetrics::register(&mut registry).unwrap();
    let mut sampler = BrowserSampler::new(metrics);
    sleep(400).await; // frames drawn, the storage estimate answered
    let got = readings(&mut sampler, &registry);
    for (name, (_, value)) in &got {
        assert!(value.is_finite(), "{name} = {value}");
    }
    for name in [
        "browser.js_heap_used",
        "browser.js_heap_total",
        "browser.js_heap_limit",
        "browser.cpu_cores",
        "browser.device_memory",
        "browser.uptime",
        "browser.long_tasks",
        "browser.long_task_time",
        "browser.storage_used",
        "browser.storage_quota",
        "browser.fps",
    ] {
        assert!(got.contains_key(name), "{name} missing from {:?}", got.keys().collect::<Vec<_>>());
    }
    assert!(got["browser.js_heap_used"].1 > 0.0);
    assert!(got["browser.cpu_cores"].1 >= 1.0);
    assert!(got["browser.fps"].1 > 0.0 && got["browser.fps"].1 < 1000.0, "{}", got["browser.fps"].1);
    assert!(got["browser.uptime"].1 > 0.0);
    // Connection info: Chromium has it; the type lands in a labelled instance.
    if let Some((series, value)) = got.get("browser.net_type") {
        assert_eq!(f64::from(series.instance), *value);
        assert!(registry.instance_label(*series).is_some());
    }
}

#[wasm_bindgen_test]
async fn a_long_task_is_counted() {
    let mut registry: Registry<32, 8> = Registry::new();
    let mut sampler = BrowserSampler::new(BrowserMetrics::register(&mut registry).unwrap());
    let before = readings(&mut sampler, &registry)["browser.long_tasks"].1;
    js("const end = performance.now() + 120; while (performance.now() < end) {}");
    sleep(200).await; // observers report after the task
    let after = readings(&mut sampler, &registry);
    assert!(after["browser.long_tasks"].1 > before, "{after:?}");
    assert!(after["browser.long_task_time"].1 >= 100.0, "{after:?}");
}

#[wasm_bindgen_test]
fn missing_or_throwing_apis_mean_missing_metrics() {
    // Getters that throw, and objects that are gone.
    js("globalThis.__saved = {
            memory: Object.getOwnPropertyDescriptor(Performance.prototype, 'memory'),
            connection: Object.getOwnPropertyDescriptor(Navigator.prototype, 'connection'),
            storage: Object.getOwnPropertyDescriptor(Navigator.prototype, 'storage'),
            observer: globalThis.PerformanceObserver,
            raf: globalThis.requestAnimationFrame,
        };
        Object.defineProperty(Performance.prototype, 'memory', { get() { throw new Error('no memory'); }, configurable: true });
        Object.defineProperty(Navigator.prototype, 'connection', { get() { return undefined; }, configurable: true });
        Object.defineProperty(Navigator.prototype, 'storage', { get() { throw new TypeError('no storage'); }, configurable: true });
        globalThis.PerformanceObserver = undefined;
        globalThis.requestAnimationFrame = 42;");
    let mut registry: Registry<32, 8> = Registry::new();
    let mut sampler = BrowserSampler::new(BrowserMetrics::register(&mut registry).unwrap());
    let got = readings(&mut sampler, &registry);
    js("const s = globalThis.__saved;
        Object.defineProperty(Performance.prototype, 'memory', s.memory);
        Object.defineProperty(Navigator.prototype, 'connection', s.connection);
        Object.defineProperty(Navigator.prototype, 'storage', s.storage);
        globalThis.PerformanceObserver = s.observer;
        globalThis.requestAnimationFrame = s.raf;");
    for absent in [
        "browser.js_heap_used",
        "browser.net_type",
        "browser.net_rtt",
        "browser.long_tasks",
        "browser.storage_used",
        "browser.fps",
    ] {
        assert!(!got.contains_key(absent), "{absent} should be absent: {got:?}");
    }
    assert!(got.contains_key("browser.uptime"));
    assert!(got.contains_key("browser.cpu_cores"));
}

#[wasm_bindgen_test]
fn sample_pushes_into_the_ring() {
    let mut registry: Registry<32, 8> = Registry::new();
    let mut sampler = BrowserSampler::new(BrowserMetrics::register(&mut registry).unwrap());
    let mut ring = Ring::new(vec![0u8; 4096], Policy::OverwriteOldest);
    let (now, anchor) = anchor_now();
    ring.push_event(now, anchor).unwrap();
    let pushed = sampler.sample(&mut ring, PerformanceClock.now_us());
    assert!(pushed >= 4, "{pushed}");
    assert_eq!(ring.len(), pushed + 1);
    let unix = ring.anchor().unwrap() + now as i64;
    assert!(unix > 1_600_000_000_000_000, "anchored to Unix time: {unix}");
    assert!(ring
        .iter()
        .skip(1)
        .all(|e| matches!(e.kind, EntryKind::Metric(s) if s.series.metric.is_custom())));
}

#[wasm_bindgen_test]
fn register_refuses_a_small_registry() {
    let mut small: Registry<4, 8> = Registry::new();
    assert!(BrowserMetrics::register(&mut small).is_err());
    let mut registry: Registry<32, 8> = Registry::new();
    let first = BrowserMetrics::register(&mut registry).unwrap();
    assert_eq!(
        BrowserMetrics::register(&mut registry).unwrap(),
        first,
        "registering again finds the same ids"
    );
    assert_eq!(registry.custom_len(), BROWSER_METRICS.len());
}

/// Replaces the console methods with recorders; returns the calls as
/// `[method, text]` pairs when given back to `console_calls`.
fn capture_console() {
    js("globalThis.__calls = []; globalThis.__console = {};
        for (const m of ['debug', 'log', 'info', 'warn', 'error']) {
            globalThis.__console[m] = console[m];
            console[m] = (...args) => globalThis.__calls.push([m, args.join(' ')]);
        }");
}

fn console_calls() -> Vec<(String, String)> {
    let calls = js("for (const m in globalThis.__console) console[m] = globalThis.__console[m]; return globalThis.__calls;");
    Array::from(&calls)
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            (pair.get(0).as_string().unwrap(), pair.get(1).as_string().unwrap())
        })
        .collect()
}

#[wasm_bindgen_test]
fn console_methods_follow_the_table() {
    capture_console();
    for level in Level::ALL {
        console::write(level, b"net", level.as_str().as_bytes());
    }
    let calls = console_calls();
    let expected = [
        ("debug", "net: TRACE"),
        ("log", "net: DEBUG"),
        ("info", "net: INFO"),
        ("warn", "net: WARN"),
        ("error", "net: ERROR"),
        ("error", "net: CRITICAL"),
    ];
    let calls: Vec<(&str, &str)> = calls.iter().map(|(m, t)| (m.as_str(), t.as_str())).collect();
    assert_eq!(calls, expected);
    assert_eq!(ConsoleMethod::for_level(Level::Debug).name(), "log");
}

#[wasm_bindgen_test]
fn console_sink_drains_new_records_and_reports_losses() {
    let mut ring = Ring::new(vec![0u8; 256], Policy::OverwriteOldest);
    let mut sink = ConsoleSink::new(LevelFilter::Info);
    capture_console();
    ring.push_log(1, Level::Debug, b"app", b"hidden").unwrap();
    ring.push_log(2, Level::Warn, b"app", b"shown").unwrap();
    assert_eq!(sink.drain(&ring), 1);
    assert_eq!(sink.drain(&ring), 0, "nothing new");
    for i in 0..20 {
        ring.push_log(3 + i, Level::Error, b"app", b"filling the ring up").unwrap();
    }
    let written = sink.drain(&ring);
    let calls = console_calls();
    assert!(written > 0);
    assert_eq!(calls[0], ("warn".to_owned(), "app: shown".to_owned()));
    assert!(calls.iter().any(|(m, t)| m == "warn" && t.contains("entries were lost")), "{calls:?}");
}

static LOG_RING: SharedRing<[u8; 4096]> = SharedRing::new([0; 4096], Policy::OverwriteOldest);
static LOGGER: WebLogger<[u8; 4096]> = WebLogger::new(&LOG_RING, LevelFilter::Warn);

#[wasm_bindgen_test]
fn log_facade_goes_to_the_ring_and_mirrors_to_the_console() {
    LOGGER.install(LevelFilter::Debug).unwrap();
    capture_console();
    log::debug!(target: "app::net", "retrying in {} ms", 250);
    log::warn!(target: "app::net", "link down");
    log::trace!("below the filter");
    let calls = console_calls();
    assert_eq!(calls, [("warn".to_owned(), "app::net: link down".to_owned())], "only WARN and up mirrored");
    let logs: Vec<(Level, String)> = LOG_RING.with(|ring| {
        ring.iter()
            .filter_map(|e| match e.kind {
                EntryKind::Log(l) => Some((l.level, String::from_utf8_lossy(l.message).into_owned())),
                _ => None,
            })
            .collect()
    });
    assert_eq!(
        logs,
        [(Level::Debug, "retrying in 250 ms".to_owned()), (Level::Warn, "link down".to_owned())]
    );
    let stamped = LOG_RING.with(|ring| ring.iter().last().unwrap().timestamp_us);
    assert!(stamped > 0 && stamped <= PerformanceClock.now_us(), "page-time stamps");
    LOGGER.set_console_level(LevelFilter::Off);
    assert_eq!(LOGGER.console_level(), LevelFilter::Off);
}
