//! # vitals-desktop
//!
//! Vitals on desktops and servers: [`SysinfoSampler`] measures the machine
//! into the core's metric catalog, [`init`] installs a `log` logger whose
//! records land in one shared ring ([`Hub`]) and flow to stderr and a
//! rotating `app.log`, and [`Exporter`] serves `/metrics` and `/entries`.
//!
//! ```no_run
//! use vitals_desktop::{init, Config, SysinfoSampler};
//!
//! let hub = init(Config::default())?;             // log::info! → ring → app.log
//! let mut sampler = SysinfoSampler::new(Default::default())?;
//! sampler.sample(&mut |series, value| {
//!     hub.record(series, value);                   // metrics into the same log
//! });
//! log::warn!("disk almost full");                  // in app.log before this returns
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod exporter;
pub mod hub;
mod logger;
pub mod rules_file;
pub mod sampler;
pub mod sink;

pub use exporter::{Exporter, ExporterError};
pub use hub::{Hub, HubConfig};
pub use logger::{init, Config, InitError};
pub use sampler::{SamplerConfig, SamplerError, SysinfoSampler};

/// Metric names and instance labels of a desktop process: the catalog plus
/// up to 64 custom metrics and 512 instance labels (mounts, interfaces, cores).
pub type Names = vitals_core::Registry<64, 512>;
