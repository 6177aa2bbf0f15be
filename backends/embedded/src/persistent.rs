//! A ring that survives a warm reset: kept in a RAM section the start-up
//! code does not touch, checked at boot, and adopted when it is intact.
//!
//! After a watchdog reset, a panic that reset the chip, or a reset from the
//! debugger, the log of what led up to it is still there; after a power-on,
//! or when the RAM was damaged, the ring starts empty and says why.
//!
//! # Example
//!
//! ```
//! use vitals_embedded::{persistent_ring, EntryKind, Event, Level, ResetReason};
//!
//! // In a firmware this memory lives in `.uninit.vitals` (cortex-m-rt's
//! // `.uninit` output section): not zeroed, not loaded, kept across resets.
//! let memory = persistent_ring!(2048).expect("the first and only take");
//!
//! let (ring, boot) = memory.init(ResetReason::PowerOn, 0);
//! assert!(!boot.recovered);
//! ring.push_log(10, Level::Error, b"app", b"about to reset")?;
//!
//! // … warm reset: the same memory is checked and adopted at the next boot.
//! let (ring, boot) = memory.init(ResetReason::Watchdog, 0);
//! assert!(boot.recovered);
//! assert_eq!(boot.reason, ResetReason::Watchdog);
//! let last = ring.with(|r| r.iter().last().map(|e| e.kind == EntryKind::Event(Event::Boot { reason: ResetReason::Watchdog })));
//! assert_eq!(last, Some(true));
//! # Ok::<(), vitals_embedded::vitals_core::PushError>(())
//! ```
//!
//! # Layout and checks
//!
//! The region is a header of four `u32` — a magic number, a layout word
//! (format version, ring size and the region's size in memory, so a
//! firmware built differently never adopts it), flags (a panic was
//! recorded) and a checksum of the three — followed by the
//! [`SharedRing`] itself. At boot:
//!
//! 1. every word of the region is read and written back with volatile
//!    accesses ("freezing" it, below);
//! 2. the header is checked; then the ring's `RefCell` borrow flag (a
//!    reset inside a critical section leaves it set); then every record,
//!    with [`Ring::validate`](vitals_core::Ring::validate);
//! 3. an intact ring is kept and gets an [`Event::Boot`]; otherwise the ring
//!    starts empty, gets the `Boot` event and a log entry saying why
//!    (WARN; INFO for a missing header after a power-on reset).
//!
//! # Soundness
//!
//! - **Any bit pattern is a valid region.** The header is four `AtomicU32`.
//!   The ring is `SharedRing<[u8; N]>` = `critical_section::Mutex<RefCell<Ring<[u8; N]>>>`:
//!   `Mutex` is an `UnsafeCell`, `RefCell` a `Cell<isize>` borrow flag beside
//!   an `UnsafeCell`, and every field of `Ring` is a plain integer (the core
//!   keeps it so, see `Ring::validate`). Integers accept every bit pattern, so
//!   turning the memory into a `&mut` region creates no invalid value;
//!   whether the *contents* make sense is what the checks decide. (A `core`
//!   built with the unstable `debug_refcell` feature adds a reference to
//!   `RefCell` and breaks this; no stable toolchain ships one.)
//! - **The previous run's bits are read for real.** The static is
//!   declared all zeros (`MaybeUninit::zeroed`, so never uninitialised
//!   memory to the Rust abstract machine), but the no-init section means
//!   nothing writes those zeros: at boot it holds what the last run left,
//!   changed behind the compiler's back as a device register is. Step 1
//!   reads each word with `read_volatile` — which the compiler must
//!   perform, and cannot replace with the zeros it knows of (a `static`
//!   used only from `main` may otherwise be turned into a local) — and
//!   writes it back with `write_volatile`, so the ordinary accesses after
//!   it see the same bits the hardware holds. (The words are copied as
//!   `MaybeUninit<u32>`: padding bytes inside the ring, which no code reads
//!   as values, stay whatever they are.)
//! - **A stale borrow flag is cleared in place.** The ring may be too big to
//!   move through the stack, so the bytes of the `SharedRing` outside the
//!   `Ring` (the borrow flag and padding) are zeroed instead; zero is
//!   "not borrowed". If that ever stops meaning "not borrowed" in a future
//!   `core`, the check after it fails and the ring starts empty.
//! - **Starting empty writes zeros.** An all-zero `SharedRing<[u8; N]>` is
//!   `SharedRing::new([0; N], Policy::OverwriteOldest)` (this is checked each
//!   time; if it ever differs, the value is written the ordinary way).
//! - **One owner.** `init` takes `&mut self`, and [`persistent_ring!`](crate::persistent_ring)
//!   hands out the `&'static mut` once.

