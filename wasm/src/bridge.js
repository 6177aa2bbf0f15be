// The JavaScript half of the `Vitals` class: what is cheaper to do on this
// side of the boundary than to carry in the module. The class's methods
// are here (`METHODS`): they check their arguments and write them into the
// instance's scratch buffer in the module's memory as numbers and UTF-8;
// the module answers with one number, or with compact byte rows that
// become plain objects here; errors, console lines, number text and the
// sampling timer are made here too (see `bridge.rs`).

let memory = null;
let bytes = new Uint8Array(0);
let view = new DataView(new ArrayBuffer(8));
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LEVELS = ["trace", "debug", "info", "warn", "error", "critical"];
const CONSOLE = ["debug", "log", "info", "warn", "error", "error"];
/// Milliseconds a `Date` can hold either side of 1970.
const MAX_DATE_MS = 8.64e15;

// Each new instance: the module's memory (the same every time), and a
// second handle on the instance, freed here at once, whose prototype is
// the class's: `METHODS` go there the first time.
export function vitals_bind(m, twin) {
  memory = m;
  bytes = new Uint8Array(0);
  const proto = Object.getPrototypeOf(twin);
  twin.free();
  if (!Object.prototype.hasOwnProperty.call(proto, "log")) {
    freeModule = proto.free;
    for (const [name, property] of Object.entries(Object.getOwnPropertyDescriptors(METHODS))) {
      Object.defineProperty(proto, name, { ...property, enumerable: false });
    }
    if (Symbol.dispose) proto[Symbol.dispose] = proto.free;
  }
}

// Views of the module's memory, made again after it grew.
function fresh() {
  if (bytes.byteLength === 0) {
    bytes = new Uint8Array(memory.buffer);
    view = new DataView(memory.buffer);
  }
}

function put(s, ptr, cap) {
  const n = s.length;
  if (n <= cap) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      bytes[ptr + i] = c;
    }
    if (i === n) return n;
  }
  const r = encoder.encodeInto(s, bytes.subarray(ptr, ptr + cap));
  return r.read < n ? r.written | 0x400 : r.written;
}

// The messages of `Fault` in `fault.rs`, in its order: `$` is `what` (the
// call's text, cut to 24 characters), `%` is a unit.
const FAULTS = [
  [Error, "Vitals is busy: it was called from inside one of its own calls (a console override?)"],
  [RangeError, "options.capacityBytes is more memory than the page can have"],
  [RangeError, "the metric registry cannot hold the browser metrics"],
  [TypeError, 'metric "$" has unit %; record it without a unit or with that one'],
  [RangeError, "target rule refused: targets are at most 64 bytes and an instance holds 16 rules"],
  [RangeError, 'rule.metric "$" is not known: use a catalog or browser.* name, or record it once with metric()'],
  [RangeError, "rule table is full (32 rules)"],
  [RangeError, "rule thresholds must be ordered warn <= error <= critical (>= with below: true)"],
  [RangeError, "rule thresholds must be finite numbers and hysteresis finite and >= 0"],
  [RangeError, "metric registry is full (64 metrics)"],
  [RangeError, "metric name is longer than 48 bytes"],
  [TypeError, 'metric "$" exists with another unit or kind'],
  [TypeError, "metric name must be non-empty and use only letters, digits, `_`, `.`, `:` or `-`"],
  // 13, `Fault::Options`: the constructor's, the error `vitals_options` kept
  // (see `vitals_fault`); `_call` never returns it.
];

// The error of a negative result `r` of `_call` (see `Fault::code`).
function fault(r, what) {
  const code = -r - 1;
  const [Kind, message] = FAULTS[code & 15];
  const cut = [...what].slice(0, 24).join("");
  return new Kind(message.replace("$", () => cut).replace("%", () => UNITS[code >> 4][0]));
}

