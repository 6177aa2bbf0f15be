//! The browser side: `vitals-web` and `vitals-wasm` tested in headless
//! Chromium, the dashboard page built and served, and its size and speed.
//!
//! - [`test_steps`]: install Chromium, ChromeDriver, `wasm-opt` and the
//!   `wasm-bindgen` CLI at the version in `Cargo.lock`, then clippy for
//!   wasm32, the `wasm-bindgen-test` suites in headless Chromium, the page
//!   build, and the page end to end (`wasm/tests/e2e.rs`, `#[ignore]`d in
//!   plain `cargo test` since it needs the built page).
//! - [`serve`]: `cargo xtask web`: build the page into `wasm/www/pkg` and
//!   serve `wasm/www` on `127.0.0.1:$XTASK_WEB_PORT` (default 8080).
//! - [`bench_steps`]: the `_bg.wasm` size (after `wasm-opt -Oz`, and
//!   gzipped), a `log` call from JavaScript, and ring pushes in wasm and
//!   natively.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;
use std::time::Duration;

use crate::command::Cmd;
use crate::error::{Error, Result};
use crate::setup::{apt, rustup};
use crate::steps::{self, Step, Summary};
use crate::workspace;

/// The wasm target.
pub(crate) const WASM: &str = "wasm32-unknown-unknown";

/// Debian packages: the browser and its driver. (Debian 12's `binaryen`
/// is version 108, whose `wasm-opt` breaks wasm-bindgen's externref table:
/// the page then fails with "WebAssembly.Table.set(): Argument 1 is
/// invalid". `wasm-opt` comes from npm's `binaryen` instead.)
const APT_PACKAGES: &[&str] = &["chromium", "chromium-driver"];

/// npm's build of binaryen (`wasm-opt` as JavaScript + wasm), pinned.
const NPM_BINARYEN: &str = "binaryen@132.0.0";

/// The oldest `wasm-opt` that keeps externref tables intact.
const MIN_WASM_OPT_VERSION: u32 = 116;

/// The crates tested in the browser.
const WEB_CRATES: &[&str] = &["vitals-web", "vitals-wasm"];

/// The crate the page loads.
const MODULE_CRATE: &str = "vitals-wasm";

/// The page, relative to the workspace root; the module goes to `pkg/` in it.
const WWW: &str = "wasm/www";

/// The port `serve` listens on unless `XTASK_WEB_PORT` says otherwise.
const DEFAULT_PORT: u16 = 8080;

/// `WASM_BINDGEN_TEST_TIMEOUT`: seconds a test binary may run in the browser.
const TEST_TIMEOUT_SECS: &str = "180";

/// How `wasm-opt` shrinks the page's module and the peers it is measured
/// against:
///
/// - `-Oz --converge`: the size passes, run again while they still shrink
///   it (a second round takes about 50 bytes gzipped off the page's);
/// - `--low-memory-unused`: the module never touches its first KiB of
///   memory, so constant addresses fold into load and store offsets
///   (about 55 bytes). True of what rustc links for wasm32: the 1 MiB stack
///   comes first and grows down toward address 0, the data starts at
///   1 MiB, so only a stack 1 KiB short of overflowing would reach it;
/// - and the two metadata sections no browser reads left out (the
///   toolchain names in `producers`, the feature list in
///   `target_features`; `wasm-bindgen --remove-producers-section` drops
///   the first too).
pub(crate) const WASM_OPT_SHRINK: &[&str] =
    &["-Oz", "--converge", "--low-memory-unused", "--strip-producers", "--strip-target-features"];

/// `RUSTFLAGS` of the page's module and of the peers it is measured
/// against, added to the `min-size` profile (`opt-level = "z"`, fat LTO):
/// LLVM's inlining threshold raised from `z`'s 5 to 25, which inlines
/// small helpers whose calls cost about as much as their bodies. On the
/// page's module, from 5 to 35 (measured 24 Nov 2026, with the flags of
/// [`WASM_OPT_SHRINK`]): 16 414, then 16 276 (10), 16 257 (15), 16 329
/// (20), 16 261 (25), 16 279 (30), 16 226 (35) bytes gzipped; from 40 up
/// the module grows again (16 384 at 40, 16 588 at 50). 25 sits in the
/// middle of that flat stretch, so a small change to the code does not
/// tip it.
pub(crate) const WASM_RUSTFLAGS: &str = "-C llvm-args=-inline-threshold=25";

