//! `vitals_desktop::init`: the `log` facade into the hub, with per-target
//! levels from the config or `VITALS_LOG` in env_logger's syntax.

use std::path::PathBuf;
use std::time::Duration;

use log::Log;
use vitals_core::{FilterSpecError, LevelFilter, RingLogger, StdClock};

use crate::hub::{Hub, HubConfig};
use crate::sink::{FileFormat, RotatingFile, RotationConfig, StderrSink};

/// What [`init`] sets up.
#[derive(Clone, Debug)]
pub struct Config {
    /// Level spec, e.g. `info,my_crate::net=debug`; `VITALS_LOG` overrides it.
    pub spec: String,
    /// Log file (`app.log` by default); `None` for none.
    pub file: Option<PathBuf>,
    /// Line format of the file.
    pub file_format: FileFormat,
    /// Rotation of the file.
    pub rotation: RotationConfig,
    /// Minimum level shown on stderr (`Off` for nothing).
    pub stderr: LevelFilter,
    /// Ring size and policy.
    pub hub: HubConfig,
    /// How often entries below WARN reach the sinks (WARN and above: at once).
    pub flush_interval: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            spec: "info".to_owned(),
            file: Some(PathBuf::from("app.log")),
            file_format: FileFormat::Human,
            rotation: RotationConfig::default(),
            stderr: LevelFilter::Info,
            hub: HubConfig::default(),
            flush_interval: Duration::from_millis(250),
        }
    }
}

/// Why [`init`] failed. Each message says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// The log file could not be opened.
    #[error("cannot open log file {path}: {source}. Choose a writable path (e.g. --log /tmp/app.log)")]
    File {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The level spec (from the config or `VITALS_LOG`) is malformed.
    #[error("bad level spec in {origin}: {source}")]
    Spec {
        /// `VITALS_LOG` or `config`.
        origin: &'static str,
        /// What was wrong.
        source: FilterSpecError,
    },
    /// A logger is already installed for the `log` facade.
    #[error("a `log` logger is already installed; call vitals_desktop::init once, before any other logger")]
    AlreadyInstalled,
    /// The flusher thread could not start.
    #[error("cannot start the flusher thread: {0}")]
    Thread(std::io::Error),
}

/// The installed logger: the core's ring logger, plus an immediate flush to
/// the sinks for WARN and above.
struct DesktopLogger {
    inner: RingLogger<Vec<u8>, StdClock>,
    hub: &'static Hub,
}

impl Log for DesktopLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.inner.enabled(metadata)
    }

    fn log(&self, record: &log::Record<'_>) {
        self.inner.log(record);
        if record.level() <= log::Level::Warn && self.inner.enabled(record.metadata()) {
            self.hub.flush_if_free();
        }
    }

    fn flush(&self) {
        self.hub.flush();
    }
}

/// Installs the `log` logger: every crate's `log::info!` lands in the hub's
/// ring and, from there, on stderr and in the log file. Returns the hub.
///
/// ```no_run
/// let hub = vitals_desktop::init(vitals_desktop::Config::default())?;
/// log::info!("cpu={:.1}", 12.5);
/// hub.flush();
/// # Ok::<(), vitals_desktop::InitError>(())
/// ```
///
/// # Errors
/// [`InitError`], saying what failed and what to do.
pub fn init(config: Config) -> Result<&'static Hub, InitError> {
    let (spec, origin) = match std::env::var("VITALS_LOG") {
        Ok(spec) if !spec.trim().is_empty() => (spec, "VITALS_LOG"),
        _ => (config.spec.clone(), "config"),
    };
    // Validate before anything is installed.
    let _: vitals_core::TargetFilters<{ vitals_core::MAX_TARGET_RULES }> =
        spec.parse().map_err(|source| InitError::Spec { origin, source })?;
    let hub = Hub::new(&config.hub);
    if let Some(path) = &config.file {
        let file = RotatingFile::open(path, config.file_format, LevelFilter::Trace, config.rotation.clone())
            .map_err(|source| InitError::File { path: path.clone(), source })?;
        hub.add_sink(Box::new(file));
    }
    if config.stderr != LevelFilter::Off {
        hub.add_sink(Box::new(StderrSink::new(config.stderr)));
    }
    let logger: &'static DesktopLogger =
        Box::leak(Box::new(DesktopLogger { inner: RingLogger::new(hub.ring(), *hub.clock()), hub }));
    log::set_logger(logger).map_err(|_| InitError::AlreadyInstalled)?;
    logger.inner.set_spec(&spec).map_err(|source| InitError::Spec { origin, source })?;
    hub.spawn_flusher(config.flush_interval).map_err(InitError::Thread)?;
    Ok(hub)
}
