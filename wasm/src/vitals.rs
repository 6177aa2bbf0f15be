//! The `Vitals` JavaScript class: one ring with its registry, rules,
//! level filters and browser sampler.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{RefCell, RefMut};

use vitals_core::{
    Clock, Cursor, Direction, EntryKind, Event, Level, LevelFilter, MetricId, MetricKind, MetricNames,
    Policy, Registry, RegistryError, Ring, Rule, RuleError, Rules, Series, TargetFilters, Unit, CATALOG,
    MAX_MESSAGE_LEN, MAX_TARGET_LEN,
};
use vitals_web::{BrowserMetrics, BrowserSampler, DateClock};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::args;
use crate::bridge::{self, CallArgs, LogArgs};
use crate::crossing;
use crate::fault::Fault;
use crate::rows::Rows;
use crate::transfer;

// The limits below are checked where the arguments are read, in
// `bridge.js` (see `args.rs`), which holds the same numbers.

/// Ring size when the options name none: 64 KiB.
pub const DEFAULT_CAPACITY: u64 = 64 * 1024;
/// Smallest ring accepted.
pub const MIN_CAPACITY: u64 = 256;
/// Largest ring accepted: 256 MiB.
pub const MAX_CAPACITY: u64 = 256 * 1024 * 1024;
/// Custom metrics one instance holds (the 14 browser metrics included).
pub const MAX_METRICS: usize = 64;
/// Instance labels one instance holds.
pub const MAX_LABELS: usize = 32;
/// Threshold rules one instance holds.
pub const MAX_RULES: usize = 32;
/// Per-target level rules one instance holds.
pub const MAX_TARGET_RULES: usize = 16;
/// Shortest sampling interval `start` accepts, ms.
pub const MIN_INTERVAL_MS: f64 = 10.0;
/// Longest sampling interval `start` accepts, ms (what `setInterval` takes).
pub const MAX_INTERVAL_MS: f64 = 2_147_483_647.0;

// `LogArgs` packs each length in 10 bits.
const _: () = assert!(MAX_TARGET_LEN < 1024 && MAX_MESSAGE_LEN < 1024);

/// Everything one `Vitals` owns.
pub(crate) struct State {
    pub(crate) ring: Ring<Vec<u8>>,
    registry: Registry<MAX_METRICS, MAX_LABELS>,
    browser: BrowserMetrics,
    sampler: Option<BrowserSampler>,
    rules: Rules<MAX_RULES>,
    filters: TargetFilters<MAX_TARGET_RULES>,
    console: LevelFilter,
    /// The clock of every entry: `Date.now()` since the page started.
    pub(crate) clock: DateClock,
    /// The bytes of the last call's result (rows, counters, a dump), which
    /// `bridge.js` reads before its next call; or the dump to import.
    out: Vec<u8>,
}

impl State {
    /// Stores a metric sample and lets the rules see it.
    fn record(&mut self, now: u64, series: Series, value: f64) -> Option<u64> {
        let seq = self.ring.push_metric(now, series, value).ok();
        let (ring, registry) = (&mut self.ring, &self.registry);
        self.rules.evaluate(series, value, |rule, crossing| {
            crossing::write(ring, now, rule.direction, &crossing, registry);
        });
        seq
    }

    /// Stores a sample of metric `name` (a catalog name such as
    /// `"cpu.usage"`, a `browser.*` metric, or any new name, which is
    /// registered as a gauge with the unit of code `unit`, 255 for none
    /// given); its sequence number.
    fn metric(&mut self, name: &str, value: f64, unit: u8) -> Result<f64, f64> {
        let unit = Unit::from_code(unit);
        let metric = match self.registry.find(name) {
            Some(metric) => {
                let known = self.registry.describe(metric).map(|info| info.unit);
                if unit.is_some() && known != unit {
                    return Err(Fault::UnitMismatch.code(known.map_or(0, Unit::code)));
                }
                metric
            }
            None => self
                .registry
                .register(name, unit.unwrap_or(Unit::None), MetricKind::Gauge)
                .map_err(registry_error)?,
        };
        let now = self.clock.now_us();
        Ok(self.record(now, metric.instance(0), value).map_or(f64::NAN, |seq| seq as f64))
    }

