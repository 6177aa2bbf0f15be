//! `cargo xtask bench`'s wasm size beside its peers: `vitals_wasm_bg.wasm`
//! as the web step built it, and two tiny cdylibs that log through
//! `console_log` and `tracing-wasm`, built here the same way: the
//! workspace's `min-size` profile with [`web::WASM_RUSTFLAGS`],
//! `wasm-bindgen --target web` at the locked version, `wasm-opt -Oz`
//! (and the rest of [`web::WASM_OPT_SHRINK`]), then `gzip -9`.
//!
//! The peers live in their own throw-away workspace under
//! `target/wasm-peers/`, so their dependencies never enter the project's
//! `Cargo.lock`. Each exports `info(target, message)`, which logs one line,
//! and sets its logger up on start: the least a page needs to log through it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::command::Cmd;
use crate::error::{Error, Result};
use crate::report::collect::files;
use crate::web;
use crate::workspace;

/// A peer crate: its name (as the report shows it), dependencies, and source.
struct Peer {
    name: &'static str,
    package: &'static str,
    dependencies: &'static str,
    source: &'static str,
}

const PEERS: &[Peer] = &[
    Peer {
        name: "console_log",
        package: "peer_console_log",
        dependencies: "log = \"0.4\"\nconsole_log = \"1\"\n",
        source: r#"use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    let _ = console_log::init_with_level(log::Level::Info);
}

#[wasm_bindgen]
pub fn info(target: &str, message: &str) {
    log::info!(target: target, "{message}");
}
"#,
    },
    Peer {
        name: "tracing-wasm",
        package: "peer_tracing_wasm",
        dependencies: "tracing = \"0.1\"\ntracing-wasm = \"0.2\"\n",
        source: r#"use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    tracing_wasm::set_as_global_default();
}

#[wasm_bindgen]
pub fn info(target: &str, message: &str) {
    tracing::info!(target_name = target, "{message}");
}
"#,
    },
];

/// The workspace's `min-size` profile, repeated: `release` with one
/// codegen unit, then size first.
const MIN_SIZE_PROFILE: &str = "[profile.release]\ncodegen-units = 1\n\n\
[profile.min-size]\ninherits = \"release\"\nopt-level = \"z\"\nlto = \"fat\"\ndebug = false\npanic = \"abort\"\n";

fn peers_dir() -> PathBuf {
    workspace::target_dir().join("wasm-peers")
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::new(format!("{}: {e}", path.display()))
}

/// The peer workspace's manifest: one member per peer.
fn workspace_manifest() -> String {
    let members: Vec<String> = PEERS.iter().map(|p| format!("\"{}\"", p.package)).collect();
    format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n{MIN_SIZE_PROFILE}", members.join(", "))
}

fn peer_manifest(peer: &Peer, wasm_bindgen: &str) -> String {
    format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nwasm-bindgen = \"={wasm_bindgen}\"\n{}",
        peer.package, peer.dependencies
    )
}

/// Writes the peer workspace (only files whose text changed, so cargo
/// rebuilds nothing needlessly).
fn write_workspace(wasm_bindgen: &str) -> Result<()> {
    let dir = peers_dir();
    let mut files = vec![(dir.join("Cargo.toml"), workspace_manifest())];
    for peer in PEERS {
        let crate_dir = dir.join(peer.package);
        files.push((crate_dir.join("Cargo.toml"), peer_manifest(peer, wasm_bindgen)));
        files.push((crate_dir.join("src").join("lib.rs"), peer.source.to_owned()));
    }
    for (path, text) in files {
        if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        fs::write(&path, text).map_err(|e| io_error(&path, e))?;
    }
    Ok(())
}

/// Every `.js` file under `dir` (the generated glue and its snippets),
/// sorted by path, concatenated into `out`: the JavaScript a page
/// downloads with the module (unminified), for sizing next to it.
fn js_bundle(dir: &Path, out: PathBuf) -> Result<PathBuf> {
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        for entry in fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
            let path = entry.map_err(|e| io_error(dir, e))?.path();
            if path.is_dir() {
                collect(&path, out)?;
            } else if path.extension().is_some_and(|ext| ext == "js") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    let mut bundle = Vec::new();
    for file in &files {
        bundle.extend(fs::read(file).map_err(|e| io_error(file, e))?);
    }
    fs::write(&out, bundle).map_err(|e| io_error(&out, e))?;
    Ok(out)
}

/// `gzip -9`'d size of `path`.
fn gzip_size(path: &Path) -> Result<u64> {
    Cmd::new("sh")
        .args(["-c", &format!("gzip -9 -c '{}' | wc -c", path.display())])
        .probe()
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| Error::new(format!("could not run `gzip -9 | wc -c` on {}", path.display())))
}

fn file_size(path: &Path) -> Result<u64> {
    fs::metadata(path).map(|m| m.len()).map_err(|e| io_error(path, e))
}

