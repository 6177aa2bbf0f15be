//! The bad-input campaign of TESTING.md, kept honest: for each entry point
//! of the `vitals` command and the exporter, what a user gets for input
//! that is wrong — an exit code and a message that names the input and
//! says what to do, never a panic, an abort or a silent default.
#![cfg(target_os = "linux")]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output};
use std::time::Duration;

use common::{http_get, VITALS};
use vitals_desktop::{Exporter, Hub, HubConfig};

/// Runs `vitals` with `args` (and `VITALS_LOG` when given) in a fresh
/// directory, for at most a few seconds of monitoring.
fn vitals(args: &[&str], vitals_log: Option<&str>) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = Command::new(VITALS);
    command.args(args).current_dir(dir.path()).env_remove("VITALS_LOG");
    if let Some(spec) = vitals_log {
        command.env("VITALS_LOG", spec);
    }
    command.output().expect("run vitals")
}

/// Exit code 2 and `wanted` on stderr; no panic, nothing on stdout.
fn usage_error(output: &Output, wanted: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(wanted), "expected {wanted:?} in:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
}

const MONITOR: &[&str] = &["monitor", "--no-tui", "--duration", "1s"];

fn monitor_with(extra: &[&str]) -> Output {
    vitals(&[MONITOR, extra].concat(), None)
}

#[test]
fn a_ring_too_large_to_allocate_is_refused_not_an_abort() {
    let output = monitor_with(&["--ring-bytes", "99999999999999"]);
    usage_error(&output, "99999999999999 bytes is more than the 1 GiB (1073741824) a ring may have");
    usage_error(&monitor_with(&["--ring-bytes", "lots"]), "expected a byte count such as 1048576");
}

#[test]
fn flag_values_out_of_range_name_the_flag_and_the_accepted_forms() {
    usage_error(&monitor_with(&["--interval", "0s"]), "invalid duration \"0s\": expected a positive number");
    usage_error(&monitor_with(&["--keep", "abc"]), "invalid value 'abc' for '--keep <KEEP>'");
    usage_error(&monitor_with(&["--log-format", "xml"]), "[possible values: human, json]");
    usage_error(&monitor_with(&["--log", "/"]), "cannot open log file /: Is a directory");
}

#[test]
fn a_bad_serve_address_gets_advice_for_its_cause() {
    usage_error(
        &monitor_with(&["--serve", "nonsense"]),
        "cannot listen on nonsense: invalid socket address. Give an address and port such as --serve 127.0.0.1:9184",
    );
    usage_error(
        &monitor_with(&["--serve", "127.0.0.1:99999"]),
        "invalid port value. Give an address and port",
    );
    // TEST-NET-1: never an address of this machine.
    usage_error(
        &monitor_with(&["--serve", "192.0.2.1:9184"]),
        "That address is not on this machine: use 127.0.0.1:PORT",
    );
}

#[test]
fn a_bad_vitals_log_names_the_item_and_position_and_lists_the_levels() {
    let output = vitals(MONITOR, Some("info,app=loud"));
    usage_error(
        &output,
        "bad level spec in VITALS_LOG: bad filter item `app=loud` at byte 5: unknown level; \
         expected trace, debug, info, warn, error, critical or off",
    );
    usage_error(&vitals(MONITOR, Some("=")), "bad filter item `=` at byte 0: missing target before `=`");
    let many: Vec<String> = (0..20).map(|i| format!("m{i}=debug")).collect();
    usage_error(&vitals(MONITOR, Some(&many.join(","))), "more per-target rules than the table holds");
    let long = format!("{}=debug", "a".repeat(100));
    usage_error(&vitals(MONITOR, Some(&long)), "target longer than 64 bytes");
}