    /// Adds `rule` on metric `name` (its series' metric is replaced by
    /// that one, the instance kept).
    fn add_rule(&mut self, name: &str, mut rule: Rule) -> Result<(), Fault> {
        let metric = self.registry.find(name).ok_or(Fault::UnknownMetric)?;
        rule.series = metric.instance(rule.series.instance);
        self.rules.add(rule).map_err(|e| match e {
            RuleError::Full => Fault::RulesFull,
            RuleError::Unordered => Fault::Unordered,
            _ => Fault::NotFinite,
        })
    }

    /// One reading of the browser metrics and the ring's own fill, stored.
    fn sample(&mut self) -> usize {
        let now = self.clock.now_us();
        // The ring's own fill as it was before this reading is stored.
        let stats = self.ring.stats();
        let mut sampler = self.sampler.take().unwrap_or_else(|| BrowserSampler::new(self.browser));
        let mut stored = 0;
        let mut store = |state: &mut State, series, value| {
            stored += usize::from(state.record(now, series, value).is_some());
        };
        sampler.read_each(|series, value| store(self, series, value));
        self.sampler = Some(sampler);
        store(self, MetricId::RING_USED.series(), stats.used_bytes as f64);
        store(self, MetricId::RING_DROPPED.series(), stats.lost_total() as f64);
        stored
    }
}

/// A log and metrics recorder for a web page: levelled log entries and
/// metric samples in one fixed-size ring, browser metrics sampled on a
/// timer, threshold rules, and export/import in the Vitals wire format.
#[wasm_bindgen]
pub struct Vitals {
    state: Rc<RefCell<State>>,
    /// Where `log` has JavaScript write the target and message. Apart from
    /// `State`, so JavaScript writes it only when nothing borrows it: never
    /// during a call into the module (`log` reads it without calling out).
    scratch: RefCell<[u8; SCRATCH_LEN]>,
}

/// Bytes of the `log` scratch buffer: the time, the target, the message.
const SCRATCH_LEN: usize = LogArgs::TIME + MAX_TARGET_LEN + MAX_MESSAGE_LEN;

impl Vitals {
    /// A handle on `state`, with its own scratch buffer.
    fn handle(state: Rc<RefCell<State>>) -> Vitals {
        Vitals { state, scratch: RefCell::new([0; SCRATCH_LEN]) }
    }

    fn state(&self) -> Result<RefMut<'_, State>, Fault> {
        self.state.try_borrow_mut().map_err(|_| Fault::Busy)
    }
}

#[wasm_bindgen]
impl Vitals {
    /// A recorder with a ring of `capacityBytes` (default 64 KiB, 256 B to
    /// 256 MiB), keeping log entries at or above `level` (default `"info"`),
    /// and mirroring them to the console when `console` is true or a level
    /// (default true).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "VitalsOptions")] options: &JsValue,
    ) -> Result<Vitals, JsValue> {
        let args::Options { capacity, level, console } = args::options(options)?;
        let mut buffer = Vec::new();
        buffer.try_reserve_exact(capacity).map_err(|_| Fault::NoMemory.error())?;
        buffer.extend(core::iter::repeat_n(0u8, capacity));
        let mut ring = Ring::new(buffer, Policy::OverwriteOldest);
        let clock = DateClock::new();
        let now = clock.now_us();
        let _ = ring.push_event(now, Event::Anchor { unix_us: clock.origin_unix_us() + now });
        let mut registry = Registry::new();
        let browser =
            BrowserMetrics::register(&mut registry).map_err(|_| Fault::NoRoomForBrowserMetrics.error())?;
        let state = Rc::new(RefCell::new(State {
            ring,
            registry,
            browser,
            sampler: None,
            rules: Rules::new(),
            filters: TargetFilters::new(level),
            console,
            clock,
            out: Vec::new(),
        }));
        crate::panic::follow(&state);
        // A second handle on the same state, which `bridge.js` frees at
        // once: its prototype is the class's, where the methods written in
        // JavaScript go.
        bridge::bind(Vitals::handle(state.clone()).into());
        Ok(Vitals::handle(state))
    }

    /// The class's methods by number (`what`, one of `mod call`'s), called
    /// by `bridge.js` after it checked their arguments; the result is as
    /// `bridge.rs` describes.
    ///
    /// - [`call::LOG`] + a level, 0 (trace) to 5 (critical): stores the log
    ///   entry that `log` and `trace` … `critical` wrote into this
    ///   instance's scratch buffer (see `bridge::LogArgs`; `arg` holds the
    ///   lengths); its sequence number, or NaN (`undefined`) when the level
    ///   filter left it out. The buffer's first byte is then 1 when the
    ///   entry is to be mirrored to the console, else 0. The hot path, first.
    /// - The others: counters, names, the wire format and entries; metrics
    ///   and rules; level filters; the sampler. Their arguments are in the
    ///   scratch buffer (see `bridge::CallArgs`; `arg` is the length of the
    ///   text, the UTF-8 of `text` in `mod call`'s descriptions).
    #[wasm_bindgen(js_name = _call, skip_typescript)]
    pub fn call(&self, what: u8, arg: u32) -> f64 {
        if let Some(level) = what.checked_sub(call::LOG) {
            return self.log_into_ring(level, arg).unwrap_or_else(|fault| fault.code(0));
        }
        self.run(what, arg).unwrap_or_else(|fault| fault)
    }
}

