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

// An error whose message is a + b + c: a TypeError (kind 0), a RangeError
// (1) or an Error (2).
export function vitals_error(kind, a, b, c) {
  return new [TypeError, RangeError, Error][kind](a + b + c);
}

// `object[key]`; a getter that throws makes the caller throw the same.
export function vitals_field(object, key) {
  return object[key];
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

export function vitals_lines(text) {
  return text ? text.split("\n") : [];
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