#[test]
fn rules_files_that_are_not_rules_are_refused_with_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules.toml");
    let path = rules.to_str().expect("UTF-8 path");
    let cases: &[(&[u8], &str)] = &[
        (
            b"[rule.\"no.such.metric\"]\nwarn = 1\n",
            ":1:1: unknown metric \"no.such.metric\": use a catalog name",
        ),
        (
            b"[rule.\"cpu.usage\"]\nwarn = 90\nerror = 80\n",
            "thresholds must be ordered warn <= error <= critical",
        ),
        (b"[rule.\"cpu.usage\"]\nwarn = \"high\"\n", ":2:8: invalid type: string \"high\", expected f64"),
        (b"[rule.\"cpu.usage\"]\nwarn = nan\n", "thresholds must be finite"),
        (b"[rule.\"cpu.usage\"]\nbogus = 1\n", ":2:1: unknown field `bogus`, expected one of `warn`"),
        (b"\xff\xfe\x00garbage", "stream did not contain valid UTF-8"),
    ];
    for (text, wanted) in cases {
        std::fs::write(&rules, text).expect("rules");
        usage_error(&monitor_with(&["--rules", path]), wanted);
    }
    usage_error(&monitor_with(&["--rules", "/nonexistent/rules.toml"]), "cannot read rules file");
}

#[test]
fn decode_of_a_directory_is_a_usage_error_and_garbage_is_skipped_and_counted() {
    usage_error(
        &vitals(&["decode", "/tmp"], None),
        "cannot open /tmp: it is a directory. Give a file written by a Vitals exporter, or - for stdin",
    );
    // 100 KB of bytes that are not a Vitals stream: exit 1, each damaged
    // span counted, nothing printed as an entry.
    let mut child = Command::new(VITALS)
        .args(["decode", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("decode");
    let mut noise = Vec::with_capacity(100_000);
    let mut x: u32 = 0x1234_5678;
    while noise.len() < 100_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push((x % 255 + 1) as u8); // no 0x00: one long damaged span
    }
    child.stdin.take().expect("stdin").write_all(&noise).expect("feed");
    let output = child.wait_with_output().expect("decode output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("vitals decode: skipped 100000 bytes in 1 damaged spans; decoded 0 entries"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_entries_queries_and_requests_get_4xx_with_what_to_send() {
    let hub = Hub::new(&HubConfig { ring_bytes: 4096, ..HubConfig::default() });
    let exporter = Exporter::serve("127.0.0.1:0", hub).expect("serve");
    let addr = exporter.local_addr().to_string();
    let cases = [
        (
            "/entries?since=-1",
            400,
            "bad since=\"-1\": expected a sequence number (0 or more), e.g. /entries?since=42",
        ),
        ("/entries?since=abc", 400, "bad since=\"abc\""),
        ("/entries?since=99999999999999999999", 400, "bad since=\"99999999999999999999\""),
        ("/entries?since=", 400, "bad since=\"\""),
        ("/entries?since=0&limit=abc", 400, "bad limit=\"abc\": expected a count, 1 to 10000"),
        ("/entries?limit=0", 400, "bad limit=\"0\": expected a count, 1 to 10000"),
        ("/entries?limit=10001", 400, "bad limit=\"10001\": expected a count, 1 to 10000"),
        ("/entries?since=%ZZ", 400, "bad since=\"%ZZ\""),
        ("/entries?foo=1", 400, "unknown parameter \"foo\": use since and limit"),
        ("/nope", 404, "no such path /nope; try /metrics or /entries?since=0"),
    ];
    for (path, status, body) in cases {
        let (got, text) = http_get(&addr, path).expect(path);
        assert_eq!(got, status, "{path}: {text}");
        assert!(text.contains(body), "{path}: {text}");
    }
    // A sequence number from the future is not an error: nothing yet.
    assert_eq!(http_get(&addr, "/entries?since=18446744073709551615").expect("future"), (200, String::new()));
    // Values are percent-decoded, as clients may send them.
    assert_eq!(
        http_get(&addr, "/entries?since=1%384467440737095516%31%35").expect("encoded"),
        (200, String::new())
    );
    let raw: [(&[u8], &str); 4] = [
        (b"GET /metrics\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        (b"POST /metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"),
        (b"GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 413 Content Too Large"),
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ];
    for (request, wanted) in raw {
        let mut stream = TcpStream::connect(&addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
        stream.write_all(request).expect("send");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(answer.starts_with(wanted), "{:?}: {answer}", String::from_utf8_lossy(request));
    }
    let (status, _) = http_get(&addr, "/metrics").expect("still serving");
    assert_eq!(status, 200);
}