/// `RUSTFLAGS` for a size-first wasm build: the caller's, then
/// [`WASM_RUSTFLAGS`]. (Set, `RUSTFLAGS` stands in for any `rustflags` of
/// cargo's config, and `CARGO_ENCODED_RUSTFLAGS`, if the caller set that,
/// stands in for it: then the sizes are not the ones BENCHMARKS.md gives.)
pub(crate) fn wasm_rustflags() -> String {
    let theirs = std::env::var("RUSTFLAGS").unwrap_or_default();
    format!("{theirs} {WASM_RUSTFLAGS}").trim().to_owned()
}

/// Flags `wasm-opt` needs for what rustc emits for wasm32 today.
pub(crate) const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Steps for `cargo xtask test`: set-up, clippy for wasm32, and the
/// browser suites.
pub(crate) fn test_steps() -> Vec<Step> {
    let mut clippy = Cmd::cargo().args(["clippy", "--target", WASM, "--all-targets"]);
    let mut tests = browser_cargo().args(["test", "--target", WASM]);
    for krate in WEB_CRATES {
        clippy = clippy.args(["-p", krate]);
        tests = tests.args(["-p", krate]);
    }
    vec![
        Step::new("setup (web)").call(setup),
        Step::new("clippy (wasm32: vitals-web, vitals-wasm)").run(clippy.args(["--", "-D", "warnings"])),
        Step::new("test (headless Chromium: vitals-web, vitals-wasm)").run(tests),
        Step::new("build (web page, min-size)").call(build_page),
        // After the page is built: `wasm/tests/e2e.rs` serves it, drives
        // Chromium through ChromeDriver and decodes the export with `vitals`.
        // `log_call_in_the_page_build` is a speed figure, for the bench.
        Step::new("test (end to end: dashboard in headless Chromium)").run(Cmd::cargo().args([
            "test",
            "-p",
            MODULE_CRATE,
            "--test",
            "e2e",
            "--",
            "--include-ignored",
            "--skip",
            "log_call_in_the_page_build",
        ])),
    ]
}

/// `cargo xtask web`: builds the page, then serves it until stopped.
pub(crate) fn serve() -> Summary {
    let summary = steps::run_all(vec![
        Step::new("setup (web)").call(setup),
        Step::new("build (web page)").call(build_page),
    ]);
    if !summary.all_passed() {
        return summary;
    }
    let port =
        std::env::var("XTASK_WEB_PORT").ok().and_then(|p| p.trim().parse().ok()).unwrap_or(DEFAULT_PORT);
    let root = workspace::root().join(WWW);
    match serve_dir(&root, port) {
        Ok(()) => summary,
        Err(e) => steps::run_all(vec![Step::new("serve").call(move || Err(e))]),
    }
}

/// Steps for `cargo xtask bench`: the module's size and the speed figures,
/// the speed tests' output also saved in `results` for the report.
pub(crate) fn bench_steps(results: &Path) -> Vec<Step> {
    let browser_speed = browser_cargo()
        .args(["test", "--release", "--target", WASM, "-p", MODULE_CRATE, "--test", "speed"])
        .args(["--", "--include-ignored", "--nocapture"]);
    let native_speed = Cmd::cargo()
        .args(["test", "--release", "-p", MODULE_CRATE, "--test", "speed"])
        .args(["--", "--ignored", "--nocapture"]);
    // The log call in the page's own module (`min-size`, `no_std`), as
    // `wasm/www` loads it (`tests/e2e.rs`).
    let page_speed = Cmd::cargo().args(["test", "--release", "-p", MODULE_CRATE, "--test", "e2e"]).args([
        "--",
        "--ignored",
        "--exact",
        "log_call_in_the_page_build",
        "--nocapture",
    ]);
    let results = results.to_path_buf();
    vec![
        Step::new("setup (web)").call(setup),
        Step::new("build (web page, min-size)").call(build_page),
        Step::new("size (vitals_wasm_bg.wasm)").call(report_size),
        Step::new(format!(
            "speed (log call from JavaScript in the test and page builds, ring push in wasm and natively; \
             {SPEED_RUNS} runs each)"
        ))
        .call(move || {
            speed_runs(
                &[(&browser_speed, "browser"), (&native_speed, "native"), (&page_speed, "page")],
                &results,
            )
        }),
    ]
}

/// Runs of each speed test in `cargo xtask bench`.
const SPEED_RUNS: usize = 3;