#![allow(unsafe_code)]

use core::fmt;
use core::mem::{size_of, MaybeUninit};
use core::ops::Deref;
use core::ptr;
use core::sync::atomic::{AtomicU32, Ordering};

use vitals_core::{Corruption, Event, Level, Policy, PushError, ResetReason, Ring, SharedRing};

use crate::global::LogSink;
use crate::mcu::ResetCause;

/// "VTLR".
const MAGIC: u32 = 0x5654_4C52;
/// Bumped whenever the region's layout changes.
const FORMAT: u32 = 3; // 2: byte positions became `usize`; 3: the oldest record's offset is derived
/// A panic was recorded in this ring and the program then reset.
const FLAG_PANICKED: u32 = 1;
/// Target of the entries written at boot.
const TARGET: &[u8] = b"vitals";

#[repr(C)]
struct Region<const N: usize> {
    magic: AtomicU32,
    layout: AtomicU32,
    flags: AtomicU32,
    check: AtomicU32,
    ring: SharedRing<[u8; N]>,
}

/// FNV-1a over the words' little-endian bytes.
fn fnv(words: &[u32]) -> u32 {
    let mut hash: u32 = 0x811C_9DC5;
    for byte in words.iter().flat_map(|word| word.to_le_bytes()) {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    hash
}

fn layout_word<const N: usize>() -> u32 {
    fnv(&[FORMAT, N as u32, size_of::<Region<N>>() as u32])
}

fn check_word(magic: u32, layout: u32, flags: u32) -> u32 {
    fnv(&[magic, layout, flags])
}

impl<const N: usize> Region<N> {
    fn write_header(&self, flags: u32) {
        let layout = layout_word::<N>();
        self.magic.store(MAGIC, Ordering::Relaxed);
        self.layout.store(layout, Ordering::Relaxed);
        self.flags.store(flags, Ordering::Relaxed);
        self.check.store(check_word(MAGIC, layout, flags), Ordering::Relaxed);
    }

    /// The flags, when the header is intact.
    fn header_flags(&self) -> Option<u32> {
        let magic = self.magic.load(Ordering::Relaxed);
        let layout = self.layout.load(Ordering::Relaxed);
        let flags = self.flags.load(Ordering::Relaxed);
        let intact = magic == MAGIC
            && layout == layout_word::<N>()
            && self.check.load(Ordering::Relaxed) == check_word(magic, layout, flags);
        intact.then_some(flags)
    }
}

impl<const N: usize> LogSink for Region<N> {
    fn push_log(
        &self,
        timestamp_us: u64,
        level: Level,
        target: &[u8],
        message: &[u8],
        truncated: bool,
    ) -> Result<u64, PushError> {
        self.ring.push_log_truncated(timestamp_us, level, target, message, truncated)
    }

    fn note_panic(&self) {
        let flags = self.header_flags().unwrap_or(0) | FLAG_PANICKED;
        self.write_header(flags);
    }
}

/// Memory for a ring of `N` bytes that survives a warm reset. Place it in
/// a no-init section and hand it out once — [`persistent_ring!`](crate::persistent_ring)
/// does both — then call [`PersistentRing::init`] at every boot.
pub struct PersistentRing<const N: usize> {
    region: MaybeUninit<Region<N>>,
}

impl<const N: usize> PersistentRing<N> {
    /// Memory for a `static` in a no-init section. Its initial value is
    /// all zeros as far as the compiler knows (an empty ring with no
    /// header), but a no-init section is never written by the loader or the
    /// start-up code, so at boot it holds what the previous run left.
    pub const fn new() -> Self {
        PersistentRing { region: MaybeUninit::zeroed() }
    }

    /// Checks the memory and adopts the ring the previous run left when it
    /// is intact, or starts an empty one; writes an [`Event::Boot`] with
    /// the reset reason (and, when it started empty, a log entry saying
    /// why), stamped `now_us`. Call it once per boot, before anything uses
    /// the ring.
    ///
    /// The reason is [`ResetReason::Panic`] when the previous run recorded a
    /// panic ([`panic::record`](crate::panic::record)) before resetting;
    /// otherwise what `cause` says.
    pub fn init(&mut self, mut cause: impl ResetCause, now_us: u64) -> (Persistent<'_, N>, BootReport) {
        let hardware_reason = cause.reset_reason();
        let base = self.region.as_mut_ptr();
        // SAFETY: `base` is valid for `size_of::<Region<N>>()` bytes, which we
        // own exclusively (`&mut self`), aligned for `Region` (so for `u32`),
        // and that size is a multiple of 4 (the alignment is at least 4).
        unsafe { freeze(base.cast::<u32>(), size_of::<Region<N>>() / 4) };
        // SAFETY: every byte is initialised now, and every bit pattern is a
        // valid `Region` (module docs).
        let region: &mut Region<N> = unsafe { &mut *base };

        let flags = region.header_flags();
        let mut lock_cleared = false;
        let damage = match flags {
            None => Some(Damage::NoHeader),
            Some(_) => {
                let locked = region.ring.try_with(|_| ()).is_none();
                if locked {
                    // SAFETY: we own the ring exclusively (`&mut`).
                    lock_cleared = unsafe { clear_stale_borrow(&mut region.ring) };
                }
                if locked && !lock_cleared {
                    Some(Damage::Locked)
                } else {
                    region.ring.get_mut().validate().err().map(Damage::Ring)
                }
            }
        };
        let recovered = damage.is_none();
        let entries = if recovered { region.ring.get_mut().len() } else { 0 };
        if !recovered {
            // SAFETY: `region.ring` is ours exclusively and nothing borrows into it.
            unsafe { reset_empty(&mut region.ring) };
        }
        let panicked = flags.is_some_and(|flags| flags & FLAG_PANICKED != 0);
        let reason = if panicked { ResetReason::Panic } else { hardware_reason };
        region.write_header(0);

        let region: &Region<N> = region;
        let _ = region.ring.push_event(now_us, Event::Boot { reason });
        if let Some(damage) = damage {
            let level = match (damage, reason) {
                (Damage::NoHeader, ResetReason::PowerOn) => Level::Info,
                _ => Level::Warn,
            };
            let _ = region.ring.push_log(now_us, level, TARGET, damage.message().as_bytes());
        }
        let report = BootReport { recovered, entries, reason, damage, lock_cleared };
        (Persistent { region }, report)
    }
}

impl<const N: usize> Default for PersistentRing<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for PersistentRing<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersistentRing").field("capacity", &N).finish_non_exhaustive()
    }
}

