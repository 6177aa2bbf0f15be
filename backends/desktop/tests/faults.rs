//! The real `vitals monitor` under faults, each with one clear outcome: its
//! log directory deleted while it runs, the disk filling up mid-run and
//! freed again, a read-only log file, its exporter port already taken,
//! clients that open many connections or send 10 MB, and `kill -9` in the
//! middle of rotation followed by a restart.
//!
//! `file_sink.rs` already covers a disk full from the start (`/dev/full`),
//! an unwritable path at start, `kill -9` with one file, and a bad rules
//! file; this file does not repeat those.
#![cfg(target_os = "linux")]

mod common;

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use common::{free_port, http_get, poll, ChildGuard, Lines, VITALS};
use vitals_desktop::exporter::{MAX_CONNECTIONS, MAX_HEAD_BYTES, MAX_PENDING};
use vitals_desktop::sink::RotatingFile;

/// Generous limit for anything to happen on a loaded machine; only there
/// to turn a hang into a failure.
const LIMIT: Duration = Duration::from_secs(60);

/// `vitals monitor --no-tui` at 100 ms writing `log`, stdout and stderr
/// both into `output` (so their order is the order written).
fn monitor(log: &Path, output: &Path, extra: &[&str]) -> ChildGuard {
    let file = File::create(output).expect("output file");
    ChildGuard::spawn(
        "vitals monitor",
        Command::new(VITALS)
            .args(["monitor", "--no-tui", "--interval", "100ms", "--log"])
            .arg(log)
            .args(extra)
            .env_remove("VITALS_LOG")
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("dup"))
            .stderr(file),
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// SIGTERM, then the exit status (the monitor flushes and exits 0).
fn terminate(child: &mut ChildGuard) -> ExitStatus {
    let pid = child.child().id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill(1)");
    assert!(sent.success(), "kill -TERM {pid}");
    child.wait_timeout(LIMIT)
}

/// Waits until `output` contains `text`, failing early if the child exits.
fn wait_for_output(child: &mut ChildGuard, output: &Path, text: &str) {
    poll(&format!("{text:?} in the monitor's output"), LIMIT, || {
        let said = read(output);
        if said.contains(text) {
            return Ok(());
        }
        if let Some(status) = child.try_wait() {
            panic!("monitor exited ({status}) before saying {text:?}:\n{said}");
        }
        Err(format!("{} bytes of output so far", said.len()))
    });
}

/// Lines in `path` now.
fn line_count(path: &Path) -> usize {
    read(path).lines().count()
}

#[test]
fn log_directory_deleted_while_running_is_reported_and_writing_resumes_when_it_returns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).expect("logs dir");
    let log = logs.join("app.log");
    let output = dir.path().join("output");
    let mut child = monitor(&log, &output, &[]);
    poll("lines in app.log", LIMIT, || match line_count(&log) {
        n if n > 20 => Ok(()),
        n => Err(format!("{n} lines")),
    });

    std::fs::remove_dir_all(&logs).expect("remove the log directory");
    let report = format!("cannot write to {}: No such file or directory", log.display());
    wait_for_output(&mut child, &output, &report);
    // The monitor goes on: ticks keep coming on stdout.
    let ticks = read(&output).matches(" METRIC cpu.usage ").count();
    poll("more ticks after the report", LIMIT, || {
        match read(&output).matches(" METRIC cpu.usage ").count() {
            n if n > ticks + 2 => Ok(()),
            n => Err(format!("{n} ticks")),
        }
    });

    std::fs::create_dir(&logs).expect("recreate the log directory");
    wait_for_output(&mut child, &output, &format!("writing to {} works again", log.display()));
    poll("lines in the new app.log", LIMIT, || match line_count(&log) {
        n if n > 5 => Ok(()),
        n => Err(format!("{n} lines")),
    });
    let status = terminate(&mut child);
    let said = read(&output);
    assert_eq!(status.code(), Some(0), "{said}");
    assert_eq!(said.matches(&report).count(), 1, "reported once, not per line:\n{said}");
    assert!(said.contains("Create its directory again, and writing resumes by itself"), "{said}");
    assert!(said.contains("lines could not be written (see the messages above)"), "{said}");
    assert!(read(&log).contains("monitor stopped after"), "the goodbye line reached the new file");
}

