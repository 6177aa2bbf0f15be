//! The memory limit of this process's cgroup on Linux, so that a container
//! reports its own memory rather than the host's.
//!
//! sysinfo 0.40 has `System::cgroup_limits()` (the root cgroup only) and
//! `Process::cgroup_limits()` (a process's cgroup, found through
//! `/proc/<pid>/cgroup` and `mountinfo`), but both give free memory as
//! `limit - usage` with the page cache counted as used, so a container that
//! reads files looks full. Docker and Kubernetes subtract the inactive file
//! cache (`inactive_file` in cgroup v2's `memory.stat`, `total_inactive_file`
//! in v1's); this module does the same, reading the same files.
//!
//! The parse functions take `&str` so they can be tested on sample contents.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::kept::KeptFile;
use super::read_into;

/// cgroup v1 (the `memory` controller's own hierarchy) or v2 (unified).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    V1,
    V2,
}

impl Version {
    fn limit_file(self) -> &'static str {
        match self {
            Version::V1 => "memory.limit_in_bytes",
            Version::V2 => "memory.max",
        }
    }

    fn usage_file(self) -> &'static str {
        match self {
            Version::V1 => "memory.usage_in_bytes",
            Version::V2 => "memory.current",
        }
    }
}

/// This process's place in the cgroup hierarchies, from `/proc/self/cgroup`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Membership<'a> {
    /// The unified (v2) path, from the `0::/path` line.
    pub(crate) v2: Option<&'a str>,
    /// The v1 `memory` controller's path, from a `N:...memory...:/path` line.
    pub(crate) v1_memory: Option<&'a str>,
}

impl Membership<'_> {
    /// The hierarchy that controls memory and the path in it: v1's memory
    /// controller when present (on a hybrid system v2 then has no memory
    /// controller), otherwise v2.
    pub(crate) fn memory(&self) -> Option<(Version, &str)> {
        match (self.v1_memory, self.v2) {
            (Some(path), _) => Some((Version::V1, path)),
            (None, Some(path)) => Some((Version::V2, path)),
            (None, None) => None,
        }
    }
}

/// Parses `/proc/self/cgroup` (`hierarchy-id:controllers:path` lines).
pub(crate) fn parse_membership(text: &str) -> Membership<'_> {
    let mut membership = Membership::default();
    for line in text.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        if id == "0" && controllers.is_empty() {
            membership.v2 = Some(path);
        } else if controllers.split(',').any(|c| c == "memory") {
            membership.v1_memory = Some(path);
        }
    }
    membership
}

/// A mounted cgroup hierarchy, from `/proc/self/mountinfo`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Mount {
    pub(crate) version: Version,
    /// The cgroup path that is the root of this mount (`/` unless a
    /// container sees only its own part of the hierarchy).
    pub(crate) root: String,
    /// Where it is mounted (`/sys/fs/cgroup`, `/sys/fs/cgroup/memory`).
    pub(crate) mount_point: PathBuf,
}

/// The cgroup2 mounts and the cgroup v1 mounts that carry the `memory`
/// controller, in the order `/proc/self/mountinfo` lists them.
pub(crate) fn parse_mounts(mountinfo: &str) -> Vec<Mount> {
    let mut mounts = Vec::new();
    for line in mountinfo.lines() {
        // id parent major:minor root mount_point options [optional...] - fstype source super_options
        let mut fields = line.split(' ');
        let (Some(root), Some(mount_point)) = (fields.nth(3), fields.next()) else { continue };
        if !fields.by_ref().any(|f| f == "-") {
            continue;
        }
        let (Some(fstype), Some(super_options)) = (fields.next(), fields.nth(1)) else { continue };
        let version = match fstype {
            "cgroup2" => Version::V2,
            "cgroup" if super_options.split(',').any(|o| o == "memory") => Version::V1,
            _ => continue,
        };
        mounts.push(Mount {
            version,
            root: unescape(root),
            mount_point: PathBuf::from(unescape(mount_point)),
        });
    }
    mounts
}

/// Decodes mountinfo's octal escapes (`\040` for a space).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 4 <= bytes.len() {
            let digits = &bytes[i + 1..i + 4];
            if digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                let value = digits.iter().fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                if let Ok(byte) = u8::try_from(value) {
                    out.push(byte);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| field.to_owned())
}