// The error the constructor throws, by `Fault` number: 13
// (`Fault::Options`) is the one `vitals_options` kept.
export function vitals_fault(code) {
  if (code === 13) {
    const error = optionsError;
    optionsError = null;
    return error;
  }
  return fault(-1 - code, "");
}

// Argument checks. Each throws a TypeError or RangeError naming the
// argument; the module gets plain numbers (see `args.rs`).

const LEVEL_NAMES = {
  __proto__: null, trace: 0, all: 0, debug: 1, info: 2, warn: 3, warning: 3, error: 4, err: 4,
  critical: 5, crit: 5, fatal: 5, off: 6, none: 6,
};
// Units by their code in the core (`Unit::code`): word, symbol.
const UNITS = [
  ["none", ""], ["percent", "%"], ["bytes", "B"], ["seconds", "s"], ["milliseconds", "ms"],
  ["celsius", "°C"], ["hertz", "Hz"], ["volts", "V"],
];
// What Rust's `str::trim` takes off: Unicode white space, which is \s
// without U+FEFF, plus U+0085.
const SPACE = /^(?:[^\S\uFEFF]|\x85)+|(?:[^\S\uFEFF]|\x85)+$/g;
const KINDS = ["log", "metric", "event"];
// Reset reasons by their code in the core (`ResetReason::as_str`); other
// codes are "other".
const REASONS = ["unknown", "power-on", "pin", "software", "watchdog", "brownout", "panic", "lockup"];

function typeError(what, must) {
  return new TypeError(`${what} must be ${must}`);
}

// A level filter, 0 (trace) to 6 (off), from a name (any case, and the
// core's aliases) or a number.
function levelFilter(value, what) {
  if (typeof value === "string") {
    const level = LEVEL_NAMES[value.replace(SPACE, "").toLowerCase()];
    if (level !== undefined) return level;
    const cut = [...value].slice(0, 24).join("");
    throw new RangeError(`${what} "${cut}" is not a level: use trace, debug, info, warn, error, critical or off`);
  }
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0 && value <= 6) return value;
    throw new RangeError(`${what} must be an integer from 0 (trace) to 6 (off)`);
  }
  throw typeError(what, 'a level name such as "info" or a number 0–6');
}

// An options object as given (undefined and null are an empty one).
function options(value, what) {
  if (value != null && typeof value !== "object") throw typeError(what, "an object");
  return value;
}

// `object[key]`, undefined when it is null or the object is absent; a
// getter that throws makes the caller throw the same.
function field(object, key) {
  const value = object == null ? undefined : object[key];
  return value === null ? undefined : value;
}

// `object[key]` as a number (a whole one from 0 to 2^53 - 1 when `whole`),
// undefined when absent; `what` is the object's name in the error.
function number(object, key, what, whole) {
  const value = field(object, key);
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw typeError(`${what}.${key}`, "a number");
  if (whole && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`${what}.${key} must be a whole number from 0 to 2^53 - 1`);
  }
  return value;
}

// A level (mode 0: "off" refused), level filter (1) or console setting
// (2: also true and false), 0 to 6.
function levelArg(value, what, mode) {
  if (mode === 2 && typeof value === "boolean") return value ? 0 : 6;
  const filter = levelFilter(value, what);
  if (mode === 0 && filter === 6) {
    throw new RangeError(`${what} cannot be "off" here: use trace, debug, info, warn, error or critical`);
  }
  return filter;
}

// What was wrong with the last options `vitals_options` refused, for the
// constructor to throw (`vitals_fault(13)`).
let optionsError = null;

// `new Vitals(options)`: capacity * 256 + level * 16 + console; or -1 when
// they are wrong, the error kept in `optionsError` (thrown by the
// constructor, so the module needs no glue to catch it).
export function vitals_options(value) {
  try {
    const o = options(value, "options");
    const capacity = number(o, "capacityBytes", "options", true) ?? 65536;
    if (capacity < 256 || capacity > 268435456) {
      throw new RangeError("options.capacityBytes must be from 256 to 268435456 (256 MiB)");
    }
    let given = field(o, "level");
    const level = given === undefined ? 2 : levelFilter(given, "options.level");
    given = field(o, "console");
    return capacity * 256 + level * 16 + (given === undefined ? 0 : levelArg(given, "options.console", 2));
  } catch (error) {
    optionsError = error;
    return -1;
  }
}