/// A tmpfs of `bytes`, unmounted (and its directory removed) when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// Mounts one, or says why it cannot (not root, no mount permission).
    fn mount(at: PathBuf, bytes: u64) -> Result<SmallDisk, String> {
        std::fs::create_dir_all(&at).map_err(|e| e.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(&at)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if output.status.success() {
            Ok(SmallDisk(at))
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn disk_filling_up_mid_run_is_reported_once_and_writing_resumes_when_space_is_freed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = match SmallDisk::mount(dir.path().join("disk"), 1 << 20) {
        Ok(disk) => disk,
        Err(why) => {
            println!(
                "SKIPPED: cannot mount a small tmpfs to fill ({why}); /dev/full in file_sink.rs still runs"
            );
            return;
        }
    };
    // Leave about 24 KiB free: a few seconds of lines.
    let filler = disk.0.join("filler");
    let mut fill = File::create(&filler).expect("filler");
    let chunk = vec![0u8; 4096];
    while fill.write_all(&chunk).is_ok() {}
    drop(fill);
    let size = std::fs::metadata(&filler).expect("filler").len();
    std::fs::write(&filler, vec![0u8; (size - 24 * 1024) as usize]).expect("shrink filler");

    let log = disk.0.join("app.log");
    let output = dir.path().join("output");
    let mut child = monitor(&log, &output, &["--max-bytes", "0"]);
    let report = format!("cannot write to {}: No space left on device", log.display());
    wait_for_output(&mut child, &output, &report);
    let ticks = read(&output).matches(" METRIC cpu.usage ").count();
    poll("ticks after the disk filled", LIMIT, || {
        match read(&output).matches(" METRIC cpu.usage ").count() {
            n if n > ticks + 2 => Ok(()),
            n => Err(format!("{n}")),
        }
    });
    std::fs::remove_file(&filler).expect("free the space");
    wait_for_output(&mut child, &output, &format!("writing to {} works again", log.display()));
    let status = terminate(&mut child);
    let said = read(&output);
    assert_eq!(status.code(), Some(0), "{said}");
    assert_eq!(said.matches(&report).count(), 1, "reported once:\n{said}");
    assert!(said.contains("Free space, and writing resumes by itself"), "{said}");
    let text = read(&log);
    assert!(text.contains("monitor stopped after"), "writing resumed to the end");
    // Lines lost to the full disk are gone whole: every line in the file is whole.
    for line in text.lines() {
        assert!(line.len() > 24 && line.as_bytes()[23] == b'Z', "torn line {line:?}");
    }
    drop(disk);
}

/// Makes `path` unwritable even for root if it can: `chmod 444`, and when
/// that does not stop this process (root ignores modes) `chattr +i`.
/// Returns how, or why it could not.
fn make_read_only(path: &Path) -> Result<&'static str, String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).map_err(|e| e.to_string())?;
    if std::fs::OpenOptions::new().append(true).open(path).is_err() {
        return Ok("chmod 444");
    }
    let output = Command::new("chattr").arg("+i").arg(path).output().map_err(|e| format!("chattr: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "running as root, where chmod does not stop writes, and chattr +i failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    match std::fs::OpenOptions::new().append(true).open(path) {
        Err(_) => Ok("chattr +i"),
        Ok(_) => Err("chattr +i did not stop writes on this filesystem".to_owned()),
    }
}

/// Undoes `chattr +i` so the temporary directory can be removed.
struct Mutable<'a>(&'a Path);

impl Drop for Mutable<'_> {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(self.0).status();
    }
}

#[test]
fn a_read_only_log_file_is_a_usage_error_at_start_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("app.log");
    std::fs::write(&log, "an old line\n").expect("log");
    let _undo = Mutable(&log);
    let how = match make_read_only(&log) {
        Ok(how) => how,
        Err(why) => {
            println!("SKIPPED: cannot make a file read-only here: {why}");
            return;
        }
    };
    let output = Command::new(VITALS)
        .args(["monitor", "--no-tui", "--duration", "1s", "--log"])
        .arg(&log)
        .output()
        .expect("run vitals");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "({how}) {stderr}");
    assert!(stderr.contains(&format!("cannot open log file {}", log.display())), "{stderr}");
    assert!(
        stderr.contains("Permission denied") || stderr.contains("Operation not permitted"),
        "({how}) {stderr}"
    );
    assert!(stderr.contains("Choose a writable path"), "{stderr}");
    assert_eq!(read(&log), "an old line\n", "the file is untouched");
}

