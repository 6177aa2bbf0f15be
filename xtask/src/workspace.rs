//! Where things are: the workspace root and its target directory.

use std::path::{Path, PathBuf};

/// The workspace root: the parent of this crate's manifest directory.
///
/// Every command runs from here, whatever directory `cargo xtask` was started in.
pub(crate) fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Cargo's target directory for the workspace: `$CARGO_TARGET_DIR` if set, else `<root>/target`.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}
