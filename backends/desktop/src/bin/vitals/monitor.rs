//! `vitals monitor`: sample every interval, write metric lines and threshold
//! alerts into the log, show them live, serve them to Prometheus.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use vitals_core::{
    format, Cursor, EntryKind, Level, LevelFilter, MetricId, MetricKind, MetricNames, Series, Window,
};
use vitals_desktop::rules_file::{self, RuleSpec};
use vitals_desktop::sink::{FileFormat, RotationConfig, Sink};
use vitals_desktop::{init, Config, Exporter, Hub, HubConfig, Names, SysinfoSampler};

use crate::tui::{Line, Tui, View};
use crate::{duration, Failure};

/// Samples of history kept per series for sparklines.
pub(crate) const HISTORY: usize = 60;

/// Options of `vitals monitor`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Time between samples: 500ms, 1s, 10s, 1m …
    #[arg(long, default_value = "1s", value_parser = duration::parse)]
    interval: Duration,
    /// Log file for metric lines, alerts and log records.
    #[arg(long, default_value = "app.log")]
    log: PathBuf,
    /// Line format of the log file.
    #[arg(long, value_enum, default_value_t = FileFormat::Human)]
    log_format: FileFormat,
    /// Rotate the log file when it would pass this many bytes (0: never).
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_bytes: u64,
    /// Rotated log files to keep.
    #[arg(long, default_value_t = 5)]
    keep: usize,
    /// Plain lines on stdout instead of the live view (also when stdout is not a terminal).
    #[arg(long)]
    no_tui: bool,
    /// Stop by itself after this long.
    #[arg(long, value_parser = duration::parse)]
    duration: Option<Duration>,
    /// Serve /metrics and /entries on this address, e.g. 127.0.0.1:9184.
    #[arg(long, value_name = "ADDR")]
    serve: Option<String>,
    /// Threshold rules (TOML) over the built-in CPU, memory and disk defaults.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Bytes of the in-memory ring.
    #[arg(long, default_value_t = 1 << 20, value_parser = ring_bytes)]
    ring_bytes: usize,
}

/// Human lines of every entry on stdout: the plain (non-TUI) view. When
/// the reader goes away (`vitals monitor | head`), it asks the monitor to stop.
///
/// Lines are held until [`Sink::flush`], which the hub calls after the file
/// sink's (added first, by `init`): so a line is on stdout only once it is
/// in the log file, and a `kill -9` can never leave an alert that was shown
/// missing from the file.
struct StdoutSink {
    pending: String,
    stop: Arc<AtomicBool>,
}

impl Sink for StdoutSink {
    fn write(
        &mut self,
        entry: &vitals_core::Entry<'_>,
        anchor: Option<i64>,
        names: &Names,
    ) -> std::io::Result<()> {
        let _ = format::human(&mut self.pending, entry, anchor, names);
        self.pending.push('\n');
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        let result = stdout.write_all(self.pending.as_bytes()).and_then(|()| stdout.flush());
        self.pending.clear();
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.stop.store(true, Ordering::Relaxed);
                Ok(())
            }
            other => other,
        }
    }

    fn describe(&self) -> String {
        "stdout".to_owned()
    }
}

/// Largest `--ring-bytes`: far more history than a monitor needs, and an
/// amount any machine that runs it can allocate (a larger one used to
/// abort the process with an allocation failure).
const MAX_RING_BYTES: u64 = 1 << 30;