#[test]
fn a_log_file_made_read_only_while_running_is_reported_and_sampling_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("app.log");
    let output = dir.path().join("output");
    let _undo = Mutable(&log);
    let mut child = monitor(&log, &output, &[]);
    poll("lines in app.log", LIMIT, || match line_count(&log) {
        n if n > 20 => Ok(()),
        n => Err(format!("{n} lines")),
    });
    let how = match make_read_only(&log) {
        Ok(how) => how,
        Err(why) => {
            println!("SKIPPED: cannot make a file read-only here: {why}");
            return;
        }
    };
    if how == "chmod 444" {
        // An open file descriptor keeps its write access after chmod (as
        // for any Unix program): nothing to report, and nothing is lost.
        let before = line_count(&log);
        poll("lines still appended after chmod 444", LIMIT, || match line_count(&log) {
            n if n > before + 20 => Ok(()),
            n => Err(format!("{n}")),
        });
        println!(
            "chmod 444 on an open log: writes continue through the open descriptor (normal Unix behaviour)"
        );
        return;
    }
    // chattr +i refuses writes even through the open descriptor.
    let report = format!("cannot write to {}: Operation not permitted", log.display());
    wait_for_output(&mut child, &output, &report);
    let ticks = read(&output).matches(" METRIC cpu.usage ").count();
    poll("ticks after the report", LIMIT, || match read(&output).matches(" METRIC cpu.usage ").count() {
        n if n > ticks + 2 => Ok(()),
        n => Err(format!("{n}")),
    });
    let _ = Command::new("chattr").arg("-i").arg(&log).status();
    wait_for_output(&mut child, &output, &format!("writing to {} works again", log.display()));
    let status = terminate(&mut child);
    let said = read(&output);
    assert_eq!(status.code(), Some(0), "{said}");
    assert_eq!(said.matches(&report).count(), 1, "reported once:\n{said}");
    assert!(said.contains("Fix its permissions (or `chattr -i` it), and writing resumes"), "{said}");
}

#[test]
fn an_exporter_port_already_taken_is_a_usage_error_naming_the_address() {
    let dir = tempfile::tempdir().expect("tempdir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let output = Command::new(VITALS)
        .args(["monitor", "--no-tui", "--duration", "5s", "--serve", &addr, "--log"])
        .arg(dir.path().join("app.log"))
        .output()
        .expect("run vitals");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("cannot listen on {addr}: Address already in use")), "{stderr}");
    assert!(stderr.contains("Pick another with --serve 127.0.0.1:PORT"), "{stderr}");
    drop(taken);
}

/// `vitals monitor --serve` on a fresh port: the child, its output file and the address.
fn serving(dir: &Path) -> (ChildGuard, PathBuf, String) {
    let output = dir.join("output");
    for _ in 0..3 {
        let addr = format!("127.0.0.1:{}", free_port());
        let mut child = monitor(&dir.join("app.log"), &output, &["--serve", &addr]);
        let up = poll("the exporter to answer", LIMIT, || {
            if child.try_wait().is_some() {
                return Ok(false); // the port was taken in between: try another
            }
            http_get(&addr, "/metrics").map(|(status, _)| status == 200)
        });
        if up {
            return (child, output, addr);
        }
    }
    panic!("could not start the exporter: {}", read(&output));
}

/// A `kB` field of `/proc/PID/status`.
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = read(Path::new(&format!("/proc/{pid}/status")));
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(Iterator::count).expect("/proc/PID/fd")
}

fn threads(pid: u32) -> u64 {
    let status = read(Path::new(&format!("/proc/{pid}/status")));
    status.lines().find_map(|l| l.strip_prefix("Threads:")?.trim().parse().ok()).expect("Threads")
}

