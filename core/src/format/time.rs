//! Timestamps as text: ISO 8601 UTC when wall-clock time is known, time
//! since boot otherwise.

use core::fmt;

/// A ring timestamp with the anchor that maps it to Unix time, if any.
///
/// Displays as `2026-11-24T04:51:21.123Z` with an anchor, and as seconds
/// since the clock's origin (`+12.345678s`) without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    /// Ring time, µs.
    pub timestamp_us: u64,
    /// Unix µs minus ring µs.
    pub anchor: Option<i64>,
}

impl Timestamp {
    /// Unix time in µs, when anchored.
    pub fn unix_us(&self) -> Option<i64> {
        self.anchor.map(|offset| (self.timestamp_us as i64).wrapping_add(offset))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unix_us() {
            Some(unix_us) => iso8601(f, unix_us),
            None => write!(f, "+{}.{:06}s", self.timestamp_us / 1_000_000, self.timestamp_us % 1_000_000),
        }
    }
}

/// Writes Unix µs as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
///
/// ```
/// let mut s = String::new();
/// vitals_core::format::iso8601(&mut s, 0)?;
/// assert_eq!(s, "1970-01-01T00:00:00.000Z");
/// # Ok::<(), core::fmt::Error>(())
/// ```
pub fn iso8601(w: &mut impl fmt::Write, unix_us: i64) -> fmt::Result {
    let secs = unix_us.div_euclid(1_000_000);
    let millis = unix_us.rem_euclid(1_000_000) / 1_000;
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return write!(
            w,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            of_day / 3600,
            of_day % 3600 / 60,
            of_day % 60
        );
    }
    // Digits by hand: this runs once per line of every log file.
    let [y0, y1, y2, y3] = digits(year as u64);
    let [mo0, mo1] = digits(u64::from(month));
    let [d0, d1] = digits(u64::from(day));
    let [h0, h1] = digits((of_day / 3600) as u64);
    let [mi0, mi1] = digits((of_day % 3600 / 60) as u64);
    let [s0, s1] = digits((of_day % 60) as u64);
    let [ms0, ms1, ms2] = digits(millis as u64);
    let out = [
        y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0, s1, b'.', ms0,
        ms1, ms2, b'Z',
    ];
    // Only ASCII digits and separators were written.
    w.write_str(core::str::from_utf8(&out).map_err(|_| fmt::Error)?)
}

/// The last `N` decimal digits of `value` as ASCII, zero-padded.
fn digits<const N: usize>(mut value: u64) -> [u8; N] {
    let mut out = [b'0'; N];
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
    out
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        let cases = [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400_000_000, "2000-02-29T00:00:00.000Z"),
            (1_795_495_881_123_456, "2026-11-24T04:51:21.123Z"),
            (-1_000, "1969-12-31T23:59:59.999Z"),
            (4_107_542_399_000_000, "2100-02-28T23:59:59.000Z"),
            (253_402_300_799_999_000, "9999-12-31T23:59:59.999Z"),
            (-62_167_219_200_000_000, "0000-01-01T00:00:00.000Z"),
            (253_402_300_800_000_000, "10000-01-01T00:00:00.000Z"),
            (-62_167_219_200_000_001, "-001-12-31T23:59:59.999Z"),
        ];
        for (us, text) in cases {
            let mut s = String::new();
            iso8601(&mut s, us).unwrap();
            assert_eq!(s, text);
        }
    }

    #[test]
    fn unanchored_shows_uptime() {
        let t = Timestamp { timestamp_us: 12_345_678, anchor: None };
        assert_eq!(t.to_string(), "+12.345678s");
    }
}