/// The directory of cgroup `path` under `mount`, or `None` when the mount
/// does not show that part of the hierarchy.
pub(crate) fn resolve_dir(path: &str, mount: &Mount) -> Option<PathBuf> {
    let root = mount.root.trim_end_matches('/');
    let rest = path.strip_prefix(root)?;
    // `/docker/ab` must not match a mount rooted at `/dock`.
    if !(rest.is_empty() || rest.starts_with('/') || root.is_empty()) {
        return None;
    }
    let rest = rest.trim_start_matches('/');
    Some(if rest.is_empty() { mount.mount_point.clone() } else { mount.mount_point.join(rest) })
}

/// Parses a limit file: a byte count, or `max` (v2) for no limit, given as
/// `u64::MAX`. v1's "no limit" is a huge byte count and needs no special case.
pub(crate) fn parse_limit(text: &str) -> Option<u64> {
    match text.trim() {
        "max" => Some(u64::MAX),
        number => number.parse().ok(),
    }
}

/// Parses a file holding one byte count (`memory.current`).
pub(crate) fn parse_u64(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// The value of `key` in a `memory.stat` (`key value` lines).
pub(crate) fn parse_stat(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(' ')?;
        if k == key {
            v.trim().parse().ok()
        } else {
            None
        }
    })
}

/// Memory as a container sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Memory {
    pub(crate) total: u64,
    pub(crate) used: u64,
    pub(crate) available: u64,
}

/// The memory to report when a cgroup has `limit` and uses `usage` bytes of
/// which `inactive_file` are reclaimable file cache: `None` when the limit is
/// not below the machine's `physical_total` (no limit, or one that cannot
/// bite), so the machine's own figures apply.
pub(crate) fn apply_limit(physical_total: u64, limit: u64, usage: u64, inactive_file: u64) -> Option<Memory> {
    if limit == 0 || limit >= physical_total {
        return None;
    }
    // Usage can overshoot the limit briefly while the kernel reclaims.
    let used = usage.saturating_sub(inactive_file).min(limit);
    Some(Memory { total: limit, used, available: limit - used })
}

/// How often the limit is read again while it applies (below the machine's
/// RAM); usage is read every sample.
pub(crate) const LIMIT_EVERY: Duration = Duration::from_secs(10);

/// How often the limit is read again while it does not apply (no limit, or
/// one above the machine's RAM); nothing else is read meanwhile.
pub(crate) const NO_LIMIT_EVERY: Duration = Duration::from_secs(30);

/// The memory cgroup whose limit applies to this process, with its files
/// opened once and a buffer to read them into.
#[derive(Debug)]
pub(crate) struct MemoryCgroup {
    version: Version,
    limit_file: KeptFile,
    usage_file: Option<KeptFile>,
    stat_file: Option<KeptFile>,
    /// The limit as last read (`None`: unreadable) and when.
    limit: Option<u64>,
    limit_read_at: Option<Instant>,
    buf: Vec<u8>,
}

impl MemoryCgroup {
    /// Finds this process's memory cgroup from `/proc/self/cgroup` and
    /// `/proc/self/mountinfo`. Of its directory and the ancestors visible
    /// in the mount, the one with the lowest limit is kept (a limit on a
    /// parent, such as a systemd slice, binds the children too); limits set
    /// later on another ancestor are not noticed. `None` when there is no
    /// memory cgroup to read.
    pub(crate) fn detect() -> Option<Self> {
        let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        Self::locate(&parse_membership(&membership), &parse_mounts(&mountinfo))
    }

