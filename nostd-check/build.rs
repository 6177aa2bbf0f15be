//! Makes `memory.x` visible to the linker, and links with cortex-m-rt's
//! `link.x` on bare-metal ARM.
//!
//! The `-Tlink.x` argument is given here rather than in `.cargo/config.toml`
//! because cargo reads config files from the working directory: a build from
//! the workspace root with `--manifest-path nostd-check/Cargo.toml` would skip
//! it and "link" an empty image, a check that can never fail.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    fs::write(out.join("memory.x"), include_bytes!("memory.x")).expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");

    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if arch == "arm" && os == "none" {
        println!("cargo:rustc-link-arg-bins=-Tlink.x");
    }
}
