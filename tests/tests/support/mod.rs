//! What several test files share: building the firmware example.
//!
//! Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `firmware-example/`, next to this crate.
pub(crate) fn firmware_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware-example");
    dir.canonicalize().unwrap_or(dir)
}

/// `cargo build --release --bin <bin>` inside `firmware-example/`, so its
/// own `.cargo/config.toml` (DEFMT_LOG) applies; returns the ELF's path.
pub(crate) fn build_firmware(target: &str, bin: &str) -> PathBuf {
    build_firmware_with(target, bin, "")
}

/// [`build_firmware`] with the firmware crate's `features` (comma-separated).
pub(crate) fn build_firmware_with(target: &str, bin: &str, features: &str) -> PathBuf {
    let dir = firmware_dir();
    let target_dir = dir.join("target");
    let output = Command::new("cargo")
        .current_dir(&dir)
        .args([
            "build",
            "--release",
            "--bin",
            bin,
            "--target",
            target,
            "--features",
            features,
            "--target-dir",
        ])
        .arg(&target_dir)
        // Flags meant for the host test build (coverage, sanitizers) would
        // break a bare-metal build.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .expect("running cargo");
    assert!(
        output.status.success(),
        "building the firmware failed: (cd firmware-example && cargo build --release --bin {bin} \
         --target {target} --features '{features}'); is the target installed (`rustup target add {target}`)?\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target_dir.join(target).join("release").join(bin)
}