/// `--ring-bytes`: a byte count from 0 (taken as the 4 KiB minimum) to 1 GiB.
fn ring_bytes(text: &str) -> Result<usize, String> {
    let bytes: u64 = text.parse().map_err(|e| format!("{e}: expected a byte count such as 1048576"))?;
    if bytes > MAX_RING_BYTES {
        return Err(format!("{bytes} bytes is more than the 1 GiB ({MAX_RING_BYTES}) a ring may have"));
    }
    Ok(bytes as usize)
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let specs = match &args.rules {
        Some(path) => rules_file::load(path).map_err(Failure::usage)?,
        None => rules_file::defaults(),
    };
    let tui = !args.no_tui && std::io::stdout().is_terminal();
    let config = Config {
        spec: "info".to_owned(),
        file: Some(args.log.clone()),
        file_format: args.log_format,
        rotation: RotationConfig { max_bytes: args.max_bytes, keep: args.keep },
        // The live view owns the terminal; plain mode prints on stdout instead.
        stderr: LevelFilter::Off,
        hub: HubConfig { ring_bytes: args.ring_bytes.max(4096), ..HubConfig::default() },
        flush_interval: Duration::from_millis(250),
    };
    // Before anything that can be scraped or written: a SIGTERM while the
    // sampler starts (the exporter already answers then) must stop the
    // monitor cleanly, not kill it before its last flush.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).map_err(Failure::runtime)?;
    }
    let hub = init(config).map_err(Failure::usage)?;
    if !tui {
        hub.add_sink(Box::new(StdoutSink { pending: String::new(), stop: Arc::clone(&stop) }));
    }
    let exporter = match &args.serve {
        Some(addr) => Some(Exporter::serve(addr, hub).map_err(Failure::usage)?),
        None => None,
    };
    let mut sampler = SysinfoSampler::new(Default::default()).map_err(Failure::runtime)?;
    log::info!(
        target: "vitals",
        "monitor started: every {:?}, log {}{}",
        args.interval,
        args.log.display(),
        exporter.as_ref().map(|e| format!(", serving http://{}/metrics", e.local_addr())).unwrap_or_default()
    );

    let mut state = State::new(specs);
    let mut screen = if tui { Some(Tui::enter().map_err(Failure::runtime)?) } else { None };
    let started = Instant::now();
    let mut next = Instant::now();
    let outcome = loop {
        state.tick(hub, &mut sampler);
        if let Some(screen) = screen.as_mut() {
            if let Err(e) = screen.draw(&state.view(hub, args.interval, exporter.as_ref())) {
                break Err(Failure::runtime(format!("terminal: {e}")));
            }
        }
        next += args.interval;
        if args.duration.is_some_and(|d| started.elapsed() >= d) {
            break Ok(());
        }
        // Wait for the next tick, waking for keys and signals.
        let quit = loop {
            if stop.load(Ordering::Relaxed) {
                break true;
            }
            let now = Instant::now();
            if now >= next {
                break false;
            }
            let wait = (next - now).min(Duration::from_millis(100));
            match screen.as_mut() {
                Some(screen) => match screen.wait_for_quit(wait) {
                    Ok(true) => break true,
                    Ok(false) => {}
                    Err(e) => return Err(Failure::runtime(format!("terminal: {e}"))),
                },
                None => std::thread::sleep(wait),
            }
        };
        if quit {
            break Ok(());
        }
        if next < Instant::now() {
            next = Instant::now(); // fell behind (suspended?): don't burst
        }
    };
    drop(screen);
    log::info!(target: "vitals", "monitor stopped after {:.1}s", started.elapsed().as_secs_f64());
    hub.flush();
    if hub.lost() > 0 {
        eprintln!("vitals: {} lines could not be written (see the messages above)", hub.lost());
    }
    outcome.map(|()| ExitCode::SUCCESS)
}

/// What the monitor remembers between ticks.
struct State {
    specs: Vec<RuleSpec>,
    ruled: HashSet<Series>,
    rule_table_full: bool,
    history: HashMap<Series, Window<HISTORY>>,
    alerts: VecDeque<Line>,
    cursor: Cursor,
}

impl State {
    fn new(specs: Vec<RuleSpec>) -> Self {
        State {
            specs,
            ruled: HashSet::new(),
            rule_table_full: false,
            history: HashMap::new(),
            alerts: VecDeque::new(),
            cursor: Cursor::new(),
        }
    }

    fn tick(&mut self, hub: &'static Hub, sampler: &mut SysinfoSampler) {
        let mut samples = Vec::with_capacity(64);
        sampler.sample(&mut |series, value| samples.push((series, value)));
        hub.with_names(|names| {
            for (series, label) in sampler.labels() {
                if names.instance_label(*series) != Some(label.as_str()) {
                    let _ = names.set_label(*series, label);
                }
            }
            // Instance 0 of the network counters is the sum over interfaces.
            for metric in [MetricId::NET_RX_BYTES, MetricId::NET_TX_BYTES] {
                if names.instance_label(metric.series()).is_none() {
                    let _ = names.set_label(metric.series(), "total");
                }
            }
        });
        for &(series, _) in &samples {
            self.ensure_rule(hub, series);
        }
        for &(series, value) in &samples {
            // Alerts (WARN and above) reach the sinks before `record` returns.
            hub.record(series, value);
        }
        // Plot what the view shows: the value, or for counters the rate.
        hub.with_names(|names| {
            hub.with_latest(|latest| {
                for &(series, value) in &samples {
                    let counter =
                        names.describe(series.metric).is_some_and(|i| i.kind == MetricKind::Counter);
                    match latest.rate(series, &*names) {
                        Some(rate) => self.history.entry(series).or_default().observe(rate),
                        None if !counter => self.history.entry(series).or_default().observe(value),
                        None => {}
                    }
                }
            });
        });
        self.collect_alerts(hub);
    }

