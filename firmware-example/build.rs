//! Picks the memory layout for the board the target implies, hands it to the
//! linker as `memory.x`, and links with the runtime's `link.x` and defmt's
//! `defmt.x`.
//!
//! | target                     | board (QEMU machine)        | layout file          | cfg             |
//! |----------------------------|-----------------------------|----------------------|-----------------|
//! | `thumbv7m-none-eabi`       | TI LM3S6965 (`lm3s6965evb`) | `memory-lm3s6965.x`  | `board_lm3s6965`|
//! | `thumbv7em-none-eabihf`    | the same layout, build only | `memory-lm3s6965.x`  | `board_lm3s6965`|
//! | `thumbv6m-none-eabi`       | nRF51822 (`microbit`)       | `memory-nrf51.x`     | `board_microbit`|
//! | `riscv32imc-unknown-none-elf` | a generic RV32, build only | `memory-riscv32.x`  | `board_riscv32` |
//!
//! The link arguments are given here rather than in `.cargo/config.toml` so a
//! build from any directory links the same way.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let (layout, board): (&[u8], &str) = if target.starts_with("thumbv6m") {
        (include_bytes!("memory-nrf51.x"), "board_microbit")
    } else if target.starts_with("thumbv7") {
        (include_bytes!("memory-lm3s6965.x"), "board_lm3s6965")
    } else if target.starts_with("riscv32") {
        (include_bytes!("memory-riscv32.x"), "board_riscv32")
    } else {
        panic!(
            "vitals-firmware-example builds for thumbv6m-none-eabi, thumbv7m-none-eabi, \
             thumbv7em-none-eabihf and riscv32imc-unknown-none-elf, not `{target}`: pass one with --target"
        );
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    fs::write(out.join("memory.x"), layout).expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search={}", out.display());
    for file in ["build.rs", "memory-nrf51.x", "memory-lm3s6965.x", "memory-riscv32.x"] {
        println!("cargo:rerun-if-changed={file}");
    }
    println!("cargo:rustc-check-cfg=cfg(board_lm3s6965, board_microbit, board_riscv32)");
    println!("cargo:rustc-cfg={board}");
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
}
