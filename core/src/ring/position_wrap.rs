//! Byte positions wrap at `usize::MAX` (after 4 GiB of entries on a 32-bit
//! core). A ring whose positions cross the wrap must behave exactly like
//! one whose positions start at 0: the same entries, reads, copies and
//! frames, and `validate` passing throughout.

use super::{Cursor, Policy, Ring};
use crate::entry::Event;
use crate::level::Level;
use crate::metric::MetricId;
use crate::wire::encode_frame;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Steps(u64);

impl Steps {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn run(capacity: usize, policy: Policy, start: usize, seed: u64) {
    let mut plain = Ring::new(vec![0u8; capacity], policy);
    let mut wrapping = Ring::new(vec![0u8; capacity], policy).at_position(start);
    let mut cursors = [Cursor::new(); 2];
    let mut wrapping_cursors = [Cursor::new(); 2];
    let mut steps = Steps(seed);
    let message = [b'm'; 200];
    for step in 0..if cfg!(miri) { 150 } else { 3_000u64 } {
        let op = steps.next(10);
        let results = [&mut plain, &mut wrapping].map(|ring| match op {
            0..=4 => ring.push_log(step, Level::Info, b"wrap", &message[..(step % 150) as usize]).ok(),
            5 | 6 => ring.push_metric(step, MetricId::CPU_USAGE.series(), step as f64 / 3.0).ok(),
            7 => ring.push_event(step, Event::Anchor { unix_us: step }).ok(),
            8 => ring.pop_with(|entry| entry.seq),
            _ => Some(ring.len() as u64),
        });
        assert_eq!(results[0], results[1], "step {step}");
        assert_eq!(wrapping.validate(), Ok(()), "step {step}");
        assert!(plain.iter().eq(wrapping.iter()), "step {step}");
        assert_eq!(plain.used_bytes(), wrapping.used_bytes());
        if steps.next(4) == 0 {
            // Each reader in turn: copies out, then a wire frame.
            let which = (step % 2) as usize;
            let (mut a, mut b) = ([0u8; 300], [0u8; 300]);
            let copied = plain.copy_records(&mut cursors[which], &mut a);
            let copied_wrapping = wrapping.copy_records(&mut wrapping_cursors[which], &mut b);
            assert_eq!(copied, copied_wrapping, "step {step}");
            assert_eq!(a[..copied.len], b[..copied.len]);
            let (mut a, mut b) = ([0u8; 400], [0u8; 400]);
            let frame = encode_frame(&plain, &mut cursors[1 - which], &mut a);
            assert_eq!(
                frame,
                encode_frame(&wrapping, &mut wrapping_cursors[1 - which], &mut b),
                "step {step}"
            );
            assert_eq!(a[..frame.bytes], b[..frame.bytes]);
            assert_eq!(cursors.map(|c| c.next_seq()), wrapping_cursors.map(|c| c.next_seq()));
        }
    }
}

#[test]
fn a_ring_crossing_the_position_wrap_matches_one_that_does_not() {
    let rounds: &[(usize, u64)] =
        if cfg!(miri) { &[(256, 1)] } else { &[(97, 1), (256, 2), (1000, 3), (4096, 4)] };
    for &(capacity, seed) in rounds {
        for policy in [Policy::OverwriteOldest, Policy::DropNewest] {
            // Start just below the wrap, at it, and where offsets and
            // positions disagree modulo the capacity.
            for start in [usize::MAX - 2 * capacity, usize::MAX, usize::MAX - 13] {
                run(capacity, policy, start, seed);
            }
        }
    }
}
