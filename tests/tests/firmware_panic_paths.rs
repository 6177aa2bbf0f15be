//! No panic path starts in Vitals code inside a real firmware.
//!
//! The core and the embedded backend promise not to panic on any input; on
//! a microcontroller every panic branch is also flash spent on a reset
//! path. This test holds them to it on the demo firmware
//! (`firmware-example/src/bin/vitals_demo.rs`, which uses the ring, the
//! macros, the sampler, threshold rules, the reset-surviving ring, the
//! defmt drain and the wire export), built for a Cortex-M3 and a Cortex-M0,
//! and on the three size probes (`size_vitals*`, Cortex-M3):
//!
//! 1. every branch in `.text` is decoded (Thumb-2 `BL`, `B.W`, `B<c>.W`
//!    and the 16-bit `B`s);
//! 2. the panic functions are `core::panicking::*` and the slice, unwrap
//!    and copy failure functions, plus, found by closure, every function of
//!    the standard library or of a crate Vitals calls (cobs, crc,
//!    heapless, ufmt, ...) that branches to one (an out-of-line
//!    `<Range as SliceIndex>::index_mut`, say);
//! 3. each branch into them is placed with the DWARF line tables, inlined
//!    frames included: the innermost frame outside those libraries is the
//!    code that asked for the panic. If that is the repository's
//!    `core/src/` or `backends/embedded/src/`, the test fails and names the
//!    line. (A panic inside the application's own choices, such as its
//!    defmt logger, is the application's.)
//!
//! One panic is by design: `SharedRing::with` called from inside another
//! `with` on the same ring is a bug in the caller and panics as
//! `RefCell::borrow_mut` does (`try_with` is the non-panicking form). The
//! test requires finding it, which shows it sees Vitals' code at all.
//!
//! Needs the bare-metal targets, so `cargo xtask test` runs it (`--ignored`).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

/// Where Vitals' own sources are, relative to the repository root.
const VITALS_SOURCES: &[&str] = &["core/src/", "backends/embedded/src/"];

/// Crates Vitals calls into: a panic inside them on Vitals' behalf is
/// Vitals' (their sources' folder names in the cargo registry).
const VITALS_DEPENDENCIES: &[&str] = &[
    "/cobs-",
    "/crc-",
    "/crc-catalog-",
    "/heapless-",
    "/hash32-",
    "/ufmt-",
    "/ufmt-write-",
    "/embedded-io-",
];

/// The function holding the one panic allowed by design.
const ALLOWED_FUNCTION: &str = "unreachable_reentry";

/// Name fragments of the functions that panic.
const PANIC_FUNCTIONS: &[&str] = &[
    "panicking",
    "slice_index_fail",
    "slice_end_index_len_fail",
    "slice_start_index_len_fail",
    "slice_index_order_fail",
    "len_mismatch_fail",
    "unwrap_failed",
    "expect_failed",
    "rust_begin_unwind",
];

#[test]
#[ignore = "needs the thumbv7m-none-eabi target; `cargo xtask test` runs it"]
fn vitals_code_in_the_cortex_m3_demo_has_no_panic_path() {
    check("thumbv7m-none-eabi");
}

#[test]
#[ignore = "needs the thumbv6m-none-eabi target; `cargo xtask test` runs it"]
fn vitals_code_in_the_cortex_m0_demo_has_no_panic_path() {
    check("thumbv6m-none-eabi");
}

/// The size probes link the same code as an application would, inlined
/// differently: a bound the demo's build proves may stay a panic here (one
/// in `stream_to` did).
#[test]
#[ignore = "needs the thumbv7m-none-eabi target; `cargo xtask test` runs it"]
fn vitals_code_in_the_size_probes_has_no_panic_path() {
    for (bin, features) in [("size_vitals", ""), ("size_vitals_ufmt", "ufmt"), ("size_vitals_log", "log")] {
        check_bin("thumbv7m-none-eabi", bin, features, 200);
    }
}

fn check(target: &str) {
    check_bin(target, "vitals_demo", "", 1000);
}

