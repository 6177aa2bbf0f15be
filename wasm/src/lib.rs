//! # vitals-wasm
//!
//! The module a web page loads: a JavaScript class `Vitals` over the
//! Vitals core ring, with the browser sampler, threshold rules and the
//! wire format of `vitals-web` and `vitals-core`. Built with
//! `wasm-bindgen --target web`; the dashboard in `www/` uses it.
//!
//! ```js
//! import init, { Vitals } from "./pkg/vitals_wasm.js";
//! await init();
//! const vitals = new Vitals({ capacityBytes: 256 * 1024, level: "debug", console: "warn" });
//! vitals.info("app", "page loaded");
//! vitals.metric("app.queue_depth", 12);
//! vitals.addRule({ metric: "browser.fps", warn: 30, error: 15, below: true, for: 3 });
//! vitals.start(1000);                        // browser metrics every second
//! const recent = vitals.entries({ since: 0, level: "warn" });
//! const dump = vitals.exportBinary();         // Uint8Array, the wire format
//! ```
//!
//! Wrong argument types throw `TypeError`, out-of-range values
//! `RangeError`, each with a message naming the argument; no input makes
//! the module trap. The rest of the API is in the generated `.d.ts`.
//!
//! The methods of the class are written in JavaScript (`src/bridge.js`),
//! where they are smaller than exports of the module: they check their
//! arguments, write them into the instance's scratch buffer in the
//! module's memory (numbers, and text as UTF-8) and call the module's one
//! private export, `_call`, by number, which answers with a number (see
//! `bridge.rs`). They are added to `Vitals.prototype` when
//! the first instance is made, and declared in the `.d.ts` (an
//! `interface Vitals` merged with the class). From Rust, call them through the instance as a `JsValue`.
//! The sampling timer of `start` is JavaScript's too (`setInterval` with a
//! weak reference to the instance; `stop` and `free` clear it), so the
//! module carries no closures.
//!
//! The page is built without the default `std` feature (`cargo xtask web`,
//! profile `min-size`): `no_std`, with a free-list allocator (`lol_alloc`) and a panic
//! handler that keeps no message (see `panic.rs`), so the module carries
//! no formatting code. Tests build with `std`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod args;
mod bridge;
mod crossing;
mod fault;
mod panic;
mod rows;
mod transfer;
mod vitals;

pub use vitals::{
    Vitals, DEFAULT_CAPACITY, MAX_CAPACITY, MAX_INTERVAL_MS, MAX_LABELS, MAX_METRICS, MAX_RULES,
    MAX_TARGET_RULES, MIN_CAPACITY, MIN_INTERVAL_MS,
};

use wasm_bindgen::prelude::wasm_bindgen;

// A free-list allocator (about 0.5 KiB of wasm, against Talc's 1.6 and
// dlmalloc's 7): first fit, adjacent free blocks merged, memory grown by
// the pages a request needs. Its search is O(free blocks), which costs
// nothing here: `log` and sampling write into the ring without allocating,
// and the other calls make a few short-lived allocations each.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
// SAFETY: without the `atomics` target feature the module has one thread.
#[allow(unsafe_code)]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT: &str = r#"
/** A level name (any case; also "warning", "err", "crit", "fatal") or 0 (trace) to 5 (critical). */
export type Level = "trace" | "debug" | "info" | "warn" | "error" | "critical" | number;
/** A level, or "off" / 6 for nothing. */
export type LevelFilter = Level | "off";

/** Options of `new Vitals(options)`. */
export interface VitalsOptions {
  /** Ring size in bytes, 256 to 268435456; default 65536. */
  capacityBytes?: number;
  /** Keep log entries at or above this level; default "info". */
  level?: LevelFilter;
  /** Mirror stored log entries to the console: true (all), false, or from a level; default true. */
  console?: boolean | LevelFilter;
}

/** What `entries(query)` returns. */
export interface EntriesQuery {
  /** First sequence number wanted; default 0 (everything still stored). */
  since?: number;
  /** Leave out log entries below this level (metric and event entries pass). */
  level?: LevelFilter;
  /** Only entries of this kind. */
  type?: "log" | "metric" | "event";
  /** At most this many entries (the oldest first). */
  limit?: number;
}

/** One stored entry. */
export interface VitalsEntry {
  /** Sequence number; a jump between two entries is a loss. */
  seq: number;
  /** Page time in microseconds (performance.now() × 1000). */
  ts: number;
  /** ISO 8601 wall-clock time, when the ring is anchored (it is from the start). */
  time?: string;
  type: "log" | "metric" | "event";
  /** Log entries; events that carry a severity (dropped, threshold). */
  level?: "trace" | "debug" | "info" | "warn" | "error" | "critical";
  /** Log entries. */
  target?: string;
  /** Log entries, and a description for dropped, boot and anchor events. */
  message?: string;
  /** Set when the target or message was cut to fit (64 and 512 bytes). */
  truncated?: boolean;
  /** Metric samples and threshold events: the metric's name. */
  metric?: string;
  /** The instance when not 0, and its label when it has one. */
  instance?: number;
  label?: string;
  /** Metric samples and threshold events. */
  value?: number;
  /** The metric's unit word ("bytes", "percent", "milliseconds", ...), absent for none. */
  unit?: string;
  /** Events: what happened. */
  event?: "dropped" | "boot" | "anchor" | "threshold";
  /** Dropped events: entries lost. */
  count?: number;
  /** Boot events: why the previous run ended. */
  reason?: string;
  /** Anchor events: Unix time in µs at `ts`. */
  unixUs?: number;
  /** Threshold events: the threshold crossed, and the states before and after. */
  threshold?: number;
  from?: "ok" | "warn" | "error" | "critical";
  to?: "ok" | "warn" | "error" | "critical";
}