    /// Adds the configured rule for a series the first time it is seen.
    fn ensure_rule(&mut self, hub: &Hub, series: Series) {
        if self.ruled.contains(&series) {
            return;
        }
        self.ruled.insert(series);
        let label = hub.with_names(|names| names.instance_label(series).map(str::to_owned));
        for spec in rules_file::rules_for(&self.specs, series.metric, label.as_deref()) {
            if hub.add_rule(spec.for_series(series)).is_err() && !self.rule_table_full {
                self.rule_table_full = true;
                log::warn!(target: "vitals", "rule table full: later series are not watched by threshold rules");
            }
        }
    }

    fn collect_alerts(&mut self, hub: &Hub) {
        let anchor = Some(hub.anchor());
        hub.with_names(|names| {
            hub.ring().read_with(&mut self.cursor, |entry| {
                if let EntryKind::Log(log) = entry.kind {
                    if log.level >= Level::Info {
                        let mut text = String::new();
                        let _ = format::human(&mut text, &entry, anchor, &*names);
                        self.alerts.push_back(Line { level: log.level, text });
                        if self.alerts.len() > 50 {
                            self.alerts.pop_front();
                        }
                    }
                }
            });
        });
    }

    fn view(&self, hub: &Hub, interval: Duration, exporter: Option<&Exporter>) -> View {
        let mut rows = Vec::new();
        hub.with_names(|names| {
            hub.with_latest(|latest| {
                for value in latest.iter() {
                    let Some(info) = names.describe(value.series.metric) else { continue };
                    let mut name = String::new();
                    let _ = format_series(&mut name, value.series, names);
                    let rate = latest.rate(value.series, names);
                    let shown = match rate {
                        Some(rate) => format!("{}/s", format::Value(rate, info.unit)),
                        None => format::Value(value.value, info.unit).to_string(),
                    };
                    // `Gauge` insists on 0..=1, which NaN is not.
                    let ratio = (info.unit == vitals_core::Unit::Percent && value.value.is_finite())
                        .then(|| (value.value / 100.0).clamp(0.0, 1.0));
                    let history = self.history.get(&value.series).map(spark).unwrap_or_default();
                    rows.push(crate::tui::Row { name, value: shown, ratio, history });
                }
            });
        });
        let stats = hub.ring().stats();
        View {
            title: format!(
                " vitals monitor — every {:?}{} — ring {:.0}% of {} KiB, {} entries, {} not logged — q to quit ",
                interval,
                exporter.map(|e| format!(" — http://{}/metrics", e.local_addr())).unwrap_or_default(),
                stats.fill_percent(),
                stats.capacity / 1024,
                stats.next_seq,
                stats.dropped_total() + hub.lost(),
            ),
            rows,
            alerts: self.alerts.iter().rev().take(12).cloned().collect(),
        }
    }
}

/// Sparkline heights 1–100 spanning the window's own range, so a small
/// change on a large value (memory in bytes) is still visible.
fn spark(window: &Window<HISTORY>) -> Vec<u64> {
    let summary = window.summary();
    let (Some(min), Some(max)) = (summary.min(), summary.max()) else { return Vec::new() };
    let span = max - min;
    window
        .iter()
        .map(|v| match v {
            v if !v.is_finite() => 0,
            _ if span <= 0.0 => 50,
            v => 1 + ((v - min) / span * 99.0) as u64,
        })
        .collect()
}

fn format_series(out: &mut String, series: Series, names: &Names) -> std::fmt::Result {
    use std::fmt::Write;
    let info = names.describe(series.metric);
    write!(out, "{}", info.map_or("?", |i| i.name))?;
    if let Some(label) = names.instance_label(series) {
        write!(out, " {label}")
    } else if series.instance != 0 || info.is_some_and(|i| !i.instance_label.is_empty()) {
        write!(out, " #{}", series.instance)
    } else {
        Ok(())
    }
}