// `entries(query)`: since, limit (Infinity for none), level filter, type
// (0 log, 1 metric, 2 event, 3 any).
function query(value) {
  const q = options(value, "query");
  const since = number(q, "since", "query", true) ?? 0;
  const limit = number(q, "limit", "query", true) ?? Infinity;
  const level = field(q, "level");
  const filter = level === undefined ? 0 : levelFilter(level, "query.level");
  const type = field(q, "type");
  let kind = 3;
  if (type !== undefined) {
    if (typeof type !== "string") throw typeError("query.type", "a string");
    kind = KINDS.indexOf(type);
    if (kind < 0) throw new RangeError('query.type must be "log", "metric" or "event"');
  }
  return [since, limit, filter, kind];
}

// `addRule(rule)`: metric, instance, warn, error, critical (0 when not
// given), which of the three are given (bits 0 to 2), for, hysteresis,
// below.
function rule(value) {
  if (value == null || typeof value !== "object") throw typeError("rule", "an object");
  const metric = field(value, "metric");
  if (metric === undefined) throw new TypeError("rule.metric must be a metric name");
  if (typeof metric !== "string") throw typeError("rule.metric", "a string");
  const instance = number(value, "instance", "rule", true) ?? 0;
  if (instance > 65535) throw new RangeError("rule.instance must be at most 65535");
  const thresholds = ["warn", "error", "critical"].map((key) => number(value, key, "rule"));
  const given = thresholds.reduce((bits, t, i) => (t === undefined ? bits : bits | (1 << i)), 0);
  if (!given) throw new TypeError("a rule needs at least one of warn, error, critical");
  const samples = number(value, "for", "rule", true) ?? 1;
  if (samples < 1 || samples > 255) throw new RangeError("rule.for must be from 1 to 255 samples");
  const hysteresis = number(value, "hysteresis", "rule") ?? 0;
  const below = field(value, "below");
  if (below !== undefined && typeof below !== "boolean") throw typeError("rule.below", "true or false");
  return [metric, instance, ...thresholds.map((t) => t ?? 0), given, samples, hysteresis, below ? 1 : 0];
}

// `metric(name, value, unit)`: checks the name and value; the unit's code,
// or 255 when none is given.
function unitCode(name, value, unit) {
  if (typeof name !== "string") throw typeError("name", "a string");
  if (typeof value !== "number") throw typeError("value", "a number");
  if (unit == null) return 255;
  if (typeof unit !== "string") throw typeError("unit", "a string");
  const code = UNITS.findIndex(([word, symbol]) => unit.toLowerCase() === word || (symbol && unit === symbol));
  if (code >= 0) return code;
  throw new RangeError(
    "unit must be one of none, percent (%), bytes (B), seconds (s), milliseconds (ms), celsius, hertz (Hz), volts (V)",
  );
}

// `setTargetLevel(target, level)`: checks the target; the level filter and
// the target trimmed (as Rust's `str::trim` does).
function targetLevel(target, level) {
  if (typeof target !== "string") throw typeError("target", "a string");
  const filter = levelFilter(level, "level");
  const trimmed = target.replace(SPACE, "");
  if (!trimmed) throw new RangeError("target must not be empty: use setLevel for the default");
  return [filter, trimmed];
}

// `start(intervalMs)`: the interval, checked.
function interval(value) {
  if (typeof value !== "number") throw typeError("intervalMs", "a number");
  if (value >= 10 && value <= 2147483647) return value;
  throw new RangeError("intervalMs must be from 10 to 2147483647");
}

