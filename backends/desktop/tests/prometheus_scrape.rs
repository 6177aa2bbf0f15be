//! End to end with a real Prometheus server: `vitals monitor --serve` on
//! loopback, Prometheus (Debian's `prometheus`, installed by `cargo xtask
//! test`) scraping it every second, and its HTTP API queried for our series.
//! Also `promtool check metrics` on what `/metrics` serves.
#![cfg(target_os = "linux")]

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{http_get, poll, require_tool, url_encode, ChildGuard, Lines, PROMETHEUS, VITALS};
use serde_json::Value;

/// How long Prometheus gets to start, scrape and answer.
const LIMIT: Duration = Duration::from_secs(60);

/// The last `n` bytes of a log file, for failure messages.
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let start = text.len().saturating_sub(n);
    let start = (start..text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
    text[start..].to_owned()
}

/// Starts `vitals monitor` serving on a port it picks itself (port 0) and
/// returns it with the address it announced on stdout.
fn start_vitals(dir: &Path) -> (ChildGuard, Lines, String) {
    let stderr = File::create(dir.join("vitals.stderr")).expect("stderr file");
    let mut vitals = ChildGuard::spawn(
        "vitals monitor",
        Command::new(VITALS)
            .args(["monitor", "--no-tui", "--interval", "1s", "--serve", "127.0.0.1:0", "--log"])
            .arg(dir.join("app.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr),
    );
    let stdout = Lines::collect(vitals.child().stdout.take().expect("stdout"));
    let addr = poll("vitals monitor to announce its address", LIMIT, || {
        if let Some(status) = vitals.try_wait() {
            panic!("vitals monitor exited ({status}): {}", tail(&dir.join("vitals.stderr"), 2000));
        }
        stdout
            .snapshot()
            .iter()
            .find_map(|line| {
                let rest = &line[line.find("serving http://")? + "serving http://".len()..];
                Some(rest[..rest.find("/metrics")?].to_owned())
            })
            .ok_or_else(|| format!("stdout so far: {:?}", stdout.snapshot()))
    });
    assert!(addr.starts_with("127.0.0.1:"), "announced {addr}");
    (vitals, stdout, addr)
}

/// Starts Prometheus scraping `target` every second, on a free loopback
/// port (retried if another process takes the port first), and waits until
/// it is ready. Returns it and its address.
fn start_prometheus(dir: &Path, target: &str) -> (ChildGuard, String) {
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
             scrape_configs:\n  - job_name: vitals\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .expect("write prometheus.yml");
    let log = dir.join("prometheus.log");
    for attempt in 1..=3 {
        let addr = format!("127.0.0.1:{}", common::free_port());
        let mut prometheus = ChildGuard::spawn(
            "prometheus",
            Command::new(PROMETHEUS)
                .arg(format!("--config.file={}", config.display()))
                .arg(format!("--storage.tsdb.path={}", dir.join("tsdb").display()))
                .arg(format!("--web.listen-address={addr}"))
                .stdin(Stdio::null())
                .stdout(File::create(&log).expect("log file"))
                .stderr(File::create(dir.join("prometheus.stderr")).expect("log file")),
        );
        let ready = poll("prometheus to be ready", LIMIT, || {
            if let Some(status) = prometheus.try_wait() {
                return Ok(Err(status));
            }
            match http_get(&addr, "/-/ready") {
                Ok((200, _)) => Ok(Ok(())),
                Ok((status, body)) => Err(format!("/-/ready: {status} {body}")),
                Err(e) => Err(e),
            }
        });
        match ready {
            Ok(()) => return (prometheus, addr),
            Err(status) => {
                let said = tail(&dir.join("prometheus.stderr"), 3000);
                assert!(
                    attempt < 3 && said.contains("address already in use"),
                    "prometheus exited ({status}) on {addr}: {said}"
                );
            }
        }
    }
    unreachable!("the loop returns or panics")
}

/// The result vector of an instant query, once Prometheus has a non-empty one.
fn query(prometheus: &str, promql: &str) -> Result<Vec<Value>, String> {
    let (status, body) = http_get(prometheus, &format!("/api/v1/query?query={}", url_encode(promql)))?;
    if status != 200 {
        return Err(format!("{promql}: HTTP {status}: {body}"));
    }
    let json: Value = serde_json::from_str(&body).map_err(|e| format!("{promql}: bad JSON {e}: {body}"))?;
    assert_eq!(json["status"], "success", "{promql}: {body}");
    assert_eq!(json["data"]["resultType"], "vector", "{promql}: {body}");
    let result = json["data"]["result"].as_array().cloned().unwrap_or_default();
    if result.is_empty() {
        Err(format!("{promql}: empty result so far"))
    } else {
        Ok(result)
    }
}

/// The sample value of a vector element (`"value": [time, "text"]`).
fn value_of(element: &Value) -> f64 {
    element["value"][1]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no value in {element}"))
}

/// A sample's value in Prometheus text, for a series without labels.
fn exposed(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

#[test]
fn prometheus_scrapes_the_monitor_and_promtool_accepts_the_exposition() {
    require_tool(PROMETHEUS);
    // Declared first, so it is removed after both children are killed.
    let dir = tempfile::tempdir().expect("tempdir");
    let (_vitals, _stdout, vitals_addr) = start_vitals(dir.path());
    let (_prometheus, prometheus_addr) = start_prometheus(dir.path(), &vitals_addr);
    let log = dir.path().join("prometheus.stderr");

    let (cpu, memory, up) = poll("Prometheus to have scraped our series", LIMIT, || {
        let found = (|| {
            Ok((
                query(&prometheus_addr, "vitals_cpu_usage_percent")?,
                query(&prometheus_addr, "vitals_memory_MemTotal_bytes")?,
                query(&prometheus_addr, "up{job=\"vitals\"}")?,
            ))
        })();
        found.map_err(|e: String| format!("{e}\n--- prometheus log ---\n{}", tail(&log, 1500)))
    });

    // The target is ours and healthy: Prometheus parsed every scrape.
    assert_eq!(up.len(), 1, "{up:?}");
    assert_eq!(value_of(&up[0]), 1.0, "up{{job=\"vitals\"}}: {up:?}");
    assert_eq!(up[0]["metric"]["instance"], vitals_addr.as_str(), "{up:?}");
    let (status, body) = http_get(&prometheus_addr, "/api/v1/targets?state=active").expect("targets");
    assert_eq!(status, 200, "{body}");
    let targets: Value = serde_json::from_str(&body).expect("targets JSON");
    let active = targets["data"]["activeTargets"].as_array().expect("activeTargets");
    assert_eq!(active.len(), 1, "{body}");
    assert_eq!(active[0]["health"], "up", "{body}");
    assert_eq!(active[0]["lastError"], "", "{body}");

    // The values are the monitor's own.
    assert_eq!(cpu.len(), 1, "{cpu:?}");
    assert_eq!(cpu[0]["metric"]["job"], "vitals", "{cpu:?}");
    let usage = value_of(&cpu[0]);
    assert!((0.0..=100.0).contains(&usage), "cpu usage {usage}");
    assert_eq!(memory.len(), 1, "{memory:?}");
    let total = value_of(&memory[0]);
    assert!(total > 16.0 * 1024.0 * 1024.0, "MemTotal {total}");

    // Our /metrics says the same, and promtool finds nothing wrong with it.
    let (status, metrics) = http_get(&vitals_addr, "/metrics").expect("GET /metrics");
    assert_eq!(status, 200, "{metrics}");
    assert_eq!(exposed(&metrics, "vitals_memory_MemTotal_bytes"), Some(total), "{metrics}");
    assert!(metrics.contains("# TYPE vitals_cpu_usage_percent gauge\n"), "{metrics}");
    assert!(metrics.contains("# TYPE vitals_ring_entries_total counter\n"), "{metrics}");
    common::promtool_check_metrics(&metrics);
    // The same entries in the wire format, which `vitals decode` reads with
    // the instances named by the export's own descriptions.
    let (status, wire) =
        common::http_get_bytes(&vitals_addr, "/entries.bin?since=0").expect("GET /entries.bin");
    assert_eq!(status, 200);
    let dump = dir.path().join("entries.bin");
    std::fs::write(&dump, &wire).expect("write the dump");
    let decoded =
        std::process::Command::new(common::VITALS).arg("decode").arg(&dump).output().expect("vitals decode");
    let lines = String::from_utf8_lossy(&decoded.stdout);
    let errors = String::from_utf8_lossy(&decoded.stderr);
    assert!(decoded.status.success(), "vitals decode failed: {errors}");
    assert!(errors.is_empty(), "no gap, nothing skipped: {errors}");
    assert!(lines.contains(" DESCRIBE metric#"), "no descriptions in the dump:\n{lines}");
    assert!(lines.contains(" METRIC cpu.usage "), "{lines}");
    // Interfaces are instances with labels; `lo` is always there.
    assert!(lines.contains("{device=lo}"), "the loopback interface is not named:\n{lines}");
}
