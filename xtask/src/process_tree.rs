//! Ending a command together with every process it started, for time limits.
//!
//! `cargo miri test` runs cargo, which runs cargo-miri, which runs the
//! interpreter: killing only the first leaves the rest running. std has no way
//! to signal a process group, so this reads parent ids from `/proc` (Linux)
//! and signals with `kill(1)`.

use std::collections::HashMap;
use std::fs;
use std::process::{Command, Stdio};

/// Freezes `root` and all its descendants, then kills them all.
///
/// Freezing first keeps a parent from starting a new child between the
/// moment the tree is read and the moment it is killed.
pub(crate) fn kill(root: u32) {
    let mut frozen: Vec<u32> = Vec::new();
    // A few rounds catch children started while the tree was being frozen.
    for _ in 0..4 {
        let tree = with_descendants(root);
        let fresh: Vec<u32> = tree.into_iter().filter(|p| !frozen.contains(p)).collect();
        if fresh.is_empty() {
            break;
        }
        signal("-STOP", &fresh);
        frozen.extend(fresh);
    }
    signal("-KILL", &frozen);
}

/// `root` followed by every process below it, found through `/proc/*/stat`.
fn with_descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(entries) = fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            if let Some(ppid) = parent_of(pid) {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut tree = vec![root];
    let mut next = 0;
    while let Some(&pid) = tree.get(next) {
        tree.extend(children.get(&pid).into_iter().flatten().copied());
        next += 1;
    }
    tree
}

/// The parent id of `pid`: the second field after the `)` that closes the
/// command name in `/proc/PID/stat` (the name itself may hold spaces).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// Sends `signal` (as `kill` spells it, e.g. `-KILL`) to `pids`, best effort.
fn signal(signal: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg(signal)
        .args(pids.iter().map(u32::to_string))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_kills_grandchildren() {
        // sh starts a sleep and waits for it: the sleep is the grandchild we must not leak.
        let mut child = Command::new("sh").args(["-c", "sleep 30 & wait"]).spawn().expect("sh runs");
        let mut tree = Vec::new();
        for _ in 0..50 {
            tree = with_descendants(child.id());
            if tree.len() >= 2 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(tree.len() >= 2, "sleep not found under sh: {tree:?}");
        kill(child.id());
        let _ = child.wait();
        let sleeper = tree[1];
        // Once reaped by init, the killed sleep is gone from /proc (or a zombie briefly).
        for _ in 0..50 {
            match fs::read_to_string(format!("/proc/{sleeper}/stat")) {
                Err(_) => return,
                Ok(stat) if stat.contains(") Z") => return,
                Ok(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
            }
        }
        panic!("grandchild {sleeper} still running");
    }
}
