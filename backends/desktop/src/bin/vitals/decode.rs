//! `vitals decode`: the core's binary stream to human lines or JSON Lines.
//!
//! Damaged spans are skipped and counted on stderr; decoding goes on at the
//! next frame. Exit 0 when every byte was read, 1 when some were skipped,
//! 2 when the input cannot be opened.
//!
//! Custom metrics and instance labels are named by the stream's own
//! description records. A file is read twice, so a name described anywhere
//! in it applies to every line; from stdin, names apply from their
//! description on.

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use vitals_core::wire::{Decoded, Decoder};
use vitals_core::{format, EntryKind, Registry};

use crate::Failure;

/// Options of `vitals decode`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The stream to read; `-` or nothing for stdin.
    input: Option<PathBuf>,
    /// Print JSON Lines instead of human lines.
    #[arg(long)]
    json: bool,
}

/// The names a stream can teach: custom metric ids up to 128 + 4095, and as
/// many labels. Boxed: about 450 KiB.
type Names = Registry<4096, 4096>;

pub(crate) fn run(args: &Args) -> Result<ExitCode, Failure> {
    let mut names: Box<Names> = Box::default();
    let mut input: Box<dyn Read> = match &args.input {
        None => Box::new(io::stdin().lock()),
        Some(path) if path.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(path) => {
            let cannot_open = |why: String| {
                Failure::usage(format!(
                    "cannot open {}: {why}. Give a file written by a Vitals exporter, or - for stdin",
                    path.display()
                ))
            };
            if path.is_dir() {
                return Err(cannot_open("it is a directory".to_owned()));
            }
            // Two passes over the file, each streamed: the names first, so
            // lines before a description already use them; memory stays
            // one chunk however large the capture.
            let open = || std::fs::File::open(path).map_err(|e| cannot_open(e.to_string()));
            learn_names(open()?, &mut names)
                .map_err(|e| Failure::runtime(format!("reading input failed: {e}")))?;
            Box::new(open()?)
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut decoder = Decoder::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut line = String::new();
    let mut write_error = None;
    let mut reasons: Vec<String> = Vec::new();
    let mut on_item = |item: Decoded<'_>| match item {
        Decoded::Entry { entry, anchor } => {
            if let EntryKind::Describe(description) = entry.kind {
                let _ = names.learn(&description); // a name it cannot hold stays a number
            }
            line.clear();
            let _ = if args.json {
                format::json(&mut line, &entry, anchor, &*names)
            } else {
                format::human(&mut line, &entry, anchor, &*names)
            };
            line.push('\n');
            if write_error.is_none() {
                if let Err(e) = out.write_all(line.as_bytes()) {
                    write_error = Some(e);
                }
            }
        }
        Decoded::Gap { lost } => eprintln!("vitals decode: {lost} entries missing here (sequence gap)"),
        Decoded::Skipped { bytes, error } => {
            if reasons.len() < 10 {
                reasons.push(format!("{bytes} bytes: {error}"));
            }
        }
    };
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::runtime(format!("reading input failed: {e}"))),
        };
        decoder.feed(&chunk[..n], &mut on_item);
    }
    decoder.finish(&mut on_item);
    if let Some(e) = write_error {
        if e.kind() != io::ErrorKind::BrokenPipe {
            return Err(Failure::runtime(format!("writing output failed: {e}")));
        }
    }
    if let Err(e) = out.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            return Err(Failure::runtime(format!("writing output failed: {e}")));
        }
    }
    let stats = decoder.stats();
    if stats.skipped_bytes > 0 {
        eprintln!(
            "vitals decode: skipped {} bytes in {} damaged spans; decoded {} entries from {} frames",
            stats.skipped_bytes, stats.bad_frames, stats.entries, stats.frames
        );
        for reason in &reasons {
            eprintln!("  {reason}");
        }
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The first pass over a file: every description in it.
fn learn_names(mut input: impl Read, names: &mut Names) -> io::Result<()> {
    let mut learn = |item: Decoded<'_>| {
        if let Decoded::Entry {
            entry: vitals_core::Entry { kind: EntryKind::Describe(description), .. },
            ..
        } = item
        {
            let _ = names.learn(&description);
        }
    };
    let mut decoder = Decoder::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => decoder.feed(&chunk[..n], &mut learn),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    decoder.finish(&mut learn);
    Ok(())
}
