// The Vitals dashboard: browser metrics as live charts, the log with a
// level filter and search, counters, and export/import of the wire format.
// Plain <canvas>, no libraries, works offline.
import init, { Vitals } from "./pkg/vitals_wasm.js";

const CHARTED = [
  "browser.fps", "browser.js_heap_used", "browser.long_task_time", "browser.net_rtt",
  "browser.storage_used", "ring.used", "browser.uptime",
];
const HISTORY = 120; // points kept per chart
const LEVELS = ["trace", "debug", "info", "warn", "error", "critical"];
const MAX_ROWS = 500;

const $ = (id) => document.getElementById(id);
const series = new Map(); // metric name → { values: number[], unit, canvas, valueEl }
const rows = []; // log and event entries, oldest first
let vitals;
let next = 0; // next sequence number to read

function formatValue(value, unit) {
  if (!Number.isFinite(value)) return String(value);
  if (unit === "bytes") {
    const prefixes = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (Math.abs(value) >= 1024 && i < prefixes.length - 1) { value /= 1024; i++; }
    return `${i ? value.toFixed(1) : value} ${prefixes[i]}`;
  }
  const symbols = { percent: "%", seconds: " s", milliseconds: " ms", hertz: " Hz", celsius: " °C", volts: " V" };
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return text + (symbols[unit] || "");
}

function chartFor(name, unit) {
  let s = series.get(name);
  if (s) return s;
  const box = document.createElement("div");
  box.className = "chart";
  box.dataset.metric = name;
  box.innerHTML = `<div class="name"><span>${name}</span><span class="value"></span></div><canvas></canvas>`;
  $("charts").append(box);
  s = { values: [], unit, canvas: box.querySelector("canvas"), valueEl: box.querySelector(".value") };
  series.set(name, s);
  return s;
}

function draw(s) {
  const canvas = s.canvas;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth * ratio, height = canvas.clientHeight * ratio;
  if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, width, height);
  const values = s.values;
  if (values.length < 2) return;
  let min = Math.min(...values), max = Math.max(...values);
  if (min === max) { min -= 1; max += 1; }
  const x = (i) => (i / (HISTORY - 1)) * width;
  const y = (v) => height - 2 - ((v - min) / (max - min)) * (height - 4);
  const offset = HISTORY - values.length;
  ctx.beginPath();
  values.forEach((v, i) => (i ? ctx.lineTo(x(i + offset), y(v)) : ctx.moveTo(x(i + offset), y(v))));
  ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue("--accent") || "#2a7ae2";
  ctx.lineWidth = 1.5 * ratio;
  ctx.stroke();
}

function addRow(entry) {
  rows.push(entry);
  if (rows.length > MAX_ROWS * 4) rows.splice(0, rows.length - MAX_ROWS * 2);
}

function renderLog() {
  const min = LEVELS.indexOf($("level").value);
  const needle = $("search").value.trim().toLowerCase();
  const shown = [];
  for (let i = rows.length - 1; i >= 0 && shown.length < MAX_ROWS; i--) {
    const e = rows[i];
    if (LEVELS.indexOf(e.level || "info") < min) continue;
    const text = `${e.target || ""} ${e.message || ""}`.toLowerCase();
    if (needle && !text.includes(needle)) continue;
    shown.push(e);
  }
  const body = document.createElement("tbody");
  for (const e of shown) {
    const tr = document.createElement("tr");
    tr.className = e.level || "info";
    const time = e.time ? e.time.slice(11, 23) : (e.ts / 1e6).toFixed(3) + " s";
    const level = e.type === "event" ? (e.level || "event") : e.level;
    const target = e.type === "event" ? `(${e.event})` : e.target;
    for (const text of [e.seq, time, level.toUpperCase(), target, e.message || ""]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    tr.children[2].className = "level";
    body.append(tr);
  }
  $("log").tBodies[0].replaceWith(body);
  $("shown").textContent = `${shown.length} shown`;
}

function poll() {
  const fresh = vitals.entries({ since: next });
  for (const e of fresh) {
    next = e.seq + 1;
    if (e.type === "metric") {
      if (!CHARTED.includes(e.metric)) continue;
      const s = chartFor(e.metric, e.unit);
      s.values.push(e.value);
      if (s.values.length > HISTORY) s.values.shift();
      s.valueEl.textContent = formatValue(e.value, e.unit);
    } else if (e.type === "log" || (e.type === "event" && e.event !== "threshold")) {
      addRow(e);
    }
  }
  for (const s of series.values()) draw(s);
  if (fresh.length) renderLog();
  const stats = vitals.stats();
  $("count-entries").textContent = stats.entries;
  $("count-written").textContent = stats.written;
  $("count-dropped").textContent = stats.lost;
  $("count-fill").textContent = `${stats.fillPercent.toFixed(0)}%`;
  document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
}

function download(bytes) {
  const blob = new Blob([bytes], { type: "application/octet-stream" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `vitals-${new Date().toISOString().replace(/[:.]/g, "-")}.vitals`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function main() {
  await init();
  const params = new URLSearchParams(location.search);
  vitals = new Vitals({ capacityBytes: 256 * 1024, level: params.get("level") || "debug", console: "warn" });
  window.vitals = vitals; // for the console and for end-to-end tests
  vitals.addRule({ metric: "browser.fps", warn: 30, error: 15, below: true, for: 3, hysteresis: 5 });
  vitals.addRule({ metric: "browser.long_task_time", warn: 500, error: 2000 });
  vitals.info("dashboard", "started");
  vitals.start(Number(params.get("interval")) || 1000);
  $("export").onclick = () => {
    const bytes = vitals.exportBinary();
    window.lastExport = bytes;
    download(bytes);
    $("status").textContent = `exported ${bytes.length} bytes`;
  };
  $("import").onchange = async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const report = vitals.importBinary(new Uint8Array(await file.arrayBuffer()));
    window.lastImport = report;
    $("status").textContent = `imported ${report.imported} entries from ${report.frames} frames` +
      (report.badFrames ? `, ${report.badFrames} damaged frames (${report.skippedBytes} bytes) skipped` : "") +
      (report.lost ? `, ${report.lost} entries missing` : "");
    event.target.value = "";
  };
  $("emit").onclick = () => vitals.warn("dashboard", "test entry from the button");
  $("block").onclick = () => { const end = performance.now() + 120; while (performance.now() < end); };
  $("level").onchange = renderLog;
  $("search").oninput = renderLog;
  setInterval(poll, 500);
  poll();
}

main().catch((error) => {
  $("status").textContent = `failed to start: ${error}`;
  console.error(error);
});
