//! The dashboard page end to end, as a person uses it: `wasm/www` served on
//! loopback, opened in headless Chromium driven over W3C WebDriver
//! (`/usr/bin/chromedriver`, plain HTTP + JSON), then
//!
//! 1. samples arrive: the page refreshed, charts are drawn, the log table
//!    has rows;
//! 2. the Export button's bytes decode with the desktop `vitals decode`;
//! 3. a firmware-style dump made here with the core's `Ring` and
//!    `wire::encode_frame` is imported through the file input and shows up
//!    in the report and the table;
//! 4. a screenshot goes to `target/web-e2e.png`.
//!
//! It needs the built page (`wasm/www/pkg`), Chromium and ChromeDriver, so
//! it is `#[ignore]`d in plain `cargo test`; the web step of `cargo xtask
//! test` builds the page and runs it:
//!
//! ```text
//! cargo xtask web            # builds wasm/www/pkg (then serves it; Ctrl-C)
//! cargo test -p vitals-wasm --test e2e -- --ignored --nocapture
//! ```
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use vitals_core::wire::{encode_frame, MAX_FRAME_LEN};
use vitals_core::{Cursor, Event, Level, MetricId, Policy, ResetReason, Ring, Series};

/// How long the page may take to show what a step waits for.
const DEADLINE: Duration = Duration::from_secs(60);
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// W3C WebDriver's key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

#[test]
#[ignore = "needs the built page (wasm/www/pkg), Chromium and ChromeDriver: \
            run by `cargo xtask test`, or `cargo test -p vitals-wasm --test e2e -- --ignored`"]