#[test]
fn a_flood_of_idle_connections_is_bounded_and_never_locks_a_scrape_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, output, addr) = serving(dir.path());
    let pid = child.child().id();
    let (fds_before, threads_before) = (open_fds(pid), threads(pid));
    // More connections that never send a byte than the exporter holds.
    const EXTRA: usize = 100;
    let mut idle: Vec<TcpStream> =
        (0..MAX_PENDING + EXTRA).map(|_| TcpStream::connect(&addr).expect("connect")).collect();
    // Idle connections take no handler thread, and the oldest make room for
    // new ones: a scrape during the flood is served.
    let (status, body) = http_get(&addr, "/metrics").expect("a scrape during the flood");
    assert_eq!(status, 200, "{body}");
    let (fds, threads_now) = (open_fds(pid), threads(pid));
    assert!(
        fds <= fds_before + MAX_PENDING + MAX_CONNECTIONS + 4,
        "{fds} fds open during the flood, {fds_before} before: at most {MAX_PENDING} waiting connections"
    );
    assert!(threads_now <= threads_before + MAX_CONNECTIONS as u64 + 1, "{threads_now} threads");
    // Every idle connection is answered and closed: the oldest with a 503
    // when newer ones needed their slot, the others with a 408 at the
    // request-head deadline (5 s).
    let (mut busy, mut late) = (0, 0);
    for stream in &mut idle {
        stream.set_read_timeout(Some(LIMIT)).expect("timeout");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        if answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n") {
            assert!(answer.ends_with("\r\n\r\ntoo many connections; retry\n"), "{answer}");
            busy += 1;
        } else {
            assert!(answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{answer:?}");
            late += 1;
        }
    }
    println!("{busy} idle connections made room for newer ones (503), {late} timed out (408)");
    // One more than EXTRA at most: the scrape took a slot too.
    assert!(busy <= EXTRA + 1, "{busy} answered 503");
    drop(idle);
    assert!(child.try_wait().is_none(), "the monitor died: {}", read(&output));
    assert_eq!(terminate(&mut child).code(), Some(0), "{}", read(&output));
}

/// Sends `head` and then `body_bytes` of filler from another thread while
/// this one reads the answer; returns the status line, or what happened
/// when there was none (the server may reset a connection it stopped reading).
fn send_huge(addr: &str, head: String, body_bytes: usize) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(LIMIT)).expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    let sender = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = writer.write_all(head.as_bytes()).map(|()| head.len());
        let mut left = body_bytes;
        while let (Ok(n), true) = (&sent, left > 0) {
            let take = left.min(chunk.len());
            sent = writer.write_all(&chunk[..take]).map(|()| n + take);
            left -= take;
        }
        sent.ok()
    });
    let mut response = Vec::new();
    let read = stream.read_to_end(&mut response);
    let sent = sender.join().expect("sender");
    let status_line = String::from_utf8_lossy(&response).lines().next().unwrap_or("").to_owned();
    match read {
        _ if !status_line.is_empty() => status_line,
        Ok(_) => format!("closed without an answer after {sent:?} bytes sent"),
        Err(e) => format!("{e} after {sent:?} bytes sent"),
    }
}

#[test]
fn ten_megabyte_requests_are_refused_with_memory_bounded_and_other_clients_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, output, addr) = serving(dir.path());
    let pid = child.child().id();
    let rss_before = status_kib(pid, "VmRSS");
    const TEN_MB: usize = 10 * 1024 * 1024;

    // A 10 MB request head (one endless header line).
    let head = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nX-Filler: ");
    let answer = send_huge(&addr, head, TEN_MB);
    println!("10 MB request head: {answer}");
    assert!(
        answer.starts_with("HTTP/1.1 431") || answer.contains("reset") || answer.contains("Broken pipe"),
        "expected 431 (head over {MAX_HEAD_BYTES} bytes) or a reset: {answer}"
    );

    // A 10 MB body announced by Content-Length.
    let head = format!("POST /metrics HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {TEN_MB}\r\n\r\n");
    let answer = send_huge(&addr, head, TEN_MB);
    println!("10 MB request body: {answer}");
    assert!(
        answer.starts_with("HTTP/1.1 413") || answer.contains("reset") || answer.contains("Broken pipe"),
        "expected 413 or a reset: {answer}"
    );

    // A GET with a 10 MB body: refused before the body is read.
    let head = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {TEN_MB}\r\n\r\n");
    let answer = send_huge(&addr, head, TEN_MB);
    println!("GET with a 10 MB body: {answer}");
    assert!(answer.starts_with("HTTP/1.1 413") || answer.contains("reset"), "{answer}");

    // Still up, still serving, and it never held the 10 MB.
    let (status, body) = http_get(&addr, "/metrics").expect("scrape after");
    assert_eq!(status, 200, "{body}");
    let peak = status_kib(pid, "VmHWM");
    assert!(
        peak < rss_before + 8 * 1024,
        "peak RSS {peak} KiB vs {rss_before} KiB before: the server buffered the request"
    );
    assert!(child.try_wait().is_none(), "{}", read(&output));
    assert_eq!(terminate(&mut child).code(), Some(0), "{}", read(&output));
}

