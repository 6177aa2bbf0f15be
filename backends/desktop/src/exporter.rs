//! The HTTP endpoint: `/metrics` in Prometheus text format,
//! `/entries?since=SEQ` as JSON Lines, and `/entries.bin?since=SEQ` in the
//! core's wire format (what `vitals decode` and the dashboard page read).
//!
//! Requests are parsed by `httparse` with hard limits: 8 KiB of request head,
//! no body, 16 connections at once, 5 s to send a request. Anything else gets
//! a 4xx (or 503 when busy) and the connection is closed; nothing a client
//! sends can crash the process or make it hold more than those limits.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use vitals_core::wire::{encode_frame, MAX_FRAME_LEN};
use vitals_core::{format, Cursor, Policy, Ring};

use crate::hub::Hub;

/// Largest request head (request line and headers) accepted.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;
/// Connections served at once; more get `503`.
pub const MAX_CONNECTIONS: usize = 16;
/// Entries one `/entries` response holds at most.
pub const MAX_ENTRIES: usize = 10_000;
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the exporter could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExporterError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}. {}", bind_hint(.source))]
    Bind {
        /// The address.
        addr: String,
        /// The OS error.
        source: io::Error,
    },
}

/// What to do about a failed bind, by its cause: the port in use is not
/// the only way (a typo, an address not on this machine, a low port).
fn bind_hint(error: &io::Error) -> &'static str {
    match error.kind() {
        io::ErrorKind::AddrInUse => {
            "Is another process using the port? Pick another with --serve 127.0.0.1:PORT"
        }
        io::ErrorKind::AddrNotAvailable => {
            "That address is not on this machine: use 127.0.0.1:PORT, or 0.0.0.0:PORT for every interface"
        }
        io::ErrorKind::PermissionDenied => "Ports below 1024 need privileges: pick one above 1024",
        _ => "Give an address and port such as --serve 127.0.0.1:9184",
    }
}

/// A running exporter.
///
/// ```no_run
/// let hub = vitals_desktop::Hub::new(&Default::default());
/// let exporter = vitals_desktop::Exporter::serve("127.0.0.1:9184", hub)?;
/// println!("scrape http://{}/metrics", exporter.local_addr());
/// # Ok::<(), vitals_desktop::ExporterError>(())
/// ```
#[derive(Debug)]
pub struct Exporter {
    addr: SocketAddr,
}

impl Exporter {
    /// Binds `addr` (use `127.0.0.1:PORT`; port 0 picks a free one) and
    /// serves on a background thread for the life of the process.
    ///
    /// # Errors
    /// [`ExporterError::Bind`] naming the address and the OS reason.
    pub fn serve(addr: &str, hub: &'static Hub) -> Result<Exporter, ExporterError> {
        let bind_error = |source| ExporterError::Bind { addr: addr.to_owned(), source };
        let listener = TcpListener::bind(addr).map_err(bind_error)?;
        let local = listener.local_addr().map_err(bind_error)?;
        let active = Arc::new(AtomicUsize::new(0));
        std::thread::Builder::new()
            .name("vitals-exporter".into())
            .spawn(move || accept_loop(&listener, hub, &active))
            .map_err(bind_error)?;
        Ok(Exporter { addr: local })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}

fn accept_loop(listener: &TcpListener, hub: &'static Hub, active: &Arc<AtomicUsize>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if active.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::AcqRel);
            let _ = respond(&mut stream, 503, "text/plain", b"too many connections; retry\n");
            continue;
        }
        let done = Arc::clone(active);
        let spawned = std::thread::Builder::new().name("vitals-http".into()).spawn(move || {
            let _ = serve_one(&mut stream, hub);
            done.fetch_sub(1, Ordering::AcqRel);
        });
        if spawned.is_err() {
            // The closure never ran, so its decrement must happen here; the
            // connection closed when the closure was dropped.
            active.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

fn serve_one(stream: &mut TcpStream, hub: &Hub) -> io::Result<()> {
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    // One deadline for the whole request head, not per read: a client
    // trickling a byte at a time cannot hold a connection for long.
    let deadline = std::time::Instant::now() + READ_TIMEOUT;
    let mut head = vec![0u8; MAX_HEAD_BYTES];
    let mut filled = 0;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return respond(stream, 408, "text/plain", b"request took too long\n");
        }
        stream.set_read_timeout(Some(left))?;
        let n = match stream.read(&mut head[filled..]) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return respond(stream, 408, "text/plain", b"request took too long\n");
            }
            Err(e) => return Err(e),
        };
        filled += n;
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&head[..filled]) {
            Ok(httparse::Status::Complete(_)) => {
                let content_length = request
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<u64>().ok());
                let chunked =
                    request.headers.iter().any(|h| h.name.eq_ignore_ascii_case("transfer-encoding"));
                if content_length.is_some_and(|n| n > 0) || chunked {
                    return respond(stream, 413, "text/plain", b"request bodies are not accepted\n");
                }
                let method = request.method.unwrap_or("");
                let path = request.path.unwrap_or("/");
                let (status, kind, body) = route(method, path, hub);
                return respond_to(stream, method == "HEAD", status, kind, &body);
            }
            Ok(httparse::Status::Partial) if filled == head.len() => {
                return respond(stream, 431, "text/plain", b"request head larger than 8 KiB\n");
            }
            Ok(httparse::Status::Partial) => {}
            Err(error) => {
                let message = format!("malformed request: {error}\n");
                return respond(stream, 400, "text/plain", message.as_bytes());
            }
        }
    }
}