impl Vitals {
    /// `log` (see [`Vitals::call`]) with its fault as an error: the entry's
    /// sequence number, or NaN when the level filter left it out.
    fn log_into_ring(&self, level: u8, packed: u32) -> Result<f64, Fault> {
        let level = args::level(level);
        let mut state = self.state()?;
        let mut scratch = self.scratch.try_borrow_mut().map_err(|_| Fault::Busy)?;
        let State { filters, ring, console, clock, .. } = &mut *state;
        let args = LogArgs::read(&scratch[..], packed, MAX_TARGET_LEN);
        let target_start = LogArgs::TIME;
        let message_start = target_start + MAX_TARGET_LEN;
        let target = scratch.get(target_start..target_start + args.target_len).unwrap_or_default();
        let message = scratch.get(message_start..message_start + args.message_len).unwrap_or_default();
        let mut mirror = false;
        let mut seq = None;
        if filters.enabled_bytes(level, target) {
            let now = clock.at(args.date_ms);
            seq = ring.push_log_truncated(now, level, target, message, args.truncated).ok();
            mirror = console.allows(level);
        }
        if let Some(first) = scratch.first_mut() {
            *first = u8::from(mirror);
        }
        Ok(seq.map_or(f64::NAN, |seq| seq as f64))
    }