/// Runs the speed tests [`SPEED_RUNS`] times each, in turn (the browser's,
/// the native ring push, the page build's log call), so all see the
/// machine as it was over the same minute (on a shared machine a run can
/// take half again as long as the one before), and keeps every run's
/// output, one after the other, in `wasm-speed-<name>.txt`; the report
/// takes the median of the runs.
fn speed_runs(tests: &[(&Cmd, &str)], results: &Path) -> Result<()> {
    let mut outputs = vec![String::new(); tests.len()];
    for run in 1..=SPEED_RUNS {
        for ((test, name), output) in tests.iter().zip(&mut outputs) {
            let file = results.join(format!("wasm-speed-{name}.{run}.txt"));
            test.run_tee(&file)?;
            let text = fs::read_to_string(&file)
                .map_err(|e| Error::new(format!("could not read {}: {e}", file.display())))?;
            output.push_str(&text);
        }
    }
    for ((_, name), output) in tests.iter().zip(outputs) {
        let file = results.join(format!("wasm-speed-{name}.txt"));
        fs::write(&file, output)
            .map_err(|e| Error::new(format!("could not write {}: {e}", file.display())))?;
    }
    Ok(())
}

/// Installs what the browser steps need, each only when missing.
fn setup() -> Result<()> {
    apt::ensure_apt(APT_PACKAGES)?;
    rustup::ensure_targets(&[WASM])?;
    ensure_wasm_bindgen_cli()
}

/// `cargo` with the environment `wasm-bindgen-test-runner` needs to drive
/// headless Chromium (flags come from each crate's `webdriver.json`).
fn browser_cargo() -> Cmd {
    Cmd::cargo()
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", TEST_TIMEOUT_SECS)
}

/// The `wasm-bindgen` version `Cargo.lock` pins: the CLI must match it exactly.
pub(crate) fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = workspace::root().join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path)
        .map_err(|e| Error::new(format!("could not read {}: {e}", lock_path.display())))?;
    locked_version(&lock, "wasm-bindgen").ok_or_else(|| {
        Error::new("Cargo.lock has no `wasm-bindgen` package: build vitals-wasm once to lock it".to_owned())
    })
}

/// The version of package `name` in the text of a `Cargo.lock`.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_owned());
        }
    }
    None
}

/// Installs `wasm-bindgen-cli` at the locked version unless `wasm-bindgen
/// --version` already reports it. (`--locked` fails against the registry
/// here; a plain install works.)
fn ensure_wasm_bindgen_cli() -> Result<()> {
    let version = locked_wasm_bindgen_version()?;
    let installed = Cmd::new("wasm-bindgen").arg("--version").probe().unwrap_or_default();
    if installed.split_whitespace().nth(1) == Some(version.as_str()) {
        println!("wasm-bindgen-cli present: {version}");
        return Ok(());
    }
    Cmd::cargo().args(["install", "wasm-bindgen-cli", "--version", &format!("={version}")]).run()
}

/// Where the page's module goes.
pub(crate) fn pkg_dir() -> PathBuf {
    workspace::root().join(WWW).join("pkg")
}

/// A `wasm-opt` that handles what wasm-bindgen emits: the one on `PATH`
/// when it is version 116 or newer, else npm's `binaryen` installed under
/// `target/web-tools` (once). `None` when neither can be had.
pub(crate) fn wasm_opt() -> Option<Cmd> {
    let system = Cmd::new("wasm-opt")
        .arg("--version")
        .probe()
        .and_then(|v| v.split_whitespace().find_map(|w| w.parse::<u32>().ok()));
    if system.is_some_and(|v| v >= MIN_WASM_OPT_VERSION) {
        return Some(Cmd::new("wasm-opt"));
    }
    let tools = workspace::target_dir().join("web-tools");
    let script = tools.join("node_modules/binaryen/bin/wasm-opt");
    if !script.is_file() {
        let installed = Cmd::new("npm")
            .args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"])
            .arg(tools.display().to_string())
            .arg(NPM_BINARYEN)
            .run();
        if let Err(e) = installed {
            println!("wasm-opt: none on PATH is new enough ({system:?}) and npm could not install {NPM_BINARYEN}: {e}");
            return None;
        }
    }
    Some(Cmd::new("node").arg(script.display().to_string()))
}

