//! Desktop benchmarks, each beside its peer in the same run:
//!
//! * `sample/sysinfo_full` — one full `SysinfoSampler::sample` (CPU total and
//!   per core, memory and swap, every disk, every interface, load, uptime,
//!   this process; no process list), median of 50 taken 200 ms apart and
//!   printed as a line. Peer: the seed's `sample_psutil` (`cargo xtask bench`
//!   runs the Python script in the same run).
//! * `log_file/vitals` — `log::info!("cpu={:.1} mem={:.2} step {}", ..)`
//!   through `vitals_desktop::init` into the ring and on to a real `app.log`
//!   (human lines with ISO 8601 times), the flush to the file included.
//! * `log_file/env_logger` — the same record through an `env_logger::Logger`
//!   piped to a real file (default features off: no timestamp), called
//!   directly because only one `log` logger can be installed.
//!
//! ```text
//! cargo bench -p vitals-desktop --bench desktop
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use log::Log;
use vitals_core::LevelFilter;
use vitals_desktop::sink::{FileFormat, RotationConfig};
use vitals_desktop::{init, Config, HubConfig, SysinfoSampler};

/// Times `SAMPLES` full samples, each after the CPU settle time (untimed),
/// and prints the median: criterion cannot drive a benchmark that must sleep
/// between iterations without sleeping inside its own timing loop.
fn sample() {
    const SAMPLES: usize = 50;
    let mut sampler = SysinfoSampler::new(Default::default()).expect("sysinfo works here");
    sampler.sample(&mut |_, _| {});
    let mut times = Vec::with_capacity(SAMPLES);
    let mut values = 0;
    for _ in 0..SAMPLES {
        std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
        let start = Instant::now();
        sampler.sample(&mut |series, value| {
            black_box((series, value));
            values += 1;
        });
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[SAMPLES / 2];
    println!(
        "sample/sysinfo_full median_ns={} min_ns={} max_ns={} values_per_sample={}",
        median.as_nanos(),
        times[0].as_nanos(),
        times[SAMPLES - 1].as_nanos(),
        values / SAMPLES
    );
}

fn log_file(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("vitals-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let hub = init(Config {
        spec: "info".into(),
        file: Some(dir.join("app.log")),
        file_format: FileFormat::Human,
        rotation: RotationConfig { max_bytes: 64 * 1024 * 1024, keep: 1 },
        stderr: LevelFilter::Off,
        hub: HubConfig { ring_bytes: 4 << 20, ..HubConfig::default() },
        flush_interval: Duration::from_secs(3600),
    })
    .expect("init");
    let env_file = std::fs::File::create(dir.join("env_logger.log")).expect("file");
    let env = env_logger::Builder::new()
        .target(env_logger::Target::Pipe(Box::new(env_file)))
        .filter_level(log::LevelFilter::Info)
        .build();

    let mut group = c.benchmark_group("log_file");
    group.throughput(Throughput::Elements(1));
    group.bench_function("vitals", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for i in 0..iters {
                log::info!("cpu={:.1} mem={:.2} step {}", black_box(12.5), black_box(40.25), i);
                if i % 1024 == 1023 {
                    hub.flush(); // what the flusher thread does; counted here
                }
            }
            hub.flush();
            start.elapsed()
        });
    });
    group.bench_function("env_logger", |b| {
        b.iter(|| {
            env.log(
                &log::Record::builder()
                    .args(format_args!("cpu={:.1} mem={:.2} step {}", black_box(12.5), black_box(40.25), 7))
                    .level(log::Level::Info)
                    .target("bench")
                    .build(),
            );
        });
    });
    group.finish();
    assert_eq!(hub.lost(), 0, "the bench must not lose lines");
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1)).sample_size(30);
    targets = log_file
}

fn main() {
    sample();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