    /// `_call` with its fault as an error (its code, see `Fault::code`):
    /// the call's number, or the length of the result it left in `out`,
    /// whose address goes into the scratch buffer ([`Vitals::hand_over`]).
    /// The arguments are copied out of the scratch buffer first, so nothing
    /// JavaScript writes there during the call changes them.
    fn run(&self, what: u8, text_len: u32) -> Result<f64, f64> {
        let args = CallArgs::read(&self.scratch.try_borrow().map_err(|_| Fault::Busy)?[..], text_len);
        let n = |i: usize| args.number(i);
        if what == call::STOP {
            self.stop();
            return Ok(0.0);
        }
        let mut state = self.state()?;
        let state = &mut *state;
        let filter = args::filter(n(0) as u8);
        let bytes = match what {
            call::SAMPLE => return Ok(state.sample() as f64),
            // The pointer goes to JavaScript as a plain offset into linear
            // memory, as wasm-bindgen's own string passing does.
            call::SCRATCH => {
                // The room for each goes in the time field, which `log`
                // overwrites: the target's in bits 0–15, the message's above.
                let room = MAX_TARGET_LEN as u32 | (MAX_MESSAGE_LEN as u32) << 16;
                return Ok(f64::from(self.hand_over(room)?));
            }
            call::STATS => stats(state),
            call::METRIC_NAMES => metric_names(state),
            call::EXPORT_BINARY => transfer::export(&state.ring, &state.registry, state.clock.now_us()),
            call::ENTRIES => entries(state, n(0) as u64, n(1) as u64, args::filter(n(2) as u8), n(3) as u8),
            call::SET_LEVEL => {
                state.filters.set_default(filter);
                return Ok(0.0);
            }
            call::SET_CONSOLE => {
                state.console = filter;
                return Ok(0.0);
            }
            call::SET_TARGET_LEVEL => {
                state.filters.set_exact(args.text(), filter).map_err(|_| Fault::TargetRule)?;
                return Ok(0.0);
            }
            call::METRIC => return state.metric(args.text(), n(0), n(1) as u8),
            call::ADD_RULE => {
                let given = n(4) as u8;
                let threshold = |i: usize| (given & 1 << i != 0).then_some(n(1 + i));
                let rule = Rule {
                    series: MetricId(0).instance(n(0) as u16),
                    direction: if n(7) != 0.0 { Direction::Below } else { Direction::Above },
                    thresholds: [threshold(0), threshold(1), threshold(2)],
                    for_samples: n(5) as u8,
                    hysteresis: n(6),
                };
                state.add_rule(args.text(), rule)?;
                return Ok(0.0);
            }
            call::IMPORT_BUFFER => {
                // Zeroed, as the ring is (`vec!` would bring its own allocation path).
                let len = n(0) as usize;
                let mut buffer = Vec::new();
                buffer.try_reserve_exact(len).map_err(|_| Fault::NoMemory)?;
                buffer.extend(core::iter::repeat_n(0u8, len));
                state.out = buffer;
                return Ok(f64::from(state.out.as_ptr() as u32));
            }
            call::IMPORT_BINARY => {
                let dump = core::mem::take(&mut state.out);
                let report = transfer::import(&mut state.ring, &mut state.registry, &dump);
                let mut rows = Rows::default();
                report.values().into_iter().for_each(|value| rows.number(value));
                rows.bytes
            }
            _ => return Ok(0.0),
        };
        state.out = bytes;
        self.hand_over(state.out.as_ptr() as u32)?;
        Ok(state.out.len() as f64)
    }

    /// Writes `value` into the first 4 bytes of the scratch buffer (the
    /// time field, which `log` overwrites); the buffer's address.
    fn hand_over(&self, value: u32) -> Result<u32, Fault> {
        let mut scratch = self.scratch.try_borrow_mut().map_err(|_| Fault::Busy)?;
        for (to, from) in scratch.iter_mut().zip(value.to_le_bytes()) {
            *to = from;
        }
        Ok(scratch.as_ptr() as u32)
    }
}

impl Vitals {
    /// Stops the frame counter and observers the sampler started (the
    /// timer of `start` is `bridge.js`'s).
    fn stop(&self) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.sampler = None;
        }
    }
}

/// The numbers of `_call`, for the methods of `bridge.js` (`CALL` there).
mod call {
    /// `stats()`.
    pub(crate) const STATS: u8 = 0;
    /// `metricNames()`.
    pub(crate) const METRIC_NAMES: u8 = 1;
    /// `exportBinary()`.
    pub(crate) const EXPORT_BINARY: u8 = 2;
    /// `entries(query)`: numbers since, limit, level and kind (0 log, 1
    /// metric, 2 event, 3 any).
    pub(crate) const ENTRIES: u8 = 3;
    /// `setLevel(level)`, and the two below: the level is the first number.
    pub(crate) const SET_LEVEL: u8 = 4;
    /// `setConsole(level)`.
    pub(crate) const SET_CONSOLE: u8 = 5;
    /// `setTargetLevel(text, level)`: `text` is the target, trimmed by `bridge.js`.
    pub(crate) const SET_TARGET_LEVEL: u8 = 6;
    /// `sample()`: the samples stored.
    pub(crate) const SAMPLE: u8 = 7;
    /// `stop()`: the frame counter and observers stop.
    pub(crate) const STOP: u8 = 8;
    /// `metric(text, value, unit)`: numbers value and unit code (255 for none).
    pub(crate) const METRIC: u8 = 9;
    /// `addRule(rule)`: `text` the metric; numbers instance, warn, error,
    /// critical, which of the three are given (bits 0–2), for,
    /// hysteresis, below (0 or 1).
    pub(crate) const ADD_RULE: u8 = 10;
    /// `importBinary(bytes)`, after [`IMPORT_BUFFER`]: the dump is in that
    /// buffer; the result is the `ImportReport`'s numbers.
    pub(crate) const IMPORT_BINARY: u8 = 11;
    /// Where `log` writes its arguments: the scratch buffer's address, and
    /// in its first 4 bytes the room for a target and a message.
    pub(crate) const SCRATCH: u8 = 12;
    /// The address of a buffer of the first number's bytes, where
    /// `importBinary` copies the dump before calling [`IMPORT_BINARY`].
    pub(crate) const IMPORT_BUFFER: u8 = 13;
    /// `log(level, target, message)` at level `what - LOG`: the numbers
    /// from here up.
    pub(crate) const LOG: u8 = 100;
}