fn the_dashboard_charts_exports_and_imports_in_chromium() {
    let started = Instant::now();
    let root = workspace_root();
    let www = root.join("wasm/www");
    assert!(
        www.join("pkg/vitals_wasm.js").is_file() && www.join("pkg/vitals_wasm_bg.wasm").is_file(),
        "{} is missing: run `cargo xtask web` or `cargo xtask test` first (they build the page)",
        www.join("pkg/vitals_wasm.js").display()
    );
    for tool in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(tool).is_file(),
            "{tool} is missing: `cargo xtask test` installs Debian's chromium and chromium-driver"
        );
    }
    // Built first, so the browser is not kept waiting on the compiler.
    let vitals = build_vitals_binary(&root);
    let temp = TempDir::new();

    let server = StaticServer::start(&www);
    let mut browser = Browser::start(&temp.0);
    // Sampling every 250 ms (the page's `interval` parameter) instead of
    // every second fills the charts sooner.
    browser.navigate(&format!("http://127.0.0.1:{}/index.html?interval=250", server.port));

    // 1. Samples arrive: refreshes counted, charts inked, table filled.
    let page = wait_for("three refreshes, a drawn chart and log rows", || {
        let state = browser.execute(PAGE_STATE, json!([]));
        let ready = state["polls"].as_u64().unwrap_or(0) >= 3
            && state["rows"].as_u64().unwrap_or(0) > 0
            && state["inked"].as_array().is_some_and(|inked| !inked.is_empty());
        if ready {
            Ok(state)
        } else {
            Err(state.to_string())
        }
    });
    println!("page after the first samples: {page}");
    let charts = page["charts"].as_array().expect("chart names").len();
    let inked: Vec<&str> = page["inked"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(charts >= 2, "the page charts several browser metrics: {page}");
    assert!(
        inked.contains(&"browser.uptime") || inked.contains(&"ring.used"),
        "the steadily sampled series are drawn: {page}"
    );
    let table = page["table"].as_str().unwrap_or_default();
    assert!(
        table.contains("dashboard") && table.contains("started"),
        "the start-up entry is listed: {table}"
    );
    assert!(page["entries"].as_u64().unwrap_or(0) > 0, "the entries counter counts: {page}");

    // 2. Export: the button's bytes, decoded by the desktop tool.
    browser.click("#export");
    let exported: Vec<u8> = wait_for("window.lastExport after clicking #export", || {
        let bytes =
            browser.execute("return window.lastExport ? Array.from(window.lastExport) : null;", json!([]));
        match bytes.as_array() {
            Some(bytes) => Ok(bytes.iter().map(|b| b.as_u64().expect("a byte") as u8).collect()),
            None => Err("no export yet".to_owned()),
        }
    });
    assert!(!exported.is_empty(), "the export has bytes");
    let status = browser.execute("return document.getElementById('status').textContent;", json!([]));
    assert_eq!(status, json!(format!("exported {} bytes", exported.len())));
    let export_path = temp.0.join("page-export.vitals");
    fs::write(&export_path, &exported).unwrap();
    let decoded = Command::new(&vitals).arg("decode").arg(&export_path).output().expect("run vitals decode");
    let stdout = String::from_utf8_lossy(&decoded.stdout);
    let stderr = String::from_utf8_lossy(&decoded.stderr);
    assert!(decoded.status.success(), "vitals decode failed ({}): {stderr}\n{stdout}", decoded.status);
    let lines: Vec<&str> = stdout.lines().collect();
    let metric_lines = lines.iter().filter(|l| l.contains(" METRIC ")).count();
    println!(
        "vitals decode: {} lines from {} bytes ({metric_lines} metric samples), e.g.\n  {}",
        lines.len(),
        exported.len(),
        lines.iter().take(6).copied().collect::<Vec<_>>().join("\n  ")
    );
    assert!(stderr.trim().is_empty(), "vitals decode reported trouble: {stderr}");
    assert!(
        lines.iter().any(|l| l.contains(" METRIC ring.used ")),
        "the page's ring.used samples decode: {stdout}"
    );
    assert!(
        lines.iter().any(|l| l.contains(" METRIC browser.")),
        "the page's browser.* samples decode by name (the export ends with their descriptions): {stdout}"
    );
    assert!(metric_lines >= 10, "one round of browser metrics is ~10 samples: {stdout}");
    assert!(
        lines.iter().any(|l| l.contains(" INFO ") && l.contains("dashboard: started")),
        "the page's log entry decodes: {stdout}"
    );
    // The download the button starts is the same file.
    let downloaded = wait_for("the exported file in the download folder", || {
        let found = fs::read_dir(temp.0.join("downloads"))
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "vitals"));
        found.ok_or_else(|| "nothing downloaded yet".to_owned())
    });
    assert_eq!(fs::read(&downloaded).unwrap(), exported, "the downloaded {}", downloaded.display());

    // 3. Import a firmware's dump through the file input.
    let (dump, pushed) = firmware_dump();
    let dump_path = temp.0.join("firmware-dump.vitals");
    fs::write(&dump_path, &dump).unwrap();
    browser.send_keys("#import", &dump_path.display().to_string());
    let report = wait_for("window.lastImport after choosing the dump", || {
        let report = browser.execute("return window.lastImport || null;", json!([]));
        if report.is_null() {
            Err("no import yet".to_owned())
        } else {
            Ok(report)
        }
    });
    println!("import report: {report}");
    assert_eq!(report["imported"], json!(pushed), "every entry of the dump is imported: {report}");
    assert_eq!(report["refused"], json!(0), "{report}");
    assert_eq!(report["badFrames"], json!(0), "{report}");
    assert_eq!(report["lost"], json!(0), "{report}");
    assert!(report["frames"].as_u64().unwrap_or(0) >= 1, "{report}");
    let table = wait_for("the imported entries in the log table", || {
        let table = browser.execute(TABLE_TEXT, json!([]));
        let text = table.as_str().unwrap_or_default().to_owned();
        if text.contains("watchdog fed late") && text.contains("sensor bus hung") {
            Ok(text)
        } else {
            Err(text)
        }
    });
    // innerText puts a tab between cells: level, target, message.
    for shown in [
        "INFO\te2e firmware\tsensor bus up",
        "WARN\te2e firmware\twatchdog fed late",
        "ERROR\te2e firmware\tflash write failed",
        "CRITICAL\te2e firmware\tsensor bus hung",
        "(boot)\tboot (watchdog)",
    ] {
        assert!(table.contains(shown), "the table shows {shown:?}: {table}");
    }
    // The level filter starts at info: the dump's trace and debug lines are
    // imported but not listed.
    assert!(!table.contains("raw adc"), "trace hidden at the info filter: {table}");
    assert!(!table.contains("scheduler tick"), "debug hidden at the info filter: {table}");
    let status = browser.execute("return document.getElementById('status').textContent;", json!([]));
    assert!(
        status.as_str().is_some_and(|s| s.starts_with(&format!("imported {pushed} entries"))),
        "the status line reports the import: {status}"
    );

    // 4. A picture of the page, for a person to look at, once the charts
    //    have some history.
    wait_for("ten refreshes and five drawn charts", || {
        let state = browser.execute(PAGE_STATE, json!([]));
        let inked = state["inked"].as_array().map_or(0, Vec::len);
        if state["polls"].as_u64().unwrap_or(0) >= 10 && inked >= 5 {
            Ok(())
        } else {
            Err(state.to_string())
        }
    });
    let png = base64_decode(browser.screenshot().as_str().expect("base64 PNG"));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "the screenshot is a PNG");
    let shot = target_dir(&root).join("web-e2e.png");
    fs::create_dir_all(shot.parent().unwrap()).unwrap();
    fs::write(&shot, &png).unwrap();
    println!("screenshot: {} ({} bytes)", shot.display(), png.len());

    browser.close();
    drop(server);
    println!("end to end in {:.1} s", started.elapsed().as_secs_f64());
}

