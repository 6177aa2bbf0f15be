//! `cargo-fuzz`, the libFuzzer driver for `fuzz/`, through `cargo install`.

use crate::command::Cmd;
use crate::error::Result;

/// The cargo-fuzz release the fuzz targets are run with, pinned so every
/// machine builds them the same way.
pub(crate) const VERSION: &str = "0.13.2";

/// Installs cargo-fuzz [`VERSION`] (`--locked`) unless `cargo fuzz --version`
/// already reports it. From scratch this builds it: about a minute on two cores.
pub(crate) fn ensure() -> Result<()> {
    let reported = Cmd::cargo().args(["fuzz", "--version"]).probe().unwrap_or_default();
    if reported.split_whitespace().any(|word| word == VERSION) {
        println!("cargo-fuzz present: {VERSION}");
        return Ok(());
    }
    Cmd::cargo().args(["install", "cargo-fuzz", "--locked", "--version", VERSION]).run()
}
