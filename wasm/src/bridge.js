// The JavaScript half of the `Vitals` class: what is cheaper to do on this
// side of the boundary than to carry in the module. The `log` arguments
// are encoded straight into the module's memory; entries, counters and
// reports arrive as compact byte rows and become plain objects here;
// errors, console lines and number text are made here too.

let memory = null;
let bytes = new Uint8Array(0);
let view = new DataView(new ArrayBuffer(8));
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LEVELS = ["trace", "debug", "info", "warn", "error", "critical"];
const CONSOLE = ["debug", "log", "info", "warn", "error", "error"];
/// Milliseconds a `Date` can hold either side of 1970.
const MAX_DATE_MS = 8.64e15;

export function vitals_bind_memory(m) {
  memory = m;
  bytes = new Uint8Array(0);
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

// The `log` arguments, checked and encoded in one call. Layout at ptr:
// Date.now() as f64, then the target (cap tcap), then the message (cap
// mcap). Returns -1 or -2 when the target or the message is not a string,
// else tlen | tcut << 10 | mlen << 11 | mcut << 21 (lengths below 1024).
export function vitals_log_args(target, message, ptr, tcap, mcap) {
  if (typeof target !== "string") return -1;
  if (typeof message !== "string") return -2;
  fresh();
  view.setFloat64(ptr, Date.now(), true);
  const t = put(target, ptr + 8, tcap);
  const m = put(message, ptr + 8 + tcap, mcap);
  return t | (m << 11);
}

// The messages of `Fault` in `fault.rs`, in its order: `$` is `what`,
// `%` is `detail` (cut to 24 characters).
const FAULTS = [
  [TypeError, "$ must be a string"],
  [RangeError, '$ cannot be "off" here: use trace, debug, info, warn, error or critical'],
  [RangeError, '$ "%" is not a level: use trace, debug, info, warn, error, critical or off'],
  [RangeError, "$ must be an integer from 0 (trace) to 6 (off)"],
  [TypeError, '$ must be a level name such as "info" or a number 0–6'],
  [RangeError, "unit must be one of none, percent (%), bytes (B), seconds (s), milliseconds (ms), celsius, hertz (Hz), volts (V)"],
  [TypeError, "$ must be an object"],
  [TypeError, "$ must be a number"],
  [Error, "Vitals is busy: it was called from inside one of its own calls (a console override?)"],
  [RangeError, "options.capacityBytes must be from 256 to 268435456 (256 MiB)"],
  [RangeError, "options.capacityBytes is more memory than the page can have"],
  [RangeError, "the metric registry cannot hold the browser metrics"],
  [TypeError, 'metric "$" has unit %; record it without a unit or with that one'],
  [RangeError, "intervalMs must be from 10 to 2147483647"],
  [RangeError, 'query.type must be "log", "metric" or "event"'],
  [RangeError, "target must not be empty: use setLevel for the default"],
  [RangeError, "target rule refused: targets are at most 64 bytes and an instance holds 16 rules"],
  [TypeError, "rule.metric must be a metric name"],
  [RangeError, "rule.instance must be at most 65535"],
  [TypeError, "a rule needs at least one of warn, error, critical"],
  [RangeError, "rule.for must be from 1 to 255 samples"],
  [RangeError, 'rule.metric "$" is not known: use a catalog or browser.* name, or record it once with metric()'],
  [RangeError, "rule table is full (32 rules)"],
  [RangeError, "rule thresholds must be ordered warn <= error <= critical (>= with below: true)"],
  [RangeError, "rule thresholds must be finite numbers and hysteresis finite and >= 0"],
  [RangeError, "metric registry is full (64 metrics)"],
  [RangeError, "metric name is longer than 48 bytes"],
  [TypeError, 'metric "$" exists with another unit or kind'],
  [TypeError, "metric name must be non-empty and use only letters, digits, `_`, `.`, `:` or `-`"],
];

export function vitals_fault(code, what, detail) {
  const [Kind, message] = FAULTS[code];
  const cut = [...detail].slice(0, 24).join("");
  return new Kind(message.replace("$", () => what).replace("%", () => cut));
}

// `object[key]`, undefined when it is null or the object is absent; a
// getter that throws makes the caller throw the same.
export function vitals_field(object, key) {
  const value = object == null ? undefined : object[key];
  return value === null ? undefined : value;
}

// `object[key]` as a number (a whole one from 0 to 2^53 - 1 when `whole`),
// undefined when absent; `what` is the object's name in the error.
export function vitals_number_field(object, key, what, whole) {
  const value = vitals_field(object, key);
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw new TypeError(`${what}.${key} must be a number`);
  if (whole && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`${what}.${key} must be a whole number from 0 to 2^53 - 1`);
  }
  return value;
}

// `object[key]` as a boolean, undefined when absent.
export function vitals_bool_field(object, key, what) {
  const value = vitals_field(object, key);
  if (value === undefined || typeof value === "boolean") return value;
  throw new TypeError(`${what}.${key} must be true or false`);
}

// A log line to the console method of its level (0 trace … 5 critical).
export function vitals_console(level, target, message) {
  console[CONSOLE[level]](target ? `${target}: ${message}` : message);
}

// The size-first build's panic handler, just before the module traps.
export function vitals_panic() {
  console.error("vitals: the module panicked and stopped; this Vitals can no longer be used");
}

// A number as JavaScript writes it, with `digits` decimals unless negative.
export function vitals_number(value, digits) {
  return digits < 0 ? String(value) : value.toFixed(digits);
}

// A Uint8Array of the bytes in a Uint8Array or ArrayBuffer.
export function vitals_bytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError("bytes must be a Uint8Array or an ArrayBuffer");
}

export function vitals_names(ptr, len) {
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
  // name, id, unit, instance, label → metric, unit?, instance?, label?
  series(o) {
    const name = this.text();
    const id = this.u16();
    const unit = this.text();
    const instance = this.u16();
    const label = this.text();
    o.metric = name || `metric#${id}`;
    if (unit) o.unit = unit;
    if (instance) o.instance = instance;
    if (label) o.label = label;
  }
}

const level = (code) => LEVELS[code] || "ok";

export function vitals_entries(ptr, len, anchor) {
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
    o.reason = rows.text();
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

export function vitals_stats(v) {
  const byLevel = {};
  LEVELS.forEach((name, i) => (byLevel[name] = v[11 + i]));
  return {
    capacity: v[0], usedBytes: v[1], fillPercent: v[2], entries: v[3], firstSeq: v[4], nextSeq: v[5],
    written: v[6], dropped: v[7], overwritten: v[8], lost: v[9], truncated: v[10], byLevel,
    samples: v[17], events: v[18],
  };
}

export function vitals_report(v) {
  return {
    imported: v[0], refused: v[1], frames: v[2], badFrames: v[3], skippedBytes: v[4], gaps: v[5], lost: v[6],
    anchored: v[7] !== 0,
  };
}