    /// [`MemoryCgroup::detect`] on parsed contents; when no mount fits,
    /// the conventional `/sys/fs/cgroup` (v2) or `/sys/fs/cgroup/memory`
    /// (v1) mount of the whole hierarchy is tried.
    pub(crate) fn locate(membership: &Membership<'_>, mounts: &[Mount]) -> Option<Self> {
        let (version, path) = membership.memory()?;
        let conventional = Mount {
            version,
            root: String::from("/"),
            mount_point: PathBuf::from(match version {
                Version::V1 => "/sys/fs/cgroup/memory",
                Version::V2 => "/sys/fs/cgroup",
            }),
        };
        let (own, mount_point) = mounts
            .iter()
            .filter(|m| m.version == version)
            .chain(std::iter::once(&conventional))
            .find_map(|m| resolve_dir(path, m).filter(|d| d.is_dir()).map(|d| (d, &m.mount_point)))?;

        let mut buf = String::new();
        let mut best: Option<(u64, &Path)> = None;
        for dir in own.ancestors() {
            if let Some(limit) =
                read_into(&dir.join(version.limit_file()), &mut buf).then(|| parse_limit(&buf)).flatten()
            {
                if best.is_none_or(|(lowest, _)| limit < lowest) {
                    best = Some((limit, dir));
                }
            }
            if dir == mount_point.as_path() {
                break;
            }
        }
        let (_, dir) = best?;
        Some(MemoryCgroup {
            version,
            limit_file: KeptFile::open_in_one_piece(dir.join(version.limit_file())).ok()?,
            usage_file: KeptFile::open_in_one_piece(dir.join(version.usage_file())).ok(),
            stat_file: KeptFile::open_in_one_piece(dir.join("memory.stat")).ok(),
            limit: None,
            limit_read_at: None,
            buf: Vec::new(),
        })
    }

