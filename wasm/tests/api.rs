//! The `Vitals` class in headless Chromium: the JS API, the sampler behind
//! it, argument errors, and export → import round trips. Every method is
//! called on the instance from JavaScript (see `Js`), so the methods
//! `bridge.js` adds to the class are tested with the module's own.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use vitals_core::wire::encode_frame;
use vitals_core::{
    Cursor, Description, EntryKind, Level, MetricId, MetricKind, Policy, ResetReason, Ring, Unit,
};
use vitals_wasm::Vitals;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A JavaScript value from source text (test set-up only).
fn js(source: &str) -> JsValue {
    Function::new_no_args(&format!("return ({source});")).call0(&JsValue::NULL).expect("test snippet runs")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap()
}

fn text(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

fn num(object: &JsValue, key: &str) -> f64 {
    get(object, key).as_f64().unwrap_or(f64::NAN)
}

/// A `Vitals` as JavaScript holds it, with the class's methods called by
/// name on the instance.
struct Js(JsValue);

impl Js {
    fn new(options: &JsValue) -> Result<Js, JsValue> {
        Vitals::new(options).map(|vitals| Js(vitals.into()))
    }

    fn call(&self, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
        let method: Function = get(&self.0, name).dyn_into().unwrap_or_else(|_| panic!("no method {name}"));
        method.apply(&self.0, &args.iter().copied().collect::<Array>())
    }

    fn seq(&self, name: &str, args: &[&JsValue]) -> Result<Option<f64>, JsValue> {
        self.call(name, args).map(|seq| seq.as_f64())
    }

    fn done(&self, name: &str, args: &[&JsValue]) -> Result<(), JsValue> {
        self.call(name, args).map(|value| assert!(value.is_undefined(), "{name} returns nothing"))
    }

    fn log(&self, level: &JsValue, target: &JsValue, message: &JsValue) -> Result<Option<f64>, JsValue> {
        self.seq("log", &[level, target, message])
    }

    fn trace(&self, target: &JsValue, message: &JsValue) -> Result<Option<f64>, JsValue> {
        self.seq("trace", &[target, message])
    }

    fn debug(&self, target: &JsValue, message: &JsValue) -> Result<Option<f64>, JsValue> {
        self.seq("debug", &[target, message])
    }

    fn info(&self, target: &JsValue, message: &JsValue) -> Result<Option<f64>, JsValue> {
        self.seq("info", &[target, message])
    }

    fn warn(&self, target: &JsValue, message: &JsValue) -> Result<Option<f64>, JsValue> {
        self.seq("warn", &[target, message])
    }

    fn error(&self, target: &JsValue, message: &JsValue) -> Result<Option<f64>, JsValue> {
        self.seq("error", &[target, message])
    }

    fn critical(&self, target: &JsValue, message: &JsValue) -> Result<Option<f64>, JsValue> {
        self.seq("critical", &[target, message])
    }

    fn metric(&self, name: &JsValue, value: &JsValue, unit: &JsValue) -> Result<Option<f64>, JsValue> {
        self.seq("metric", &[name, value, unit])
    }

    fn sample(&self) -> Result<u32, JsValue> {
        self.call("sample", &[]).map(|n| n.as_f64().expect("a count") as u32)
    }

    fn start(&self, interval_ms: &JsValue) -> Result<(), JsValue> {
        self.done("start", &[interval_ms])
    }

    fn stop(&self) {
        self.done("stop", &[]).unwrap();
    }

    fn running(&self) -> bool {
        get(&self.0, "running").as_bool().expect("a boolean")
    }

    fn entries(&self, query: &JsValue) -> Result<JsValue, JsValue> {
        self.call("entries", &[query])
    }

    fn stats(&self) -> Result<JsValue, JsValue> {
        self.call("stats", &[])
    }

    fn metric_names(&self) -> Result<JsValue, JsValue> {
        self.call("metricNames", &[])
    }

    fn export_binary(&self) -> Result<JsValue, JsValue> {
        self.call("exportBinary", &[])
    }

    fn import_binary(&self, bytes: &JsValue) -> Result<JsValue, JsValue> {
        self.call("importBinary", &[bytes])
    }

    fn set_level(&self, level: &JsValue) -> Result<(), JsValue> {
        self.done("setLevel", &[level])
    }

    fn set_target_level(&self, target: &JsValue, level: &JsValue) -> Result<(), JsValue> {
        self.done("setTargetLevel", &[target, level])
    }

    fn set_console(&self, level: &JsValue) -> Result<(), JsValue> {
        self.done("setConsole", &[level])
    }

    fn add_rule(&self, rule: &JsValue) -> Result<(), JsValue> {
        self.done("addRule", &[rule])
    }
}

impl Drop for Js {
    fn drop(&mut self) {
        self.done("free", &[]).unwrap();
    }
}

fn quiet() -> Js {
    Js::new(&js("{ console: false, level: 'trace' }")).unwrap()
}

fn entries(vitals: &Js, query: &str) -> Vec<JsValue> {
    Array::from(&vitals.entries(&js(query)).unwrap()).iter().collect()
}

fn is_type_error(error: &JsValue) -> bool {
    error.is_instance_of::<js_sys::TypeError>()
}

fn is_range_error(error: &JsValue) -> bool {
    error.is_instance_of::<js_sys::RangeError>()
}

fn message(error: &JsValue) -> String {
    text(error, "message").unwrap_or_default()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout: Function = get(&js_sys::global().into(), "setTimeout").into();
        set_timeout.call2(&JsValue::NULL, &resolve, &ms.into()).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
fn logs_come_back_as_plain_objects() {
    let vitals = quiet();
    let seq = vitals.log(&"warn".into(), &"app.net".into(), &"link down".into()).unwrap().unwrap();
    vitals.info(&"app".into(), &"hello €".into()).unwrap();
    vitals.log(&5.into(), &"app".into(), &"numbers work as levels".into()).unwrap();
    let logs = entries(&vitals, "{ type: 'log' }");
    assert_eq!(logs.len(), 3);
    let first = &logs[0];
    assert_eq!(num(first, "seq"), seq);
    assert_eq!(text(first, "type").as_deref(), Some("log"));
    assert_eq!(text(first, "level").as_deref(), Some("warn"));
    assert_eq!(text(first, "target").as_deref(), Some("app.net"));
    assert_eq!(text(first, "message").as_deref(), Some("link down"));
    assert!(num(first, "ts") > 0.0);
    let time = text(first, "time").expect("anchored from the start");
    assert!(time.ends_with('Z') && time.len() == 24, "{time}");
    assert_eq!(text(&logs[1], "message").as_deref(), Some("hello €"));
    assert_eq!(text(&logs[2], "level").as_deref(), Some("critical"));
    // The first entry of every ring is its clock anchor.
    let all = entries(&vitals, "undefined");
    assert_eq!(text(&all[0], "event").as_deref(), Some("anchor"));
}

#[wasm_bindgen_test]
fn queries_select_by_seq_level_type_and_limit() {
    let vitals = quiet();
    for (i, level) in ["trace", "debug", "info", "warn", "error", "critical"].iter().enumerate() {
        vitals.log(&(*level).into(), &"t".into(), &format!("m{i}").into()).unwrap();
    }
    vitals.metric(&"app.depth".into(), &3.into(), &JsValue::UNDEFINED).unwrap();
    assert_eq!(entries(&vitals, "{ level: 'warn', type: 'log' }").len(), 3);
    assert_eq!(entries(&vitals, "{ level: 'error' }").len(), 2 + 2, "other kinds pass a level filter");
    assert_eq!(entries(&vitals, "{ type: 'metric' }").len(), 1);
    assert_eq!(entries(&vitals, "{ limit: 2 }").len(), 2);
    let since = entries(&vitals, "{ since: 4 }");
    assert_eq!(num(&since[0], "seq"), 4.0);
    assert!(entries(&vitals, "{ since: 1e9 }").is_empty());
}

#[wasm_bindgen_test]
fn filters_leave_entries_out_per_target() {
    let vitals = quiet();
    vitals.set_level(&"warn".into()).unwrap();
    vitals.set_target_level(&"app.db".into(), &"debug".into()).unwrap();
    assert_eq!(vitals.info(&"app".into(), &"dropped".into()).unwrap(), None);
    assert!(vitals.debug(&"app.db".into(), &"kept".into()).unwrap().is_some());
    assert!(vitals.debug(&"app.db.pool".into(), &"kept too".into()).unwrap().is_some());
    assert!(vitals.warn(&"app".into(), &"kept".into()).unwrap().is_some());
    // The target is trimmed as Rust's `str::trim` does, before its length counts.
    vitals.set_target_level(&" \u{3000}app.ui\u{85}\n".into(), &"debug".into()).unwrap();
    assert!(vitals.debug(&"app.ui".into(), &"kept".into()).unwrap().is_some());
    vitals.set_target_level(&format!("\t{} ", "t".repeat(64)).into(), &"info".into()).unwrap();
    vitals.set_level(&"off".into()).unwrap();
    assert_eq!(vitals.critical(&"app".into(), &"dropped".into()).unwrap(), None);
    assert_eq!(entries(&vitals, "{ type: 'log' }").len(), 4);
}

#[wasm_bindgen_test]
fn console_mirrors_from_its_level() {
    js("(() => { globalThis.__calls = []; globalThis.__saved = {}; for (const m of ['debug','log','info','warn','error']) { globalThis.__saved[m] = console[m]; console[m] = (...a) => globalThis.__calls.push(m + ' ' + a.join(' ')); } })()");
    let vitals = Js::new(&js("{ level: 'trace', console: 'warn' }")).unwrap();
    vitals.info(&"app".into(), &"quiet".into()).unwrap();
    vitals.warn(&"app".into(), &"loud".into()).unwrap();
    vitals.critical(&"app".into(), &"louder".into()).unwrap();
    vitals.set_console(&JsValue::TRUE).unwrap();
    vitals.trace(&"app".into(), &"all now".into()).unwrap();
    let calls = js("(() => { for (const m in globalThis.__saved) console[m] = globalThis.__saved[m]; return globalThis.__calls; })()");
    let calls: Vec<String> = Array::from(&calls).iter().filter_map(|c| c.as_string()).collect();
    assert_eq!(calls, ["warn app: loud", "error app: louder", "debug app: all now"]);
}

#[wasm_bindgen_test]
fn metrics_carry_names_units_and_rules() {
    let vitals = quiet();
    vitals.metric(&"app.latency".into(), &12.5.into(), &"ms".into()).unwrap();
    vitals.metric(&"app.latency".into(), &13.into(), &JsValue::UNDEFINED).unwrap();
    vitals.metric(&"cpu.usage".into(), &42.into(), &"%".into()).unwrap();
    let samples = entries(&vitals, "{ type: 'metric' }");
    assert_eq!(text(&samples[0], "metric").as_deref(), Some("app.latency"));
    assert_eq!(text(&samples[0], "unit").as_deref(), Some("milliseconds"));
    assert_eq!(num(&samples[0], "value"), 12.5);
    assert_eq!(text(&samples[2], "metric").as_deref(), Some("cpu.usage"));

    vitals.add_rule(&js("{ metric: 'app.latency', warn: 100, error: 200, for: 2, hysteresis: 10 }")).unwrap();
    vitals.add_rule(&js("{ metric: 'browser.fps', warn: 30, critical: 10, below: true }")).unwrap();
    for v in [150.0, 150.0, 250.0, 250.0, 95.0, 50.0, 50.0] {
        vitals.metric(&"app.latency".into(), &v.into(), &JsValue::UNDEFINED).unwrap();
    }
    let logs: Vec<(String, String)> = entries(&vitals, "{ type: 'log' }")
        .iter()
        .map(|e| (text(e, "level").unwrap(), text(e, "message").unwrap()))
        .collect();
    assert_eq!(
        logs,
        [
            ("warn".to_owned(), "latency 150ms ≥ 100ms".to_owned()),
            ("error".to_owned(), "latency 250ms ≥ 200ms".to_owned()),
            ("info".to_owned(), "latency 50ms back below 100ms (was ERROR)".to_owned()),
        ]
    );
    let events = entries(&vitals, "{ type: 'event' }");
    let threshold = events.iter().find(|e| text(e, "event").as_deref() == Some("threshold")).unwrap();
    assert_eq!(text(threshold, "from").as_deref(), Some("ok"));
    assert_eq!(text(threshold, "to").as_deref(), Some("warn"));
    assert_eq!(num(threshold, "threshold"), 100.0);

    // The longest numbers JavaScript writes come whole into the line.
    vitals.add_rule(&js("{ metric: 'app.depth', warn: -1e-300, below: true }")).unwrap_err();
    vitals.metric(&"app.depth".into(), &0.into(), &JsValue::UNDEFINED).unwrap();
    vitals.add_rule(&js("{ metric: 'app.depth', warn: -1.2345678901234567e-300, below: true }")).unwrap();
    vitals.metric(&"app.depth".into(), &(-1.7976931348623157e308).into(), &JsValue::UNDEFINED).unwrap();
    vitals.add_rule(&js("{ metric: 'app.size', warn: 1e20 }")).unwrap_err();
    vitals.metric(&"app.size".into(), &0.into(), &"%".into()).unwrap();
    vitals.add_rule(&js("{ metric: 'app.size', warn: 123456789012345680000 }")).unwrap();
    vitals.metric(&"app.size".into(), &(-0.0).into(), &JsValue::UNDEFINED).unwrap();
    vitals.metric(&"app.size".into(), &999999999999999900000.5.into(), &JsValue::UNDEFINED).unwrap();
    let last: Vec<String> =
        entries(&vitals, "{ type: 'log' }").iter().skip(3).map(|e| text(e, "message").unwrap()).collect();
    assert_eq!(
        last,
        [
            "depth -1.7976931348623157e+308 ≤ -1.2345678901234568e-300",
            "size 999999999999999868928.0% ≥ 123456789012345683968.0%"
        ]
    );
}

/// The values in crossing lines are written by JavaScript (`vitals_value`
/// in `bridge.js`) by the rules of the core's `format::Value`: each line
/// reads as the core's own `write_crossing` (`core::fmt`) writes it.
/// (Not at the extremes: past 1e21 JavaScript's `toFixed` takes the
/// exponent form where Rust writes every digit, and at exact ties such as
/// 0.25 it rounds up where Rust rounds to even.)
#[wasm_bindgen_test]
fn crossing_lines_read_as_the_cores() {
    let cases: [(Unit, &[(f64, f64)]); 8] = [
        (Unit::None, &[(3.0, 2.5), (-8.0, -7.0), (0.1, 0.0)]),
        (Unit::Percent, &[(93.46, 90.0), (100.0, 99.96), (-0.04, -5.0)]),
        (
            Unit::Bytes,
            &[
                (1023.0, 1000.5),
                (1_610_612_736.0, 1024.0),
                (-3.0 * 1024.0 * 1024.0, -4e18),
                (f64::INFINITY, 0.0),
            ],
        ),
        (Unit::Seconds, &[(1e15, 999_999_999_999_999.0), (0.05, 0.0)]),
        (Unit::Milliseconds, &[(150.0, 100.0), (250.75, 200.2)]),
        (Unit::Celsius, &[(41.0, 40.5), (-40.0, -39.95)]),
        (Unit::Hertz, &[(-24.0, -30.0), (24.0, 30.0)]),
        (Unit::Volts, &[(3.3, 3.0), (12.0, 5.0)]),
    ];
    let vitals = quiet();
    let mut ours = vitals_core::Registry::<32, 0>::new();
    let mut ring = Ring::new(vec![0u8; 16 * 1024], Policy::DropNewest);
    for (unit, pairs) in cases {
        for (i, &(value, threshold)) in pairs.iter().enumerate() {
            // A metric and rule of its own (`below` for a threshold above the value).
            let name = format!("app.{}.{i}", unit.as_str());
            let metric = ours.register(&name, unit, MetricKind::Gauge).unwrap();
            vitals.metric(&name.as_str().into(), &(threshold - 1.0).into(), &unit.as_str().into()).unwrap();
            let below = threshold > value;
            vitals
                .add_rule(&js(&format!("{{ metric: '{name}', warn: {threshold:e}, below: {below} }}")))
                .unwrap();
            vitals.metric(&name.as_str().into(), &value.into(), &JsValue::UNDEFINED).unwrap();
            let crossing = vitals_core::Crossing {
                series: metric.series(),
                from: None,
                to: Some(Level::Warn),
                value,
                threshold,
            };
            let direction = if below { vitals_core::Direction::Below } else { vitals_core::Direction::Above };
            vitals_core::write_crossing(&mut ring, 0, direction, &crossing, &ours);
        }
    }
    let theirs: Vec<String> = ring
        .iter()
        .filter_map(|e| match e.kind {
            EntryKind::Log(log) => Some(String::from_utf8(log.message.to_vec()).unwrap()),
            _ => None,
        })
        .collect();
    let lines: Vec<String> =
        entries(&vitals, "{ type: 'log' }").iter().map(|e| text(e, "message").unwrap()).collect();
    assert_eq!(lines, theirs);
    assert_eq!(lines.len(), 20, "{lines:?}");
}

#[wasm_bindgen_test]
fn sample_stores_browser_metrics_and_never_throws() {
    let vitals = quiet();
    let stored = vitals.sample().unwrap();
    assert!(stored >= 6, "{stored}");
    let names: Vec<String> =
        entries(&vitals, "{ type: 'metric' }").iter().filter_map(|e| text(e, "metric")).collect();
    for name in ["browser.js_heap_used", "browser.cpu_cores", "browser.uptime", "ring.used", "ring.dropped"] {
        assert!(names.iter().any(|n| n == name), "{name} missing from {names:?}");
    }
    // A browser without the optional APIs: fewer samples, no exception.
    js("(() => { globalThis.__mem = Object.getOwnPropertyDescriptor(Performance.prototype, 'memory'); Object.defineProperty(Performance.prototype, 'memory', { get() { throw new Error('gone'); }, configurable: true }); })()");
    let fresh = quiet();
    let without = fresh.sample();
    js("Object.defineProperty(Performance.prototype, 'memory', globalThis.__mem)");
    assert!(without.unwrap() >= 3);
    let names: Vec<String> =
        entries(&fresh, "{ type: 'metric' }").iter().filter_map(|e| text(e, "metric")).collect();
    assert!(!names.iter().any(|n| n == "browser.js_heap_used"), "{names:?}");
}

#[wasm_bindgen_test]
async fn start_samples_on_a_timer_until_stop() {
    let vitals = quiet();
    vitals.start(&50.into()).unwrap();
    assert!(vitals.running());
    sleep(400).await;
    vitals.stop();
    assert!(!vitals.running());
    let uptimes = |v: &Js| {
        entries(v, "{ type: 'metric' }")
            .iter()
            .filter(|e| text(e, "metric").as_deref() == Some("browser.uptime"))
            .count()
    };
    let seen = uptimes(&vitals);
    assert!(seen >= 4, "{seen} samples in 400 ms at 50 ms");
    assert!(entries(&vitals, "{ type: 'metric' }")
        .iter()
        .any(|e| text(e, "metric").as_deref() == Some("browser.fps")));
    sleep(150).await;
    assert_eq!(uptimes(&vitals), seen, "no samples after stop");
}

#[wasm_bindgen_test]
async fn free_stops_the_timer_too() {
    let vitals = quiet();
    vitals.start(&20.into()).unwrap();
    vitals.start(&20.into()).unwrap(); // replaces the first timer
    assert!(vitals.running());
    let dispose = js("Symbol.dispose");
    if !dispose.is_undefined() {
        let free = get(&vitals.0, "free");
        assert_eq!(Reflect::get(&vitals.0, &dispose).unwrap(), free, "[Symbol.dispose] is free");
    }
    vitals.done("free", &[]).unwrap();
    assert!(!vitals.running());
    // Freed: a call now throws (as it did before), and no timer is left
    // to call it (a tick would throw inside the timer instead).
    assert!(vitals.sample().is_err());
    sleep(100).await;
    // Nor does a freed instance's `log` write its arguments into memory
    // that may be another's by now: the address of its scratch buffer,
    // kept on the object since its first call, goes with it.
    let scratch_kept = |object: &JsValue| {
        let symbols = Object::get_own_property_symbols(&Object::from(object.clone()));
        symbols
            .iter()
            .filter_map(|s| s.dyn_into::<js_sys::Symbol>().ok()?.description())
            .any(|d| d == "vitals.scratch")
    };
    let next = quiet();
    next.info(&"app".into(), &"kept".into()).unwrap();
    assert!(scratch_kept(&next.0), "kept after a call");
    assert!(!scratch_kept(&vitals.0), "gone after free");
    assert!(vitals.info(&"app".into(), &"after free".into()).is_err());
    assert!(!scratch_kept(&vitals.0));
    let messages: Vec<String> =
        entries(&next, "{ type: 'log' }").iter().filter_map(|e| text(e, "message")).collect();
    assert_eq!(messages, ["kept"]);
    std::mem::forget(vitals); // already freed
}

#[wasm_bindgen_test]
fn bad_arguments_throw_type_and_range_errors() {
    let type_errors: Vec<Result<Js, JsValue>> = vec![
        Js::new(&JsValue::from(5)),
        Js::new(&js("{ capacityBytes: '1k' }")),
        Js::new(&js("{ level: {} }")),
    ];
    for result in type_errors {
        let error = result.err().expect("refused");
        assert!(is_type_error(&error), "{}", message(&error));
    }
    for options in [
        "{ capacityBytes: 10 }",
        "{ capacityBytes: 1.5e3 + 0.5 }",
        "{ capacityBytes: 1e12 }",
        "{ level: 'loud' }",
        "{ level: 9 }",
        "{ console: 'sometimes' }",
    ] {
        let error = Js::new(&js(options)).err().expect(options);
        assert!(is_range_error(&error), "{options}: {}", message(&error));
        assert!(!message(&error).is_empty());
    }
    let vitals = quiet();
    let type_cases: Vec<Result<Option<f64>, JsValue>> = vec![
        vitals.log(&JsValue::NULL, &"t".into(), &"m".into()),
        vitals.log(&"info".into(), &5.into(), &"m".into()),
        vitals.log(&"info".into(), &"t".into(), &js("{}")),
        vitals.info(&"t".into(), &JsValue::UNDEFINED),
        vitals.metric(&7.into(), &1.into(), &JsValue::UNDEFINED),
        vitals.metric(&"x".into(), &"1".into(), &JsValue::UNDEFINED),
        vitals.metric(&"bad name".into(), &1.into(), &JsValue::UNDEFINED),
        vitals.metric(&"cpu.usage".into(), &1.into(), &"bytes".into()),
    ];
    for (i, result) in type_cases.into_iter().enumerate() {
        let error = result.err().unwrap_or_else(|| panic!("case {i} accepted"));
        assert!(is_type_error(&error), "case {i}: {}", message(&error));
    }
    vitals.set_level(&"off".into()).unwrap();
    assert!(
        is_type_error(&vitals.info(&"t".into(), &5.into()).unwrap_err()),
        "checked even when filtered out"
    );
    let range_cases: Vec<Result<(), JsValue>> = vec![
        vitals.log(&"loud".into(), &"t".into(), &"m".into()).map(drop),
        vitals.log(&6.into(), &"t".into(), &"m".into()).map(drop),
        vitals.log(&"off".into(), &"t".into(), &"m".into()).map(drop),
        vitals.metric(&"x".into(), &1.into(), &"parsecs".into()).map(drop),
        vitals.start(&1.into()),
        vitals.start(&f64::NAN.into()),
        vitals.set_level(&2.5.into()),
        vitals.set_target_level(&"".into(), &"info".into()),
        vitals.set_target_level(&"x".repeat(65).into(), &"info".into()),
        vitals.entries(&js("{ since: -1 }")).map(drop),
        vitals.entries(&js("{ type: 'logs' }")).map(drop),
        vitals.add_rule(&js("{ metric: 'cpu.usage', warn: 90, error: 80 }")),
        vitals.add_rule(&js("{ metric: 'no.such.metric', warn: 1 }")),
        vitals.add_rule(&js("{ metric: 'cpu.usage', warn: 1, for: 0 }")),
        vitals.add_rule(&js("{ metric: 'cpu.usage', warn: Infinity }")),
        vitals.add_rule(&js("{ metric: 'cpu.usage', warn: 1, hysteresis: -1 }")),
    ];
    for (i, result) in range_cases.into_iter().enumerate() {
        let error = result.err().unwrap_or_else(|| panic!("range case {i} accepted"));
        assert!(is_range_error(&error), "range case {i}: {}", message(&error));
    }
    let more_type_errors: Vec<Result<(), JsValue>> = vec![
        vitals.start(&"fast".into()),
        vitals.set_level(&js("[]")),
        vitals.entries(&JsValue::from(3)).map(drop),
        vitals.entries(&js("{ since: 'now' }")).map(drop),
        vitals.add_rule(&JsValue::UNDEFINED),
        vitals.add_rule(&js("{ metric: 'cpu.usage' }")),
        vitals.add_rule(&js("{ warn: 1 }")),
        vitals.add_rule(&js("{ metric: 'cpu.usage', warn: '1' }")),
        vitals.add_rule(&js("{ metric: 'cpu.usage', warn: 1, below: 'yes' }")),
        vitals.import_binary(&"dump".into()).map(drop),
        vitals.import_binary(&js("[1, 2, 3]")).map(drop),
    ];
    for (i, result) in more_type_errors.into_iter().enumerate() {
        let error = result.err().unwrap_or_else(|| panic!("type case {i} accepted"));
        assert!(is_type_error(&error), "type case {i}: {}", message(&error));
    }
    // A getter that throws on the options object: that error, not a trap.
    let error =
        Js::new(&js("{ get capacityBytes() { throw new SyntaxError('from a getter'); } }")).err().unwrap();
    assert!(error.is_instance_of::<js_sys::SyntaxError>());
    // Still usable after all that.
    vitals.set_level(&"info".into()).unwrap();
    assert!(vitals.info(&"t".into(), &"fine".into()).unwrap().is_some());
}

#[wasm_bindgen_test]
fn export_then_import_round_trips() {
    let a = quiet();
    a.warn(&"app".into(), &"disk almost full".into()).unwrap();
    a.metric(&"app.queue".into(), &17.into(), &JsValue::UNDEFINED).unwrap();
    a.metric(&"memory.used".into(), &1.5e9.into(), &JsValue::UNDEFINED).unwrap();
    a.sample().unwrap();
    let bytes = Uint8Array::new(&a.export_binary().unwrap()).to_vec();
    // The export ends with the names of the custom metrics, numbered on.
    let mut names = Vec::new();
    let mut decoder = vitals_core::wire::Decoder::new();
    decoder.feed(&bytes, |item| {
        if let vitals_core::wire::Decoded::Entry { entry, .. } = item {
            if let EntryKind::Describe(Description::Metric { name, .. }) = entry.kind {
                names.push((entry.seq, name.to_owned()));
            }
        }
    });
    assert!(names.iter().any(|(_, n)| n == "browser.fps") && names.iter().any(|(_, n)| n == "app.queue"));
    assert!(names[0].0 as f64 >= num(&a.stats().unwrap(), "nextSeq"), "after the ring's entries: {names:?}");
    let dump = Uint8Array::from(bytes.as_slice());
    assert!(dump.length() > 20);
    let b = quiet();
    b.metric(&"app.queue".into(), &0.into(), &JsValue::UNDEFINED).unwrap(); // same custom id order
    let before = entries(&b, "undefined").len();
    let report = b.import_binary(&dump.clone().into()).unwrap();
    let original: Vec<JsValue> = entries(&a, "undefined");
    assert_eq!(num(&report, "badFrames"), 0.0);
    assert_eq!(num(&report, "skippedBytes"), 0.0);
    assert_eq!(num(&report, "gaps"), 0.0);
    assert!(num(&report, "frames") >= 1.0);
    assert_eq!(get(&report, "anchored"), JsValue::TRUE);
    // Everything but the anchor event comes across.
    assert_eq!(num(&report, "imported") as usize, original.len() - 1);
    let imported = &entries(&b, "undefined")[before..];
    let pick = |e: &JsValue| {
        (
            text(e, "type"),
            text(e, "level"),
            text(e, "message"),
            text(e, "metric"),
            get(e, "value").as_f64(),
            text(e, "time"),
        )
    };
    let want: Vec<_> = original[1..].iter().map(pick).collect();
    let got: Vec<_> = imported.iter().map(pick).collect();
    assert_eq!(got, want, "same entries, same wall-clock times");
    // An ArrayBuffer works too.
    let c = quiet();
    let report = c.import_binary(&dump.buffer().into()).unwrap();
    assert_eq!(num(&report, "imported") as usize, original.len() - 1);
    // A page whose custom ids mean other metrics takes the dump's by name:
    // here the dump's `app.queue` id is this page's `other.thing`.
    let d = quiet();
    d.metric(&"other.thing".into(), &5.into(), &JsValue::UNDEFINED).unwrap();
    d.import_binary(&dump.into()).unwrap();
    let values = |name: &str| -> Vec<Option<f64>> {
        entries(&d, "undefined")
            .iter()
            .filter(|e| text(e, "metric").as_deref() == Some(name))
            .map(|e| get(e, "value").as_f64())
            .collect()
    };
    assert_eq!(values("app.queue"), [Some(17.0)]);
    assert_eq!(values("other.thing"), [Some(5.0)]);
    // An empty dump right after a call that left rows in the module: an
    // empty report, nothing stored.
    let before = entries(&d, "undefined").len();
    let report = d.import_binary(&Uint8Array::new_with_length(0).into()).unwrap();
    for field in ["imported", "refused", "frames", "badFrames", "skippedBytes", "gaps", "lost"] {
        assert_eq!(num(&report, field), 0.0, "{field}");
    }
    assert_eq!(entries(&d, "undefined").len(), before);
}

#[wasm_bindgen_test]
fn imported_names_and_labels_show_on_imported_entries() {
    // A firmware's dump: a custom metric it names, and a label for one of
    // its instances, after the sample (as an export writes them).
    let pump = MetricId(MetricId::CUSTOM_BASE + 40);
    let mut ring = Ring::new([0u8; 512], Policy::OverwriteOldest);
    ring.push_metric(5, pump.instance(2), 3.0).unwrap();
    let metric =
        Description::Metric { metric: pump, name: "fw.pump", unit: Unit::Volts, kind: MetricKind::Gauge };
    ring.push_description(6, metric).unwrap();
    ring.push_description(6, Description::Label { series: pump.instance(2), label: "north" }).unwrap();
    let mut out = [0u8; 256];
    let frame = encode_frame(&ring, &mut Cursor::new(), &mut out);
    let vitals = quiet();
    let report = vitals.import_binary(&Uint8Array::from(&out[..frame.bytes]).into()).unwrap();
    assert_eq!(num(&report, "imported"), 1.0);
    let sample = entries(&vitals, "{ type: 'metric' }").pop().unwrap();
    assert_eq!(text(&sample, "metric").as_deref(), Some("fw.pump"));
    assert_eq!(text(&sample, "unit").as_deref(), Some("volts"));
    assert_eq!(num(&sample, "instance"), 2.0);
    assert_eq!(text(&sample, "label").as_deref(), Some("north"));
}

/// Boot events name their reason as the core's `ResetReason::as_str` does,
/// for every code (`bridge.js` has the words).
#[wasm_bindgen_test]
fn boot_reasons_read_as_the_cores() {
    let mut ring = Ring::new([0u8; 1024], Policy::OverwriteOldest);
    for code in 0..=9 {
        ring.push_event(code.into(), vitals_core::Event::Boot { reason: ResetReason::from_code(code) })
            .unwrap();
    }
    let mut out = [0u8; 256];
    let frame = encode_frame(&ring, &mut Cursor::new(), &mut out);
    let vitals = quiet();
    vitals.import_binary(&Uint8Array::from(&out[..frame.bytes]).into()).unwrap();
    let reasons: Vec<String> = entries(&vitals, "{ type: 'event' }")
        .iter()
        .filter(|e| text(e, "event").as_deref() == Some("boot"))
        .map(|e| text(e, "reason").unwrap())
        .collect();
    let theirs: Vec<&str> = (0..=9).map(|code| ResetReason::from_code(code).as_str()).collect();
    assert_eq!(reasons, theirs);
}

#[wasm_bindgen_test]
fn damaged_dumps_report_skips_and_gaps() {
    // A firmware-style dump: a core ring, no wall-clock anchor, with frames
    // of three entries each.
    let mut ring = Ring::new([0u8; 2048], Policy::OverwriteOldest);
    ring.push_event(0, vitals_core::Event::Boot { reason: ResetReason::Watchdog }).unwrap();
    for i in 0..9u64 {
        ring.push_log(1_000 * i, Level::Info, b"fw", format!("tick {i}").as_bytes()).unwrap();
        ring.push_metric(1_000 * i + 1, MetricId::TEMPERATURE.series(), 40.0 + i as f64).unwrap();
    }
    let mut frames = Vec::new();
    let mut cursor = Cursor::new();
    loop {
        let mut out = [0u8; 64]; // small frames: a few entries each
        let frame = encode_frame(&ring, &mut cursor, &mut out);
        if frame.bytes > 0 {
            frames.push(out[..frame.bytes].to_vec());
        }
        if !frame.more {
            break;
        }
    }
    assert!(frames.len() >= 4, "{}", frames.len());
    let whole: Vec<u8> = frames.concat();
    let vitals = quiet();
    let report = vitals.import_binary(&Uint8Array::from(whole.as_slice()).into()).unwrap();
    assert_eq!(num(&report, "imported"), 19.0);
    assert_eq!(get(&report, "anchored"), JsValue::FALSE);
    let boot = entries(&vitals, "{ type: 'event' }")
        .into_iter()
        .find(|e| text(e, "event").as_deref() == Some("boot"));
    assert_eq!(text(&boot.unwrap(), "reason").as_deref(), Some("watchdog"));

    // Drop the second frame (a gap) and flip a byte in the third (a CRC error).
    let lost_in_gap = {
        let mut count = 0;
        let mut decoder = vitals_core::wire::Decoder::new();
        decoder.feed(&frames[1], |item| {
            if let vitals_core::wire::Decoded::Entry { .. } = item {
                count += 1;
            }
        });
        count
    };
    let mut damaged = frames[2].clone();
    damaged[3] ^= 0x40;
    let mut bytes = frames[0].clone();
    bytes.extend_from_slice(&damaged);
    for frame in &frames[3..] {
        bytes.extend_from_slice(frame);
    }
    bytes.extend_from_slice(&[1, 2, 3]); // cut off at the end
    let fresh = quiet();
    let report = fresh.import_binary(&Uint8Array::from(bytes.as_slice()).into()).unwrap();
    assert_eq!(num(&report, "badFrames"), 2.0, "damaged frame and the cut-off tail");
    assert_eq!(num(&report, "skippedBytes"), (damaged.len() + 3) as f64);
    assert_eq!(num(&report, "gaps"), 1.0);
    let lost_in_damaged = 19.0 - num(&report, "imported") - lost_in_gap as f64;
    assert_eq!(num(&report, "lost"), lost_in_gap as f64 + lost_in_damaged);
    // Garbage is reported, never thrown.
    let junk: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let report = fresh.import_binary(&Uint8Array::from(junk.as_slice()).into()).unwrap();
    assert_eq!(num(&report, "imported"), 0.0);
    assert!(num(&report, "skippedBytes") > 0.0);
}

#[wasm_bindgen_test]
fn stats_count_what_the_ring_did() {
    let vitals = Js::new(&js("{ capacityBytes: 256, console: false }")).unwrap();
    for i in 0..50 {
        vitals.error(&"app".into(), &format!("message number {i}").into()).unwrap();
    }
    let stats = vitals.stats().unwrap();
    assert_eq!(num(&stats, "capacity"), 256.0);
    assert!(num(&stats, "overwritten") > 0.0);
    assert_eq!(num(&stats, "lost"), num(&stats, "dropped") + num(&stats, "overwritten"));
    assert_eq!(num(&get(&stats, "byLevel"), "error"), 50.0);
    assert!(num(&stats, "entries") < 50.0);
    assert!(num(&stats, "fillPercent") > 50.0);
    let names = Array::from(&vitals.metric_names().unwrap());
    assert!(names.includes(&"browser.fps".into(), 0) && names.includes(&"cpu.usage".into(), 0));
    let _: &Object = names.unchecked_ref();
}

#[wasm_bindgen_test]
fn error_messages_name_the_argument_and_what_is_accepted() {
    let vitals = quiet();
    // The name in a message is cut to 24 characters.
    let unknown = format!("rule.metric \"{}\" is not known", "é".repeat(24));
    let cases: Vec<(Result<(), JsValue>, &str)> = vec![
        (vitals.log(&"info".into(), &5.into(), &"m".into()).map(drop), "target must be a string"),
        (
            Js::new(&js("{ level: 'loud' }")).map(drop),
            "options.level \"loud\" is not a level: use trace, debug, info, warn, error, critical or off",
        ),
        (vitals.log(&"off".into(), &"t".into(), &"m".into()).map(drop), "level cannot be \"off\" here"),
        (Js::new(&js("{ capacityBytes: 10 }")).map(drop), "options.capacityBytes must be from 256"),
        (
            vitals.entries(&js("{ since: -1 }")).map(drop),
            "query.since must be a whole number from 0 to 2^53 - 1",
        ),
        (
            vitals.add_rule(&js("{ metric: 'cpu.usage', warn: 1, below: 'yes' }")),
            "rule.below must be true or false",
        ),
        (vitals.add_rule(&js("{ metric: 'no.such', warn: 1 }")), "rule.metric \"no.such\" is not known"),
        (
            vitals.metric(&"cpu.usage".into(), &1.into(), &"bytes".into()).map(drop),
            "metric \"cpu.usage\" has unit percent; record it without a unit or with that one",
        ),
        // Longer than the room a text has in the module (512 bytes): cut,
        // and refused as the whole would be.
        (
            vitals.metric(&"m".repeat(600).into(), &1.into(), &JsValue::UNDEFINED).map(drop),
            "metric name is longer than 48 bytes",
        ),
        (
            vitals.set_target_level(&"t".repeat(600).into(), &"info".into()),
            "target rule refused: targets are at most 64 bytes",
        ),
        (vitals.add_rule(&js(&format!("{{ metric: '{}', warn: 1 }}", "é".repeat(300)))), &unknown),
        (
            vitals.metric(&"bad name".into(), &1.into(), &JsValue::UNDEFINED).map(drop),
            "metric name must be non-empty",
        ),
    ];
    for (result, expected) in cases {
        let error = result.err().unwrap_or_else(|| panic!("accepted: {expected}"));
        let text = message(&error);
        assert!(text.starts_with(expected), "{text:?} should start with {expected:?}");
    }
}