/// Reads and writes back every word with volatile accesses, so that what
/// the hardware holds (the previous run's bits) is what the program sees
/// from then on, whatever the compiler knows of the static's initial value.
///
/// # Safety
/// `words` must be valid for reads and writes of `count` aligned `u32`s,
/// and nothing else may access them meanwhile.
unsafe fn freeze(words: *mut u32, count: usize) {
    // As `MaybeUninit<u32>`: padding inside the ring is uninitialised to the
    // compiler (nothing ever wrote it as a value), and is copied as it is
    // rather than read as an integer; every field byte is a real value.
    let words = words.cast::<MaybeUninit<u32>>();
    for i in 0..count {
        // SAFETY: in bounds by the caller's promise.
        unsafe {
            let word = words.add(i);
            ptr::write_volatile(word, ptr::read_volatile(word));
        }
    }
}

/// Zeroes the bytes of `shared` outside its `Ring` (the `RefCell` borrow
/// flag, and padding), clearing a borrow a reset left behind without moving
/// the ring. Returns whether the ring can be borrowed now.
///
/// # Safety
/// Every bit pattern of the zeroed bytes must be valid (module docs).
unsafe fn clear_stale_borrow<const N: usize>(shared: &mut SharedRing<[u8; N]>) -> bool {
    // The ring's address only: the pointer used for writing comes after it.
    let ring_addr = ptr::from_mut(shared.get_mut()) as usize;
    let whole = ptr::from_mut(shared).cast::<u8>();
    let start = ring_addr - whole as usize;
    let end = start + size_of::<Ring<[u8; N]>>();
    // SAFETY: both ranges lie inside `*shared` (the ring is a field of it),
    // which we borrow mutably; the ring's own bytes are not touched.
    unsafe {
        ptr::write_bytes(whole, 0, start);
        ptr::write_bytes(whole.add(end), 0, size_of::<SharedRing<[u8; N]>>() - end);
    }
    shared.try_with(|_| ()).is_some()
}