    /// The memory to report `now` on a machine with `physical_total` bytes
    /// of RAM; `None` when no limit below that applies or a file cannot be
    /// read. The limit is read again only every [`LIMIT_EVERY`] (or
    /// [`NO_LIMIT_EVERY`] while it does not apply, when nothing else is
    /// read); usage and the inactive file cache are read each time.
    pub(crate) fn read(&mut self, physical_total: u64, now: Instant) -> Option<Memory> {
        let applies = |limit: Option<u64>| limit.is_some_and(|l| l > 0 && l < physical_total);
        let every = if applies(self.limit) { LIMIT_EVERY } else { NO_LIMIT_EVERY };
        if self.limit_read_at.is_none_or(|at| now.saturating_duration_since(at) >= every) {
            self.limit = self.limit_file.read_str(&mut self.buf).and_then(parse_limit);
            self.limit_read_at = Some(now);
        }
        if !applies(self.limit) {
            return None;
        }
        let limit = self.limit?;
        let usage = self.usage_file.as_mut()?.read_str(&mut self.buf).and_then(parse_u64)?;
        let inactive_file = self.stat_file.as_mut().and_then(|file| {
            let stat = file.read_str(&mut self.buf)?;
            match self.version {
                Version::V1 => {
                    parse_stat(stat, "total_inactive_file").or_else(|| parse_stat(stat, "inactive_file"))
                }
                Version::V2 => parse_stat(stat, "inactive_file"),
            }
        });
        apply_limit(physical_total, limit, usage, inactive_file.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_v2_only() {
        let m = parse_membership("0::/user.slice/user-1000.slice/session-2.scope\n");
        assert_eq!(m.v2, Some("/user.slice/user-1000.slice/session-2.scope"));
        assert_eq!(m.v1_memory, None);
        assert_eq!(m.memory(), Some((Version::V2, "/user.slice/user-1000.slice/session-2.scope")));
    }

    #[test]
    fn membership_v1_and_hybrid_prefer_the_memory_controller() {
        let text = "12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n1:name=systemd:/docker/abc\n0::/\n";
        let m = parse_membership(text);
        assert_eq!(m.v2, Some("/"));
        assert_eq!(m.v1_memory, Some("/docker/abc"));
        assert_eq!(m.memory(), Some((Version::V1, "/docker/abc")));
    }

    #[test]
    fn membership_without_memory_controller() {
        let m = parse_membership("3:cpuset:/\n2:cpu:/\ngarbage\n");
        assert_eq!(m.memory(), None);
    }

    #[test]
    fn mounts_keep_cgroup2_and_v1_memory_only() {
        let mountinfo = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw,relatime shared:5 master:1 - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/unified\\040dir rw,relatime - cgroup2 cgroup2 rw
22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
";
        let mounts = parse_mounts(mountinfo);
        assert_eq!(
            mounts,
            [
                Mount {
                    version: Version::V1,
                    root: "/docker/abc".into(),
                    mount_point: "/sys/fs/cgroup/memory".into()
                },
                Mount {
                    version: Version::V2,
                    root: "/".into(),
                    mount_point: "/sys/fs/cgroup/unified dir".into()
                },
            ]
        );
    }

    #[test]
    fn unescape_decodes_octal_and_keeps_the_rest() {
        assert_eq!(unescape("a\\040b"), "a b");
        assert_eq!(unescape("tab\\011x"), "tab\tx");
        assert_eq!(unescape("back\\134slash"), "back\\slash");
        assert_eq!(unescape("short\\04"), "short\\04");
        assert_eq!(unescape("nonoctal\\089"), "nonoctal\\089");
        assert_eq!(unescape("plain"), "plain");
    }

    #[test]
    fn resolve_dir_under_root_and_nested_mounts() {
        let whole = Mount { version: Version::V2, root: "/".into(), mount_point: "/sys/fs/cgroup".into() };
        assert_eq!(resolve_dir("/", &whole), Some("/sys/fs/cgroup".into()));
        assert_eq!(resolve_dir("/a/b", &whole), Some("/sys/fs/cgroup/a/b".into()));

        let nested = Mount {
            version: Version::V1,
            root: "/docker/abc".into(),
            mount_point: "/sys/fs/cgroup/memory".into(),
        };
        assert_eq!(resolve_dir("/docker/abc", &nested), Some("/sys/fs/cgroup/memory".into()));
        assert_eq!(resolve_dir("/docker/abc/child", &nested), Some("/sys/fs/cgroup/memory/child".into()));
        assert_eq!(resolve_dir("/docker/abcdef", &nested), None);
        assert_eq!(resolve_dir("/other", &nested), None);
    }

    #[test]
    fn limits_numbers_and_max() {
        assert_eq!(parse_limit("max\n"), Some(u64::MAX));
        assert_eq!(parse_limit("536870912\n"), Some(536_870_912));
        // cgroup v1's "no limit".
        assert_eq!(parse_limit("9223372036854771712\n"), Some(9_223_372_036_854_771_712));
        assert_eq!(parse_limit(""), None);
        assert_eq!(parse_limit("lots"), None);
        assert_eq!(parse_u64(" 1234\n"), Some(1234));
        assert_eq!(parse_u64("-1"), None);
    }

    #[test]
    fn stat_keys_match_whole_names() {
        let stat = "anon 1000\nfile 5000\nactive_file 3000\ninactive_file 2000\ntotal_inactive_file 2500\n";
        assert_eq!(parse_stat(stat, "inactive_file"), Some(2000));
        assert_eq!(parse_stat(stat, "total_inactive_file"), Some(2500));
        assert_eq!(parse_stat(stat, "anon"), Some(1000));
        assert_eq!(parse_stat(stat, "shmem"), None);
    }

    #[test]
    fn a_limit_below_physical_memory_applies() {
        let gib = 1u64 << 30;
        let m = apply_limit(16 * gib, 2 * gib, gib, gib / 4).unwrap();
        assert_eq!(m, Memory { total: 2 * gib, used: 3 * gib / 4, available: 2 * gib - 3 * gib / 4 });
        assert_eq!(m.used + m.available, m.total);
    }

    #[test]
    fn no_limit_or_a_large_one_does_not_apply() {
        let gib = 1u64 << 30;
        assert_eq!(apply_limit(16 * gib, u64::MAX, gib, 0), None);
        assert_eq!(apply_limit(16 * gib, 9_223_372_036_854_771_712, gib, 0), None);
        assert_eq!(apply_limit(16 * gib, 16 * gib, gib, 0), None);
        assert_eq!(apply_limit(16 * gib, 0, gib, 0), None);
    }

    #[test]
    fn usage_is_clamped_and_cache_saturates() {
        let m = apply_limit(1000, 100, 150, 0).unwrap();
        assert_eq!(m, Memory { total: 100, used: 100, available: 0 });
        let m = apply_limit(1000, 100, 10, 50).unwrap();
        assert_eq!(m, Memory { total: 100, used: 0, available: 100 });
    }

    fn write_group(dir: &Path, version: Version, limit: &str, usage: &str, stat: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(version.limit_file()), limit).unwrap();
        std::fs::write(dir.join(version.usage_file()), usage).unwrap();
        std::fs::write(dir.join("memory.stat"), stat).unwrap();
    }

    #[test]
    fn locate_picks_the_lowest_limit_among_ancestors_v2() {
        let tmp = tempfile::tempdir().unwrap();
        let mount_point = tmp.path().join("cgroup");
        let slice = mount_point.join("app.slice");
        let scope = slice.join("app.scope");
        // The hierarchy root has no memory.max, as on a real system.
        std::fs::create_dir_all(&mount_point).unwrap();
        write_group(&slice, Version::V2, "1073741824\n", "600000000\n", "inactive_file 100000000\n");
        write_group(&scope, Version::V2, "max\n", "500000000\n", "inactive_file 50000000\n");

        let mounts = [Mount { version: Version::V2, root: "/".into(), mount_point: mount_point.clone() }];
        let membership = parse_membership("0::/app.slice/app.scope\n");
        let mut cgroup = MemoryCgroup::locate(&membership, &mounts).unwrap();
        assert_eq!(cgroup.limit_file.path(), slice.join("memory.max"));
        let m = cgroup.read(16 << 30, Instant::now()).unwrap();
        assert_eq!(m, Memory { total: 1_073_741_824, used: 500_000_000, available: 573_741_824 });
        // A machine smaller than the limit reports its own memory.
        assert_eq!(cgroup.read(1 << 30, Instant::now()), None);
    }

    #[test]
    fn locate_v1_nested_mount_and_unlimited() {
        let tmp = tempfile::tempdir().unwrap();
        let mount_point = tmp.path().join("memory");
        write_group(
            &mount_point,
            Version::V1,
            "9223372036854771712\n",
            "3000\n",
            "cache 2000\ninactive_file 1000\ntotal_inactive_file 1500\n",
        );
        let mounts =
            [Mount { version: Version::V1, root: "/docker/abc".into(), mount_point: mount_point.clone() }];
        let membership = parse_membership("4:memory:/docker/abc\n0::/\n");
        let mut cgroup = MemoryCgroup::locate(&membership, &mounts).unwrap();
        assert_eq!(cgroup.read(16 << 30, Instant::now()), None, "v1's huge number means no limit");

        // Without a limit that applies, the limit is read again only later.
        std::fs::write(mount_point.join("memory.limit_in_bytes"), "10000\n").unwrap();
        assert_eq!(cgroup.read(16 << 30, Instant::now()), None);
        cgroup.limit_read_at = cgroup.limit_read_at.and_then(|at| at.checked_sub(NO_LIMIT_EVERY));
        assert_eq!(
            cgroup.read(16 << 30, Instant::now()),
            Some(Memory { total: 10_000, used: 1500, available: 8500 })
        );
        // Usage is read each time; the limit, while it applies, every LIMIT_EVERY.
        std::fs::write(mount_point.join("memory.usage_in_bytes"), "4000\n").unwrap();
        std::fs::write(mount_point.join("memory.limit_in_bytes"), "20000\n").unwrap();
        assert_eq!(
            cgroup.read(16 << 30, Instant::now()),
            Some(Memory { total: 10_000, used: 2500, available: 7500 })
        );
        cgroup.limit_read_at = cgroup.limit_read_at.and_then(|at| at.checked_sub(LIMIT_EVERY));
        assert_eq!(
            cgroup.read(16 << 30, Instant::now()),
            Some(Memory { total: 20_000, used: 2500, available: 17500 })
        );
    }

    #[test]
    fn locate_gives_up_without_files() {
        let tmp = tempfile::tempdir().unwrap();
        let mounts = [Mount { version: Version::V2, root: "/".into(), mount_point: tmp.path().to_owned() }];
        assert!(MemoryCgroup::locate(&parse_membership("0::/\n"), &mounts).is_none());
        assert!(MemoryCgroup::locate(&parse_membership("1:cpu:/\n"), &mounts).is_none());
    }
}
