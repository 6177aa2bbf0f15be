//! Debian packages through `apt-get`, for steps that need system tools
//! (`qemu-system-arm`, `chromium`, `prometheus`, ...).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::command::Cmd;
use crate::error::Result;

/// Whether this run already refreshed the package lists: once is enough.
static UPDATED: AtomicBool = AtomicBool::new(false);

/// Installs those of `packages` that `dpkg` does not report as installed.
///
/// Runs `apt-get update` once per xtask run before the first install, then
/// `apt-get install -y --no-install-recommends`; through `sudo` unless root.
///
/// ```ignore
/// setup::apt::ensure_apt(&["qemu-system-arm"])?;
/// ```
pub(crate) fn ensure_apt(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !is_installed(p)).collect();
    if missing.is_empty() {
        println!("Debian packages present: {}", packages.join(" "));
        return Ok(());
    }
    if !UPDATED.load(Ordering::Relaxed) {
        apt_get().arg("update").run()?;
        UPDATED.store(true, Ordering::Relaxed);
    }
    apt_get().args(["install", "-y", "--no-install-recommends"]).args(missing).run()
}

/// True when `dpkg -s` reports `package` as fully installed (not merely
/// known, or removed with its configuration kept).
fn is_installed(package: &str) -> bool {
    Cmd::new("dpkg")
        .args(["-s", package])
        .probe()
        .is_some_and(|status| status.lines().any(|line| line.trim() == "Status: install ok installed"))
}

/// `apt-get`, non-interactive, as root: directly if we are root, else through `sudo`.
fn apt_get() -> Cmd {
    if is_root() {
        Cmd::new("apt-get").env("DEBIAN_FRONTEND", "noninteractive")
    } else {
        // sudo resets the environment, so the variable goes on its command line.
        Cmd::new("sudo").args(["DEBIAN_FRONTEND=noninteractive", "apt-get"])
    }
}

/// True when the xtask runs as root (`id -u` prints 0).
fn is_root() -> bool {
    Cmd::new("id").arg("-u").probe().is_some_and(|uid| uid.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_knows_an_installed_package_and_not_a_made_up_one() {
        if Cmd::new("dpkg").arg("--version").probe().is_none() {
            return; // not a Debian system
        }
        assert!(is_installed("dpkg"));
        assert!(!is_installed("xtask-no-such-package"));
    }

    #[test]
    fn nothing_missing_installs_nothing() {
        if Cmd::new("dpkg").arg("--version").probe().is_none() {
            return;
        }
        ensure_apt(&["dpkg"]).expect("dpkg is installed");
        assert!(!UPDATED.load(Ordering::Relaxed));
    }
}