// `importBinary(bytes)`: a Uint8Array of the bytes in a Uint8Array or ArrayBuffer.
function dump(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError("bytes must be a Uint8Array or an ArrayBuffer");
}

// The size-first build's panic handler, just before the module traps.
export function vitals_panic() {
  console.error("vitals: the module panicked and stopped; this Vitals can no longer be used");
}

// `value` with the unit of code `unit` as the core's `format::Value` shows
// it (the rules of `Value::shown`: non-finite values as words, bytes scaled
// to KiB … EiB with one decimal, other units whole or with one decimal,
// no unit as the shortest form), written into the `cap` bytes at address `at`
// of the module's memory (an i32: read as unsigned); the bytes written.
export function vitals_value(value, unit, at, cap) {
  let text = String(value);
  if (!Number.isFinite(value)) {
    text = value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN";
  } else if (unit === 2) {
    let [v, i] = [value, 0];
    for (; i < 6 && Math.abs(v) >= 1024; i++) v /= 1024;
    text = i ? `${v.toFixed(1)} ${"KMGTPE"[i - 1]}iB` : `${text} B`;
  } else if (unit) {
    text = value.toFixed(Math.abs(value) < 1e15 && Number.isInteger(value) ? 0 : 1) + UNITS[unit][1];
  }
  fresh();
  at >>>= 0;
  return encoder.encodeInto(text, bytes.subarray(at, at + cap)).written;
}

function names(ptr, len) {
  const rows = new Rows(ptr, len);
  const out = [];
  while (rows.at < rows.end) out.push(rows.text());
  return out;
}

