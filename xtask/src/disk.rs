//! Disk room for a suite run.
//!
//! A full `cargo xtask test` from a clean checkout writes several GiB of
//! build caches: the host tests, the cross targets, the firmware, and three
//! nightly builds at the end (ThreadSanitizer, the fuzz targets, Miri) that
//! share nothing with the rest. On a machine short of disk those last steps
//! used to die half-way with `No space left on device`. So:
//!
//! - the suite says at the start how much room there is ([`report`]);
//! - each of the late steps first makes the room it needs
//!   ([`make_room`]), removing the caches of steps that have already run,
//!   and only while the disk is short (a developer with room keeps their
//!   caches);
//! - a step that fails on a nearly full disk says so ([`explain`]).
//!
//! Free space is read with POSIX `df -Pk`, which every Debian machine has.

use std::fs;
use std::path::{Path, PathBuf};

use crate::command::Cmd;
use crate::error::Error;
use crate::workspace;

/// One GiB.
pub(crate) const GIB: u64 = 1 << 30;

/// Below this, a failing step is reported as possibly a full disk.
const NEARLY_FULL: u64 = GIB;

/// Bytes free for an unprivileged user on the file system holding `path`
/// (or its closest existing ancestor), or `None` when `df` cannot tell.
pub(crate) fn free_bytes(path: &Path) -> Option<u64> {
    let existing = path.ancestors().find(|p| p.exists())?;
    let out = Cmd::new("df").args(["-Pk"]).arg(existing.display().to_string()).probe()?;
    parse_df(&out)
}

/// The "Available" column, in bytes, of `df -Pk`'s one data line.
fn parse_df(out: &str) -> Option<u64> {
    let line = out.lines().nth(1)?;
    let kib: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
    Some(kib * 1024)
}

/// `12.3 GiB` style.
fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / GIB as f64)
}

/// One line for the start of a run: room on the disk of the target directory.
pub(crate) fn report() -> String {
    let target = workspace::target_dir();
    match free_bytes(&target) {
        Some(free) => format!("{} free on the disk of {}", gib(free), target.display()),
        None => format!("free space on the disk of {} unknown (`df` failed)", target.display()),
    }
}

/// Makes sure `need` bytes are free on the disk of the target directory,
/// removing the build caches `spare` names, in order, until they are (all
/// of them rebuilt by the step that made them, if ever run again). Nothing
/// is removed while there is room, nor anything outside the workspace
/// (a `CARGO_TARGET_DIR` elsewhere is left alone). Not finding room is not an error here:
/// the step then runs and, should it fail, [`explain`] says why.
pub(crate) fn make_room(need: u64, spare: &[PathBuf]) -> crate::error::Result<()> {
    let target = workspace::target_dir();
    for dir in spare {
        let Some(free) = free_bytes(&target) else { return Ok(()) };
        if free >= need {
            return Ok(());
        }
        // Only caches of this workspace: a `CARGO_TARGET_DIR` shared with
        // other projects keeps theirs.
        if !dir.exists() || !dir.starts_with(workspace::root()) {
            continue;
        }
        println!(
            "disk: {} free, {} wanted: removing the build cache {} (a later run rebuilds it)",
            gib(free),
            gib(need),
            dir.display()
        );
        fs::remove_dir_all(dir).map_err(|e| {
            Error::new(format!(
                "could not remove {} to make room on the disk: {e}; remove it by hand or free space, then re-run",
                dir.display()
            ))
        })?;
    }
    if let Some(free) = free_bytes(&target) {
        if free < need {
            println!(
                "disk: only {} free after clearing the caches, {} wanted; trying anyway",
                gib(free),
                gib(need)
            );
        }
    }
    Ok(())
}

/// `err`, with a note when the disk of the target directory is nearly full,
/// which is the likely cause of a compiler or linker dying mid-build.
pub(crate) fn explain(err: Error) -> Error {
    let target = workspace::target_dir();
    match free_bytes(&target) {
        Some(free) if free < NEARLY_FULL => Error::new(format!(
            "{err}\n\nThe disk of {} has only {} MiB free, which is likely the cause: free space \
             (for instance `cargo clean`, or remove old directories under {}) and re-run.",
            target.display(),
            free >> 20,
            target.display()
        )),
        _ => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_available_column_of_df_is_read_in_bytes() {
        let out = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n\
                   /dev/vda         263174212 46006452 203712928      19% /\n";
        assert_eq!(parse_df(out), Some(203_712_928 * 1024));
        assert_eq!(parse_df("Filesystem\n"), None);
        assert_eq!(parse_df(""), None);
    }

    #[test]
    fn this_machine_reports_some_room() {
        assert!(free_bytes(&workspace::root()).is_some_and(|free| free > 0));
        assert!(report().contains("free on the disk of"), "{}", report());
    }

    #[test]
    fn nothing_is_removed_while_there_is_room() {
        let dir = workspace::target_dir().join("tmp").join("disk-test-keep");
        fs::create_dir_all(&dir).unwrap();
        make_room(1, std::slice::from_ref(&dir)).unwrap();
        assert!(dir.exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_cache_named_goes_while_the_disk_is_short() {
        let first = workspace::target_dir().join("tmp").join("disk-test-first");
        let second = workspace::target_dir().join("tmp").join("disk-test-second");
        fs::create_dir_all(&first).unwrap();
        fs::create_dir_all(&second).unwrap();
        // More than any disk has: every cache named goes, and the call still succeeds.
        make_room(u64::MAX, &[first.clone(), second.clone()]).unwrap();
        assert!(!first.exists() && !second.exists());
    }
}