/// Refreshes, chart names and which are drawn (any non-transparent pixel),
/// the table's rows and text, the counters and the status line.
const PAGE_STATE: &str = r#"
const charts = [...document.querySelectorAll('#charts .chart')];
const inked = charts.filter((box) => {
  const c = box.querySelector('canvas');
  if (!c || !c.width || !c.height) return false;
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
  return false;
}).map((box) => box.dataset.metric);
return {
  polls: Number(document.body.dataset.polls || 0),
  charts: charts.map((box) => box.dataset.metric),
  inked,
  rows: document.querySelectorAll('#log tbody tr').length,
  table: document.querySelector('#log tbody').innerText,
  entries: Number(document.getElementById('count-entries').textContent),
  status: document.getElementById('status').textContent,
};
"#;

const TABLE_TEXT: &str = "return document.querySelector('#log tbody').innerText;";

/// Times `vitals.info(target, message)` in the page's own module: the
/// `min-size`, `no_std` build in `wasm/www/pkg` that a page loads, where
/// `tests/speed.rs` times the release build its tests link. Loaded into a
/// page of the test server with nothing else on it (its 404 page), 3
/// rounds of warm-up, then the median of 21 rounds of 20 000 calls.
const PAGE_LOG_BENCH: &str = r#"
    window.vitalsBench = undefined;
    import("/pkg/vitals_wasm.js").then(async (module) => {
        await module.default();
        const vitals = new module.Vitals({ console: false });
        const round = (calls) => {
            const start = performance.now();
            for (let i = 0; i < calls; i++) vitals.info("bench", "a log message of typical length");
            return (performance.now() - start) * 1e6 / calls;
        };
        for (let r = 0; r < 3; r++) round(10000);
        const rounds = [];
        for (let r = 0; r < 21; r++) rounds.push(round(20000));
        rounds.sort((a, b) => a - b);
        vitals.free();
        window.vitalsBench = rounds[10];
    }, (error) => { window.vitalsBench = String(error); });
"#;

/// A speed figure, not a check: `cargo xtask bench` runs it (see
/// [`PAGE_LOG_BENCH`]) and reads the line it prints.
#[test]
#[ignore = "a speed figure of the built page: run by `cargo xtask bench`, or \
            `cargo test --release -p vitals-wasm --test e2e -- --ignored log_call --nocapture`"]
