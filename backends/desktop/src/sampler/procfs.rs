//! Parsers for the Linux `/proc` files a sample reads, and CPU usage as
//! sysinfo computes it, so the sampler can read those files itself through
//! [`KeptFile`](super::kept::KeptFile)s instead of having sysinfo open them
//! anew each time.
//!
//! The parsers take the files' contents so they can be tested on samples.

/// One line of `/proc/stat`'s CPU times, in clock ticks, as sysinfo keeps
/// them: `guest` and `guest_nice` taken out of `user` and `nice` (the
/// kernel counts them in both).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CpuTicks {
    user: u64,
    nice: u64,
    system: u64,
    idle: u64,
    iowait: u64,
    irq: u64,
    softirq: u64,
    steal: u64,
    guest: u64,
    guest_nice: u64,
}

impl CpuTicks {
    /// From the numbers of a `cpu` line in file order (`user nice system
    /// idle iowait irq softirq steal guest guest_nice`); missing ones are 0.
    pub(crate) fn from_fields(fields: [u64; 10]) -> Self {
        let [user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice] = fields;
        CpuTicks {
            user: user.saturating_sub(guest),
            nice: nice.saturating_sub(guest_nice),
            system,
            idle,
            iowait,
            irq,
            softirq,
            steal,
            guest,
            guest_nice,
        }
    }

    fn system_time(&self) -> u64 {
        self.system.saturating_add(self.irq).saturating_add(self.softirq)
    }

    fn virtual_time(&self) -> u64 {
        self.guest.saturating_add(self.guest_nice)
    }

    /// Every tick, busy or idle.
    pub(crate) fn total(&self) -> u64 {
        self.user
            .saturating_add(self.nice)
            .saturating_add(self.system_time())
            .saturating_add(self.idle.saturating_add(self.iowait))
            .saturating_add(self.virtual_time())
            .saturating_add(self.steal)
    }

    /// The busy share of the ticks since `old`, percent, computed exactly as
    /// sysinfo 0.40 does on Linux (same `f32` steps, capped at 100).
    pub(crate) fn usage_since(&self, old: &CpuTicks) -> f32 {
        let (new_total, old_total) = (self.total(), old.total());
        let total = if new_total > old_total { (new_total - old_total) as f32 } else { 1.0 };
        let nice = self.nice.saturating_sub(old.nice) as f32 / total;
        let user = self.user.saturating_sub(old.user) as f32 / total;
        let system = self.system_time().saturating_sub(old.system_time()) as f32 / total;
        let steal = self.steal.saturating_sub(old.steal);
        let guest = self.virtual_time().saturating_sub(old.virtual_time());
        let irq = (steal + guest) as f32 / total;
        ((nice + user + system + irq) * 100.0).min(100.0)
    }
}

/// A line of a generated file, read word by word. Words are separated by
/// spaces or tabs; the scanner never goes past the line's end.
struct Words<'a> {
    line: &'a [u8],
}

impl<'a> Words<'a> {
    fn new(line: &'a [u8]) -> Self {
        Words { line }
    }

    fn skip_blanks(&mut self) {
        let blanks = self.line.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        self.line = &self.line[blanks..];
    }

    /// The next word, if any.
    fn word(&mut self) -> Option<&'a [u8]> {
        self.skip_blanks();
        let len = self.line.iter().take_while(|&&b| b != b' ' && b != b'\t').count();
        let (word, rest) = self.line.split_at(len);
        self.line = rest;
        (len > 0).then_some(word)
    }

    /// Skips `n` words.
    fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.word();
        }
    }

    /// The next word as a whole number.
    fn number(&mut self) -> Option<u64> {
        parse_u64(self.word()?)
    }
}

/// The lines of `bytes`, without their `\n`.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&b| b == b'\n')
}

/// Parses ASCII digits (at least one, no sign, no overflow).
fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &d| {
        if d.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        } else {
            None
        }
    })
}

/// Parses a decimal such as `0.52`; short fixed-point ones (as the kernel
/// prints) without the general float parser, giving the same `f64`.
fn parse_decimal(word: &[u8]) -> Option<f64> {
    let fixed_point = || {
        let dot = word.iter().position(|&b| b == b'.')?;
        let (whole, fraction) = (&word[..dot], &word[dot + 1..]);
        if whole.len() + fraction.len() > 15 {
            return None;
        }
        let scale = 10u64.pow(fraction.len() as u32);
        let digits = parse_u64(whole)? * scale + parse_u64(fraction)?;
        // Both below 2^53, so one correctly rounded division: the f64
        // nearest the decimal, as `str::parse` gives.
        Some(digits as f64 / scale as f64)
    };
    fixed_point().or_else(|| std::str::from_utf8(word).ok()?.parse().ok())
}