/// `wasm-bindgen --target web` then `wasm-opt -Oz` of `wasm` into `out`,
/// as the page's module is shrunk ([`web::WASM_OPT_SHRINK`]);
/// the optimised `_bg.wasm`.
fn bindgen_and_shrink(wasm: &Path, out: &Path, stem: &str) -> Result<PathBuf> {
    Cmd::new("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .arg(out.display().to_string())
        .arg(wasm.display().to_string())
        .run()?;
    let bg = out.join(format!("{stem}_bg.wasm"));
    let wasm_opt = web::wasm_opt().ok_or_else(|| {
        Error::new(
            "no usable wasm-opt: the peers would not be shrunk like vitals-wasm, so they are not measured",
        )
    })?;
    let shown = bg.display().to_string();
    let flags = web::WASM_OPT_SHRINK.iter().chain(web::WASM_OPT_FEATURES).copied();
    wasm_opt.args(flags).args([&shown, "-o", &shown]).run()?;
    Ok(bg)
}

/// Builds the peers, measures them and `vitals_wasm_bg.wasm` (already built
/// by the web step), and writes `wasm-sizes.csv` to `results`.
pub(crate) fn measure(results: &Path) -> Result<()> {
    let mut csv = String::from("module,raw_bytes,gzip_bytes\n");
    let ours = web::pkg_dir().join("vitals_wasm_bg.wasm");
    let mut row = |name: &str, path: &Path| -> Result<()> {
        let (raw, gz) = (file_size(path)?, gzip_size(path)?);
        println!(
            "{name}: {raw} bytes ({:.1} KiB), gzip -9: {gz} bytes ({:.1} KiB)",
            raw as f64 / 1024.0,
            gz as f64 / 1024.0
        );
        let _ = writeln!(csv, "{name},{raw},{gz}");
        Ok(())
    };
    row("vitals-wasm", &ours)?;
    row("vitals-wasm JS", &js_bundle(&web::pkg_dir(), results.join("vitals-wasm.js-bundle"))?)?;

    let wasm_bindgen = web::locked_wasm_bindgen_version()?;
    write_workspace(&wasm_bindgen)?;
    let dir = peers_dir();
    let target = dir.join("target");
    let mut build = Cmd::cargo()
        .dir(&dir)
        .env("CARGO_TARGET_DIR", target.display().to_string())
        .env("RUSTFLAGS", web::wasm_rustflags())
        .args(["build", "--target", web::WASM, "--profile", "min-size"]);
    for peer in PEERS {
        build = build.args(["-p", peer.package]);
    }
    build.run()?;
    for peer in PEERS {
        let wasm = target.join(web::WASM).join("min-size").join(format!("{}.wasm", peer.package));
        let out = dir.join("pkg").join(peer.package);
        let bg = bindgen_and_shrink(&wasm, &out, peer.package)?;
        row(peer.name, &bg)?;
        row(&format!("{} JS", peer.name), &js_bundle(&out, out.with_extension("js-bundle"))?)?;
    }
    let out = results.join(files::WASM_SIZES);
    fs::write(&out, csv).map_err(|e| io_error(&out, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_manifests_pin_the_locked_wasm_bindgen_and_share_the_profile() {
        let manifest = peer_manifest(&PEERS[0], "0.2.130");
        assert!(manifest.contains("wasm-bindgen = \"=0.2.130\""), "{manifest}");
        assert!(manifest.contains("crate-type = [\"cdylib\"]"));
        let root = workspace_manifest();
        assert!(root.contains("\"peer_console_log\", \"peer_tracing_wasm\""), "{root}");
        assert!(root.contains("opt-level = \"z\"") && root.contains("panic = \"abort\""));
        // The project's own min-size profile says the same.
        let ours = fs::read_to_string(workspace::root().join("Cargo.toml")).unwrap();
        let profile = &ours[ours.find("[profile.min-size]").unwrap()..];
        for line in ["opt-level = \"z\"", "lto = \"fat\"", "debug = false", "panic = \"abort\""] {
            assert!(profile.contains(line), "the workspace's min-size profile lost `{line}`");
        }
    }

    #[test]
    #[ignore = "builds vitals-wasm's page and the peers for wasm32 (minutes, needs crates.io): run with --ignored"]
    fn the_peers_build_and_are_measured() {
        let dir = std::env::temp_dir().join(format!("xtask-wasm-peers-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        measure(&dir).expect("measured");
        let csv = fs::read_to_string(dir.join(files::WASM_SIZES)).unwrap();
        for name in ["vitals-wasm", "console_log", "tracing-wasm"] {
            assert!(csv.lines().any(|l| l.starts_with(&format!("{name},"))), "{csv}");
        }
        println!("{csv}");
        let _ = fs::remove_dir_all(&dir);
    }
}