// Reads the rows `rows.rs` writes: little-endian numbers, u16-prefixed
// UTF-8 text.
class Rows {
  constructor(ptr, len) {
    fresh();
    this.at = ptr;
    this.end = ptr + len;
  }
  u8() {
    return bytes[this.at++];
  }
  u16() {
    const v = view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }
  f64() {
    const v = view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
  text() {
    const n = this.u16();
    const s = decoder.decode(bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
  // name, id, unit code, instance, label → metric, unit?, instance?, label?
  series(o) {
    const name = this.text();
    const id = this.u16();
    const unit = this.u8();
    const instance = this.u16();
    const label = this.text();
    o.metric = name || `metric#${id}`;
    if (unit) o.unit = UNITS[unit][0];
    if (instance) o.instance = instance;
    if (label) o.label = label;
  }
}

const level = (code) => LEVELS[code] || "ok";

function entries(ptr, len, anchor) {
  const rows = new Rows(ptr, len);
  const out = [];
  while (rows.at < rows.end) {
    const kind = rows.u8();
    const o = { seq: rows.f64(), ts: rows.f64() };
    if (!Number.isNaN(anchor)) {
      const ms = Math.trunc((o.ts + anchor) / 1000);
      if (Math.abs(ms) <= MAX_DATE_MS) o.time = new Date(ms).toISOString();
    }
    if (kind === 0) {
      o.type = "log";
      o.level = level(rows.u8());
      const truncated = rows.u8();
      o.target = rows.text();
      o.message = rows.text();
      if (truncated) o.truncated = true;
    } else if (kind === 1) {
      o.type = "metric";
      rows.series(o);
      o.value = rows.f64();
    } else if (kind === 2) {
      o.type = "event";
      event(rows, o);
    } else {
      o.type = "unknown";
    }
    out.push(o);
  }
  return out;
}

function event(rows, o) {
  const code = rows.u8();
  if (code === 0) {
    o.event = "dropped";
    o.count = rows.f64();
    o.level = "warn";
    o.message = `${o.count} entries lost: the ring was full`;
  } else if (code === 1) {
    o.event = "boot";
    o.reason = REASONS[rows.u8()] ?? "other";
    o.message = `boot (${o.reason})`;
  } else if (code === 2) {
    o.event = "anchor";
    o.unixUs = rows.f64();
    o.message = "clock anchored to wall time";
  } else if (code === 3) {
    o.event = "threshold";
    rows.series(o);
    o.value = rows.f64();
    o.threshold = rows.f64();
    o.from = level(rows.u8());
    const to = rows.u8();
    o.to = level(to);
    o.level = LEVELS[to] || "info";
  } else {
    o.event = "unknown";
  }
}

// Numbers `f64`s at `ptr` (not aligned to 8).
function numbers(ptr, len) {
  const v = [];
  for (let at = ptr; at < ptr + len; at += 8) v.push(view.getFloat64(at, true));
  return v;
}

function stats(ptr, len) {
  const v = numbers(ptr, len);
  const byLevel = {};
  LEVELS.forEach((name, i) => (byLevel[name] = v[11 + i]));
  return {
    capacity: v[0], usedBytes: v[1], fillPercent: v[2], entries: v[3], firstSeq: v[4], nextSeq: v[5],
    written: v[6], dropped: v[7], overwritten: v[8], lost: v[9], truncated: v[10], byLevel,
    samples: v[17], events: v[18],
  };
}

function report(ptr, len) {
  const v = numbers(ptr, len);
  return {
    imported: v[0], refused: v[1], frames: v[2], badFrames: v[3], skippedBytes: v[4], gaps: v[5], lost: v[6],
    anchored: v[7] !== 0,
  };
}

// What `_call` does, by number: `mod call` in `vitals.rs`.
const CALL = {
  stats: 0, metricNames: 1, exportBinary: 2, entries: 3, setLevel: 4, setConsole: 5, setTargetLevel: 6,
  sample: 7, stop: 8, metric: 9, addRule: 10, importBinary: 11, scratch: 12, importBuffer: 13, log: 100,
};

// An instance's scratch buffer, kept on it: its address, and the room for
// a target and a message (the core's MAX_TARGET_LEN and MAX_MESSAGE_LEN).
const SCRATCH = Symbol("vitals.scratch");

function scratch(vitals) {
  const ptr = vitals._call(CALL.scratch, 0);
  if (ptr < 0) throw fault(ptr, "");
  fresh();
  const room = view.getUint32(ptr, true);
  return (vitals[SCRATCH] = [ptr, room & 0xffff, room >>> 16]);
}

// `_call(what)` with up to 8 `numbers` and a `text` written into the
// scratch buffer (see `CallArgs` in `bridge.rs`): numbers where `log`'s
// target goes, the text where its message goes. Throws the fault a
// negative result stands for; else the result (NaN for undefined).
function call(vitals, what, args = [], text = "") {
  const [ptr, target, message] = vitals[SCRATCH] ?? scratch(vitals);
  fresh();
  args.forEach((n, i) => view.setFloat64(ptr + 8 + 8 * i, n, true));
  const r = vitals._call(what, text ? put(text, ptr + 8 + target, message) & 0x3ff : 0);
  if (r < 0) throw fault(r, text);
  return r;
}

// A call whose result is `len` bytes at the address the module left in the
// scratch buffer's first 4 bytes, read by `read(ptr, len)`.
function rows(vitals, what, read, args) {
  const len = call(vitals, what, args);
  fresh();
  return read(view.getUint32(vitals[SCRATCH][0], true), len);
}

// `log` and its helpers: the target and message checked, then written with
// the time of the call into the instance's scratch buffer (Date.now() as
// f64, then room for the target, then for the message), cut at a
// character boundary when they do not fit; `_call(CALL.log + level)` gets
// their lengths
// (tlen | tcut << 10 | mlen << 11 | mcut << 21) and sets the buffer's
// first byte when the entry is to go to the console too. One call into
// the module, no allocation: the hot path of `vitals.info(target, message)`.
function logAt(vitals, level, target, message) {
  if (typeof target !== "string") throw typeError("target", "a string");
  if (typeof message !== "string") throw typeError("message", "a string");
  const room = vitals[SCRATCH] ?? scratch(vitals);
  const ptr = room[0];
  fresh();
  view.setFloat64(ptr, Date.now(), true);
  const t = put(target, ptr + 8, room[1]);
  const m = put(message, ptr + 8 + room[1], room[2]);
  const seq = vitals._call(CALL.log + level, t | (m << 11));
  if (seq < 0) throw fault(seq, "");
  fresh();
  if (bytes[ptr]) console[CONSOLE[level]](target ? `${target}: ${message}` : message);
  return seq === seq ? seq : undefined;
}

// The methods of `Vitals` written here (declared for TypeScript in
// `lib.rs`): each checks its arguments and calls the module's private
// export, `_call` (see `call` and `logAt`).
// The sampling timer of each instance that has one (`start`).
const TIMERS = new WeakMap();
// The class's own `free`, which `METHODS.free` calls after stopping the timer.
let freeModule = null;
const METHODS = {
  /** Stores a log entry; its sequence number, or undefined when the level filter left it out. */
  log(level, target, message) {
    return logAt(this, levelArg(level, "level", 0), target, message);
  },
  trace(target, message) {
    return logAt(this, 0, target, message);
  },
  debug(target, message) {
    return logAt(this, 1, target, message);
  },
  info(target, message) {
    return logAt(this, 2, target, message);
  },
  warn(target, message) {
    return logAt(this, 3, target, message);
  },
  error(target, message) {
    return logAt(this, 4, target, message);
  },
  critical(target, message) {
    return logAt(this, 5, target, message);
  },
  setLevel(level) {
    call(this, CALL.setLevel, [levelArg(level, "level", 1)]);
  },
  setConsole(level) {
    call(this, CALL.setConsole, [levelArg(level, "level", 2)]);
  },
  setTargetLevel(target, level) {
    const [filter, trimmed] = targetLevel(target, level);
    call(this, CALL.setTargetLevel, [filter], trimmed);
  },
  stats() {
    return rows(this, CALL.stats, stats);
  },
  metricNames() {
    return rows(this, CALL.metricNames, names);
  },
  exportBinary() {
    return rows(this, CALL.exportBinary, (ptr, len) => bytes.slice(ptr, ptr + len));
  },
  entries(query_) {
    // The ring's anchor first, then the rows.
    const read = (ptr, len) => entries(ptr + 8, len - 8, view.getFloat64(ptr, true));
    return rows(this, CALL.entries, read, query(query_));
  },
  metric(name, value, unit) {
    const seq = call(this, CALL.metric, [value, unitCode(name, value, unit)], name);
    return seq === seq ? seq : undefined;
  },
  addRule(value) {
    const [metric, ...numbers] = rule(value);
    call(this, CALL.addRule, numbers, metric);
  },
  importBinary(data) {
    const source = dump(data);
    const ptr = call(this, CALL.importBuffer, [source.length]);
    fresh();
    bytes.set(source, ptr);
    return rows(this, CALL.importBinary, report);
  },
  sample() {
    return call(this, CALL.sample);
  },
  start(intervalMs) {
    const ms = interval(intervalMs);
    this.stop();
    call(this, CALL.sample);
    // A weak reference, so a Vitals that is no longer used still goes.
    const ref = new WeakRef(this);
    const id = setInterval(() => {
      const vitals = ref.deref();
      if (!vitals) return clearInterval(id);
      try {
        call(vitals, CALL.sample);
      } catch {
        // Busy: inside one of its own calls; the next tick samples.
      }
    }, ms);
    TIMERS.set(this, id);
  },
  stop() {
    clearInterval(TIMERS.get(this));
    TIMERS.delete(this);
    call(this, CALL.stop);
  },
  get running() {
    return TIMERS.has(this);
  },
  free() {
    clearInterval(TIMERS.get(this));
    TIMERS.delete(this);
    // The scratch buffer goes with the instance: a later call asks for it
    // again, and the module throws, before anything is written to memory
    // that may be someone else's by then.
    delete this[SCRATCH];
    freeModule.call(this);
  },
};