/// Not what zeros meant when this was written: builds the ring the ordinary
/// way. Kept out of line so its `N`-byte temporary never enlarges the
/// caller's stack frame.
#[cold]
#[inline(never)]
fn rebuild<const N: usize>(shared: &mut SharedRing<[u8; N]>) {
    *shared = SharedRing::new([0; N], Policy::OverwriteOldest);
}

/// Makes `shared` an empty overwrite-oldest ring, in place.
///
/// # Safety
/// Every bit pattern of the zeroed bytes must be valid (module docs).
unsafe fn reset_empty<const N: usize>(shared: &mut SharedRing<[u8; N]>) {
    // SAFETY: writes zeros over the value `shared` points to, which is valid
    // as a `SharedRing` (the caller's promise).
    unsafe { ptr::write_bytes(ptr::from_mut(shared), 0, 1) };
    let fresh = shared
        .try_with(|ring| {
            ring.is_empty()
                && ring.capacity() == N
                && ring.next_seq() == 0
                && ring.policy() == Policy::OverwriteOldest
                && ring.validate().is_ok()
        })
        .unwrap_or(false);
    if !fresh {
        rebuild(shared);
    }
}

/// Why [`PersistentRing::init`] started an empty ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Damage {
    /// No valid header: the first start after power-on, RAM from another
    /// firmware (or this one built with another ring size), or RAM the
    /// start-up code or a loader cleared.
    NoHeader,
    /// The reset came inside a critical section on the ring, and its lock
    /// could not be cleared.
    Locked,
    /// The header is intact but the ring's bookkeeping or records are not.
    Ring(Corruption),
}

impl Damage {
    /// The log message written at boot.
    pub const fn message(self) -> &'static str {
        match self {
            Damage::NoHeader => "persistent ring not found (power-on or cleared RAM), starting empty",
            Damage::Locked => "persistent ring corrupt (locked at reset), starting empty",
            Damage::Ring(Corruption::Positions) => "persistent ring corrupt (positions), starting empty",
            Damage::Ring(Corruption::Sequence) => {
                "persistent ring corrupt (sequence numbers), starting empty"
            }
            Damage::Ring(_) => "persistent ring corrupt (records), starting empty",
        }
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// What [`PersistentRing::init`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BootReport {
    /// Whether the previous run's entries were kept.
    pub recovered: bool,
    /// How many entries were kept.
    pub entries: usize,
    /// Why the previous run ended, as written in the `Boot` event.
    pub reason: ResetReason,
    /// Why the ring started empty, when it did.
    pub damage: Option<Damage>,
    /// The reset came while the ring was locked; the lock was cleared and
    /// the ring still checked out.
    pub lock_cleared: bool,
}

/// The ring in a [`PersistentRing`], after [`PersistentRing::init`]: a
/// [`SharedRing`] (through `Deref`) that also remembers a panic across the
/// reset that follows it.
#[derive(Clone, Copy)]
pub struct Persistent<'a, const N: usize> {
    region: &'a Region<N>,
}

impl<'a, const N: usize> Persistent<'a, N> {
    /// The ring.
    pub fn ring(&self) -> &'a SharedRing<[u8; N]> {
        &self.region.ring
    }

    /// The ring as a sink for [`install`](crate::install): log records go
    /// into the ring, and [`panic::record`](crate::panic::record) also
    /// marks the next boot's reason as [`ResetReason::Panic`].
    pub fn sink(&self) -> &'a dyn LogSink {
        self.region
    }

    /// Marks the next boot's reason as [`ResetReason::Panic`].
    pub fn note_panic(&self) {
        self.region.note_panic();
    }
}

impl<const N: usize> Deref for Persistent<'_, N> {
    type Target = SharedRing<[u8; N]>;

    fn deref(&self) -> &SharedRing<[u8; N]> {
        &self.region.ring
    }
}

impl<const N: usize> fmt::Debug for Persistent<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Persistent").field("stats", &self.region.ring.stats()).finish()
    }
}

