//! Slow and idle clients against a real [`Exporter`] on 127.0.0.1: connections
//! that send nothing, or half a request head, or trickle one byte at a time,
//! must not lock a Prometheus scrape out (the slowloris that a thread per
//! connection with 16 slots allowed), and each still gets its `408` at the
//! request-head deadline. `faults.rs` floods the real `vitals monitor` with
//! more idle connections than it holds.
#![cfg(target_os = "linux")]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::http_get;
use vitals_desktop::exporter::{MAX_CONNECTIONS, MAX_HEAD_BYTES};
use vitals_desktop::{Exporter, Hub, HubConfig};

/// Generous limit for any answer; only there to turn a hang into a failure.
const LIMIT: Duration = Duration::from_secs(30);

fn serve() -> String {
    let hub = Hub::new(&HubConfig { ring_bytes: 4096, ..HubConfig::default() });
    Exporter::serve("127.0.0.1:0", hub).expect("serve").local_addr().to_string()
}

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(LIMIT)).expect("read timeout");
    stream.set_write_timeout(Some(LIMIT)).expect("write timeout");
    stream
}

/// Everything the server sends until it closes.
fn answer(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(read.is_ok() || !answer.is_empty(), "no answer: {read:?}");
    answer
}

#[test]
fn idle_and_half_sent_connections_do_not_lock_a_scrape_out_and_each_gets_408() {
    let addr = serve();
    // Four times the handler threads: each used to hold one for 5 s.
    let mut idle: Vec<TcpStream> = (0..4 * MAX_CONNECTIONS).map(|_| connect(&addr)).collect();
    let mut half: Vec<TcpStream> = (0..4 * MAX_CONNECTIONS)
        .map(|_| {
            let mut stream = connect(&addr);
            stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: slow\r\n").expect("half a head");
            stream
        })
        .collect();
    // Scrapes meanwhile are answered (they got 503 before the readiness loop).
    for _ in 0..3 {
        let (status, body) = http_get(&addr, "/metrics").expect("scrape during the flood");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("vitals_ring_capacity_bytes 4096\n"), "{body}");
    }
    // A HEAD gets the headers of the full response and no body.
    let mut head = connect(&addr);
    head.write_all(b"HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n").expect("send");
    let text = answer(&mut head);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.ends_with("\r\n\r\n") && !text.contains("Content-Length: 0\r\n"), "{text}");
    // The held connections are answered at the request-head deadline.
    for stream in idle.iter_mut().chain(half.iter_mut()) {
        let text = answer(stream);
        assert!(text.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nrequest took too long\n"), "{text}");
    }
    let (status, _) = http_get(&addr, "/metrics").expect("scrape after");
    assert_eq!(status, 200);
}

#[test]
fn a_request_trickled_a_byte_at_a_time_is_served_and_garbage_refused_at_once() {
    let addr = serve();
    let mut slow = connect(&addr);
    for byte in b"GET /entries?since=0&limit=5 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n" {
        slow.write_all(&[*byte]).expect("one byte");
        std::thread::sleep(Duration::from_millis(2));
    }
    let text = answer(&mut slow);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"), "{text}");

    // Not HTTP, and no line end yet: a 400 at once, not a 408 at the deadline.
    let mut garbage = connect(&addr);
    garbage.write_all(b"\x00\x01garbage").expect("send");
    let text = answer(&mut garbage);
    assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{text}");
    assert!(text.contains("malformed request: invalid token"), "{text}");

    // A head that reaches the 8 KiB limit a line at a time is a 431. (Exactly
    // 8 KiB, so that nothing is left unread and the close is not a reset.)
    let mut head = String::from("GET /metrics HTTP/1.1\r\n");
    while head.len() < MAX_HEAD_BYTES {
        let pad = (MAX_HEAD_BYTES - head.len()).saturating_sub(9).min(1000);
        head.push_str(&format!("X-Pad: {}\r\n", "a".repeat(pad)));
    }
    assert_eq!(head.len(), MAX_HEAD_BYTES);
    let mut long = connect(&addr);
    for line in head.split_inclusive('\n') {
        long.write_all(line.as_bytes()).expect("send a line");
    }
    let text = answer(&mut long);
    assert!(text.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "{text}");
}
