//! Rust toolchain pieces through `rustup`: targets, the nightly toolchain and
//! components, each installed only when `rustup` says it is missing.

use crate::command::Cmd;
use crate::error::Result;

/// The toolchain Miri runs on.
pub(crate) const NIGHTLY: &str = "nightly";

/// Adds those of `targets` that the active toolchain lacks.
pub(crate) fn ensure_targets(targets: &[&str]) -> Result<()> {
    let installed = list(Cmd::new("rustup").args(["target", "list", "--installed"]));
    let missing: Vec<&str> = targets.iter().copied().filter(|t| !installed.iter().any(|i| i == t)).collect();
    if missing.is_empty() {
        println!("rustup targets present: {}", targets.join(" "));
        return Ok(());
    }
    Cmd::new("rustup").args(["target", "add"]).args(missing).run()
}

/// Installs the nightly toolchain (minimal profile) unless present.
pub(crate) fn ensure_nightly() -> Result<()> {
    let toolchains = list(Cmd::new("rustup").args(["toolchain", "list"]));
    let present = toolchains.iter().any(|t| t == NIGHTLY || t.starts_with(&format!("{NIGHTLY}-")));
    if present {
        println!("rustup toolchain present: {NIGHTLY}");
        return Ok(());
    }
    Cmd::new("rustup").args(["toolchain", "install", NIGHTLY, "--profile", "minimal"]).run()
}

/// Adds those of `components` that `toolchain` lacks; `None` is the active toolchain.
pub(crate) fn ensure_components(toolchain: Option<&str>, components: &[&str]) -> Result<()> {
    let toolchain_args = toolchain.map(|t| ["--toolchain", t]).into_iter().flatten();
    let installed =
        list(Cmd::new("rustup").args(["component", "list", "--installed"]).args(toolchain_args.clone()));
    // Installed names carry the host triple (`miri-x86_64-unknown-linux-gnu`),
    // except target-independent ones such as `rust-src`.
    let missing: Vec<&str> = components
        .iter()
        .copied()
        .filter(|c| !installed.iter().any(|i| i == c || i.starts_with(&format!("{c}-"))))
        .collect();
    let on = toolchain.unwrap_or("the active toolchain");
    if missing.is_empty() {
        println!("rustup components present on {on}: {}", components.join(" "));
        return Ok(());
    }
    Cmd::new("rustup").args(["component", "add"]).args(missing).args(toolchain_args).run()
}

/// The first word of each line `cmd` prints, or nothing if it fails
/// (then the install that follows runs, and reports any real problem).
fn list(cmd: Cmd) -> Vec<String> {
    cmd.probe()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}