/// Declares a [`PersistentRing`] of the given size in the no-init RAM
/// section `.uninit.vitals` (or the one named) and returns
/// `Some(&'static mut PersistentRing<N>)` the first time it runs, `None`
/// after. The section attribute applies on bare-metal targets
/// (`target_os = "none"`); on a host the memory is an ordinary `static`.
///
/// cortex-m-rt 0.7 collects `.uninit.*` input sections into its `.uninit`
/// output section (NOLOAD, after `.bss`): neither zeroed nor loaded, so
/// it keeps its contents across a warm reset.
///
/// ```
/// let memory = vitals_embedded::persistent_ring!(1024).expect("first take");
/// let (ring, _boot) = memory.init(vitals_embedded::ResetReason::Unknown, 0);
/// assert_eq!(ring.stats().capacity, 1024);
/// ```
#[macro_export]
macro_rules! persistent_ring {
    ($size:expr) => {
        $crate::persistent_ring!($size, ".uninit.vitals")
    };
    ($size:expr, $section:literal) => {{
        #[allow(unsafe_code)]
        #[cfg_attr(target_os = "none", link_section = $section)]
        static mut VITALS_PERSISTENT_RING: $crate::PersistentRing<{ $size }> = $crate::PersistentRing::new();
        static TAKEN: $crate::__private::Once = $crate::__private::Once::new();
        if TAKEN.take() {
            #[allow(unsafe_code)]
            // SAFETY: `TAKEN` lets only the first call through, so this is
            // the only reference ever made to the static.
            let memory = unsafe { &mut *::core::ptr::addr_of_mut!(VITALS_PERSISTENT_RING) };
            ::core::option::Option::Some(memory)
        } else {
            ::core::option::Option::None
        }
    }};
}

#[cfg(test)]
mod tests {
    use std::boxed::Box;

    use vitals_core::{EntryKind, LogRecord};

    use super::*;

    const SIZE: usize = 512;

    /// Memory as a freshly powered board might hold it.
    fn memory(fill: u8) -> Box<PersistentRing<SIZE>> {
        let mut memory = Box::new(PersistentRing::<SIZE>::new());
        // SAFETY: the box is ours; any byte pattern is acceptable (module docs).
        unsafe { ptr::write_bytes(memory.region.as_mut_ptr().cast::<u8>(), fill, size_of::<Region<SIZE>>()) };
        memory
    }

    fn logs(ring: &SharedRing<[u8; SIZE]>) -> Vec<(Level, String)> {
        ring.with(|ring| {
            ring.iter()
                .filter_map(|e| match e.kind {
                    EntryKind::Log(LogRecord { level, message, .. }) => {
                        Some((level, String::from_utf8_lossy(message).into_owned()))
                    }
                    _ => None,
                })
                .collect()
        })
    }

    fn boots(ring: &SharedRing<[u8; SIZE]>) -> Vec<ResetReason> {
        ring.with(|ring| {
            ring.iter()
                .filter_map(|e| match e.kind {
                    EntryKind::Event(Event::Boot { reason }) => Some(reason),
                    _ => None,
                })
                .collect()
        })
    }

    #[test]
    fn garbage_at_power_on_starts_empty_with_info() {
        for fill in [0x00, 0xA5, 0xFF] {
            let mut memory = memory(fill);
            let (ring, boot) = memory.init(ResetReason::PowerOn, 7);
            assert_eq!(
                boot,
                BootReport {
                    recovered: false,
                    entries: 0,
                    reason: ResetReason::PowerOn,
                    damage: Some(Damage::NoHeader),
                    lock_cleared: false,
                }
            );
            assert_eq!(boots(&ring), [ResetReason::PowerOn]);
            assert_eq!(logs(&ring), [(Level::Info, Damage::NoHeader.message().into())]);
            assert_eq!(ring.with(|r| r.validate()), Ok(()));
        }
    }

    #[test]
    fn intact_ring_is_kept_across_resets() {
        let mut memory = memory(0x5A);
        let (ring, _) = memory.init(ResetReason::PowerOn, 0);
        ring.push_log(5, Level::Error, b"app", b"before the reset").unwrap();
        let seq_before = ring.with(|r| r.next_seq());

        let (ring, boot) = memory.init(ResetReason::Watchdog, 1);
        assert!(boot.recovered);
        assert_eq!(boot.entries, 3); // the first boot, its notice, the error
        assert_eq!(boot.reason, ResetReason::Watchdog);
        assert_eq!(boots(&ring), [ResetReason::PowerOn, ResetReason::Watchdog]);
        assert_eq!(logs(&ring)[1], (Level::Error, "before the reset".into()));
        // Sequence numbers go on: a reader can tell old entries from new.
        assert_eq!(ring.with(|r| r.next_seq()), seq_before + 1);
    }