/// Calls `each(core, ticks)` for the `cpu` lines at the top of
/// `/proc/stat`: `core` is `None` for the machine's total line (`cpu `) and
/// the core's number for `cpuN` lines (offline cores have no line).
pub(crate) fn parse_stat(bytes: &[u8], mut each: impl FnMut(Option<u16>, CpuTicks)) {
    for line in lines(bytes) {
        let Some(rest) = line.strip_prefix(b"cpu") else { break };
        let mut words = Words::new(rest);
        let core = if rest.first().is_some_and(|&b| b == b' ' || b == b'\t') {
            None
        } else {
            match words.number().and_then(|n| u16::try_from(n).ok()) {
                Some(n) => Some(n),
                None => continue,
            }
        };
        let mut fields = [0u64; 10];
        for field in &mut fields {
            match words.word() {
                Some(word) => *field = parse_u64(word).unwrap_or(0),
                None => break,
            }
        }
        each(core, CpuTicks::from_fields(fields));
    }
}

/// What the sampler takes from `/proc/meminfo`, in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Meminfo {
    pub(crate) total: u64,
    pub(crate) available: u64,
    pub(crate) swap_total: u64,
    pub(crate) swap_free: u64,
}

/// Parses `/proc/meminfo` (`Key:   value kB` lines). Without
/// `MemAvailable` (kernels before 3.14), available is estimated as sysinfo
/// does: free + buffers + page cache + reclaimable slab − shared memory.
pub(crate) fn parse_meminfo(bytes: &[u8]) -> Meminfo {
    const ALL: u8 = 0b1111;
    let mut info = Meminfo::default();
    let (mut available, mut free, mut buffers, mut cached, mut shmem, mut reclaimable) =
        (None, 0u64, 0u64, 0u64, 0u64, 0u64);
    let mut found = 0u8;
    for line in lines(bytes) {
        // The fallback's figures come later in the file than these four.
        if found == ALL {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let field = match &line[..colon] {
            b"MemTotal" => {
                found |= 1;
                &mut info.total
            }
            b"MemAvailable" => {
                found |= 2;
                available.insert(0)
            }
            b"SwapTotal" => {
                found |= 4;
                &mut info.swap_total
            }
            b"SwapFree" => {
                found |= 8;
                &mut info.swap_free
            }
            b"MemFree" => &mut free,
            b"Buffers" => &mut buffers,
            b"Cached" => &mut cached,
            b"Shmem" => &mut shmem,
            b"SReclaimable" => &mut reclaimable,
            _ => continue,
        };
        // The kernel says "kB" and means KiB.
        let kib = Words::new(&line[colon + 1..]).number().unwrap_or(0);
        *field = kib.saturating_mul(1024);
    }
    info.available = available.unwrap_or_else(|| {
        free.saturating_add(buffers).saturating_add(cached).saturating_add(reclaimable).saturating_sub(shmem)
    });
    info
}

/// Calls `each(name, rx_bytes, tx_bytes)` for every interface in
/// `/proc/net/dev`: after two header lines, `%6s:` (the name, right-aligned,
/// so a long one has no space before it) then the receive columns (bytes
/// first) and the transmit columns (bytes ninth), with no space after the
/// colon once rx bytes outgrow their column. Interface names cannot hold
/// `:` or white space, so the first colon ends the name.
pub(crate) fn parse_net_dev(bytes: &[u8], mut each: impl FnMut(&[u8], u64, u64)) {
    for line in lines(bytes) {
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let name = line[..colon].trim_ascii();
        if name.is_empty() {
            continue;
        }
        let mut words = Words::new(&line[colon + 1..]);
        let rx = words.number();
        words.skip(7);
        if let (Some(rx), Some(tx)) = (rx, words.number()) {
            each(name, rx, tx);
        }
    }
}

/// `utime + stime` (clock ticks) and the resident set (pages, the same
/// figure as `statm`'s second) from `/proc/<pid>/stat`. The command name in
/// parentheses may hold spaces and `)`, so fields are counted from the last
/// `)`: utime, stime and rss are fields 14, 15 and 24.
pub(crate) fn parse_process_stat(bytes: &[u8]) -> Option<(u64, u64)> {
    let paren = bytes.iter().rposition(|&b| b == b')')?;
    let line = lines(&bytes[paren + 1..]).next()?;
    let mut words = Words::new(line);
    words.skip(11); // fields 3 (state) to 13
    let utime = words.number()?;
    let stime = words.number()?;
    words.skip(8);
    let rss = words.number()?;
    Some((utime.saturating_add(stime), rss))
}

/// The three load averages at the start of `/proc/loadavg`; as sysinfo,
/// missing ones are 0.
pub(crate) fn parse_loadavg(bytes: &[u8]) -> Option<[f64; 3]> {
    let mut words = Words::new(lines(bytes).next()?);
    let mut loads = [0.0; 3];
    loads[0] = parse_decimal(words.word()?)?;
    for load in &mut loads[1..] {
        *load = words.word().and_then(parse_decimal).unwrap_or(0.0);
    }
    Some(loads)
}

/// Seconds since boot from `/proc/uptime` (`12345.67 2345.67`).
pub(crate) fn parse_uptime(bytes: &[u8]) -> Option<f64> {
    parse_decimal(Words::new(lines(bytes).next()?).word()?)
}

/// The page size from `/proc/self/auxv` (native-endian pairs of words:
/// type, value; `AT_PAGESZ` is 6).
pub(crate) fn page_size_from_auxv(auxv: &[u8]) -> Option<u64> {
    const AT_PAGESZ: usize = 6;
    const WORD: usize = std::mem::size_of::<usize>();
    let word = |bytes: &[u8]| -> usize { usize::from_ne_bytes(bytes.try_into().expect("a word")) };
    auxv.chunks_exact(2 * WORD)
        .map(|pair| (word(&pair[..WORD]), word(&pair[WORD..])))
        .take_while(|&(kind, _)| kind != 0)
        .find(|&(kind, _)| kind == AT_PAGESZ)
        .map(|(_, size)| size as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "\
cpu  285568 12 40424 309452 2016 0 253 128 0 0
cpu0 139580 5 19814 158738 659 0 29 63 0 0
cpu1 145987 7 20609 150713 1356 0 223 65 0 0
cpu3 10 0 0 10 0 0 0 0
intr 2075820 0 0 0 0 0 0 0 0 0 0 0 0
ctxt 2579763
btime 1700000000
";

    #[test]
    fn stat_gives_the_total_and_each_online_core() {
        let mut seen = Vec::new();
        parse_stat(STAT.as_bytes(), |core, ticks| seen.push((core, ticks)));
        let cores: Vec<_> = seen.iter().map(|(core, _)| *core).collect();
        assert_eq!(cores, [None, Some(0), Some(1), Some(3)]);
        assert_eq!(seen[0].1, CpuTicks::from_fields([285568, 12, 40424, 309452, 2016, 0, 253, 128, 0, 0]));
        assert_eq!(seen[0].1.total(), 285568 + 12 + 40424 + 309452 + 2016 + 253 + 128);
        // A short line (old kernels) leaves the missing fields 0.
        assert_eq!(seen[3].1.total(), 20);
    }

    #[test]
    fn usage_follows_sysinfo() {
        let old = CpuTicks::from_fields([100, 0, 50, 800, 50, 0, 0, 0, 0, 0]);
        let new = CpuTicks::from_fields([130, 0, 60, 850, 60, 0, 0, 0, 0, 0]);
        // Busy 40 of 100 ticks; iowait counts as idle.
        assert_eq!(new.usage_since(&old), 40.0);
        assert_eq!(old.usage_since(&old), 0.0);
        // Guest time is counted once, as busy.
        let guest_old = CpuTicks::from_fields([100, 0, 0, 100, 0, 0, 0, 0, 50, 0]);
        let guest_new = CpuTicks::from_fields([150, 0, 0, 150, 0, 0, 0, 0, 80, 0]);
        assert_eq!(guest_new.usage_since(&guest_old), 50.0);
        // Counters going back (a CPU replugged) do not go negative.
        assert_eq!(old.usage_since(&new), 0.0);
    }

    #[test]
    fn meminfo_in_bytes_with_and_without_memavailable() {
        let text = "\
MemTotal:       24684084 kB
MemFree:        21622976 kB
MemAvailable:   24072188 kB
Buffers:            8464 kB
Cached:          2544484 kB
SwapTotal:       2097148 kB
SwapFree:        2000000 kB
Shmem:             11000 kB
SReclaimable:      50000 kB
HugePages_Total:       0
";
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"12a"), None);
        let info = parse_meminfo(text.as_bytes());
        assert_eq!(
            info,
            Meminfo {
                total: 24684084 * 1024,
                available: 24072188 * 1024,
                swap_total: 2097148 * 1024,
                swap_free: 2000000 * 1024,
            }
        );
        let old_kernel = text.replace("MemAvailable:   24072188 kB\n", "");
        let info = parse_meminfo(old_kernel.as_bytes());
        assert_eq!(info.available, (21622976 + 8464 + 2544484 + 50000 - 11000) * 1024);
    }

    #[test]
    fn net_dev_names_and_byte_columns() {
        let text = b"\
Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  334498    3503    0    0    0     0          0         0   334498    3503    0    0    0     0       0          0
  ifb0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  eth0:229534222   12669    0    0    0     0          0         0   764770    7597    0    0    0     0       0          0
br-1a2b3c4d5e6f: 1234 5 0 0 0 0 0 0 98765 4 0 0 0 0 0 0
veth9c2d1e0:18446744073709551615 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0
 short: 1 2 3
";
        let mut seen = Vec::new();
        parse_net_dev(text, |name, rx, tx| seen.push((String::from_utf8_lossy(name).into_owned(), rx, tx)));
        let expected = [
            ("lo", 334498, 334498),
            ("ifb0", 0, 0),
            ("eth0", 229534222, 764770),
            ("br-1a2b3c4d5e6f", 1234, 98765),
            ("veth9c2d1e0", u64::MAX, 7),
        ];
        let expected: Vec<_> = expected.iter().map(|&(n, rx, tx)| (n.to_owned(), rx, tx)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn net_dev_of_this_machine_parses() {
        let text = std::fs::read("/proc/net/dev").unwrap();
        let mut names = Vec::new();
        parse_net_dev(&text, |name, _, _| names.push(name.to_vec()));
        assert!(names.iter().any(|n| n == b"lo"), "{names:?}");
    }

    #[test]
    fn process_stat_survives_odd_command_names() {
        let stat =
            "1915 (cat) R 1912 1912 18819 0 -1 4194304 98 0 0 0 7 3 0 0 20 0 1 0 319876 3133440 362 1844";
        assert_eq!(parse_process_stat(stat.as_bytes()), Some((10, 362)));
        let odd = "1915 (a) b (c) R 1912 1912 18819 0 -1 4194304 98 0 0 0 70 30 0 0 20 0 1 0 1 2 3 4";
        assert_eq!(parse_process_stat(odd.as_bytes()), Some((100, 3)));
        assert_eq!(parse_process_stat(b"1915 (cat) R 1"), None);
        let own = std::fs::read("/proc/self/stat").unwrap();
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let (_, rss) = parse_process_stat(&own).unwrap();
        let statm_rss: u64 = statm.split_ascii_whitespace().nth(1).unwrap().parse().unwrap();
        assert!(rss.abs_diff(statm_rss) < 1024, "stat {rss} pages, statm {statm_rss}");
    }

    #[test]
    fn loadavg_and_uptime() {
        assert_eq!(parse_loadavg(b"0.52 0.58 0.59 1/123 4567\n"), Some([0.52, 0.58, 0.59]));
        assert_eq!(parse_loadavg(b"1.5\n"), Some([1.5, 0.0, 0.0]));
        assert_eq!(parse_loadavg(b"12.34 1e2 7\n"), Some([12.34, 100.0, 7.0]));
        for text in ["0.01", "1.05", "0.07", "123.456", "99999.99", "-0.5", "0.1234567890123456789"] {
            assert_eq!(parse_decimal(text.as_bytes()), text.parse().ok(), "{text}");
        }
        for hundredths in 0..100_000 {
            let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
            assert_eq!(parse_decimal(text.as_bytes()), text.parse().ok(), "{text}");
        }
        assert_eq!(parse_loadavg(b""), None);
        assert_eq!(parse_uptime(b"12345.67 2345.67\n"), Some(12345.67));
        assert_eq!(parse_uptime(b"12 3\n"), Some(12.0));
        assert_eq!(parse_uptime(b"soon"), None);
    }

    #[test]
    fn page_size_from_this_process() {
        let auxv = std::fs::read("/proc/self/auxv").unwrap();
        let size = page_size_from_auxv(&auxv).unwrap();
        assert!(size.is_power_of_two() && size >= 4096, "{size}");
        assert_eq!(page_size_from_auxv(&[]), None);
    }
}