/// Checks `bin`, which has at least `min_branches` branches (fewer means
/// the decoder is not seeing Thumb code).
fn check_bin(target: &str, bin: &str, features: &str, min_branches: usize) {
    let path = support::build_firmware_with(target, bin, features);
    let data = fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let elf = object::File::parse(&*data).expect("an ELF file");
    let functions = functions(&elf);
    let branches = branches(&elf);
    assert!(branches.len() > min_branches, "only {} branches decoded: is this Thumb code?", branches.len());
    let lines = Lines::new(&elf);

    let panicking = panicking(&functions, &branches, &lines);
    assert!(!panicking.is_empty(), "no panic function found: the firmware's panic handler should be linked");

    let mut found = BTreeMap::<String, usize>::new();
    let (mut allowed, mut unplaced) = (0, 0);
    for &(site, to) in &branches {
        if !panicking.contains(&to) {
            continue;
        }
        let frames = lines.frames(site);
        if frames.is_empty() {
            unplaced += 1;
            continue;
        }
        let Some(asker) = frames.iter().find(|frame| !matches!(lines.kind(frame), Kind::Library)) else {
            continue;
        };
        if lines.kind(asker) != Kind::Vitals {
            continue;
        }
        if function_at(&functions, site).is_some_and(|f| f.name.contains(ALLOWED_FUNCTION)) {
            allowed += 1;
        } else {
            *found.entry(asker.clone()).or_default() += 1;
        }
    }
    eprintln!(
        "{target}: {} branches, {} panic functions, {} panic branches from Vitals code, \
         {allowed} allowed by design",
        branches.len(),
        panicking.len(),
        allowed + found.values().sum::<usize>()
    );
    assert_eq!(
        unplaced, 0,
        "branches into panic functions without line info: was the firmware built with debug info?"
    );
    assert!(
        allowed > 0,
        "the documented panic in `{ALLOWED_FUNCTION}` was not found: does the test see Vitals' code?"
    );
    assert!(
        found.is_empty(),
        "Vitals code in {} can panic here (each line asks for a panic the core promises not to \
         have; use get()/checked arithmetic):\n{}",
        path.display(),
        found
            .iter()
            .map(|(line, n)| format!("  {line} ({n} branch{})\n", if *n == 1 { "" } else { "es" }))
            .collect::<String>()
    );
}

/// A function's address range and name.
struct Function {
    start: u64,
    end: u64,
    name: String,
}

/// The function symbols, by start address (Thumb bit cleared).
fn functions(elf: &object::File<'_>) -> Vec<Function> {
    let mut functions: Vec<Function> = elf
        .symbols()
        .filter(|symbol| symbol.kind() == SymbolKind::Text && symbol.size() > 0)
        .map(|symbol| {
            let start = symbol.address() & !1;
            Function { start, end: start + symbol.size(), name: symbol.name().unwrap_or("").to_owned() }
        })
        .collect();
    functions.sort_by_key(|function| function.start);
    functions
}

fn function_at(functions: &[Function], address: u64) -> Option<&Function> {
    let index = functions.partition_point(|function| function.start <= address).checked_sub(1)?;
    functions.get(index).filter(|function| address < function.end)
}

/// The panic functions and, by closure, the functions of the standard
/// library and of Vitals' dependencies that branch to one.
fn panicking(functions: &[Function], branches: &[(u64, u64)], lines: &Lines<'_>) -> BTreeSet<u64> {
    let mut panicking: BTreeSet<u64> = functions
        .iter()
        .filter(|function| PANIC_FUNCTIONS.iter().any(|fragment| function.name.contains(fragment)))
        .map(|function| function.start)
        .collect();
    loop {
        let before = panicking.len();
        for &(site, to) in branches {
            if !panicking.contains(&to) {
                continue;
            }
            let Some(caller) = function_at(functions, site) else { continue };
            if !panicking.contains(&caller.start) && lines.is_library(caller.start) {
                panicking.insert(caller.start);
            }
        }
        if panicking.len() == before {
            return panicking;
        }
    }
}