fn log_call_in_the_page_build() {
    let www = workspace_root().join("wasm/www");
    assert!(www.join("pkg/vitals_wasm_bg.wasm").is_file(), "no built page: run `cargo xtask web` first");
    let temp = TempDir::new();
    let server = StaticServer::start(&www);
    let mut browser = Browser::start(&temp.0);
    browser.navigate(&format!("http://127.0.0.1:{}/speed", server.port));
    browser.execute(PAGE_LOG_BENCH, json!([]));
    let ns = wait_for("the page's log call figure", || {
        let result = browser.execute("return window.vitalsBench ?? null;", json!([]));
        match result {
            Value::Number(ns) => Ok(ns.as_f64().unwrap_or(f64::NAN)),
            Value::String(error) => panic!("the page's module failed: {error}"),
            other => Err(other.to_string()),
        }
    });
    println!("log call from JavaScript, page build: {ns:.1} ns (median of 21 rounds of 20000)");
}

/// A dump as a firmware streams it: a boot event, log lines at every level
/// and samples of catalog metrics, in wire frames. Returns the bytes and
/// how many entries they hold.
fn firmware_dump() -> (Vec<u8>, u64) {
    let mut ring = Ring::new(vec![0u8; 8 * 1024].into_boxed_slice(), Policy::OverwriteOldest);
    let mut t = 1_000;
    let mut tick = || {
        t += 250_000;
        t
    };
    ring.push_event(tick(), Event::Boot { reason: ResetReason::Watchdog }).unwrap();
    let logs = [
        (Level::Trace, "raw adc 0x3ff"),
        (Level::Debug, "scheduler tick"),
        (Level::Info, "sensor bus up"),
        (Level::Warn, "watchdog fed late"),
        (Level::Error, "flash write failed"),
        (Level::Critical, "sensor bus hung"),
    ];
    for (i, (level, message)) in logs.iter().enumerate() {
        ring.push_log(tick(), *level, b"e2e firmware", message.as_bytes()).unwrap();
        ring.push_metric(tick(), MetricId::UPTIME.series(), 1.0 + i as f64 * 0.25).unwrap();
        ring.push_metric(tick(), MetricId::STACK_HIGH_WATER.series(), 1024.0 + 64.0 * i as f64).unwrap();
        ring.push_metric(tick(), Series::new(MetricId::TEMPERATURE, 1), 36.5 + i as f64).unwrap();
    }
    let pushed = ring.len() as u64;
    assert_eq!(pushed, 1 + 4 * logs.len() as u64, "the ring kept every entry");
    let mut out = Vec::new();
    let mut cursor = Cursor::new();
    let mut frame = [0u8; MAX_FRAME_LEN];
    loop {
        let encoded = encode_frame(&ring, &mut cursor, &mut frame);
        out.extend_from_slice(&frame[..encoded.bytes]);
        if !encoded.more {
            break;
        }
    }
    (out, pushed)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("wasm/ is inside the workspace").to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}

/// Builds the desktop `vitals` binary and returns its path (from cargo's
/// JSON messages, so any target directory works).
fn build_vitals_binary(root: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "-p",
            "vitals-desktop",
            "--bin",
            "vitals",
            "--message-format=json-render-diagnostics",
        ])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo build for the vitals binary");
    assert!(output.status.success(), "cargo build -p vitals-desktop --bin vitals failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "vitals")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo named the vitals executable")
}

/// Calls `probe` until it returns `Ok` or [`DEADLINE`] passes; the panic
/// then shows the last `Err` (what the page looked like).
fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        match probe() {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => {
                panic!("gave up after {DEADLINE:?} waiting for {what}; last seen: {last}")
            }
            Err(_) => thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// A directory under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("vitals-e2e-{}-{nanos}", std::process::id()));
        fs::create_dir_all(dir.join("downloads")).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Serves a directory on 127.0.0.1 (GET only), one thread per connection.
struct StaticServer {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl StaticServer {
    fn start(root: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let (root, flag) = (root.to_path_buf(), Arc::clone(&stop));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let root = root.clone();
                    thread::spawn(move || {
                        let _ = serve_one(stream, &root);
                    });
                }
            }
        });
        StaticServer { port, stop }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port)); // wakes the accept loop
    }
}

