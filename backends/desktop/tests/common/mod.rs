//! Helpers shared by the integration tests that run the `vitals` binary and
//! real peers (Prometheus, promtool): child processes that are killed on
//! drop, stdout collected line by line, a plain HTTP/1.1 GET, and polling
//! with a deadline. Every address is on 127.0.0.1.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The `vitals` binary cargo built for these tests.
pub(crate) const VITALS: &str = env!("CARGO_BIN_EXE_vitals");

/// Where the suite's Debian packages put these tools.
pub(crate) const PROMETHEUS: &str = "/usr/bin/prometheus";
pub(crate) const PROMTOOL: &str = "/usr/bin/promtool";

/// Fails (never skips) when a tool the suite installs is missing.
pub(crate) fn require_tool(path: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: run `cargo xtask test`, whose setup step installs the Debian package \
         `prometheus` (which provides /usr/bin/prometheus and /usr/bin/promtool)"
    );
}

/// A child process that is killed (SIGKILL) and reaped when dropped, so a
/// failing assertion never leaves a server running.
pub(crate) struct ChildGuard {
    name: String,
    child: Option<Child>,
}

impl ChildGuard {
    /// Spawns `command`, naming it `name` in messages.
    pub(crate) fn spawn(name: &str, command: &mut Command) -> ChildGuard {
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        ChildGuard { name: name.to_owned(), child: Some(child) }
    }

    /// The child, e.g. to take its pipes.
    pub(crate) fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("child still owned")
    }

    /// The exit status if the child has already exited.
    pub(crate) fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child().try_wait().unwrap_or_else(|e| panic!("waiting for {}: {e}", self.name))
    }

    /// Sends SIGKILL and reaps the child.
    pub(crate) fn kill(&mut self) -> ExitStatus {
        let child = self.child();
        let _ = child.kill(); // an error only means it had already exited
        child.wait().expect("reap the child")
    }

    /// Waits for the child to exit by itself, up to `limit`; kills it and
    /// panics if it does not.
    pub(crate) fn wait_timeout(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.try_wait() {
                return status;
            }
            if Instant::now() >= deadline {
                self.kill();
                panic!("{} did not exit within {limit:?}", self.name);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Lines read from a child's pipe on a background thread, so a test can
/// poll them without blocking; the thread ends at end of file.
pub(crate) struct Lines {
    lines: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
}

impl Lines {
    /// Starts reading `pipe`.
    pub(crate) fn collect(pipe: impl Read + Send + 'static) -> Lines {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        Lines { lines, reader: Some(reader) }
    }

    /// The lines read so far.
    pub(crate) fn snapshot(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Every line, once the writer has closed the pipe (the child exited).
    pub(crate) fn finish(mut self) -> Vec<String> {
        if let Some(reader) = self.reader.take() {
            reader.join().expect("reader thread");
        }
        self.snapshot()
    }
}

/// Calls `probe` every 100 ms until it returns `Ok`, or panics with
/// `what` and the last `detail` once `limit` has passed.
pub(crate) fn poll<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        let last = match probe() {
            Ok(value) => return value,
            Err(detail) => detail,
        };
        assert!(Instant::now() < deadline, "timed out after {limit:?} waiting for {what}; last: {last}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A port on 127.0.0.1 that was free a moment ago (bound, then released).
pub(crate) fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// `GET path` over plain HTTP/1.1 (`Connection: close`): status and body.
/// Chunked bodies are de-chunked.
///
/// # Errors
/// A message for a connection, I/O or protocol failure.
pub(crate) fn http_get(addr: &str, path: &str) -> Result<(u16, String), String> {
    let (status, body) = http_get_bytes(addr, path)?;
    let body = String::from_utf8(body).map_err(|e| format!("body from {addr} is not UTF-8: {e}"))?;
    Ok((status, body))
}

/// [`http_get`] for a binary body.
///
/// # Errors
/// A message for a connection, I/O or protocol failure.
pub(crate) fn http_get_bytes(addr: &str, path: &str) -> Result<(u16, Vec<u8>), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).map_err(|e| format!("send to {addr}: {e}"))?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(|e| format!("read from {addr}: {e}"))?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no end of headers in {} bytes from {addr}", response.len()))?;
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let body = &response[split + 4..];
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line from {addr}: {head:?}"))?;
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    let body = if chunked { dechunk(body)? } else { body.to_vec() };
    Ok((status, body))
}

fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let end = body.windows(2).position(|w| w == b"\r\n").ok_or("chunk size line without CRLF")?;
        let size_line = std::str::from_utf8(&body[..end]).map_err(|e| e.to_string())?;
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size =
            usize::from_str_radix(size_hex, 16).map_err(|e| format!("chunk size {size_hex:?}: {e}"))?;
        body = &body[end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size + 2 {
            return Err("chunk shorter than its size".to_owned());
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

/// Percent-encodes a URL query value (RFC 3986 unreserved characters stay).
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Runs `promtool check metrics` on `text` and returns its lint findings
/// (lines of its output). Panics on a parse error (exit 1) or any other
/// failure, and on any finding but the one lint this exposition is known to
/// trip; see [`is_expected_lint`].
pub(crate) fn promtool_check_metrics(text: &str) -> Vec<String> {
    require_tool(PROMTOOL);
    let mut child = Command::new(PROMTOOL)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start promtool");
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("feed promtool");
    let output = child.wait_with_output().expect("promtool output");
    let said =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let findings: Vec<String> = said.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
    match output.status.code() {
        // 0: clean. 3: lint findings only (the text parsed).
        Some(0) => {}
        Some(3) => {
            let unexpected: Vec<&String> = findings.iter().filter(|l| !is_expected_lint(l)).collect();
            assert!(unexpected.is_empty(), "promtool lint problems: {unexpected:#?}\n--- input ---\n{text}");
        }
        _ => panic!("promtool check metrics failed ({}): {said}\n--- input ---\n{text}", output.status),
    }
    findings
}

/// The one promtool lint the exposition trips on purpose: the memory gauges
/// keep the kernel's `/proc/meminfo` field names (`MemTotal`, `MemAvailable`,
/// `SwapTotal`), exactly as node_exporter's `node_memory_MemTotal_bytes`
/// does, so dashboards and queries carry over; promtool calls that
/// camelCase. Any other finding (no HELP, a counter without `_total`, a
/// duplicate series, a parse error) fails the tests.
pub(crate) fn is_expected_lint(line: &str) -> bool {
    let Some(name) = line.strip_suffix(" metric names should be written in 'snake_case' not 'camelCase'")
    else {
        return false;
    };
    ["vitals_memory_MemTotal_bytes", "vitals_memory_MemAvailable_bytes", "vitals_memory_SwapTotal_bytes"]
        .contains(&name)
}