/// Every branch with a fixed target in `.text`: (address, target).
fn branches(elf: &object::File<'_>) -> Vec<(u64, u64)> {
    let text = elf.section_by_name(".text").expect("a .text section");
    let base = text.address();
    let code = text.data().expect(".text bytes");
    // `$d` mapping symbols mark literal pools inside `.text`; `$t` code.
    let mut data_ranges: Vec<(u64, bool)> = elf
        .symbols()
        .filter_map(|symbol| match symbol.name() {
            Ok(name) if name.starts_with("$d") => Some((symbol.address(), true)),
            Ok(name) if name.starts_with("$t") => Some((symbol.address(), false)),
            _ => None,
        })
        .collect();
    data_ranges.sort();
    let is_data = |address: u64| {
        let index = data_ranges.partition_point(|&(start, _)| start <= address);
        index > 0 && data_ranges[index - 1].1
    };
    let halfword = |offset: usize| code.get(offset..offset + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let mut found = Vec::new();
    let mut offset = 0;
    while let Some(first) = halfword(offset) {
        let address = base + offset as u64;
        if is_data(address) {
            offset += 2;
            continue;
        }
        let wide = matches!(first >> 11, 0b11101..=0b11111);
        if wide {
            if let Some(target) = halfword(offset + 2).and_then(|second| wide_branch(address, first, second))
            {
                found.push((address, target));
            }
            offset += 4;
        } else {
            if let Some(target) = narrow_branch(address, first) {
                found.push((address, target));
            }
            offset += 2;
        }
    }
    found
}

fn sign_extend(value: u32, bits: u32) -> i64 {
    let shift = 32 - bits;
    i64::from(((value << shift) as i32) >> shift)
}

/// `BL`, `B.W` (T4) and `B<c>.W` (T3): the target, if `first, second` is one.
fn wide_branch(address: u64, first: u16, second: u16) -> Option<u64> {
    if first >> 11 != 0b11110 || (second >> 15) & 1 != 1 {
        return None;
    }
    let (first, second) = (u32::from(first), u32::from(second));
    let s = (first >> 10) & 1;
    let (j1, j2) = ((second >> 13) & 1, (second >> 11) & 1);
    let imm11 = second & 0x7ff;
    let offset = match ((second >> 14) & 1, (second >> 12) & 1) {
        // BL (T1) or B.W (T4).
        (1, 1) | (0, 1) => {
            let (i1, i2) = (!(j1 ^ s) & 1, !(j2 ^ s) & 1);
            sign_extend(s << 24 | i1 << 23 | i2 << 22 | (first & 0x3ff) << 12 | imm11 << 1, 25)
        }
        // B<c>.W (T3); condition codes 111x are other instructions.
        (0, 0) if (first >> 6) & 0b1110 != 0b1110 => {
            sign_extend(s << 20 | j2 << 19 | j1 << 18 | (first & 0x3f) << 12 | imm11 << 1, 21)
        }
        _ => return None,
    };
    Some(address.wrapping_add(4).wrapping_add_signed(offset))
}

/// The 16-bit `B` (T2) and `B<c>` (T1): the target, if `first` is one.
fn narrow_branch(address: u64, first: u16) -> Option<u64> {
    let first = u32::from(first);
    let offset = if first >> 11 == 0b11100 {
        sign_extend((first & 0x7ff) << 1, 12)
    } else if first >> 12 == 0b1101 && (first >> 8) & 0b1110 != 0b1110 {
        sign_extend((first & 0xff) << 1, 9)
    } else {
        return None;
    };
    Some(address.wrapping_add(4).wrapping_add_signed(offset))
}

/// Whose code a source file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Vitals' own: `core/src/` and `backends/embedded/src/`.
    Vitals,
    /// The standard library, or a crate Vitals calls into.
    Library,
    /// Anything else: the application and the crates it chose.
    Other,
}

/// The firmware's DWARF line tables, inlined frames included.
struct Lines<'a> {
    context: addr2line::Context<gimli::EndianSlice<'a, gimli::RunTimeEndian>>,
    root: PathBuf,
}

impl<'a> Lines<'a> {
    fn new(elf: &object::File<'a>) -> Self {
        let endian = gimli::RunTimeEndian::Little;
        let dwarf = gimli::Dwarf::load(|id| -> Result<_, gimli::Error> {
            let data = elf.section_by_name(id.name()).and_then(|section| section.data().ok()).unwrap_or(&[]);
            Ok(gimli::EndianSlice::new(data, endian))
        })
        .expect("DWARF sections");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        Lines {
            context: addr2line::Context::from_dwarf(dwarf).expect("DWARF line tables"),
            root: root.canonicalize().unwrap_or(root),
        }
    }

    /// `file:line` of `address`'s frames, innermost first.
    fn frames(&self, address: u64) -> Vec<String> {
        let mut files = Vec::new();
        if let Ok(mut frames) = self.context.find_frames(address).skip_all_loads() {
            while let Ok(Some(frame)) = frames.next() {
                if let Some(location) = frame.location {
                    let file = location.file.unwrap_or("?");
                    files.push(format!("{file}:{}", location.line.unwrap_or(0)));
                }
            }
        }
        files
    }

    fn kind(&self, frame: &str) -> Kind {
        let path = Path::new(frame);
        if VITALS_SOURCES.iter().any(|dir| path.starts_with(self.root.join(dir))) {
            Kind::Vitals
        } else if frame.starts_with("/rustc/")
            || VITALS_DEPENDENCIES.iter().any(|crate_dir| frame.contains(crate_dir))
        {
            Kind::Library
        } else {
            Kind::Other
        }
    }

    /// Whether the code at `address` is a library's (its innermost frame).
    fn is_library(&self, address: u64) -> bool {
        self.frames(address).first().is_some_and(|frame| self.kind(frame) == Kind::Library)
    }
}