/// Answers one request: status, content type, body.
fn route(method: &str, target: &str, hub: &Hub) -> (u16, &'static str, Vec<u8>) {
    if method != "GET" && method != "HEAD" {
        return (405, "text/plain", b"only GET is served\n".to_vec());
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/metrics" => (200, "text/plain; version=0.0.4; charset=utf-8", metrics_text(hub).into_bytes()),
        "/entries" => match entries_query(query) {
            Ok((since, limit)) => (200, "application/x-ndjson", entries_text(hub, since, limit).into_bytes()),
            Err(message) => (400, "text/plain", message.into_bytes()),
        },
        "/entries.bin" => match entries_query(query) {
            Ok((since, limit)) => (200, "application/octet-stream", entries_wire(hub, since, limit)),
            Err(message) => (400, "text/plain", message.into_bytes()),
        },
        "/" => (
            200,
            "text/plain",
            b"vitals exporter: GET /metrics, GET /entries?since=SEQ&limit=N (JSON Lines), \
              GET /entries.bin?since=SEQ&limit=N (wire format)\n"
                .to_vec(),
        ),
        _ => (
            404,
            "text/plain",
            format!("no such path {path}; try /metrics or /entries?since=0\n").into_bytes(),
        ),
    }
}

/// `since` and `limit` from a query string, percent-decoded as browsers
/// and HTTP clients send them (`form_urlencoded`).
fn entries_query(query: &str) -> Result<(u64, usize), String> {
    let mut since = 0;
    let mut limit = MAX_ENTRIES;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "since" => {
                since = value.parse().map_err(|_| {
                    format!("bad since={value:?}: expected a sequence number (0 or more), e.g. /entries?since=42\n")
                })?;
            }
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|limit| (1..=MAX_ENTRIES).contains(limit))
                    .ok_or_else(|| format!("bad limit={value:?}: expected a count, 1 to {MAX_ENTRIES}\n"))?;
            }
            _ => return Err(format!("unknown parameter {key:?}: use since and limit\n")),
        }
    }
    Ok((since, limit))
}

