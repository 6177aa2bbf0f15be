//! The answers: which path gets what, the bodies, and writing a response.

use std::fmt::Write as _;
use std::io::{self, Write};

use vitals_core::wire::{encode_frame, DescriptionFrames, MAX_FRAME_LEN};
use vitals_core::{format, Cursor};

use super::MAX_ENTRIES;
use crate::hub::Hub;

/// Answers one request: status, content type, body.
pub(super) fn route(method: &str, target: &str, hub: &Hub) -> (u16, &'static str, Vec<u8>) {
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
/// one frame's worth beyond `limit`), led by frames of description records
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

/// Frames of what the hub's names say, numbered to end at `before`: as
/// many frames as they take, so none is lost however many there are.
/// Counted and written under one hold of the names, so a label added
/// between the two cannot shift the numbers. (When fewer entries than
/// names came before, they are numbered from 0 and share numbers with the
/// first entries; a reader takes them all the same.)
fn descriptions(hub: &Hub, before: u64, frame: &mut [u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let now = hub.now_us();
    hub.with_names(|names| {
        let mut count = 0u64;
        names.descriptions(|_| count += 1);
        let mut frames = DescriptionFrames::new(frame, before.saturating_sub(count), now, |frame| {
            out.extend_from_slice(frame)
        });
        names.descriptions(|description| {
            frames.push(&description);
        });
        frames.finish();
    });
    out
}

/// A response's status line and headers; for HEAD, these alone are sent.
fn response_head(status: u16, kind: &str, body_len: usize) -> String {
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
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {body_len}\r\nConnection: close\r\n\r\n"
    )
}

/// Writes a response; for HEAD, the headers of the full response and no body.
pub(super) fn respond(
    stream: &mut impl Write,
    head_only: bool,
    status: u16,
    kind: &str,
    body: &[u8],
) -> io::Result<()> {
    stream.write_all(response_head(status, kind, body.len()).as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use vitals_core::wire::{Decoded, Decoder};
    use vitals_core::{Description, EntryKind, Level, MetricId, Series};

    use super::*;
    use crate::hub::HubConfig;

    /// Every name goes out, however many: 500 instance labels take several
    /// frames (a frame-sized staging ring once kept only the last ~100).
    #[test]
    fn a_dump_names_every_instance_however_many() {
        let hub = Hub::new(&HubConfig { ring_bytes: 64 * 1024, ..HubConfig::default() });
        hub.with_names(|names| {
            for i in 0..500u16 {
                names
                    .set_label(
                        Series::new(MetricId::CPU_CORE_USAGE, i),
                        &format!("core-{i}-of-a-big-machine"),
                    )
                    .unwrap();
            }
        });
        // Entries enough for the names to be numbered before the first one sent.
        for _ in 0..600 {
            hub.ring().with(|ring| ring.push_log(hub.now_us(), Level::Info, b"app", b"entry").unwrap());
        }
        let dump = entries_wire(hub, 598, 10);
        let (mut labels, mut seqs, mut logs) = (0, Vec::new(), 0);
        Decoder::new().feed(&dump, |item| match item {
            Decoded::Entry { entry, .. } => {
                seqs.push(entry.seq);
                match entry.kind {
                    EntryKind::Describe(Description::Label { .. }) => labels += 1,
                    EntryKind::Log(_) => logs += 1,
                    _ => {}
                }
            }
            other => panic!("{other:?}"),
        });
        assert!(labels >= 500, "{labels} labels");
        assert!((1..=10).contains(&logs), "{logs} entries");
        // Numbered to end just before the ring's entries: no gap, no overlap.
        assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    }
}