/// Whether a line is a whole human line (`2026-…Z LEVEL …`).
fn is_whole(line: &str) -> bool {
    line.len() > 25
        && line.as_bytes()[4] == b'-'
        && line.as_bytes()[10] == b'T'
        && line.as_bytes()[23] == b'Z'
}

/// The rotated set oldest first: its files must be numbered without holes.
fn rotated_set(log: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        (1..).map(|n| RotatingFile::rotated_path(log, n)).take_while(|p| p.exists()).collect();
    let beyond = RotatingFile::rotated_path(log, files.len() + 2);
    assert!(!beyond.exists(), "hole in the rotated set before {}", beyond.display());
    files.reverse();
    files.push(log.to_owned());
    files
}

#[test]
fn kill_9_mid_rotation_then_restart_keeps_every_flushed_line_once_in_a_consistent_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("app.log");
    const MAX_BYTES: u64 = 4096;
    let mut shown_total: Vec<String> = Vec::new();
    // Three runs killed after different amounts of output, then one that
    // stops cleanly: each restart appends to what the last one left.
    for (run, kill_after) in [(0, 150usize), (1, 420), (2, 77), (3, 0)] {
        let mut child = ChildGuard::spawn(
            "vitals monitor",
            Command::new(VITALS)
                .args([
                    "monitor",
                    "--no-tui",
                    "--interval",
                    "100ms",
                    "--max-bytes",
                    "4096",
                    "--keep",
                    "100000",
                ])
                .arg("--log")
                .arg(&log)
                .args(if kill_after == 0 { &["--duration", "1s"][..] } else { &[][..] })
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(File::create(dir.path().join(format!("stderr{run}"))).expect("stderr")),
        );
        let stdout = Lines::collect(child.child().stdout.take().expect("stdout"));
        if kill_after > 0 {
            poll("output to kill in the middle of", LIMIT, || {
                if let Some(status) = child.try_wait() {
                    panic!("run {run} exited ({status}): {}", read(&dir.path().join(format!("stderr{run}"))));
                }
                match stdout.snapshot().len() {
                    n if n >= kill_after => Ok(()),
                    n => Err(format!("{n} lines")),
                }
            });
            let status = child.kill();
            assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "{status}");
        } else {
            assert_eq!(child.wait_timeout(LIMIT).code(), Some(0));
        }
        // Everything printed was flushed to the file first.
        shown_total.extend(stdout.finish());
    }

    let files = rotated_set(&log);
    assert!(files.len() > 5, "only {} files: rotation did not happen", files.len());
    let mut lines: Vec<String> = Vec::new();
    for file in &files {
        let text = read(file);
        assert!(text.is_empty() || text.ends_with('\n'), "{} ends inside a line", file.display());
        assert!(text.len() as u64 <= MAX_BYTES + 1, "{} has {} bytes", file.display(), text.len());
        lines.extend(text.lines().map(str::to_owned));
    }
    // A line cut by the kill can only sit right before a restart's first
    // line (the clock anchor), ended by the newline the restart adds.
    for (i, line) in lines.iter().enumerate() {
        if !is_whole(line) {
            let next = lines.get(i + 1).map(String::as_str).unwrap_or("");
            assert!(next.contains(" EVENT clock anchored at "), "torn line {line:?} not at a restart");
        }
    }
    let mut seen = HashSet::new();
    for line in lines.iter().filter(|l| is_whole(l)) {
        assert!(seen.insert(line.as_str()), "line twice in the rotated set: {line:?}");
    }
    let missing: Vec<&String> = shown_total.iter().filter(|l| !seen.contains(l.as_str())).collect();
    assert!(
        missing.is_empty(),
        "{} of {} lines shown (so flushed) are not in the rotated set, e.g. {:?}",
        missing.len(),
        shown_total.len(),
        missing.first()
    );
    assert_eq!(lines.iter().filter(|l| l.contains(" EVENT clock anchored at ")).count(), 4, "four starts");
}