fn serve_one(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let mut header = String::new();
    while reader.read_line(&mut header)? > 0 && !header.trim().is_empty() {
        header.clear();
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = if path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
    let relative = Path::new(path.trim_start_matches('/'));
    let file = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| root.join(relative))
        .filter(|p| p.is_file());
    let (status, mime, body) = match file.and_then(|p| fs::read(&p).ok().map(|body| (p, body))) {
        Some((p, body)) => {
            let mime = match p.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("wasm") => "application/wasm",
                _ => "application/octet-stream",
            };
            ("200 OK", mime, body)
        }
        None => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// ChromeDriver and one session of headless Chromium; both end on drop.
struct Browser {
    driver: Child,
    port: u16,
    session: Option<String>,
}

impl Browser {
    fn start(temp: &Path) -> Self {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut browser = Browser { driver, port, session: None };
        wait_for("chromedriver to answer /status", || {
            let status = TcpStream::connect(("127.0.0.1", port))
                .map_err(|e| e.to_string())
                .and_then(|_| browser.request("GET", "/status", None));
            match status {
                Ok(status) if status["value"]["ready"] == true => Ok(()),
                Ok(status) => Err(status.to_string()),
                Err(e) => Err(e),
            }
        });
        let profile = temp.join("profile");
        let downloads = temp.join("downloads");
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": [
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        format!("--user-data-dir={}", profile.display()),
                        "--window-size=1280,900",
                    ],
                    "prefs": {
                        "download.default_directory": downloads.display().to_string(),
                        "download.prompt_for_download": false,
                    },
                },
            }},
        });
        let created = browser.call("POST", "/session", Some(capabilities));
        let id = created["sessionId"].as_str().expect("a session id").to_owned();
        println!(
            "chromedriver on 127.0.0.1:{port}, {} {}",
            created["capabilities"]["browserName"].as_str().unwrap_or("?"),
            created["capabilities"]["browserVersion"].as_str().unwrap_or("?")
        );
        browser.session = Some(id);
        browser
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session.as_deref().expect("a session"))
    }

    fn navigate(&mut self, url: &str) {
        self.call("POST", &self.session_path("/url"), Some(json!({ "url": url })));
    }

    fn execute(&mut self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &self.session_path("/execute/sync"),
            Some(json!({ "script": script, "args": args })),
        )
    }

    fn element(&mut self, css: &str) -> String {
        let found = self.call(
            "POST",
            &self.session_path("/element"),
            Some(json!({ "using": "css selector", "value": css })),
        );
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {found}")).to_owned()
    }

    fn click(&mut self, css: &str) {
        let id = self.element(css);
        self.call("POST", &self.session_path(&format!("/element/{id}/click")), Some(json!({})));
    }

    /// Typing a path into an `<input type=file>` chooses that file.
    fn send_keys(&mut self, css: &str, text: &str) {
        let id = self.element(css);
        self.call("POST", &self.session_path(&format!("/element/{id}/value")), Some(json!({ "text": text })));
    }

    fn screenshot(&mut self) -> Value {
        self.call("GET", &self.session_path("/screenshot"), None)
    }

    /// Ends the session (Chromium quits with it).
    fn close(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = self.request("DELETE", &format!("/session/{id}"), None);
        }
    }

    /// A WebDriver command; returns `value`, panics on a WebDriver error.
    fn call(&mut self, method: &str, path: &str, body: Option<Value>) -> Value {
        let response = self.request(method, path, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let value = &response["value"];
        if let Some(error) = value.get("error").filter(|e| !e.is_null()) {
            panic!("{method} {path}: WebDriver error {error}: {}", value["message"]);
        }
        value.clone()
    }

    /// One HTTP/1.1 exchange with ChromeDriver.
    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(120))).map_err(|e| e.to_string())?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).map_err(|e| e.to_string())?;
        let mut length = None;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 || line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
            }
        }
        let mut bytes = Vec::new();
        match length {
            Some(n) => {
                bytes.resize(n, 0);
                reader.read_exact(&mut bytes).map_err(|e| e.to_string())?;
            }
            None => {
                reader.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
            }
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            format!("{}: {e}: {}", status.trim(), String::from_utf8_lossy(&bytes[..bytes.len().min(500)]))
        })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.close();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (with padding) to bytes.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {:?}", c as char),
    };
    let digits: Vec<u8> =
        text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes_padded_and_unpadded_input() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("YWJj"), b"abc");
    assert_eq!(base64_decode(""), b"");
}