    #[test]
    fn damaged_magic_starts_empty_with_warn() {
        let mut memory = memory(0);
        let (ring, _) = memory.init(ResetReason::PowerOn, 0);
        ring.push_log(5, Level::Info, b"app", b"lost").unwrap();
        // SAFETY: initialised by `init`; we own the box.
        unsafe { (*memory.region.as_ptr()).magic.store(0xDEAD_BEEF, Ordering::Relaxed) };

        let (ring, boot) = memory.init(ResetReason::Software, 1);
        assert!(!boot.recovered);
        assert_eq!(boot.damage, Some(Damage::NoHeader));
        assert_eq!(boots(&ring), [ResetReason::Software]);
        assert_eq!(logs(&ring), [(Level::Warn, Damage::NoHeader.message().into())]);
    }

    #[test]
    fn damaged_records_start_empty_with_warn() {
        let mut memory = memory(0);
        let (ring, _) = memory.init(ResetReason::PowerOn, 0);
        for i in 0..10 {
            ring.push_log(i, Level::Info, b"app", b"a record that will be damaged").unwrap();
        }
        ring.with(|r| r.storage_mut()[..64].fill(0xFF));

        let (ring, boot) = memory.init(ResetReason::Pin, 1);
        assert!(!boot.recovered);
        assert_eq!(boot.damage, Some(Damage::Ring(Corruption::Records)));
        assert_eq!(boots(&ring), [ResetReason::Pin]);
        assert_eq!(logs(&ring), [(Level::Warn, Damage::Ring(Corruption::Records).message().into())]);
        assert_eq!(ring.with(|r| r.validate()), Ok(()));
    }

    #[test]
    fn damaged_header_flags_fail_the_checksum() {
        let mut memory = memory(0);
        let _ = memory.init(ResetReason::PowerOn, 0);
        // SAFETY: initialised by `init`; we own the box.
        unsafe { (*memory.region.as_ptr()).flags.store(0x10, Ordering::Relaxed) };
        let (_, boot) = memory.init(ResetReason::Software, 1);
        assert_eq!(boot.damage, Some(Damage::NoHeader));
    }

    #[test]
    fn stale_lock_is_cleared_and_ring_kept() {
        let mut memory = memory(0);
        let (ring, _) = memory.init(ResetReason::PowerOn, 0);
        ring.push_log(5, Level::Critical, b"app", b"reset inside a critical section").unwrap();
        // Garbage in the borrow flag, as a reset inside `with` leaves it.
        let base = memory.region.as_mut_ptr();
        // SAFETY: initialised; ours; only bytes outside the ring are written
        // (any pattern is valid there, module docs).
        unsafe {
            let shared = &mut (*base).ring;
            let ring_addr = ptr::from_mut(shared.get_mut()) as usize;
            let whole = ptr::from_mut(shared).cast::<u8>();
            let start = ring_addr - whole as usize;
            let end = start + size_of::<Ring<[u8; SIZE]>>();
            ptr::write_bytes(whole, 0xFF, start);
            ptr::write_bytes(whole.add(end), 0xFF, size_of::<SharedRing<[u8; SIZE]>>() - end);
            assert!(shared.try_with(|_| ()).is_none(), "the flag now says borrowed");
        }
        let (ring, boot) = memory.init(ResetReason::Lockup, 1);
        assert!(boot.recovered);
        assert!(boot.lock_cleared);
        assert!(logs(&ring).iter().any(|(_, m)| m == "reset inside a critical section"));
    }

    #[test]
    fn recorded_panic_sets_next_reason() {
        let mut memory = memory(0);
        let (ring, _) = memory.init(ResetReason::PowerOn, 0);
        ring.note_panic();
        let (ring, boot) = memory.init(ResetReason::Software, 1);
        assert!(boot.recovered);
        assert_eq!(boot.reason, ResetReason::Panic);
        ring.push_log(2, Level::Info, b"app", b"next run").unwrap();
        // The flag is cleared: the boot after that is an ordinary one.
        let (_, boot) = memory.init(ResetReason::Software, 3);
        assert_eq!(boot.reason, ResetReason::Software);
    }

    #[test]
    fn another_size_never_adopts() {
        assert_ne!(layout_word::<512>(), layout_word::<1024>());
        assert_ne!(check_word(MAGIC, 1, 0), check_word(MAGIC, 1, 1));
    }
}
