//! Installing what the tasks need, each only when missing, so a fresh machine
//! and a developer's machine run the same commands.
//!
//! - [`rustup`]: cross-compilation targets, the nightly toolchain, components.
//! - [`apt`]: Debian packages (QEMU, Chromium, Prometheus, ...).
//! - [`python`]: Python modules for the baseline benchmark.
//! - [`cargo_fuzz`]: cargo-fuzz, for the fuzz targets.

pub(crate) mod apt;
pub(crate) mod cargo_fuzz;
pub(crate) mod python;
pub(crate) mod rustup;