/// Builds the module with the size-first profile and without `std` (see
/// `wasm/src/panic.rs`), generates the JS glue and `.d.ts` for `--target
/// web`, and shrinks it with `wasm-opt -Oz` (see [`WASM_OPT_SHRINK`];
/// `RUSTFLAGS` as [`WASM_RUSTFLAGS`] says) when
/// one that handles reference types can be had.
fn build_page() -> Result<()> {
    Cmd::cargo()
        .args(["build", "--target", WASM, "--profile", "min-size", "-p", MODULE_CRATE])
        .arg("--no-default-features")
        .env("RUSTFLAGS", wasm_rustflags())
        .run()?;
    let wasm = workspace::target_dir().join(WASM).join("min-size").join("vitals_wasm.wasm");
    let out = pkg_dir();
    // wasm-bindgen adds to what is there: last build's snippets would stay.
    let _ = fs::remove_dir_all(out.join("snippets"));
    Cmd::new("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .arg(out.display().to_string())
        .arg(wasm.display().to_string())
        .run()?;
    let bg = out.join("vitals_wasm_bg.wasm");
    match wasm_opt() {
        Some(wasm_opt) => {
            let bg = bg.display().to_string();
            wasm_opt
                .args(WASM_OPT_SHRINK.iter().chain(WASM_OPT_FEATURES).copied())
                .args([&bg, "-o", &bg])
                .run()?;
        }
        None => println!("no usable wasm-opt: the module is not shrunk further"),
    }
    Ok(())
}

/// Prints the module's size as built and gzipped (`gzip -9`).
fn report_size() -> Result<()> {
    let bg = pkg_dir().join("vitals_wasm_bg.wasm");
    let bytes = fs::read(&bg).map_err(|e| Error::new(format!("could not read {}: {e}", bg.display())))?;
    let gz = Cmd::new("sh")
        .args(["-c", &format!("gzip -9 -c '{}' | wc -c", bg.display())])
        .probe()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .ok_or_else(|| Error::new("could not run `gzip -9 | wc -c`"))?;
    println!(
        "vitals_wasm_bg.wasm: {} bytes ({:.1} KiB), gzip -9: {gz} bytes ({:.1} KiB)",
        bytes.len(),
        bytes.len() as f64 / 1024.0,
        gz as f64 / 1024.0
    );
    Ok(())
}

/// Serves the files under `root` on `127.0.0.1:port` until the process is
/// stopped: GET and HEAD, one thread per connection.
fn serve_dir(root: &Path, port: u16) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| Error::new(format!("could not listen on 127.0.0.1:{port}: {e} (set XTASK_WEB_PORT)")))?;
    println!("\nserving {} on http://127.0.0.1:{port}/ (Ctrl-C stops)", root.display());
    for stream in listener.incoming().flatten() {
        let root = root.to_path_buf();
        thread::spawn(move || {
            let _ = handle(stream, &root);
        });
    }
    Ok(())
}

/// Answers one request.
fn handle(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.by_ref().take(8192).read_line(&mut request_line)?;
    // Headers are read and ignored, up to the blank line.
    let mut header = String::new();
    loop {
        header.clear();
        if reader.by_ref().take(8192).read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, "405 Method Not Allowed", "text/plain", b"GET or HEAD only\n", true);
    }
    match resolve(root, target) {
        Some(path) => match fs::read(&path) {
            Ok(body) => respond(&mut stream, "200 OK", mime(&path), &body, method == "GET"),
            Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", true),
        },
        None => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", true),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    mime: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// The file a request path names under `root`: the query is dropped, `/`
/// is `index.html`, and any `..`, absolute or odd component is refused.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = if path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
    let relative = Path::new(path.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = root.join(relative);
    full.is_file().then_some(full)
}

/// The `Content-Type` for a file; `.wasm` must be `application/wasm` for
/// streaming compilation.
fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "ts" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_version_is_read_from_the_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.130\"\n";
        assert_eq!(locked_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(locked_version(lock, "js-sys"), None);
        assert!(locked_wasm_bindgen_version().is_ok(), "the workspace locks wasm-bindgen");
    }

    #[test]
    fn paths_stay_inside_the_root() {
        let root = workspace::root().join(WWW);
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/app.js?v=2"), Some(root.join("app.js")));
        assert_eq!(resolve(&root, "/../Cargo.toml"), None);
        assert_eq!(resolve(&root, "/pkg/../../Cargo.toml"), None);
        assert_eq!(resolve(&root, "/no-such-file.js"), None);
    }

    #[test]
    fn mime_types_let_browsers_stream_wasm() {
        assert_eq!(mime(Path::new("a/vitals_wasm_bg.wasm")), "application/wasm");
        assert_eq!(mime(Path::new("app.js")), "text/javascript; charset=utf-8");
        assert_eq!(mime(Path::new("index.html")), "text/html; charset=utf-8");
    }

    #[test]
    fn a_served_page_comes_back_with_its_type() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let root = workspace::root().join(WWW);
        thread::spawn(move || {
            for stream in listener.incoming().take(2).flatten() {
                let _ = handle(stream, &root);
            }
        });
        let get = |path: &str| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).unwrap();
            response
        };
        let page = get("/");
        assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
        assert!(page.contains("Content-Type: text/html"), "{page}");
        assert!(page.contains("<canvas") || page.contains("charts"), "the dashboard");
        assert!(get("/../Cargo.toml").starts_with("HTTP/1.1 404"));
    }
}