/// The Prometheus exposition: the latest value of every series, plus the
/// ring's own counters.
pub fn metrics_text(hub: &Hub) -> String {
    let mut text = String::with_capacity(8 * 1024);
    hub.with_names(|names| hub.with_latest(|latest| format::prometheus(&mut text, latest, &*names)))
        .unwrap_or_default();
    let stats = hub.ring().stats();
    let _ = write!(
        text,
        "# HELP vitals_ring_entries_total Entries written into the ring.\n\
         # TYPE vitals_ring_entries_total counter\nvitals_ring_entries_total {}\n\
         # HELP vitals_ring_dropped_total Entries the ring refused (full in drop-newest mode, or too large).\n\
         # TYPE vitals_ring_dropped_total counter\nvitals_ring_dropped_total {}\n\
         # HELP vitals_ring_overwritten_total Entries evicted to make room (a flight recorder's normal work).\n\
         # TYPE vitals_ring_overwritten_total counter\nvitals_ring_overwritten_total {}\n\
         # HELP vitals_log_lost_total Lines that never reached a sink (overwritten before a flush, or refused by a failing sink).\n\
         # TYPE vitals_log_lost_total counter\nvitals_log_lost_total {}\n\
         # HELP vitals_ring_used_bytes Bytes of the ring in use.\n\
         # TYPE vitals_ring_used_bytes gauge\nvitals_ring_used_bytes {}\n\
         # HELP vitals_ring_capacity_bytes Bytes of the ring.\n\
         # TYPE vitals_ring_capacity_bytes gauge\nvitals_ring_capacity_bytes {}\n",
        stats.written_total(),
        stats.dropped_total(),
        stats.overwritten_total(),
        hub.lost(),
        stats.used_bytes,
        stats.capacity,
    );
    text
}

fn entries_text(hub: &Hub, since: u64, limit: usize) -> String {
    let mut text = String::new();
    let mut cursor = Cursor::since(since);
    let anchor = Some(hub.anchor());
    let mut batch = vec![0u8; 64 * 1024];
    let mut left = limit;
    // Copy records out in short critical sections, format outside them:
    // producers never wait for an HTTP client.
    while left > 0 {
        let copied = hub.ring().with(|ring| ring.copy_records(&mut cursor, &mut batch));
        hub.with_names(|names| {
            for entry in copied.iter(&batch).take(left) {
                let _ = format::json(&mut text, &entry, anchor, &*names);
                text.push('\n');
                left -= 1;
            }
        });
        if !copied.more {
            break;
        }
    }
    text
}

/// The entries after `since` as wire-format frames (whole frames, so up to
/// one frame's worth beyond `limit`), led by a frame of description records
/// naming the instances and custom metrics, numbered just before the first
/// entry so the stream reads on without a gap.
fn entries_wire(hub: &Hub, since: u64, limit: usize) -> Vec<u8> {
    let mut cursor = Cursor::since(since);
    let mut frame = vec![0u8; MAX_FRAME_LEN];
    let mut frames = Vec::new();
    let mut entries = 0;
    // The number the first entry sent will have (the one after `since`
    // may be gone, or owned by a `Dropped` event).
    let first_seq = hub.ring().with(|ring| ring.read(&mut cursor.clone()).next().map(|entry| entry.seq));
    loop {
        let encoded = hub.ring().with(|ring| encode_frame(ring, &mut cursor, &mut frame));
        frames.extend_from_slice(&frame[..encoded.bytes]);
        entries += encoded.entries;
        if !encoded.more || entries >= limit {
            break;
        }
    }
    let mut out = descriptions(hub, first_seq.unwrap_or(cursor.next_seq()), &mut frame);
    out.extend_from_slice(&frames);
    out
}

/// One frame of what the hub's names say, numbered to end at `before`.
fn descriptions(hub: &Hub, before: u64, frame: &mut [u8]) -> Vec<u8> {
    let mut count = 0u64;
    hub.with_names(|names| names.descriptions(|_| count += 1));
    if count == 0 {
        return Vec::new();
    }
    let mut ring = Ring::new(vec![0u8; MAX_FRAME_LEN], Policy::OverwriteOldest)
        .starting_at(before.saturating_sub(count));
    let now = hub.now_us();
    hub.with_names(|names| {
        names.descriptions(|description| {
            let _ = ring.push_description(now, description);
        })
    });
    let mut out = Vec::new();
    let mut cursor = Cursor::new();
    loop {
        let encoded = encode_frame(&ring, &mut cursor, frame);
        out.extend_from_slice(&frame[..encoded.bytes]);
        if !encoded.more {
            return out;
        }
    }
}

fn respond(stream: &mut TcpStream, status: u16, kind: &str, body: &[u8]) -> io::Result<()> {
    respond_to(stream, false, status, kind, body)
}

/// Writes a response; for HEAD, the headers of the full response and no body.
fn respond_to(
    stream: &mut TcpStream,
    head_only: bool,
    status: u16,
    kind: &str,
    body: &[u8],
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}