/// `entries(query)`: stored entries, oldest first, as plain objects: those
/// with sequence numbers from `since`, log entries at or above `level`
/// (other kinds pass), of one `kind` (0 log, 1 metric, 2 event; 3 any), at
/// most `limit` of them: the ring's Unix time at timestamp 0 in µs (NaN
/// for none), then their rows.
fn entries(state: &State, since: u64, limit: u64, level: LevelFilter, kind: u8) -> Vec<u8> {
    let mut rows = Rows::default();
    rows.number(state.ring.anchor().map_or(f64::NAN, |a| a as f64));
    let mut cursor = Cursor::since(since);
    let mut count = 0u64;
    for entry in state.ring.read(&mut cursor) {
        if count >= limit {
            break;
        }
        let (this_kind, passes) = match &entry.kind {
            EntryKind::Log(log) => (0, level.allows(log.level)),
            EntryKind::Metric(_) => (1, true),
            _ => (2, true),
        };
        if !passes || (kind != 3 && kind != this_kind) {
            continue;
        }
        rows.entry(&entry, &state.registry);
        count += 1;
    }
    rows.bytes
}

/// `stats()`: the ring's counters and fill, 19 numbers.
fn stats(state: &State) -> Vec<u8> {
    let stats = state.ring.stats();
    let (dropped, overwritten) = (stats.dropped_total(), stats.overwritten_total());
    let mut values = [
        stats.capacity as f64,
        stats.used_bytes as f64,
        stats.fill_percent(),
        stats.len as f64,
        stats.first_seq as f64,
        stats.next_seq as f64,
        stats.written_total() as f64,
        dropped as f64,
        overwritten as f64,
        (dropped + overwritten) as f64,
        stats.truncated as f64,
        // Log entries by level (11–16), metric samples, events.
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        stats.metrics().0 as f64,
        stats.events().0 as f64,
    ];
    for level in Level::ALL {
        values[11 + level as usize] = stats.written_at(level) as f64;
    }
    let mut rows = Rows::default();
    values.into_iter().for_each(|value| rows.number(value));
    rows.bytes
}

/// `metricNames()`: the names of the metrics this instance knows: the
/// catalog's, the browser metrics and those recorded with `metric()`.
fn metric_names(state: &State) -> Vec<u8> {
    let mut names = Rows::default();
    for (_, info) in CATALOG.iter() {
        names.name(info.name);
    }
    let custom = MetricId::CUSTOM_BASE..MetricId::CUSTOM_BASE + state.registry.custom_len() as u16;
    for info in custom.filter_map(|id| state.registry.describe(MetricId(id))) {
        names.name(info.name);
    }
    names.bytes
}

impl Drop for Vitals {
    fn drop(&mut self) {
        self.stop();
    }
}

fn registry_error(error: RegistryError) -> Fault {
    match error {
        RegistryError::Full => Fault::RegistryFull,
        RegistryError::NameTooLong => Fault::NameTooLong,
        RegistryError::Conflict => Fault::Conflict,
        _ => Fault::BadName,
    }
}
