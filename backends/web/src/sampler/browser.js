// The browser side of `BrowserSampler`: every optional API is read here,
// in JavaScript, where a missing object or a throwing getter costs one
// `try`, and the frame counter, long-task observer and storage estimate
// run without a Rust closure each. `sampler_read` writes one reading into
// a Float64Array in `BROWSER_METRICS` order, NaN for a metric the browser
// lacks; `browser.net_type` gets 1 (slow-2g) to 4 (4g).

const EFFECTIVE_TYPES = ["slow-2g", "2g", "3g", "4g"];
const GIB = 1024 * 1024 * 1024;

// `read()`, or undefined when it throws.
function attempt(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}

// A finite number, else NaN.
function finite(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : NaN;
}

// Frames counted by a self-rearming requestAnimationFrame callback; each
// reading is frames over the time they spanned since the last reading.
function frameCounter() {
  if (typeof attempt(() => globalThis.requestAnimationFrame) !== "function") return null;
  const counter = { start: -1, last: 0, frames: 0, id: 0, running: true };
  const frame = (ms) => {
    if (!counter.running) return;
    if (counter.start < 0) counter.start = ms;
    else counter.frames++;
    counter.last = ms;
    counter.id = attempt(() => globalThis.requestAnimationFrame(frame));
  };
  counter.id = attempt(() => globalThis.requestAnimationFrame(frame));
  return counter;
}

function takeFps(counter) {
  if (!counter || counter.start < 0) return NaN;
  const span = counter.last - counter.start;
  if (counter.frames === 0 || span <= 0) return NaN;
  const fps = (counter.frames * 1000) / span;
  counter.start = counter.last;
  counter.frames = 0;
  return fps;
}

// Long tasks (main-thread work over 50 ms): a running count and total ms.
function longTasks() {
  const Observer = attempt(() => globalThis.PerformanceObserver);
  const types = attempt(() => Observer.supportedEntryTypes);
  if (!Array.isArray(types) || !types.includes("longtask")) return null;
  const totals = { count: 0, ms: 0, observer: null };
  totals.observer = attempt(() => {
    const observer = new Observer((list) => {
      for (const entry of attempt(() => list.getEntries()) || []) {
        totals.count++;
        totals.ms += finite(entry.duration) || 0;
      }
    });
    observer.observe({ type: "longtask", buffered: true });
    return observer;
  });
  return totals.observer ? totals : null;
}

// navigator.storage.estimate(), asked again at each reading while no
// answer is pending; a reading reports the newest answer.
function storageEstimate() {
  if (typeof attempt(() => globalThis.navigator.storage.estimate) !== "function") return null;
  const estimate = { usage: NaN, quota: NaN, pending: false };
  refresh(estimate);
  return estimate;
}

function refresh(estimate) {
  if (!estimate || estimate.pending) return;
  const settled = (answer) => {
    estimate.pending = false;
    const usage = finite(attempt(() => answer.usage));
    const quota = finite(attempt(() => answer.quota));
    if (!Number.isNaN(usage) && !Number.isNaN(quota)) {
      estimate.usage = usage;
      estimate.quota = quota;
    }
  };
  estimate.pending = attempt(() => {
    globalThis.navigator.storage.estimate().then(settled, settled);
    return true;
  }) === true;
}

export function sampler_start() {
  return { frames: frameCounter(), tasks: longTasks(), storage: storageEstimate() };
}

export function sampler_stop(sampler) {
  const frames = sampler.frames;
  if (frames) {
    frames.running = false;
    attempt(() => globalThis.cancelAnimationFrame(frames.id));
  }
  if (sampler.tasks) attempt(() => sampler.tasks.observer.disconnect());
  sampler.frames = sampler.tasks = null;
}

export function sampler_read(sampler, wasmMemory, at, len) {
  const out = new Float64Array(wasmMemory.buffer, at >>> 0, len);
  out.fill(NaN);
  const performance = attempt(() => globalThis.performance);
  const memory = attempt(() => performance.memory);
  out[0] = finite(attempt(() => memory.usedJSHeapSize));
  out[1] = finite(attempt(() => memory.totalJSHeapSize));
  out[2] = finite(attempt(() => memory.jsHeapSizeLimit));
  const navigator = attempt(() => globalThis.navigator);
  out[3] = finite(attempt(() => navigator.hardwareConcurrency));
  out[4] = finite(attempt(() => navigator.deviceMemory)) * GIB;
  const connection = attempt(() => navigator.connection);
  out[5] = EFFECTIVE_TYPES.indexOf(attempt(() => connection.effectiveType)) + 1 || NaN;
  out[6] = finite(attempt(() => connection.downlink));
  out[7] = finite(attempt(() => connection.rtt));
  out[8] = takeFps(sampler.frames);
  if (sampler.tasks) {
    out[9] = sampler.tasks.count;
    out[10] = sampler.tasks.ms;
  }
  if (sampler.storage) {
    out[11] = sampler.storage.usage;
    out[12] = sampler.storage.quota;
    refresh(sampler.storage);
  }
  out[13] = finite(attempt(() => performance.now())) / 1000;
}

// The wall-clock time (ms since 1970) of the page's time origin.
export function time_origin() {
  const origin = finite(attempt(() => globalThis.performance.timeOrigin));
  return Number.isNaN(origin) ? Date.now() : origin;
}

export function date_now() {
  return Date.now();
}