/** The ring's counters. */
export interface VitalsStats {
  capacity: number;
  usedBytes: number;
  fillPercent: number;
  /** Entries stored now. */
  entries: number;
  firstSeq: number;
  nextSeq: number;
  /** Entries ever stored, refused, overwritten; lost = dropped + overwritten. */
  written: number;
  dropped: number;
  overwritten: number;
  lost: number;
  /** Log entries cut to fit. */
  truncated: number;
  /** Log entries ever stored, by level. */
  byLevel: { trace: number; debug: number; info: number; warn: number; error: number; critical: number };
  /** Metric samples and events ever stored. */
  samples: number;
  events: number;
}

/** A threshold rule for `addRule`. At least one threshold is needed. */
export interface RuleOptions {
  /** A catalog name ("cpu.usage"), a browser metric ("browser.fps") or one recorded with metric(). */
  metric: string;
  /** The instance watched; default 0. */
  instance?: number;
  warn?: number;
  error?: number;
  critical?: number;
  /** Samples in a row needed to change state, 1 to 255; default 1. */
  for?: number;
  /** How far back past a threshold a value must go to leave its level; default 0. */
  hysteresis?: number;
  /** Low values are bad (free space, frame rate); default false. */
  below?: boolean;
}

/**
 * The methods `bridge.js` adds to the class (they check their arguments
 * in JavaScript), declared here so that they are part of `Vitals`.
 */
export interface Vitals {
  /**
   * Stores a log entry; returns its sequence number, or `undefined` when
   * the level filter left it out. `level` is a name or 0–5.
   */
  log(level: Level, target: string, message: string): number | undefined;
  /** `log("trace", target, message)`. */
  trace(target: string, message: string): number | undefined;
  /** `log("debug", target, message)`. */
  debug(target: string, message: string): number | undefined;
  /** `log("info", target, message)`. */
  info(target: string, message: string): number | undefined;
  /** `log("warn", target, message)`. */
  warn(target: string, message: string): number | undefined;
  /** `log("error", target, message)`. */
  error(target: string, message: string): number | undefined;
  /** `log("critical", target, message)`. */
  critical(target: string, message: string): number | undefined;
  /**
   * Keeps log entries at or above `level` (a name, 0–6, or `"off"`) for
   * targets without a rule of their own.
   */
  setLevel(level: LevelFilter): void;
  /**
   * Keeps log entries of `target` and its sub-targets (`app` covers
   * `app.net` and `app::net`) at or above `level`.
   */
  setTargetLevel(target: string, level: LevelFilter): void;
  /**
   * Mirrors stored log entries at or above `level` to the console
   * (`true`: all, `false` or `"off"`: none).
   */
  setConsole(level: boolean | LevelFilter): void;
  /** The ring's counters and fill. */
  stats(): VitalsStats;
  /**
   * The names of the metrics this instance knows: the catalog's, the
   * browser metrics and those recorded with `metric()`.
   */
  metricNames(): string[];
  /**
   * Every stored entry in the Vitals wire format (COBS frames with CRCs),
   * as `vitals decode` and `importBinary` read it, then the names of this
   * instance's custom metrics and labels (description records).
   */
  exportBinary(): Uint8Array;
  /**
   * Appends the entries of a dump (a `Uint8Array` or `ArrayBuffer` in the
   * wire format, from any Vitals: a page, a firmware, a desktop); damaged
   * frames are skipped and reported.
   */
  importBinary(bytes: Uint8Array | ArrayBuffer): ImportReport;
  /**
   * Stored entries, oldest first, as plain objects: those with sequence
   * numbers from `since`, log entries at or above `level` (other kinds
   * pass), of one `type` when given, at most `limit` of them.
   */
  entries(query: EntriesQuery): VitalsEntry[];
  /**
   * Stores a sample of metric `name` (a catalog name such as
   * `"cpu.usage"`, a `browser.*` metric, or any new name, which is
   * registered as a gauge with `unit`); returns its sequence number.
   */
  metric(name: string, value: number, unit: string | undefined): number | undefined;
  /**
   * Adds a threshold rule on a metric: WARN/ERROR/CRITICAL entries when
   * its samples reach `warn`/`error`/`critical` (`below: true`: fall to
   * them) `for` samples in a row, and back to normal past the threshold
   * by `hysteresis`.
   */
  addRule(rule: RuleOptions): void;
  /**
   * Reads the browser metrics once and stores them (plus `ring.used` and
   * `ring.dropped`); returns how many samples were stored. The first call
   * starts the frame counter and the long-task observer.
   */
  sample(): number;
  /**
   * Samples now and then every `intervalMs` (10 ms to 2^31 − 1 ms),
   * replacing any earlier timer.
   */
  start(intervalMs: number): void;
  /** Stops the timer `start` set, and the frame counter and observers. */
  stop(): void;
  /** Whether a timer is sampling. */
  readonly running: boolean;
}

/** What `importBinary` did. */
export interface ImportReport {
  /** Entries stored. */
  imported: number;
  /** Entries the ring refused (larger than the ring). */
  refused: number;
  /** Frames read, and frames thrown away as damaged. */
  frames: number;
  badFrames: number;
  /** Bytes thrown away. */
  skippedBytes: number;
  /** Jumps in sequence numbers, and the entries missing in all. */
  gaps: number;
  lost: number;
  /** Whether the dump had wall-clock time, so its entries were moved onto this page's clock. */
  anchored: boolean;
}
"#;
